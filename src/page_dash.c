/* page_dash.c - owns the dashboard pages: /me (an agent's own scores),
 * /teams/{id} (a team, for its managers and admins), / (each team's
 * trend side by side) and marking a follow-up done. Every page is scoped
 * on the server: signed out goes to /login, anything else is 403. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "dash_html.h"
#include "event.h"
#include "crypto.h"
#include "log.h"
#include "report.h"
#include "responses.h"
#include "store_followup.h"
#include "store_report.h"

enum dash_lang
dash_request_lang(struct request *req)
{
	const char *q = http_query(req, "lang"), *al;
	char tag[32], lang[8];

	if (q != NULL)
		return strcmp(q, "nl") == 0 ? DASH_NL : DASH_EN;
	if ((al = http_header(req, "Accept-Language")) == NULL)
		return DASH_EN;
	/* tags in the order given; the first we speak wins */
	while (*al != '\0') {
		size_t n = strcspn(al, ",;");

		if (n > 0 && n < sizeof tag) {
			memcpy(tag, al, n);
			tag[n] = '\0';
			if (event_language(tag, lang, 1) == 0 && lang[0] != '\0')
				return strcmp(lang, "nl") == 0 ? DASH_NL : DASH_EN;
		}
		al += n;
		al += strcspn(al, ",");
		while (*al == ',' || *al == ' ')
			al++;
	}
	return DASH_EN;
}

int
dash_session(struct request *req, struct dash_user *u)
{
	struct store *db = store_thread();

	memset(u, 0, sizeof *u);
	if (db == NULL)
		return -1;
	return session_find(db, http_cookie(req, SESSION_COOKIE), time(NULL), u);
}

enum MHD_Result
dash_send(struct request *req, unsigned status, struct buf *b)
{
	enum MHD_Result ret;

	if (b->data == NULL) {
		buf_free(b);
		return http_text(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "no page\n");
	}
	ret = http_html(req, status, b->data, b->len);
	buf_free(b);
	return ret;
}

enum MHD_Result
dash_message(struct request *req, unsigned status, enum dash_lang l,
    const struct dash_user *u, enum dash_word title, enum dash_word text)
{
	struct buf b;

	buf_init(&b, NPSD_MAX_PAGE);
	dash_begin(&b, l, dash_word(l, title), u, "/");
	buf_printf(&b, "<section><p>%s</p>", dash_word(l, text));
	if (u == NULL && status != MHD_HTTP_OK)
		buf_printf(&b, "<p><a href=\"/login?lang=%s\">%s</a></p>", dash_lang_code(l),
		    dash_word(l, W_SIGN_IN));
	buf_puts(&b, "</section>");
	dash_end(&b);
	return dash_send(req, status, &b);
}

/* The period: the last N months (3, 6, 12 or 24; default 12) up to today. */
static int
period_months(struct request *req)
{
	const char *m = http_query(req, "months");

	if (m != NULL && strcmp(m, "3") == 0)
		return 3;
	if (m != NULL && strcmp(m, "6") == 0)
		return 6;
	if (m != NULL && strcmp(m, "24") == 0)
		return 24;
	return 12;
}

static void
period(int months, struct report_query *q)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon -= months - 1;
	q->since = timegm(&tm);
	q->until = now - now % 86400 + 86400;
}

static void
period_links(struct buf *b, enum dash_lang l, const char *path, int months)
{
	static const int choices[] = { 3, 6, 12, 24 };

	buf_printf(b, "<p>%s: ", dash_word(l, W_PERIOD));
	for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
		if (choices[i] == months)
			buf_printf(b, "<strong>%d %s</strong> ", choices[i], dash_word(l, W_MONTHS));
		else
			buf_printf(b, "<a href=\"%s?months=%d&amp;lang=%s\">%d %s</a> ", path,
			    choices[i], dash_lang_code(l), choices[i], dash_word(l, W_MONTHS));
	}
	buf_puts(b, "</p>");
}

/* Redirects to /login when signed out; 1 when u is set. */
static int
signed_in(struct request *req, struct dash_user *u, enum MHD_Result *ret)
{
	int rc = dash_session(req, u);

	if (rc == 1)
		return 1;
	if (rc == 0)
		*ret = http_redirect(req, dash_request_lang(req) == DASH_NL ? "/login?lang=nl" :
		    "/login");
	else
		*ret = http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	return 0;
}

struct comment_rows {
	struct buf	*b;
	enum dash_lang	 l;
	int		 rows, with_agent;
};

