/* store_access.c - the storage layer's admins, team managers, API tokens
 * and the teams of manager tokens. Nothing here is cached between calls:
 * a revocation or a removed manager made by any instance holds at the
 * next request. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_access.h"
#include "store_session.h"
#include "store_sql.h"

/* Steps st to its end and finalizes it: 0 when it finished, else -1. */
static int
run(struct store_stmt *st)
{
	int rc = sql_step(st);

	while (rc == STORE_ROW)
		rc = sql_step(st);
	sql_finalize(st);
	return rc == STORE_DONE ? 0 : -1;
}

/* The first column of every row of st, strdup'ed into out (at most max);
 * st is handed back. */
static int
collect(struct store_stmt *st, char **out, size_t max, size_t *n)
{
	int rc;

	*n = 0;
	while ((rc = sql_step(st)) == STORE_ROW && *n < max) {
		if ((out[*n] = strdup(sql_column_str(st, 0))) == NULL) {
			rc = STORE_ERROR;
			break;
		}
		(*n)++;
	}
	sql_done(st);
	if (rc == STORE_ROW || rc == STORE_DONE)
		return 0;
	while (*n > 0)
		free(out[--*n]);
	return -1;
}

/* 1 when the one-column, one-row query with one text parameter gives a
 * true value, 0 when false, -1 on error. */
static int
exists(struct store *db, const char *sql, const char *text)
{
	struct store_stmt *st = sql_cached(db, sql);
	int found = -1;

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, text, -1);
	if (sql_step(st) == STORE_ROW)
		found = sql_column_int64(st, 0) != 0;
	sql_done(st);
	return found;
}

long long
store_api_token_create(struct store *db, const char *hash, const char *role, const char *agent,
    const char *const *teams, size_t nteams, long long created_at, long long expires_at,
    const char *label)
{
	struct store_stmt *st;
	long long id = -1;

	if (store_begin(db) != STORE_OK)
		return -1;
	st = sql_prepare(db, "INSERT INTO api_tokens (hash, role, agent_id, created_at, "
	    "expires_at, label) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	if (st == NULL)
		goto fail;
	sql_bind_text(st, 1, hash, -1);
	sql_bind_text(st, 2, role, -1);
	sql_bind_text(st, 3, agent, -1);
	sql_bind_int64(st, 4, created_at);
	if (expires_at > 0)
		sql_bind_int64(st, 5, expires_at);
	else
		sql_bind_null(st, 5);
	sql_bind_text(st, 6, label != NULL ? label : "", -1);
	if (sql_step(st) == STORE_ROW)
		id = sql_column_int64(st, 0);
	if (run(st) == -1 || id <= 0)
		goto fail;
	for (size_t i = 0; i < nteams; i++) {
		st = sql_prepare(db, "INSERT INTO api_token_teams (token, team_id) VALUES (?, ?) "
		    "ON CONFLICT (token, team_id) DO NOTHING");
		if (st == NULL)
			goto fail;
		sql_bind_int64(st, 1, id);
		sql_bind_text(st, 2, teams[i], -1);
		if (run(st) == -1)
			goto fail;
	}
	if (store_commit(db) != STORE_OK)
		return -1;
	return id;
fail:
	store_rollback(db);
	return -1;
}

int
store_api_token_find(struct store *db, const char *hash, long long now, long long *id,
    char *role, size_t rolelen, char *agent, size_t agentlen)
{
	struct store_stmt *st;
	int rc;

	st = sql_cached(db, "SELECT id, role, coalesce(agent_id, '') FROM api_tokens "
	    "WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)");
	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, hash, -1);
	sql_bind_int64(st, 2, now);
	rc = sql_step(st);
	if (rc == STORE_ROW) {
		*id = sql_column_int64(st, 0);
		snprintf(role, rolelen, "%s", sql_column_str(st, 1));
		snprintf(agent, agentlen, "%s", sql_column_str(st, 2));
	}
	sql_done(st);
	if (rc == STORE_ROW)
		return 1;
	return rc == STORE_DONE ? 0 : -1;
}

