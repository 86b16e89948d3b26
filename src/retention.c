/* retention.c - owns forgetting: what identifies a requester (address,
 * name), what they wrote (comments, in every answer version), what a team
 * lead wrote about them (follow-up notes) and the mail to them, with the
 * server's reply that may name them, is erased once [retention]
 * personal_data has passed; a departed agent's name and address once
 * staff_data has; scores, agent and team ids and categories stay, so
 * reports keep their numbers. */
#include "autoconfig.h"

#include "retention.h"
#include "store_retention.h"

long long
retention_sweep(struct store *db, long long keep, long long staff_keep, time_t now)
{
	long long changed = 0;
	int rc;

	if (store_begin(db) != STORE_OK)
		return -1;
	rc = store_retention_erase_personal(db, (long long)now - keep, &changed);
	if (rc == STORE_OK && staff_keep > 0)
		rc = store_retention_erase_staff(db, (long long)now - staff_keep, &changed);
	if (rc != STORE_OK) {
		store_rollback(db);
		return -1;
	}
	if (store_commit(db) != STORE_OK)
		return -1;
	return changed;
}
