/* survey.c - owns what a close or reopen event does to the database:
 * idempotent deliveries, one survey per (source, ticket, close), agent and
 * team frozen at close, the delay before sending, cancellation by reopen,
 * the rule for a close's time (clamped when ahead, stale when older than
 * expire), and the skip reasons, among them a close no one can be asked
 * about (no_address), recorded and counted all the same. Runs inside the
 * caller's transaction. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "db.h"
#include "fatigue.h"
#include "log.h"
#include "store_suppress.h"
#include "store_survey.h"
#include "survey.h"

long long
survey_count_recent(sqlite3 *db, const char *email, long long since, int pending,
    long long except_id)
{
	sqlite3_stmt *st = db_cached(db, "SELECT count(*) FROM surveys WHERE "
	    "lower(requester_email) = lower(?1) AND id != ?4 AND ((sent_at IS NOT NULL AND "
	    "sent_at >= ?2) OR (state = 'scheduled' AND (?3 OR queued = 1)))");
	long long n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int(st, 3, pending);
	sqlite3_bind_int64(st, 4, except_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	db_done(st);
	return n;
}

const char *
survey_outcome_name(enum intake_outcome o)
{
	switch (o) {
	case INTAKE_SCHEDULED: return "scheduled";
	case INTAKE_DUPLICATE: return "duplicate";
	case INTAKE_SKIPPED: return "skipped";
	case INTAKE_CANCELLED: return "cancelled";
	case INTAKE_IGNORED: return "ignored";
	}
	return "unknown";
}

int
survey_sql(sqlite3 *db, const char *sql, long long *out, int n, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if ((st = db_cached(db, sql)) == NULL)
		return sqlite3_errcode(db);
	va_start(ap, n);
	for (int i = 1; i <= n; i++) {
		const char *v = va_arg(ap, const char *);
		if (v == NULL)
			sqlite3_bind_null(st, i);
		else
			sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (out != NULL)
			*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = out != NULL ? SQLITE_NOTFOUND : SQLITE_OK;
	}
	db_done(st);
	return rc;
}

static void
num(char *buf, size_t len, long long v)
{
	snprintf(buf, len, "%lld", v);
}

static int
skip(struct intake_result *res, const char *reason)
{
	res->outcome = INTAKE_SKIPPED;
	res->reason = reason;
	return SQLITE_OK;
}

/* Every close counts for volume, surveyed or not; the agent's and team's
 * names are kept as last seen (a row is rewritten only when a name or
 * address changed, or hourly for seen_at: intake stays fast). */
static int
record_close(sqlite3 *db, const char *source, const struct event *ev, time_t now)
{
	const char *agent = ev->agent_id[0] ? ev->agent_id : ev->agent_email;
	char snow[24], sclosed[24];
	int rc;

	num(snow, sizeof snow, now);
	num(sclosed, sizeof sclosed, ev->closed_at);
	/* the same ticket closed twice within a second counts once */
	rc = survey_sql(db, "INSERT OR IGNORE INTO closings (source, ticket_id, closed_at, category, team_id, "
	    "agent_id) VALUES (?, ?, ?, ?, ?, ?)", NULL, 6, source, ev->ticket_id, sclosed,
	    ev->category, ev->team_id, agent);
	if (rc == SQLITE_OK && agent[0] != '\0')
		rc = survey_sql(db, "INSERT INTO agents (id, name, email, seen_at) VALUES (?, ?, lower(?), ?) "
		    "ON CONFLICT (id) DO UPDATE SET name = coalesce(nullif(excluded.name, ''), name), "
		    "email = coalesce(nullif(excluded.email, ''), email), seen_at = excluded.seen_at "
		    "WHERE (excluded.name <> '' AND excluded.name <> name) OR (excluded.email <> '' "
		    "AND excluded.email <> email) OR excluded.seen_at > seen_at + 3600",
		    NULL, 4, agent, ev->agent_name, ev->agent_email, snow);
	if (rc == SQLITE_OK && ev->team_id[0] != '\0')
		rc = survey_sql(db, "INSERT INTO teams (id, name, seen_at) VALUES (?, ?, ?) "
		    "ON CONFLICT (id) DO UPDATE SET name = coalesce(nullif(excluded.name, ''), name), "
		    "seen_at = excluded.seen_at WHERE (excluded.name <> '' AND excluded.name <> name) "
		    "OR excluded.seen_at > seen_at + 3600", NULL, 3, ev->team_id, ev->team_name, snow);
	return rc;
}

