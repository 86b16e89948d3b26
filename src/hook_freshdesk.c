/* hook_freshdesk.c - Freshdesk: an automation rule's "Trigger webhook"
 * with the JSON of contrib/freshdesk/body.json.tmpl. Freshdesk cannot sign,
 * so the rule sends the secret as a Bearer token (or Basic password). The
 * delivery is named by ticket id, status and update time. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"

static int
freshdesk_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	(void)now;
	if (!hook_token_matches(req, src)) {
		snprintf(why, whylen, "Authorization must be \"Bearer <secret>\" or Basic with the "
		    "secret as password");
		return -1;
	}
	return 0;
}

static enum event_status
freshdesk_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	char status[64], lang[64], updated[64];
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "ticket.id", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.status", NULL, 1, status, sizeof status, err) ||
	    event_text(root, "ticket.updated_at", NULL, 0, updated, sizeof updated, err) ||
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
		    event_email(root, "agent.email", NULL, 0, ev->agent_email,
			sizeof ev->agent_email, err) ||
		    event_text(root, "agent.name", NULL, 0, ev->agent_name,
			sizeof ev->agent_name, err) ||
		    event_text(root, "group.name", NULL, 0, ev->team_id, sizeof ev->team_id, err);
	}
	if (rc == 0 && ev->type == EVENT_CLOSED && ev->agent_email[0] == '\0')
		rc = event_fail(err, "agent.email", "the ticket has no agent assigned");
	if (rc == 0) {
		event_language(lang, ev->language, 1);
		snprintf(ev->agent_id, sizeof ev->agent_id, "%s", ev->agent_email);
		snprintf(ev->team_name, sizeof ev->team_name, "%s", ev->team_id);
		snprintf(delivery_id, idlen, "%.100s:%.40s:%.60s", ev->ticket_id, status, updated);
	}
	json_decref(root);
	return rc == 0 ? EVENT_OK : EVENT_INVALID_FIELD;
}

const struct hook_adapter hook_freshdesk = {
	"freshdesk", freshdesk_authenticate, freshdesk_parse,
};
