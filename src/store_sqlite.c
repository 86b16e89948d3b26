/* store_sqlite.c - the SQLite driver of the storage layer: opening a file
 * with WAL, the configured synchronous level and a busy timeout; numbered
 * migrations from sql/ applied in order, each in its own transaction and
 * recorded in PRAGMA user_version; BEGIN IMMEDIATE for every write;
 * statements kept by the connection for reuse. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crypto.h"
#include "limits.h"
#include "log.h"
#include "migrations.h"
#include "store_driver.h"
#include "store_sqlite.h"

struct sqlite_stmt {
	struct store_stmt	 base;
	sqlite3_stmt		*st;
	int			 busy;		/* cached and handed out */
	struct sqlite_stmt	*next;		/* the connection's cache */
};

struct sqlite_store {
	struct store		 base;
	sqlite3			*db;
	struct sqlite_stmt	*cache;
};

#define SS(s)	((struct sqlite_store *)(void *)(s))
#define ST(s)	(((struct sqlite_stmt *)(void *)(s))->st)

sqlite3 *
store_sqlite_handle(struct store *s)
{
	return s != NULL && s->drv == &store_sqlite_driver ? SS(s)->db : NULL;
}

static int
sqlite_exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(SS(s)->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_warnx("sqlite: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
	}
	return rc;
}

static int
user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
sqlite_schema_version(struct store *s)
{
	return user_version(SS(s)->db);
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	int current = user_version(db), latest = store_latest_version(STORE_SQLITE);

	if (current < 0) {
		snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (current > latest) {
		snprintf(err, errlen, "database schema version %d is newer than this npsd (%d)",
		    current, latest);
		return -1;
	}
	for (int i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		char pragma[64], *msg = NULL;

		if (m->version != i + 1) {
			snprintf(err, errlen, "migration %s is out of sequence", m->name);
			return -1;
		}
		if (m->version <= current)
			continue;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "migration %s: %s", m->name,
			    msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		log_info("database migrated to version %d (%s)", m->version, m->name);
	}
	return 0;
}

/* sha256_lower(text): how suppressed addresses are kept, for queries that
 * compare surveys with the suppression list. */
static void
sql_sha256_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	char hex[CRYPTO_SHA256_HEX];

	(void)argc;
	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	crypto_address_hash((const char *)s, hex);
	sqlite3_result_text(ctx, hex, -1, SQLITE_TRANSIENT);
}

static void
sqlite_close(struct store *s)
{
	struct sqlite_stmt *c, *next;
	sqlite3_stmt *st;

	if (s == NULL)
		return;
	for (c = SS(s)->cache; c != NULL; c = next) {
		next = c->next;
		sqlite3_finalize(c->st);
		free(c);
	}
	while ((st = sqlite3_next_stmt(SS(s)->db, NULL)) != NULL)
		sqlite3_finalize(st);
	sqlite3_close(SS(s)->db);
	free(s);
}

