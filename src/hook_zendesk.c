/* hook_zendesk.c - Zendesk: a trigger's webhook with the JSON body of
 * contrib/zendesk/body.json.tmpl, signed base64(HMAC-SHA256(secret,
 * timestamp + body)); X-Zendesk-Webhook-Invocation-Id names the delivery. */
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
	char status[64], lang[64];
	const char *invocation = http_header(req, "X-Zendesk-Webhook-Invocation-Id");
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "ticket.id", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.status", NULL, 1, status, sizeof status, err) ||
	    event_text(root, "ticket.subject", NULL, 0, ev->subject, sizeof ev->subject, err) ||
	    event_text(root, "ticket.type", NULL, 0, ev->category, sizeof ev->category, err);
	if (rc == 0) {
		ev->type = hook_status_in(status, src->close_statuses) ? EVENT_CLOSED :
		    EVENT_REOPENED;
		rc = event_email(root, "requester.email", NULL, ev->type == EVENT_CLOSED,
		    ev->requester_email, sizeof ev->requester_email, err) ||
		    event_text(root, "requester.name", NULL, 0, ev->requester_name,
			sizeof ev->requester_name, err) ||
		    event_text(root, "requester.language", NULL, 0, lang, sizeof lang, err) ||
		    event_email(root, "assignee.email", NULL, 0, ev->agent_email,
			sizeof ev->agent_email, err) ||
		    event_text(root, "assignee.name", NULL, 0, ev->agent_name,
			sizeof ev->agent_name, err) ||
		    event_text(root, "group.name", NULL, 0, ev->team_id, sizeof ev->team_id, err);
	}
	if (rc == 0 && ev->type == EVENT_CLOSED && ev->agent_email[0] == '\0')
		rc = event_fail(err, "assignee.email", "the ticket has no assignee");
	if (rc == 0) {
		event_language(lang, ev->language, 1);
		snprintf(ev->agent_id, sizeof ev->agent_id, "%s", ev->agent_email);
		snprintf(ev->team_name, sizeof ev->team_name, "%s", ev->team_id);
		if (invocation != NULL && *invocation != '\0')
			snprintf(delivery_id, idlen, "%.200s", invocation);
		else
			snprintf(delivery_id, idlen, "%.100s:%.40s:%.40s", ev->ticket_id, status,
			    http_header(req, "X-Zendesk-Webhook-Signature-Timestamp"));
	}
	json_decref(root);
	return rc == 0 ? EVENT_OK : EVENT_INVALID_FIELD;
}

const struct hook_adapter hook_zendesk = {
	"zendesk", zendesk_authenticate, zendesk_parse,
};
