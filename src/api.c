/* api.c - owns GET /api/v1/nps and GET /api/v1/responses: bearer tokens,
 * strict query parsing (unknown or repeated parameters are refused), and
 * the scope rules of access.c applied before any data is read. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "event.h"
#include "http.h"
#include "log.h"
#include "page.h"
#include "report.h"
#include "responses.h"

#define API_MAX_VALUE	1024	/* bytes of one query parameter */
#define API_PAGE_DEFAULT 100
#define API_PAGE_MAX	1000

struct api_args {
	const char	*allowed;	/* " by since ... " */
	const char	*bad;		/* the first offending parameter */
	const char	*why;
	char		 seen[512];
};

static enum MHD_Result
check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct api_args *a = cls;
	char word[40];
	size_t len;

	(void)kind;
	if (a->bad != NULL)
		return MHD_NO;
	if (strlen(key) > 20 || strchr(key, ' ') != NULL) {
		a->bad = "(a parameter)", a->why = "is not known here";
		return MHD_NO;
	}
	snprintf(word, sizeof word, " %s ", key);
	if (strstr(a->allowed, word) == NULL) {
		a->bad = key, a->why = "is not known here";
		return MHD_NO;
	}
	if (strstr(a->seen, word) != NULL) {
		a->bad = key, a->why = "is given more than once";
		return MHD_NO;
	}
	if (value == NULL || *value == '\0' || strlen(value) > API_MAX_VALUE) {
		a->bad = key, a->why = "needs a value of 1 to 1024 bytes";
		return MHD_NO;
	}
	len = strlen(a->seen);
	snprintf(a->seen + len, sizeof a->seen - len, "%s", word + (len > 0));
	return MHD_YES;
}

static enum MHD_Result
bad_request(struct request *req, const char *param, const char *why)
{
	char msg[160];

	snprintf(msg, sizeof msg, "query parameter \"%.40s\" %s", param, why);
	return http_error(req, MHD_HTTP_BAD_REQUEST, "bad_request", msg);
}

/* The bearer token's principal; answers 401 (returns 0) when there is
 * none, 503 when the database cannot tell. */
static int
authenticate(struct request *req, struct access_principal *p, enum MHD_Result *ret)
{
	const char *h = http_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	struct store *db = store_thread();
	int rc;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		*ret = http_unauthorized(req, "send Authorization: Bearer <token> "
		    "(npsctl token create)");
		return 0;
	}
	h += 7;
	while (*h == ' ')
		h++;
	if (db == NULL) {
		*ret = http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
		    "the database is unavailable");
		return 0;
	}
	rc = access_token_find(db, h, time(NULL), p);
	if (rc == 1)
		return 1;
	if (rc == -1) {
		*ret = http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
		    "the database is unavailable");
		return 0;
	}
	/* a valid token is never refused; only this client's failures count */
	if (page_attempt_failed(req, ret))
		return 0;
	*ret = http_unauthorized(req, "the token is unknown, expired or revoked");
	return 0;
}

/* Period and filters, as npsctl takes them; defaults: the last 30 whole
 * days. Teams are split into buf. */
static int
parse_filters(struct request *req, struct report_query *q, const char **teams, char *buf,
    size_t buflen, const char **bad, const char **why)
{
	const char *since = http_query(req, "since"), *until = http_query(req, "until");
	const char *last = http_query(req, "last"), *team = http_query(req, "team");
	char full[40];
	long long dur = 30 * 86400;
	time_t now = time(NULL);
	int n;

	if (last != NULL && (since != NULL || until != NULL)) {
		*bad = "last", *why = "cannot be combined with since or until";
		return -1;
	}
	if (last != NULL && (config_parse_duration(last, &dur) == -1 || dur == 0)) {
		*bad = "last", *why = "must be a duration such as 30d";
		return -1;
	}
	if (since != NULL) {
		snprintf(full, sizeof full, "%.12sT00:00:00Z", since);
		if (strlen(since) != 10 || event_parse_time(full, &q->since) == -1) {
			*bad = "since", *why = "must be a date YYYY-MM-DD";
			return -1;
		}
	}
	if (until != NULL) {
		snprintf(full, sizeof full, "%.12sT00:00:00Z", until);
		if (strlen(until) != 10 || event_parse_time(full, &q->until) == -1) {
			*bad = "until", *why = "must be a date YYYY-MM-DD";
			return -1;
		}
	} else {
		q->until = since != NULL || dur % 86400 == 0 ? now - now % 86400 + 86400 : now + 1;
	}
	if (since == NULL)
		q->since = q->until - (time_t)dur;
	if (q->since >= q->until) {
		*bad = "since", *why = "must be before until";
		return -1;
	}
	q->agent = http_query(req, "agent");
	q->category = http_query(req, "category");
	if (team != NULL) {
		snprintf(buf, buflen, "%s", team);
		if ((n = report_split_list(buf, teams, NPSD_MAX_REPORT_TEAMS)) < 0) {
			*bad = "team", *why = "must be ID[,ID...] with at most 64 teams";
			return -1;
		}
		q->teams = teams;
		q->nteams = (size_t)n;
	}
	return 0;
}

/* The path, the token, then the parameters' names; 0 with ret answered
 * when the request goes no further. */
static int
api_begin(struct request *req, struct api_args *args, struct access_principal *p,
    enum MHD_Result *ret)
{
	if (*req->arg != '\0') {
		*ret = http_error(req, MHD_HTTP_NOT_FOUND, "not_found", "no such path");
		return 0;
	}
	if (!authenticate(req, p, ret))
		return 0;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_arg, args);
	if (args->bad != NULL) {
		access_principal_free(p);
		*ret = bad_request(req, args->bad, args->why);
		return 0;
	}
	return 1;
}