/* The policy's verdict on a close: *reason NULL to survey it, else why
 * not. Without an address (one still to be looked up) only what does not
 * depend on it is decided; the rest is decided once it is known. */
static int
verdict(sqlite3 *db, const struct policy *pol, const char *source, const struct event *ev,
    int have_address, time_t now, const char **reason)
{
	struct fatigue_policy fat;
	int rc;

	*reason = NULL;
	if (have_address) {
		struct suppression entry;

		rc = store_suppress_find(db_store(db), ev->requester_email, &entry);
		if (rc == STORE_OK)
			return *reason = "suppressed", SQLITE_OK;
		if (rc != STORE_NOTFOUND)
			return rc;
		if (ev->agent_email[0] != '\0' &&
		    strcasecmp(ev->agent_email, ev->requester_email) == 0)
			return *reason = "self", SQLITE_OK;
	}
	if (policy_excluded(pol, have_address ? ev->requester_email : "", ev->category,
	    ev->team_id) || (ev->team_name[0] != '\0' && policy_excluded(pol, "", "",
	    ev->team_name)))
		return *reason = "excluded", SQLITE_OK;
	if (!policy_sampled_in(source, ev->ticket_id, pol->sample))
		return *reason = "sampled_out", SQLITE_OK;
	if (!have_address)
		return SQLITE_OK;
	fat = (struct fatigue_policy){ pol->cooldown, pol->max_per_30d };
	if (fatigue_limited(&fat)) {
		struct fatigue_windows w = fatigue_windows_at(&fat, now);
		struct fatigue_counts counts;

		if ((rc = store_survey_fatigue_counts(db_store(db), ev->requester_email, &w, 1, 0,
		    &counts)) != STORE_OK)
			return rc;
		fatigue_decide(&fat, &counts, reason);
	}
	return SQLITE_OK;
}

/* When a close's survey goes out: after the delay, inside the window. */
static time_t
send_time(const struct policy *pol, const struct event *ev, time_t now)
{
	time_t send_at = ev->closed_at + (time_t)pol->delay;

	if (send_at < now)
		send_at = now;
	return window_next(&pol->window, send_at);
}

static int
new_public_id(char public_id[32])
{
	char token[23];

	if (crypto_token_new(token) == -1)
		return -1;
	snprintf(public_id, 32, "svy_%.16s", token);
	return 0;
}

int
survey_schedule_close(sqlite3 *db, const struct policy *pol, const char *source,
    const struct event *ev, long long ticket, long long seq, const char *public_id,
    time_t now, struct intake_result *res)
{
	char snow[24], sticket[24], sseq[24], ssend[24], sclosed[24], sself[24], fresh[32];
	const char *reason;
	time_t send_at;
	int rc;

	if ((rc = verdict(db, pol, source, ev, 1, now, &reason)) != SQLITE_OK)
		return rc;
	if (reason != NULL)
		return skip(res, reason);
	send_at = send_time(pol, ev, now);
	if (public_id == NULL) {
		if (new_public_id(fresh) == -1)
			return SQLITE_ERROR;
		public_id = fresh;
	}
	num(snow, sizeof snow, now);
	num(sticket, sizeof sticket, ticket);
	num(sseq, sizeof sseq, seq);
	num(ssend, sizeof ssend, send_at);
	num(sclosed, sizeof sclosed, ev->closed_at);
	if (ev->self_score >= 0)
		num(sself, sizeof sself, ev->self_score);
	rc = survey_sql(db, "INSERT INTO surveys (public_id, ticket, close_seq, source, ticket_id, "
	    "subject, category, closed_at, requester_email, requester_name, language, "
	    "agent_id, agent_email, agent_name, self_score, team_id, team_name, state, "
	    "created_at, send_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "'scheduled', ?, ?)", NULL, 19, public_id, sticket, sseq, source, ev->ticket_id,
	    ev->subject, ev->category, sclosed, ev->requester_email, ev->requester_name,
	    ev->language, ev->agent_id[0] ? ev->agent_id : ev->agent_email, ev->agent_email,
	    ev->agent_name, ev->self_score >= 0 ? sself : NULL, ev->team_id, ev->team_name,
	    snow, ssend);
	if (rc != SQLITE_OK)
		return rc;
	res->outcome = INTAKE_SCHEDULED;
	snprintf(res->survey_id, sizeof res->survey_id, "%s", public_id);
	res->send_at = send_at;
	return SQLITE_OK;
}

