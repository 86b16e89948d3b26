/* survey_address.h - closes waiting for the requester's address that the
 * source's API gives (GLPI): which is due, and the three ways a look-up
 * ends. Each function runs inside the caller's write transaction;
 * SQLITE_NOTFOUND means the close no longer waits (a reopen cancelled it). */
#ifndef NPSD_SURVEY_ADDRESS_H
#define NPSD_SURVEY_ADDRESS_H

#include <sqlite3.h>
#include <time.h>

#include "event.h"
#include "policy.h"
#include "survey.h"

struct address_wait {
	long long	 id;
	char		 source[32];
	char		 ticket_id[NPSD_MAX_ID + 1];
	int		 attempts;	/* tries that failed so far */
};

struct address_found {
	char	 email[NPSD_MAX_EMAIL + 1];
	char	 language[8];		/* "" = the close's or the default */
	char	 name[NPSD_MAX_FIELD + 1];	/* used when the webhook had none */
};

/* The close due first (next_attempt_at <= now): SQLITE_ROW with w filled,
 * SQLITE_DONE when none is due. *next_at: the earliest next_attempt_at of
 * any waiting close, 0 when none waits. */
int	survey_address_due(sqlite3 *, time_t now, struct address_wait *w, long long *next_at);
/* The address is known: the survey is decided as any close's is and, when
 * surveyed, scheduled under the id the webhook was answered with. */
int	survey_address_found(sqlite3 *, const struct policy *, long long id,
    const struct address_found *, time_t now, struct intake_result *);
/* No address (or no more tries): the close stays recorded, skipped
 * no_address, detail saying which call failed how (never an address). */
int	survey_address_missing(sqlite3 *, long long id, const char *detail);
/* A failure worth another try at next_at. */
int	survey_address_retry(sqlite3 *, long long id, time_t next_at, const char *detail);

#endif