static int
comment_row(void *arg, const struct response *r)
{
	struct comment_rows *c = arg;
	char when[32];

	event_format_time((time_t)r->answered_at, when, sizeof when);
	when[10] = '\0';
	buf_printf(c->b, "<tr><td>%s</td><td>", when);
	dash_esc(c->b, r->ticket_id);
	buf_puts(c->b, " ");
	dash_esc(c->b, r->subject);
	if (c->with_agent) {
		buf_puts(c->b, "</td><td>");
		dash_esc(c->b, r->agent_id);
	}
	buf_printf(c->b, "</td><td class=\"n\">%d</td><td>", r->score);
	dash_esc(c->b, r->comment ? r->comment : "");
	buf_puts(c->b, "</td></tr>");
	c->rows++;
	return 0;
}

static void
comments_section(struct buf *b, enum dash_lang l, const struct report_query *q, int with_agent)
{
	struct responses_page page = { .comments_only = 1, .limit = 30 };
	struct comment_rows c = { b, l, 0, with_agent };

	buf_printf(b, "<section><h2>%s</h2><table><thead><tr><th>%s</th><th>%s</th>%s%s%s"
	    "<th>%s</th><th>%s</th></tr></thead><tbody>", dash_word(l, W_COMMENTS),
	    dash_word(l, W_WHEN), dash_word(l, W_TICKET), with_agent ? "<th>" : "",
	    with_agent ? dash_word(l, W_AGENT) : "", with_agent ? "</th>" : "",
	    dash_word(l, W_SCORE), dash_word(l, W_COMMENTS));
	if (responses_each(store_thread(), q, &page, comment_row, &c) < 0)
		log_warnx("dashboard: comments could not be read");
	buf_puts(b, "</tbody></table>");
	if (c.rows == 0)
		buf_printf(b, "<p class=\"muted\">%s</p>", dash_word(l, W_NO_COMMENTS));
	buf_puts(b, "</section>");
}

/* Totals, trend and distribution of one query's single group. */
static int
scores_sections(struct buf *b, enum dash_lang l, struct report_query *q, int with_gap)
{
	struct report total, series;
	struct report_figures f;
	struct report_group none = { 0 };

	q->interval = REPORT_INTERVAL_NONE;
	if (report_run(store_thread(), q, &total) != 0)
		return -1;
	q->interval = REPORT_INTERVAL_MONTH;
	if (report_run(store_thread(), q, &series) != 0) {
		report_free(&total);
		return -1;
	}
	buf_puts(b, "<section>");
	dash_figures(b, l, total.ngroups > 0 ? &total.groups[0] : &none);
	buf_printf(b, "</section><section><h2>%s</h2>", dash_word(l, W_TREND));
	dash_trend(b, l, series.groups, series.ngroups, 0);
	buf_printf(b, "</section><section><h2>%s</h2>", dash_word(l, W_DISTRIBUTION));
	dash_distribution(b, l, total.ngroups > 0 ? &total.groups[0] : &none);
	buf_puts(b, "</section>");
	if (with_gap) {
		report_figures(total.ngroups > 0 ? &total.groups[0] : &none, &f);
		buf_printf(b, "<section><h2>%s</h2>", dash_word(l, W_SELF_GAP));
		if (f.has_self)
			buf_printf(b, "<p>%s %.1f, %s %.1f: %s %+.1f</p>", dash_word(l, W_SELF_AVG),
			    f.self_avg, dash_word(l, W_CUSTOMER_AVG), f.customer_avg,
			    dash_word(l, W_GAP), f.gap);
		else
			buf_printf(b, "<p class=\"muted\">%s</p>", dash_word(l, W_NO_SELF));
		buf_puts(b, "</section>");
	}
	report_free(&total);
	report_free(&series);
	return 0;
}

enum MHD_Result
page_dash_me(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	struct report_query q = { .by = REPORT_BY_NONE };
	int months = period_months(req);
	struct dash_user u;
	enum MHD_Result ret;
	struct buf b;

	if (!signed_in(req, &u, &ret))
		return ret;
	if (u.agent_id[0] == '\0') {
		ret = dash_message(req, MHD_HTTP_OK, l, &u, W_MY_SCORES, W_NOT_AGENT);
		session_user_free(&u);
		return ret;
	}
	period(months, &q);
	q.agent = u.agent_id;		/* this agent, nobody else */
	buf_init(&b, NPSD_MAX_PAGE * 4);
	dash_begin(&b, l, dash_word(l, W_MY_SCORES), &u, "/me");
	period_links(&b, l, "/me", months);
	if (scores_sections(&b, l, &q, 1) == -1) {
		buf_free(&b);
		session_user_free(&u);
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	}
	comments_section(&b, l, &q, 0);
	dash_end(&b);
	session_user_free(&u);
	return dash_send(req, MHD_HTTP_OK, &b);
}

