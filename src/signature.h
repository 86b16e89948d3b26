/* signature.h - Standard Webhooks signature verification; no I/O. */
#ifndef NPSD_SIGNATURE_H
#define NPSD_SIGNATURE_H

#include <stddef.h>
#include <time.h>

#include "config.h"

enum signature_result {
	SIGNATURE_OK = 0,
	SIGNATURE_NO_SECRET,		/* source has no secret: refuse all */
	SIGNATURE_MISSING_HEADER,
	SIGNATURE_BAD_TIMESTAMP,	/* not a number, or outside tolerance */
	SIGNATURE_MISMATCH,
};

/* Checks webhook-signature (space-separated "v1,<base64>" list) against
 * HMAC-SHA256("id.timestamp.body") under every secret. */
enum signature_result signature_verify_standard(const struct secret *secrets, int nsecrets,
    const char *id, const char *timestamp, const char *signatures,
    const char *body, size_t bodylen, time_t now, long tolerance);
/* Computes the "v1,<base64>" value for one secret (npsctl, tests). */
int	signature_sign_standard(const struct secret *secret, const char *id,
    const char *timestamp, const char *body, size_t bodylen, char *out, size_t outlen);
const char *signature_result_message(enum signature_result);

#endif
