/* fatigue.h - the fatigue rule: whether one more survey may go to a
 * requester address, given how many it was recently sent (cooldown,
 * max_per_30d). Pure: the storage layer counts, this decides. Intake asks
 * it before scheduling a close; the mailer asks again before mailing,
 * since two closes inside one delay both passed intake. */
#ifndef NPSD_FATIGUE_H
#define NPSD_FATIGUE_H

/* The window max_per_30d counts over. */
#define FATIGUE_CAP_WINDOW	(30LL * 86400)

struct fatigue_policy {
	long long	 cooldown;	/* seconds; 0 = none */
	int		 max_per_30d;	/* 0 = no cap */
};

/* Where each window starts for a decision at `now`: the store counts the
 * surveys mailed to the address since then (or on their way). */
struct fatigue_windows {
	long long	 cooldown_from;
	long long	 cap_from;
};

/* What the store counted for one address. */
struct fatigue_counts {
	long long	 in_cooldown;	/* mailed since cooldown_from, or on their way */
	long long	 in_cap;	/* mailed since cap_from, or on their way */
};

enum fatigue_decision {
	FATIGUE_ALLOW,
	FATIGUE_COOLDOWN,	/* one went out inside the cooldown */
	FATIGUE_CAPPED		/* max_per_30d reached */
};

/* 1 when the policy limits anything, so the counts are worth taking. */
int	 fatigue_limited(const struct fatigue_policy *);
struct fatigue_windows fatigue_windows_at(const struct fatigue_policy *, long long now);
/* The decision, and in *reason (may be NULL) its skip reason as webhooks
 * and surveys.reason name it ("cooldown", "capped"), NULL for allow. */
enum fatigue_decision fatigue_decide(const struct fatigue_policy *,
	    const struct fatigue_counts *, const char **reason);
const char *fatigue_reason(enum fatigue_decision);

#endif
