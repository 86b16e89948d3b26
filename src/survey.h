/* survey.h - survey lifecycle in the database: intake of close/reopen
 * events, answers, suppression. */
#ifndef NPSD_SURVEY_H
#define NPSD_SURVEY_H

#include <time.h>

#include "event.h"
#include "policy.h"
#include "store.h"

enum intake_outcome {
	INTAKE_SCHEDULED,
	INTAKE_DUPLICATE,
	INTAKE_SKIPPED,
	INTAKE_CANCELLED,
	INTAKE_IGNORED,
};

struct intake_result {
	enum intake_outcome outcome;
	const char	*reason;	/* for INTAKE_SKIPPED, INTAKE_IGNORED */
	char		 survey_id[32];
	time_t		 send_at;
	/* scheduled, but the survey exists only once the requester's address
	 * is known (address_lookups; survey_address.c) */
	int		 waiting_for_address;
};

/* deliveries.detail of a close waiting for its address */
#define SURVEY_WAITING_DETAIL	"waiting for the requester's address from the source's API"

/* Applies one event inside the caller's write transaction: records the
 * delivery, then schedules, skips or cancels. Returns STORE_OK or the
 * storage error that stopped it. */
int	survey_intake(struct store *, const struct policy *, const char *source,
    const char *delivery_id, const struct event *, time_t now, struct intake_result *);
const char *survey_outcome_name(enum intake_outcome);
/* Decides a close whose requester address is known (policy: suppression,
 * self, exclusions, sample, cooldown, cap) and schedules its survey after
 * the delay, as public_id (NULL: a new one), or skips it. Inside the
 * caller's transaction. */
int	survey_schedule_close(struct store *, const struct policy *, const char *source,
    const struct event *, long long ticket, long long seq, const char *public_id, time_t now,
    struct intake_result *);

#endif
