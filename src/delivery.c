/* delivery.c - owns the rule that turns a delivery attempt's outcome into
 * the next state of its outbox row and its survey. A survey whose mail may
 * have reached the reader (an unknown outcome now or before) is never
 * called failed, so the links in that mail keep working. */
#include "autoconfig.h"

#include "delivery.h"

struct delivery_decision
delivery_decide(enum transport_status status, int attempts, int max_attempts,
    int maybe_delivered)
{
	struct delivery_decision d = { DELIVERY_OUTBOX_RETRY, DELIVERY_SURVEY_UNCHANGED };
	int last = attempts >= max_attempts;

	switch (status) {
	case TRANSPORT_SENT:
		d.outbox = DELIVERY_OUTBOX_SENT;
		d.survey = DELIVERY_SURVEY_SENT;
		return d;
	case TRANSPORT_UNKNOWN:
		maybe_delivered = 1;
		break;
	case TRANSPORT_PERMFAIL:
		last = 1;
		break;
	case TRANSPORT_TEMPFAIL:
		break;
	}
	if (!last)
		return d;
	d.outbox = DELIVERY_OUTBOX_FAILED;
	d.survey = maybe_delivered ? DELIVERY_SURVEY_SENT : DELIVERY_SURVEY_FAILED;
	return d;
}
