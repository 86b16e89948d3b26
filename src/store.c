/* store.c - the storage layer's entry: picks the driver from the target
 * (a SQLite path or a postgresql:// URL), keeps one connection per thread,
 * and passes transactions and statements to the driver. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "migrations.h"
#include "store_driver.h"

static char *thread_target;
static int thread_sync;
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

int
store_target_is_postgresql(const char *target)
{
	return target != NULL && (strncasecmp(target, "postgresql://", 13) == 0 ||
	    strncasecmp(target, "postgres://", 11) == 0);
}

/* Appends len bytes of s to out (of outlen, NUL-terminated), cutting. */
static void
append(char *out, size_t outlen, size_t *n, const char *s, size_t len)
{
	while (len-- > 0 && *n + 1 < outlen)
		out[(*n)++] = *s++;
	out[*n] = '\0';
}

void
store_target_redacted(const char *target, char *out, size_t outlen)
{
	const char *p, *host, *at, *colon, *query;
	size_t n = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (!store_target_is_postgresql(target)) {
		append(out, outlen, &n, target, strlen(target));
		return;
	}
	host = strstr(target, "://") + 3;
	query = host + strcspn(host, "?");
	at = memchr(host, '@', (size_t)(host + strcspn(host, "/?") - host));
	colon = at != NULL ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (colon != NULL) {
		append(out, outlen, &n, target, (size_t)(colon + 1 - target));
		append(out, outlen, &n, "***", 3);
		append(out, outlen, &n, at, (size_t)(query - at));
	} else
		append(out, outlen, &n, target, (size_t)(query - target));
	/* the query parameters, password=... redacted */
	for (p = query; *p != '\0';) {
		size_t len = 1 + strcspn(p + 1, "&");

		if (strncmp(p + 1, "password=", 9) == 0) {
			append(out, outlen, &n, p, 10);
			append(out, outlen, &n, "***", 3);
		} else
			append(out, outlen, &n, p, len);
		p += len;
	}
}

struct store *
store_open(const char *target, int synchronous, int migrate, char *err, size_t errlen)
{
	const struct store_driver *drv = store_target_is_postgresql(target) ?
	    &store_postgresql_driver : &store_sqlite_driver;

	return drv->open(target, synchronous, migrate, err, errlen);
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->drv->close(s);
}

enum store_backend
store_backend(const struct store *s)
{
	return s->drv->backend;
}

static void
thread_destroy(void *p)
{
	store_close(p);
}

static void
thread_key_create(void)
{
	pthread_key_create(&thread_key, thread_destroy);
}

void
store_thread_setup(const char *target, int synchronous)
{
	pthread_once(&thread_once, thread_key_create);
	free(thread_target);
	thread_target = strdup(target);
	thread_sync = synchronous;
}

struct store *
store_thread(void)
{
	struct store *s;
	char err[512];

	pthread_once(&thread_once, thread_key_create);
	if ((s = pthread_getspecific(thread_key)) != NULL)
		return s;
	if (thread_target == NULL)
		return NULL;
	if ((s = store_open(thread_target, thread_sync, 0, err, sizeof err)) == NULL) {
		log_warnx("database: %s", err);
		return NULL;
	}
	pthread_setspecific(thread_key, s);
	return s;
}

int
store_begin(struct store *s)
{
	return s->drv->begin(s);
}

int
store_commit(struct store *s)
{
	return s->drv->commit(s);
}

void
store_rollback(struct store *s)
{
	s->drv->rollback(s);
}

const char *
store_errmsg(struct store *s)
{
	const char *m = s != NULL ? s->drv->errmsg(s) : "no database connection";

	return m != NULL ? m : "unknown error";
}

int
store_unavailable(int rc)
{
	switch (rc & 0xff) {
	case STORE_BUSY:
	case STORE_LOCKED:
	case STORE_FULL:
	case STORE_IOERR:
	case STORE_CANTOPEN:
	case STORE_READONLY:
	case 7:		/* SQLITE_NOMEM */
	case 15:	/* SQLITE_PROTOCOL */
		return 1;
	}
	return 0;
}

