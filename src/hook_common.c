/* hook_common.c - owns the checks the ticket-system adapters share: HMAC
 * signatures in hex or base64 under several secrets, bearer and basic
 * tokens, timestamp freshness, and status lists. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
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

static int
optional_text(json_t *root, const char *path, char *out, size_t outlen,
    struct event_error *err)
{
	out[0] = '\0';
	return path != NULL ? event_text(root, path, NULL, 0, out, outlen, err) : 0;
}

enum event_status
hook_parse_template(struct request *req, const struct source_config *src, time_t now,
    const struct template_paths *paths, struct event *ev, char status[64], char updated[64],
    struct event_error *err)
{
	char lang[64];
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "ticket.id", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.status", NULL, 1, status, 64, err) ||
	    optional_text(root, paths->updated, updated, 64, err) ||
	    optional_text(root, paths->subject, ev->subject, sizeof ev->subject, err) ||
	    optional_text(root, paths->category, ev->category, sizeof ev->category, err);
	if (rc == 0) {
		ev->type = hook_status_in(status, src->close_statuses) ? EVENT_CLOSED :
		    EVENT_REOPENED;
		rc = event_email(root, "requester.email", NULL, ev->type == EVENT_CLOSED,
		    ev->requester_email, sizeof ev->requester_email, err) ||
		    event_text(root, "requester.name", NULL, 0, ev->requester_name,
			sizeof ev->requester_name, err) ||
		    event_text(root, "requester.language", NULL, 0, lang, sizeof lang, err) ||
		    optional_text(root, paths->agent_id, ev->agent_id, sizeof ev->agent_id, err) ||
		    (paths->agent_email != NULL && event_email(root, paths->agent_email, NULL, 0,
			ev->agent_email, sizeof ev->agent_email, err)) ||
		    optional_text(root, paths->agent_name, ev->agent_name, sizeof ev->agent_name,
			err) ||
		    optional_text(root, paths->team_id, ev->team_id, sizeof ev->team_id, err) ||
		    optional_text(root, paths->team_name, ev->team_name, sizeof ev->team_name, err);
	}
	json_decref(root);
	if (rc != 0)
		return EVENT_INVALID_FIELD;
	if (strcmp(ev->agent_id, "0") == 0)
		ev->agent_id[0] = '\0';
	if (strcmp(ev->team_id, "0") == 0)
		ev->team_id[0] = ev->team_name[0] = '\0';
	if (ev->agent_id[0] == '\0')
		snprintf(ev->agent_id, sizeof ev->agent_id, "%s", ev->agent_email);
	if (ev->team_id[0] == '\0' && strlen(ev->team_name) < sizeof ev->team_id)
		snprintf(ev->team_id, sizeof ev->team_id, "%.*s", (int)(sizeof ev->team_id - 1),
		    ev->team_name);
	if (ev->type == EVENT_CLOSED && ev->agent_id[0] == '\0') {
		event_fail(err, paths->unassigned, "the ticket has no agent assigned");
		return EVENT_INVALID_FIELD;
	}
	event_language(lang, ev->language, 1);
	return EVENT_OK;
}