/* A close whose address the source's API gives (GLPI): what can be
 * decided without the address is decided now; the close then waits in
 * address_lookups with the survey id the webhook is answered with. */
static int
wait_for_address(sqlite3 *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, long long ticket, long long seq,
    time_t now, struct intake_result *res)
{
	char snow[24], sticket[24], sseq[24], sclosed[24], sself[24], public_id[32];
	const char *reason;
	int rc;

	if ((rc = verdict(db, pol, source, ev, 0, now, &reason)) != SQLITE_OK)
		return rc;
	if (reason != NULL)
		return skip(res, reason);
	if (new_public_id(public_id) == -1)
		return SQLITE_ERROR;
	num(snow, sizeof snow, now);
	num(sticket, sizeof sticket, ticket);
	num(sseq, sizeof sseq, seq);
	num(sclosed, sizeof sclosed, ev->closed_at);
	if (ev->self_score >= 0)
		num(sself, sizeof sself, ev->self_score);
	rc = survey_sql(db, "INSERT INTO address_lookups (ticket, close_seq, source, ticket_id, "
	    "delivery_id, public_id, subject, category, closed_at, requester_name, language, "
	    "agent_id, agent_email, agent_name, self_score, team_id, team_name, next_attempt_at, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    NULL, 19, sticket, sseq, source, ev->ticket_id, delivery_id, public_id, ev->subject,
	    ev->category, sclosed, ev->requester_name, ev->language,
	    ev->agent_id[0] ? ev->agent_id : ev->agent_email, ev->agent_email, ev->agent_name,
	    ev->self_score >= 0 ? sself : NULL, ev->team_id, ev->team_name, snow, snow);
	if (rc != SQLITE_OK)
		return rc;
	res->outcome = INTAKE_SCHEDULED;
	res->waiting_for_address = 1;
	snprintf(res->survey_id, sizeof res->survey_id, "%s", public_id);
	res->send_at = send_time(pol, ev, now);
	return SQLITE_OK;
}

static int
intake_closed(sqlite3 *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, int stale, time_t now,
    struct intake_result *res)
{
	char snow[24], sticket[24];
	long long ticket = 0, seq, state_closed = 0, n;
	int rc;

	num(snow, sizeof snow, now);
	rc = survey_sql(db, "SELECT id FROM tickets WHERE source = ? AND ticket_id = ?",
	    &ticket, 2, source, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND) {
		rc = survey_sql(db, "INSERT INTO tickets (source, ticket_id, state, closes, "
		    "updated_at) VALUES (?, ?, 'closed', 1, ?) RETURNING id", &ticket, 3, source,
		    ev->ticket_id, snow);
		if (rc != SQLITE_OK || (rc = record_close(db, source, ev, now)) != SQLITE_OK)
			return rc;
		seq = 1;
	} else if (rc != SQLITE_OK) {
		return rc;
	} else {
		num(sticket, sizeof sticket, ticket);
		if ((rc = survey_sql(db, "SELECT state = 'closed' FROM tickets WHERE id = ?",
		    &state_closed, 1, sticket)) != SQLITE_OK)
			return rc;
		if (state_closed)	/* this close was already seen */
			return skip(res, "already_surveyed");
		if ((rc = survey_sql(db, "UPDATE tickets SET state = 'closed', closes = closes + 1, "
		    "updated_at = ? WHERE id = ? RETURNING closes", &seq, 2, snow, sticket))
		    != SQLITE_OK)
			return rc;
		if ((rc = record_close(db, source, ev, now)) != SQLITE_OK)
			return rc;
		if (!pol->resurvey_after_reopen) {
			rc = survey_sql(db, "SELECT count(*) FROM surveys WHERE ticket = ? AND "
			    "state IN ('sent', 'answered', 'expired')", &n, 1, sticket);
			if (rc != SQLITE_OK)
				return rc;
			if (n > 0)
				return skip(res, "already_surveyed");
		}
	}
	if (stale)	/* recorded and counted above; too old to ask about */
		return skip(res, "stale");
	if (ev->unsurveyable != NULL)	/* recorded and counted; no one to ask */
		return skip(res, ev->unsurveyable);
	if (ev->address_lookup)
		return wait_for_address(db, pol, source, delivery_id, ev, ticket, seq, now, res);
	return survey_schedule_close(db, pol, source, ev, ticket, seq, NULL, now, res);
}

