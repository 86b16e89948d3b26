/* store_mail_admin.h - named operations behind `npsctl mail`: the outbox
 * listed for the administrator, a message sent again or dropped. A
 * message some npsd is sending right now ('sending') is never touched. */
#ifndef NPSD_STORE_MAIL_ADMIN_H
#define NPSD_STORE_MAIL_ADMIN_H

#include "store.h"

enum mail_filter {
	MAIL_OPEN,	/* waiting, being sent or failed */
	MAIL_WAITING,	/* waiting or being sent */
	MAIL_FAILED,
	MAIL_ALL
};

/* One message of the outbox; text is "" when not stored. */
struct mail_row {
	long long	 id;
	const char	*kind, *state;
	int		 attempts;
	long long	 next_attempt_at;
	long long	 done_at;	/* 0: not done */
	const char	*survey;	/* the survey's public id */
	const char	*ticket;
	const char	*recipient, *last_error;
};

/* Calls fn for every message the filter takes, by id, until fn returns
 * non-zero; the row's text lives until fn returns. */
int	store_mail_each(struct store *, enum mail_filter,
	    int (*fn)(const struct mail_row *, void *), void *arg);
/* Queues message id (every one for 0) that waits or failed with its text
 * still stored, to go now with a fresh count of attempts; a survey that
 * failed with its mail is scheduled again (SURVEY_EV_RETRIED). One
 * transaction. *queued is the number of messages; STORE_NOTFOUND for an
 * id that cannot be retried. */
int	store_mail_retry(struct store *, long long id, long long now, long long *queued);
/* Drops message id, waiting or failed: never sent, its text erased; the
 * survey waiting for it is cancelled ('dropped'), so no reminder follows.
 * One transaction. STORE_NOTFOUND when it is not waiting or failed. */
int	store_mail_drop(struct store *, long long id, long long now);

#endif
