/* store_alert.c - the detractor alert's statements (store_alert.h). */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_alert.h"
#include "store_sql.h"

void
store_alert_clear(struct store_alert *a)
{
	char **fields[] = { &a->survey_id, &a->ticket_id, &a->subject, &a->category,
	    &a->agent_name, &a->team_name, &a->team_id, &a->requester_email,
	    &a->requester_name, &a->comment };

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
	memset(a, 0, sizeof *a);
}

/* What the alert says, for a->survey: ten texts, the score, the time. */
static int
read_alert(struct store *db, struct store_alert *a)
{
	char **fields[] = { &a->survey_id, &a->ticket_id, &a->subject, &a->category,
	    &a->agent_name, &a->team_name, &a->requester_email, &a->requester_name,
	    &a->comment, &a->team_id };
	const size_t nfields = sizeof fields / sizeof fields[0];
	struct store_stmt *st;
	int rc;

	st = sql_cached(db, "SELECT s.public_id, s.ticket_id, s.subject, s.category, "
	    "coalesce(nullif(s.agent_name, ''), s.agent_id), "
	    "coalesce(nullif(s.team_name, ''), nullif(s.team_id, ''), '-'), "
	    "coalesce(s.requester_email, ''), coalesce(s.requester_name, ''), "
	    "coalesce(a.comment, ''), s.team_id, a.score, a.answered_at FROM surveys s "
	    "JOIN answers a ON a.survey = s.id WHERE s.id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, a->survey);
	if ((rc = sql_step(st)) == STORE_ROW) {
		rc = STORE_DONE;
		for (size_t i = 0; i < nfields; i++)
			if ((*fields[i] = strdup(sql_column_str(st, (int)i))) == NULL)
				rc = STORE_ERROR;
		a->score = sql_column_int(st, (int)nfields);
		a->answered_at = sql_column_int64(st, (int)nfields + 1);
		a->answered = 1;
	}
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_alert_claim(struct store *db, struct store_alert *out)
{
	struct store_stmt *st;
	char sql[256];
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT survey FROM followups WHERE mailed = 0 "
	    "ORDER BY created_at, survey LIMIT 1%s",
	    store_backend(db) == STORE_POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "");
	if ((st = sql_cached(db, sql)) == NULL)
		return STORE_ERROR;
	if ((rc = sql_step(st)) == STORE_ROW) {
		out->survey = sql_column_int64(st, 0);
		rc = STORE_DONE;
	}
	sql_done(st);
	if (rc != STORE_DONE)
		return rc;
	if (out->survey != 0 && (rc = read_alert(db, out)) != STORE_OK) {
		store_alert_clear(out);
		return rc;
	}
	return STORE_OK;
}

int
store_alert_managers(struct store *db, const char *team_id,
    void (*fn)(void *arg, const char *email), void *arg)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_prepare(db, "SELECT email FROM team_managers WHERE team_id = ? "
	    "ORDER BY email")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, team_id, -1);
	while ((rc = sql_step(st)) == STORE_ROW)
		fn(arg, sql_column_str(st, 0));
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_alert_mailed(struct store *db, long long survey, int n)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "UPDATE followups SET mailed = ? WHERE survey = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, n);
	sql_bind_int64(st, 2, survey);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}
