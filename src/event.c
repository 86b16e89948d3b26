/* event.c - owns the common event (SPEC section 3): JSON parsing with
 * jansson, type and size checks for every field, and the rule that no
 * field can carry a control character into a mail header. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "event.h"
#include "message.h"

int
event_fail(struct event_error *err, const char *field, const char *message)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->message, sizeof err->message, "%s", message);
	return -1;
}

json_t *
event_path(json_t *root, const char *path)
{
	char key[64];
	const char *dot;

	while (root != NULL && json_is_object(root)) {
		dot = strchr(path, '.');
		if (dot == NULL)
			return json_object_get(root, path);
		if ((size_t)(dot - path) >= sizeof key)
			return NULL;
		memcpy(key, path, (size_t)(dot - path));
		key[dot - path] = '\0';
		root = json_object_get(root, key);
		path = dot + 1;
	}
	return NULL;
}

int
event_text(json_t *root, const char *path, const char *field, int req, char *out,
    size_t outlen, struct event_error *err)
{
	json_t *v = root ? event_path(root, path) : NULL;
	const char *s;
	char num[32];
	size_t len;

	out[0] = '\0';
	if (field == NULL)
		field = path;
	if (v == NULL || json_is_null(v)) {
		if (req)
			return event_fail(err, field, "is required");
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = num;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return event_fail(err, field, "must be a string or an integer");
	}
	len = strlen(s);
	if (len >= outlen) {
		char msg[64];
		snprintf(msg, sizeof msg, "is longer than %zu bytes", outlen - 1);
		return event_fail(err, field, msg);
	}
	if (message_has_controls(s) || strchr(s, '\t') != NULL)
		return event_fail(err, field, "must not contain control characters (CR, LF, TAB, ...)");
	while (len > 0 && s[len - 1] == ' ')
		len--;
	while (len > 0 && *s == ' ')
		s++, len--;
	if (req && len == 0)
		return event_fail(err, field, "must not be empty");
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int
event_email(json_t *root, const char *path, const char *field, int req, char *out,
    size_t outlen, struct event_error *err)
{
	if (event_text(root, path, field, req, out, outlen, err) == -1)
		return -1;
	if (out[0] != '\0' && !message_address_valid(out))
		return event_fail(err, field ? field : path, "is not a valid e-mail address");
	return 0;
}

void
event_drop(struct event *ev, const char *field, const char *why)
{
	size_t used = strlen(ev->dropped);

	if (used + 3 >= sizeof ev->dropped)
		return;
	snprintf(ev->dropped + used, sizeof ev->dropped - used, "%s%s%s%s",
	    used > 0 ? "; " : "", field, why != NULL ? ": " : "", why != NULL ? why : "");
}

void
event_no_address(struct event *ev, const char *field, const char *why)
{
	ev->unsurveyable = "no_address";
	ev->requester_email[0] = '\0';
	snprintf(ev->unsurveyable_detail, sizeof ev->unsurveyable_detail, "%.60s %.90s", field,
	    why);
}

void
event_optional_text(json_t *root, const char *path, char *out, size_t outlen,
    struct event *ev)
{
	struct event_error err;

	if (event_text(root, path, NULL, 0, out, outlen, &err) == -1) {
		out[0] = '\0';
		event_drop(ev, path, err.message);
	}
}

void
event_optional_email(json_t *root, const char *path, char *out, size_t outlen,
    struct event *ev)
{
	event_optional_text(root, path, out, outlen, ev);
	if (out[0] != '\0' && !message_address_valid(out)) {
		out[0] = '\0';
		event_drop(ev, path, "is not a valid e-mail address");
	}
}

void
event_display_text(json_t *root, const char *path, char *out, size_t outlen,
    struct event *ev)
{
	json_t *v = root ? event_path(root, path) : NULL;
	const char *s;
	size_t len, i, o = 0;

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return;
	if (json_is_integer(v) || json_is_real(v)) {
		event_optional_text(root, path, out, outlen, ev);
		return;
	}
	if (!json_is_string(v)) {
		event_drop(ev, path, "is not a string");
		return;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	while (len > 0 && (unsigned char)*s <= ' ')
		s++, len--;
	while (len > 0 && (unsigned char)s[len - 1] <= ' ')
		len--;
	if (len >= outlen) {
		len = outlen - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;	/* not inside a UTF-8 sequence */
		event_drop(ev, path, "was cut to its first bytes");
	}
	/* a line break or tab in a subject becomes a space: it must not
	 * reach a mail header, nor cost the survey (tolerated, not refused) */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\0')
			break;
		if (c < 0x20 || c == 0x7f) {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
		} else {
			out[o++] = (char)c;
		}
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

