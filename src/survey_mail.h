/* survey_mail.h - turns a due survey into its message. */
#ifndef NPSD_SURVEY_MAIL_H
#define NPSD_SURVEY_MAIL_H

#include <time.h>

#include "buf.h"
#include "config.h"

struct survey_mail {
	const char	*public_id;
	const char	*ticket_id, *subject;
	const char	*requester_email, *requester_name, *language;
	const char	*agent_name, *team_name;
	int		 reminder;	/* the one reminder: its own subject and id */
};

/* Renders the templates of the survey's language and builds the message.
 * message_id receives the stable id it carries. */
int	survey_mail_compose(const struct config *, const struct survey_mail *,
    const char *token, time_t now, char *message_id, size_t idlen, struct buf *out);

#endif
