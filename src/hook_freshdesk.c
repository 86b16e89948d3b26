/* hook_freshdesk.c - Freshdesk: an automation rule's "Trigger webhook"
 * with the JSON of contrib/freshdesk/body.json.tmpl. Freshdesk cannot sign,
 * so the rule sends the secret as a Bearer token (or Basic password).
 * Freshdesk sends no delivery id and has no placeholder that changes from
 * one resolve to the next ({{ticket.updated_at}} is not a placeholder), so
 * the delivery is named by ticket id and status plus npsd's count of the
 * ticket's closes (event.delivery_per_close): the same resolve twice is a
 * duplicate, a resolve after a reopen is a new close. */
#include "autoconfig.h"

#include <ctype.h>
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
		.subject = "ticket.subject", .category = "ticket.type",
		.agent_email = "agent.email", .agent_name = "agent.name",
		.team_name = "group.name", .unassigned = "agent.email",
	};
	char status[64], updated[64];
	enum event_status st;

	st = hook_parse_template(req, src, now, &paths, ev, status, updated, err);
	if (st == EVENT_OK) {
		for (char *p = status; *p != '\0'; p++)	/* "Resolved" and "resolved" alike */
			*p = (char)tolower((unsigned char)*p);
		snprintf(delivery_id, idlen, "%.100s:%.40s", ev->ticket_id, status);
		ev->delivery_per_close = 1;
	}
	return st;
}

const struct hook_adapter hook_freshdesk = {
	"freshdesk", freshdesk_authenticate, freshdesk_parse,
};
