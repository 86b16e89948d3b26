/* mailer.c - owns the mail thread. Each pass: due surveys get a fresh
 * token (kept as a hash) and a composed message in the outbox, in one
 * transaction; sent surveys past their expiry are closed; due outbox rows
 * go to the transport, retried with jittered exponential backoff on
 * temporary failure, given up at once on a 5xx. The outbox lives in SQLite,
 * so a crash (even kill -9) loses nothing that was queued. A row is marked
 * 'sending' and committed before its message is handed over, and its
 * result is recorded (retried until the database takes it) before the next
 * row is touched: a database that cannot be written stops the sending, it
 * never repeats it. Shutdown gives a delivery in flight [mail] stop_grace,
 * then aborts it. */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_mail.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "delivery.h"
#include "limits.h"
#include "fatigue.h"
#include "log.h"
#include "store_survey.h"
#include "maildir.h"
#include "retention.h"
#include "mailer.h"
#include "smtp.h"
#include "survey.h"
#include "survey_mail.h"

static pthread_mutex_t mailer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mailer_cond = PTHREAD_COND_INITIALIZER;
static int mailer_stopping, mailer_woken, mailer_running, mailer_done;
static atomic_int mailer_abort;			/* ends an SMTP session at once */
static atomic_int mailer_storage_failing;	/* the last write failed */
static pthread_t mailer_thread;
static const struct config *mcfg;
static sqlite3 *mdb;
static struct smtp_client *smtp;

long long
mailer_backoff(long long retry_min, int attempt, unsigned rnd)
{
	long long wait = retry_min;

	for (int i = 1; i < attempt && wait < NPSD_BACKOFF_MAX_SECONDS; i++)
		wait *= 2;
	if (wait > NPSD_BACKOFF_MAX_SECONDS)
		wait = NPSD_BACKOFF_MAX_SECONDS;
	/* jitter: somewhere between half and all of the wait */
	return wait / 2 + (long long)(rnd % (unsigned)(wait - wait / 2 + 1));
}

/* One outbox row this thread has marked 'sending'. */
struct outbox_claim {
	long long	 id;
	long long	 survey;	/* 0 for staff mail */
	int		 attempts;	/* including this one */
	int		 maybe_delivered;
	char		 recipient[NPSD_MAX_EMAIL + 1];
	char		*message;
	size_t		 len;
};

static void
outbox_claim_free(struct outbox_claim *c)
{
	if (c->message != NULL) {
		crypto_wipe(c->message, c->len);
		free(c->message);
	}
	c->message = NULL;
}

