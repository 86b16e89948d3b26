/* hooks.h - the interface every ticket-system adapter implements. */
#ifndef NPSD_HOOKS_H
#define NPSD_HOOKS_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "event.h"
#include "http.h"

struct hook_adapter {
	const char	*name;	/* the {source} of /hooks/{source} */
	/* Checks the system's own authentication and yields its delivery id.
	 * 0 when authentic; -1 with a reason for the 401 answer. */
	int		(*authenticate)(struct request *, const struct source_config *,
			    time_t now, char *delivery_id, size_t idlen, char *why,
			    size_t whylen);
	/* Maps the body to the common event. */
	enum event_status (*parse)(const char *body, size_t len, time_t now, struct event *,
			    struct event_error *);
};

extern const struct hook_adapter hook_generic;

#endif
