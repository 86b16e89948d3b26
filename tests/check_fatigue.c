/* check_fatigue.c - the fatigue rule: cooldown and the 30-day cap, each
 * alone and together, their edges, and the windows the store counts
 * over. */
#include "autoconfig.h"

#include <check.h>
#include <stddef.h>

#include "fatigue.h"
#include "check_run.h"

#define DAY	86400LL

static enum fatigue_decision
decide(long long cooldown, int cap, long long in_cooldown, long long in_cap,
    const char **reason)
{
	struct fatigue_policy p = { cooldown, cap };
	struct fatigue_counts n = { in_cooldown, in_cap };

	return fatigue_decide(&p, &n, reason);
}

START_TEST(no_limits_allow_everything)
{
	const char *reason = "x";
	struct fatigue_policy p = { 0, 0 };

	ck_assert_int_eq(fatigue_limited(&p), 0);
	ck_assert_int_eq(decide(0, 0, 5, 500, &reason), FATIGUE_ALLOW);
	ck_assert_ptr_null(reason);
}
END_TEST

START_TEST(cooldown)
{
	const char *reason = NULL;

	ck_assert_int_eq(decide(30 * DAY, 0, 0, 7, &reason), FATIGUE_ALLOW);
	ck_assert_ptr_null(reason);
	ck_assert_int_eq(decide(30 * DAY, 0, 1, 1, &reason), FATIGUE_COOLDOWN);
	ck_assert_str_eq(reason, "cooldown");
}
END_TEST

START_TEST(cap_counts_up_to_the_limit)
{
	const char *reason = NULL;

	ck_assert_int_eq(decide(0, 2, 0, 1, &reason), FATIGUE_ALLOW);
	ck_assert_int_eq(decide(0, 2, 0, 2, &reason), FATIGUE_CAPPED);
	ck_assert_str_eq(reason, "capped");
	ck_assert_int_eq(decide(0, 2, 0, 3, NULL), FATIGUE_CAPPED);
	/* a count inside the cooldown means nothing without a cooldown */
	ck_assert_int_eq(decide(0, 2, 9, 1, NULL), FATIGUE_ALLOW);
}
END_TEST

START_TEST(cooldown_wins_over_the_cap)
{
	const char *reason = NULL;

	ck_assert_int_eq(decide(DAY, 1, 1, 4, &reason), FATIGUE_COOLDOWN);
	ck_assert_str_eq(reason, "cooldown");
	ck_assert_int_eq(decide(DAY, 1, 0, 1, &reason), FATIGUE_CAPPED);
	ck_assert_str_eq(reason, "capped");
	ck_assert_int_eq(decide(DAY, 3, 0, 2, &reason), FATIGUE_ALLOW);
}
END_TEST

START_TEST(windows)
{
	struct fatigue_policy p = { 14 * DAY, 3 };
	struct fatigue_windows w = fatigue_windows_at(&p, 1795193940);

	ck_assert_int_eq(fatigue_limited(&p), 1);
	ck_assert_int_eq(w.cooldown_from, 1795193940 - 14 * DAY);
	ck_assert_int_eq(w.cap_from, 1795193940 - 30 * DAY);
	p.cooldown = 0;
	w = fatigue_windows_at(&p, 1000);
	ck_assert_int_eq(w.cooldown_from, 1000);
	ck_assert_int_eq(fatigue_limited(&p), 1);
}
END_TEST

START_TEST(reason_names)
{
	ck_assert_ptr_null(fatigue_reason(FATIGUE_ALLOW));
	ck_assert_str_eq(fatigue_reason(FATIGUE_COOLDOWN), "cooldown");
	ck_assert_str_eq(fatigue_reason(FATIGUE_CAPPED), "capped");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fatigue");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, no_limits_allow_everything);
	tcase_add_test(tc, cooldown);
	tcase_add_test(tc, cap_counts_up_to_the_limit);
	tcase_add_test(tc, cooldown_wins_over_the_cap);
	tcase_add_test(tc, windows);
	tcase_add_test(tc, reason_names);
	suite_add_tcase(s, tc);
	return check_run(s);
}