void
event_requester_email(json_t *root, const char *path, struct event *ev)
{
	json_t *v = root ? event_path(root, path) : NULL;
	struct event_error err;

	if (v == NULL || json_is_null(v)) {
		event_no_address(ev, path, "is absent");
		return;
	}
	if (event_text(root, path, NULL, 0, ev->requester_email, sizeof ev->requester_email,
	    &err) == -1) {
		event_no_address(ev, path, err.message);
		return;
	}
	if (ev->requester_email[0] == '\0')
		event_no_address(ev, path, "is empty");
	else if (!message_address_valid(ev->requester_email))
		event_no_address(ev, path, "is not a valid e-mail address");
}

/* Generic's members: the path is the field name; ids may be numbers. */
static int
get_text(json_t *obj, const char *key, const char *field, int req, int allow_number,
    char *out, size_t outlen, struct event_error *err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	if (v != NULL && !allow_number && json_is_integer(v))
		return event_fail(err, field, "must be a string");
	return event_text(obj, key, field, req, out, outlen, err);
}

static int
get_object(json_t *root, const char *key, json_t **out, struct event_error *err)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return event_fail(err, key, "must be an object");
	*out = v;
	return 0;
}

static int
days_from_civil(int y, int m, int d, long long *days)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	long long era, yoe, doy, doe;

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return -1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 719468;
	return 0;
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
event_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	long long days;
	const char *p;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' &&
	    s[10] != ' ') || digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0' || h > 23 || mi > 59 || sec > 60 || y < 1970 || y > 9999 ||
	    days_from_civil(y, mo, d, &days) == -1)
		return -1;
	if (sec == 60)
		sec = 59;
	*out = (time_t)(days * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60));
	return 0;
}

enum event_time
event_check_closed_at(time_t *closed_at, time_t now, long long expire)
{
	long long t = (long long)*closed_at, n = (long long)now;

	if (t > n + NPSD_CLOCK_SKEW) {
		*closed_at = now;
		return EVENT_TIME_CLAMPED;
	}
	if (expire > 0 && t < n - expire)
		return EVENT_TIME_STALE;
	return EVENT_TIME_OK;
}

void
event_format_time(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
event_language(const char *in, char out[8], int lenient)
{
	static const struct { const char *name, *code; } names[] = {
		{ "english", "en" }, { "dutch", "nl" }, { "nederlands", "nl" },
		{ "german", "de" }, { "deutsch", "de" }, { "french", "fr" },
		{ "fran\xc3\xa7" "ais", "fr" }, { "spanish", "es" },
		{ "espa\xc3\xb1ol", "es" }, { "flemish", "nl" }, { "vlaams", "nl" },
	};
	size_t n = 0;

	/* "nl", "nl-NL", "nl_BE", "EN" -> primary subtag in lower case. */
	out[0] = '\0';
	if (in[0] == '\0')
		return 0;
	while (isalpha((unsigned char)in[n]) && n < 3)
		n++;
	if (n >= 2 && (in[n] == '\0' || in[n] == '-' || in[n] == '_')) {
		for (size_t i = 0; i < n; i++)
			out[i] = (char)tolower((unsigned char)in[i]);
		out[n] = '\0';
		return 0;
	}
	if (!lenient)
		return -1;
	/* ticket systems may render a language's name ("English (United States)") */
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t len = strlen(names[i].name);
		if (strncasecmp(in, names[i].name, len) == 0 &&
		    (in[len] == '\0' || in[len] == ' ' || in[len] == '(')) {
			snprintf(out, 8, "%s", names[i].code);
			return 0;
		}
	}
	return 0;	/* unknown: the default language is used */
}

/* The generic event's optional parts (SPEC section 3: subject, category,
 * names, language, agent address, self_score, team) never refuse it: a
 * malformed one is dropped and noted for the log. What SPEC requires
 * (type, ticket.id, and for a close requester.email and an agent) and
 * closed_at, which decides when to ask, still answer 422. */