static enum MHD_Result
forbidden(struct request *req, const char *why)
{
	return http_error(req, MHD_HTTP_FORBIDDEN, "forbidden", why);
}

enum MHD_Result
api_nps(struct request *req)
{
	struct api_args args = { " by since until last team agent category interval ", NULL,
		NULL, "" };
	struct report_query q = { .by = REPORT_BY_TEAM };
	struct access_principal p;
	const char *teams[NPSD_MAX_REPORT_TEAMS], *by, *iv, *bad = NULL, *why = NULL;
	char teambuf[API_MAX_VALUE + 1], *text = NULL;
	size_t len = 0;
	struct report r;
	enum MHD_Result ret;
	FILE *out;
	int rc;

	if (!api_begin(req, &args, &p, &ret))
		return ret;
	if ((by = http_query(req, "by")) != NULL) {
		if (strcmp(by, "agent") == 0) q.by = REPORT_BY_AGENT;
		else if (strcmp(by, "team") == 0) q.by = REPORT_BY_TEAM;
		else if (strcmp(by, "category") == 0) q.by = REPORT_BY_CATEGORY;
		else if (strcmp(by, "none") == 0) q.by = REPORT_BY_NONE;
		else bad = "by", why = "must be agent, team, category or none";
	}
	if ((iv = http_query(req, "interval")) != NULL) {
		if (strcmp(iv, "week") == 0) q.interval = REPORT_INTERVAL_WEEK;
		else if (strcmp(iv, "month") == 0) q.interval = REPORT_INTERVAL_MONTH;
		else bad = "interval", why = "must be week or month";
	}
	if (bad == NULL)
		parse_filters(req, &q, teams, teambuf, sizeof teambuf, &bad, &why);
	if (bad != NULL) {
		access_principal_free(&p);
		return bad_request(req, bad, why);
	}
	if (access_scope(&p, &q, &why) == -1) {
		access_principal_free(&p);
		return forbidden(req, why);
	}
	rc = report_run(store_thread(), &q, &r);
	if (rc != 0) {
		access_principal_free(&p);
		if (rc == -2)
			return http_error(req, MHD_HTTP_BAD_REQUEST, "too_large",
			    "the period has too many buckets; choose a shorter period or a "
			    "longer interval");
		log_warnx("api: report failed: %s", store_errmsg(store_thread()));
		return http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
		    "the report could not be read");
	}
	if ((out = open_memstream(&text, &len)) != NULL) {
		rc = report_write_json(out, &q, &r);
		if (fclose(out) != 0)
			rc = -1;
	}
	report_free(&r);
	access_principal_free(&p);
	if (out == NULL || rc != 0) {
		free(text);
		return http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "no report");
	}
	ret = http_text(req, MHD_HTTP_OK, "application/json", text);
	free(text);
	return ret;
}

struct api_list {
	json_t	*rows;
	int	 with_requester;
};

static int
add_row(void *arg, const struct response *r)
{
	struct api_list *l = arg;
	json_t *o = responses_json(r, l->with_requester);

	return o == NULL ? -1 : json_array_append_new(l->rows, o);
}

enum MHD_Result
api_responses(struct request *req)
{
	struct api_args args = { " since until last team agent category comments limit cursor ",
		NULL, NULL, "" };
	struct report_query q = { .by = REPORT_BY_NONE };
	struct responses_page page = { .limit = API_PAGE_DEFAULT };
	struct access_principal p;
	struct api_list list;
	const char *teams[NPSD_MAX_REPORT_TEAMS], *bad = NULL, *why = NULL, *v;
	char teambuf[API_MAX_VALUE + 1], next[48];
	enum MHD_Result ret;
	int n;

	if (!api_begin(req, &args, &p, &ret))
		return ret;
	if ((v = http_query(req, "comments")) != NULL) {
		if (strcmp(v, "only") == 0) page.comments_only = 1;
		else if (strcmp(v, "all") != 0) bad = "comments", why = "must be only or all";
	}
	if ((v = http_query(req, "limit")) != NULL) {
		char *end;
		long l = strtol(v, &end, 10);

		if (*end != '\0' || l < 1 || l > API_PAGE_MAX || !(*v >= '0' && *v <= '9'))
			bad = "limit", why = "must be a number from 1 to 1000";
		else
			page.limit = (int)l;
	}
	if ((v = http_query(req, "cursor")) != NULL &&
	    responses_cursor_parse(v, &page.after) == -1)
		bad = "cursor", why = "must be the \"next\" value of the previous page";
	if (bad == NULL)
		parse_filters(req, &q, teams, teambuf, sizeof teambuf, &bad, &why);
	if (bad != NULL) {
		access_principal_free(&p);
		return bad_request(req, bad, why);
	}
	if (access_scope(&p, &q, &why) == -1) {
		access_principal_free(&p);
		return forbidden(req, why);
	}
	list.rows = json_array();
	list.with_requester = access_sees_requesters(&p);
	n = responses_each(store_thread(), &q, &page, add_row, &list);
	access_principal_free(&p);
	if (n < 0) {
		json_decref(list.rows);
		log_warnx("api: responses failed: %s", store_errmsg(store_thread()));
		return http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
		    "the responses could not be read");
	}
	if (page.more)
		responses_cursor_format(&page.next, next, sizeof next);
	return http_json(req, MHD_HTTP_OK, json_pack("{s:o, s:o}", "responses", list.rows,
	    "next", page.more ? json_string(next) : json_null()));
}
