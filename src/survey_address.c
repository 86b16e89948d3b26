/* survey_address.c - owns the closes waiting for their requester's address
 * (address_lookups, filled by survey.c at intake): which one is due, and
 * what a look-up's end does: the survey scheduled under the id the
 * webhook was answered with (after the same policy as any close), a retry
 * later, or no_address. Each end is also written to the close's delivery,
 * so npsctl survey show and /metrics tell it. Runs inside the caller's
 * transaction. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "survey.h"
#include "survey_address.h"

int
survey_address_due(sqlite3 *db, time_t now, struct address_wait *w, long long *next_at)
{
	sqlite3_stmt *st;
	int rc;

	*next_at = 0;
	if ((st = db_cached(db, "SELECT min(next_attempt_at) FROM address_lookups")) == NULL)
		return sqlite3_errcode(db);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*next_at = sqlite3_column_int64(st, 0);
	db_done(st);
	if (rc != SQLITE_ROW)
		return rc;
	st = db_cached(db, "SELECT id, source, ticket_id, attempts FROM address_lookups "
	    "WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1");
	if (st == NULL)
		return sqlite3_errcode(db);
	sqlite3_bind_int64(st, 1, (long long)now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->id = sqlite3_column_int64(st, 0);
		snprintf(w->source, sizeof w->source, "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(w->ticket_id, sizeof w->ticket_id, "%s",
		    (const char *)sqlite3_column_text(st, 2));
		w->attempts = sqlite3_column_int(st, 3);
	}
	db_done(st);
	return rc;
}

static void
column(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(out, outlen, "%s", s != NULL ? (const char *)s : "");
}

/* The close as it was at intake: agent, team, subject frozen then. */
static int
load_close(sqlite3 *db, long long id, struct event *ev, long long *ticket, long long *seq,
    char source[32], char public_id[32], char delivery_id[NPSD_MAX_WEBHOOK_ID + 1])
{
	sqlite3_stmt *st = db_cached(db, "SELECT ticket, close_seq, source, ticket_id, "
	    "delivery_id, public_id, subject, category, closed_at, requester_name, language, "
	    "agent_id, agent_email, agent_name, self_score, team_id, team_name "
	    "FROM address_lookups WHERE id = ?");
	int rc;

	if (st == NULL)
		return sqlite3_errcode(db);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(ev, 0, sizeof *ev);
		ev->type = EVENT_CLOSED;
		*ticket = sqlite3_column_int64(st, 0);
		*seq = sqlite3_column_int64(st, 1);
		column(st, 2, source, 32);
		column(st, 3, ev->ticket_id, sizeof ev->ticket_id);
		column(st, 4, delivery_id, NPSD_MAX_WEBHOOK_ID + 1);
		column(st, 5, public_id, 32);
		column(st, 6, ev->subject, sizeof ev->subject);
		column(st, 7, ev->category, sizeof ev->category);
		ev->closed_at = (time_t)sqlite3_column_int64(st, 8);
		column(st, 9, ev->requester_name, sizeof ev->requester_name);
		column(st, 10, ev->language, sizeof ev->language);
		column(st, 11, ev->agent_id, sizeof ev->agent_id);
		column(st, 12, ev->agent_email, sizeof ev->agent_email);
		column(st, 13, ev->agent_name, sizeof ev->agent_name);
		ev->self_score = sqlite3_column_type(st, 14) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(st, 14);
		column(st, 15, ev->team_id, sizeof ev->team_id);
		column(st, 16, ev->team_name, sizeof ev->team_name);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_NOTFOUND;
	}
	db_done(st);
	return rc;
}

static int
finish(sqlite3 *db, long long id, const char *source, const char *delivery_id,
    const char *outcome, const char *reason, const char *detail)
{
	char sid[24];
	int rc;

	rc = survey_sql(db, "UPDATE deliveries SET outcome = ?, reason = ?, detail = ? WHERE "
	    "source = ? AND delivery_id = ?", NULL, 5, outcome, reason, detail, source,
	    delivery_id);
	snprintf(sid, sizeof sid, "%lld", id);
	if (rc == SQLITE_OK)
		rc = survey_sql(db, "DELETE FROM address_lookups WHERE id = ?", NULL, 1, sid);
	return rc;
}

int
survey_address_found(sqlite3 *db, const struct policy *pol, long long id,
    const struct address_found *found, time_t now, struct intake_result *res)
{
	char source[32], public_id[32], delivery_id[NPSD_MAX_WEBHOOK_ID + 1];
	long long ticket, seq;
	struct event ev;
	int rc;

	memset(res, 0, sizeof *res);
	if ((rc = load_close(db, id, &ev, &ticket, &seq, source, public_id, delivery_id))
	    != SQLITE_OK)
		return rc;
	snprintf(ev.requester_email, sizeof ev.requester_email, "%s", found->email);
	if (found->language[0] != '\0')
		snprintf(ev.language, sizeof ev.language, "%s", found->language);
	if (ev.requester_name[0] == '\0')
		snprintf(ev.requester_name, sizeof ev.requester_name, "%s", found->name);
	rc = survey_schedule_close(db, pol, source, &ev, ticket, seq, public_id, now, res);
	if (rc != SQLITE_OK)
		return rc;
	return finish(db, id, source, delivery_id, survey_outcome_name(res->outcome),
	    res->reason, NULL);
}

int
survey_address_missing(sqlite3 *db, long long id, const char *detail)
{
	char source[32], public_id[32], delivery_id[NPSD_MAX_WEBHOOK_ID + 1];
	long long ticket, seq;
	struct event ev;
	int rc;

	if ((rc = load_close(db, id, &ev, &ticket, &seq, source, public_id, delivery_id))
	    != SQLITE_OK)
		return rc;
	return finish(db, id, source, delivery_id, "skipped", "no_address", detail);
}

int
survey_address_retry(sqlite3 *db, long long id, time_t next_at, const char *detail)
{
	char sid[24], snext[24], text[200];
	long long found;
	int rc;

	snprintf(sid, sizeof sid, "%lld", id);
	snprintf(snext, sizeof snext, "%lld", (long long)next_at);
	rc = survey_sql(db, "UPDATE address_lookups SET attempts = attempts + 1, "
	    "next_attempt_at = ?, last_error = ? WHERE id = ? RETURNING id", &found, 3, snext,
	    detail, sid);
	if (rc != SQLITE_OK)
		return rc;
	snprintf(text, sizeof text, "%s; last try: %.120s", SURVEY_WAITING_DETAIL, detail);
	return survey_sql(db, "UPDATE deliveries SET detail = ? WHERE (source, delivery_id) = "
	    "(SELECT source, delivery_id FROM address_lookups WHERE id = ?)", NULL, 2, text, sid);
}
