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
#include "log.h"
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

/* Runs a statement with text parameters (NULL binds NULL); returns the
 * first column of the first row as an integer in *out when out is given. */
static int
run(sqlite3 *db, const char *sql, long long *out, int n, ...)
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
	rc = run(db, "INSERT OR IGNORE INTO closings (source, ticket_id, closed_at, category, team_id, "
	    "agent_id) VALUES (?, ?, ?, ?, ?, ?)", NULL, 6, source, ev->ticket_id, sclosed,
	    ev->category, ev->team_id, agent);
	if (rc == SQLITE_OK && agent[0] != '\0')
		rc = run(db, "INSERT INTO agents (id, name, email, seen_at) VALUES (?, ?, lower(?), ?) "
		    "ON CONFLICT (id) DO UPDATE SET name = coalesce(nullif(excluded.name, ''), name), "
		    "email = coalesce(nullif(excluded.email, ''), email), seen_at = excluded.seen_at "
		    "WHERE (excluded.name <> '' AND excluded.name <> name) OR (excluded.email <> '' "
		    "AND excluded.email <> email) OR excluded.seen_at > seen_at + 3600",
		    NULL, 4, agent, ev->agent_name, ev->agent_email, snow);
	if (rc == SQLITE_OK && ev->team_id[0] != '\0')
		rc = run(db, "INSERT INTO teams (id, name, seen_at) VALUES (?, ?, ?) "
		    "ON CONFLICT (id) DO UPDATE SET name = coalesce(nullif(excluded.name, ''), name), "
		    "seen_at = excluded.seen_at WHERE (excluded.name <> '' AND excluded.name <> name) "
		    "OR excluded.seen_at > seen_at + 3600", NULL, 3, ev->team_id, ev->team_name, snow);
	return rc;
}

