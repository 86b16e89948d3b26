/* session.c - sign-in links and sessions, kept only as SHA-256 of their
 * secrets, and the roles of a signed-in address. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "session.h"

static int
one_int(sqlite3 *db, const char *sql, const char *text, long long num, long long *out)
{
	sqlite3_stmt *st = db_cached(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, num);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	db_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
session_address_known(sqlite3 *db, const char *email)
{
	long long n;

	if (one_int(db, "SELECT (SELECT count(*) FROM admins WHERE email = lower(?1)) + "
	    "(SELECT count(*) FROM team_managers WHERE email = lower(?1)) + "
	    "(SELECT count(*) FROM agents WHERE email = lower(?1)) + ?2", email, 0, &n) == -1)
		return -1;
	return n > 0;
}

/* A new secret in out; its hash stored by sql (hash, email, created,
 * expires). */
static int
store_secret(sqlite3 *db, const char *sql, const char *email, time_t now, long long ttl,
    char out[23])
{
	char hash[CRYPTO_SHA256_HEX];
	sqlite3_stmt *st;
	int rc;

	if (crypto_token_new(out) == -1)
		return -1;
	crypto_sha256_hex(out, strlen(out), hash);
	if ((st = db_cached(db, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now + ttl);
	rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
session_link_create(sqlite3 *db, const char *email, time_t now, char out[23])
{
	long long recent;

	if (one_int(db, "SELECT count(*) FROM login_links WHERE email = lower(?1) AND "
	    "created_at > ?2", email, (long long)now - SESSION_LINK_TTL, &recent) == -1)
		return -1;
	if (recent >= SESSION_LINKS_PER_ADDRESS)
		return 0;
	if (store_secret(db, "INSERT INTO login_links (hash, email, created_at, expires_at) "
	    "VALUES (?, lower(?), ?, ?)", email, now, SESSION_LINK_TTL, out) == -1)
		return -1;
	return 1;
}

int
session_link_check(sqlite3 *db, const char *token, time_t now, int consume,
    char email[NPSD_MAX_EMAIL + 1])
{
	char hash[CRYPTO_SHA256_HEX];
	sqlite3_stmt *st;
	int rc;

	if (!crypto_token_wellformed(token))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	st = db_cached(db, consume ?
	    "UPDATE login_links SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL AND "
	    "expires_at > ?2 RETURNING email" :
	    "SELECT email FROM login_links WHERE hash = ?1 AND used_at IS NULL AND "
	    "expires_at > ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(email, NPSD_MAX_EMAIL + 1, "%s", sqlite3_column_text(st, 0));
	db_done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
session_create(sqlite3 *db, const char *email, time_t now, char out[23])
{
	int rc = store_secret(db, "INSERT INTO sessions (hash, email, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?)", email, now, SESSION_TTL, out);

	/* expired sessions and links go as new ones come */
	if (rc == 0) {
		char sql[160];

		snprintf(sql, sizeof sql, "DELETE FROM sessions WHERE expires_at <= %lld; "
		    "DELETE FROM login_links WHERE expires_at <= %lld", (long long)now,
		    (long long)now - 86400);
		db_exec(db, sql);
	}
	return rc;
}

int
session_find(sqlite3 *db, const char *token, time_t now, struct dash_user *u)
{
	char hash[CRYPTO_SHA256_HEX], mac[CRYPTO_SHA256_HEX];
	sqlite3_stmt *st;
	int rc;

	memset(u, 0, sizeof *u);
	if (token == NULL || !crypto_token_wellformed(token))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	st = db_cached(db, "SELECT email, (SELECT count(*) FROM admins a WHERE a.email = "
	    "s.email), coalesce((SELECT id FROM agents g WHERE g.email = s.email ORDER BY "
	    "seen_at DESC LIMIT 1), '') FROM sessions s WHERE hash = ? AND expires_at > ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(u->email, sizeof u->email, "%s", sqlite3_column_text(st, 0));
		u->admin = sqlite3_column_int(st, 1) > 0;
		snprintf(u->agent_id, sizeof u->agent_id, "%s", sqlite3_column_text(st, 2));
	}
	db_done(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	st = db_cached(db, "SELECT team_id FROM team_managers WHERE email = ? ORDER BY team_id");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, u->email, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW && u->nteams < NPSD_MAX_REPORT_TEAMS)
		if ((u->teams[u->nteams] = strdup((const char *)sqlite3_column_text(st, 0))) != NULL)
			u->nteams++;
	db_done(st);
	/* the forms of this session carry a value only its cookie yields */
	{
		char msg[64];

		snprintf(msg, sizeof msg, "csrf:%s", token);
		crypto_sha256_hex(msg, strlen(msg), mac);
		memcpy(u->csrf, mac, sizeof u->csrf);
	}
	return 1;
}

int
session_delete(sqlite3 *db, const char *token)
{
	char hash[CRYPTO_SHA256_HEX];
	sqlite3_stmt *st;
	int rc;

	if (!crypto_token_wellformed(token))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	if ((st = db_cached(db, "DELETE FROM sessions WHERE hash = ?")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
session_user_free(struct dash_user *u)
{
	for (size_t i = 0; i < u->nteams; i++)
		free(u->teams[i]);
	u->nteams = 0;
}

int
session_manages(const struct dash_user *u, const char *team)
{
	if (u->admin)
		return 1;
	for (size_t i = 0; i < u->nteams; i++)
		if (strcmp(u->teams[i], team) == 0)
			return 1;
	return 0;
}
