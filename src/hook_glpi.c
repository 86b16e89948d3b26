/* hook_glpi.c - owns the GLPI 11 adapter: a webhook on Ticket update with
 * GLPI's default payload ({"item": <the high-level API's Ticket>,
 * "event": ...}) or the same shape from contrib/glpi/body.json.tmpl; no
 * Content-Type (GLPI sends none); X-GLPI-signature = hex HMAC-SHA256 of
 * the body followed by X-GLPI-timestamp, which GLPI fixes when it queues
 * the delivery and resends unchanged (tests/fixtures/glpi/README.md). The
 * body carries no e-mail address: a close waits for glpi_lookup.c. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hooks.h"

#define GLPI_MAX_TIMESTAMP_DIGITS 12

static int
all_digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!isdigit((unsigned char)s[n]))
			return 0;
	return n >= min && n <= max;
}

static int
glpi_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	const char *sig = http_header(req, "X-GLPI-signature");
	const char *ts = http_header(req, "X-GLPI-timestamp");

	(void)now;	/* no freshness check: a queued retry keeps its timestamp */
	if (sig == NULL || ts == NULL) {
		snprintf(why, whylen, "X-GLPI-signature and X-GLPI-timestamp are required");
		return -1;
	}
	if (strlen(sig) != 64 || strspn(sig, "0123456789abcdefABCDEF") != 64) {
		snprintf(why, whylen, "X-GLPI-signature must be 64 hexadecimal digits");
		return -1;
	}
	if (!all_digits(ts, 1, GLPI_MAX_TIMESTAMP_DIGITS)) {
		snprintf(why, whylen, "X-GLPI-timestamp must be Unix seconds");
		return -1;
	}
	if (!hook_hmac_matches(src, "sha256", HOOK_HEX, sig,
	    req->body.data ? req->body.data : "", req->body.len, ts, strlen(ts))) {
		snprintf(why, whylen, "X-GLPI-signature does not match any configured secret");
		return -1;
	}
	return 0;
}

enum glpi_member
hook_glpi_href(const char *href, long long *id)
{
	static const struct { const char *path; enum glpi_member kind; } forms[] = {
		{ "/front/user.form.php", GLPI_USER },
		{ "/front/group.form.php", GLPI_GROUP },
		{ "/front/supplier.form.php", GLPI_SUPPLIER },
	};
	const char *q = strchr(href, '?'), *p;
	enum glpi_member kind = GLPI_UNKNOWN;
	long long v = 0;
	size_t pathlen;

	*id = 0;
	if (q == NULL)
		return GLPI_UNKNOWN;
	pathlen = (size_t)(q - href);
	/* GLPI prefixes its root_doc when it is not served at / */
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		size_t n = strlen(forms[i].path);
		if (pathlen >= n && memcmp(q - n, forms[i].path, n) == 0)
			kind = forms[i].kind;
	}
	if (kind == GLPI_UNKNOWN)
		return GLPI_UNKNOWN;
	for (p = q; p != NULL; p = strchr(p + 1, '&'))
		if (strncmp(p + 1, "id=", 3) == 0)
			break;
	if (p == NULL || !isdigit((unsigned char)p[4]))
		return GLPI_UNKNOWN;
	for (p += 4; isdigit((unsigned char)*p); p++) {
		if (v > 99999999999LL)
			return GLPI_UNKNOWN;
		v = v * 10 + (*p - '0');
	}
	if ((*p != '\0' && *p != '&' && *p != '#') || v == 0)
		return GLPI_UNKNOWN;
	*id = v;
	return kind;
}

/* A member's name for a person: "Firstname Realname" when GLPI has both,
 * else its display_name (formatUserName's "Realname Firstname"). */
static void
member_person_name(json_t *m, char *out, size_t outlen, struct event *ev, const char *what)
{
	char first[NPSD_MAX_FIELD + 1], last[NPSD_MAX_FIELD + 1];

	event_display_text(m, "firstname", first, sizeof first, ev);
	event_display_text(m, "realname", last, sizeof last, ev);
	if (first[0] != '\0' && last[0] != '\0')
		hook_join_name(out, outlen, first, last);
	else
		event_display_text(m, "display_name", out, outlen, ev);
	if (strlen(out) == outlen - 1)
		event_drop(ev, what, "the name was cut");
}

/* item.team[]: the first assigned user is the agent (login and name), the
 * first assigned group the team, the first requester user gives the
 * requester's name. A member that does not fit is dropped, never the
 * event. */
