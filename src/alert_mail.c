/* alert_mail.c - owns the detractor alert: its content (who, which
 * ticket, which score and comment, how to record the follow-up; it goes
 * to staff, so it carries the requester's address and no unsubscribe
 * link) and turning open follow-ups into outbox rows, one per manager. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "alert_mail.h"
#include "crypto.h"
#include "db.h"
#include "event.h"
#include "limits.h"
#include "log.h"
#include "message.h"
#include "template.h"

int
alert_mail_compose(const struct config *cfg, const struct alert_mail *a, time_t now,
    char *message_id, size_t idlen, struct buf *out)
{
	const char *lang = template_language(cfg->default_language, "en");
	const char *domain = strrchr(cfg->from_address, '@') + 1;
	char score[8], answered[32], hash[CRYPTO_SHA256_HEX];
	struct buf subject, text;
	struct message_parts m;
	int rc = -1;

	snprintf(score, sizeof score, "%d", a->score);
	event_format_time(a->answered_at, answered, sizeof answered);
	/* one id per survey and manager: a retried alert is the same message */
	crypto_address_hash(a->manager, hash);
	snprintf(message_id, idlen, "%s.alert.%.16s@%s", a->survey_id, hash, domain);
	{
		const struct template_var vars[] = {
			{ "survey_id", a->survey_id },
			{ "ticket_id", a->ticket_id },
			{ "ticket_subject", a->subject },
			{ "category", a->category[0] ? a->category : "-" },
			{ "agent_name", a->agent_name },
			{ "team_name", a->team_name },
			{ "requester_name", a->requester_name },
			{ "requester_email", a->requester_email },
			{ "comment", a->comment[0] ? a->comment : "-" },
			{ "score", score },
			{ "answered_at", answered },
			{ "sender_name", cfg->from_name },
		};
		size_t n = sizeof vars / sizeof vars[0];

		buf_init(&subject, 1024);
		buf_init(&text, NPSD_MAX_MESSAGE / 2);
		if (template_render(lang, TEMPLATE_ALERT_SUBJECT, vars, n, &subject) == -1 ||
		    template_render(lang, TEMPLATE_ALERT_TEXT, vars, n, &text) == -1)
			goto out;
	}
	memset(&m, 0, sizeof m);
	m.from_name = cfg->from_name;
	m.from_address = cfg->from_address;
	m.to_name = "";
	m.to_address = a->manager;
	m.subject = subject.data ? subject.data : "";
	m.text = text.data ? text.data : "";
	m.html = NULL;
	m.message_id = message_id;
	m.language = lang;
	m.date = now;
	rc = message_build(&m, out);
out:
	buf_free(&subject);
	buf_free(&text);
	return rc;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* One follow-up: a message per manager of the survey's team, in one
 * transaction with marking it mailed. */
static int
queue_one(sqlite3 *db, const struct config *cfg, long long survey, time_t now)
{
	sqlite3_stmt *row = NULL, *mgr = NULL, *ins = NULL, *done = NULL;
	struct alert_mail a;
	int rc = SQLITE_ERROR, managers = 0;

	if (db_begin(db) != SQLITE_OK)
		return sqlite3_errcode(db);
	row = db_prepare(db, "SELECT s.public_id, s.ticket_id, s.subject, s.category, "
	    "coalesce(nullif(s.agent_name, ''), s.agent_id), "
	    "coalesce(nullif(s.team_name, ''), nullif(s.team_id, ''), '-'), "
	    "coalesce(s.requester_email, ''), coalesce(s.requester_name, ''), "
	    "coalesce(a.comment, ''), a.score, a.answered_at, s.team_id FROM surveys s "
	    "JOIN answers a ON a.survey = s.id WHERE s.id = ?");
	mgr = db_prepare(db, "SELECT email FROM team_managers WHERE team_id = ? ORDER BY email");
	ins = db_prepare(db, "INSERT OR IGNORE INTO outbox (survey, recipient, message_id, message, "
	    "state, next_attempt_at, created_at, kind) VALUES (?, ?, ?, ?, 'queued', ?, ?, 'alert')");
	done = db_prepare(db, "UPDATE followups SET mailed = ? WHERE survey = ?");
	if (row == NULL || mgr == NULL || ins == NULL || done == NULL)
		goto out;
	sqlite3_bind_int64(row, 1, survey);
	if (sqlite3_step(row) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.survey_id = col(row, 0);
		a.ticket_id = col(row, 1);
		a.subject = col(row, 2);
		a.category = col(row, 3);
		a.agent_name = col(row, 4);
		a.team_name = col(row, 5);
		a.requester_email = col(row, 6);
		a.requester_name = col(row, 7);
		a.comment = col(row, 8);
		a.score = sqlite3_column_int(row, 9);
		a.answered_at = (time_t)sqlite3_column_int64(row, 10);
		sqlite3_bind_text(mgr, 1, col(row, 11), -1, SQLITE_TRANSIENT);
		while (sqlite3_step(mgr) == SQLITE_ROW) {
			char message_id[256];
			struct buf msg;

			a.manager = col(mgr, 0);
			buf_init(&msg, NPSD_MAX_MESSAGE);
			if (alert_mail_compose(cfg, &a, now, message_id, sizeof message_id,
			    &msg) == -1) {
				log_warnx("alert for %s to a manager of its team cannot be composed",
				    a.survey_id);
				buf_free(&msg);
				continue;
			}
			sqlite3_reset(ins);
			sqlite3_bind_int64(ins, 1, survey);
			sqlite3_bind_text(ins, 2, a.manager, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 3, message_id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_blob(ins, 4, msg.data, (int)msg.len, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 5, now);
			sqlite3_bind_int64(ins, 6, now);
			rc = sqlite3_step(ins);
			buf_free(&msg);
			if (rc != SQLITE_DONE)
				goto out;
			managers++;
		}
		if (managers == 0)
			log_info("detractor answer %s: its team has no managers to alert "
			    "(npsctl team add-manager)", a.survey_id);
	}
	/* mailed holds how many alerts went out; 0 is kept as -1: none to send */
	sqlite3_bind_int(done, 1, managers > 0 ? managers : -1);
	sqlite3_bind_int64(done, 2, survey);
	if (sqlite3_step(done) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(row);
	sqlite3_finalize(mgr);
	sqlite3_finalize(ins);
	sqlite3_finalize(done);
	return db_commit(db);
out:
	rc = sqlite3_errcode(db);
	sqlite3_finalize(row);
	sqlite3_finalize(mgr);
	sqlite3_finalize(ins);
	sqlite3_finalize(done);
	db_rollback(db);
	return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}

int
alert_mail_queue(sqlite3 *db, const struct config *cfg, time_t now)
{
	long long ids[NPSD_MAILER_BATCH];
	sqlite3_stmt *st;
	int n = 0, queued = 0;

	st = db_prepare(db, "SELECT survey FROM followups WHERE mailed = 0 ORDER BY created_at "
	    "LIMIT ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, NPSD_MAILER_BATCH);
	while (n < NPSD_MAILER_BATCH && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		if (queue_one(db, cfg, ids[i], now) != SQLITE_OK) {
			log_warnx("mailer: cannot queue a detractor alert: %s", sqlite3_errmsg(db));
			break;
		}
		queued++;
	}
	return queued;
}
