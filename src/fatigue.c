/* fatigue.c - the fatigue rule (fatigue.h): the cooldown wins over the
 * cap, so a requester surveyed yesterday reads "cooldown" whatever the
 * 30-day count. */
#include "autoconfig.h"

#include <stddef.h>

#include "fatigue.h"

int
fatigue_limited(const struct fatigue_policy *pol)
{
	return pol->cooldown > 0 || pol->max_per_30d > 0;
}

struct fatigue_windows
fatigue_windows_at(const struct fatigue_policy *pol, long long now)
{
	struct fatigue_windows w;

	w.cooldown_from = now - (pol->cooldown > 0 ? pol->cooldown : 0);
	w.cap_from = now - FATIGUE_CAP_WINDOW;
	return w;
}

const char *
fatigue_reason(enum fatigue_decision d)
{
	switch (d) {
	case FATIGUE_COOLDOWN: return "cooldown";
	case FATIGUE_CAPPED: return "capped";
	case FATIGUE_ALLOW: break;
	}
	return NULL;
}

enum fatigue_decision
fatigue_decide(const struct fatigue_policy *pol, const struct fatigue_counts *n,
    const char **reason)
{
	enum fatigue_decision d = FATIGUE_ALLOW;

	if (pol->cooldown > 0 && n->in_cooldown > 0)
		d = FATIGUE_COOLDOWN;
	else if (pol->max_per_30d > 0 && n->in_cap >= pol->max_per_30d)
		d = FATIGUE_CAPPED;
	if (reason != NULL)
		*reason = fatigue_reason(d);
	return d;
}
