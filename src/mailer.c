/* mailer.c - owns the mail thread. Each pass: due surveys get a fresh
 * token (kept as a hash) and a composed message in the outbox, in one
 * transaction; sent surveys past their expiry are closed; due outbox rows
 * go to the transport, retried with jittered exponential backoff on
 * temporary failure, given up at once on a 5xx. The outbox lives in the
 * database, so a crash (even kill -9) loses nothing that was queued. A row
 * is marked 'sending' under a lease and committed before its message is
 * handed over, and its result is recorded (retried until the database
 * takes it) before the next row is touched: a database that cannot be
 * written stops the sending, it never repeats it. Shutdown gives a
 * delivery in flight [mail] stop_grace, then aborts it. Several npsd may
 * share one PostgreSQL database: each claim (a due survey, a reminder, an
 * outbox row) is taken by one instance only (store_outbox.c). */
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
#include "delivery.h"
#include "fatigue.h"
#include "limits.h"
#include "log.h"
#include "maildir.h"
#include "retention.h"
#include "mailer.h"
#include "smtp.h"
#include "store_outbox.h"
#include "store_survey.h"
#include "survey_mail.h"

static pthread_mutex_t mailer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mailer_cond = PTHREAD_COND_INITIALIZER;
static int mailer_stopping, mailer_woken, mailer_running, mailer_done;
static atomic_int mailer_abort;			/* ends an SMTP session at once */
static atomic_int mailer_halting;		/* ... because the grace at shutdown ran out */
static atomic_int mailer_storage_failing;	/* the last write failed */
static pthread_t mailer_thread;
static const struct config *mcfg;
static struct store *mdb;			/* the mail thread's own connection */
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

static void
storage_failing(const char *what, const char *msg)
{
	if (!atomic_exchange(&mailer_storage_failing, 1))
		log_warnx("mailer: database cannot be written (%s: %s); no new mail is "
		    "sent until it can", what, msg);
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

/* Ends a failed transaction, keeping the error's text first (a rollback
 * may reset it). */
static void
rollback_keeping(char *msg, size_t msglen)
{
	snprintf(msg, msglen, "%s", store_errmsg(mdb));
	store_rollback(mdb);
}

/* Leases. A row marked 'sending' is this instance's until its lease_until;
 * once that has passed, any npsd on the database takes it back and sends
 * it again, from its stored bytes under the same Message-ID. No fixed
 * lease could be proven longer than a delivery: smtp.c bounds each reply
 * by [mail] timeout (up to an hour) but sets no total limit, and a server
 * that keeps the transfer just above the speed limit keeps it going. So
 * the lease is short (NPSD_MAIL_LEASE) and, on PostgreSQL, renewed every
 * NPSD_MAIL_LEASE_RENEW seconds while the delivery runs, by a keeper
 * thread on its own connection: a dead instance's message is taken over
 * within NPSD_MAIL_LEASE seconds, a live one's never. A lease the keeper
 * cannot renew (the database out of reach) has the delivery aborted while
 * NPSD_MAIL_LEASE_RENEW seconds of it are left, so that as a rule no two
 * instances hold one message at once; should it lapse all the same, the
 * worst is a second copy under the same Message-ID. Instances' clocks must
 * agree to within that margin (NTP). On SQLite one npsd serves the
 * database and only this thread, between deliveries, reads its leases (and
 * takes back every 'sending' row at start): nothing to renew. */
static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_t	 thread;
	int		 running, stop;
	struct store	*db;
	struct store_outbox_claim held;	/* id 0: no delivery in flight */
	long long	 until, renewed;	/* the lease's end; its last renewal */
} keeper = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* One renewal of the lease in flight, without the lock held during the
 * statement. Called with keeper.lock held. */