static int
intake_reopened(sqlite3 *db, const char *source, const struct event *ev, time_t now,
    struct intake_result *res)
{
	char snow[24], sticket[24];
	long long ticket, cancelled = 0;
	int rc;

	num(snow, sizeof snow, now);
	rc = survey_sql(db, "UPDATE tickets SET state = 'open', updated_at = ? WHERE source = ? AND "
	    "ticket_id = ? RETURNING id", &ticket, 3, snow, source, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND && ev->event_time > 0) {
		/* remembered, so a late retry of an older close is known as such */
		res->outcome = INTAKE_IGNORED;
		return survey_sql(db, "INSERT INTO tickets (source, ticket_id, state, closes, "
		    "updated_at) VALUES (?, ?, 'open', 0, ?)", NULL, 3, source, ev->ticket_id,
		    snow);
	}
	if (rc == SQLITE_NOTFOUND) {
		res->outcome = INTAKE_IGNORED;
		return SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		return rc;
	num(sticket, sizeof sticket, ticket);
	rc = survey_sql(db, "UPDATE outbox SET state = 'cancelled', message = '', done_at = ? "
	    "WHERE state = 'queued' AND survey IN (SELECT id FROM surveys WHERE ticket = ? "
	    "AND state = 'scheduled')", NULL, 2, snow, sticket);
	if (rc != SQLITE_OK)
		return rc;
	rc = survey_sql(db, "UPDATE surveys SET state = 'cancelled', reason = 'reopened' WHERE "
	    "ticket = ? AND state = 'scheduled' RETURNING id", &cancelled, 1, sticket);
	if (rc != SQLITE_OK && rc != SQLITE_NOTFOUND)
		return rc;
	res->outcome = rc == SQLITE_OK ? INTAKE_CANCELLED : INTAKE_IGNORED;
	/* a close still waiting for its address is cancelled as well; its
	 * delivery says so, as there is no survey row to say it */
	rc = survey_sql(db, "UPDATE deliveries SET detail = 'cancelled by a reopen while its "
	    "address was being looked up' WHERE (source, delivery_id) IN (SELECT source, "
	    "delivery_id FROM address_lookups WHERE ticket = ?)", NULL, 1, sticket);
	if (rc == SQLITE_OK)
		rc = survey_sql(db, "DELETE FROM address_lookups WHERE ticket = ? RETURNING id",
		    &cancelled, 1, sticket);
	if (rc == SQLITE_OK)
		res->outcome = INTAKE_CANCELLED;
	return rc == SQLITE_NOTFOUND ? SQLITE_OK : rc;
}

/* A source without delivery ids of its own: the adapter's id plus the
 * close this event belongs to (the next close for a close of an open or
 * unknown ticket, the current one otherwise), so the same delivery twice
 * is a duplicate and a close after a reopen is not. */
static int
delivery_per_close(sqlite3 *db, const char *source, const char *delivery_id,
    const struct event *ev, char *out, size_t outlen)
{
	long long seq = 0;
	int rc;

	rc = survey_sql(db, ev->type == EVENT_CLOSED ?
	    "SELECT closes + (state = 'open') FROM tickets WHERE source = ? AND ticket_id = ?" :
	    "SELECT closes FROM tickets WHERE source = ? AND ticket_id = ?", &seq, 2, source,
	    ev->ticket_id);
	if (rc == SQLITE_NOTFOUND)
		seq = ev->type == EVENT_CLOSED ? 1 : 0;
	else if (rc != SQLITE_OK)
		return rc;
	snprintf(out, outlen, "%.200s#%lld", delivery_id, seq);
	return SQLITE_OK;
}

/* A source whose deliveries may come out of order (GLPI retries from a
 * queue): 1 when the ticket has already applied a newer event. */
static int
out_of_order(sqlite3 *db, const char *source, const struct event *ev, int *older)
{
	char stime[24];
	long long newest = 0;
	int rc;

	*older = 0;
	if (ev->event_time <= 0)
		return SQLITE_OK;
	num(stime, sizeof stime, ev->event_time);
	rc = survey_sql(db, "SELECT event_time > ? FROM tickets WHERE source = ? AND ticket_id = ?",
	    &newest, 3, stime, source, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND)
		return SQLITE_OK;
	*older = newest != 0;
	return rc;
}

static int
note_event_time(sqlite3 *db, const char *source, const struct event *ev)
{
	char stime[24];

	if (ev->event_time <= 0)
		return SQLITE_OK;
	num(stime, sizeof stime, ev->event_time);
	return survey_sql(db, "UPDATE tickets SET event_time = max(event_time, ?) WHERE "
	    "source = ? AND ticket_id = ?", NULL, 3, stime, source, ev->ticket_id);
}

int
survey_intake(sqlite3 *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, time_t now, struct intake_result *res)
{
	char snow[24], scoped[NPSD_MAX_WEBHOOK_ID + 32];
	const char *detail = NULL;
	long long inserted;
	int rc, older;

	memset(res, 0, sizeof *res);
	num(snow, sizeof snow, now);
	if (ev->delivery_per_close) {
		if ((rc = delivery_per_close(db, source, delivery_id, ev, scoped, sizeof scoped))
		    != SQLITE_OK)
			return rc;
		delivery_id = scoped;
	}
	rc = survey_sql(db, "INSERT INTO deliveries (source, delivery_id, received_at, outcome, "
	    "ticket_id) VALUES (?, ?, ?, '', ?) ON CONFLICT DO NOTHING RETURNING 1", &inserted, 4,
	    source, delivery_id, snow, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND) {
		res->outcome = INTAKE_DUPLICATE;
		return SQLITE_OK;
	}
	if (rc != SQLITE_OK || (rc = out_of_order(db, source, ev, &older)) != SQLITE_OK)
		return rc;
	if (older) {
		/* a late retry of an older event must not undo a newer one */
		res->outcome = INTAKE_IGNORED;
		res->reason = "out_of_order";
	} else if (ev->type == EVENT_CLOSED) {
		/* every adapter's close passes here: one rule for its time */
		struct event sane = *ev;
		enum event_time t = event_check_closed_at(&sane.closed_at, now, pol->expire);

		if (t == EVENT_TIME_CLAMPED)
			log_info("hook %s: closed_at %llds ahead of the time received; clamped to it",
			    source, (long long)ev->closed_at - (long long)now);
		rc = intake_closed(db, pol, source, delivery_id, &sane, t == EVENT_TIME_STALE, now,
		    res);
	} else
		rc = intake_reopened(db, source, ev, now, res);
	if (rc == SQLITE_OK && !older)
		rc = note_event_time(db, source, ev);
	if (rc != SQLITE_OK)
		return rc;
	if (res->reason != NULL && ev->unsurveyable != NULL &&
	    strcmp(res->reason, ev->unsurveyable) == 0)
		detail = ev->unsurveyable_detail;
	else if (res->waiting_for_address)
		detail = SURVEY_WAITING_DETAIL;
	return survey_sql(db, "UPDATE deliveries SET outcome = ?, reason = ?, detail = ? WHERE "
	    "source = ? AND delivery_id = ?", NULL, 5, survey_outcome_name(res->outcome),
	    res->reason, detail, source, delivery_id);
}
