/* event.h - the common ticket event and its strict validation; no I/O. */
#ifndef NPSD_EVENT_H
#define NPSD_EVENT_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "limits.h"

/* EVENT_OTHER: an update that is neither a close nor a reopen (e.g. a Jira
 * edit without a status change); answered "ignored", nothing stored. */
enum event_type { EVENT_CLOSED = 1, EVENT_REOPENED, EVENT_OTHER };

struct event {
	enum event_type	 type;
	char	 ticket_id[NPSD_MAX_ID + 1];
	char	 subject[NPSD_MAX_FIELD + 1];
	char	 category[NPSD_MAX_ID + 1];
	time_t	 closed_at;		/* time of receipt when absent */
	char	 requester_email[NPSD_MAX_EMAIL + 1];
	char	 requester_name[NPSD_MAX_FIELD + 1];
	char	 language[8];		/* primary subtag, lower case, or "" */
	char	 agent_id[NPSD_MAX_ID + 1];
	char	 agent_email[NPSD_MAX_EMAIL + 1];
	char	 agent_name[NPSD_MAX_FIELD + 1];
	int	 self_score;		/* 0-10, -1 when absent */
	char	 team_id[NPSD_MAX_ID + 1];
	char	 team_name[NPSD_MAX_FIELD + 1];
	/* An authentic close that cannot be surveyed: a static reason
	 * ("no_address") and which field made it so; the close is recorded,
	 * counted and answered 200 skipped. NULL for a surveyable close. */
	const char	*unsurveyable;
	char	 unsurveyable_detail[160];
	/* Optional parts that were malformed and dropped, with why, for the
	 * log ("agent.email: is not a valid e-mail address; team"); never a
	 * value, so never an address. */
	char	 dropped[240];
	/* The source has no delivery id of its own (Freshdesk): the delivery
	 * is named by the adapter's id plus the ticket's close count, so a
	 * repeat is a duplicate and a close after a reopen is new. */
	int	 delivery_per_close;
	/* The body carries no address (GLPI): a close is answered at once and
	 * waits for the requester's address from the source's API. */
	int	 address_lookup;
	/* The source's own time of this event (seconds), for a source whose
	 * deliveries may arrive out of order: an event older than the newest
	 * one applied to its ticket is ignored. 0 = not ordered. */
	long long event_time;
};

enum event_status { EVENT_OK = 0, EVENT_INVALID_JSON, EVENT_INVALID_FIELD };

struct event_error {
	char	 field[48];
	char	 message[200];
};

/* Parses and validates a common event. now fills a missing closed_at. */
enum event_status event_parse(const char *body, size_t len, time_t now, struct event *,
    struct event_error *);
/* Helpers for the adapters, which map other shapes onto the event. */
/* Parses the body as a JSON object; NULL with err->message otherwise. */
json_t	*event_load(const char *body, size_t len, struct event *, struct event_error *);
/* The member at a dotted path ("ticket.requester.email"), or NULL. */
json_t	*event_path(json_t *root, const char *path);
/* Copies a string or integer member (trimmed) into out, checking size
 * and control characters; errors name field (or the path when NULL). */
int	event_text(json_t *root, const char *path, const char *field, int required,
    char *out, size_t outlen, struct event_error *);
/* event_text, and the value must be an e-mail address when present. */
int	event_email(json_t *root, const char *path, const char *field, int required,
    char *out, size_t outlen, struct event_error *);
int	event_fail(struct event_error *, const char *field, const char *message);
/* Notes in ev->dropped that an optional field was left out, and why. */
void	event_drop(struct event *, const char *field, const char *why);
/* Marks a close as not surveyable for want of an address (reason
 * "no_address"), naming the field and why; clears the address. */
void	event_no_address(struct event *, const char *field, const char *why);
/* Optional parts: a value of the wrong type, too long or with control
 * characters is dropped (event_drop) instead of refusing the event. */
void	event_optional_text(json_t *root, const char *path, char *out, size_t outlen,
    struct event *);
/* event_optional_text, and a value that is not an address is dropped. */
void	event_optional_email(json_t *root, const char *path, char *out, size_t outlen,
    struct event *);
/* Display text (subjects, names): control characters become spaces and
 * an overlong value is cut at a character boundary; only a value that is
 * not a string or number is dropped. */
void	event_display_text(json_t *root, const char *path, char *out, size_t outlen,
    struct event *);
/* The requester's address of a close: absent, empty or not an address
 * makes the close no_address (naming path and why). */
void	event_requester_email(json_t *root, const char *path, struct event *);
/* "nl", "nl-BE", "nl_NL" -> "nl". lenient also maps language names
 * ("Dutch", "English (US)") and yields "" for anything unknown. */
int	event_language(const char *in, char out[8], int lenient);
/* The intake rule for a close's time (README "Close times"): a closed_at
 * more than NPSD_CLOCK_SKEW seconds after now is set to now (CLAMPED); one
 * more than expire seconds before now is STALE (not surveyed, still
 * counted); expire <= 0 never makes a close stale. */
enum event_time { EVENT_TIME_OK = 0, EVENT_TIME_CLAMPED, EVENT_TIME_STALE };
enum event_time event_check_closed_at(time_t *closed_at, time_t now, long long expire);
/* RFC 3339 date-time -> epoch seconds. */
int	event_parse_time(const char *s, time_t *out);
void	event_format_time(time_t t, char *out, size_t outlen);

#endif