static struct store *
sqlite_open(const char *path, int synchronous, int do_migrate, char *err, size_t errlen)
{
	static const char *const sync_pragma[] = {
		"PRAGMA synchronous = OFF", "PRAGMA synchronous = NORMAL",
		"PRAGMA synchronous = FULL" };
	struct sqlite_store *s;
	sqlite3 *db = NULL;
	int rc;

	if (synchronous < 0 || synchronous > 2)
		synchronous = 2;
	/* only the daemon, which migrates, may create the file */
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	    (do_migrate ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, NPSD_BUSY_TIMEOUT_MS);
	sqlite3_create_function(db, "sha256_lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	    sql_sha256_lower, NULL, NULL);
	sqlite3_extended_result_codes(db, 0);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sync_pragma[synchronous], NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA secure_delete = ON", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	/* SQLite falls back to read-only when it may not write the file; the
	 * daemon must write every event it acknowledges and every mail it
	 * sends, so it refuses to start instead */
	if (do_migrate && sqlite3_db_readonly(db, "main") == 1) {
		snprintf(err, errlen, "%s: the database is read-only for this user", path);
		sqlite3_close(db);
		return NULL;
	}
	if (do_migrate && migrate(db, err, errlen) == -1) {
		sqlite3_close(db);
		return NULL;
	}
	if (!do_migrate && user_version(db) != store_latest_version(STORE_SQLITE)) {
		snprintf(err, errlen, "%s: schema version %d, expected %d (start npsd once "
		    "to migrate)", path, user_version(db), store_latest_version(STORE_SQLITE));
		sqlite3_close(db);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	s->base.drv = &store_sqlite_driver;
	s->db = db;
	return &s->base;
}

static int
sqlite_begin(struct store *s)
{
	return sqlite3_exec(SS(s)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

static void
sqlite_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(SS(s)->db))
		sqlite3_exec(SS(s)->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sqlite_commit(struct store *s)
{
	int rc = sqlite3_exec(SS(s)->db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		sqlite_rollback(s);
	return rc;
}

static const char *
sqlite_errmsg(struct store *s)
{
	return sqlite3_errmsg(SS(s)->db);
}

static int
sqlite_writable(struct store *s)
{
	return sqlite3_db_readonly(SS(s)->db, "main") == 0;
}

static long long
sqlite_changes(struct store *s)
{
	return sqlite3_changes64(SS(s)->db);
}

static struct store_stmt *
sqlite_prepare(struct store *s, const char *sql, int cached)
{
	struct sqlite_stmt *c;
	sqlite3_stmt *st = NULL;

	if (cached)
		for (c = SS(s)->cache; c != NULL; c = c->next)
			if (!c->busy && strcmp(sqlite3_sql(c->st), sql) == 0) {
				c->busy = 1;
				return &c->base;
			}
	if (sqlite3_prepare_v3(SS(s)->db, sql, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0,
	    &st, NULL) != SQLITE_OK) {
		log_warnx("sqlite prepare: %s", sqlite3_errmsg(SS(s)->db));
		return NULL;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		sqlite3_finalize(st);
		return NULL;
	}
	c->base.db = s;
	c->base.cached = cached;
	c->st = st;
	if (cached) {
		c->busy = 1;
		c->next = SS(s)->cache;
		SS(s)->cache = c;
	}
	return &c->base;
}

static void
sqlite_reset(struct store_stmt *st, int clear)
{
	sqlite3_reset(ST(st));
	if (clear)
		sqlite3_clear_bindings(ST(st));
	if (clear && st->cached)
		((struct sqlite_stmt *)(void *)st)->busy = 0;
}

static void
sqlite_finalize(struct store_stmt *st)
{
	sqlite3_finalize(ST(st));
	free(st);
}

static int
sqlite_bind_int64(struct store_stmt *st, int idx, long long v)
{
	return sqlite3_bind_int64(ST(st), idx, v);
}

static int
sqlite_bind_double(struct store_stmt *st, int idx, double v)
{
	return sqlite3_bind_double(ST(st), idx, v);
}

static int
sqlite_bind_text(struct store_stmt *st, int idx, const char *s, size_t len)
{
	return sqlite3_bind_text64(ST(st), idx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static int
sqlite_bind_blob(struct store_stmt *st, int idx, const void *p, size_t len)
{
	return sqlite3_bind_blob64(ST(st), idx, p, len, SQLITE_TRANSIENT);
}

static int
sqlite_bind_null(struct store_stmt *st, int idx)
{
	return sqlite3_bind_null(ST(st), idx);
}

static int
sqlite_step(struct store_stmt *st)
{
	return sqlite3_step(ST(st));
}

static int
sqlite_column_is_null(struct store_stmt *st, int col)
{
	return sqlite3_column_type(ST(st), col) == SQLITE_NULL;
}

static long long
sqlite_column_int64(struct store_stmt *st, int col)
{
	return sqlite3_column_int64(ST(st), col);
}

static double
sqlite_column_double(struct store_stmt *st, int col)
{
	return sqlite3_column_double(ST(st), col);
}

static const char *
sqlite_column_text(struct store_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(ST(st), col);
}

static const void *
sqlite_column_blob(struct store_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(ST(st), col);

	*len = (size_t)sqlite3_column_bytes(ST(st), col);
	return p;
}

static int
sqlite_column_count(struct store_stmt *st)
{
	return sqlite3_column_count(ST(st));
}

static const char *
sqlite_column_name(struct store_stmt *st, int col)
{
	return sqlite3_column_name(ST(st), col);
}

static enum store_type
sqlite_column_type(struct store_stmt *st, int col)
{
	switch (sqlite3_column_type(ST(st), col)) {
	case SQLITE_INTEGER:
		return STORE_TYPE_INT;
	case SQLITE_FLOAT:
		return STORE_TYPE_FLOAT;
	case SQLITE_BLOB:
		return STORE_TYPE_BLOB;
	case SQLITE_TEXT:
		return STORE_TYPE_TEXT;
	}
	return STORE_TYPE_NULL;
}

const struct store_driver store_sqlite_driver = {
	.backend = STORE_SQLITE,
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.errmsg = sqlite_errmsg,
	.schema_version = sqlite_schema_version,
	.writable = sqlite_writable,
	.changes = sqlite_changes,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.reset = sqlite_reset,
	.finalize = sqlite_finalize,
	.bind_int64 = sqlite_bind_int64,
	.bind_double = sqlite_bind_double,
	.bind_text = sqlite_bind_text,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.column_is_null = sqlite_column_is_null,
	.column_int64 = sqlite_column_int64,
	.column_double = sqlite_column_double,
	.column_text = sqlite_column_text,
	.column_blob = sqlite_column_blob,
	.column_count = sqlite_column_count,
	.column_name = sqlite_column_name,
	.column_type = sqlite_column_type,
};
