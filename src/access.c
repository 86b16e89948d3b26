/* access.c - API tokens and the scope rules: an agent sees that agent
 * only, a manager that manager's teams only, an admin everything; a query
 * for anything else is refused, never widened or silently narrowed. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "crypto.h"
#include "db.h"

const char *
access_role_name(enum access_role r)
{
	switch (r) {
	case ACCESS_AGENT: return "agent";
	case ACCESS_MANAGER: return "manager";
	case ACCESS_ADMIN: return "admin";
	}
	return "?";
}

int
access_role_parse(const char *s, enum access_role *r)
{
	if (strcmp(s, "agent") == 0)
		*r = ACCESS_AGENT;
	else if (strcmp(s, "manager") == 0)
		*r = ACCESS_MANAGER;
	else if (strcmp(s, "admin") == 0)
		*r = ACCESS_ADMIN;
	else
		return -1;
	return 0;
}

static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

long long
access_token_create(sqlite3 *db, enum access_role role, const char *agent,
    const char *const *teams, size_t nteams, time_t now, time_t expires_at, const char *label,
    char out[ACCESS_TOKEN_LEN + 1])
{
	char raw[NPSD_TOKEN_CHARS + 1], hash[CRYPTO_SHA256_HEX];
	sqlite3_stmt *st;
	long long id;

	if (crypto_token_new(raw) == -1)
		return -1;
	snprintf(out, ACCESS_TOKEN_LEN + 1, "%s%s", ACCESS_TOKEN_PREFIX, raw);
	crypto_wipe(raw, sizeof raw);
	crypto_sha256_hex(out, strlen(out), hash);
	if (db_begin(db) != SQLITE_OK)
		return -1;
	st = db_prepare(db, "INSERT INTO api_tokens (hash, role, agent_id, created_at, expires_at, "
	    "label) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, access_role_name(role), -1, SQLITE_STATIC);
	if (role == ACCESS_AGENT)
		sqlite3_bind_text(st, 3, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	if (expires_at > 0)
		sqlite3_bind_int64(st, 5, expires_at);
	sqlite3_bind_text(st, 6, label != NULL ? label : "", -1, SQLITE_STATIC);
	if (step_done(st) == -1)
		goto fail;
	id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; role == ACCESS_MANAGER && i < nteams; i++) {
		st = db_prepare(db, "INSERT OR IGNORE INTO api_token_teams (token, team_id) "
		    "VALUES (?, ?)");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, teams[i], -1, SQLITE_STATIC);
		if (step_done(st) == -1)
			goto fail;
	}
	if (db_commit(db) != SQLITE_OK)
		goto fail;
	return id;
fail:
	db_rollback(db);
	crypto_wipe(out, ACCESS_TOKEN_LEN + 1);
	return -1;
}

int
access_token_find(sqlite3 *db, const char *token, time_t now, struct access_principal *p)
{
	char hash[CRYPTO_SHA256_HEX];
	sqlite3_stmt *st;
	int rc;

	memset(p, 0, sizeof *p);
	if (strlen(token) != ACCESS_TOKEN_LEN ||
	    strncmp(token, ACCESS_TOKEN_PREFIX, strlen(ACCESS_TOKEN_PREFIX)) != 0 ||
	    !crypto_token_wellformed(token + strlen(ACCESS_TOKEN_PREFIX)))
		return 0;
	/* looked up by hash: the comparison never sees the token itself */
	crypto_sha256_hex(token, strlen(token), hash);
	st = db_cached(db, "SELECT id, role, coalesce(agent_id, '') FROM api_tokens "
	    "WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		p->token_id = sqlite3_column_int64(st, 0);
		if (access_role_parse((const char *)sqlite3_column_text(st, 1), &p->role) == -1)
			rc = SQLITE_ERROR;
		snprintf(p->agent_id, sizeof p->agent_id, "%s", sqlite3_column_text(st, 2));
	}
	db_done(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	if (p->role == ACCESS_MANAGER) {
		st = db_cached(db, "SELECT team_id FROM api_token_teams WHERE token = ? "
		    "ORDER BY team_id");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, p->token_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && p->nteams < NPSD_MAX_REPORT_TEAMS) {
			if ((p->teams[p->nteams] = strdup((const char *)sqlite3_column_text(st, 0)))
			    == NULL)
				break;
			p->nteams++;
		}
		db_done(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			access_principal_free(p);
			return -1;
		}
	}
	/* when it was last used, to the minute: no write per request */
	st = db_cached(db, "UPDATE api_tokens SET used_at = ?1 WHERE id = ?2 AND "
	    "(used_at IS NULL OR used_at < ?1 - 60)");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, p->token_id);
		sqlite3_step(st);
		db_done(st);
	}
	return 1;
}

void
access_principal_free(struct access_principal *p)
{
	for (size_t i = 0; i < p->nteams; i++)
		free(p->teams[i]);
	p->nteams = 0;
}

static int
has_team(const struct access_principal *p, const char *team)
{
	for (size_t i = 0; i < p->nteams; i++)
		if (strcmp(p->teams[i], team) == 0)
			return 1;
	return 0;
}

int
access_scope(const struct access_principal *p, struct report_query *q, const char **why)
{
	switch (p->role) {
	case ACCESS_ADMIN:
		return 0;
	case ACCESS_AGENT:
		if (q->nteams > 0) {
			*why = "an agent token sees its own agent only, not teams";
			return -1;
		}
		if (q->agent != NULL && strcmp(q->agent, p->agent_id) != 0) {
			*why = "an agent token sees its own agent only";
			return -1;
		}
		q->agent = p->agent_id;
		return 0;
	case ACCESS_MANAGER:
		for (size_t i = 0; i < q->nteams; i++) {
			if (!has_team(p, q->teams[i])) {
				*why = "a manager token sees its own teams only";
				return -1;
			}
		}
		if (p->nteams == 0) {
			*why = "this manager token has no teams";
			return -1;
		}
		if (q->nteams == 0) {
			q->teams = (const char *const *)p->teams;
			q->nteams = p->nteams;
		}
		return 0;
	}
	*why = "unknown role";
	return -1;
}

int
access_sees_requesters(const struct access_principal *p)
{
	return p->role == ACCESS_MANAGER || p->role == ACCESS_ADMIN;
}
