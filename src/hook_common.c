/* hook_common.c - owns the checks the ticket-system adapters share: HMAC
 * signatures in hex or base64 under several secrets, bearer and basic
 * tokens, timestamp freshness, status lists, and the bodies made from our
 * templates (read tolerantly when a system pasted placeholders unescaped). */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "hooks.h"

int
hook_hmac_matches(const struct source_config *src, const char *digest, enum hook_encoding enc,
    const char *given, const void *a, size_t alen, const void *b, size_t blen)
{
	unsigned char mac[64];
	char text[160];
	size_t glen;
	int matched = 0, n;

	if (given == NULL)
		return 0;
	glen = strlen(given);
	for (int i = 0; i < src->nsecrets; i++) {
		n = crypto_hmac(digest, src->secrets[i].key, src->secrets[i].len, a, alen, b, blen,
		    mac);
		if (n <= 0)
			continue;
		if (enc == HOOK_HEX) {
			crypto_hex(mac, (size_t)n, text);
			/* hex digits may come in upper case */
			if (glen == strlen(text)) {
				char lower[160];
				for (size_t k = 0; k <= glen; k++)
					lower[k] = (char)tolower((unsigned char)given[k]);
				matched |= crypto_equal(lower, text, glen);
			}
		} else {
			crypto_base64_encode(mac, (size_t)n, text);
			if (glen == strlen(text))
				matched |= crypto_equal(given, text, glen);
		}
	}
	crypto_wipe(mac, sizeof mac);
	return matched;
}

/* Compares hashes so the time taken does not depend on the length. */
static int
token_equal(const char *given, size_t len, const struct secret *s)
{
	char a[CRYPTO_SHA256_HEX], b[CRYPTO_SHA256_HEX];

	crypto_sha256_hex(given, len, a);
	crypto_sha256_hex(s->key, s->len, b);
	return crypto_equal(a, b, 64);
}

int
hook_token_matches(struct request *req, const struct source_config *src)
{
	const char *auth = http_header(req, "Authorization");
	unsigned char decoded[512];
	const char *token;
	size_t len;
	long n;
	int matched = 0;

	if (auth == NULL)
		return 0;
	if (strncasecmp(auth, "Bearer ", 7) == 0) {
		token = auth + 7;
		len = strlen(token);
	} else if (strncasecmp(auth, "Basic ", 6) == 0) {
		const char *colon;
		n = crypto_base64_decode(auth + 6, strlen(auth + 6), decoded, sizeof decoded - 1);
		if (n < 0)
			return 0;
		decoded[n] = '\0';
		colon = memchr(decoded, ':', (size_t)n);
		if (colon == NULL)
			return 0;
		token = colon + 1;
		len = (size_t)n - (size_t)(colon + 1 - (const char *)decoded);
	} else {
		return 0;
	}
	for (int i = 0; i < src->nsecrets; i++)
		matched |= token_equal(token, len, &src->secrets[i]);
	crypto_wipe(decoded, sizeof decoded);
	return matched;
}

int
hook_timestamp_fresh(const char *ts, time_t now, long long tolerance)
{
	long long v = 0;
	time_t t;
	const char *p;

	if (ts == NULL || *ts == '\0')
		return 0;
	for (p = ts; *p >= '0' && *p <= '9' && p - ts < 12; p++)
		v = v * 10 + (*p - '0');
	if (*p == '\0' && p != ts)
		t = (time_t)v;
	else if (event_parse_time(ts, &t) == -1)
		return 0;
	return (long long)t >= (long long)now - tolerance &&
	    (long long)t <= (long long)now + tolerance;
}

int
hook_status_in(const char *status, const char *list)
{
	size_t n = strlen(status);

	if (n == 0)
		return 0;
	while (*list != '\0') {
		size_t len;

		while (*list == ',' || *list == ' ')
			list++;
		len = strcspn(list, ",");
		while (len > 0 && list[len - 1] == ' ')
			len--;
		if (len == n && strncasecmp(list, status, n) == 0)
			return 1;
		list += strcspn(list, ",");
	}
	return 0;
}

void
hook_join_name(char *out, size_t outlen, const char *first, const char *last)
{
	if (*first != '\0' && *last != '\0')
		snprintf(out, outlen, "%s %s", first, last);
	else
		snprintf(out, outlen, "%s", *first != '\0' ? first : last);
}

/* In a body a template produced without escaping, a quote ends a string
 * only where the template's own shape continues: before ':' (a key), '}',
 * ']', the end, or ',' and the next "key":. */
