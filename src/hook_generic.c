/* hook_generic.c - the generic source: the common event as it is, signed
 * per the Standard Webhooks spec; webhook-id is the delivery id. */
#include "autoconfig.h"

#include <stdio.h>

#include "hooks.h"
#include "signature.h"

static int
generic_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	enum signature_result r;

	r = signature_verify_standard(src->secrets, src->nsecrets,
	    http_header(req, "webhook-id"), http_header(req, "webhook-timestamp"),
	    http_header(req, "webhook-signature"), req->body.data ? req->body.data : "",
	    req->body.len, now, NPSD_WEBHOOK_TOLERANCE);
	if (r != SIGNATURE_OK) {
		snprintf(why, whylen, "%s", signature_result_message(r));
		return -1;
	}
	return 0;
}

static enum event_status
generic_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	(void)src;
	snprintf(delivery_id, idlen, "%s", http_header(req, "webhook-id"));
	return event_parse(req->body.data ? req->body.data : "", req->body.len, now, ev, err);
}

const struct hook_adapter hook_generic = {
	"generic", generic_authenticate, generic_parse,
};
