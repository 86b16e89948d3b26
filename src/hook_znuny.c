/* hook_znuny.c - Znuny / OTOBO: the GenericInterface REST invoker
 * Ticket::Generic on TicketStateUpdate, authenticated with HTTP Basic or
 * a Bearer header carrying the secret. A StateType of "closed" (or a
 * State in close_statuses) is a close; the queue is the team, the owner
 * the agent. The delivery is TicketID + State + Changed. The body is
 * {"Ticket": TicketDeepGet(), "Event": ...} per Kernel/GenericInterface/
 * Invoker/Ticket/Generic.pm and Kernel/System/Ticket.pm in znuny/Znuny. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"
#include "message.h"

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

/* The requester: the customer user's address, or, for a sender found in
 * no customer backend ("CustomerUser": {}), the CustomerUserID the ticket
 * keeps, which is then the address the mail came from. */
static void
requester(json_t *root, struct event *ev)
{
	char fallback[NPSD_MAX_EMAIL + 1];
	json_t *v = event_path(root, "Ticket.CustomerUser.UserEmail");

	if (v != NULL && !json_is_null(v) && !(json_is_string(v) && *json_string_value(v) == 0)) {
		event_requester_email(root, "Ticket.CustomerUser.UserEmail", ev);
		return;
	}
	event_optional_text(root, "Ticket.CustomerUserID", fallback, sizeof fallback, ev);
	if (fallback[0] != '\0' && message_address_valid(fallback)) {
		snprintf(ev->requester_email, sizeof ev->requester_email, "%s", fallback);
		return;
	}
	event_no_address(ev, "Ticket.CustomerUser.UserEmail", fallback[0] != '\0' ?
	    "is absent and Ticket.CustomerUserID is not an address" :
	    "and Ticket.CustomerUserID are absent");
}

/* The owner, unless it is user 1 (root@localhost, "Admin OTRS" of the
 * initial insert), who owns every ticket never assigned to an agent. */
static void
owner(json_t *root, struct event *ev)
{
	char id[32], first[128], last[128];

	event_optional_text(root, "Ticket.OwnerID", id, sizeof id, ev);
	event_optional_text(root, "Ticket.Owner", ev->agent_id, sizeof ev->agent_id, ev);
	if (strcmp(id, "1") == 0 || strcmp(ev->agent_id, "root@localhost") == 0) {
		ev->agent_id[0] = '\0';
		return;
	}
	event_optional_email(root, "Ticket.OwnerData.UserEmail", ev->agent_email,
	    sizeof ev->agent_email, ev);
	event_display_text(root, "Ticket.OwnerData.UserFullname", ev->agent_name,
	    sizeof ev->agent_name, ev);
	if (ev->agent_name[0] == '\0') {
		event_display_text(root, "Ticket.OwnerData.UserFirstname", first, sizeof first, ev);
		event_display_text(root, "Ticket.OwnerData.UserLastname", last, sizeof last, ev);
		hook_join_name(ev->agent_name, sizeof ev->agent_name, first, last);
	}
	if (ev->agent_id[0] == '\0')
		snprintf(ev->agent_id, sizeof ev->agent_id, "%s", ev->agent_email);
}

static enum event_status
znuny_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	char state[64], state_type[64], changed[64], ticket[NPSD_MAX_ID + 1], lang[64];
	json_t *root;
	int closed;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	if (event_text(root, "Ticket.TicketID", NULL, 1, ticket, sizeof ticket, err) ||
	    event_text(root, "Ticket.State", NULL, 1, state, sizeof state, err)) {
		json_decref(root);
		return EVENT_INVALID_FIELD;
	}
	event_optional_text(root, "Ticket.TicketNumber", ev->ticket_id, sizeof ev->ticket_id, ev);
	event_optional_text(root, "Ticket.StateType", state_type, sizeof state_type, ev);
	event_optional_text(root, "Ticket.Changed", changed, sizeof changed, ev);
	event_display_text(root, "Ticket.Title", ev->subject, sizeof ev->subject, ev);
	event_optional_text(root, "Ticket.Type", ev->category, sizeof ev->category, ev);
	closed = src->close_statuses[0] != '\0' ? hook_status_in(state, src->close_statuses) :
	    strcmp(state_type, "closed") == 0;
	ev->type = closed ? EVENT_CLOSED : EVENT_REOPENED;
	if (ev->ticket_id[0] == '\0')
		snprintf(ev->ticket_id, sizeof ev->ticket_id, "%s", ticket);
	if (closed)
		requester(root, ev);
	event_display_text(root, "Ticket.CustomerUser.UserFullname", ev->requester_name,
	    sizeof ev->requester_name, ev);
	event_optional_text(root, "Ticket.CustomerUser.UserLanguage", lang, sizeof lang, ev);
	owner(root, ev);
	event_optional_text(root, "Ticket.Queue", ev->team_id, sizeof ev->team_id, ev);
	event_language(lang, ev->language, 1);
	snprintf(ev->team_name, sizeof ev->team_name, "%s", ev->team_id);
	snprintf(delivery_id, idlen, "%.60s:%.60s:%.40s", ticket, state, changed);
	json_decref(root);
	return EVENT_OK;
}

const struct hook_adapter hook_znuny = {
	"znuny", znuny_authenticate, znuny_parse,
};
