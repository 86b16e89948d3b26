/* store.h - the storage layer's connections: one interface over SQLite (a
 * file path, the embedded default) and PostgreSQL (a postgresql:// URL).
 * Opening, migrating, one connection per thread, transactions and the
 * three-way result codes every named operation returns. The named
 * operations themselves are declared in store_<area>.h; the SQL they run
 * lives in store_<area>.c and nowhere else. */
#ifndef NPSD_STORE_H
#define NPSD_STORE_H

#include <stddef.h>

/* Result codes of the storage layer. They have SQLite's values so that
 * the SQLite driver passes them through unchanged. */
#define STORE_OK		0
#define STORE_ERROR		1
#define STORE_BUSY		5	/* locked by another writer: retry later */
#define STORE_LOCKED		6
#define STORE_READONLY		8
#define STORE_IOERR		10	/* includes a lost PostgreSQL connection */
#define STORE_NOTFOUND		12	/* an operation's row is not there */
#define STORE_FULL		13
#define STORE_CANTOPEN		14
#define STORE_CONSTRAINT	19
#define STORE_ROW		100
#define STORE_DONE		101

enum store_backend {
	STORE_SQLITE,
	STORE_POSTGRESQL
};

struct store;

/* 1 when target names a PostgreSQL database (postgresql:// or
 * postgres://), 0 for a SQLite file path. */
int	 store_target_is_postgresql(const char *target);

/* target for messages: a URL's password (user:PASSWORD@ or password=...)
 * replaced by "***". */
void	 store_target_redacted(const char *target, char *out, size_t outlen);

/* Opens target (a SQLite path or a PostgreSQL URL). synchronous is
 * SQLite's level (0 off, 1 normal, 2 full); PostgreSQL ignores it. With
 * migrate, creates the database file (SQLite) and applies pending
 * migrations; without, refuses a schema that is not the latest. Returns
 * NULL and fills err on failure. */
struct store *store_open(const char *target, int synchronous, int migrate,
	    char *err, size_t errlen);
void	 store_close(struct store *);
enum store_backend store_backend(const struct store *);

/* One connection per calling thread, opened on first use with the target
 * given to store_thread_setup; closed when the thread ends. */
void	 store_thread_setup(const char *target, int synchronous);
struct store *store_thread(void);

/* Transactions: store_begin takes the write lock at once (SQLite's BEGIN
 * IMMEDIATE); store_commit rolls back when the commit fails. */
int	 store_begin(struct store *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);

/* The last error's text, for logs; never NULL. */
const char *store_errmsg(struct store *);
/* 1 when rc means the store is unavailable for now (busy, locked, full,
 * I/O error, connection lost): the client should retry later (HTTP 503). */
int	 store_unavailable(int rc);
/* 1 when the store can take a write now. */
int	 store_writable(struct store *);

int	 store_schema_version(struct store *);
int	 store_latest_version(enum store_backend);

#endif
