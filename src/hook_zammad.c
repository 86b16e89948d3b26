/* hook_zammad.c - Zammad: a trigger's webhook with Zammad's default
 * payload, signed X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>;
 * X-Zammad-Delivery names the delivery. ticket.state in close_statuses is
 * a close, any other state a reopen. customer = requester, owner = agent,
 * group = team. Payload per app/jobs/trigger_webhook_job*.rb in
 * zammad/zammad: {"ticket": ..., "article": ... or {}}; a ticket closed
 * without an owner is owned by the seeded user 1 (login "-"): no agent. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"

static int
zammad_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	const char *sig = http_header(req, "X-Hub-Signature");

	(void)now;
	if (sig == NULL || strncmp(sig, "sha1=", 5) != 0) {
		snprintf(why, whylen, "X-Hub-Signature: sha1=<hex> is required (set the HMAC "
		    "SHA1 signature token on the Zammad webhook)");
		return -1;
	}
	if (!hook_hmac_matches(src, "sha1", HOOK_HEX, sig + 5,
	    req->body.data ? req->body.data : "", req->body.len, "", 0)) {
		snprintf(why, whylen, "X-Hub-Signature does not match any configured secret");
		return -1;
	}
	return 0;
}

/* The owner, unless it is Zammad's seeded user 1 (login "-", firstname
 * "-", no address), which is who owns a ticket closed without an owner. */
static void
owner(json_t *root, struct event *ev)
{
	json_t *o = event_path(root, "ticket.owner"), *id = event_path(root, "ticket.owner_id");
	char login[NPSD_MAX_ID + 1], first[128], last[128];

	if (o == NULL || json_is_null(o))
		return;
	if (!json_is_object(o)) {
		event_drop(ev, "ticket.owner", "is not an object");
		return;
	}
	if ((json_is_integer(id) && json_integer_value(id) == 1) ||
	    (json_is_integer(json_object_get(o, "id")) &&
	    json_integer_value(json_object_get(o, "id")) == 1))
		return;
	event_optional_text(root, "ticket.owner.login", login, sizeof login, ev);
	if (strcmp(login, "-") == 0)
		return;
	event_optional_email(root, "ticket.owner.email", ev->agent_email, sizeof ev->agent_email,
	    ev);
	event_display_text(root, "ticket.owner.firstname", first, sizeof first, ev);
	event_display_text(root, "ticket.owner.lastname", last, sizeof last, ev);
	hook_join_name(ev->agent_name, sizeof ev->agent_name, strcmp(first, "-") ? first : "",
	    last);
	snprintf(ev->agent_id, sizeof ev->agent_id, "%s", login[0] ? login : ev->agent_email);
}

static enum event_status
zammad_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	char state[64], first[128], last[128];
	const char *delivery = http_header(req, "X-Zammad-Delivery");
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "ticket.number", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.state", NULL, 1, state, sizeof state, err);
	if (rc == 0 && (delivery == NULL || *delivery == '\0'))
		rc = event_fail(err, "X-Zammad-Delivery", "the header is required");
	if (rc != 0) {
		json_decref(root);
		return EVENT_INVALID_FIELD;
	}
	ev->type = hook_status_in(state, src->close_statuses) ? EVENT_CLOSED : EVENT_REOPENED;
	event_display_text(root, "ticket.title", ev->subject, sizeof ev->subject, ev);
	event_optional_text(root, "ticket.type", ev->category, sizeof ev->category, ev);
	if (ev->type == EVENT_CLOSED)
		event_requester_email(root, "ticket.customer.email", ev);
	event_display_text(root, "ticket.customer.firstname", first, sizeof first, ev);
	event_display_text(root, "ticket.customer.lastname", last, sizeof last, ev);
	hook_join_name(ev->requester_name, sizeof ev->requester_name, first, last);
	owner(root, ev);
	event_optional_text(root, "ticket.group.id", ev->team_id, sizeof ev->team_id, ev);
	event_display_text(root, "ticket.group.name", ev->team_name, sizeof ev->team_name, ev);
	if (ev->team_id[0] == '\0')
		ev->team_name[0] = '\0';
	snprintf(delivery_id, idlen, "%.200s", delivery);
	json_decref(root);
	return EVENT_OK;
}

const struct hook_adapter hook_zammad = {
	"zammad", zammad_authenticate, zammad_parse,
};
