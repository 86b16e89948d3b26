/* survey_state.c - the survey state machine: its states, the legal
 * transitions as one table, and the NPS bands. Pure. */
#include "autoconfig.h"

#include <stddef.h>
#include <string.h>

#include "survey_state.h"

static const char *const state_names[SURVEY_STATE_COUNT] = {
	[SURVEY_SCHEDULED] = "scheduled",
	[SURVEY_SENT] = "sent",
	[SURVEY_ANSWERED] = "answered",
	[SURVEY_EXPIRED] = "expired",
	[SURVEY_CANCELLED] = "cancelled",
	[SURVEY_FAILED] = "failed",
};

/* Per event: the state it leads to, and the states it may leave. */
static const struct transition {
	enum survey_state	 to;
	unsigned		 from;	/* bit per enum survey_state */
	const char		*from_sql;
} transitions[SURVEY_EVENT_COUNT] = {
	[SURVEY_EV_MAILED] = { SURVEY_SENT, 1u << SURVEY_SCHEDULED,
	    "state IN ('scheduled')" },
	[SURVEY_EV_MAIL_FAILED] = { SURVEY_FAILED, 1u << SURVEY_SCHEDULED,
	    "state IN ('scheduled')" },
	/* an answer may arrive before the mailer has recorded the send (a
	 * reply lost after the message was accepted), and may be changed */
	[SURVEY_EV_ANSWERED] = { SURVEY_ANSWERED,
	    1u << SURVEY_SCHEDULED | 1u << SURVEY_SENT | 1u << SURVEY_ANSWERED,
	    "state IN ('scheduled', 'sent', 'answered')" },
	[SURVEY_EV_EXPIRED] = { SURVEY_EXPIRED, 1u << SURVEY_SENT,
	    "state IN ('sent')" },
	[SURVEY_EV_CANCELLED] = { SURVEY_CANCELLED,
	    1u << SURVEY_SCHEDULED | 1u << SURVEY_FAILED,
	    "state IN ('scheduled', 'failed')" },
	[SURVEY_EV_RETRIED] = { SURVEY_SCHEDULED, 1u << SURVEY_FAILED,
	    "state IN ('failed')" },
};

const char *
survey_state_name(enum survey_state s)
{
	return (unsigned)s < SURVEY_STATE_COUNT ? state_names[s] : NULL;
}

int
survey_state_parse(const char *name, enum survey_state *out)
{
	for (int i = 0; name != NULL && i < SURVEY_STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum survey_state)i;
			return 0;
		}
	return -1;
}

int
survey_state_next(enum survey_state from, enum survey_event ev)
{
	if ((unsigned)from >= SURVEY_STATE_COUNT || (unsigned)ev >= SURVEY_EVENT_COUNT)
		return -1;
	if ((transitions[ev].from & 1u << from) == 0)
		return -1;
	return (int)transitions[ev].to;
}

enum survey_state
survey_state_target(enum survey_event ev)
{
	return transitions[(unsigned)ev < SURVEY_EVENT_COUNT ? ev : SURVEY_EV_CANCELLED].to;
}

const char *
survey_state_from_sql(enum survey_event ev)
{
	return (unsigned)ev < SURVEY_EVENT_COUNT ? transitions[ev].from_sql : "0 = 1";
}

enum nps_band
nps_band(int score)
{
	if (score <= NPS_DETRACTOR_MAX)
		return NPS_DETRACTOR;
	return score >= NPS_PROMOTER_MIN ? NPS_PROMOTER : NPS_PASSIVE;
}

int
nps_is_detractor(int score)
{
	return score >= 0 && score <= NPS_DETRACTOR_MAX;
}

const char *
nps_band_name(enum nps_band b)
{
	switch (b) {
	case NPS_DETRACTOR:
		return "detractor";
	case NPS_PASSIVE:
		return "passive";
	case NPS_PROMOTER:
		return "promoter";
	}
	return "none";
}
