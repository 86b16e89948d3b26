/* db.h - the raw SQLite handle of a storage-layer connection, for code not
 * yet moved behind named store operations. Every function here works on
 * the same connection as the store it came from, so a transaction begun
 * on one side covers statements of the other. */
#ifndef NPSD_DB_H
#define NPSD_DB_H

#include <stddef.h>

#include <sqlite3.h>

#include "store.h"

/* store_open, handing back SQLite's handle (NULL for PostgreSQL). */
sqlite3	*db_open(const char *path, int synchronous, int migrate, char *err, size_t errlen);
void	 db_close(sqlite3 *);
/* The store a handle from db_open or db_thread belongs to. */
struct store *db_store(sqlite3 *);
sqlite3	*db_thread(void);
int	 db_begin(sqlite3 *);		/* BEGIN IMMEDIATE */
int	 db_commit(sqlite3 *);
void	 db_rollback(sqlite3 *);
int	 db_exec(sqlite3 *, const char *sql);
int	 db_unavailable(int rc);
sqlite3_stmt *db_prepare(sqlite3 *, const char *sql);
sqlite3_stmt *db_cached(sqlite3 *, const char *sql);
void	 db_done(sqlite3_stmt *);
int	 db_schema_version(sqlite3 *);
int	 db_latest_version(void);

#endif
