/* store_session.c - the storage layer's sign-in links and sessions. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "store_session.h"
#include "store_sql.h"

/* Binds hash, email, now and expires_at to sql's four parameters and runs
 * it. */
static int
insert_secret(struct store *db, const char *sql, const char *hash, const char *email,
    long long now, long long expires_at)
{
	struct store_stmt *st = sql_cached(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, hash, -1);
	sql_bind_text(st, 2, email, -1);
	sql_bind_int64(st, 3, now);
	sql_bind_int64(st, 4, expires_at);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? 0 : -1;
}

/* Runs sql with one text parameter and no result. */
static int
delete_by(struct store *db, const char *sql, const char *text)
{
	struct store_stmt *st = sql_cached(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, text, -1);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? 0 : -1;
}

int
store_login_address_known(struct store *db, const char *email)
{
	struct store_stmt *st = sql_cached(db, "SELECT "
	    "EXISTS (SELECT 1 FROM admins WHERE email = lower(?1)) OR "
	    "EXISTS (SELECT 1 FROM team_managers WHERE email = lower(?1)) OR "
	    "EXISTS (SELECT 1 FROM agents WHERE email = lower(?1))");
	int known = -1;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, email, -1);
	if (sql_step(st) == STORE_ROW)
		known = sql_column_int(st, 0) != 0;
	sql_done(st);
	return known;
}

long long
store_login_link_count(struct store *db, const char *email, long long since)
{
	struct store_stmt *st = sql_cached(db, "SELECT count(*) FROM login_links "
	    "WHERE email = lower(?) AND created_at > ?");
	long long n = -1;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, email, -1);
	sql_bind_int64(st, 2, since);
	if (sql_step(st) == STORE_ROW)
		n = sql_column_int64(st, 0);
	sql_done(st);
	return n;
}

int
store_login_link_insert(struct store *db, const char *hash, const char *email, long long now,
    long long expires_at)
{
	return insert_secret(db, "INSERT INTO login_links (hash, email, created_at, expires_at) "
	    "VALUES (?, lower(?), ?, ?)", hash, email, now, expires_at);
}

int
store_login_link_purge(struct store *db, const char *email, long long before)
{
	struct store_stmt *st = sql_cached(db, "DELETE FROM login_links WHERE email = lower(?) "
	    "AND expires_at <= ?");
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, email, -1);
	sql_bind_int64(st, 2, before);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? 0 : -1;
}

int
store_login_link_check(struct store *db, const char *hash, long long now, int consume,
    char email[NPSD_MAX_EMAIL + 1])
{
	struct store_stmt *st;
	int rc;

	st = sql_cached(db, consume ?
	    "UPDATE login_links SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL AND "
	    "expires_at > ?2 RETURNING email" :
	    "SELECT email FROM login_links WHERE hash = ?1 AND used_at IS NULL AND "
	    "expires_at > ?2");
	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, hash, -1);
	sql_bind_int64(st, 2, now);
	rc = sql_step(st);
	if (rc == STORE_ROW) {
		snprintf(email, NPSD_MAX_EMAIL + 1, "%s", sql_column_str(st, 0));
		while ((rc = sql_step(st)) == STORE_ROW)
			;
		if (rc == STORE_DONE)
			rc = STORE_ROW;
	}
	sql_done(st);
	if (rc == STORE_ROW)
		return 1;
	return rc == STORE_DONE ? 0 : -1;
}

int
store_session_insert(struct store *db, const char *hash, const char *email, long long now,
    long long expires_at)
{
	return insert_secret(db, "INSERT INTO sessions (hash, email, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?)", hash, email, now, expires_at);
}

int
store_session_purge(struct store *db, long long sessions_before, long long links_before)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "DELETE FROM sessions WHERE expires_at <= ?")) == NULL)
		return -1;
	sql_bind_int64(st, 1, sessions_before);
	rc = sql_step(st);
	sql_done(st);
	if (rc != STORE_DONE)
		return -1;
	if ((st = sql_cached(db, "DELETE FROM login_links WHERE expires_at <= ?")) == NULL)
		return -1;
	sql_bind_int64(st, 1, links_before);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? 0 : -1;
}

int
store_session_find(struct store *db, const char *hash, long long now,
    struct store_session_user *u)
{
	struct store_stmt *st;
	int rc;

	memset(u, 0, sizeof *u);
	st = sql_cached(db, "SELECT email, (SELECT count(*) FROM admins a WHERE a.email = "
	    "s.email), coalesce((SELECT id FROM agents g WHERE g.email = s.email ORDER BY "
	    "seen_at DESC LIMIT 1), '') FROM sessions s WHERE hash = ? AND expires_at > ?");
	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, hash, -1);
	sql_bind_int64(st, 2, now);
	rc = sql_step(st);
	if (rc == STORE_ROW) {
		snprintf(u->email, sizeof u->email, "%s", sql_column_str(st, 0));
		u->admin = sql_column_int64(st, 1) > 0;
		snprintf(u->agent_id, sizeof u->agent_id, "%s", sql_column_str(st, 2));
	}
	sql_done(st);
	if (rc == STORE_ROW)
		return 1;
	return rc == STORE_DONE ? 0 : -1;
}

int
store_session_delete(struct store *db, const char *hash)
{
	return delete_by(db, "DELETE FROM sessions WHERE hash = ?", hash);
}

int
store_session_end_address(struct store *db, const char *email)
{
	return delete_by(db, "DELETE FROM sessions WHERE email = lower(?)", email);
}