static int
quote_closes(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p == end || *p == '}' || *p == ']' || *p == ':')
		return 1;
	if (*p != ',')
		return 0;
	for (p++; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
		;
	if (p == end || *p == '{' || *p == '[')
		return 1;
	if (*p++ != '"')
		return 0;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.'))
		p++;
	if (p == end || *p++ != '"')
		return 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < end && *p == ':';
}

/* Re-escapes the strings of a body whose placeholders were pasted in raw
 * (a quote, backslash or line break in a subject or name): every quote
 * that does not end the string per quote_closes, every backslash and
 * every control character inside a string is escaped. out holds 2*len+1. */
static size_t
repair_strings(const char *body, size_t len, char *out)
{
	const char *p = body, *end = body + len;
	size_t o = 0;
	int in_string = 0;

	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (!in_string) {
			out[o++] = (char)c;
			in_string = c == '"';
		} else if (c == '"') {
			if (quote_closes(p + 1, end)) {
				out[o++] = '"';
				in_string = 0;
			} else {
				out[o++] = '\\';
				out[o++] = '"';
			}
		} else if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (c == '\n' || c == '\r' || c == '\t') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else {
			out[o++] = c < 0x20 ? ' ' : (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

json_t *
hook_load_template_body(const char *body, size_t len, struct event *ev, struct event_error *err)
{
	struct event_error again;
	json_t *root;
	char *fixed;
	size_t n;

	if ((root = event_load(body, len, ev, err)) != NULL)
		return root;
	if ((fixed = malloc(2 * len + 1)) == NULL)	/* len is at most max_body */
		return NULL;
	n = repair_strings(body, len, fixed);
	root = event_load(fixed, n, ev, &again);
	free(fixed);
	if (root != NULL) {
		memset(err, 0, sizeof *err);
		event_drop(ev, "body", "placeholders were not JSON-escaped; read tolerantly");
	}
	return root;
}

enum event_status
hook_parse_template(struct request *req, const struct source_config *src, time_t now,
    const struct template_paths *paths, struct event *ev, char status[64], char updated[64],
    struct event_error *err)
{
	char lang[64];
	json_t *root;

	updated[0] = '\0';
	root = hook_load_template_body(req->body.data ? req->body.data : "", req->body.len, ev,
	    err);
	if (root == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	if (event_text(root, "ticket.id", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.status", NULL, 1, status, 64, err)) {
		json_decref(root);
		return EVENT_INVALID_FIELD;
	}
	ev->type = hook_status_in(status, src->close_statuses) ? EVENT_CLOSED : EVENT_REOPENED;
	if (paths->updated != NULL)
		event_optional_text(root, paths->updated, updated, 64, ev);
	if (paths->subject != NULL)
		event_display_text(root, paths->subject, ev->subject, sizeof ev->subject, ev);
	if (paths->category != NULL)
		event_optional_text(root, paths->category, ev->category, sizeof ev->category, ev);
	if (ev->type == EVENT_CLOSED)
		event_requester_email(root, "requester.email", ev);
	else
		event_optional_email(root, "requester.email", ev->requester_email,
		    sizeof ev->requester_email, ev);
	event_display_text(root, "requester.name", ev->requester_name, sizeof ev->requester_name,
	    ev);
	event_optional_text(root, "requester.language", lang, sizeof lang, ev);
	if (paths->agent_id != NULL)
		event_optional_text(root, paths->agent_id, ev->agent_id, sizeof ev->agent_id, ev);
	if (paths->agent_email != NULL)
		event_optional_email(root, paths->agent_email, ev->agent_email,
		    sizeof ev->agent_email, ev);
	if (paths->agent_name != NULL)
		event_display_text(root, paths->agent_name, ev->agent_name, sizeof ev->agent_name,
		    ev);
	if (paths->team_id != NULL)
		event_optional_text(root, paths->team_id, ev->team_id, sizeof ev->team_id, ev);
	if (paths->team_name != NULL)
		event_display_text(root, paths->team_name, ev->team_name, sizeof ev->team_name, ev);
	json_decref(root);
	if (strcmp(ev->agent_id, "0") == 0)
		ev->agent_id[0] = '\0';
	if (strcmp(ev->team_id, "0") == 0)
		ev->team_id[0] = ev->team_name[0] = '\0';
	if (ev->agent_id[0] == '\0')
		snprintf(ev->agent_id, sizeof ev->agent_id, "%s", ev->agent_email);
	if (ev->team_id[0] == '\0' && strlen(ev->team_name) < sizeof ev->team_id)
		snprintf(ev->team_id, sizeof ev->team_id, "%.*s", (int)(sizeof ev->team_id - 1),
		    ev->team_name);
	if (ev->team_id[0] == '\0')
		ev->team_name[0] = '\0';
	/* an unassigned ticket is surveyed without an agent */
	event_language(lang, ev->language, 1);
	return EVENT_OK;
}
