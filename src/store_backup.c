/* store_backup.c - SQLite's side of `npsctl backup` (store_backup.h):
 * VACUUM INTO reads one snapshot (npsd keeps writing meanwhile) and writes
 * a compact new file; the copy is checked through a read-only handle of
 * its own, so no WAL or shared-memory file is made next to it. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_backup.h"
#include "store_sql.h"

int
store_backup_write(struct store *db, const char *path)
{
	struct store_stmt *st;
	int rc;

	if (store_backend(db) != STORE_SQLITE)
		return STORE_ERROR;
	if ((st = sql_prepare(db, "VACUUM INTO ?")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, path, -1);
	rc = sql_step(st);
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_backup_check(const char *path, int *version, char *why, size_t whylen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *result;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s", db ? sqlite3_errmsg(db) : "cannot open the copy");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	result = sqlite3_column_text(st, 0);
	if (result == NULL || strcmp((const char *)result, "ok") != 0) {
		snprintf(why, whylen, "integrity check: %s", result ? (const char *)result : "");
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
