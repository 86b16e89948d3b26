/* survey_address.c - owns what a look-up's end does to a close waiting for
 * its requester's address (address_lookups, filled by survey.c at
 * intake): the survey scheduled under the id the webhook was answered
 * with (after the same policy as any close), a retry later, or
 * no_address. Each end is also written to the close's delivery, so npsctl
 * survey show and /metrics tell it. Runs inside the caller's
 * transaction. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "store_survey.h"
#include "survey.h"
#include "survey_address.h"

int
survey_address_found(struct store *db, const struct policy *pol, long long id,
    const struct address_found *found, time_t now, struct intake_result *res)
{
	struct store_address_close c;
	struct event *ev = &c.event;
	int rc;

	memset(res, 0, sizeof *res);
	if ((rc = store_address_load(db, id, &c)) != STORE_OK)
		return rc;
	snprintf(ev->requester_email, sizeof ev->requester_email, "%s", found->email);
	if (found->language[0] != '\0')
		snprintf(ev->language, sizeof ev->language, "%s", found->language);
	if (ev->requester_name[0] == '\0')
		snprintf(ev->requester_name, sizeof ev->requester_name, "%s", found->name);
	rc = survey_schedule_close(db, pol, c.source, ev, c.ticket, c.seq, c.public_id, now, res);
	if (rc != STORE_OK)
		return rc;
	return store_address_finish(db, id, c.source, c.delivery_id,
	    survey_outcome_name(res->outcome), res->reason, NULL);
}

int
survey_address_missing(struct store *db, long long id, const char *detail)
{
	struct store_address_close c;
	int rc;

	if ((rc = store_address_load(db, id, &c)) != STORE_OK)
		return rc;
	return store_address_finish(db, id, c.source, c.delivery_id, "skipped", "no_address",
	    detail);
}

int
survey_address_retry(struct store *db, long long id, time_t next_at, const char *detail)
{
	char text[200];

	snprintf(text, sizeof text, "%s; last try: %.120s", SURVEY_WAITING_DETAIL, detail);
	return store_address_retry(db, id, (long long)next_at, detail, text);
}
