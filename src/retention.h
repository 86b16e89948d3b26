/* retention.h - erasing personal data once [retention] personal_data has
 * passed, and departed agents' names and addresses once staff_data has. */
#ifndef NPSD_RETENTION_H
#define NPSD_RETENTION_H

#include <time.h>

#include "store.h"

/* In one transaction: requesters' addresses and names of surveys closed
 * more than keep seconds ago (once no mail for them can follow), comments
 * of answers given more than keep ago (every version), follow-up notes and
 * old outbox rows; when staff_keep is not 0, the name and address of every
 * agent not seen in a close for staff_keep seconds (everywhere they are
 * kept; their sessions end unless the address is an admin's or a team
 * manager's; scores stay under the id). Returns the rows changed, or -1. */
long long retention_sweep(struct store *, long long keep, long long staff_keep, time_t now);

#endif
