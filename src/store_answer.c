/* store_answer.c - the statements of the answer path (store_answer.h):
 * tokens to surveys, answer versions and the current answer, page
 * views. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "store_answer.h"
#include "store_sql.h"
#include "store_transition.h"

static void
copy_column(struct store_stmt *st, int col, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", sql_column_str(st, col));
}

int
store_answer_survey_find(struct store *db, const char *token_hash,
    struct store_answer_survey *p)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "SELECT s.id, s.state, s.language, s.ticket_id, s.subject, "
	    "s.agent_name, s.requester_email, coalesce(s.expires_at, 0), "
	    "coalesce(a.score, -1), coalesce(a.comment, '') FROM tokens t "
	    "JOIN surveys s ON s.id = t.survey "
	    "LEFT JOIN answers a ON a.survey = s.id WHERE t.hash = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, token_hash, -1);
	if ((rc = sql_step(st)) == STORE_ROW) {
		p->id = sql_column_int64(st, 0);
		if (survey_state_parse(sql_column_str(st, 1), &p->state) == -1)
			rc = STORE_ERROR;
		copy_column(st, 2, p->language, sizeof p->language);
		copy_column(st, 3, p->ticket_id, sizeof p->ticket_id);
		copy_column(st, 4, p->subject, sizeof p->subject);
		copy_column(st, 5, p->agent_name, sizeof p->agent_name);
		copy_column(st, 6, p->requester_email, sizeof p->requester_email);
		p->expires_at = sql_column_int64(st, 7);
		p->score = sql_column_int(st, 8);
		copy_column(st, 9, p->comment, sizeof p->comment);
		if (rc == STORE_ROW)
			rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_NOTFOUND;
	}
	sql_done(st);
	return rc;
}

/* The version is the record; answers holds the latest one. */
static int
version_add(struct store *db, const struct store_answer *a, long long *version)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "INSERT INTO answer_versions (survey, score, comment, at, "
	    "render_ms, flagged, flag_rule) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, a->survey);
	sql_bind_int64(st, 2, a->score);
	sql_bind_text(st, 3, a->comment[0] != '\0' ? a->comment : NULL, -1);
	sql_bind_int64(st, 4, a->at);
	if (a->render_ms >= 0)
		sql_bind_int64(st, 5, a->render_ms);
	else
		sql_bind_null(st, 5);
	sql_bind_int64(st, 6, a->flag_rule != NULL);
	sql_bind_text(st, 7, a->flag_rule, -1);
	if ((rc = sql_step(st)) == STORE_ROW) {
		*version = sql_column_int64(st, 0);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_ERROR;
	}
	sql_done(st);
	return rc;
}

static int
current_set(struct store *db, long long version)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "INSERT INTO answers (survey, score, comment, answered_at, "
	    "updated_at, flagged, flag_rule, agent_id, team_id, category, self_score) "
	    "SELECT v.survey, v.score, v.comment, v.at, v.at, v.flagged, v.flag_rule, "
	    "s.agent_id, s.team_id, s.category, s.self_score FROM answer_versions v "
	    "JOIN surveys s ON s.id = v.survey WHERE v.id = ? ON CONFLICT (survey) DO UPDATE SET "
	    "score = excluded.score, comment = excluded.comment, "
	    "updated_at = excluded.updated_at, flagged = excluded.flagged, "
	    "flag_rule = excluded.flag_rule")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, version);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* PostgreSQL: answers to one survey are recorded one after the other (the
 * survey's row lock, held to the commit), so the version written last is
 * the one committed last and the current answer; SQLite's BEGIN IMMEDIATE
 * already makes every write transaction wait its turn. */
static int
survey_lock(struct store *db, long long survey)
{
	struct store_stmt *st;
	int rc;

	if (store_backend(db) != STORE_POSTGRESQL)
		return STORE_OK;
	if ((st = sql_cached(db, "SELECT id FROM surveys WHERE id = ? FOR UPDATE")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, survey);
	while ((rc = sql_step(st)) == STORE_ROW)
		;
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_answer_record(struct store *db, const struct store_answer *a)
{
	long long version = 0;
	int rc;

	if ((rc = survey_lock(db, a->survey)) != STORE_OK ||
	    (rc = version_add(db, a, &version)) != STORE_OK ||
	    (rc = current_set(db, version)) != STORE_OK)
		return rc;
	return store_survey_transition(db, SURVEY_EV_ANSWERED, NULL, "id = ?",
	    (struct store_arg[]){ STORE_INT(a->survey) }, 1, NULL, NULL);
}

int
store_page_view_add(struct store *db, long long survey, long long at_ms, int score,
    const char *kind)
{
	struct store_stmt *st;
	int rc;

	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	if ((st = sql_cached(db, "INSERT INTO page_views (survey, at_ms, score, kind) "
	    "VALUES (?, ?, ?, ?)")) == NULL) {
		store_rollback(db);
		return STORE_ERROR;
	}
	sql_bind_int64(st, 1, survey);
	sql_bind_int64(st, 2, at_ms);
	if (score >= 0)
		sql_bind_int64(st, 3, score);
	else
		sql_bind_null(st, 3);
	sql_bind_text(st, 4, kind, -1);
	rc = sql_step(st);
	sql_done(st);
	if (rc != STORE_DONE) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}
