/* store_survey.c - the statements of intake and scheduling
 * (store_survey.h): deliveries, tickets, closings, agents, teams, new
 * surveys, the cancellation a reopen brings, and the closes waiting for
 * their requester's address. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "store_sql.h"
#include "store_survey.h"
#include "store_transition.h"
#include "survey_state.h"

/* Steps a statement that returns nothing. */
static int
run(struct store_stmt *st)
{
	int rc = sql_step(st);

	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* Steps a statement whose first column of the first row is wanted:
 * STORE_OK and *out, STORE_NOTFOUND for no row. */
static int
run_one(struct store_stmt *st, long long *out)
{
	int rc = sql_step(st);

	if (rc == STORE_ROW) {
		*out = sql_column_int64(st, 0);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_NOTFOUND;
	}
	sql_done(st);
	return rc;
}

static void
copy_column(struct store_stmt *st, int col, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", sql_column_str(st, col));
}

int
store_intake_event_begin(struct store *db)
{
	return sql_exec(db, "SAVEPOINT intake_event");
}

int
store_intake_event_undo(struct store *db)
{
	int rc = sql_exec(db, "ROLLBACK TO SAVEPOINT intake_event");

	if (rc == STORE_OK)
		rc = sql_exec(db, "RELEASE SAVEPOINT intake_event");
	return rc;
}

int
store_intake_event_end(struct store *db)
{
	return sql_exec(db, "RELEASE SAVEPOINT intake_event");
}

int
store_delivery_accept(struct store *db, const char *source, const char *delivery_id,
    const char *ticket_id, long long now, int *accepted)
{
	struct store_stmt *st;
	long long one;
	int rc;

	/* the primary key decides, across every npsd on the database: a
	 * second arrival inserts nothing and returns no row */
	if ((st = sql_cached(db, "INSERT INTO deliveries (source, delivery_id, received_at, "
	    "outcome, ticket_id) VALUES (?, ?, ?, '', ?) ON CONFLICT (source, delivery_id) "
	    "DO NOTHING RETURNING 1")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, source, -1);
	sql_bind_text(st, 2, delivery_id, -1);
	sql_bind_int64(st, 3, now);
	sql_bind_text(st, 4, ticket_id, -1);
	rc = run_one(st, &one);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	*accepted = rc == STORE_OK;
	return STORE_OK;
}

int
store_delivery_outcome(struct store *db, const char *source, const char *delivery_id,
    const char *outcome, const char *reason, const char *detail)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "UPDATE deliveries SET outcome = ?, reason = ?, detail = ? "
	    "WHERE source = ? AND delivery_id = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, outcome, -1);
	sql_bind_text(st, 2, reason, -1);
	sql_bind_text(st, 3, detail, -1);
	sql_bind_text(st, 4, source, -1);
	sql_bind_text(st, 5, delivery_id, -1);
	return run(st);
}

int
store_ticket_find(struct store *db, const char *source, const char *ticket_id,
    struct store_ticket *out)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "SELECT id, state, closes, event_time FROM tickets "
	    "WHERE source = ? AND ticket_id = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, source, -1);
	sql_bind_text(st, 2, ticket_id, -1);
	if ((rc = sql_step(st)) == STORE_ROW) {
		out->id = sql_column_int64(st, 0);
		out->closed = strcmp(sql_column_str(st, 1), "closed") == 0;
		out->closes = sql_column_int64(st, 2);
		out->event_time = sql_column_int64(st, 3);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_NOTFOUND;
	}
	sql_done(st);
	return rc;
}

