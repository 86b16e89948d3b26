/* hook_glpi.c - GLPI 11: a webhook on Ticket update with the payload of
 * contrib/glpi/body.json.tmpl, signed X-GLPI-signature = hex
 * HMAC-SHA256(secret, body + X-GLPI-timestamp). GLPI sends from a queue, so
 * the timestamp tolerance is configurable (default 1h). Status 5 (solved)
 * or 6 (closed) is a close; the delivery is timestamp + ticket + status. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "hooks.h"

static int
glpi_authenticate(struct request *req, const struct source_config *src, time_t now,
    char *why, size_t whylen)
{
	const char *sig = http_header(req, "X-GLPI-signature");
	const char *ts = http_header(req, "X-GLPI-timestamp");

	if (sig == NULL || ts == NULL) {
		snprintf(why, whylen, "X-GLPI-signature and X-GLPI-timestamp are required (set a "
		    "secret on the GLPI webhook)");
		return -1;
	}
	if (!hook_timestamp_fresh(ts, now, src->tolerance)) {
		snprintf(why, whylen, "X-GLPI-timestamp is not within [source.glpi] tolerance of "
		    "the server's clock");
		return -1;
	}
	if (!hook_hmac_matches(src, "sha256", HOOK_HEX, sig,
	    req->body.data ? req->body.data : "", req->body.len, ts, strlen(ts))) {
		snprintf(why, whylen, "X-GLPI-signature does not match any configured secret");
		return -1;
	}
	return 0;
}

static enum event_status
glpi_parse(struct request *req, const struct source_config *src, time_t now,
    struct event *ev, char *delivery_id, size_t idlen, struct event_error *err)
{
	char status[64], lang[64];
	json_t *root;
	int rc;

	if ((root = event_load(req->body.data ? req->body.data : "", req->body.len, ev, err)) == NULL)
		return EVENT_INVALID_JSON;
	ev->closed_at = now;
	rc = event_text(root, "ticket.id", NULL, 1, ev->ticket_id, sizeof ev->ticket_id, err) ||
	    event_text(root, "ticket.status", NULL, 1, status, sizeof status, err) ||
	    event_text(root, "ticket.name", NULL, 0, ev->subject, sizeof ev->subject, err) ||
	    event_text(root, "ticket.category", NULL, 0, ev->category, sizeof ev->category, err);
	if (rc == 0) {
		ev->type = hook_status_in(status, src->close_statuses) ? EVENT_CLOSED :
		    EVENT_REOPENED;
		rc = event_email(root, "requester.email", NULL, ev->type == EVENT_CLOSED,
		    ev->requester_email, sizeof ev->requester_email, err) ||
		    event_text(root, "requester.name", NULL, 0, ev->requester_name,
			sizeof ev->requester_name, err) ||
		    event_text(root, "requester.language", NULL, 0, lang, sizeof lang, err) ||
		    event_text(root, "technician.id", NULL, 0, ev->agent_id, sizeof ev->agent_id,
			err) ||
		    event_email(root, "technician.email", NULL, 0, ev->agent_email,
			sizeof ev->agent_email, err) ||
		    event_text(root, "technician.name", NULL, 0, ev->agent_name,
			sizeof ev->agent_name, err) ||
		    event_text(root, "group.id", NULL, 0, ev->team_id, sizeof ev->team_id, err) ||
		    event_text(root, "group.name", NULL, 0, ev->team_name, sizeof ev->team_name,
			err);
	}
	/* GLPI renders an unset id as 0 */
	if (rc == 0 && strcmp(ev->agent_id, "0") == 0)
		ev->agent_id[0] = '\0';
	if (rc == 0 && strcmp(ev->team_id, "0") == 0)
		ev->team_id[0] = ev->team_name[0] = '\0';
	if (rc == 0 && ev->type == EVENT_CLOSED && ev->agent_id[0] == '\0' &&
	    ev->agent_email[0] == '\0')
		rc = event_fail(err, "technician.id", "the ticket has no technician assigned");
	if (rc == 0) {
		event_language(lang, ev->language, 1);
		snprintf(delivery_id, idlen, "%.40s:%.100s:%.40s",
		    http_header(req, "X-GLPI-timestamp"), ev->ticket_id, status);
	}
	json_decref(root);
	return rc == 0 ? EVENT_OK : EVENT_INVALID_FIELD;
}

const struct hook_adapter hook_glpi = {
	"glpi", glpi_authenticate, glpi_parse,
};
