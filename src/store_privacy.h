/* store_privacy.h - named operations for a person's rights over what npsd
 * holds: everything about one requester (export), erasing a requester
 * (their scores stay, anonymous) and erasing a departed agent's name and
 * address (their scores stay under the id). */
#ifndef NPSD_STORE_PRIVACY_H
#define NPSD_STORE_PRIVACY_H

#include <jansson.h>

#include "store.h"

/* *out: an object with one array per kind of record ("surveys",
 * "answers", "answer_versions", "mail", "followups", "page_views",
 * "suppressions"), each row an object named by its columns; times are
 * integer seconds, in columns named "at" or ending in "_at". Rows in the
 * order they were made. The caller frees *out. */
int	store_privacy_export(struct store *, const char *address, json_t **out);

/* What an erasure changed, row counts in the order printed. */
struct privacy_erased {
	long long	 comments;	/* answers whose comment went */
	long long	 versions;	/* earlier versions whose comment went */
	long long	 notes;		/* follow-up notes */
	long long	 mail;		/* messages and recipients erased */
	long long	 links;		/* survey links removed */
	long long	 cancelled;	/* surveys not yet sent, cancelled */
	long long	 surveys;	/* surveys whose address and name went */
	long long	 suppressed;	/* 1 when the address was added to the list */
	int		 log_kept;	/* SQLite: the old text is still in the WAL */
};

/* Erases every trace of the requester with address, in one transaction:
 * comments, notes, mail text and recipient (waiting mail cancelled),
 * survey links; surveys not sent yet are cancelled ('forgotten'); with
 * suppress, the address's hash goes on the suppression list so npsd never
 * surveys it again. */
int	store_privacy_forget(struct store *, const char *address, int suppress, long long now,
	    struct privacy_erased *);

struct agent_erased {
	long long	 links;		/* sign-in links removed */
	long long	 sessions;	/* dashboard sessions ended */
	long long	 surveys;	/* surveys whose agent name and address went */
	long long	 agents;	/* 1 */
	int		 log_kept;
};

/* Erases agent id's name and address everywhere and ends their sessions,
 * in one transaction. STORE_NOTFOUND when npsd has never seen the id. */
int	store_agent_forget(struct store *, const char *id, struct agent_erased *);

#endif
