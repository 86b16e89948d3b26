/* check_survey_state.c - the survey state machine (every legal and every
 * refused transition) and the NPS bands. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey_state.h"
#include "check_run.h"

/* The whole table: for each event, the states it may leave. */
static const struct {
	enum survey_event	 ev;
	enum survey_state	 to;
	const enum survey_state	 from[4];
	int			 nfrom;
} legal[] = {
	{ SURVEY_EV_MAILED, SURVEY_SENT, { SURVEY_SCHEDULED }, 1 },
	{ SURVEY_EV_MAIL_FAILED, SURVEY_FAILED, { SURVEY_SCHEDULED }, 1 },
	{ SURVEY_EV_ANSWERED, SURVEY_ANSWERED,
	    { SURVEY_SCHEDULED, SURVEY_SENT, SURVEY_ANSWERED }, 3 },
	{ SURVEY_EV_EXPIRED, SURVEY_EXPIRED, { SURVEY_SENT }, 1 },
	{ SURVEY_EV_CANCELLED, SURVEY_CANCELLED, { SURVEY_SCHEDULED, SURVEY_FAILED }, 2 },
	{ SURVEY_EV_RETRIED, SURVEY_SCHEDULED, { SURVEY_FAILED }, 1 },
};

static int
allowed(int row, enum survey_state from)
{
	for (int i = 0; i < legal[row].nfrom; i++)
		if (legal[row].from[i] == from)
			return 1;
	return 0;
}

START_TEST(every_transition_is_in_the_table)
{
	ck_assert_int_eq(sizeof legal / sizeof legal[0], SURVEY_EVENT_COUNT);
	for (size_t row = 0; row < sizeof legal / sizeof legal[0]; row++)
		for (int s = 0; s < SURVEY_STATE_COUNT; s++) {
			int next = survey_state_next((enum survey_state)s, legal[row].ev);

			if (allowed((int)row, (enum survey_state)s))
				ck_assert_int_eq(next, legal[row].to);
			else
				ck_assert_int_eq(next, -1);
		}
}
END_TEST

START_TEST(final_states_stay_final)
{
	/* an expired or cancelled survey is never mailed or answered again */
	for (int ev = 0; ev < SURVEY_EVENT_COUNT; ev++) {
		ck_assert_int_eq(survey_state_next(SURVEY_EXPIRED, (enum survey_event)ev), -1);
		ck_assert_int_eq(survey_state_next(SURVEY_CANCELLED, (enum survey_event)ev), -1);
	}
	/* an answered survey can only be answered again (an edit) */
	ck_assert_int_eq(survey_state_next(SURVEY_ANSWERED, SURVEY_EV_CANCELLED), -1);
	ck_assert_int_eq(survey_state_next(SURVEY_ANSWERED, SURVEY_EV_EXPIRED), -1);
	ck_assert_int_eq(survey_state_next(SURVEY_SENT, SURVEY_EV_MAILED), -1);
}
END_TEST

START_TEST(out_of_range_is_refused)
{
	ck_assert_int_eq(survey_state_next(SURVEY_STATE_COUNT, SURVEY_EV_MAILED), -1);
	ck_assert_int_eq(survey_state_next(SURVEY_SCHEDULED, SURVEY_EVENT_COUNT), -1);
	ck_assert_int_eq(survey_state_next((enum survey_state)-1, SURVEY_EV_MAILED), -1);
	ck_assert_ptr_null(survey_state_name(SURVEY_STATE_COUNT));
	ck_assert_str_eq(survey_state_from_sql(SURVEY_EVENT_COUNT), "0 = 1");
}
END_TEST

START_TEST(names_round_trip)
{
	enum survey_state s;

	for (int i = 0; i < SURVEY_STATE_COUNT; i++) {
		ck_assert_ptr_nonnull(survey_state_name((enum survey_state)i));
		ck_assert_int_eq(survey_state_parse(survey_state_name((enum survey_state)i), &s), 0);
		ck_assert_int_eq(s, i);
	}
	ck_assert_int_eq(survey_state_parse("Sent", &s), -1);
	ck_assert_int_eq(survey_state_parse("", &s), -1);
	ck_assert_int_eq(survey_state_parse(NULL, &s), -1);
}
END_TEST

START_TEST(sql_names_the_states_the_table_allows)
{
	/* the SQL the storage layer uses agrees with the table */
	for (size_t row = 0; row < sizeof legal / sizeof legal[0]; row++) {
		const char *sql = survey_state_from_sql(legal[row].ev);

		for (int s = 0; s < SURVEY_STATE_COUNT; s++) {
			char quoted[32];

			snprintf(quoted, sizeof quoted, "'%s'",
			    survey_state_name((enum survey_state)s));
			ck_assert_int_eq(strstr(sql, quoted) != NULL,
			    allowed((int)row, (enum survey_state)s));
		}
	}
}
END_TEST

START_TEST(bands)
{
	for (int score = 0; score <= 10; score++) {
		enum nps_band b = nps_band(score);

		ck_assert_int_eq(b, score <= 6 ? NPS_DETRACTOR : score <= 8 ? NPS_PASSIVE :
		    NPS_PROMOTER);
		ck_assert_int_eq(nps_is_detractor(score), score <= 6);
	}
	ck_assert_int_eq(nps_is_detractor(-1), 0);
	ck_assert_str_eq(nps_band_name(NPS_DETRACTOR), "detractor");
	ck_assert_str_eq(nps_band_name(NPS_PASSIVE), "passive");
	ck_assert_str_eq(nps_band_name(NPS_PROMOTER), "promoter");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("survey_state");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_transition_is_in_the_table);
	tcase_add_test(tc, final_states_stay_final);
	tcase_add_test(tc, out_of_range_is_refused);
	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, sql_names_the_states_the_table_allows);
	tcase_add_test(tc, bands);
	suite_add_tcase(s, tc);
	return check_run(s);
}