int
store_api_token_teams(struct store *db, long long token, char **teams, size_t max, size_t *n)
{
	struct store_stmt *st = sql_cached(db, "SELECT team_id FROM api_token_teams "
	    "WHERE token = ? ORDER BY team_id");

	*n = 0;
	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, token);
	return collect(st, teams, max, n);
}

int
store_api_token_touch(struct store *db, long long token, long long now)
{
	struct store_stmt *st = sql_cached(db, "UPDATE api_tokens SET used_at = ?1 WHERE "
	    "id = ?2 AND (used_at IS NULL OR used_at < ?1 - 60)");
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, now);
	sql_bind_int64(st, 2, token);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? 0 : -1;
}

int
store_api_token_revoke(struct store *db, long long token, long long now)
{
	struct store_stmt *st = sql_prepare(db, "UPDATE api_tokens SET revoked_at = ? "
	    "WHERE id = ? AND revoked_at IS NULL");

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, now);
	sql_bind_int64(st, 2, token);
	if (run(st) == -1)
		return -1;
	return sql_changes(db) > 0;
}

int
store_api_token_each(struct store *db, int (*cb)(void *, const struct store_api_token *),
    void *arg)
{
	/* a manager token's teams in one column, sorted the same way on both */
	const char *sql = store_backend(db) == STORE_POSTGRESQL ?
	    "SELECT t.id, t.role, coalesce(t.agent_id, ''), coalesce((SELECT "
	    "string_agg(team_id, ',' ORDER BY team_id) FROM api_token_teams WHERE "
	    "token = t.id), ''), t.created_at, t.expires_at, t.used_at, t.revoked_at, t.label "
	    "FROM api_tokens t ORDER BY t.id" :
	    "SELECT t.id, t.role, coalesce(t.agent_id, ''), coalesce((SELECT "
	    "group_concat(team_id, ',') FROM (SELECT team_id FROM api_token_teams WHERE "
	    "token = t.id ORDER BY team_id)), ''), t.created_at, t.expires_at, t.used_at, "
	    "t.revoked_at, t.label FROM api_tokens t ORDER BY t.id";
	struct store_stmt *st = sql_prepare(db, sql);
	struct store_api_token t;
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	while (stop == 0 && (rc = sql_step(st)) == STORE_ROW) {
		t.id = sql_column_int64(st, 0);
		t.role = sql_column_str(st, 1);
		t.agent_id = sql_column_str(st, 2);
		t.teams = sql_column_str(st, 3);
		t.created_at = sql_column_int64(st, 4);
		t.expires_at = sql_column_int64(st, 5);
		t.used_at = sql_column_int64(st, 6);
		t.revoked_at = sql_column_int64(st, 7);
		t.label = sql_column_str(st, 8);
		stop = cb(arg, &t);
	}
	sql_finalize(st);
	if (stop != 0)
		return stop;
	return rc == STORE_DONE ? 0 : -1;
}

int
store_agent_exists(struct store *db, const char *agent)
{
	return exists(db, "SELECT count(*) FROM agents WHERE id = ?", agent);
}

int
store_team_exists(struct store *db, const char *team)
{
	return exists(db, "SELECT count(*) FROM teams WHERE id = ?", team);
}

int
store_team_manager_add(struct store *db, const char *team, const char *email, long long now,
    int must_be_known)
{
	struct store_stmt *st;
	int known = 1;

	if (store_begin(db) != STORE_OK)
		return -1;
	/* a team is known once an event named it or it has a manager */
	if (must_be_known && (known = exists(db, "SELECT count(*) FROM (SELECT id FROM teams "
	    "WHERE id = ?1 UNION ALL SELECT team_id FROM team_managers WHERE team_id = ?1) k",
	    team)) != 1)
		goto end;
	if ((st = sql_prepare(db, "INSERT INTO team_managers (team_id, email, added_at) "
	    "VALUES (?, lower(?), ?) ON CONFLICT (team_id, email) DO NOTHING")) == NULL)
		goto fail;
	sql_bind_text(st, 1, team, -1);
	sql_bind_text(st, 2, email, -1);
	sql_bind_int64(st, 3, now);
	if (run(st) == -1)
		goto fail;
	if (store_commit(db) != STORE_OK)
		return -1;
	return 1;
end:
	store_rollback(db);
	return known;
fail:
	store_rollback(db);
	return -1;
}

