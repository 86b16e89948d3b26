/* store_mail_admin.c - the statements behind `npsctl mail`
 * (store_mail_admin.h). Retry and drop change a survey's state only through
 * store_survey_transition, in the same transaction as the outbox row; the
 * outbox row is matched by its state in the UPDATE itself, so a message
 * another npsd claims meanwhile is left alone. */
#include "autoconfig.h"

#include <stdio.h>

#include "store_mail_admin.h"
#include "store_sql.h"
#include "store_transition.h"

static const char *const filter_sql[] = {
	[MAIL_OPEN] = "o.state IN ('queued', 'sending', 'failed')",
	[MAIL_WAITING] = "o.state IN ('queued', 'sending')",
	[MAIL_FAILED] = "o.state = 'failed'",
	[MAIL_ALL] = "1 = 1",
};

int
store_mail_each(struct store *db, enum mail_filter filter,
    int (*fn)(const struct mail_row *, void *), void *arg)
{
	struct store_stmt *st;
	char sql[512];
	int rc;

	if ((unsigned)filter > MAIL_ALL)
		return STORE_ERROR;
	snprintf(sql, sizeof sql, "SELECT o.id, o.kind, o.state, o.attempts, o.next_attempt_at, "
	    "o.done_at, s.public_id, s.ticket_id, o.recipient, o.last_error "
	    "FROM outbox o LEFT JOIN surveys s ON s.id = o.survey WHERE %s ORDER BY o.id",
	    filter_sql[filter]);
	if ((st = sql_prepare(db, sql)) == NULL)
		return STORE_ERROR;
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct mail_row m = {
			.id = sql_column_int64(st, 0),
			.kind = sql_column_str(st, 1),
			.state = sql_column_str(st, 2),
			.attempts = sql_column_int(st, 3),
			.next_attempt_at = sql_column_int64(st, 4),
			.done_at = sql_column_int64(st, 5),
			.survey = sql_column_str(st, 6),
			.ticket = sql_column_str(st, 7),
			.recipient = sql_column_str(st, 8),
			.last_error = sql_column_str(st, 9),
		};

		if (fn(&m, arg) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* Runs st with id at ?1 and now at ?2; STORE_OK and *changed, or an
 * error code. Finalizes st. */
static int
run(struct store *db, struct store_stmt *st, long long id, long long now, long long *changed)
{
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, id);
	sql_bind_int64(st, 2, now);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	*changed = sql_changes(db);
	return STORE_OK;
}

int
store_mail_retry(struct store *db, long long id, long long now, long long *queued)
{
	int rc;

	*queued = 0;
	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	/* the survey first: its mail is still 'failed' here */
	rc = store_survey_transition(db, SURVEY_EV_RETRIED, NULL, "id IN (SELECT survey FROM "
	    "outbox WHERE state = 'failed' AND kind = 'survey' AND length(message) > 0 AND "
	    "(? = 0 OR id = ?))", (struct store_arg[]){ STORE_INT(id), STORE_INT(id) }, 2,
	    NULL, NULL);
	if (rc == STORE_OK)
		rc = run(db, sql_prepare(db, "UPDATE outbox SET state = 'queued', attempts = 0, "
		    "next_attempt_at = ?2, done_at = NULL WHERE state IN ('failed', 'queued') AND "
		    "length(message) > 0 AND (?1 = 0 OR id = ?1)"), id, now, queued);
	if (rc == STORE_OK && *queued == 0 && id != 0)
		rc = STORE_NOTFOUND;
	if (rc != STORE_OK) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

int
store_mail_drop(struct store *db, long long id, long long now)
{
	long long dropped = 0;
	int rc;

	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	rc = store_survey_transition(db, SURVEY_EV_CANCELLED, "reason = 'dropped'",
	    "id = (SELECT survey FROM outbox WHERE id = ? AND kind = 'survey' AND "
	    "state IN ('queued', 'failed'))", (struct store_arg[]){ STORE_INT(id) }, 1, NULL,
	    NULL);
	if (rc == STORE_OK)
		rc = run(db, sql_prepare(db, "UPDATE outbox SET state = 'cancelled', message = '', "
		    "done_at = ?2 WHERE id = ?1 AND state IN ('queued', 'failed')"), id, now,
		    &dropped);
	if (rc == STORE_OK && dropped == 0)
		rc = STORE_NOTFOUND;
	if (rc != STORE_OK) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}