/* One group's row: its name, the extra counts, n, NPS and margin; small
 * samples greyed. */
static void
group_row(struct buf *b, const struct report_group *g, const char *name, int volume)
{
	struct report_figures f;

	report_figures(g, &f);
	buf_printf(b, "<tr%s><td>", f.low_sample ? " class=\"low\"" : "");
	dash_esc(b, name);
	buf_puts(b, "</td>");
	if (volume)
		buf_printf(b, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>", g->closed,
		    g->sent);
	buf_printf(b, "<td class=\"n\">%lld</td>", f.responses);
	if (f.has_nps)
		buf_printf(b, "<td class=\"n\">%+.1f</td><td class=\"n\">%.1f</td></tr>", f.nps,
		    f.moe);
	else
		buf_puts(b, "<td class=\"n\">\xe2\x80\x93</td><td></td></tr>");
}

static void
categories_section(struct buf *b, enum dash_lang l, const struct report_query *base)
{
	struct report_query q = *base;
	struct report r;

	q.by = REPORT_BY_CATEGORY;
	q.interval = REPORT_INTERVAL_NONE;
	buf_printf(b, "<section><h2>%s</h2><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>n</th><th>%s</th><th>\xc2\xb1</th></tr></thead><tbody>",
	    dash_word(l, W_CATEGORIES), dash_word(l, W_CATEGORY), dash_word(l, W_CLOSED),
	    dash_word(l, W_SENT), dash_word(l, W_NPS));
	if (report_run(store_thread(), &q, &r) == 0) {
		for (size_t i = 0; i < r.ngroups; i++)
			group_row(b, &r.groups[i], r.groups[i].key[0] ? r.groups[i].label :
			    "\xe2\x80\x93", 1);
		report_free(&r);
	}
	buf_puts(b, "</tbody></table></section>");
}

static int
label_cmp(const void *a, const void *b)
{
	const struct report_group *x = a, *y = b;

	return strcasecmp(x->label, y->label);
}

static void
agents_section(struct buf *b, enum dash_lang l, const struct report_query *base)
{
	struct report_query q = *base;
	struct report r;

	q.by = REPORT_BY_AGENT;
	q.interval = REPORT_INTERVAL_NONE;
	buf_printf(b, "<section><h2>%s</h2><table><thead><tr><th>%s</th><th>n</th><th>%s</th>"
	    "<th>\xc2\xb1</th></tr></thead><tbody>", dash_word(l, W_AGENTS),
	    dash_word(l, W_AGENT), dash_word(l, W_NPS));
	if (report_run(store_thread(), &q, &r) == 0) {
		/* alphabetical by name: never ranked by score */
		if (r.ngroups > 1)
			qsort(r.groups, r.ngroups, sizeof *r.groups, label_cmp);
		for (size_t i = 0; i < r.ngroups; i++)
			group_row(b, &r.groups[i], r.groups[i].label, 0);
		report_free(&r);
	}
	buf_printf(b, "</tbody></table><p class=\"low\">%s</p></section>",
	    dash_word(l, W_LOW_SAMPLE));
}

struct followup_rows {
	struct buf		*b;
	enum dash_lang		 l;
	const struct dash_user	*u;
	const char		*team;
	int			 rows;
};

static int
followup_row(void *arg, const struct store_followup *f)
{
	struct followup_rows *o = arg;
	struct buf *b = o->b;
	enum dash_lang l = o->l;

	if (o->rows++ == 0)
		buf_printf(b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		    dash_word(l, W_TICKET), dash_word(l, W_AGENT), dash_word(l, W_SCORE),
		    dash_word(l, W_REQUESTER), dash_word(l, W_COMMENTS));
	buf_puts(b, "<tr><td>");
	dash_esc(b, f->ticket_id);
	buf_puts(b, " ");
	dash_esc(b, f->subject);
	buf_puts(b, "</td><td>");
	dash_esc(b, f->agent);
	buf_printf(b, "</td><td class=\"n\">%d</td><td>", f->score);
	dash_esc(b, f->requester_name);
	buf_puts(b, "<br>");
	dash_esc(b, f->requester_email);
	buf_puts(b, "</td><td>");
	dash_esc(b, f->comment);
	buf_puts(b, "</td><td><form method=\"post\" action=\"/teams/");
	dash_url_segment(b, o->team);
	buf_printf(b, "/followups/%s?lang=%s\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><label>%s <input type=\"text\" name=\"comment\" "
	    "maxlength=\"500\"></label> <button>%s</button></form></td></tr>", f->survey,
	    dash_lang_code(l), o->u->csrf, dash_word(l, W_NOTE), dash_word(l, W_MARK_DONE));
	return 0;
}

