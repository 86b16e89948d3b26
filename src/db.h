/* db.h - SQLite connections, pragmas, migrations and transactions. */
#ifndef NPSD_DB_H
#define NPSD_DB_H

#include <stddef.h>

#include <sqlite3.h>

/* Opens path, sets WAL, synchronous (0 off, 1 normal, 2 full), busy
 * timeout and foreign keys. With migrate, applies pending migrations.
 * Returns NULL and fills err on failure. */
sqlite3	*db_open(const char *path, int synchronous, int migrate, char *err, size_t errlen);
void	 db_close(sqlite3 *);
/* One connection per calling thread, opened on first use with the
 * settings given to db_thread_setup; closed when the thread ends. */
void	 db_thread_setup(const char *path, int synchronous);
sqlite3	*db_thread(void);
int	 db_begin(sqlite3 *);		/* BEGIN IMMEDIATE */
int	 db_commit(sqlite3 *);
void	 db_rollback(sqlite3 *);
int	 db_exec(sqlite3 *, const char *sql);
/* 1 when rc means the store is unavailable for now (busy, locked, full,
 * I/O error): the client should retry later (HTTP 503). */
int	 db_unavailable(int rc);
/* Prepares sql; the caller finalizes. NULL on error (logged). */
sqlite3_stmt *db_prepare(sqlite3 *, const char *sql);
/* A prepared statement kept by the connection for reuse: the caller
 * resets it (db_done) instead of finalizing it. For hot paths. */
sqlite3_stmt *db_cached(sqlite3 *, const char *sql);
void	 db_done(sqlite3_stmt *);
int	 db_schema_version(sqlite3 *);
int	 db_latest_version(void);

#endif
