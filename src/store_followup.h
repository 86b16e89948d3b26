/* store_followup.h - named operations on follow-ups: a detractor's answer
 * waiting for a call back, opened when the answer comes in (or is counted
 * again) and marked done by a team lead with a note. */
#ifndef NPSD_STORE_FOLLOWUP_H
#define NPSD_STORE_FOLLOWUP_H

#include "store.h"

/* One follow-up as listed; the strings live until the callback returns. */
struct store_followup {
	const char	*survey;		/* public id, svy_... */
	const char	*ticket_id;
	const char	*subject;
	const char	*agent_id;
	const char	*agent;			/* the agent's name, else the id */
	const char	*team_id;
	int		 score;
	const char	*comment;		/* "" for none */
	const char	*requester_name;	/* "" for none */
	const char	*requester_email;	/* "" for none */
	long long	 created_at;
	long long	 done_at;		/* 0 while open */
	const char	*done_by;		/* "" while open */
	const char	*note;			/* "" for none */
};

/* Opens a follow-up for survey's answer when it is a detractor's
 * (nps_is_detractor) and not flagged as automated; nothing when one is
 * already there (done or not). Runs inside the caller's transaction, if
 * any. STORE_OK or an error code. */
int	store_followup_open(struct store *, long long survey, long long now);

/* Marks the open follow-up of the survey with public id `survey` done at
 * now by `by`, with note (NULL: none). With team (not NULL), only when the
 * survey is that team's. STORE_OK, STORE_NOTFOUND when there is no such
 * open follow-up, or an error code. */
int	store_followup_done(struct store *, const char *survey, const char *team,
	    long long now, const char *by, const char *note);

/* Calls cb for each follow-up, oldest first: open ones only unless all,
 * of team's surveys only unless team is NULL. cb returns non-zero to stop.
 * STORE_OK or an error code. */
int	store_followup_each(struct store *, const char *team, int all,
	    int (*cb)(void *arg, const struct store_followup *), void *arg);

#endif
