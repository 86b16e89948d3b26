/* policy.h - who is surveyed: exclusions, sampling, fatigue limits. */
#ifndef NPSD_POLICY_H
#define NPSD_POLICY_H

#include <regex.h>
#include <stddef.h>

#include "window.h"

#define POLICY_MAX_PATTERNS	32
#define POLICY_MAX_NAMES	64

struct policy {
	long long	 delay;
	long long	 expire;		/* seconds; older closes are stale */
	int		 resurvey_after_reopen;
	long long	 cooldown;		/* seconds, 0 = none */
	int		 max_per_30d;		/* 0 = no cap */
	int		 sample;		/* percent */
	regex_t		 exclude[POLICY_MAX_PATTERNS];
	int		 nexclude;
	char		*exclude_categories[POLICY_MAX_NAMES];
	int		 ncategories;
	char		*exclude_teams[POLICY_MAX_NAMES];
	int		 nteams;
	struct send_window window;
};

struct config;

/* Compiles the [survey] rules; -1 with a message naming the key. */
int	policy_load(struct policy *, const struct config *, char *err, size_t errlen);
void	policy_free(struct policy *);
#define POLICY_MAX_ITEM	511	/* bytes of one list item */

/* Splits a comma separated list, ignoring commas inside {m,n}; calls fn
 * for each trimmed item. -1 when fn fails or an item is longer than
 * POLICY_MAX_ITEM. */
int	policy_split(const char *list, int (*fn)(const char *item, void *arg), void *arg);
/* 1 when the requester address, category or team is excluded. */
int	policy_excluded(const struct policy *, const char *email, const char *category,
    const char *team);
/* 1 when the ticket falls inside the sample; the same ticket always
 * decides the same way. */
int	policy_sampled_in(const char *source, const char *ticket_id, int percent);

#endif