static void
followups_section(struct buf *b, enum dash_lang l, const struct dash_user *u, const char *team)
{
	struct followup_rows o = { b, l, u, team, 0 };

	buf_printf(b, "<section id=\"followups\"><h2>%s</h2>", dash_word(l, W_FOLLOWUPS));
	if (store_followup_each(store_thread(), team, 0, followup_row, &o) != STORE_OK)
		log_warnx("dashboard: follow-ups could not be read");
	if (o.rows > 0)
		buf_puts(b, "</tbody></table>");
	else
		buf_printf(b, "<p class=\"muted\">%s</p>", dash_word(l, W_NO_FOLLOWUPS));
	buf_puts(b, "</section>");
}

/* "/teams/{id}" -> id; "" when the path goes further. */
static int
team_of(const char *arg, char *out, size_t outlen)
{
	size_t n = strcspn(arg, "/");

	if (n == 0 || n >= outlen || arg[n] != '\0')
		return -1;
	memcpy(out, arg, n);
	out[n] = '\0';
	return 0;
}

static const char *
team_name(const char *team, char *out, size_t outlen)
{
	char *name = NULL;

	if (store_report_names(store_thread(), REPORT_BY_TEAM, &team, 1, &name) == STORE_OK &&
	    name != NULL)
		snprintf(out, outlen, "%s", name);
	else
		snprintf(out, outlen, "%s", team);
	free(name);
	return out;
}

enum MHD_Result
page_dash_team(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	struct report_query q = { .by = REPORT_BY_NONE };
	char team[NPSD_MAX_ID + 1], name[NPSD_MAX_FIELD + 1];
	const char *teams[1];
	int months = period_months(req);
	struct dash_user u;
	enum MHD_Result ret;
	struct buf b;

	if (!signed_in(req, &u, &ret))
		return ret;
	if (team_of(req->arg, team, sizeof team) == -1) {
		ret = dash_message(req, MHD_HTTP_NOT_FOUND, l, &u, W_NOT_FOUND, W_NOT_FOUND);
		session_user_free(&u);
		return ret;
	}
	if (!session_manages(&u, team)) {
		ret = dash_message(req, MHD_HTTP_FORBIDDEN, l, &u, W_FORBIDDEN, W_FORBIDDEN_TEXT);
		session_user_free(&u);
		return ret;
	}
	period(months, &q);
	teams[0] = team;
	q.teams = teams;
	q.nteams = 1;
	buf_init(&b, NPSD_MAX_PAGE * 8);
	dash_begin(&b, l, team_name(team, name, sizeof name), &u, "");
	period_links(&b, l, "", months);
	if (scores_sections(&b, l, &q, 0) == -1) {
		buf_free(&b);
		session_user_free(&u);
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	}
	followups_section(&b, l, &u, team);
	categories_section(&b, l, &q);
	agents_section(&b, l, &q);
	comments_section(&b, l, &q, 1);
	dash_end(&b);
	session_user_free(&u);
	return dash_send(req, MHD_HTTP_OK, &b);
}

