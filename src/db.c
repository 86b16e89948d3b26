/* db.c - owns SQLite: opening with WAL, the configured synchronous level and
 * a busy timeout; numbered migrations applied in order, each in its own
 * transaction and recorded in PRAGMA user_version; one connection per
 * thread; BEGIN IMMEDIATE for every write. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "limits.h"
#include "log.h"
#include "migrations.h"

static char *thread_db_path;
static int thread_db_sync;
static pthread_key_t thread_db_key;
static pthread_once_t thread_db_once = PTHREAD_ONCE_INIT;

int
db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_warnx("sqlite: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
	}
	return rc;
}

int
db_schema_version(sqlite3 *db)
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

int
db_latest_version(void)
{
	return migrations_count > 0 ? migrations[migrations_count - 1].version : 0;
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	int current = db_schema_version(db);

	if (current < 0) {
		snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (current > db_latest_version()) {
		snprintf(err, errlen, "database schema version %d is newer than this npsd (%d)",
		    current, db_latest_version());
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

sqlite3 *
db_open(const char *path, int synchronous, int do_migrate, char *err, size_t errlen)
{
	static const char *const sync_pragma[] = {
		"PRAGMA synchronous = OFF", "PRAGMA synchronous = NORMAL",
		"PRAGMA synchronous = FULL" };
	sqlite3 *db = NULL;
	int rc;

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
	if (!do_migrate && db_schema_version(db) != db_latest_version()) {
		snprintf(err, errlen, "%s: schema version %d, expected %d (start npsd once "
		    "to migrate)", path, db_schema_version(db), db_latest_version());
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

void
db_close(sqlite3 *db)
{
	sqlite3_stmt *st;

	if (db == NULL)
		return;
	while ((st = sqlite3_next_stmt(db, NULL)) != NULL)
		sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
thread_db_destroy(void *p)
{
	db_close(p);
}

static void
thread_db_key_create(void)
{
	pthread_key_create(&thread_db_key, thread_db_destroy);
}

void
db_thread_setup(const char *path, int synchronous)
{
	pthread_once(&thread_db_once, thread_db_key_create);
	free(thread_db_path);
	thread_db_path = strdup(path);
	thread_db_sync = synchronous;
}

sqlite3 *
db_thread(void)
{
	sqlite3 *db;
	char err[256];

	pthread_once(&thread_db_once, thread_db_key_create);
	if ((db = pthread_getspecific(thread_db_key)) != NULL)
		return db;
	if (thread_db_path == NULL)
		return NULL;
	if ((db = db_open(thread_db_path, thread_db_sync, 0, err, sizeof err)) == NULL) {
		log_warnx("database: %s", err);
		return NULL;
	}
	pthread_setspecific(thread_db_key, db);
	return db;
}

int
db_begin(sqlite3 *db)
{
	return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

int
db_commit(sqlite3 *db)
{
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		db_rollback(db);
	return rc;
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
db_unavailable(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_NOMEM:
	case SQLITE_PROTOCOL:
		return 1;
	}
	return 0;
}

sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db, sql, -1, 0, &st, NULL) != SQLITE_OK) {
		log_warnx("sqlite prepare: %s", sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

sqlite3_stmt *
db_cached(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	/* The connection's own list of statements is the cache. */
	while ((st = sqlite3_next_stmt(db, st)) != NULL)
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), sql) == 0)
			return st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_warnx("sqlite prepare: %s", sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

void
db_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}