static void
parse_optional(json_t *root, json_t *agent, struct event *ev)
{
	json_t *team = json_object_get(root, "team"), *v;
	char lang[64];

	event_display_text(root, "ticket.subject", ev->subject, sizeof ev->subject, ev);
	event_optional_text(root, "ticket.category", ev->category, sizeof ev->category, ev);
	event_display_text(root, "requester.name", ev->requester_name,
	    sizeof ev->requester_name, ev);
	event_optional_text(root, "requester.language", lang, sizeof lang, ev);
	/* "Nederlands", "Dutch" map to nl; a name not known is the default */
	event_language(lang, ev->language, 1);
	event_display_text(root, "agent.name", ev->agent_name, sizeof ev->agent_name, ev);
	v = agent ? json_object_get(agent, "self_score") : NULL;
	if (v != NULL && !json_is_null(v)) {
		if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 10)
			ev->self_score = (int)json_integer_value(v);
		else
			event_drop(ev, "agent.self_score", "is not an integer from 0 to 10");
	}
	if (team != NULL && !json_is_null(team) && !json_is_object(team)) {
		event_drop(ev, "team", "is not an object");
	} else if (team != NULL && json_is_object(team)) {
		event_optional_text(root, "team.id", ev->team_id, sizeof ev->team_id, ev);
		event_display_text(root, "team.name", ev->team_name, sizeof ev->team_name, ev);
		if (ev->team_id[0] == '\0' && strlen(ev->team_name) < sizeof ev->team_id)
			snprintf(ev->team_id, sizeof ev->team_id, "%s", ev->team_name);
		if (ev->team_id[0] == '\0')
			ev->team_name[0] = '\0';
	}
}

static int
parse_fields(json_t *root, time_t now, struct event *ev, struct event_error *err)
{
	json_t *ticket, *requester, *agent;
	char type[32], closed_at[64];

	if (get_text(root, "type", "type", 1, 0, type, sizeof type, err) == -1)
		return -1;
	if (strcmp(type, "ticket.closed") == 0)
		ev->type = EVENT_CLOSED;
	else if (strcmp(type, "ticket.reopened") == 0)
		ev->type = EVENT_REOPENED;
	else
		return event_fail(err, "type", "must be \"ticket.closed\" or \"ticket.reopened\"");

	if (get_object(root, "ticket", &ticket, err) == -1 ||
	    get_object(root, "requester", &requester, err) == -1 ||
	    get_object(root, "agent", &agent, err) == -1)
		return -1;
	if (ticket == NULL)
		return event_fail(err, "ticket.id", "is required");
	if (get_text(ticket, "id", "ticket.id", 1, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    get_text(ticket, "closed_at", "ticket.closed_at", 0, 0, closed_at,
		sizeof closed_at, err))
		return -1;
	ev->closed_at = now;
	if (closed_at[0] != '\0' && event_parse_time(closed_at, &ev->closed_at) == -1)
		return event_fail(err, "ticket.closed_at", "must be an RFC 3339 date-time, "
		    "e.g. 2026-11-20T10:00:00Z");

	if (ev->type == EVENT_CLOSED && requester == NULL)
		return event_fail(err, "requester.email", "is required");
	if (get_text(requester, "email", "requester.email", ev->type == EVENT_CLOSED, 0,
		ev->requester_email, sizeof ev->requester_email, err))
		return -1;
	if (ev->requester_email[0] != '\0' && !message_address_valid(ev->requester_email))
		return event_fail(err, "requester.email", "is not a valid e-mail address");

	if (get_text(agent, "id", "agent.id", 0, 1, ev->agent_id, sizeof ev->agent_id, err))
		return -1;
	if (ev->agent_id[0] != '\0')
		event_optional_email(root, "agent.email", ev->agent_email, sizeof ev->agent_email,
		    ev);
	else if (get_text(agent, "email", "agent.email", 0, 0, ev->agent_email,
	    sizeof ev->agent_email, err))
		return -1;
	else if (ev->agent_email[0] != '\0' && !message_address_valid(ev->agent_email))
		return event_fail(err, "agent.email", "is not a valid e-mail address");
	if (ev->type == EVENT_CLOSED && ev->agent_id[0] == '\0' && ev->agent_email[0] == '\0')
		return event_fail(err, "agent.id", "agent.id or agent.email is required");
	parse_optional(root, agent, ev);
	return 0;
}

json_t *
event_load(const char *body, size_t len, struct event *ev, struct event_error *err)
{
	json_error_t jerr;
	json_t *root;

	memset(ev, 0, sizeof *ev);
	memset(err, 0, sizeof *err);
	ev->self_score = -1;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err->message, sizeof err->message, "line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err->message, sizeof err->message, "the body must be a JSON object");
		return NULL;
	}
	return root;
}

enum event_status
event_parse(const char *body, size_t len, time_t now, struct event *ev,
    struct event_error *err)
{
	json_t *root;
	int rc;

	if ((root = event_load(body, len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	rc = parse_fields(root, now, ev, err);
	json_decref(root);
	return rc == 0 ? EVENT_OK : EVENT_INVALID_FIELD;
}
