/* hook_zammad.c - Zammad: a trigger's webhook with Zammad's default
 * payload, signed X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>;
 * X-Zammad-Delivery names the delivery. ticket.state in close_statuses is
 * a close, any other state a reopen. customer = requester, owner = agent,
 * group = team. */
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

static enum event_status
zammad_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	char state[64], first[128], last[128], login[NPSD_MAX_ID + 1];
	const char *delivery = http_header(req, "X-Zammad-Delivery");
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "ticket.number", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.state", NULL, 1, state, sizeof state, err) ||
	    event_text(root, "ticket.title", NULL, 0, ev->subject, sizeof ev->subject, err) ||
	    event_text(root, "ticket.type", NULL, 0, ev->category, sizeof ev->category, err);
	if (rc == 0) {
		ev->type = hook_status_in(state, src->close_statuses) ? EVENT_CLOSED :
		    EVENT_REOPENED;
		rc = event_email(root, "ticket.customer.email", NULL, ev->type == EVENT_CLOSED,
		    ev->requester_email, sizeof ev->requester_email, err) ||
		    event_text(root, "ticket.customer.firstname", NULL, 0, first, sizeof first, err) ||
		    event_text(root, "ticket.customer.lastname", NULL, 0, last, sizeof last, err);
	}
	if (rc == 0) {
		hook_join_name(ev->requester_name, sizeof ev->requester_name, first, last);
		rc = event_text(root, "ticket.owner.login", NULL, 0, login, sizeof login, err) ||
		    event_email(root, "ticket.owner.email", NULL, 0, ev->agent_email,
			sizeof ev->agent_email, err) ||
		    event_text(root, "ticket.owner.firstname", NULL, 0, first, sizeof first, err) ||
		    event_text(root, "ticket.owner.lastname", NULL, 0, last, sizeof last, err) ||
		    event_text(root, "ticket.group.id", NULL, 0, ev->team_id, sizeof ev->team_id,
			err) ||
		    event_text(root, "ticket.group.name", NULL, 0, ev->team_name,
			sizeof ev->team_name, err);
	}
	if (rc == 0) {
		hook_join_name(ev->agent_name, sizeof ev->agent_name, first, last);
		/* Zammad's "-" (id 1) owner means nobody */
		if (strcmp(login, "-") == 0)
			login[0] = '\0';
		snprintf(ev->agent_id, sizeof ev->agent_id, "%s", login[0] ? login : ev->agent_email);
		if (ev->type == EVENT_CLOSED && ev->agent_id[0] == '\0')
			rc = event_fail(err, "ticket.owner", "the ticket has no owner");
	}
	if (rc == 0 && (delivery == NULL || *delivery == '\0'))
		rc = event_fail(err, "X-Zammad-Delivery", "the header is required");
	if (rc == 0)
		snprintf(delivery_id, idlen, "%.200s", delivery);
	json_decref(root);
	return rc == 0 ? EVENT_OK : EVENT_INVALID_FIELD;
}

const struct hook_adapter hook_zammad = {
	"zammad", zammad_authenticate, zammad_parse,
};
