/* page_survey.c - owns /s/{token}: the answer page (GET and HEAD never
 * record anything, because mail scanners fetch every link), the answer
 * itself (POST, replaceable while the survey is open, then 303), and the
 * thank-you page at /s/{token}/thanks. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "mailer.h"
#include "message.h"
#include "botcheck.h"
#include "page.h"
#include "store_answer.h"
#include "store_followup.h"
#include "survey_state.h"

/* Splits "TOKEN", "TOKEN/thanks" (thanks = 1) or "TOKEN/h" (the mail's
 * honeypot link, thanks = 2); -1 for anything else. */
static int
split_arg(const char *arg, char token[32], int *thanks)
{
	const char *slash = strchr(arg, '/');
	size_t n = slash ? (size_t)(slash - arg) : strlen(arg);

	if (n == 0 || n >= 32)
		return -1;
	memcpy(token, arg, n);
	token[n] = '\0';
	*thanks = 0;
	if (slash != NULL) {
		if (strcmp(slash, "/thanks") == 0)
			*thanks = 1;
		else if (strcmp(slash, "/h") == 0)
			*thanks = 2;
		else
			return -1;
	}
	return 0;
}

/* "0".."10" -> score; -1 otherwise. */
static int
parse_score(const char *s)
{
	long long v;

	if (s == NULL || strlen(s) > 2 || config_parse_number(s, 0, 10, &v) == -1)
		return -1;
	return (int)v;
}

/* Logs a view of the survey page (or of the honeypot link) with its
 * score: how scanners are told from people. Never touches the answer. */
static void
log_view(long long survey, int score, const char *kind)
{
	struct store *db = store_thread();

	if (db == NULL)
		return;
	if (store_page_view_add(db, survey, botcheck_now_ms(), score, kind) != STORE_OK)
		log_warnx("page view not logged: %s", store_errmsg(db));
}

static enum MHD_Result
render_form(struct request *req, const struct store_answer_survey *p, int score, unsigned status,
    const char *comment, int comment_error)
{
	char form_action[64], checked[11][12], stamp[BOTCHECK_STAMP_LEN];
	struct template_var vars[24];
	size_t n = 0;

	botcheck_stamp(p->id, botcheck_now_ms(), stamp);
	vars[n++] = (struct template_var){ "render_stamp", stamp };

	snprintf(form_action, sizeof form_action, "/s/%.31s", req->arg);
	vars[n++] = (struct template_var){ "ticket_id", p->ticket_id };
	vars[n++] = (struct template_var){ "ticket_subject", p->subject };
	vars[n++] = (struct template_var){ "agent_name", p->agent_name };
	vars[n++] = (struct template_var){ "form_action", form_action };
	vars[n++] = (struct template_var){ "comment", comment ? comment : p->comment };
	vars[n++] = (struct template_var){ "comment_error", comment_error ? "shown" : "" };
	/* the follow-up question for the pre-selected score's band */
	vars[n++] = (struct template_var){ "band", score < 0 ? "none" :
	    nps_band_name(nps_band(score)) };
	for (int i = 0; i <= 10; i++) {
		static const char *const names[] = { "checked_0", "checked_1", "checked_2",
		    "checked_3", "checked_4", "checked_5", "checked_6", "checked_7", "checked_8",
		    "checked_9", "checked_10" };
		snprintf(checked[i], sizeof checked[i], "%s", i == score ? "checked" : "");
		vars[n++] = (struct template_var){ names[i], checked[i] };
	}
	return page_render(req, status, p->language, TEMPLATE_SURVEY, vars, n);
}

