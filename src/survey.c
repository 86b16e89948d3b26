/* survey.c - owns what a close or reopen event does: idempotent
 * deliveries, one survey per (source, ticket, close), agent and team
 * frozen at close, the delay before sending, cancellation by reopen, the
 * rule for a close's time (clamped when ahead, stale when older than
 * expire), and the skip reasons, among them a close no one can be asked
 * about (no_address), recorded and counted all the same. The statements
 * are store_survey.c's; this file decides. Runs inside the caller's
 * transaction. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "fatigue.h"
#include "log.h"
#include "store_suppress.h"
#include "store_survey.h"
#include "survey.h"

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

static int
skip(struct intake_result *res, const char *reason)
{
	res->outcome = INTAKE_SKIPPED;
	res->reason = reason;
	return STORE_OK;
}

static const char *
event_agent(const struct event *ev)
{
	return ev->agent_id[0] != '\0' ? ev->agent_id : ev->agent_email;
}

/* Every close counts for volume, surveyed or not; the agent's and team's
 * names are kept as last seen. */
static int
record_close(struct store *db, const char *source, const struct event *ev, time_t now)
{
	const char *agent = event_agent(ev);
	int rc;

	rc = store_closing_add(db, source, ev->ticket_id, (long long)ev->closed_at, ev->category,
	    ev->team_id, agent);
	if (rc == STORE_OK && agent[0] != '\0')
		rc = store_agent_seen(db, agent, ev->agent_name, ev->agent_email, (long long)now);
	if (rc == STORE_OK && ev->team_id[0] != '\0')
		rc = store_team_seen(db, ev->team_id, ev->team_name, (long long)now);
	return rc;
}

/* The fatigue rule on the requester's recent surveys, those still
 * waiting included (two closes inside one delay count as two). */
static int
fatigued(struct store *db, const struct policy *pol, const char *email, time_t now,
    const char **reason)
{
	struct fatigue_policy fat = { pol->cooldown, pol->max_per_30d };
	struct fatigue_windows w;
	struct fatigue_counts counts;
	int rc;

	if (!fatigue_limited(&fat))
		return STORE_OK;
	w = fatigue_windows_at(&fat, (long long)now);
	if ((rc = store_survey_fatigue_counts(db, email, &w, 1, 0, &counts)) != STORE_OK)
		return rc;
	fatigue_decide(&fat, &counts, reason);
	return STORE_OK;
}

/* The policy's verdict on a close: *reason NULL to survey it, else why
 * not. Without an address (one still to be looked up) only what does not
 * depend on it is decided; the rest is decided once it is known. */
