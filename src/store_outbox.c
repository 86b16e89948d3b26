/* store_outbox.c - the mail path's statements (store_outbox.h): claiming
 * due surveys and reminders, the outbox row's life (queued, sending under
 * a lease, sent / failed / queued again), recovering rows whose sender
 * stopped, the attempt counters. The outbox's states are written here and
 * nowhere else; a survey's state only through store_survey_transition.
 *
 * Claims are safe for several npsd on one PostgreSQL database: a claim
 * takes its row with FOR UPDATE SKIP LOCKED, so two instances never take
 * the same one and neither waits for the other. SQLite serves one npsd
 * and one writer at a time (BEGIN IMMEDIATE): the same statements without
 * the locking clause. A due survey or reminder is claimed for the length
 * of the transaction that queues its mail (rendering it is all that
 * happens meanwhile; a dead instance's lock ends with its connection). An
 * outbox row is sent outside any transaction, so its claim is a lease:
 * 'sending' until lease_until, NPSD_MAIL_LEASE (120 s) after the claim,
 * renewed every NPSD_MAIL_LEASE_RENEW (20 s) while the delivery runs
 * (mailer.c says why a renewed lease rather than one longer than any
 * delivery). A row whose lease ran out is recovered by any instance and
 * sent again from its stored bytes, under the same Message-ID; its former
 * sender's record is refused, since the claim is named by its attempt. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "store_outbox.h"
#include "store_sql.h"
#include "store_transition.h"
#include "survey_state.h"

/* Appended to a claim's SELECT on PostgreSQL. */
static const char *
skip_locked(struct store *db)
{
	return store_backend(db) == STORE_POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
}

/* Runs one statement with integer parameters to its end; *changed (may
 * be NULL) is the number of rows it wrote. */
static int
run_ints(struct store *db, const char *sql, const long long *v, int n, long long *changed)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, sql)) == NULL)
		return STORE_ERROR;
	for (int i = 0; i < n; i++)
		sql_bind_int64(st, i + 1, v[i]);
	rc = sql_step(st);
	if (rc == STORE_DONE && changed != NULL)
		*changed = sql_changes(db);
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

void
store_mail_survey_clear(struct store_mail_survey *s)
{
	char **fields[] = { &s->public_id, &s->ticket_id, &s->subject, &s->requester_email,
	    &s->requester_name, &s->language, &s->agent_name, &s->team_name };

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
	s->id = 0;
}

/* Reads a claim's row (id, then the eight texts) into *out. */
static int
read_mail_survey(struct store_stmt *st, struct store_mail_survey *out)
{
	char **fields[] = { &out->public_id, &out->ticket_id, &out->subject,
	    &out->requester_email, &out->requester_name, &out->language, &out->agent_name,
	    &out->team_name };

	out->id = sql_column_int64(st, 0);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if ((*fields[i] = strdup(sql_column_str(st, (int)i + 1))) == NULL) {
			store_mail_survey_clear(out);
			return STORE_ERROR;
		}
	return STORE_OK;
}

#define MAIL_SURVEY_COLUMNS "id, public_id, ticket_id, subject, requester_email, " \
	"requester_name, language, agent_name, team_name"

/* The first survey of `where` (bound from args) in `order`, locked on
 * PostgreSQL for the rest of the caller's transaction. */
static int
claim_survey(struct store *db, const char *where, const char *order,
    const struct store_arg *args, int nargs, struct store_mail_survey *out)
{
	struct store_stmt *st;
	char sql[512];
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT " MAIL_SURVEY_COLUMNS " FROM surveys WHERE %s "
	    "ORDER BY %s, id LIMIT 1%s", where, order, skip_locked(db));
	if ((st = sql_cached(db, sql)) == NULL)
		return STORE_ERROR;
	if ((rc = store_bind_args(st, args, nargs)) == STORE_OK &&
	    (rc = sql_step(st)) == STORE_ROW)
		rc = read_mail_survey(st, out);
	else if (rc == STORE_DONE)
		rc = STORE_OK;
	sql_done(st);
	return rc;
}

int
store_survey_claim_due(struct store *db, long long now, struct store_mail_survey *out)
{
	return claim_survey(db, "state = ? AND queued = 0 AND send_at <= ?", "send_at",
	    (struct store_arg[]){ STORE_TEXT(survey_state_name(SURVEY_SCHEDULED)),
	    STORE_INT(now) }, 2, out);
}