int
store_ticket_close(struct store *db, const char *source, const char *ticket_id, long long now,
    long long *ticket, long long *seq)
{
	struct store_stmt *st;
	int rc;

	/* One statement, so two closes of one ticket arriving at once (two
	 * npsd) are counted in turn: the second waits for the first's row
	 * lock, then finds the ticket closed and changes nothing. */
	if ((st = sql_cached(db, "INSERT INTO tickets (source, ticket_id, state, closes, "
	    "updated_at) VALUES (?, ?, 'closed', 1, ?) ON CONFLICT (source, ticket_id) DO UPDATE "
	    "SET state = 'closed', closes = tickets.closes + 1, updated_at = excluded.updated_at "
	    "WHERE tickets.state = 'open' RETURNING id, closes")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, source, -1);
	sql_bind_text(st, 2, ticket_id, -1);
	sql_bind_int64(st, 3, now);
	*ticket = *seq = 0;
	if ((rc = sql_step(st)) == STORE_ROW) {
		*ticket = sql_column_int64(st, 0);
		*seq = sql_column_int64(st, 1);
		rc = STORE_DONE;
	}
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_ticket_reopen(struct store *db, const char *source, const char *ticket_id, long long now,
    long long *ticket)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "UPDATE tickets SET state = 'open', updated_at = ? "
	    "WHERE source = ? AND ticket_id = ? RETURNING id")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, now);
	sql_bind_text(st, 2, source, -1);
	sql_bind_text(st, 3, ticket_id, -1);
	return run_one(st, ticket);
}

int
store_ticket_remember_open(struct store *db, const char *source, const char *ticket_id,
    long long now)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "INSERT INTO tickets (source, ticket_id, state, closes, "
	    "updated_at) VALUES (?, ?, 'open', 0, ?) ON CONFLICT (source, ticket_id) "
	    "DO NOTHING")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, source, -1);
	sql_bind_text(st, 2, ticket_id, -1);
	sql_bind_int64(st, 3, now);
	return run(st);
}

int
store_ticket_note_event_time(struct store *db, const char *source, const char *ticket_id,
    long long event_time)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "UPDATE tickets SET event_time = ?3 WHERE source = ?1 AND "
	    "ticket_id = ?2 AND event_time < ?3")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, source, -1);
	sql_bind_text(st, 2, ticket_id, -1);
	sql_bind_int64(st, 3, event_time);
	return run(st);
}

int
store_ticket_surveys_mailed(struct store *db, long long ticket, long long *n)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "SELECT count(*) FROM surveys WHERE ticket = ? AND "
	    "state IN ('sent', 'answered', 'expired')")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, ticket);
	return run_one(st, n);
}

int
store_ticket_cancel_waiting(struct store *db, long long ticket, long long now,
    long long *cancelled)
{
	struct store_stmt *st;
	long long surveys = 0, waits = 0;
	int rc;

	*cancelled = 0;
	if ((st = sql_cached(db, "UPDATE outbox SET state = 'cancelled', message = '', "
	    "done_at = ? WHERE state = 'queued' AND survey IN (SELECT id FROM surveys "
	    "WHERE ticket = ? AND state = 'scheduled')")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, now);
	sql_bind_int64(st, 2, ticket);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	rc = store_survey_transition(db, SURVEY_EV_CANCELLED, "reason = ?",
	    "ticket = ? AND state = 'scheduled'",
	    (struct store_arg[]){ STORE_TEXT("reopened"), STORE_INT(ticket) }, 2, &surveys, NULL);
	if (rc != STORE_OK)
		return rc;
	/* a close still waiting for its address is cancelled as well; its
	 * delivery says so, as there is no survey row to say it */
	if ((st = sql_cached(db, "UPDATE deliveries SET detail = 'cancelled by a reopen while "
	    "its address was being looked up' WHERE (source, delivery_id) IN (SELECT source, "
	    "delivery_id FROM address_lookups WHERE ticket = ?)")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, ticket);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	if ((st = sql_cached(db, "DELETE FROM address_lookups WHERE ticket = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, ticket);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	waits = sql_changes(db);
	*cancelled = surveys + waits;
	return STORE_OK;
}

int
store_closing_add(struct store *db, const char *source, const char *ticket_id,
    long long closed_at, const char *category, const char *team_id, const char *agent)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "INSERT INTO closings (source, ticket_id, closed_at, category, "
	    "team_id, agent_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (closed_at, team_id, "
	    "agent_id, category, source, ticket_id) DO NOTHING")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, source, -1);
	sql_bind_text(st, 2, ticket_id, -1);
	sql_bind_int64(st, 3, closed_at);
	sql_bind_text(st, 4, category, -1);
	sql_bind_text(st, 5, team_id, -1);
	sql_bind_text(st, 6, agent, -1);
	return run(st);
}

int
store_agent_seen(struct store *db, const char *id, const char *name, const char *email,
    long long now)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "INSERT INTO agents (id, name, email, seen_at) "
	    "VALUES (?, ?, lower(?), ?) ON CONFLICT (id) DO UPDATE SET "
	    "name = coalesce(nullif(excluded.name, ''), agents.name), "
	    "email = coalesce(nullif(excluded.email, ''), agents.email), "
	    "seen_at = excluded.seen_at "
	    "WHERE (excluded.name <> '' AND excluded.name <> agents.name) OR "
	    "(excluded.email <> '' AND excluded.email <> agents.email) OR "
	    "excluded.seen_at > agents.seen_at + 3600")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, id, -1);
	sql_bind_text(st, 2, name, -1);
	sql_bind_text(st, 3, email, -1);
	sql_bind_int64(st, 4, now);
	return run(st);
}

