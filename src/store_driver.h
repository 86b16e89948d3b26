/* store_driver.h - what a database driver gives the storage layer: the
 * table of functions store.c dispatches to. Each driver embeds struct
 * store and struct store_stmt as the first member of its own. Internal to
 * src/store*.c. */
#ifndef NPSD_STORE_DRIVER_H
#define NPSD_STORE_DRIVER_H

#include <stddef.h>

#include "store.h"
#include "store_sql.h"

struct store_driver {
	enum store_backend backend;
	struct store	*(*open)(const char *target, int synchronous, int migrate,
			    char *err, size_t errlen);
	void		 (*close)(struct store *);
	int		 (*begin)(struct store *);
	int		 (*commit)(struct store *);
	void		 (*rollback)(struct store *);
	const char	*(*errmsg)(struct store *);
	int		 (*schema_version)(struct store *);
	int		 (*writable)(struct store *);
	long long	 (*changes)(struct store *);
	int		 (*exec)(struct store *, const char *sql);

	struct store_stmt *(*prepare)(struct store *, const char *sql, int cached);
	void		 (*reset)(struct store_stmt *, int clear_bindings);
	void		 (*finalize)(struct store_stmt *);
	int		 (*bind_int64)(struct store_stmt *, int idx, long long);
	int		 (*bind_double)(struct store_stmt *, int idx, double);
	int		 (*bind_text)(struct store_stmt *, int idx, const char *, size_t);
	int		 (*bind_blob)(struct store_stmt *, int idx, const void *, size_t);
	int		 (*bind_null)(struct store_stmt *, int idx);
	int		 (*step)(struct store_stmt *);
	int		 (*column_is_null)(struct store_stmt *, int col);
	long long	 (*column_int64)(struct store_stmt *, int col);
	double		 (*column_double)(struct store_stmt *, int col);
	const char	*(*column_text)(struct store_stmt *, int col);
	const void	*(*column_blob)(struct store_stmt *, int col, size_t *len);
	int		 (*column_count)(struct store_stmt *);
	const char	*(*column_name)(struct store_stmt *, int col);
	enum store_type	 (*column_type)(struct store_stmt *, int col);
};

struct store {
	const struct store_driver *drv;
};

struct store_stmt {
	struct store	*db;
	int		 cached;
};

extern const struct store_driver store_sqlite_driver;
extern const struct store_driver store_postgresql_driver;

#endif
