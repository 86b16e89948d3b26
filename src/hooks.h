/* hooks.h - the interface every ticket-system adapter implements, and the
 * checks they share. */
#ifndef NPSD_HOOKS_H
#define NPSD_HOOKS_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "event.h"
#include "http.h"

struct hook_adapter {
	const char	*name;	/* the {source} of /hooks/{source} */
	/* Checks the system's own authentication: 0 when authentic, -1 with
	 * a reason for the 401 answer. */
	int		(*authenticate)(struct request *, const struct source_config *,
			    time_t now, char *why, size_t whylen);
	/* Maps the body to the common event and names the delivery, so a
	 * repeated delivery is recognised. */
	enum event_status (*parse)(struct request *, const struct source_config *, time_t now,
			    struct event *, char *delivery_id, size_t idlen, struct event_error *);
};

extern const struct hook_adapter hook_generic, hook_zendesk, hook_freshdesk, hook_jira,
    hook_zammad, hook_glpi, hook_znuny;

enum hook_encoding { HOOK_HEX, HOOK_BASE64 };

/* 1 when given (hex or base64) equals HMAC-digest(secret, a || b) under any
 * of the source's secrets; compared in constant time. */
int	hook_hmac_matches(const struct source_config *, const char *digest,
    enum hook_encoding, const char *given, const void *a, size_t alen, const void *b,
    size_t blen);
/* 1 when Authorization is "Bearer SECRET" or Basic with SECRET as the
 * password, for any of the source's secrets. */
int	hook_token_matches(struct request *, const struct source_config *);
/* 1 when a timestamp (Unix seconds or RFC 3339) is within tolerance. */
int	hook_timestamp_fresh(const char *ts, time_t now, long long tolerance);
/* 1 when status is in the comma separated list (case-insensitive). */
int	hook_status_in(const char *status, const char *list);
/* Where a body made from one of our templates (contrib/<source>/
 * body.json.tmpl) keeps each field; NULL = not there. */
struct template_paths {
	const char	*subject, *category, *updated;
	const char	*agent_id, *agent_email, *agent_name;
	const char	*team_id, *team_name;
	const char	*unassigned;	/* unused: an unassigned close has no agent */
};

/* Parses a body made from a template; when strict JSON fails (a system
 * that pastes placeholders unescaped, so a quote, backslash or line break
 * in a subject or name broke it), re-reads it with those characters taken
 * literally, noting that in ev->dropped. NULL with err when neither works. */
json_t	*hook_load_template_body(const char *body, size_t len, struct event *,
    struct event_error *);

/* Parses such a body: ticket.id and ticket.status (a close when the status
 * is in close_statuses, else a reopen), requester.{email,name,language},
 * and the fields at paths. An id of "0" means none (GLPI); a missing agent
 * id is the agent's address, a missing team id the team's name. Only a
 * missing ticket.id or ticket.status refuses the body; a close without a
 * usable requester address is no_address, other malformed parts are
 * dropped (ev->dropped). status and updated receive those values for the
 * delivery id. */
enum event_status hook_parse_template(struct request *, const struct source_config *,
    time_t now, const struct template_paths *, struct event *, char status[64],
    char updated[64], struct event_error *);
/* GLPI: what a team member's href links to (/front/user.form.php?id=N,
 * group, supplier, after GLPI's root_doc), and N. */
enum glpi_member { GLPI_UNKNOWN, GLPI_USER, GLPI_GROUP, GLPI_SUPPLIER };
enum glpi_member hook_glpi_href(const char *href, long long *id);
/* GLPI: parses the default payload or contrib/glpi/body.json.tmpl's
 * output. Only a body that is not an object with item.id and
 * item.status.id (integers or digit strings) is refused; status receives
 * item.status.id. A close has address_lookup set: GLPI sends no address. */
enum event_status hook_glpi_parse_body(const char *body, size_t len, const char *close_statuses,
    time_t now, struct event *, char status[24], struct event_error *);
/* Fills "Given Family" from two parts, either of which may be empty. */
void	hook_join_name(char *out, size_t outlen, const char *first, const char *last);

#endif
