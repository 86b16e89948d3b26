/* store_retention.h - named operations that forget: what identifies a
 * requester and what they wrote, and a departed agent's name and address.
 * Each runs in the caller's transaction. */
#ifndef NPSD_STORE_RETENTION_H
#define NPSD_STORE_RETENTION_H

#include "store.h"

/* Erases requesters' addresses and names of surveys closed before
 * `before` that no mail can follow any more (not scheduled, not sent),
 * comments of answers (every version) given before it, follow-up notes
 * of follow-ups done (or, open, created) before it, and the recipient,
 * message and server reply of mail created before it that is no longer
 * waiting to go. Adds the rows changed to *changed. STORE_OK or an error
 * code. */
int	store_retention_erase_personal(struct store *, long long before, long long *changed);

/* For every agent not seen in a close since seen_before: erases their name
 * and address (in agents and in every survey) and ends their sessions and
 * sign-in links, unless the address is an admin's or a team manager's.
 * Scores stay under the agent's id. Adds the rows changed to *changed.
 * STORE_OK or an error code. */
int	store_retention_erase_staff(struct store *, long long seen_before, long long *changed);

#endif
