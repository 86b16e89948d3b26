/* survey_address.h - closes waiting for the requester's address that the
 * source's API gives (GLPI): the three ways a look-up ends. Each function
 * runs inside the caller's write transaction; STORE_NOTFOUND means the
 * close no longer waits (a reopen cancelled it). Which close is due is
 * store_address_claim's (store_survey.h). */
#ifndef NPSD_SURVEY_ADDRESS_H
#define NPSD_SURVEY_ADDRESS_H

#include <time.h>

#include "event.h"
#include "policy.h"
#include "store.h"
#include "survey.h"

struct address_found {
	char	 email[NPSD_MAX_EMAIL + 1];
	char	 language[8];		/* "" = the close's or the default */
	char	 name[NPSD_MAX_FIELD + 1];	/* used when the webhook had none */
};

/* The address is known: the survey is decided as any close's is and, when
 * surveyed, scheduled under the id the webhook was answered with. */
int	survey_address_found(struct store *, const struct policy *, long long id,
    const struct address_found *, time_t now, struct intake_result *);
/* No address (or no more tries): the close stays recorded, skipped
 * no_address, detail saying which call failed how (never an address). */
int	survey_address_missing(struct store *, long long id, const char *detail);
/* A failure worth another try at next_at. */
int	survey_address_retry(struct store *, long long id, time_t next_at, const char *detail);

#endif
