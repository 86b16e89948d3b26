/* botcheck.c - owns the rules that flag an answer as automated. Link
 * fetches never record answers at all; what remains is a form post that
 * did not come from a form we rendered, or came faster than a person can
 * read and answer. The render time travels in the form, signed with a key
 * kept in the database, so a restart does not invalidate open forms. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "botcheck.h"
#include "crypto.h"
#include "db.h"
#include "log.h"

static unsigned char form_key[32];
static int form_key_loaded;

long long
botcheck_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
botcheck_key_load(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(db)) != SQLITE_OK)
		return -1;
	st = db_prepare(db, "SELECT value FROM settings WHERE name = 'form_key'");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == (int)sizeof form_key) {
		memcpy(form_key, sqlite3_column_blob(st, 0), sizeof form_key);
		sqlite3_finalize(st);
		form_key_loaded = 1;
		return db_commit(db) == SQLITE_OK ? 0 : -1;
	}
	sqlite3_finalize(st);
	if (crypto_random_bytes(form_key, sizeof form_key) == -1 ||
	    (st = db_prepare(db, "INSERT OR REPLACE INTO settings (name, value) "
	    "VALUES ('form_key', ?)")) == NULL) {
		db_rollback(db);
		return -1;
	}
	sqlite3_bind_blob(st, 1, form_key, sizeof form_key, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || db_commit(db) != SQLITE_OK) {
		db_rollback(db);
		return -1;
	}
	form_key_loaded = 1;
	return 0;
}

static void
mac_of(long long survey, long long ms, char hex[33])
{
	unsigned char mac[64];
	char msg[64];
	int n = snprintf(msg, sizeof msg, "%lld:%lld", survey, ms);

	crypto_hmac("sha256", form_key, sizeof form_key, msg, (size_t)n, "", 0, mac);
	crypto_hex(mac, 16, hex);
}

void
botcheck_stamp(long long survey, long long now_ms, char out[BOTCHECK_STAMP_LEN])
{
	char hex[33];

	mac_of(survey, now_ms, hex);
	snprintf(out, BOTCHECK_STAMP_LEN, "%lld.%s", now_ms, hex);
}

long long
botcheck_render_time(long long survey, const char *stamp)
{
	char hex[33];
	const char *dot;
	char *end;
	long long ms;

	if (!form_key_loaded || stamp == NULL || (dot = strchr(stamp, '.')) == NULL ||
	    strlen(dot + 1) != 32)
		return -1;
	ms = strtoll(stamp, &end, 10);
	if (end != dot || ms <= 0)
		return -1;
	mac_of(survey, ms, hex);
	return crypto_equal(hex, dot + 1, 32) ? ms : -1;
}

const char *
botcheck_rule(long long render_ms, long long post_ms)
{
	if (render_ms < 0)
		return "no_form";
	if (post_ms - render_ms < BOTCHECK_MIN_ANSWER_MS)
		return "too_fast";
	return NULL;
}

const char *
botcheck_burst_rule(sqlite3 *db, long long survey, long long render_ms)
{
	sqlite3_stmt *st;
	int scores = 0;

	if (render_ms < 0 || (st = db_prepare(db, "SELECT count(DISTINCT score) FROM page_views "
	    "WHERE survey = ? AND kind IN ('page', 'head') AND at_ms BETWEEN ? AND ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, survey);
	sqlite3_bind_int64(st, 2, render_ms - BOTCHECK_BURST_MS);
	sqlite3_bind_int64(st, 3, render_ms + BOTCHECK_BURST_MS);
	if (sqlite3_step(st) == SQLITE_ROW)
		scores = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return scores >= BOTCHECK_BURST_SCORES ? "scan_burst" : NULL;
}