static void
keeper_renew(void)
{
	struct store_outbox_claim c = { .id = keeper.held.id, .attempts = keeper.held.attempts };
	long long now = (long long)time(NULL), until = now + NPSD_MAIL_LEASE;
	char msg[256] = "";
	int rc, held = 1;

	pthread_mutex_unlock(&keeper.lock);
	rc = store_outbox_renew(keeper.db, &c, until, &held);
	if (rc != STORE_OK)
		snprintf(msg, sizeof msg, "%s", store_errmsg(keeper.db));
	pthread_mutex_lock(&keeper.lock);
	if (keeper.held.id != c.id || keeper.held.attempts != c.attempts)
		return;		/* the delivery ended meanwhile */
	if (rc == STORE_OK && held) {
		keeper.until = until;
		keeper.renewed = now;
		return;
	}
	if (rc == STORE_OK) {
		log_warnx("mail %lld: its lease ran out and another sender took it; aborting "
		    "this attempt", c.id);
		atomic_store(&mailer_abort, 1);
	} else if (now >= keeper.until - NPSD_MAIL_LEASE_RENEW) {
		log_warnx("mail %lld: its lease cannot be renewed (%s); aborting the attempt "
		    "before another sender may take it", c.id, msg);
		atomic_store(&mailer_abort, 1);
	}
}

static void *
keeper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&keeper.lock);
	while (!keeper.stop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += NPSD_MAIL_LEASE_RENEW / 4;
		pthread_cond_timedwait(&keeper.cond, &keeper.lock, &until);
		if (!keeper.stop && keeper.held.id != 0 &&
		    (long long)time(NULL) >= keeper.renewed + NPSD_MAIL_LEASE_RENEW)
			keeper_renew();
	}
	pthread_mutex_unlock(&keeper.lock);
	return NULL;
}

static int
keeper_start(void)
{
	char err[512];

	if ((keeper.db = store_open(config_store_target(mcfg), mcfg->synchronous, 0, err,
	    sizeof err)) == NULL) {
		log_warnx("mailer: %s", err);
		return -1;
	}
	keeper.stop = 0;
	keeper.held.id = 0;
	if (pthread_create(&keeper.thread, NULL, keeper_main, NULL) != 0) {
		store_close(keeper.db);
		keeper.db = NULL;
		return -1;
	}
	keeper.running = 1;
	return 0;
}

static void
keeper_stop(void)
{
	if (!keeper.running)
		return;
	pthread_mutex_lock(&keeper.lock);
	keeper.stop = 1;
	pthread_cond_signal(&keeper.cond);
	pthread_mutex_unlock(&keeper.lock);
	pthread_join(keeper.thread, NULL);
	store_close(keeper.db);
	keeper.db = NULL;
	keeper.running = 0;
}

/* The delivery of c starts (c != NULL) or ends (NULL). */
static void
keeper_hold(const struct store_outbox_claim *c, long long until)
{
	if (!keeper.running)
		return;
	pthread_mutex_lock(&keeper.lock);
	keeper.held.id = c != NULL ? c->id : 0;
	keeper.held.attempts = c != NULL ? c->attempts : 0;
	keeper.until = until;
	keeper.renewed = (long long)time(NULL);
	pthread_mutex_unlock(&keeper.lock);
}

/* Asks the fatigue rule whether the claimed survey may still go: two
 * closes inside one delay both passed intake, and the later one yields
 * now that the first was mailed. *reason is NULL when it may. On
 * PostgreSQL the address is locked for the rest of the transaction, so an
 * instance mailing another survey to it counts after this one is queued. */
static int
fatigue_check(const struct store_mail_survey *row, time_t now, const char **reason)
{
	struct fatigue_policy pol = { mcfg->cooldown, mcfg->max_per_30d };
	struct fatigue_windows w;
	struct fatigue_counts n;
	int rc;

	*reason = NULL;
	if (!fatigue_limited(&pol))
		return STORE_OK;
	if ((rc = store_mail_address_lock(mdb, row->requester_email)) != STORE_OK)
		return rc;
	w = fatigue_windows_at(&pol, (long long)now);
	if ((rc = store_survey_fatigue_counts(mdb, row->requester_email, &w, 0, row->id,
	    &n)) != STORE_OK)
		return rc;
	fatigue_decide(&pol, &n, reason);
	return STORE_OK;
}

/* Composes the claimed survey's mail (or its reminder) and queues it, in
 * the caller's transaction; a survey the fatigue rule stops is cancelled,
 * one whose message cannot be composed fails (a reminder is skipped). */
