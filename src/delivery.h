/* delivery.h - what one delivery attempt's outcome does to its outbox row
 * and its survey: a pure decision, unit-tested on its own. */
#ifndef NPSD_DELIVERY_H
#define NPSD_DELIVERY_H

#include "transport.h"

enum delivery_outbox {
	DELIVERY_OUTBOX_SENT,
	DELIVERY_OUTBOX_RETRY,		/* back to queued, after a backoff */
	DELIVERY_OUTBOX_FAILED,
};

enum delivery_survey {
	DELIVERY_SURVEY_UNCHANGED,	/* still scheduled: its links keep working */
	DELIVERY_SURVEY_SENT,
	DELIVERY_SURVEY_FAILED,
};

struct delivery_decision {
	enum delivery_outbox	outbox;
	enum delivery_survey	survey;
};

/* attempts counts this one (1-based); maybe_delivered is true when an
 * earlier attempt's outcome was unknown or was interrupted by a crash, so
 * the reader may already hold a copy. */
struct delivery_decision delivery_decide(enum transport_status status, int attempts,
    int max_attempts, int maybe_delivered);

#endif