/* How long a 'sending' mark holds: the longest one delivery can take. */
static long long
mailer_lease(void)
{
	if (mcfg->transport == TRANSPORT_MAILDIR)
		return NPSD_MAIL_LEASE_EXTRA;
	return NPSD_SMTP_CONNECT_TIMEOUT + 8 * mcfg->smtp_timeout + NPSD_MAIL_LEASE_EXTRA;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

static int update_one(const char *sql, long long param);

/* Composes and queues one due survey, or its reminder; returns SQLite rc. */
static int
queue_survey(long long id, int reminder, time_t now)
{
	struct survey_mail s;
	char token[23], hash[CRYPTO_SHA256_HEX], message_id[256];
	sqlite3_stmt *row, *st = NULL;
	struct buf msg;
	int rc, composed;

	row = db_prepare(mdb, "SELECT public_id, ticket_id, subject, requester_email, "
	    "requester_name, language, agent_name, team_name FROM surveys WHERE id = ?");
	if (row == NULL)
		return SQLITE_ERROR;
	sqlite3_bind_int64(row, 1, id);
	if ((rc = sqlite3_step(row)) != SQLITE_ROW) {
		sqlite3_finalize(row);
		return rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	s.public_id = col(row, 0);
	s.ticket_id = col(row, 1);
	s.subject = col(row, 2);
	s.requester_email = col(row, 3);
	s.requester_name = col(row, 4);
	s.language = col(row, 5);
	s.agent_name = col(row, 6);
	s.team_name = col(row, 7);
	s.reminder = reminder;
	/* Two closes inside one delay both passed intake; the later one
	 * yields to the fatigue limits now that the first was mailed. */
	if (!reminder) {
		struct fatigue_policy fat = { mcfg->cooldown, mcfg->max_per_30d };
		struct fatigue_windows w = fatigue_windows_at(&fat, (long long)now);
		struct fatigue_counts counts;
		const char *why = NULL;

		if (fatigue_limited(&fat) && store_survey_fatigue_counts(db_store(mdb),
		    s.requester_email, &w, 0, id, &counts) == STORE_OK)
			fatigue_decide(&fat, &counts, &why);
		if (why != NULL) {
			sqlite3_finalize(row);
			return update_one(strcmp(why, "cooldown") == 0 ?
			    "UPDATE surveys SET state = 'cancelled', reason = 'cooldown' WHERE id = ?" :
			    "UPDATE surveys SET state = 'cancelled', reason = 'capped' WHERE id = ?",
			    id);
		}
	}
	if (crypto_token_new(token) == -1) {
		sqlite3_finalize(row);
		return SQLITE_ERROR;
	}
	crypto_sha256_hex(token, strlen(token), hash);
	buf_init(&msg, NPSD_MAX_MESSAGE);
	composed = survey_mail_compose(mcfg, &s, token, now, message_id, sizeof message_id,
	    &msg) == 0;
	crypto_wipe(token, sizeof token);
	if (!composed) {
		log_warnx("survey %s: cannot compose its message; marked failed", s.public_id);
		sqlite3_finalize(row);
		buf_free(&msg);
		return update_one("UPDATE surveys SET state = 'failed' WHERE id = ?", id);
	}

	if ((rc = db_begin(mdb)) != SQLITE_OK)
		goto out;
	st = db_prepare(mdb, reminder ?
	    "UPDATE surveys SET reminded_at = ?2 WHERE id = ?1 AND state = 'sent' AND "
	    "reminded_at IS NULL" :
	    "UPDATE surveys SET queued = 1 WHERE id = ?1 AND state = 'scheduled' AND queued = 0");
	if (st == NULL) {
		rc = SQLITE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	if (reminder)
		sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_changes(mdb) == 0) {	/* cancelled or answered meanwhile */
		rc = SQLITE_OK;
		goto out;
	}
	st = db_prepare(mdb, "INSERT INTO tokens (hash, survey, created_at) VALUES (?, ?, ?)");
	if (st == NULL) {
		rc = SQLITE_ERROR;
		goto out;
	}
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	st = db_prepare(mdb, "INSERT INTO outbox (survey, recipient, message_id, message, state, "
	    "next_attempt_at, created_at, kind) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)");
	if (st == NULL) {
		rc = SQLITE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, s.requester_email, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, msg.data, (int)msg.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_text(st, 7, reminder ? "reminder" : "survey", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_finalize(row);
	row = NULL;
	rc = db_commit(mdb);
	crypto_wipe(msg.data, msg.len);
	buf_free(&msg);
	return rc;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(row);
	db_rollback(mdb);
	if (msg.data != NULL)
		crypto_wipe(msg.data, msg.len);
	buf_free(&msg);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
queue_due_surveys(time_t now)
{
	long long ids[NPSD_MAILER_BATCH];
	sqlite3_stmt *due;
	int n = 0, queued = 0;

	due = db_prepare(mdb, "SELECT id FROM surveys WHERE state = 'scheduled' AND queued = 0 "
	    "AND send_at <= ? ORDER BY send_at LIMIT ?");
	if (due == NULL)
		return -1;
	sqlite3_bind_int64(due, 1, now);
	sqlite3_bind_int(due, 2, NPSD_MAILER_BATCH);
	while (n < NPSD_MAILER_BATCH && sqlite3_step(due) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(due, 0);
	sqlite3_finalize(due);
	for (int i = 0; i < n; i++) {
		if (queue_survey(ids[i], 0, now) != SQLITE_OK) {
			log_warnx("mailer: cannot queue a survey: %s", sqlite3_errmsg(mdb));
			break;
		}
		queued++;
	}
	return queued;
}

/* The one reminder, for sent surveys still unanswered after [survey]
 * reminder and not yet expired; an address that opted out meanwhile gets
 * none. */
static int
queue_reminders(time_t now)
{
	long long ids[NPSD_MAILER_BATCH];
	sqlite3_stmt *due;
	int n = 0, queued = 0;

	if (mcfg->reminder <= 0)
		return 0;
	if (update_one("UPDATE surveys SET reminded_at = 0 WHERE state = 'sent' AND "
	    "reminded_at IS NULL AND sha256_lower(requester_email) IN "
	    "(SELECT address_hash FROM suppressions)", 0) != SQLITE_OK)
		log_warnx("mailer: reminders: %s", sqlite3_errmsg(mdb));
	due = db_prepare(mdb, "SELECT id FROM surveys WHERE state = 'sent' AND "
	    "reminded_at IS NULL AND sent_at <= ? AND expires_at > ? ORDER BY sent_at LIMIT ?");
	if (due == NULL)
		return -1;
	sqlite3_bind_int64(due, 1, (long long)now - mcfg->reminder);
	sqlite3_bind_int64(due, 2, now);
	sqlite3_bind_int(due, 3, NPSD_MAILER_BATCH);
	while (n < NPSD_MAILER_BATCH && sqlite3_step(due) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(due, 0);
	sqlite3_finalize(due);
	for (int i = 0; i < n; i++) {
		if (queue_survey(ids[i], 1, now) != SQLITE_OK) {
			log_warnx("mailer: cannot queue a reminder: %s", sqlite3_errmsg(mdb));
			break;
		}
		queued++;
	}
	return queued;
}

/* Runs one UPDATE with an id or time parameter in its own write transaction. */
static int
update_one(const char *sql, long long param)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(mdb)) != SQLITE_OK)
		return rc;
	if ((st = db_prepare(mdb, sql)) == NULL) {
		db_rollback(mdb);
		return SQLITE_ERROR;
	}
	sqlite3_bind_int64(st, 1, param);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_rollback(mdb);
		return rc;
	}
	return db_commit(mdb);
}

static void
expire_surveys(time_t now)
{
	if (update_one("UPDATE surveys SET state = 'expired' WHERE state = 'sent' AND "
	    "expires_at <= ?", now) != SQLITE_OK)
		log_warnx("mailer: expiry: %s", sqlite3_errmsg(mdb));
}

static enum transport_status
deliver(const char *to, const char *msg, size_t len, char *err, size_t errlen, char *reply,
    size_t replylen)
{
	if (mcfg->transport == TRANSPORT_MAILDIR)
		return maildir_deliver(mcfg->transport_target, msg, len, err, errlen);
	return smtp_send(smtp, mcfg->from_address, to, msg, len, err, errlen, reply, replylen);
}

static void
storage_failing(const char *what, int rc, const char *msg)
{
	if (!atomic_exchange(&mailer_storage_failing, 1))
		log_warnx("mailer: database cannot be written (%s: %s); no new mail is "
		    "sent until it can", what, msg != NULL && *msg != '\0' ? msg :
		    sqlite3_errstr(rc));
}

static void
storage_ok(void)
{
	if (atomic_exchange(&mailer_storage_failing, 0))
		log_info("mailer: database writable again; sending resumes");
}

int
mailer_storage_writable(void)
{
	return !atomic_load(&mailer_storage_failing);
}

/* One statement of a transaction; on failure keeps SQLite's message,
 * which a rollback would reset. */
static int
step_done(sqlite3_stmt *st, char *msg, size_t msglen)
{
	int rc;

	if (st == NULL) {
		snprintf(msg, msglen, "%s", sqlite3_errmsg(mdb));
		return SQLITE_ERROR;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		snprintf(msg, msglen, "%s", sqlite3_errmsg(mdb));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const char *
status_name(enum transport_status status)
{
	switch (status) {
	case TRANSPORT_SENT: return "sent";
	case TRANSPORT_TEMPFAIL: return "tempfail";
	case TRANSPORT_PERMFAIL: return "permfail";
	case TRANSPORT_UNKNOWN: return "unknown";
	}
	return "tempfail";
}

/* Records what one attempt did, in one transaction: the outbox row leaves
 * 'sending' and the survey moves as delivery_decide says. */
static int
record_result(const struct outbox_claim *c, enum transport_status status, const char *err,
    time_t now, char *msg, size_t msglen)
{
	struct delivery_decision d = delivery_decide(status, c->attempts, mcfg->max_attempts,
	    c->maybe_delivered);
	sqlite3_stmt *st;
	unsigned rnd = 0;
	int rc;

	if ((rc = db_begin(mdb)) != SQLITE_OK) {
		snprintf(msg, msglen, "%s", sqlite3_errmsg(mdb));
		return rc;
	}
	if (d.outbox == DELIVERY_OUTBOX_RETRY) {
		crypto_random_bytes(&rnd, sizeof rnd);
		st = db_prepare(mdb, "UPDATE outbox SET state = 'queued', lease_until = NULL, "
		    "next_attempt_at = ?1, last_error = ?2, unknown_at = CASE WHEN ?3 THEN "
		    "coalesce(unknown_at, ?4) ELSE unknown_at END WHERE id = ?5 AND state = 'sending'");
		if (st != NULL) {
			/* an attempt cut short by shutdown goes first at the next start */
			sqlite3_bind_int64(st, 1, atomic_load(&mailer_abort) ? now :
			    now + mailer_backoff(mcfg->retry_min, c->attempts, rnd));
			sqlite3_bind_text(st, 2, err, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, status == TRANSPORT_UNKNOWN);
			sqlite3_bind_int64(st, 4, now);
			sqlite3_bind_int64(st, 5, c->id);
		}
	} else {
		/* a failed message is kept until npsctl mail retry or drop, or
		 * retention, takes it; a sent one is blanked at once */
		st = db_prepare(mdb, "UPDATE outbox SET state = ?1, message = CASE WHEN ?1 = 'sent' "
		    "THEN '' ELSE message END, lease_until = NULL, done_at = ?2, last_error = ?3 "
		    "WHERE id = ?4 AND state = 'sending'");
		if (st != NULL) {
			sqlite3_bind_text(st, 1, d.outbox == DELIVERY_OUTBOX_SENT ? "sent" : "failed",
			    -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, now);
			if (d.outbox == DELIVERY_OUTBOX_SENT)
				sqlite3_bind_null(st, 3);
			else
				sqlite3_bind_text(st, 3, err, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, c->id);
		}
	}
	if ((rc = step_done(st, msg, msglen)) != SQLITE_OK)
		goto fail;
	st = db_prepare(mdb, "UPDATE mail_attempt_counts SET count = count + 1 WHERE outcome = ?");
	if (st != NULL)
		sqlite3_bind_text(st, 1, status_name(status), -1, SQLITE_STATIC);
	if ((rc = step_done(st, msg, msglen)) != SQLITE_OK)
		goto fail;
	if (d.survey == DELIVERY_SURVEY_SENT) {
		st = db_prepare(mdb, "UPDATE surveys SET state = 'sent', sent_at = ?, expires_at = ? "
		    "WHERE id = ? AND state = 'scheduled'");
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_int64(st, 2, now + mcfg->expire);
			sqlite3_bind_int64(st, 3, c->survey);
		}
		rc = step_done(st, msg, msglen);
	} else if (d.survey == DELIVERY_SURVEY_FAILED) {
		st = db_prepare(mdb, "UPDATE surveys SET state = 'failed' WHERE id = ? AND "
		    "state = 'scheduled'");
		if (st != NULL)
			sqlite3_bind_int64(st, 1, c->survey);
		rc = step_done(st, msg, msglen);
	}
	if (rc != SQLITE_OK)
		goto fail;
	if ((rc = db_commit(mdb)) != SQLITE_OK) {
		snprintf(msg, msglen, "%s", sqlite3_errmsg(mdb));
		goto fail;
	}
	return SQLITE_OK;
fail:
	db_rollback(mdb);
	return rc;
}

static int
stopping(void)
{
	int s;

	pthread_mutex_lock(&mailer_lock);
	s = mailer_stopping;
	pthread_mutex_unlock(&mailer_lock);
	return s;
}

/* Sleeps up to ms, or less when woken to stop. */
static void
pause_ms(long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&mailer_lock);
	if (!mailer_stopping)
		pthread_cond_timedwait(&mailer_cond, &mailer_lock, &until);
	pthread_mutex_unlock(&mailer_lock);
	if (stopping()) {	/* the grace is short: look again soon, not at once */
		struct timespec tick = { 0, 200 * 1000000L };

		nanosleep(&tick, NULL);
	}
}

/* The message went out (or may have): its result must be recorded, never
 * the message sent again. Tries until the database takes it; at shutdown,
 * until the grace ends, after which the row stays 'sending' and the next
 * start sends it again under the same Message-ID. */
static int
record_until_done(const struct outbox_claim *c, enum transport_status status,
    const char *err)
{
	long wait_ms = 250;
	char msg[256] = "";

	for (;;) {
		int rc = record_result(c, status, err, time(NULL), msg, sizeof msg);

		if (rc == SQLITE_OK) {
			storage_ok();
			return 0;
		}
		storage_failing("recording a delivery", rc, msg);
		if (atomic_load(&mailer_abort)) {
			log_warnx("mail %lld: result not recorded before shutdown; it will be "
			    "sent again under the same Message-ID at the next start", c->id);
			return -1;
		}
		pause_ms(wait_ms);
		if (wait_ms < NPSD_RECORD_RETRY_MAX_MS)
			wait_ms *= 2;
	}
}

/* Marks one due row 'sending' with its attempt and a lease, and commits
 * that before anything is handed to the transport. Returns 1 with the row
 * in *c (message malloc'd), 0 when the row is no longer due, -1 when the
 * database cannot be written. */
static int
claim(long long id, time_t now, struct outbox_claim *c)
{
	char msg[256] = "";
	sqlite3_stmt *st;
	int rc, got = 0;

	memset(c, 0, sizeof *c);
	if ((rc = db_begin(mdb)) != SQLITE_OK) {
		storage_failing("claiming a mail", rc, sqlite3_errmsg(mdb));
		return -1;
	}
	st = db_prepare(mdb, "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
	    "lease_until = ?1 WHERE id = ?2 AND state = 'queued' RETURNING recipient, message, "
	    "attempts, coalesce(survey, 0), unknown_at IS NOT NULL");
	if (st == NULL) {
		rc = SQLITE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, (long long)now + mailer_lease());
	sqlite3_bind_int64(st, 2, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1);

		c->id = id;
		snprintf(c->recipient, sizeof c->recipient, "%s", col(st, 0));
		c->attempts = sqlite3_column_int(st, 2);
		c->survey = sqlite3_column_int64(st, 3);
		c->maybe_delivered = sqlite3_column_int(st, 4);
		c->len = len;
		if ((c->message = malloc(len + 1)) == NULL) {
			rc = SQLITE_NOMEM;
			goto fail;
		}
		if (len > 0)
			memcpy(c->message, sqlite3_column_blob(st, 1), len);
		got = 1;
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = db_commit(mdb)) != SQLITE_OK)
		goto fail;
	storage_ok();
	return got;
fail:
	snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(mdb));
	sqlite3_finalize(st);
	db_rollback(mdb);
	outbox_claim_free(c);
	storage_failing("claiming a mail", rc, msg);
	return -1;
}