static int
queue_claimed(const struct store_mail_survey *row, int reminder, time_t now)
{
	struct survey_mail s = { row->public_id, row->ticket_id, row->subject,
	    row->requester_email, row->requester_name, row->language, row->agent_name,
	    row->team_name, reminder };
	char token[23], hash[CRYPTO_SHA256_HEX], message_id[256];
	const char *reason = NULL;
	struct buf msg;
	int rc, composed, queued;

	if (!reminder && (rc = fatigue_check(row, now, &reason)) != STORE_OK)
		return rc;
	if (reason != NULL)
		return store_survey_mail_cancel(mdb, row->id, reason);
	if (crypto_token_new(token) == -1)
		return STORE_ERROR;
	crypto_sha256_hex(token, strlen(token), hash);
	buf_init(&msg, NPSD_MAX_MESSAGE);
	composed = survey_mail_compose(mcfg, &s, token, now, message_id, sizeof message_id,
	    &msg) == 0 && msg.data != NULL;
	crypto_wipe(token, sizeof token);
	if (!composed) {
		buf_free(&msg);
		if (reminder) {
			log_warnx("survey %s: cannot compose its reminder; none is sent",
			    row->public_id);
			return store_reminder_skip(mdb, row->id);
		}
		log_warnx("survey %s: cannot compose its message; marked failed", row->public_id);
		return store_survey_mail_fail(mdb, row->id);
	}
	rc = store_survey_mail_queue(mdb, row, reminder, hash, message_id, msg.data, msg.len,
	    (long long)now, &queued);
	crypto_wipe(msg.data, msg.len);
	buf_free(&msg);
	if (rc == STORE_OK && !queued)
		log_info("survey %s: its %s was queued already", row->public_id,
		    reminder ? "reminder" : "mail");
	return rc;
}

/* Claims the next due survey (or reminder) and queues its mail, in one
 * transaction. 1 when one was handled, 0 when none is due, -1 when the
 * database failed (logged). */
static int
queue_next(int reminder, time_t now)
{
	struct store_mail_survey row;
	char msg[256];
	int rc;

	memset(&row, 0, sizeof row);
	if ((rc = store_begin(mdb)) != STORE_OK)
		goto fail;
	rc = reminder ? store_reminder_claim_due(mdb, (long long)now - mcfg->reminder,
	    (long long)now, &row) : store_survey_claim_due(mdb, (long long)now, &row);
	if (rc != STORE_OK)
		goto fail;
	if (row.id == 0) {
		store_rollback(mdb);
		return 0;
	}
	if ((rc = queue_claimed(&row, reminder, now)) != STORE_OK ||
	    (rc = store_commit(mdb)) != STORE_OK)
		goto fail;
	store_mail_survey_clear(&row);
	return 1;
fail:
	rollback_keeping(msg, sizeof msg);
	log_warnx("mailer: cannot queue a %s: %s", reminder ? "reminder" : "survey", msg);
	store_mail_survey_clear(&row);
	return -1;
}

/* Queues up to a batch of due surveys, or of reminders; returns how many. */
static int
queue_due(int reminder, time_t now)
{
	int queued = 0;

	while (queued < NPSD_MAILER_BATCH && queue_next(reminder, now) == 1)
		queued++;
	return queued;
}

/* The one reminder, for sent surveys still unanswered after [survey]
 * reminder and not yet expired; an address that opted out meanwhile gets
 * none. */
static int
queue_reminders(time_t now)
{
	char msg[256];
	int rc;

	if (mcfg->reminder <= 0)
		return 0;
	if ((rc = store_begin(mdb)) != STORE_OK ||
	    (rc = store_reminder_skip_suppressed(mdb, NULL)) != STORE_OK ||
	    (rc = store_commit(mdb)) != STORE_OK) {
		rollback_keeping(msg, sizeof msg);
		log_warnx("mailer: reminders: %s", msg);
	}
	return queue_due(1, now);
}

static void
expire_surveys(time_t now)
{
	char msg[256];
	int rc;

	if ((rc = store_begin(mdb)) != STORE_OK ||
	    (rc = store_survey_expire_due(mdb, (long long)now, NULL)) != STORE_OK ||
	    (rc = store_commit(mdb)) != STORE_OK) {
		rollback_keeping(msg, sizeof msg);
		log_warnx("mailer: expiry: %s", msg);
	}
}

