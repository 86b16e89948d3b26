/* hook_zendesk.c - Zendesk: a trigger's webhook with the JSON body of
 * contrib/zendesk/body.json.tmpl, signed base64(HMAC-SHA256(secret,
 * timestamp + body)); X-Zendesk-Webhook-Invocation-Id names the delivery.
 * A body whose placeholders were pasted unescaped (a quote, backslash or
 * line break in a subject or name) is read tolerantly (hook_common.c). */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"

static int
zendesk_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	const char *sig = http_header(req, "X-Zendesk-Webhook-Signature");
	const char *ts = http_header(req, "X-Zendesk-Webhook-Signature-Timestamp");

	if (sig == NULL || ts == NULL) {
		snprintf(why, whylen, "X-Zendesk-Webhook-Signature and "
		    "X-Zendesk-Webhook-Signature-Timestamp are required");
		return -1;
	}
	if (!hook_timestamp_fresh(ts, now, src->tolerance)) {
		snprintf(why, whylen, "X-Zendesk-Webhook-Signature-Timestamp is not within "
		    "[source.zendesk] tolerance of the server's clock");
		return -1;
	}
	if (!hook_hmac_matches(src, "sha256", HOOK_BASE64, sig, ts, strlen(ts),
	    req->body.data ? req->body.data : "", req->body.len)) {
		snprintf(why, whylen, "X-Zendesk-Webhook-Signature does not match any configured "
		    "signing secret");
		return -1;
	}
	return 0;
}

static enum event_status
zendesk_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	static const struct template_paths paths = {
		.subject = "ticket.subject", .category = "ticket.type",
		.agent_email = "assignee.email", .agent_name = "assignee.name",
		.team_name = "group.name", .unassigned = "assignee.email",
	};
	char status[64], updated[64];
	enum event_status st;
	const char *invocation = http_header(req, "X-Zendesk-Webhook-Invocation-Id");

	st = hook_parse_template(req, src, now, &paths, ev, status, updated, err);
	if (st != EVENT_OK)
		return st;
	if (invocation != NULL && *invocation != '\0')
		snprintf(delivery_id, idlen, "%.200s", invocation);
	else	/* ticket, status and signature time name the delivery */
		snprintf(delivery_id, idlen, "%.100s:%.40s:%.40s", ev->ticket_id, status,
		    http_header(req, "X-Zendesk-Webhook-Signature-Timestamp"));
	return st;
}

const struct hook_adapter hook_zendesk = {
	"zendesk", zendesk_authenticate, zendesk_parse,
};
