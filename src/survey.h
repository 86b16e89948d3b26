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
	const char	*reason;	/* for INTAKE_SKIPPED */
	char		 survey_id[32];
	time_t		 send_at;
};

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

#endif