int
store_team_manager_remove(struct store *db, const char *team, const char *email)
{
	struct store_stmt *st = sql_prepare(db, "DELETE FROM team_managers WHERE team_id = ? "
	    "AND email = lower(?)");

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, team, -1);
	sql_bind_text(st, 2, email, -1);
	if (run(st) == -1)
		return -1;
	return sql_changes(db) > 0;
}

int
store_team_manager_teams(struct store *db, const char *email, char **teams, size_t max,
    size_t *n)
{
	struct store_stmt *st = sql_cached(db, "SELECT team_id FROM team_managers "
	    "WHERE email = ? ORDER BY team_id");

	*n = 0;
	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, email, -1);
	return collect(st, teams, max, n);
}

int
store_team_manager_list(struct store *db,
    int (*cb)(void *, const char *, const char *, const char *), void *arg)
{
	/* teams seen in events, and teams that only have managers so far */
	const char *sql = store_backend(db) == STORE_POSTGRESQL ?
	    "WITH ids(id) AS (SELECT id FROM teams UNION SELECT team_id FROM team_managers) "
	    "SELECT ids.id, coalesce(t.name, ''), coalesce((SELECT string_agg(email, ', ' "
	    "ORDER BY email) FROM team_managers WHERE team_id = ids.id), '') FROM ids "
	    "LEFT JOIN teams t ON t.id = ids.id ORDER BY ids.id" :
	    "WITH ids(id) AS (SELECT id FROM teams UNION SELECT team_id FROM team_managers) "
	    "SELECT ids.id, coalesce(t.name, ''), coalesce((SELECT group_concat(email, ', ') "
	    "FROM (SELECT email FROM team_managers WHERE team_id = ids.id ORDER BY email)), '') "
	    "FROM ids LEFT JOIN teams t ON t.id = ids.id ORDER BY ids.id";
	struct store_stmt *st = sql_prepare(db, sql);
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	while (stop == 0 && (rc = sql_step(st)) == STORE_ROW)
		stop = cb(arg, sql_column_str(st, 0), sql_column_str(st, 1), sql_column_str(st, 2));
	sql_finalize(st);
	if (stop != 0)
		return stop;
	return rc == STORE_DONE ? 0 : -1;
}

int
store_admin_add(struct store *db, const char *email, long long now)
{
	struct store_stmt *st = sql_prepare(db, "INSERT INTO admins (email, added_at) "
	    "VALUES (lower(?), ?) ON CONFLICT (email) DO NOTHING");

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, email, -1);
	sql_bind_int64(st, 2, now);
	return run(st);
}

int
store_admin_remove(struct store *db, const char *email)
{
	struct store_stmt *st;
	long long removed;

	if (store_begin(db) != STORE_OK)
		return -1;
	if ((st = sql_prepare(db, "DELETE FROM admins WHERE email = lower(?)")) == NULL)
		goto fail;
	sql_bind_text(st, 1, email, -1);
	if (run(st) == -1)
		goto fail;
	/* their sessions end with it */
	if ((removed = sql_changes(db)) > 0 && store_session_end_address(db, email) == -1)
		goto fail;
	if (store_commit(db) != STORE_OK)
		return -1;
	return removed > 0;
fail:
	store_rollback(db);
	return -1;
}

int
store_admin_each(struct store *db, int (*cb)(void *, const char *, long long), void *arg)
{
	struct store_stmt *st = sql_prepare(db, "SELECT email, added_at FROM admins "
	    "ORDER BY email");
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	while (stop == 0 && (rc = sql_step(st)) == STORE_ROW)
		stop = cb(arg, sql_column_str(st, 0), sql_column_int64(st, 1));
	sql_finalize(st);
	if (stop != 0)
		return stop;
	return rc == STORE_DONE ? 0 : -1;
}
