/* fuzz_query.c - owns fuzzing the API's query parsing in src/api.c: the
 * parameter check (unknown, repeated, empty, too long) for both
 * endpoints, the period and team filters, and the responses cursor.
 * api.c is compiled into this file so its static parsers can be driven;
 * the query string is split and unescaped as libmicrohttpd does ('+' to
 * space, then %XX) into mhd_fake.c's connection. The input is the query
 * string after '?'. */
#include "../src/api.c"

#include <stdint.h>

#include "harness.h"
#include "mhd_fake.h"

#define QUERY_MAX 8192

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
add_argument(char *pair)
{
	char *eq = strchr(pair, '=');
	size_t keylen;

	if (eq != NULL)
		*eq = '\0';
	for (char *p = pair; *p != '\0'; p++)
		if (*p == '+')
			*p = ' ';
	keylen = MHD_http_unescape(pair);
	if (eq == NULL) {
		mhd_fake_add(MHD_GET_ARGUMENT_KIND, pair, keylen, NULL, 0);
		return;
	}
	for (char *p = eq + 1; *p != '\0'; p++)
		if (*p == '+')
			*p = ' ';
	mhd_fake_add(MHD_GET_ARGUMENT_KIND, pair, keylen, eq + 1, MHD_http_unescape(eq + 1));
}

static int
check_names(struct request *req, const char *allowed)
{
	struct api_args args = { allowed, NULL, NULL, "" };

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_arg, &args);
	FUZZ_CHECK(memchr(args.seen, '\0', sizeof args.seen) != NULL);
	if (args.bad == NULL)
		return 0;
	FUZZ_CHECK(args.why != NULL);
	bad_request(req, args.bad, args.why);
	return -1;
}

static void
check_filters(struct request *req)
{
	struct report_query q = { .by = REPORT_BY_TEAM };
	const char *teams[NPSD_MAX_REPORT_TEAMS], *bad = NULL, *why = NULL;
	char teambuf[API_MAX_VALUE + 1];

	if (parse_filters(req, &q, teams, teambuf, sizeof teambuf, &bad, &why) == -1) {
		FUZZ_CHECK(bad != NULL && why != NULL);
		return;
	}
	FUZZ_CHECK(q.since < q.until);
	FUZZ_CHECK(q.nteams <= NPSD_MAX_REPORT_TEAMS);
	for (size_t i = 0; i < q.nteams; i++)
		FUZZ_CHECK(q.teams[i][0] != '\0' && strchr(q.teams[i], ',') == NULL);
}

static void
check_cursor(struct request *req)
{
	const char *v = http_query(req, "cursor");
	struct responses_cursor c, again;
	char text[48];

	if (v == NULL || responses_cursor_parse(v, &c) == -1)
		return;
	responses_cursor_format(&c, text, sizeof text);
	FUZZ_CHECK(responses_cursor_parse(text, &again) == 0);
	FUZZ_CHECK(again.at == c.at && again.id == c.id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req;
	char *query, *pair, *rest;

	if (size > QUERY_MAX || (query = malloc(size + 1)) == NULL)
		return 0;
	memcpy(query, data, size);
	query[size] = '\0';
	rest = query;
	while ((pair = strsep(&rest, "&")) != NULL)
		if (*pair != '\0')
			add_argument(pair);

	memset(&req, 0, sizeof req);
	req.conn = mhd_fake_connection;
	if (check_names(&req, " by since until last team agent category interval ") == 0)
		check_filters(&req);
	if (check_names(&req, " since until last team agent category comments limit cursor ") ==
	    0) {
		check_filters(&req);
		check_cursor(&req);
	}
	mhd_fake_clear();
	free(query);
	return 0;
}