int
store_team_seen(struct store *db, const char *id, const char *name, long long now)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "INSERT INTO teams (id, name, seen_at) VALUES (?, ?, ?) "
	    "ON CONFLICT (id) DO UPDATE SET name = coalesce(nullif(excluded.name, ''), teams.name), "
	    "seen_at = excluded.seen_at WHERE (excluded.name <> '' AND excluded.name <> teams.name) "
	    "OR excluded.seen_at > teams.seen_at + 3600")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, id, -1);
	sql_bind_text(st, 2, name, -1);
	sql_bind_int64(st, 3, now);
	return run(st);
}

static const char *
event_agent(const struct event *ev)
{
	return ev->agent_id[0] != '\0' ? ev->agent_id : ev->agent_email;
}

int
store_survey_schedule(struct store *db, const char *source, const struct event *ev,
    long long ticket, long long seq, const char *public_id, long long now, long long send_at,
    int *created)
{
	struct store_stmt *st;
	long long id;
	int rc;

	if ((st = sql_cached(db, "INSERT INTO surveys (public_id, ticket, close_seq, source, "
	    "ticket_id, subject, category, closed_at, requester_email, requester_name, language, "
	    "agent_id, agent_email, agent_name, self_score, team_id, team_name, state, "
	    "created_at, send_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?) ON CONFLICT (ticket, close_seq) DO NOTHING RETURNING id")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, public_id, -1);
	sql_bind_int64(st, 2, ticket);
	sql_bind_int64(st, 3, seq);
	sql_bind_text(st, 4, source, -1);
	sql_bind_text(st, 5, ev->ticket_id, -1);
	sql_bind_text(st, 6, ev->subject, -1);
	sql_bind_text(st, 7, ev->category, -1);
	sql_bind_int64(st, 8, (long long)ev->closed_at);
	sql_bind_text(st, 9, ev->requester_email, -1);
	sql_bind_text(st, 10, ev->requester_name, -1);
	sql_bind_text(st, 11, ev->language, -1);
	sql_bind_text(st, 12, event_agent(ev), -1);
	sql_bind_text(st, 13, ev->agent_email, -1);
	sql_bind_text(st, 14, ev->agent_name, -1);
	if (ev->self_score >= 0)
		sql_bind_int64(st, 15, ev->self_score);
	else
		sql_bind_null(st, 15);
	sql_bind_text(st, 16, ev->team_id, -1);
	sql_bind_text(st, 17, ev->team_name, -1);
	/* a new survey starts in the state machine's first state; no
	 * transition has happened yet */
	sql_bind_text(st, 18, survey_state_name(SURVEY_SCHEDULED), -1);
	sql_bind_int64(st, 19, now);
	sql_bind_int64(st, 20, send_at);
	rc = run_one(st, &id);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	*created = rc == STORE_OK;
	return STORE_OK;
}

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

int
store_address_wait_add(struct store *db, const char *source, const char *delivery_id,
    const struct event *ev, long long ticket, long long seq, const char *public_id,
    long long now)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "INSERT INTO address_lookups (ticket, close_seq, source, "
	    "ticket_id, delivery_id, public_id, subject, category, closed_at, requester_name, "
	    "language, agent_id, agent_email, agent_name, self_score, team_id, team_name, "
	    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, ticket);
	sql_bind_int64(st, 2, seq);
	sql_bind_text(st, 3, source, -1);
	sql_bind_text(st, 4, ev->ticket_id, -1);
	sql_bind_text(st, 5, delivery_id, -1);
	sql_bind_text(st, 6, public_id, -1);
	sql_bind_text(st, 7, ev->subject, -1);
	sql_bind_text(st, 8, ev->category, -1);
	sql_bind_int64(st, 9, (long long)ev->closed_at);
	sql_bind_text(st, 10, ev->requester_name, -1);
	sql_bind_text(st, 11, ev->language, -1);
	sql_bind_text(st, 12, event_agent(ev), -1);
	sql_bind_text(st, 13, ev->agent_email, -1);
	sql_bind_text(st, 14, ev->agent_name, -1);
	if (ev->self_score >= 0)
		sql_bind_int64(st, 15, ev->self_score);
	else
		sql_bind_null(st, 15);
	sql_bind_text(st, 16, ev->team_id, -1);
	sql_bind_text(st, 17, ev->team_name, -1);
	sql_bind_int64(st, 18, now);
	sql_bind_int64(st, 19, now);
	return run(st);
}