int
store_reminder_claim_due(struct store *db, long long sent_before, long long now,
    struct store_mail_survey *out)
{
	return claim_survey(db, "state = ? AND reminded_at IS NULL AND sent_at <= ? AND "
	    "expires_at > ?", "sent_at", (struct store_arg[]){
	    STORE_TEXT(survey_state_name(SURVEY_SENT)), STORE_INT(sent_before), STORE_INT(now) },
	    3, out);
}

int
store_survey_mail_queue(struct store *db, const struct store_mail_survey *s, int reminder,
    const char *token_hash, const char *message_id, const void *message, size_t len,
    long long now, int *queued)
{
	struct store_stmt *st;
	long long outbox_id = 0;
	int rc = STORE_ERROR;

	*queued = 0;
	if (reminder) {
		st = sql_cached(db, "UPDATE surveys SET reminded_at = ? WHERE id = ? AND state = ? "
		    "AND reminded_at IS NULL");
		if (st != NULL)
			rc = store_bind_args(st, (struct store_arg[]){ STORE_INT(now), STORE_INT(s->id),
			    STORE_TEXT(survey_state_name(SURVEY_SENT)) }, 3);
	} else {
		st = sql_cached(db, "UPDATE surveys SET queued = 1 WHERE id = ? AND state = ? AND "
		    "queued = 0");
		if (st != NULL)
			rc = store_bind_args(st, (struct store_arg[]){ STORE_INT(s->id),
			    STORE_TEXT(survey_state_name(SURVEY_SCHEDULED)) }, 2);
	}
	if (st == NULL)
		return STORE_ERROR;
	if (rc == STORE_OK)
		rc = sql_step(st);
	sql_done(st);
	if (rc != STORE_DONE)
		return rc == STORE_OK ? STORE_ERROR : rc;
	if (sql_changes(db) == 0)	/* it moved on: nothing to send */
		return STORE_OK;
	rc = store_outbox_queue(db, s->id, s->requester_email, message_id, message, len,
	    reminder ? "reminder" : "survey", now, &outbox_id);
	if (rc != STORE_OK || outbox_id == 0)	/* an error, or its mail is queued already */
		return rc;
	if ((st = sql_cached(db, "INSERT INTO tokens (hash, survey, created_at) "
	    "VALUES (?, ?, ?)")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, token_hash, -1);
	sql_bind_int64(st, 2, s->id);
	sql_bind_int64(st, 3, now);
	rc = sql_step(st);
	sql_done(st);
	if (rc != STORE_DONE)
		return rc;
	*queued = 1;
	return STORE_OK;
}

int
store_mail_address_lock(struct store *db, const char *email)
{
	char hash[CRYPTO_SHA256_HEX];
	struct store_stmt *st;
	long long key;
	int rc;

	if (store_backend(db) != STORE_POSTGRESQL)
		return STORE_OK;	/* SQLite: the transaction holds the one write lock */
	/* the lock's key: the address hash's first 60 bits */
	crypto_address_hash(email, hash);
	hash[15] = '\0';
	key = strtoll(hash, NULL, 16);
	if ((st = sql_cached(db, "SELECT pg_advisory_xact_lock(?)")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, key);
	while ((rc = sql_step(st)) == STORE_ROW)
		;
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_survey_mail_cancel(struct store *db, long long survey, const char *reason)
{
	return store_survey_transition(db, SURVEY_EV_CANCELLED, "reason = ?", "id = ?",
	    (struct store_arg[]){ STORE_TEXT(reason), STORE_INT(survey) }, 2, NULL, NULL);
}

int
store_survey_mail_fail(struct store *db, long long survey)
{
	return store_survey_transition(db, SURVEY_EV_MAIL_FAILED, NULL, "id = ?",
	    (struct store_arg[]){ STORE_INT(survey) }, 1, NULL, NULL);
}

int
store_survey_mail_sent(struct store *db, long long survey, long long sent_at,
    long long expires_at)
{
	return store_survey_transition(db, SURVEY_EV_MAILED, "sent_at = ?, expires_at = ?",
	    "id = ?", (struct store_arg[]){ STORE_INT(sent_at), STORE_INT(expires_at),
	    STORE_INT(survey) }, 3, NULL, NULL);
}

int
store_reminder_skip(struct store *db, long long survey)
{
	return run_ints(db, "UPDATE surveys SET reminded_at = 0 WHERE id = ? AND "
	    "reminded_at IS NULL", &survey, 1, NULL);
}

int
store_reminder_skip_suppressed(struct store *db, long long *n)
{
	struct store_stmt *st;
	char sql[512];
	int rc;

	snprintf(sql, sizeof sql, "UPDATE surveys SET reminded_at = 0 WHERE id IN (SELECT id "
	    "FROM surveys WHERE state = ? AND reminded_at IS NULL AND sha256_lower(requester_email) "
	    "IN (SELECT address_hash FROM suppressions)%s)", skip_locked(db));
	if ((st = sql_cached(db, sql)) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, survey_state_name(SURVEY_SENT), -1);
	rc = sql_step(st);
	if (rc == STORE_DONE && n != NULL)
		*n = sql_changes(db);
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_survey_expire_due(struct store *db, long long now, long long *n)
{
	char where[256];

	/* instances expiring at once each take the rows the other has not
	 * locked, instead of waiting for (or deadlocking with) each other */
	snprintf(where, sizeof where, "id IN (SELECT id FROM surveys WHERE state = ? AND "
	    "expires_at <= ?%s)", skip_locked(db));
	return store_survey_transition(db, SURVEY_EV_EXPIRED, NULL, where,
	    (struct store_arg[]){ STORE_TEXT(survey_state_name(SURVEY_SENT)), STORE_INT(now) },
	    2, n, NULL);
}

int
store_outbox_queue(struct store *db, long long survey, const char *recipient,
    const char *message_id, const void *message, size_t len, const char *kind,
    long long now, long long *id)
{
	struct store_stmt *st;
	int rc;

	if (id != NULL)
		*id = 0;
	/* a Message-ID names one message: queueing it again (another
	 * instance, a second pass over the same survey) adds nothing */
	st = sql_cached(db, "INSERT INTO outbox (survey, recipient, message_id, message, state, "
	    "next_attempt_at, created_at, kind) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5, ?6) "
	    "ON CONFLICT (message_id) DO NOTHING RETURNING id");
	if (st == NULL)
		return STORE_ERROR;
	if (survey > 0)
		sql_bind_int64(st, 1, survey);
	else
		sql_bind_null(st, 1);
	sql_bind_text(st, 2, recipient, -1);
	sql_bind_text(st, 3, message_id, -1);
	sql_bind_blob(st, 4, message, len);
	sql_bind_int64(st, 5, now);
	sql_bind_text(st, 6, kind, -1);
	if ((rc = sql_step(st)) == STORE_ROW) {
		if (id != NULL)
			*id = sql_column_int64(st, 0);
		rc = sql_step(st);
	}
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

void
store_outbox_claim_free(struct store_outbox_claim *c)
{
	if (c->message != NULL) {
		crypto_wipe(c->message, c->len);
		free(c->message);
	}
	c->message = NULL;
	c->len = 0;
}

static int
read_claim(struct store_stmt *st, struct store_outbox_claim *c)
{
	size_t len = sql_column_bytes(st, 2);

	c->id = sql_column_int64(st, 0);
	snprintf(c->recipient, sizeof c->recipient, "%s", sql_column_str(st, 1));
	c->attempts = sql_column_int(st, 3);
	c->survey = sql_column_int64(st, 4);
	c->maybe_delivered = sql_column_int(st, 5);
	c->len = len;
	if ((c->message = malloc(len + 1)) == NULL)
		return STORE_ERROR;
	if (len > 0)
		memcpy(c->message, sql_column_blob(st, 2), len);
	c->message[len] = '\0';
	return STORE_OK;
}

int
store_outbox_claim(struct store *db, long long due_by, long long lease_until,
    struct store_outbox_claim *c)
{
	struct store_stmt *st;
	char sql[512];
	int rc;

	memset(c, 0, sizeof *c);
	snprintf(sql, sizeof sql, "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
	    "lease_until = ?1 WHERE id = (SELECT id FROM outbox WHERE state = 'queued' AND "
	    "next_attempt_at <= ?2 ORDER BY next_attempt_at, id LIMIT 1%s) RETURNING id, "
	    "recipient, message, attempts, coalesce(survey, 0), "
	    "CASE WHEN unknown_at IS NULL THEN 0 ELSE 1 END", skip_locked(db));
	if ((st = sql_cached(db, sql)) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, lease_until);
	sql_bind_int64(st, 2, due_by);
	if ((rc = sql_step(st)) == STORE_ROW) {
		if ((rc = read_claim(st, c)) == STORE_OK)
			rc = sql_step(st);
	}
	sql_done(st);
	if (rc != STORE_DONE) {
		store_outbox_claim_free(c);
		c->id = 0;
		return rc == STORE_OK ? STORE_ERROR : rc;
	}
	return STORE_OK;
}

int
store_outbox_renew(struct store *db, const struct store_outbox_claim *c, long long lease_until,
    int *held)
{
	long long v[] = { lease_until, c->id, c->attempts }, n = 0;
	int rc;

	/* the attempt number names the claim: a row taken over after its
	 * lease ran out has a higher one */
	rc = run_ints(db, "UPDATE outbox SET lease_until = ? WHERE id = ? AND state = 'sending' "
	    "AND attempts = ?", v, 3, &n);
	*held = n > 0;
	return rc;
}

int
store_outbox_record(struct store *db, const struct store_outbox_claim *c,
    enum store_outbox_outcome outcome, long long now, long long next_attempt_at,
    const char *error, long long maybe_delivered_at, int *held)
{
	static const char *const sql[] = {
		[STORE_OUTBOX_SENT] = "UPDATE outbox SET state = 'sent', message = '', "
		    "lease_until = NULL, done_at = ?3, last_error = NULL WHERE id = ?1 AND "
		    "state = 'sending' AND attempts = ?2",
		/* a failed message is kept until npsctl mail retry or drop, or
		 * retention, takes it */
		[STORE_OUTBOX_FAILED] = "UPDATE outbox SET state = 'failed', lease_until = NULL, "
		    "done_at = ?3, last_error = ?4 WHERE id = ?1 AND state = 'sending' AND "
		    "attempts = ?2",
		[STORE_OUTBOX_RETRY] = "UPDATE outbox SET state = 'queued', lease_until = NULL, "
		    "next_attempt_at = ?3, last_error = ?4, unknown_at = coalesce(unknown_at, ?5) "
		    "WHERE id = ?1 AND state = 'sending' AND attempts = ?2",
	};
	struct store_stmt *st;
	int rc;

	*held = 0;
	if ((st = sql_cached(db, sql[outcome])) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, c->id);
	sql_bind_int64(st, 2, c->attempts);
	sql_bind_int64(st, 3, outcome == STORE_OUTBOX_RETRY ? next_attempt_at : now);
	if (outcome != STORE_OUTBOX_SENT)
		sql_bind_text(st, 4, error, -1);
	if (outcome == STORE_OUTBOX_RETRY) {
		if (maybe_delivered_at != 0)
			sql_bind_int64(st, 5, maybe_delivered_at);
		else
			sql_bind_null(st, 5);
	}
	rc = sql_step(st);
	if (rc == STORE_DONE)
		*held = sql_changes(db) > 0;
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_mail_attempt_count(struct store *db, const char *outcome, long long n)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_cached(db, "UPDATE mail_attempt_counts SET count = count + ? "
	    "WHERE outcome = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, n);
	sql_bind_text(st, 2, outcome, -1);
	rc = sql_step(st);
	sql_done(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_outbox_recover(struct store *db, long long now, int any_lease, long long *n)
{
	char sql[512];
	int rc;

	*n = 0;
	snprintf(sql, sizeof sql, "UPDATE outbox SET state = 'queued', lease_until = NULL, "
	    "next_attempt_at = ?1, unknown_at = coalesce(unknown_at, ?1), "
	    "last_error = 'interrupted while sending' WHERE id IN (SELECT id FROM outbox "
	    "WHERE state = 'sending'%s%s)", any_lease ? "" :
	    " AND coalesce(lease_until, 0) < ?1", skip_locked(db));
	if ((rc = run_ints(db, sql, &now, 1, n)) != STORE_OK || *n == 0)
		return rc;
	return store_mail_attempt_count(db, "interrupted", *n);
}

int
store_outbox_waiting(struct store *db, long long *n)
{
	struct store_stmt *st;
	int rc;

	*n = 0;
	if ((st = sql_prepare(db, "SELECT count(*) FROM outbox WHERE state IN "
	    "('queued', 'sending')")) == NULL)
		return STORE_ERROR;
	if ((rc = sql_step(st)) == STORE_ROW) {
		*n = sql_column_int64(st, 0);
		rc = STORE_DONE;
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}