enum MHD_Result
page_dash_overview(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	struct report_query q = { .by = REPORT_BY_TEAM, .interval = REPORT_INTERVAL_MONTH };
	const char *teams[NPSD_MAX_REPORT_TEAMS];
	int months = period_months(req);
	struct dash_user u;
	enum MHD_Result ret;
	struct report r;
	struct buf b;

	if (!signed_in(req, &u, &ret))
		return ret;
	if (!u.admin && u.nteams == 0) {
		session_user_free(&u);
		if (u.agent_id[0] != '\0')
			return http_redirect(req, l == DASH_NL ? "/me?lang=nl" : "/me");
		return dash_message(req, MHD_HTTP_OK, l, NULL, W_OVERVIEW, W_NO_TEAMS);
	}
	period(months, &q);
	if (!u.admin) {		/* a manager: that manager's teams only */
		for (size_t i = 0; i < u.nteams; i++)
			teams[i] = u.teams[i];
		q.teams = teams;
		q.nteams = u.nteams;
	}
	if (report_run(store_thread(), &q, &r) != 0) {
		session_user_free(&u);
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	}
	buf_init(&b, NPSD_MAX_PAGE * 8);
	dash_begin(&b, l, dash_word(l, W_OVERVIEW), &u, "/");
	period_links(&b, l, "/", months);
	buf_printf(&b, "<p class=\"muted\">%s</p><div class=\"teams\">", dash_word(l, W_NOT_RANKED));
	/* rows come sorted by team id, each team's months together */
	for (size_t i = 0; i < r.ngroups;) {
		size_t j = i;
		struct report_group total = { 0 };
		struct report_figures f;

		while (j < r.ngroups && strcmp(r.groups[j].key, r.groups[i].key) == 0) {
			for (int s = 0; s <= 10; s++)
				total.distribution[s] += r.groups[j].distribution[s];
			j++;
		}
		report_figures(&total, &f);
		buf_puts(&b, "<section><h2><a href=\"/teams/");
		dash_url_segment(&b, r.groups[i].key);
		buf_printf(&b, "?lang=%s\">", dash_lang_code(l));
		dash_esc(&b, r.groups[i].label[0] ? r.groups[i].label : r.groups[i].key);
		buf_puts(&b, "</a></h2>");
		dash_figures(&b, l, &total);
		dash_trend(&b, l, &r.groups[i], j - i, 1);
		buf_puts(&b, "</section>");
		i = j;
	}
	buf_puts(&b, "</div>");
	if (r.ngroups == 0)
		buf_printf(&b, "<p class=\"muted\">%s</p>", dash_word(l, W_NO_ANSWERS));
	report_free(&r);
	dash_end(&b);
	session_user_free(&u);
	return dash_send(req, MHD_HTTP_OK, &b);
}

/* POST /teams/{id}/followups/{survey}: mark done, with the note. */
enum MHD_Result
page_dash_followup(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	char team[NPSD_MAX_ID + 1];
	struct buf location;
	const char *slash = strchr(req->arg, '/'), *svy;
	struct dash_user u;
	enum MHD_Result ret;
	size_t n;
	int rc;

	http_form_finish(req);
	if (!signed_in(req, &u, &ret))
		return ret;
	n = slash != NULL ? (size_t)(slash - req->arg) : 0;
	if (slash == NULL || n == 0 || n >= sizeof team ||
	    strncmp(slash, "/followups/", 11) != 0 || slash[11] == '\0') {
		session_user_free(&u);
		return dash_message(req, MHD_HTTP_NOT_FOUND, l, NULL, W_NOT_FOUND, W_NOT_FOUND);
	}
	memcpy(team, req->arg, n);
	team[n] = '\0';
	svy = slash + 11;
	if (!session_manages(&u, team)) {
		ret = dash_message(req, MHD_HTTP_FORBIDDEN, l, &u, W_FORBIDDEN, W_FORBIDDEN_TEXT);
		session_user_free(&u);
		return ret;
	}
	if (req->form.csrf_too_long || strlen(req->form.csrf) != strlen(u.csrf) ||
	    !crypto_equal(req->form.csrf, u.csrf, strlen(u.csrf)) || req->form.comment_too_long ||
	    req->form.comment.len > 2000) {
		ret = dash_message(req, MHD_HTTP_FORBIDDEN, l, &u, W_FOLLOWUPS, W_BAD_FORM);
		session_user_free(&u);
		return ret;
	}
	/* only a follow-up of this team's survey */
	rc = store_followup_done(store_thread(), svy, team, time(NULL), u.email,
	    req->form.comment.len > 0 ? req->form.comment.data : NULL);
	session_user_free(&u);
	if (rc == STORE_NOTFOUND)
		return dash_message(req, MHD_HTTP_NOT_FOUND, l, NULL, W_NOT_FOUND, W_NOT_FOUND);
	if (rc != STORE_OK)
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	buf_init(&location, 4 * NPSD_MAX_ID);
	buf_puts(&location, "/teams/");
	dash_url_segment(&location, team);
	buf_printf(&location, "?lang=%s#followups", dash_lang_code(l));
	ret = location.data != NULL ? http_redirect(req, location.data) : MHD_NO;
	buf_free(&location);
	return ret;
}
