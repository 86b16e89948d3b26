/* store_followup.c - the follow-ups table: opening one for a detractor's
 * answer, marking one done, listing them. */
#include "autoconfig.h"

#include "store_followup.h"
#include "store_sql.h"
#include "survey_state.h"

int
store_followup_open(struct store *db, long long survey, long long now)
{
	struct store_stmt *st;
	int rc;

	st = sql_prepare(db, "INSERT INTO followups (survey, created_at) SELECT survey, ? "
	    "FROM answers WHERE survey = ? AND score <= ? AND flagged = 0 "
	    "ON CONFLICT (survey) DO NOTHING");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, now);
	sql_bind_int64(st, 2, survey);
	sql_bind_int(st, 3, NPS_DETRACTOR_MAX);
	rc = sql_step(st);
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_followup_done(struct store *db, const char *survey, const char *team, long long now,
    const char *by, const char *note)
{
	struct store_stmt *st;
	int rc;

	st = sql_prepare(db, "UPDATE followups SET done_at = ?1, done_by = ?2, note = ?3 "
	    "WHERE done_at IS NULL AND survey = (SELECT id FROM surveys WHERE public_id = ?4 "
	    "AND (CAST(?5 AS TEXT) IS NULL OR team_id = ?5))");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, now);
	sql_bind_text(st, 2, by, -1);
	sql_bind_text(st, 3, note, -1);
	sql_bind_text(st, 4, survey, -1);
	sql_bind_text(st, 5, team, -1);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	return sql_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_followup_each(struct store *db, const char *team, int all,
    int (*cb)(void *, const struct store_followup *), void *arg)
{
	struct store_stmt *st;
	int rc;

	st = sql_prepare(db, "SELECT s.public_id, s.ticket_id, s.subject, s.agent_id, "
	    "coalesce(nullif(s.agent_name, ''), s.agent_id), s.team_id, a.score, "
	    "coalesce(a.comment, ''), coalesce(s.requester_name, ''), "
	    "coalesce(s.requester_email, ''), f.created_at, f.done_at, coalesce(f.done_by, ''), "
	    "coalesce(f.note, '') FROM followups f JOIN surveys s ON s.id = f.survey "
	    "JOIN answers a ON a.survey = f.survey "
	    "WHERE (?1 = 1 OR f.done_at IS NULL) AND (CAST(?2 AS TEXT) IS NULL OR s.team_id = ?2) "
	    "ORDER BY f.created_at, f.survey");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_int(st, 1, all != 0);
	sql_bind_text(st, 2, team, -1);
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct store_followup f = {
			.survey = sql_column_str(st, 0),
			.ticket_id = sql_column_str(st, 1),
			.subject = sql_column_str(st, 2),
			.agent_id = sql_column_str(st, 3),
			.agent = sql_column_str(st, 4),
			.team_id = sql_column_str(st, 5),
			.score = sql_column_int(st, 6),
			.comment = sql_column_str(st, 7),
			.requester_name = sql_column_str(st, 8),
			.requester_email = sql_column_str(st, 9),
			.created_at = sql_column_int64(st, 10),
			.done_at = sql_column_int64(st, 11),
			.done_by = sql_column_str(st, 12),
			.note = sql_column_str(st, 13),
		};

		if (cb(arg, &f) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}