static int
address_next_at(struct store *db, long long *next_at)
{
	struct store_stmt *st;
	int rc;

	*next_at = 0;
	if ((st = sql_cached(db, "SELECT coalesce(min(next_attempt_at), 0) FROM address_lookups"))
	    == NULL)
		return STORE_ERROR;
	rc = run_one(st, next_at);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static void
read_wait(struct store_stmt *st, struct store_address_wait *w)
{
	w->id = sql_column_int64(st, 0);
	copy_column(st, 1, w->source, sizeof w->source);
	copy_column(st, 2, w->ticket_id, sizeof w->ticket_id);
	w->attempts = sql_column_int(st, 3);
}

/* SQLite: one npsd per file, so the close due first is only read. */
static int
address_due_read(struct store *db, long long now, struct store_address_wait *w)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "SELECT id, source, ticket_id, attempts FROM address_lookups "
	    "WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, now);
	if ((rc = sql_step(st)) == STORE_ROW)
		read_wait(st, w);
	sql_done(st);
	return rc;
}

/* PostgreSQL: the close due first that no other npsd holds, made not due
 * for the lease, in a transaction of its own. */
static int
address_due_claim(struct store *db, long long now, long long lease,
    struct store_address_wait *w)
{
	struct store_stmt *st;
	int rc;

	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	if ((st = sql_cached(db, "UPDATE address_lookups SET next_attempt_at = ?2 WHERE id = "
	    "(SELECT id FROM address_lookups WHERE next_attempt_at <= ?1 "
	    "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
	    "RETURNING id, source, ticket_id, attempts")) == NULL) {
		store_rollback(db);
		return STORE_ERROR;
	}
	sql_bind_int64(st, 1, now);
	sql_bind_int64(st, 2, now + lease);
	if ((rc = sql_step(st)) == STORE_ROW)
		read_wait(st, w);
	sql_done(st);
	if (rc != STORE_ROW && rc != STORE_DONE) {
		store_rollback(db);
		return rc;
	}
	if (store_commit(db) != STORE_OK)
		return STORE_ERROR;
	return rc;
}

