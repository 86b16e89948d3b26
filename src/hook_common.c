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