static enum transport_status
deliver(const char *to, const char *msg, size_t len, char *err, size_t errlen, char *reply,
    size_t replylen)
{
	if (mcfg->transport == TRANSPORT_MAILDIR)
		return maildir_deliver(mcfg->transport_target, msg, len, err, errlen);
	return smtp_send(smtp, mcfg->from_address, to, msg, len, err, errlen, reply, replylen);
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
 * 'sending' and the survey moves as delivery_decide says. A row whose
 * lease ran out and was taken by another sender meanwhile is that
 * sender's to record: only the attempt is counted. */
static int
record_result(const struct store_outbox_claim *c, enum transport_status status,
    const char *err, time_t now, char *msg, size_t msglen)
{
	struct delivery_decision d = delivery_decide(status, c->attempts, mcfg->max_attempts,
	    c->maybe_delivered);
	enum store_outbox_outcome outcome = d.outbox == DELIVERY_OUTBOX_RETRY ?
	    STORE_OUTBOX_RETRY : d.outbox == DELIVERY_OUTBOX_SENT ? STORE_OUTBOX_SENT :
	    STORE_OUTBOX_FAILED;
	long long next = now;
	int rc, held = 0;

	if (outcome == STORE_OUTBOX_RETRY && !atomic_load(&mailer_halting)) {
		unsigned rnd = 0;
		long long wait;

		/* at least a second: a retry is never due again in the pass
		 * that tried it (an attempt cut short by shutdown, though,
		 * goes first at the next start) */
		crypto_random_bytes(&rnd, sizeof rnd);
		wait = mailer_backoff(mcfg->retry_min, c->attempts, rnd);
		next = (long long)now + (wait > 0 ? wait : 1);
	}
	if ((rc = store_begin(mdb)) != STORE_OK ||
	    (rc = store_outbox_record(mdb, c, outcome, (long long)now, next,
	    outcome == STORE_OUTBOX_SENT ? NULL : err,
	    status == TRANSPORT_UNKNOWN ? (long long)now : 0, &held)) != STORE_OK ||
	    (rc = store_mail_attempt_count(mdb, status_name(status), 1)) != STORE_OK)
		goto fail;
	if (!held)
		log_warnx("mail %lld: its lease ran out during the attempt and another sender "
		    "took it; that sender records it", c->id);
	else if (c->survey != 0 && d.survey == DELIVERY_SURVEY_SENT)
		rc = store_survey_mail_sent(mdb, c->survey, (long long)now,
		    (long long)now + mcfg->expire);
	else if (c->survey != 0 && d.survey == DELIVERY_SURVEY_FAILED)
		rc = store_survey_mail_fail(mdb, c->survey);
	if (rc != STORE_OK || (rc = store_commit(mdb)) != STORE_OK)
		goto fail;
	return STORE_OK;
fail:
	rollback_keeping(msg, msglen);
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
 * the message sent again. Tries until the database takes it; when the
 * attempt was aborted (the grace at shutdown ran out, or the lease could
 * not be kept), only once: the row stays 'sending' and, once its lease
 * has run out (at the next start, on SQLite), is sent again under the
 * same Message-ID. */
static int
record_until_done(const struct store_outbox_claim *c, enum transport_status status,
    const char *err)
{
	long wait_ms = 250;
	char msg[256] = "";

	for (;;) {
		int rc = record_result(c, status, err, time(NULL), msg, sizeof msg);

		if (rc == STORE_OK) {
			storage_ok();
			return 0;
		}
		storage_failing("recording a delivery", msg);
		if (atomic_load(&mailer_abort)) {
			log_warnx("mail %lld: result not recorded; it will be sent again under the "
			    "same Message-ID once its lease has run out", c->id);
			return -1;
		}
		pause_ms(wait_ms);
		if (wait_ms < NPSD_RECORD_RETRY_MAX_MS)
			wait_ms *= 2;
	}
}

/* Marks the next row due by due_by 'sending' with its attempt and a
 * lease, and commits that before anything is handed to the transport.
 * Returns 1 with the row in *c (message malloc'd), 0 when none is due, -1
 * when the database cannot be written. */
static int
claim(time_t due_by, struct store_outbox_claim *c, long long *lease_until)
{
	char msg[256] = "";
	int rc;

	*lease_until = (long long)time(NULL) + NPSD_MAIL_LEASE;
	if ((rc = store_begin(mdb)) != STORE_OK ||
	    (rc = store_outbox_claim(mdb, (long long)due_by, *lease_until, c)) != STORE_OK ||
	    (rc = store_commit(mdb)) != STORE_OK) {
		rollback_keeping(msg, sizeof msg);
		store_outbox_claim_free(c);
		storage_failing("claiming a mail", msg);
		return -1;
	}
	storage_ok();
	return c->id != 0;
}

/* After an attempt: an abort that was not the shutdown's (the lease could
 * not be kept) ends with the attempt. */
static void
outbox_claim_done(struct store_outbox_claim *c)
{
	store_outbox_claim_free(c);
	if (!atomic_load(&mailer_halting))
		atomic_store(&mailer_abort, 0);
}

static int
send_due(time_t now)
{
	int sent = 0;

	for (int i = 0; i < NPSD_MAILER_BATCH && !stopping(); i++) {
		char err[512] = "", reply[NPSD_SMTP_REPLY_TEXT] = "", stored[1024];
		struct store_outbox_claim c;
		enum transport_status status;
		long long lease_until;
		int got = claim(now, &c, &lease_until), recorded;

		if (got == -1)
			return -1;
		if (got == 0)
			break;
		keeper_hold(&c, lease_until);
		status = deliver(c.recipient, c.message, c.len, err, sizeof err, reply,
		    sizeof reply);
		keeper_hold(NULL, 0);
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
		recorded = record_until_done(&c, status, stored);
		outbox_claim_done(&c);
		if (recorded == -1)
			return -1;
	}
	return sent;
}

/* Rows left 'sending' were being handed over when their sender stopped
 * without recording the outcome (a crash, or a database that could not be
 * written): the reader may have a copy, so they go out again first, from
 * the stored message, under the same Message-ID. At start on SQLite every
 * such row is this instance's own (SQLite serves one npsd); otherwise, and
 * always on PostgreSQL, where another live instance may be sending it,
 * only a row whose lease has run out. */
static void
recover_sending(time_t now, int at_start)
{
	int any = at_start && store_backend(mdb) == STORE_SQLITE;
	long long n = 0;
	char msg[256];
	int rc;

	if ((rc = store_begin(mdb)) != STORE_OK ||
	    (rc = store_outbox_recover(mdb, (long long)now, any, &n)) != STORE_OK ||
	    (rc = store_commit(mdb)) != STORE_OK) {
		rollback_keeping(msg, sizeof msg);
		log_warnx("mailer: recovering interrupted mail: %s", msg);
		return;
	}
	if (n > 0)
		log_warnx("mailer: %lld mail(s) were being sent when their sender stopped; "
		    "sending them again under the same Message-ID", n);
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
		busy = queue_due(0, now) > 0;
		expire_surveys(now);
		if (now - last_sweep >= NPSD_RETENTION_INTERVAL) {	/* at start, then hourly */
			long long n = retention_sweep(mdb, mcfg->personal_data,
			    mcfg->staff_data, now);

			if (n > 0)
				log_info("retention: personal data erased from %lld rows", n);
			else if (n < 0)
				log_warnx("retention: sweep failed: %s", store_errmsg(mdb));
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
	if ((mdb = store_open(config_store_target(cfg), cfg->synchronous, 0, err,
	    sizeof err)) == NULL) {
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
	atomic_store(&mailer_halting, 0);
	if (store_backend(mdb) == STORE_POSTGRESQL && keeper_start() == -1)
		return -1;
	if (pthread_create(&mailer_thread, NULL, mailer_main, NULL) != 0) {
		keeper_stop();
		return -1;
	}
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
		atomic_store(&mailer_halting, 1);
		atomic_store(&mailer_abort, 1);
	}
	pthread_mutex_unlock(&mailer_lock);
	pthread_join(mailer_thread, NULL);
	keeper_stop();
	smtp_client_free(smtp);
	smtp = NULL;
	store_close(mdb);
	mdb = NULL;
	mailer_running = 0;
}
