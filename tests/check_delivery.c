/* check_delivery.c - what one delivery attempt does to its outbox row and
 * survey (delivery_decide), how an SMTP session's end is classified
 * (smtp_classify), and the retry backoff (mailer_backoff). */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>

#include "delivery.h"
#include "mailer.h"
#include "smtp.h"
#include "check_run.h"

static void
expect(struct delivery_decision d, enum delivery_outbox outbox, enum delivery_survey survey)
{
	ck_assert_int_eq(d.outbox, outbox);
	ck_assert_int_eq(d.survey, survey);
}

START_TEST(sent_is_sent)
{
	expect(delivery_decide(TRANSPORT_SENT, 1, 8, 0), DELIVERY_OUTBOX_SENT,
	    DELIVERY_SURVEY_SENT);
	expect(delivery_decide(TRANSPORT_SENT, 8, 8, 1), DELIVERY_OUTBOX_SENT,
	    DELIVERY_SURVEY_SENT);
}
END_TEST

START_TEST(tempfail_retries_until_the_last_attempt)
{
	expect(delivery_decide(TRANSPORT_TEMPFAIL, 1, 8, 0), DELIVERY_OUTBOX_RETRY,
	    DELIVERY_SURVEY_UNCHANGED);
	expect(delivery_decide(TRANSPORT_TEMPFAIL, 7, 8, 0), DELIVERY_OUTBOX_RETRY,
	    DELIVERY_SURVEY_UNCHANGED);
	expect(delivery_decide(TRANSPORT_TEMPFAIL, 8, 8, 0), DELIVERY_OUTBOX_FAILED,
	    DELIVERY_SURVEY_FAILED);
	/* an attempt resumed after a crash may run past max_attempts */
	expect(delivery_decide(TRANSPORT_TEMPFAIL, 9, 8, 0), DELIVERY_OUTBOX_FAILED,
	    DELIVERY_SURVEY_FAILED);
}
END_TEST

START_TEST(permfail_gives_up_at_once)
{
	expect(delivery_decide(TRANSPORT_PERMFAIL, 1, 8, 0), DELIVERY_OUTBOX_FAILED,
	    DELIVERY_SURVEY_FAILED);
}
END_TEST

START_TEST(unknown_never_fails_the_survey)
{
	expect(delivery_decide(TRANSPORT_UNKNOWN, 1, 8, 0), DELIVERY_OUTBOX_RETRY,
	    DELIVERY_SURVEY_UNCHANGED);
	expect(delivery_decide(TRANSPORT_UNKNOWN, 8, 8, 0), DELIVERY_OUTBOX_FAILED,
	    DELIVERY_SURVEY_SENT);
	/* an earlier copy may be in the reader's mailbox */
	expect(delivery_decide(TRANSPORT_PERMFAIL, 2, 8, 1), DELIVERY_OUTBOX_FAILED,
	    DELIVERY_SURVEY_SENT);
	expect(delivery_decide(TRANSPORT_TEMPFAIL, 8, 8, 1), DELIVERY_OUTBOX_FAILED,
	    DELIVERY_SURVEY_SENT);
	expect(delivery_decide(TRANSPORT_TEMPFAIL, 3, 8, 1), DELIVERY_OUTBOX_RETRY,
	    DELIVERY_SURVEY_UNCHANGED);
}
END_TEST

START_TEST(smtp_session_ends_are_classified)
{
	ck_assert_int_eq(smtp_classify(1, 250, 1), TRANSPORT_SENT);
	ck_assert_int_eq(smtp_classify(0, 550, 0), TRANSPORT_PERMFAIL);
	ck_assert_int_eq(smtp_classify(0, 554, 1), TRANSPORT_PERMFAIL);
	ck_assert_int_eq(smtp_classify(0, 451, 1), TRANSPORT_TEMPFAIL);
	ck_assert_int_eq(smtp_classify(0, 421, 0), TRANSPORT_TEMPFAIL);
	/* no reply to the end of the message: the server may have it */
	ck_assert_int_eq(smtp_classify(0, 354, 1), TRANSPORT_UNKNOWN);
	ck_assert_int_eq(smtp_classify(0, 0, 1), TRANSPORT_UNKNOWN);
	/* a session that died before the message was all out */
	ck_assert_int_eq(smtp_classify(0, 354, 0), TRANSPORT_TEMPFAIL);
	ck_assert_int_eq(smtp_classify(0, 0, 0), TRANSPORT_TEMPFAIL);
}
END_TEST

START_TEST(backoff_doubles_with_jitter_and_a_cap)
{
	/* attempt 1: between half and all of retry_min */
	ck_assert_int_eq(mailer_backoff(60, 1, 0), 30);
	ck_assert_int_eq(mailer_backoff(60, 1, 30), 60);
	/* attempt 3: 4 x retry_min */
	ck_assert_int_eq(mailer_backoff(60, 3, 0), 120);
	ck_assert_int_eq(mailer_backoff(60, 3, 120), 240);
	/* capped at six hours however many attempts */
	ck_assert_int_le(mailer_backoff(60, 40, 0xffffffffu), 6 * 3600);
	ck_assert_int_ge(mailer_backoff(60, 40, 0), 3 * 3600);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("delivery");
	TCase *tc = tcase_create("decide");

	tcase_add_test(tc, sent_is_sent);
	tcase_add_test(tc, tempfail_retries_until_the_last_attempt);
	tcase_add_test(tc, permfail_gives_up_at_once);
	tcase_add_test(tc, unknown_never_fails_the_survey);
	tcase_add_test(tc, smtp_session_ends_are_classified);
	tcase_add_test(tc, backoff_doubles_with_jitter_and_a_cap);
	suite_add_tcase(s, tc);
	return check_run(s);
}
