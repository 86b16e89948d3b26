/* db.c - SQLite handles of storage-layer connections (db.h), for code not
 * yet behind named store operations. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store_sqlite.h"

#define DB_OPEN_MAX 16

static pthread_mutex_t opened_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store *opened[DB_OPEN_MAX];

sqlite3 *
db_open(const char *path, int synchronous, int migrate, char *err, size_t errlen)
{
	struct store *s = store_open(path, synchronous, migrate, err, errlen);
	sqlite3 *db = store_sqlite_handle(s);

	if (s == NULL)
		return NULL;
	pthread_mutex_lock(&opened_lock);
	for (int i = 0; i < DB_OPEN_MAX; i++)
		if (opened[i] == NULL) {
			opened[i] = s;
			pthread_mutex_unlock(&opened_lock);
			return db;
		}
	pthread_mutex_unlock(&opened_lock);
	store_close(s);
	return NULL;
}

struct store *
db_store(sqlite3 *db)
{
	struct store *s = store_thread(), *found = NULL;

	if (s != NULL && store_sqlite_handle(s) == db)
		return s;
	pthread_mutex_lock(&opened_lock);
	for (int i = 0; i < DB_OPEN_MAX && found == NULL; i++)
		if (opened[i] != NULL && store_sqlite_handle(opened[i]) == db)
			found = opened[i];
	pthread_mutex_unlock(&opened_lock);
	return found;
}

void
db_close(sqlite3 *db)
{
	struct store *s = NULL;

	if (db == NULL)
		return;
	pthread_mutex_lock(&opened_lock);
	for (int i = 0; i < DB_OPEN_MAX && s == NULL; i++)
		if (opened[i] != NULL && store_sqlite_handle(opened[i]) == db) {
			s = opened[i];
			opened[i] = NULL;
		}
	pthread_mutex_unlock(&opened_lock);
	store_close(s);
}

sqlite3 *
db_thread(void)
{
	return store_sqlite_handle(store_thread());
}

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
	return store_latest_version(STORE_SQLITE);
}

int
db_begin(sqlite3 *db)
{
	return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
db_commit(sqlite3 *db)
{
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		db_rollback(db);
	return rc;
}

int
db_unavailable(int rc)
{
	return store_unavailable(rc);
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
