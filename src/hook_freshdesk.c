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
	static const struct template_paths paths = {
		.subject = "ticket.subject", .category = "ticket.type", .updated = "ticket.updated_at",
		.agent_email = "agent.email", .agent_name = "agent.name",
		.team_name = "group.name", .unassigned = "agent.email",
	};
	char status[64], updated[64];
	enum event_status st;

	st = hook_parse_template(req, src, now, &paths, ev, status, updated, err);
	if (st == EVENT_OK)
		snprintf(delivery_id, idlen, "%.100s:%.40s:%.60s", ev->ticket_id, status, updated);
	return st;
}

const struct hook_adapter hook_freshdesk = {
	"freshdesk", freshdesk_authenticate, freshdesk_parse,
};