int
store_address_claim(struct store *db, long long now, long long lease,
    struct store_address_wait *w, long long *next_at)
{
	int rc;

	if ((rc = address_next_at(db, next_at)) != STORE_OK)
		return rc;
	if (*next_at == 0 || *next_at > now)
		return STORE_DONE;
	if (store_backend(db) == STORE_POSTGRESQL)
		return address_due_claim(db, now, lease, w);
	return address_due_read(db, now, w);
}

int
store_address_release(struct store *db, long long id, long long now)
{
	struct store_stmt *st;

	if ((st = sql_cached(db, "UPDATE address_lookups SET next_attempt_at = ? WHERE id = ?"))
	    == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, now);
	sql_bind_int64(st, 2, id);
	return run(st);
}

int
store_address_load(struct store *db, long long id, struct store_address_close *c)
{
	struct event *ev = &c->event;
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "SELECT ticket, close_seq, source, ticket_id, delivery_id, "
	    "public_id, subject, category, closed_at, requester_name, language, agent_id, "
	    "agent_email, agent_name, self_score, team_id, team_name FROM address_lookups "
	    "WHERE id = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, id);
	if ((rc = sql_step(st)) == STORE_ROW) {
		memset(c, 0, sizeof *c);
		ev->type = EVENT_CLOSED;
		c->ticket = sql_column_int64(st, 0);
		c->seq = sql_column_int64(st, 1);
		copy_column(st, 2, c->source, sizeof c->source);
		copy_column(st, 3, ev->ticket_id, sizeof ev->ticket_id);
		copy_column(st, 4, c->delivery_id, sizeof c->delivery_id);
		copy_column(st, 5, c->public_id, sizeof c->public_id);
		copy_column(st, 6, ev->subject, sizeof ev->subject);
		copy_column(st, 7, ev->category, sizeof ev->category);
		ev->closed_at = (time_t)sql_column_int64(st, 8);
		copy_column(st, 9, ev->requester_name, sizeof ev->requester_name);
		copy_column(st, 10, ev->language, sizeof ev->language);
		copy_column(st, 11, ev->agent_id, sizeof ev->agent_id);
		copy_column(st, 12, ev->agent_email, sizeof ev->agent_email);
		copy_column(st, 13, ev->agent_name, sizeof ev->agent_name);
		ev->self_score = sql_column_is_null(st, 14) ? -1 : sql_column_int(st, 14);
		copy_column(st, 15, ev->team_id, sizeof ev->team_id);
		copy_column(st, 16, ev->team_name, sizeof ev->team_name);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_NOTFOUND;
	}
	sql_done(st);
	return rc;
}

int
store_address_finish(struct store *db, long long id, const char *source,
    const char *delivery_id, const char *outcome, const char *reason, const char *detail)
{
	struct store_stmt *st;
	int rc;

	if ((rc = store_delivery_outcome(db, source, delivery_id, outcome, reason, detail))
	    != STORE_OK)
		return rc;
	if ((st = sql_cached(db, "DELETE FROM address_lookups WHERE id = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, id);
	return run(st);
}

int
store_address_retry(struct store *db, long long id, long long next_at, const char *detail,
    const char *delivery_detail)
{
	struct store_stmt *st;
	long long found;
	int rc;

	if ((st = sql_cached(db, "UPDATE address_lookups SET attempts = attempts + 1, "
	    "next_attempt_at = ?, last_error = ? WHERE id = ? RETURNING id")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, next_at);
	sql_bind_text(st, 2, detail, -1);
	sql_bind_int64(st, 3, id);
	if ((rc = run_one(st, &found)) != STORE_OK)
		return rc;
	if ((st = sql_cached(db, "UPDATE deliveries SET detail = ? WHERE (source, delivery_id) = "
	    "(SELECT source, delivery_id FROM address_lookups WHERE id = ?)")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, delivery_detail, -1);
	sql_bind_int64(st, 2, id);
	return run(st);
}
