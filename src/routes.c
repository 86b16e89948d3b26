/* routes.c - the route table: which method and path go to which handler,
 * and what body each may carry. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "http.h"
#include "page.h"

/* Only POST /login is turned away before its body by page_throttled; the
 * other token routes refuse an over-limit client's failures only, in
 * their handlers (page.h), so that a valid token always passes. */
static const struct route routes[] = {
	{ "POST", "/hooks/", 0, BODY_JSON, hooks_handle, hooks_precheck },
	{ "GET", "/s/", 0, BODY_NONE, page_survey_get, NULL },
	{ "POST", "/s/", 0, BODY_FORM, page_survey_post, NULL },
	{ "GET", "/u/", 0, BODY_NONE, page_unsubscribe_get, NULL },
	{ "POST", "/u/", 0, BODY_FORM, page_unsubscribe_post, NULL },
	{ "GET", "/login", 1, BODY_NONE, page_login_get, NULL },
	{ "POST", "/login", 1, BODY_FORM, page_login_post, page_throttled },
	{ "GET", "/login/", 0, BODY_NONE, page_login_link_get, NULL },
	{ "POST", "/login/", 0, BODY_FORM, page_login_link_post, NULL },
	{ "POST", "/logout", 1, BODY_FORM, page_logout, NULL },
	{ "GET", "/me", 1, BODY_NONE, page_dash_me, NULL },
	{ "GET", "/teams/", 0, BODY_NONE, page_dash_team, NULL },
	{ "POST", "/teams/", 0, BODY_FORM, page_dash_followup, NULL },
	{ "GET", "/", 1, BODY_NONE, page_dash_overview, NULL },
	{ "GET", "/api/v1/nps", 0, BODY_NONE, api_nps, NULL },
	{ "GET", "/api/v1/responses", 0, BODY_NONE, api_responses, NULL },
	{ "GET", "/healthz", 1, BODY_NONE, health_handle, NULL },
	{ "GET", "/metrics", 1, BODY_NONE, metrics_handle, NULL },
};

/* Adds method to the comma-separated list in allow, once. */
static void
allow_add(char *allow, size_t allowlen, const char *method)
{
	size_t len = strlen(allow), n = strlen(method);
	const char *p = allow;

	while ((p = strstr(p, method)) != NULL) {
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	snprintf(allow + len, allowlen - len, "%s%s", len > 0 ? ", " : "", method);
}

static int
is_method(const char *method, const struct route *r)
{
	return strcmp(method, r->method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0);
}

const struct route *
routes_find(const char *method, const char *url, char *allow, size_t allowlen)
{
	allow[0] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *r = &routes[i];
		int match = r->exact ? strcmp(url, r->prefix) == 0 :
		    strncmp(url, r->prefix, strlen(r->prefix)) == 0;

		if (!match)
			continue;
		if (is_method(method, r))
			return r;
		allow_add(allow, allowlen, r->method);
		if (strcmp(r->method, "GET") == 0)
			allow_add(allow, allowlen, "HEAD");
	}
	return NULL;
}