enum MHD_Result
page_survey_get(struct request *req)
{
	struct store_answer_survey p;
	enum page_lookup r;
	char token[32];
	const char *score_arg;
	int thanks, score;

	if (split_arg(req->arg, token, &thanks) == -1)
		return page_lookup_failed(req, PAGE_UNKNOWN, NULL);
	r = page_find(token, time(NULL), &p);
	if (thanks == 2) {	/* no person sees or follows this link */
		if (r == PAGE_FOUND || r == PAGE_EXPIRED)
			log_view(p.id, -1, "honeypot");
		return http_html(req, MHD_HTTP_OK, "<!DOCTYPE html><title>-</title>", 30);
	}
	if (thanks && (r == PAGE_FOUND || r == PAGE_EXPIRED) && p.score >= 0) {
		const struct template_var vars[] = { { "ticket_id", p.ticket_id } };
		return page_render(req, MHD_HTTP_OK, p.language, TEMPLATE_THANKS, vars, 1);
	}
	if (r != PAGE_FOUND)
		return page_lookup_failed(req, r, r == PAGE_EXPIRED ? p.language : NULL);
	if (thanks)	/* not answered yet: show the question instead */
		return render_form(req, &p, -1, MHD_HTTP_OK, NULL, 0);
	score_arg = http_query(req, "score");
	score = p.score;
	if (score_arg != NULL && (score = parse_score(score_arg)) == -1) {
		log_view(p.id, -1, strcmp(req->method, "HEAD") == 0 ? "head" : "page");
		const struct template_var vars[] = { { "reason", "score" } };
		return page_render(req, MHD_HTTP_BAD_REQUEST, p.language, TEMPLATE_ERROR_400,
		    vars, 1);
	}
	log_view(p.id, score_arg != NULL ? score : -1, strcmp(req->method, "HEAD") == 0 ? "head" :
	    "page");
	return render_form(req, &p, score, MHD_HTTP_OK, NULL, 0);
}

static int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p;
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if ((size_t)(end - p) <= n)
			return 0;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Characters (code points) of valid UTF-8. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Records the answer; a detractor's (unflagged) answer opens a follow-up
 * when alert is set. One transaction. */
static int
answer_store(struct store *db, const struct store_answer *a, int alert)
{
	int rc;

	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	rc = store_answer_record(db, a);
	if (rc == STORE_OK && alert)
		rc = store_followup_open(db, a->survey, a->at);
	if (rc != STORE_OK) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

enum MHD_Result
page_survey_post(struct request *req)
{
	struct store_answer_survey p;
	enum page_lookup r;
	char token[32], location[96];
	const char *comment;
	time_t now = time(NULL);
	int thanks, score, rc;
	long long render_ms;
	const char *rule;
	struct store *db;

	if (split_arg(req->arg, token, &thanks) == -1 || thanks)
		return page_lookup_failed(req, PAGE_UNKNOWN, NULL);
	http_form_finish(req);
	r = page_find(token, now, &p);
	if (r != PAGE_FOUND)
		return page_lookup_failed(req, r, r == PAGE_EXPIRED ? p.language : NULL);
	score = req->form.score_too_long ? -1 : parse_score(req->form.score);
	comment = req->form.comment.data ? req->form.comment.data : "";
	if (score != -1 && !req->form.comment_too_long &&
	    utf8_valid(comment, req->form.comment.len) &&
	    strlen(comment) == req->form.comment.len &&
	    utf8_chars(comment) > NPSD_MAX_COMMENT_CHARS)	/* refused, the text kept */
		return render_form(req, &p, score, MHD_HTTP_BAD_REQUEST, comment, 1);
	if (score == -1 || req->form.comment_too_long ||
	    !utf8_valid(comment, req->form.comment.len) ||
	    strlen(comment) != req->form.comment.len ||
	    utf8_chars(comment) > NPSD_MAX_COMMENT_CHARS) {
		const struct template_var vars[] = {
			{ "reason", score == -1 ? "score" : "comment" } };
		return page_render(req, MHD_HTTP_BAD_REQUEST, p.language, TEMPLATE_ERROR_400,
		    vars, 1);
	}
	render_ms = req->form.stamp_too_long ? -1 : botcheck_render_time(p.id, req->form.stamp);
	rule = botcheck_rule(render_ms, botcheck_now_ms());
	if ((db = store_thread()) == NULL)
		return page_lookup_failed(req, PAGE_ERROR, p.language);
	if (rule == NULL)
		rule = botcheck_burst_rule(db, p.id, render_ms);
	rc = answer_store(db, &(struct store_answer){ p.id, score, comment, (long long)now,
	    render_ms, rule }, req->cfg->alert_detractors);
	if (rc != STORE_OK) {
		log_warnx("answer not stored: %s", store_errmsg(db));
		return page_lookup_failed(req, PAGE_ERROR, p.language);
	}
	if (req->cfg->alert_detractors && nps_is_detractor(score) && rule == NULL)
		mailer_wake();	/* the team lead hears at once */
	snprintf(location, sizeof location, "/s/%s/thanks", token);
	return http_redirect(req, location);
}