static int
send_due(time_t now)
{
	sqlite3_stmt *st;
	long long ids[NPSD_MAILER_BATCH];
	int n = 0, sent = 0;

	st = db_prepare(mdb, "SELECT id FROM outbox WHERE state = 'queued' AND "
	    "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, NPSD_MAILER_BATCH);
	while (n < NPSD_MAILER_BATCH && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);

	for (int i = 0; i < n && !stopping(); i++) {
		char err[512] = "", reply[NPSD_SMTP_REPLY_TEXT] = "", stored[1024];
		struct outbox_claim c;
		enum transport_status status;
		int got = claim(ids[i], time(NULL), &c);

		if (got == -1)
			return -1;
		if (got == 0)	/* cancelled meanwhile */
			continue;
		status = deliver(c.recipient, c.message, c.len, err, sizeof err, reply,
		    sizeof reply);
		if (status == TRANSPORT_SENT) {
			log_info("mail %lld delivered (attempt %d)", c.id, c.attempts);
			sent++;
		} else {
			log_warnx("mail %lld attempt %d %s: %s", c.id, c.attempts,
			    status == TRANSPORT_PERMFAIL ? "failed permanently" :
			    status == TRANSPORT_UNKNOWN ? "has an unknown outcome" : "failed", err);
		}
		/* the server's own words may name the recipient: the outbox
		 * keeps them for the administrator, the log does not */
		snprintf(stored, sizeof stored, "%s%s%s", err, *reply ? "; server said: " : "",
		    reply);
		if (record_until_done(&c, status, stored) == -1) {
			outbox_claim_free(&c);
			return -1;
		}
		outbox_claim_free(&c);
	}
	return sent;
}

/* Rows left 'sending' were being handed over when npsd stopped without
 * recording the outcome (a crash, or a database that could not be
 * written): the reader may have a copy, so they go out again first, from
 * the stored message, under the same Message-ID. At start every such row
 * is this instance's own (SQLite serves one npsd); while running, only a
 * row whose lease has run out. */
static void
recover_sending(time_t now, int at_start)
{
	sqlite3_stmt *st;
	int rc, n;

	if (db_begin(mdb) != SQLITE_OK)
		return;
	st = db_prepare(mdb, "UPDATE outbox SET state = 'queued', lease_until = NULL, "
	    "next_attempt_at = ?1, unknown_at = coalesce(unknown_at, ?1), "
	    "last_error = 'interrupted while sending' WHERE state = 'sending' AND "
	    "(?2 OR lease_until < ?1)");
	if (st == NULL) {
		db_rollback(mdb);
		return;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, at_start);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	n = sqlite3_changes(mdb);
	if (rc == SQLITE_DONE && n > 0) {
		st = db_prepare(mdb, "UPDATE mail_attempt_counts SET count = count + ? WHERE "
		    "outcome = 'interrupted'");
		rc = SQLITE_ERROR;
		if (st != NULL) {
			sqlite3_bind_int(st, 1, n);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	if (rc != SQLITE_DONE || db_commit(mdb) != SQLITE_OK) {
		db_rollback(mdb);
		return;
	}
	if (n > 0)
		log_warnx("mailer: %d mail(s) were being sent when npsd stopped; sending them "
		    "again under the same Message-ID", n);
}

static void *
mailer_main(void *arg)
{
	time_t last_sweep = 0;
	long idle_ms = NPSD_MAILER_IDLE_MS;

	(void)arg;
	recover_sending(time(NULL), 1);
	while (!stopping()) {
		time_t now = time(NULL);
		int busy;

		recover_sending(now, 0);
		busy = queue_due_surveys(now) > 0;
		expire_surveys(now);
		if (now - last_sweep >= NPSD_RETENTION_INTERVAL) {	/* at start, then hourly */
			long long n = retention_sweep(db_store(mdb), mcfg->personal_data,
			    mcfg->staff_data, now);

			if (n > 0)
				log_info("retention: personal data erased from %lld rows", n);
			else if (n < 0)
				log_warnx("retention: sweep failed: %s", sqlite3_errmsg(mdb));
			last_sweep = now;
		}
		busy |= queue_reminders(now) > 0;
		busy |= alert_mail_queue(mdb, mcfg, now) > 0;
		busy |= send_due(now) > 0;

		/* while the database cannot be written, look less and less often */
		if (!mailer_storage_writable()) {
			busy = 0;
			if (idle_ms < NPSD_STORAGE_BACKOFF_MAX * 1000L)
				idle_ms *= 2;
		} else {
			idle_ms = NPSD_MAILER_IDLE_MS;
		}
		pthread_mutex_lock(&mailer_lock);
		if (!busy && !mailer_woken && !mailer_stopping) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += idle_ms / 1000;
			pthread_cond_timedwait(&mailer_cond, &mailer_lock, &until);
		}
		mailer_woken = 0;
		pthread_mutex_unlock(&mailer_lock);
	}
	pthread_mutex_lock(&mailer_lock);
	mailer_done = 1;
	pthread_cond_broadcast(&mailer_cond);
	pthread_mutex_unlock(&mailer_lock);
	return NULL;
}

static char *
read_password(const char *path)
{
	char line[512];
	FILE *f;
	size_t n;

	if (path == NULL || *path == '\0')
		return strdup("");
	if ((f = fopen(path, "r")) == NULL) {
		log_warn("[mail] password_file %s", path);
		return NULL;
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return strdup(line);
}

int
mailer_start(const struct config *cfg)
{
	char err[512];

	mcfg = cfg;
	if ((mdb = db_open(config_store_target(cfg), cfg->synchronous, 0, err, sizeof err)) == NULL) {
		log_warnx("mailer: %s", err);
		return -1;
	}
	if (cfg->transport == TRANSPORT_MAILDIR) {
		if (maildir_prepare(cfg->transport_target, err, sizeof err) == -1) {
			log_warnx("mailer: %s", err);
			return -1;
		}
	} else {
		char *password = read_password(cfg->password_file);
		if (password == NULL)
			return -1;
		smtp = smtp_client_new(cfg, password, &mailer_abort);
		crypto_wipe(password, strlen(password));
		free(password);
		if (smtp == NULL)
			return -1;
	}
	mailer_stopping = 0;
	mailer_done = 0;
	atomic_store(&mailer_abort, 0);
	if (pthread_create(&mailer_thread, NULL, mailer_main, NULL) != 0)
		return -1;
	mailer_running = 1;
	return 0;
}

void
mailer_wake(void)
{
	pthread_mutex_lock(&mailer_lock);
	mailer_woken = 1;
	pthread_cond_signal(&mailer_cond);
	pthread_mutex_unlock(&mailer_lock);
}

void
mailer_stop(void)
{
	struct timespec until;

	if (!mailer_running)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)mcfg->stop_grace;
	pthread_mutex_lock(&mailer_lock);
	mailer_stopping = 1;
	pthread_cond_broadcast(&mailer_cond);
	while (!mailer_done && pthread_cond_timedwait(&mailer_cond, &mailer_lock,
	    &until) != ETIMEDOUT)
		;
	if (!mailer_done) {
		log_warnx("mailer: a delivery is still in flight after %llds; aborting it "
		    "(it is sent again at the next start)", mcfg->stop_grace);
		atomic_store(&mailer_abort, 1);
	}
	pthread_mutex_unlock(&mailer_lock);
	pthread_join(mailer_thread, NULL);
	smtp_client_free(smtp);
	smtp = NULL;
	db_close(mdb);
	mdb = NULL;
	mailer_running = 0;
}
