/* store_sql.h - statements, for the storage layer's own files only
 * (src/store_*.c): prepare, bind, step and read columns the same way on
 * SQLite and PostgreSQL. SQL is written once with ? or ?N parameters; the
 * PostgreSQL driver numbers them $N. Write SQL both databases accept:
 * INSERT ... ON CONFLICT DO NOTHING / DO UPDATE (never INSERT OR ...),
 * RETURNING instead of last_insert_rowid, coalesce instead of ifnull,
 * CASE instead of two-argument min/max, and no date functions (times are
 * integer seconds computed in C). Where the two must differ, branch on
 * store_backend(). Never catch a constraint error inside a transaction:
 * PostgreSQL aborts the transaction; use ON CONFLICT instead. */
#ifndef NPSD_STORE_SQL_H
#define NPSD_STORE_SQL_H

#include <stddef.h>

#include "store.h"

struct store_stmt;

/* Prepares sql; the caller finalizes it. NULL on error (logged). */
struct store_stmt *sql_prepare(struct store *, const char *sql);
/* A statement kept by the connection for reuse; the caller hands it back
 * with sql_done instead of finalizing it. For hot paths. */
struct store_stmt *sql_cached(struct store *, const char *sql);
void	 sql_done(struct store_stmt *);	/* reset and clear bindings */
void	 sql_reset(struct store_stmt *);	/* reset, keep bindings */
void	 sql_finalize(struct store_stmt *);

/* Parameters count from 1. Text and blobs are copied. */
int	 sql_bind_int64(struct store_stmt *, int idx, long long v);
int	 sql_bind_int(struct store_stmt *, int idx, int v);
int	 sql_bind_double(struct store_stmt *, int idx, double v);
int	 sql_bind_text(struct store_stmt *, int idx, const char *s, int len);	/* NULL binds NULL; len -1: up to NUL */
int	 sql_bind_blob(struct store_stmt *, int idx, const void *p, size_t len);
int	 sql_bind_null(struct store_stmt *, int idx);

/* STORE_ROW, STORE_DONE or an error code. */
int	 sql_step(struct store_stmt *);

/* Columns count from 0. A NULL reads as 0, 0.0 or a NULL pointer. A
 * PostgreSQL boolean reads as 1 or 0. */
long long sql_column_int64(struct store_stmt *, int col);
int	 sql_column_int(struct store_stmt *, int col);
double	 sql_column_double(struct store_stmt *, int col);
const char *sql_column_text(struct store_stmt *, int col);
const void *sql_column_blob(struct store_stmt *, int col);
size_t	 sql_column_bytes(struct store_stmt *, int col);
int	 sql_column_is_null(struct store_stmt *, int col);
/* The column's text, or "" for NULL. */
const char *sql_column_str(struct store_stmt *, int col);

/* After a step that gave a row: the number of columns, a column's name,
 * and what its value is (for copying rows whose shape the caller does not
 * know). */
enum store_type { STORE_TYPE_NULL, STORE_TYPE_INT, STORE_TYPE_FLOAT, STORE_TYPE_TEXT,
	STORE_TYPE_BLOB };
int	 sql_column_count(struct store_stmt *);
const char *sql_column_name(struct store_stmt *, int col);
enum store_type sql_column_type(struct store_stmt *, int col);

/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
long long sql_changes(struct store *);
/* Runs one or more statements without parameters or results. */
int	 sql_exec(struct store *, const char *sql);
/* The connection a statement belongs to. */
struct store *sql_store(struct store_stmt *);

#endif