int
store_writable(struct store *s)
{
	return s->drv->writable(s);
}

int
store_schema_version(struct store *s)
{
	return s->drv->schema_version(s);
}

int
store_latest_version(enum store_backend b)
{
	const struct migration *m = b == STORE_POSTGRESQL ? migrations_pg : migrations;
	int n = b == STORE_POSTGRESQL ? migrations_pg_count : migrations_count;

	return n > 0 ? m[n - 1].version : 0;
}

/* statements */

struct store_stmt *
sql_prepare(struct store *s, const char *sql)
{
	return s != NULL ? s->drv->prepare(s, sql, 0) : NULL;
}

struct store_stmt *
sql_cached(struct store *s, const char *sql)
{
	return s != NULL ? s->drv->prepare(s, sql, 1) : NULL;
}

void
sql_done(struct store_stmt *st)
{
	if (st != NULL)
		st->db->drv->reset(st, 1);
}

void
sql_reset(struct store_stmt *st)
{
	if (st != NULL)
		st->db->drv->reset(st, 0);
}

void
sql_finalize(struct store_stmt *st)
{
	if (st == NULL)
		return;
	if (st->cached)
		st->db->drv->reset(st, 1);
	else
		st->db->drv->finalize(st);
}

int
sql_bind_int64(struct store_stmt *st, int idx, long long v)
{
	return st->db->drv->bind_int64(st, idx, v);
}

int
sql_bind_int(struct store_stmt *st, int idx, int v)
{
	return st->db->drv->bind_int64(st, idx, v);
}

int
sql_bind_double(struct store_stmt *st, int idx, double v)
{
	return st->db->drv->bind_double(st, idx, v);
}

int
sql_bind_text(struct store_stmt *st, int idx, const char *s, int len)
{
	if (s == NULL)
		return st->db->drv->bind_null(st, idx);
	return st->db->drv->bind_text(st, idx, s, len < 0 ? strlen(s) : (size_t)len);
}

int
sql_bind_blob(struct store_stmt *st, int idx, const void *p, size_t len)
{
	return st->db->drv->bind_blob(st, idx, p == NULL ? "" : p, len);
}

int
sql_bind_null(struct store_stmt *st, int idx)
{
	return st->db->drv->bind_null(st, idx);
}

int
sql_step(struct store_stmt *st)
{
	return st->db->drv->step(st);
}

long long
sql_column_int64(struct store_stmt *st, int col)
{
	return st->db->drv->column_int64(st, col);
}

int
sql_column_int(struct store_stmt *st, int col)
{
	return (int)st->db->drv->column_int64(st, col);
}

double
sql_column_double(struct store_stmt *st, int col)
{
	return st->db->drv->column_double(st, col);
}

const char *
sql_column_text(struct store_stmt *st, int col)
{
	return st->db->drv->column_text(st, col);
}

const char *
sql_column_str(struct store_stmt *st, int col)
{
	const char *s = st->db->drv->column_text(st, col);

	return s != NULL ? s : "";
}

const void *
sql_column_blob(struct store_stmt *st, int col)
{
	size_t len;

	return st->db->drv->column_blob(st, col, &len);
}

size_t
sql_column_bytes(struct store_stmt *st, int col)
{
	size_t len = 0;

	st->db->drv->column_blob(st, col, &len);
	return len;
}

int
sql_column_is_null(struct store_stmt *st, int col)
{
	return st->db->drv->column_is_null(st, col);
}

int
sql_column_count(struct store_stmt *st)
{
	return st->db->drv->column_count(st);
}

const char *
sql_column_name(struct store_stmt *st, int col)
{
	return st->db->drv->column_name(st, col);
}

enum store_type
sql_column_type(struct store_stmt *st, int col)
{
	return st->db->drv->column_type(st, col);
}

long long
sql_changes(struct store *s)
{
	return s->drv->changes(s);
}

int
sql_exec(struct store *s, const char *sql)
{
	return s->drv->exec(s, sql);
}

struct store *
sql_store(struct store_stmt *st)
{
	return st->db;
}
