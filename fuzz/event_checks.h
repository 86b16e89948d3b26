/* event_checks.h - owns the invariants every parsed event must hold,
 * whichever parser (the common event or an adapter) produced it: no
 * control character in any field, valid addresses, a close either with
 * its requester's address, marked unsurveyable or waiting for the address
 * (GLPI), numbers in range. */
#ifndef NPSD_FUZZ_EVENT_CHECKS_H
#define NPSD_FUZZ_EVENT_CHECKS_H

#include "event.h"
#include "harness.h"
#include "message.h"

#define FUZZ_CHECK_TEXT(field) do {					\
	FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL);	\
	FUZZ_CHECK(!message_has_controls(field));			\
} while (0)

static inline void
fuzz_check_event(const struct event *ev)
{
	FUZZ_CHECK(ev->type == EVENT_CLOSED || ev->type == EVENT_REOPENED ||
	    ev->type == EVENT_OTHER);
	if (ev->type == EVENT_OTHER)
		return;
	FUZZ_CHECK_TEXT(ev->ticket_id);
	FUZZ_CHECK_TEXT(ev->subject);
	FUZZ_CHECK_TEXT(ev->category);
	FUZZ_CHECK_TEXT(ev->requester_email);
	FUZZ_CHECK_TEXT(ev->requester_name);
	FUZZ_CHECK_TEXT(ev->language);
	FUZZ_CHECK_TEXT(ev->agent_id);
	FUZZ_CHECK_TEXT(ev->agent_email);
	FUZZ_CHECK_TEXT(ev->agent_name);
	FUZZ_CHECK_TEXT(ev->team_id);
	FUZZ_CHECK_TEXT(ev->team_name);
	FUZZ_CHECK(ev->ticket_id[0] != '\0');
	FUZZ_CHECK(ev->requester_email[0] == '\0' ||
	    message_address_valid(ev->requester_email));
	FUZZ_CHECK(ev->agent_email[0] == '\0' || message_address_valid(ev->agent_email));
	FUZZ_CHECK(ev->self_score >= -1 && ev->self_score <= 10);
	for (const char *p = ev->language; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 'a' && *p <= 'z');
	FUZZ_CHECK_TEXT(ev->unsurveyable_detail);
	FUZZ_CHECK_TEXT(ev->dropped);
	/* a close is surveyable with an address, or recorded with a reason,
	 * or waits for the address from the source's API (GLPI) */
	if (ev->type == EVENT_CLOSED && ev->unsurveyable == NULL)
		FUZZ_CHECK(ev->requester_email[0] != '\0' || ev->address_lookup);
	FUZZ_CHECK(!ev->address_lookup || ev->type == EVENT_CLOSED);
	if (ev->unsurveyable != NULL)
		FUZZ_CHECK(ev->requester_email[0] == '\0');
}

#endif
