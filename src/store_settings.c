/* store_settings.c - the storage layer's settings table (the form key)
 * and the page-view count the bot check reads. */
#include "autoconfig.h"

#include <string.h>

#include "store_settings.h"
#include "store_sql.h"

static int
setting_read(struct store *db, const char *name, void *value, size_t len)
{
	struct store_stmt *st;
	int found = 0;

	if ((st = sql_prepare(db, "SELECT value FROM settings WHERE name = ?")) == NULL)
		return -1;
	sql_bind_text(st, 1, name, -1);
	if (sql_step(st) == STORE_ROW && sql_column_bytes(st, 0) == len) {
		memcpy(value, sql_column_blob(st, 0), len);
		found = 1;
	}
	sql_finalize(st);
	return found;
}

int
store_setting_get_or_create(struct store *db, const char *name, void *value,
    const void *fresh, size_t len)
{
	struct store_stmt *st;
	int found, rc;

	if ((found = setting_read(db, name, value, len)) != 0)
		return found == 1 ? 0 : -1;
	if (store_begin(db) != STORE_OK)
		return -1;
	if ((st = sql_prepare(db, "INSERT INTO settings (name, value) VALUES (?, ?) "
	    "ON CONFLICT (name) DO NOTHING")) == NULL) {
		store_rollback(db);
		return -1;
	}
	sql_bind_text(st, 1, name, -1);
	sql_bind_blob(st, 2, fresh, len);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE || store_commit(db) != STORE_OK) {
		store_rollback(db);
		return -1;
	}
	/* another instance may have stored its own first: use that one */
	return setting_read(db, name, value, len) == 1 ? 0 : -1;
}

int
store_page_view_scores(struct store *db, long long survey, long long from_ms, long long to_ms)
{
	struct store_stmt *st;
	int scores = -1;

	if ((st = sql_prepare(db, "SELECT count(DISTINCT score) FROM page_views "
	    "WHERE survey = ? AND kind IN ('page', 'head') AND at_ms BETWEEN ? AND ?")) == NULL)
		return -1;
	sql_bind_int64(st, 1, survey);
	sql_bind_int64(st, 2, from_ms);
	sql_bind_int64(st, 3, to_ms);
	if (sql_step(st) == STORE_ROW)
		scores = sql_column_int(st, 0);
	sql_finalize(st);
	return scores;
}