static int
verdict(struct store *db, const struct policy *pol, const char *source, const struct event *ev,
    int have_address, time_t now, const char **reason)
{
	struct suppression entry;
	int rc;

	*reason = NULL;
	if (have_address) {
		rc = store_suppress_find(db, ev->requester_email, &entry);
		if (rc == STORE_OK)
			return *reason = "suppressed", STORE_OK;
		if (rc != STORE_NOTFOUND)
			return rc;
		if (ev->agent_email[0] != '\0' &&
		    strcasecmp(ev->agent_email, ev->requester_email) == 0)
			return *reason = "self", STORE_OK;
	}
	if (policy_excluded(pol, have_address ? ev->requester_email : "", ev->category,
	    ev->team_id) || (ev->team_name[0] != '\0' && policy_excluded(pol, "", "",
	    ev->team_name)))
		return *reason = "excluded", STORE_OK;
	if (!policy_sampled_in(source, ev->ticket_id, pol->sample))
		return *reason = "sampled_out", STORE_OK;
	if (!have_address)
		return STORE_OK;
	return fatigued(db, pol, ev->requester_email, now, reason);
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
survey_schedule_close(struct store *db, const struct policy *pol, const char *source,
    const struct event *ev, long long ticket, long long seq, const char *public_id,
    time_t now, struct intake_result *res)
{
	char fresh[32];
	const char *reason;
	time_t send_at;
	int rc, created;

	if ((rc = verdict(db, pol, source, ev, 1, now, &reason)) != STORE_OK)
		return rc;
	if (reason != NULL)
		return skip(res, reason);
	send_at = send_time(pol, ev, now);
	if (public_id == NULL) {
		if (new_public_id(fresh) == -1)
			return STORE_ERROR;
		public_id = fresh;
	}
	rc = store_survey_schedule(db, source, ev, ticket, seq, public_id, (long long)now,
	    (long long)send_at, &created);
	if (rc != STORE_OK)
		return rc;
	if (!created)	/* this close has its survey already */
		return skip(res, "already_surveyed");
	res->outcome = INTAKE_SCHEDULED;
	snprintf(res->survey_id, sizeof res->survey_id, "%s", public_id);
	res->send_at = send_at;
	return STORE_OK;
}

/* A close whose address the source's API gives (GLPI): what can be
 * decided without the address is decided now; the close then waits in
 * address_lookups with the survey id the webhook is answered with. */
static int
wait_for_address(struct store *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, long long ticket, long long seq,
    time_t now, struct intake_result *res)
{
	char public_id[32];
	const char *reason;
	int rc;

	if ((rc = verdict(db, pol, source, ev, 0, now, &reason)) != STORE_OK)
		return rc;
	if (reason != NULL)
		return skip(res, reason);
	if (new_public_id(public_id) == -1)
		return STORE_ERROR;
	rc = store_address_wait_add(db, source, delivery_id, ev, ticket, seq, public_id,
	    (long long)now);
	if (rc != STORE_OK)
		return rc;
	res->outcome = INTAKE_SCHEDULED;
	res->waiting_for_address = 1;
	snprintf(res->survey_id, sizeof res->survey_id, "%s", public_id);
	res->send_at = send_time(pol, ev, now);
	return STORE_OK;
}

static int
intake_closed(struct store *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, int stale, time_t now,
    struct intake_result *res)
{
	long long ticket, seq, mailed;
	int rc;

	if ((rc = store_ticket_close(db, source, ev->ticket_id, (long long)now, &ticket, &seq))
	    != STORE_OK)
		return rc;
	if (seq == 0)	/* this close was already seen */
		return skip(res, "already_surveyed");
	if ((rc = record_close(db, source, ev, now)) != STORE_OK)
		return rc;
	/* the first close of a ticket has no survey before it */
	if (seq > 1 && !pol->resurvey_after_reopen) {
		if ((rc = store_ticket_surveys_mailed(db, ticket, &mailed)) != STORE_OK)
			return rc;
		if (mailed > 0)
			return skip(res, "already_surveyed");
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
intake_reopened(struct store *db, const char *source, const struct event *ev, time_t now,
    struct intake_result *res)
{
	long long ticket, cancelled;
	int rc;

	rc = store_ticket_reopen(db, source, ev->ticket_id, (long long)now, &ticket);
	if (rc == STORE_NOTFOUND) {
		res->outcome = INTAKE_IGNORED;
		/* remembered, so a late retry of an older close is known as such */
		if (ev->event_time > 0)
			return store_ticket_remember_open(db, source, ev->ticket_id, (long long)now);
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	if ((rc = store_ticket_cancel_waiting(db, ticket, (long long)now, &cancelled))
	    != STORE_OK)
		return rc;
	res->outcome = cancelled > 0 ? INTAKE_CANCELLED : INTAKE_IGNORED;
	return STORE_OK;
}

/* A source without delivery ids of its own: the adapter's id plus the
 * close this event belongs to (the next close for a close of an open or
 * unknown ticket, the current one otherwise), so the same delivery twice
 * is a duplicate and a close after a reopen is not. */
static int
delivery_per_close(struct store *db, const char *source, const char *delivery_id,
    const struct event *ev, char *out, size_t outlen)
{
	struct store_ticket t;
	long long seq;
	int rc;

	rc = store_ticket_find(db, source, ev->ticket_id, &t);
	if (rc == STORE_NOTFOUND)
		seq = ev->type == EVENT_CLOSED ? 1 : 0;
	else if (rc != STORE_OK)
		return rc;
	else
		seq = t.closes + (ev->type == EVENT_CLOSED && !t.closed ? 1 : 0);
	snprintf(out, outlen, "%.200s#%lld", delivery_id, seq);
	return STORE_OK;
}

/* A source whose deliveries may come out of order (GLPI retries from a
 * queue): 1 when the ticket has already applied a newer event. */
static int
out_of_order(struct store *db, const char *source, const struct event *ev, int *older)
{
	struct store_ticket t;
	int rc;

	*older = 0;
	if (ev->event_time <= 0)
		return STORE_OK;
	rc = store_ticket_find(db, source, ev->ticket_id, &t);
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc == STORE_OK)
		*older = t.event_time > ev->event_time;
	return rc;
}

int
survey_intake(struct store *db, const struct policy *pol, const char *source,
    const char *delivery_id, const struct event *ev, time_t now, struct intake_result *res)
{
	char scoped[NPSD_MAX_WEBHOOK_ID + 32];
	const char *detail = NULL;
	int rc, older, accepted;

	memset(res, 0, sizeof *res);
	if (ev->delivery_per_close) {
		if ((rc = delivery_per_close(db, source, delivery_id, ev, scoped, sizeof scoped))
		    != STORE_OK)
			return rc;
		delivery_id = scoped;
	}
	rc = store_delivery_accept(db, source, delivery_id, ev->ticket_id, (long long)now,
	    &accepted);
	if (rc != STORE_OK)
		return rc;
	if (!accepted) {
		res->outcome = INTAKE_DUPLICATE;
		return STORE_OK;
	}
	if ((rc = out_of_order(db, source, ev, &older)) != STORE_OK)
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
	if (rc == STORE_OK && !older && ev->event_time > 0)
		rc = store_ticket_note_event_time(db, source, ev->ticket_id, ev->event_time);
	if (rc != STORE_OK)
		return rc;
	if (res->reason != NULL && ev->unsurveyable != NULL &&
	    strcmp(res->reason, ev->unsurveyable) == 0)
		detail = ev->unsurveyable_detail;
	else if (res->waiting_for_address)
		detail = SURVEY_WAITING_DETAIL;
	return store_delivery_outcome(db, source, delivery_id, survey_outcome_name(res->outcome),
	    res->reason, detail);
}
