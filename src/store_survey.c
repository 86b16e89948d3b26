/* store_survey.c - the statements of intake and scheduling (store_survey.h):
 * deliveries, tickets, closings, agents, teams and new surveys. */
#include "autoconfig.h"

#include "store_sql.h"
#include "store_survey.h"

int
store_survey_fatigue_counts(struct store *db, const char *email,
    const struct fatigue_windows *w, int include_scheduled, long long except_survey,
    struct fatigue_counts *out)
{
	struct store_stmt *st;
	int rc;

	/* per window: mailed inside it, or on the way (in the outbox, or
	 * still waiting when include_scheduled) */
	st = sql_cached(db, "SELECT "
	    "coalesce(sum(CASE WHEN (sent_at IS NOT NULL AND sent_at >= ?2) OR "
	    "(state = 'scheduled' AND (?4 = 1 OR queued = 1)) THEN 1 ELSE 0 END), 0), "
	    "coalesce(sum(CASE WHEN (sent_at IS NOT NULL AND sent_at >= ?3) OR "
	    "(state = 'scheduled' AND (?4 = 1 OR queued = 1)) THEN 1 ELSE 0 END), 0) "
	    "FROM surveys WHERE lower(requester_email) = lower(?1) AND id <> ?5");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, email, -1);
	sql_bind_int64(st, 2, w->cooldown_from);
	sql_bind_int64(st, 3, w->cap_from);
	sql_bind_int64(st, 4, include_scheduled ? 1 : 0);
	sql_bind_int64(st, 5, except_survey);
	rc = sql_step(st);
	if (rc == STORE_ROW) {
		out->in_cooldown = sql_column_int64(st, 0);
		out->in_cap = sql_column_int64(st, 1);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_ERROR;
	}
	sql_done(st);
	return rc;
}
