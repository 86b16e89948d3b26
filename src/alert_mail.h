/* alert_mail.h - the mail that tells a team manager about a detractor. */
#ifndef NPSD_ALERT_MAIL_H
#define NPSD_ALERT_MAIL_H

#include <time.h>

#include "buf.h"
#include "config.h"
#include "store.h"

struct alert_mail {
	const char	*survey_id, *ticket_id, *subject, *category;
	const char	*agent_name, *team_name;
	const char	*requester_email, *requester_name;
	const char	*comment;
	int		 score;
	time_t		 answered_at;
	const char	*manager;	/* the recipient */
};

/* Renders the alert templates in the default language and builds a
 * text-only message; message_id receives its id. */
int	alert_mail_compose(const struct config *, const struct alert_mail *, time_t now,
    char *message_id, size_t idlen, struct buf *out);

/* Queues the alerts of follow-ups not yet mailed; returns how many
 * follow-ups were handled, or -1. Run by the mail thread. */
int	alert_mail_queue(struct store *, const struct config *, time_t now);

#endif
