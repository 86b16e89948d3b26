/* store_survey.h - named operations on what a close or reopen does to
 * the database: deliveries accepted once, tickets, closings, agents and
 * teams as last seen, surveys scheduled and cancelled, and the counts the
 * fatigue rule decides on. */
#ifndef NPSD_STORE_SURVEY_H
#define NPSD_STORE_SURVEY_H

#include "fatigue.h"
#include "store.h"

/* Counts the surveys mailed to email since each of w's starts, plus those
 * on their way: already in the outbox, and with include_scheduled also
 * those still waiting for their send time. except_survey (0: none) is
 * left out, so a survey about to be mailed does not count itself. */
int	store_survey_fatigue_counts(struct store *, const char *email,
	    const struct fatigue_windows *w, int include_scheduled, long long except_survey,
	    struct fatigue_counts *out);

#endif
