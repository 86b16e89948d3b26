/* survey.h - survey lifecycle in the database: intake of close/reopen
 * events, answers, suppression. */
#ifndef NPSD_SURVEY_H
#define NPSD_SURVEY_H

#include <sqlite3.h>
#include <time.h>

#include "event.h"
#include "policy.h"

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
 * delivery, then schedules, skips or cancels. Returns SQLITE_OK or the
 * SQLite error that stopped it. */
int	survey_intake(sqlite3 *, const struct policy *, const char *source,
    const char *delivery_id, const struct event *, time_t now, struct intake_result *);
/* Surveys mailed to this address since `since` or on their way (in the
 * outbox), plus those still waiting for their moment when pending is set;
 * -1 on a database error. */
long long survey_count_recent(sqlite3 *, const char *email, long long since, int pending,
    long long except_id);
const char *survey_outcome_name(enum intake_outcome);
/* Decides a close whose requester address is known (policy: suppression,
 * self, exclusions, sample, cooldown, cap) and schedules its survey after
 * the delay, as public_id (NULL: a new one), or skips it. Inside the
 * caller's transaction. */
int	survey_schedule_close(sqlite3 *, const struct policy *, const char *source,
    const struct event *, long long ticket, long long seq, const char *public_id, time_t now,
    struct intake_result *);
/* Runs sql with text parameters (NULL binds NULL); the first column of
 * the first row in *out when out is given (SQLITE_NOTFOUND: no row). */
int	survey_sql(sqlite3 *, const char *sql, long long *out, int n, ...);

#endif
