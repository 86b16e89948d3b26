/* store_alert.h - named operations of the detractor alert: the follow-ups
 * whose alert is not yet mailed, what the alert says, who receives it,
 * and marking it mailed. Each runs inside the caller's transaction and
 * returns STORE_OK or the failed statement's code. */
#ifndef NPSD_STORE_ALERT_H
#define NPSD_STORE_ALERT_H

#include "store.h"

/* A follow-up to alert about; the strings are its own. */
struct store_alert {
	long long	 survey;	/* 0: none waiting */
	int		 answered;	/* 0: its survey or answer is gone */
	char		*survey_id, *ticket_id, *subject, *category;
	char		*agent_name, *team_name, *team_id;
	char		*requester_email, *requester_name, *comment;
	int		 score;
	long long	 answered_at;
};
void	store_alert_clear(struct store_alert *);

/* Claims the oldest follow-up not yet mailed. On PostgreSQL its row stays
 * locked until the transaction ends, so another instance passes it by. */
int	store_alert_claim(struct store *, struct store_alert *out);
/* Calls fn with each manager address of team_id, in order. */
int	store_alert_managers(struct store *, const char *team_id,
	    void (*fn)(void *arg, const char *email), void *arg);
/* Marks the claimed follow-up mailed to n managers (-1: none to mail). */
int	store_alert_mailed(struct store *, long long survey, int n);

#endif