static int
intake_closed(sqlite3 *db, const struct policy *pol, const char *source,
    const struct event *ev, int stale, time_t now, struct intake_result *res)
{
	char snow[24], sticket[24], sseq[24], ssend[24], sclosed[24], sself[24], hash[65];
	char token[23], public_id[32];
	long long ticket = 0, seq, state_closed = 0, n;
	time_t send_at;
	int rc;

	num(snow, sizeof snow, now);
	rc = run(db, "SELECT id FROM tickets WHERE source = ? AND ticket_id = ?",
	    &ticket, 2, source, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND) {
		rc = run(db, "INSERT INTO tickets (source, ticket_id, state, closes, updated_at) "
		    "VALUES (?, ?, 'closed', 1, ?) RETURNING id", &ticket, 3, source,
		    ev->ticket_id, snow);
		if (rc != SQLITE_OK || (rc = record_close(db, source, ev, now)) != SQLITE_OK)
			return rc;
		seq = 1;
	} else if (rc != SQLITE_OK) {
		return rc;
	} else {
		num(sticket, sizeof sticket, ticket);
		if ((rc = run(db, "SELECT state = 'closed' FROM tickets WHERE id = ?",
		    &state_closed, 1, sticket)) != SQLITE_OK)
			return rc;
		if (state_closed)	/* this close was already seen */
			return skip(res, "already_surveyed");
		if ((rc = run(db, "UPDATE tickets SET state = 'closed', closes = closes + 1, "
		    "updated_at = ? WHERE id = ? RETURNING closes", &seq, 2, snow, sticket))
		    != SQLITE_OK)
			return rc;
		if ((rc = record_close(db, source, ev, now)) != SQLITE_OK)
			return rc;
		if (!pol->resurvey_after_reopen) {
			rc = run(db, "SELECT count(*) FROM surveys WHERE ticket = ? AND "
			    "state IN ('sent', 'answered', 'expired')", &n, 1, sticket);
			if (rc != SQLITE_OK)
				return rc;
			if (n > 0)
				return skip(res, "already_surveyed");
		}
	}
	num(sticket, sizeof sticket, ticket);
	if (stale)	/* recorded and counted above; too old to ask about */
		return skip(res, "stale");
	if (ev->unsurveyable != NULL)	/* recorded and counted; no one to ask */
		return skip(res, ev->unsurveyable);

	crypto_address_hash(ev->requester_email, hash);
	rc = run(db, "SELECT count(*) FROM suppressions WHERE address_hash = ?", &n, 1, hash);
	if (rc != SQLITE_OK)
		return rc;
	if (n > 0)
		return skip(res, "suppressed");
	if (ev->agent_email[0] != '\0' && strcasecmp(ev->agent_email, ev->requester_email) == 0)
		return skip(res, "self");
	if (policy_excluded(pol, ev->requester_email, ev->category, ev->team_id) ||
	    (ev->team_name[0] != '\0' && policy_excluded(pol, "", "", ev->team_name)))
		return skip(res, "excluded");
	if (!policy_sampled_in(source, ev->ticket_id, pol->sample))
		return skip(res, "sampled_out");
	if (pol->cooldown > 0) {
		n = survey_count_recent(db, ev->requester_email, (long long)now - pol->cooldown, 1, 0);
		if (n < 0)
			return sqlite3_errcode(db);
		if (n > 0)
			return skip(res, "cooldown");
	}
	if (pol->max_per_30d > 0) {
		n = survey_count_recent(db, ev->requester_email, (long long)now - 30LL * 86400, 1, 0);
		if (n < 0)
			return sqlite3_errcode(db);
		if (n >= pol->max_per_30d)
			return skip(res, "capped");
	}

	send_at = ev->closed_at + (time_t)pol->delay;
	if (send_at < now)
		send_at = now;
	send_at = window_next(&pol->window, send_at);
	if (crypto_token_new(token) == -1)
		return SQLITE_ERROR;
	snprintf(public_id, sizeof public_id, "svy_%.16s", token);
	num(sseq, sizeof sseq, seq);
	num(ssend, sizeof ssend, send_at);
	num(sclosed, sizeof sclosed, ev->closed_at);
	if (ev->self_score >= 0)
		num(sself, sizeof sself, ev->self_score);
	rc = run(db, "INSERT INTO surveys (public_id, ticket, close_seq, source, ticket_id, "
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

static int
intake_reopened(sqlite3 *db, const char *source, const struct event *ev, time_t now,
    struct intake_result *res)
{
	char snow[24], sticket[24];
	long long ticket, cancelled = 0;
	int rc;

	num(snow, sizeof snow, now);
	rc = run(db, "UPDATE tickets SET state = 'open', updated_at = ? WHERE source = ? AND "
	    "ticket_id = ? RETURNING id", &ticket, 3, snow, source, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND) {
		res->outcome = INTAKE_IGNORED;
		return SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		return rc;
	num(sticket, sizeof sticket, ticket);
	rc = run(db, "UPDATE outbox SET state = 'cancelled', message = '', done_at = ? "
	    "WHERE state = 'queued' AND survey IN (SELECT id FROM surveys WHERE ticket = ? "
	    "AND state = 'scheduled')", NULL, 2, snow, sticket);
	if (rc != SQLITE_OK)
		return rc;
	rc = run(db, "UPDATE surveys SET state = 'cancelled', reason = 'reopened' WHERE "
	    "ticket = ? AND state = 'scheduled' RETURNING id", &cancelled, 1, sticket);
	if (rc != SQLITE_OK && rc != SQLITE_NOTFOUND)
		return rc;
	res->outcome = rc == SQLITE_OK ? INTAKE_CANCELLED : INTAKE_IGNORED;
	return SQLITE_OK;
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

	rc = run(db, ev->type == EVENT_CLOSED ?
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

int
survey_intake(sqlite3 *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, time_t now, struct intake_result *res)
{
	char snow[24], scoped[NPSD_MAX_WEBHOOK_ID + 32];
	long long inserted;
	int rc;

	memset(res, 0, sizeof *res);
	num(snow, sizeof snow, now);
	if (ev->delivery_per_close) {
		if ((rc = delivery_per_close(db, source, delivery_id, ev, scoped, sizeof scoped))
		    != SQLITE_OK)
			return rc;
		delivery_id = scoped;
	}
	rc = run(db, "INSERT INTO deliveries (source, delivery_id, received_at, outcome, "
	    "ticket_id) VALUES (?, ?, ?, '', ?) ON CONFLICT DO NOTHING RETURNING 1", &inserted, 4,
	    source, delivery_id, snow, ev->ticket_id);
	if (rc == SQLITE_NOTFOUND) {
		res->outcome = INTAKE_DUPLICATE;
		return SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		return rc;
	if (ev->type == EVENT_CLOSED) {
		/* every adapter's close passes here: one rule for its time */
		struct event sane = *ev;
		enum event_time t = event_check_closed_at(&sane.closed_at, now, pol->expire);

		if (t == EVENT_TIME_CLAMPED)
			log_info("hook %s: closed_at %llds ahead of the time received; clamped to it",
			    source, (long long)ev->closed_at - (long long)now);
		rc = intake_closed(db, pol, source, &sane, t == EVENT_TIME_STALE, now, res);
	} else
		rc = intake_reopened(db, source, ev, now, res);
	if (rc != SQLITE_OK)
		return rc;
	return run(db, "UPDATE deliveries SET outcome = ?, reason = ?, detail = ? WHERE "
	    "source = ? AND delivery_id = ?", NULL, 5, survey_outcome_name(res->outcome),
	    res->reason, res->reason != NULL && ev->unsurveyable != NULL &&
	    strcmp(res->reason, ev->unsurveyable) == 0 ? ev->unsurveyable_detail : NULL, source,
	    delivery_id);
}
