/* hook_znuny.c - Znuny / OTOBO: the GenericInterface REST invoker
 * Ticket::Generic on TicketStateUpdate, authenticated with HTTP Basic or
 * a Bearer header carrying the secret. A StateType of "closed" (or a
 * State in close_statuses) is a close; the queue is the team, the owner
 * the agent. The delivery is TicketID + State + Changed. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"

static int
znuny_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	(void)now;
	if (!hook_token_matches(req, src)) {
		snprintf(why, whylen, "HTTP Basic with the secret as password, or "
		    "\"Authorization: Bearer <secret>\", is required");
		return -1;
	}
	return 0;
}

static enum event_status
znuny_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	char state[64], state_type[64], changed[64], ticket[NPSD_MAX_ID + 1], lang[64];
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "Ticket.TicketID", NULL, 1, ticket, sizeof ticket, err) ||
	    event_text(root, "Ticket.TicketNumber", NULL, 0, ev->ticket_id, sizeof ev->ticket_id,
		err) ||
	    event_text(root, "Ticket.State", NULL, 1, state, sizeof state, err) ||
	    event_text(root, "Ticket.StateType", NULL, 0, state_type, sizeof state_type, err) ||
	    event_text(root, "Ticket.Changed", NULL, 0, changed, sizeof changed, err) ||
	    event_text(root, "Ticket.Title", NULL, 0, ev->subject, sizeof ev->subject, err) ||
	    event_text(root, "Ticket.Type", NULL, 0, ev->category, sizeof ev->category, err);
	if (rc == 0) {
		int closed = src->close_statuses[0] != '\0' ?
		    hook_status_in(state, src->close_statuses) : strcmp(state_type, "closed") == 0;
		ev->type = closed ? EVENT_CLOSED : EVENT_REOPENED;
		if (ev->ticket_id[0] == '\0')
			snprintf(ev->ticket_id, sizeof ev->ticket_id, "%s", ticket);
		rc = event_email(root, "Ticket.CustomerUser.UserEmail", NULL,
		    ev->type == EVENT_CLOSED, ev->requester_email, sizeof ev->requester_email,
		    err) ||
		    event_text(root, "Ticket.CustomerUser.UserFullname", NULL, 0, ev->requester_name,
			sizeof ev->requester_name, err) ||
		    event_text(root, "Ticket.CustomerUser.UserLanguage", NULL, 0, lang, sizeof lang,
			err) ||
		    event_text(root, "Ticket.Owner", NULL, 0, ev->agent_id, sizeof ev->agent_id,
			err) ||
		    event_email(root, "Ticket.OwnerData.UserEmail", NULL, 0, ev->agent_email,
			sizeof ev->agent_email, err) ||
		    event_text(root, "Ticket.OwnerData.UserFullname", NULL, 0, ev->agent_name,
			sizeof ev->agent_name, err) ||
		    event_text(root, "Ticket.Queue", NULL, 0, ev->team_id, sizeof ev->team_id, err);
	}
	/* the admin account owns unassigned tickets in a default install */
	if (rc == 0 && ev->type == EVENT_CLOSED && ev->agent_id[0] == '\0')
		rc = event_fail(err, "Ticket.Owner", "the ticket has no owner");
	if (rc == 0) {
		event_language(lang, ev->language, 1);
		snprintf(ev->team_name, sizeof ev->team_name, "%s", ev->team_id);
		snprintf(delivery_id, idlen, "%.60s:%.60s:%.40s", ticket, state, changed);
	}
	json_decref(root);
	return rc == 0 ? EVENT_OK : EVENT_INVALID_FIELD;
}

const struct hook_adapter hook_znuny = {
	"znuny", znuny_authenticate, znuny_parse,
};