static void
parse_team(json_t *item, struct event *ev)
{
	json_t *team = json_object_get(item, "team"), *m;
	int have_agent = 0, have_team = 0, have_requester = 0;
	size_t i;

	if (team == NULL || json_is_null(team))
		return;
	if (!json_is_array(team)) {
		event_drop(ev, "item.team", "is not an array");
		return;
	}
	json_array_foreach(team, i, m) {
		const char *role, *href;
		enum glpi_member kind;
		long long id;

		if (!json_is_object(m) || !json_is_string(json_object_get(m, "role")) ||
		    !json_is_string(json_object_get(m, "href"))) {
			event_drop(ev, "item.team[]", "a member without role or href");
			continue;
		}
		role = json_string_value(json_object_get(m, "role"));
		href = json_string_value(json_object_get(m, "href"));
		if ((kind = hook_glpi_href(href, &id)) == GLPI_UNKNOWN) {
			event_drop(ev, "item.team[].href", "not a user, group or supplier link");
			continue;
		}
		if (strcmp(role, "assigned") == 0 && kind == GLPI_USER && !have_agent) {
			event_optional_text(m, "name", ev->agent_id, sizeof ev->agent_id, ev);
			if (ev->agent_id[0] == '\0')
				continue;
			member_person_name(m, ev->agent_name, sizeof ev->agent_name, ev,
			    "item.team[].display_name");
			have_agent = 1;
		} else if (strcmp(role, "assigned") == 0 && kind == GLPI_GROUP && !have_team) {
			snprintf(ev->team_id, sizeof ev->team_id, "%lld", id);
			event_display_text(m, "display_name", ev->team_name, sizeof ev->team_name,
			    ev);
			have_team = 1;
		} else if (strcmp(role, "requester") == 0 && kind == GLPI_USER &&
		    !have_requester) {
			member_person_name(m, ev->requester_name, sizeof ev->requester_name, ev,
			    "item.team[].display_name");
			have_requester = 1;
		}
	}
}

/* item.id and item.status.id: an integer or a string of digits. */
static int
numeric_id(json_t *root, const char *path, char *out, size_t outlen, struct event_error *err)
{
	json_t *v = event_path(root, path);

	if (v == NULL || json_is_null(v))
		return event_fail(err, path, "is required");
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		snprintf(out, outlen, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	}
	if (json_is_string(v) && all_digits(json_string_value(v), 1, 18)) {
		snprintf(out, outlen, "%s", json_string_value(v));
		return 0;
	}
	return event_fail(err, path, "must be an integer");
}

enum event_status
hook_glpi_parse_body(const char *body, size_t len, const char *close_statuses, time_t now,
    struct event *ev, char status[24], struct event_error *err)
{
	json_t *root, *item, *event;
	int rc = 0;

	status[0] = '\0';
	if ((root = event_load(body, len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	item = json_object_get(root, "item");
	event = json_object_get(root, "event");
	if (item == NULL || !json_is_object(item))
		rc = event_fail(err, "item", "must be an object (GLPI's Ticket)");
	else if (numeric_id(root, "item.id", ev->ticket_id, sizeof ev->ticket_id, err) == -1 ||
	    numeric_id(root, "item.status.id", status, 24, err) == -1)
		rc = -1;
	if (rc == -1) {
		json_decref(root);
		return EVENT_INVALID_FIELD;
	}
	if (json_is_string(event) && strcmp(json_string_value(event), "delete") == 0)
		ev->type = EVENT_OTHER;	/* a deleted ticket is neither closed nor reopened */
	else if (hook_status_in(status, close_statuses))
		ev->type = EVENT_CLOSED;
	else
		ev->type = EVENT_REOPENED;
	event_display_text(root, "item.name", ev->subject, sizeof ev->subject, ev);
	{
		json_t *cat = json_object_get(item, "category");
		if (cat != NULL && !json_is_null(cat) && !json_is_object(cat))
			event_drop(ev, "item.category", "is not an object");
		else if (cat != NULL && json_is_object(cat))
			event_optional_text(root, "item.category.name", ev->category,
			    sizeof ev->category, ev);
	}
	parse_team(item, ev);
	/* no address in GLPI's webhook: it is asked of GLPI's API later */
	ev->address_lookup = ev->type == EVENT_CLOSED;
	json_decref(root);
	return EVENT_OK;
}

static enum event_status
glpi_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	const char *ts = http_header(req, "X-GLPI-timestamp");
	char status[24];
	enum event_status st;
	long long t = 0;

	st = hook_glpi_parse_body(req->body.data ? req->body.data : "", req->body.len,
	    src->close_statuses, now, ev, status, err);
	if (st != EVENT_OK)
		return st;
	/* authenticate() let only 1-12 digits through */
	for (const char *p = ts; p != NULL && *p != '\0'; p++)
		t = t * 10 + (*p - '0');
	ev->closed_at = (time_t)t;	/* when GLPI queued it: the ticket's update */
	ev->event_time = t;
	/* a retry is byte-identical: the same id, so a duplicate */
	snprintf(delivery_id, idlen, "%s:%s:%s", ts != NULL ? ts : "", ev->ticket_id, status);
	return EVENT_OK;
}

const struct hook_adapter hook_glpi = {
	"glpi", glpi_authenticate, glpi_parse,
};
