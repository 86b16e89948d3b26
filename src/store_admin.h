/* store_admin.h - named operations behind `npsctl survey show`: what npsd
 * holds about one ticket (the webhook deliveries, every close recorded for
 * volume, the surveys with their answers) and the mail of one survey.
 * Rows come in a fixed order, the same on every backend. */
#ifndef NPSD_STORE_ADMIN_H
#define NPSD_STORE_ADMIN_H

#include "store.h"

/* One webhook delivery about the ticket. Text is "" when not stored. */
struct admin_delivery {
	long long	 received_at;
	const char	*source, *delivery_id, *outcome, *reason, *detail;
};

/* One close, recorded whether surveyed or not. */
struct admin_closing {
	long long	 closed_at;
	const char	*source, *agent_id, *team_id, *category;
};

/* One survey of the ticket; the times are 0 when not set. */
struct admin_survey {
	long long	 id;
	const char	*public_id, *source, *state, *reason, *agent_id, *team_id;
	int		 close_seq;
	long long	 closed_at, created_at, send_at, sent_at, expires_at;
	int		 answered;	/* the rest only when answered */
	long long	 answered_at;
	int		 score, flagged;
};

/* One message of the outbox about a survey. */
struct admin_mail {
	long long	 id;
	const char	*kind, *state, *last_error;
	int		 attempts;
};

/* Each calls fn for every row, in order, until fn returns non-zero; the
 * row's text lives until fn returns. source NULL: every source. STORE_OK
 * or an error code. Deliveries by time received, closes by time closed,
 * surveys and mail by creation. */
int	store_ticket_deliveries_each(struct store *, const char *ticket, const char *source,
	    int (*fn)(const struct admin_delivery *, void *), void *arg);
int	store_ticket_closings_each(struct store *, const char *ticket, const char *source,
	    int (*fn)(const struct admin_closing *, void *), void *arg);
int	store_ticket_surveys_each(struct store *, const char *ticket, const char *source,
	    int (*fn)(const struct admin_survey *, void *), void *arg);
int	store_survey_mail_each(struct store *, long long survey,
	    int (*fn)(const struct admin_mail *, void *), void *arg);

#endif
