/* alert_mail.c - owns the detractor alert: its content (who, which
 * ticket, which score and comment, how to record the follow-up; it goes
 * to staff, so it carries the requester's address and no unsubscribe
 * link) and turning open follow-ups into outbox rows, one per manager. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "alert_mail.h"
#include "crypto.h"
#include "event.h"
#include "limits.h"
#include "log.h"
#include "message.h"
#include "store_alert.h"
#include "store_outbox.h"
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

/* One manager's alert, queued as the managers are read. */
struct alert_queue {
	const struct config	*cfg;
	struct store		*db;
	struct alert_mail	*a;
	long long		 survey;
	time_t			 now;
	int			 rc;
	int			 managers;
};

static void
queue_for_manager(void *arg, const char *email)
{
	struct alert_queue *q = arg;
	char message_id[256];
	struct buf msg;

	if (q->rc != STORE_OK)
		return;
	q->a->manager = email;
	buf_init(&msg, NPSD_MAX_MESSAGE);
	if (alert_mail_compose(q->cfg, q->a, q->now, message_id, sizeof message_id,
	    &msg) == -1 || msg.data == NULL) {
		log_warnx("alert for %s to a manager of its team cannot be composed",
		    q->a->survey_id);
		buf_free(&msg);
		return;
	}
	q->rc = store_outbox_queue(q->db, q->survey, email, message_id, msg.data, msg.len, "alert",
	    (long long)q->now, NULL);
	buf_free(&msg);
	if (q->rc == STORE_OK)
		q->managers++;
}

/* The oldest follow-up not yet mailed: a message per manager of the
 * survey's team, in one transaction with marking it mailed. *done is 0
 * when none was waiting. */
static int
queue_one(struct store *db, const struct config *cfg, time_t now, int *done)
{
	struct store_alert row;
	struct alert_mail a;
	struct alert_queue q = { cfg, db, &a, 0, now, STORE_OK, 0 };
	int rc;

	*done = 0;
	if ((rc = store_begin(db)) != STORE_OK) {
		log_warnx("mailer: cannot queue a detractor alert: %s", store_errmsg(db));
		return rc;
	}
	if ((rc = store_alert_claim(db, &row)) != STORE_OK || row.survey == 0) {
		if (rc != STORE_OK)
			log_warnx("mailer: cannot queue a detractor alert: %s", store_errmsg(db));
		store_rollback(db);
		return rc;
	}
	if (row.answered) {
		memset(&a, 0, sizeof a);
		a.survey_id = row.survey_id;
		a.ticket_id = row.ticket_id;
		a.subject = row.subject;
		a.category = row.category;
		a.agent_name = row.agent_name;
		a.team_name = row.team_name;
		a.requester_email = row.requester_email;
		a.requester_name = row.requester_name;
		a.comment = row.comment;
		a.score = row.score;
		a.answered_at = (time_t)row.answered_at;
		q.survey = row.survey;
		rc = store_alert_managers(db, row.team_id, queue_for_manager, &q);
		if (rc == STORE_OK)
			rc = q.rc;
		if (rc == STORE_OK && q.managers == 0)
			log_info("detractor answer %s: its team has no managers to alert "
			    "(npsctl team add-manager)", row.survey_id);
	}
	/* mailed holds how many alerts went out; 0 is kept as -1: none to send */
	if (rc == STORE_OK)
		rc = store_alert_mailed(db, row.survey, q.managers > 0 ? q.managers : -1);
	if (rc == STORE_OK)
		rc = store_commit(db);
	if (rc != STORE_OK) {
		log_warnx("mailer: cannot queue a detractor alert: %s", store_errmsg(db));
		store_rollback(db);
	}
	store_alert_clear(&row);
	*done = rc == STORE_OK;
	return rc;
}

int
alert_mail_queue(struct store *db, const struct config *cfg, time_t now)
{
	int queued = 0;

	for (int i = 0; i < NPSD_MAILER_BATCH; i++) {
		int done, rc = queue_one(db, cfg, now, &done);

		if (rc != STORE_OK)
			return queued > 0 ? queued : -1;
		if (!done)
			break;
		queued++;
	}
	return queued;
}
