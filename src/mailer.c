/* mailer.c - owns the mail thread. Each pass: due surveys get a fresh
 * token (kept as a hash) and a composed message in the outbox, in one
 * transaction; sent surveys past their expiry are closed; due outbox rows
 * go to the transport, retried with jittered exponential backoff on
 * temporary failure, given up at once on a 5xx. The outbox lives in SQLite,
 * so a crash (even kill -9) loses nothing that was queued. */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_mail.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "limits.h"
#include "log.h"
#include "maildir.h"
#include "retention.h"
#include "mailer.h"
#include "smtp.h"
#include "survey.h"
#include "survey_mail.h"

static pthread_mutex_t mailer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mailer_cond = PTHREAD_COND_INITIALIZER;
static int mailer_stopping, mailer_woken, mailer_running;
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
	if (!reminder && mcfg->cooldown > 0 && survey_count_recent(mdb, s.requester_email,
	    (long long)now - mcfg->cooldown, 0, id) > 0) {
		sqlite3_finalize(row);
		return update_one("UPDATE surveys SET state = 'cancelled', reason = 'cooldown' "
		    "WHERE id = ?", id);
	}
	if (!reminder && mcfg->max_per_30d > 0 && survey_count_recent(mdb, s.requester_email,
	    (long long)now - 30LL * 86400, 0, id) >= mcfg->max_per_30d) {
		sqlite3_finalize(row);
		return update_one("UPDATE surveys SET state = 'cancelled', reason = 'capped' "
		    "WHERE id = ?", id);
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
deliver(const char *to, const char *msg, size_t len, char *err, size_t errlen)
{
	if (mcfg->transport == TRANSPORT_MAILDIR)
		return maildir_deliver(mcfg->transport_target, msg, len, err, errlen);
	return smtp_send(smtp, mcfg->from_address, to, msg, len, err, errlen);
}

static int
record_result(long long outbox_id, long long survey_id, int attempts,
    enum transport_status status, const char *err, time_t now)
{
	sqlite3_stmt *st = NULL;
	unsigned rnd = 0;
	int rc;

	if ((rc = db_begin(mdb)) != SQLITE_OK)
		return rc;
	if (status == TRANSPORT_SENT) {
		st = db_prepare(mdb, "UPDATE outbox SET state = 'sent', message = '', attempts = ?, "
		    "done_at = ?, last_error = NULL WHERE id = ?");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int(st, 1, attempts);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, outbox_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = db_prepare(mdb, "UPDATE surveys SET state = 'sent', sent_at = ?, expires_at = ? "
		    "WHERE id = ? AND state = 'scheduled'");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, now + mcfg->expire);
		sqlite3_bind_int64(st, 3, survey_id);
	} else if (status == TRANSPORT_PERMFAIL || attempts >= mcfg->max_attempts) {
		st = db_prepare(mdb, "UPDATE outbox SET state = 'failed', message = '', attempts = ?, "
		    "done_at = ?, last_error = ? WHERE id = ?");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int(st, 1, attempts);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_text(st, 3, err, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, outbox_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = db_prepare(mdb, "UPDATE surveys SET state = 'failed' WHERE id = ? AND "
		    "state = 'scheduled'");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, survey_id);
	} else {
		crypto_random_bytes(&rnd, sizeof rnd);
		st = db_prepare(mdb, "UPDATE outbox SET attempts = ?, next_attempt_at = ?, "
		    "last_error = ? WHERE id = ? AND state = 'queued'");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int(st, 1, attempts);
		sqlite3_bind_int64(st, 2, now + mailer_backoff(mcfg->retry_min, attempts, rnd));
		sqlite3_bind_text(st, 3, err, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, outbox_id);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return db_commit(mdb);
fail:
	rc = sqlite3_errcode(mdb);
	sqlite3_finalize(st);
	db_rollback(mdb);
	return rc == SQLITE_OK ? SQLITE_ERROR : rc;
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
		char err[512] = "";
		enum transport_status status;
		long long survey_id;
		int attempts;

		st = db_prepare(mdb, "SELECT recipient, message, attempts, survey FROM outbox "
		    "WHERE id = ? AND state = 'queued'");
		if (st == NULL)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {	/* cancelled meanwhile */
			sqlite3_finalize(st);
			continue;
		}
		attempts = sqlite3_column_int(st, 2) + 1;
		survey_id = sqlite3_column_int64(st, 3);
		status = deliver(col(st, 0), sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), err, sizeof err);
		sqlite3_finalize(st);
		now = time(NULL);
		if (status == TRANSPORT_SENT) {
			log_info("mail %lld delivered (attempt %d)", ids[i], attempts);
			sent++;
		} else {
			log_warnx("mail %lld attempt %d failed%s: %s", ids[i], attempts,
			    status == TRANSPORT_PERMFAIL ? " permanently" : "", err);
		}
		if (record_result(ids[i], survey_id, attempts, status, err, now) != SQLITE_OK)
			log_warnx("mailer: cannot record result of mail %lld: %s", ids[i],
			    sqlite3_errmsg(mdb));
	}
	return sent;
}

static void *
mailer_main(void *arg)
{
	time_t last_sweep = 0;

	(void)arg;
	while (!stopping()) {
		time_t now = time(NULL);
		struct timespec until;
		int busy;

		busy = queue_due_surveys(now) > 0;
		expire_surveys(now);
		if (now - last_sweep >= NPSD_RETENTION_INTERVAL) {	/* at start, then hourly */
			long long n = retention_sweep(mdb, mcfg->personal_data, now);

			if (n > 0)
				log_info("retention: personal data erased from %lld rows", n);
			else if (n < 0)
				log_warnx("retention: sweep failed: %s", sqlite3_errmsg(mdb));
			last_sweep = now;
		}
		busy |= queue_reminders(now) > 0;
		busy |= alert_mail_queue(mdb, mcfg, now) > 0;
		busy |= send_due(now) > 0;

		pthread_mutex_lock(&mailer_lock);
		if (!busy && !mailer_woken && !mailer_stopping) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += NPSD_MAILER_IDLE_MS / 1000;
			pthread_cond_timedwait(&mailer_cond, &mailer_lock, &until);
		}
		mailer_woken = 0;
		pthread_mutex_unlock(&mailer_lock);
	}
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
	if ((mdb = db_open(cfg->db_path, cfg->synchronous, 0, err, sizeof err)) == NULL) {
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
		smtp = smtp_client_new(cfg, password);
		crypto_wipe(password, strlen(password));
		free(password);
		if (smtp == NULL)
			return -1;
	}
	mailer_stopping = 0;
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
	if (!mailer_running)
		return;
	pthread_mutex_lock(&mailer_lock);
	mailer_stopping = 1;
	pthread_cond_signal(&mailer_cond);
	pthread_mutex_unlock(&mailer_lock);
	pthread_join(mailer_thread, NULL);
	smtp_client_free(smtp);
	smtp = NULL;
	db_close(mdb);
	mdb = NULL;
	mailer_running = 0;
}
