/* check_window.c - the send window: parsing, and the next opening on
 * each side of its edges, over weekends and daylight-saving changes in
 * Europe/Amsterdam. Expected instants were computed with Python's
 * zoneinfo from the same tz database. */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "window.h"
#include "check_run.h"

static struct send_window office;

static void
setup(void)
{
	char err[200];

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	ck_assert_msg(window_parse("08:00-18:00 Mon-Fri Europe/Amsterdam", &office, err,
	    sizeof err) == 0, "%s", err);
}

START_TEST(inside_stays)
{
	/* Fri 2026-11-20 17:59 local: still open */
	ck_assert_int_eq(window_next(&office, 1795193940), 1795193940);
	/* Tue 2026-11-24 08:00 exactly: open */
	ck_assert_int_eq(window_next(&office, 1795503600), 1795503600);
}
END_TEST

START_TEST(edges_move_to_the_next_opening)
{
	/* Fri 18:00 is closed: Monday 08:00 */
	ck_assert_int_eq(window_next(&office, 1795194000), 1795417200);
	/* Saturday 10:00: Monday 08:00 */
	ck_assert_int_eq(window_next(&office, 1795251600), 1795417200);
	/* Tue 07:59: the same morning 08:00 */
	ck_assert_int_eq(window_next(&office, 1795503540), 1795503600);
}
END_TEST

START_TEST(daylight_saving)
{
	/* Fri 2026-03-27 19:00 CET -> Mon 2026-03-30 08:00 CEST (spring forward) */
	ck_assert_int_eq(window_next(&office, 1774634400), 1774850400);
	/* Fri 2026-10-23 18:30 CEST -> Mon 2026-10-26 08:00 CET (fall back) */
	ck_assert_int_eq(window_next(&office, 1792773000), 1792998000);
}
END_TEST

START_TEST(disabled_and_days)
{
	struct send_window w;
	char err[200];

	ck_assert_int_eq(window_parse("", &w, err, sizeof err), 0);
	ck_assert_int_eq(w.enabled, 0);
	ck_assert_int_eq(window_next(&w, 1795251600), 1795251600);
	ck_assert_int_eq(window_parse("09:00-17:00 Sat,Sun", &w, err, sizeof err), 0);
	/* Sat 2026-11-21 10:00 is inside a weekend window */
	ck_assert_int_eq(window_next(&w, 1795251600), 1795251600);
	ck_assert_int_eq(window_parse("09:00-17:00 Fri-Mon", &w, err, sizeof err), 0);
	ck_assert_uint_eq(w.days, (1u << 5) | (1u << 6) | (1u << 0) | (1u << 1));
}
END_TEST

START_TEST(bad_windows)
{
	struct send_window w;
	char err[200];

	ck_assert_int_eq(window_parse("18:00-08:00", &w, err, sizeof err), -1);
	ck_assert_int_eq(window_parse("8:00-18:00", &w, err, sizeof err), -1);
	ck_assert_int_eq(window_parse("08:00-25:00", &w, err, sizeof err), -1);
	ck_assert_int_eq(window_parse("08:00-18:00 Mon-Xyz", &w, err, sizeof err), -1);
	ck_assert_int_eq(window_parse("08:00-18:00 Mars/Olympus_Mons", &w, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "time zone"));
	ck_assert_int_eq(window_parse("08:00-18:00 ../../etc/passwd", &w, err, sizeof err), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("window");
	TCase *tc = tcase_create("next");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, inside_stays);
	tcase_add_test(tc, edges_move_to_the_next_opening);
	tcase_add_test(tc, daylight_saving);
	tcase_add_test(tc, disabled_and_days);
	tcase_add_test(tc, bad_windows);
	suite_add_tcase(s, tc);
	return check_run(s);
}
