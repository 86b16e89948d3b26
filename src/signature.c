/* signature.c - owns the Standard Webhooks scheme used by the generic
 * source: signed content "id.timestamp.body", HMAC-SHA256, base64, a
 * timestamp tolerance, several accepted signatures and several secrets. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "limits.h"
#include "signature.h"

static int
compute(const struct secret *secret, const char *id, const char *timestamp,
    const char *body, size_t bodylen, char b64[48])
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t idlen = strlen(id), tslen = strlen(timestamp);
	size_t total = idlen + 1 + tslen + 1 + bodylen;
	char *content;

	if ((content = malloc(total)) == NULL)
		return -1;
	memcpy(content, id, idlen);
	content[idlen] = '.';
	memcpy(content + idlen + 1, timestamp, tslen);
	content[idlen + 1 + tslen] = '.';
	memcpy(content + idlen + tslen + 2, body, bodylen);
	if (crypto_hmac_sha256(secret->key, secret->len, content, total, mac) == -1) {
		free(content);
		return -1;
	}
	free(content);
	crypto_base64_encode(mac, sizeof mac, b64);
	return 0;
}

int
signature_sign_standard(const struct secret *secret, const char *id, const char *timestamp,
    const char *body, size_t bodylen, char *out, size_t outlen)
{
	char b64[48];

	if (compute(secret, id, timestamp, body, bodylen, b64) == -1 || outlen < 48)
		return -1;
	out[0] = 'v';
	out[1] = '1';
	out[2] = ',';
	memcpy(out + 3, b64, 45);
	return 0;
}

static int
timestamp_ok(const char *ts, time_t now, long tolerance)
{
	long long v = 0;
	const char *p;

	if (*ts == '\0' || strlen(ts) > 12)
		return 0;
	for (p = ts; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v >= (long long)now - tolerance && v <= (long long)now + tolerance;
}

enum signature_result
signature_verify_standard(const struct secret *secrets, int nsecrets, const char *id,
    const char *timestamp, const char *signatures, const char *body, size_t bodylen,
    time_t now, long tolerance)
{
	char expected[NPSD_MAX_SECRETS][48];
	int matched = 0;

	if (nsecrets <= 0)
		return SIGNATURE_NO_SECRET;
	if (id == NULL || timestamp == NULL || signatures == NULL || *id == '\0' ||
	    strlen(id) > NPSD_MAX_WEBHOOK_ID || strlen(signatures) > NPSD_MAX_SIGNATURE_HEADER)
		return SIGNATURE_MISSING_HEADER;
	if (!timestamp_ok(timestamp, now, tolerance))
		return SIGNATURE_BAD_TIMESTAMP;
	for (int i = 0; i < nsecrets && i < NPSD_MAX_SECRETS; i++)
		if (compute(&secrets[i], id, timestamp, body, bodylen, expected[i]) == -1)
			return SIGNATURE_MISMATCH;

	/* Every listed signature is compared with every secret, so the time
	 * taken does not depend on which one matched. */
	for (const char *p = signatures; *p != '\0';) {
		const char *end;
		size_t len;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ' ');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 47 && strncmp(p, "v1,", 3) == 0) {
			for (int i = 0; i < nsecrets && i < NPSD_MAX_SECRETS; i++)
				matched |= crypto_equal(p + 3, expected[i], 44);
		}
		p += len;
	}
	crypto_wipe(expected, sizeof expected);
	return matched ? SIGNATURE_OK : SIGNATURE_MISMATCH;
}

const char *
signature_result_message(enum signature_result r)
{
	switch (r) {
	case SIGNATURE_OK:
		return "signature valid";
	case SIGNATURE_NO_SECRET:
		return "no secret is configured for this source; every request is refused";
	case SIGNATURE_MISSING_HEADER:
		return "webhook-id, webhook-timestamp and webhook-signature headers are required";
	case SIGNATURE_BAD_TIMESTAMP:
		return "webhook-timestamp is not within 5 minutes of the server's clock";
	case SIGNATURE_MISMATCH:
		break;
	}
	return "no webhook-signature matches any configured secret";
}
