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
	static const struct template_paths paths = {
		.subject = "ticket.name", .category = "ticket.category",
		.agent_id = "technician.id", .agent_email = "technician.email",
		.agent_name = "technician.name", .team_id = "group.id", .team_name = "group.name",
		.unassigned = "technician.id",
	};
	char status[64], updated[64];
	enum event_status st;

	st = hook_parse_template(req, src, now, &paths, ev, status, updated, err);
	if (st == EVENT_OK)
		snprintf(delivery_id, idlen, "%.40s:%.100s:%.40s",
		    http_header(req, "X-GLPI-timestamp"), ev->ticket_id, status);
	return st;
}

const struct hook_adapter hook_glpi = {
	"glpi", glpi_authenticate, glpi_parse,
};
