/* check_ratelimit.c - owns the unit tests of the unknown-token rate limit:
 * clients that share a hash bucket keep their own budgets, the least
 * recently seen client is the one evicted, windows end on time. Time is
 * a parameter here, never the clock. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "ratelimit.h"
#include "check_run.h"

#define T0 1795000000

static struct sockaddr_in
v4(const char *text)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, text, &sa.sin_addr), 1);
	return sa;
}

static struct sockaddr_in6
v6(const char *text)
{
	struct sockaddr_in6 sa;

	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sa.sin6_addr), 1);
	return sa;
}

#define SA(x) ((const struct sockaddr *)&(x))

START_TEST(alternating_addresses_both_reach_the_limit)
{
	struct sockaddr_in a = v4("127.0.0.1"), b = v4("127.0.0.2");

	/* the daemon's own table, as the pages use it */
	for (int i = 0; i < NPSD_UNKNOWN_TOKEN_LIMIT; i++) {
		ck_assert_int_eq(ratelimit_wait(SA(a), T0 + i), 0);
		ratelimit_note_unknown(SA(a), T0 + i);
		ck_assert_int_eq(ratelimit_wait(SA(b), T0 + i), 0);
		ratelimit_note_unknown(SA(b), T0 + i);
	}
	ck_assert_int_gt(ratelimit_wait(SA(a), T0 + 30), 0);
	ck_assert_int_gt(ratelimit_wait(SA(b), T0 + 30), 0);
	ck_assert_int_eq(ratelimit_wait(SA(a), T0 + 30), NPSD_UNKNOWN_TOKEN_WINDOW - 30);
}
END_TEST

START_TEST(colliding_addresses_keep_their_own_budgets)
{
	/* one bucket: every address collides with every other */
	struct ratelimit *t = ratelimit_new(64, 1, 20, 60);
	struct sockaddr_in a = v4("192.0.2.1"), b = v4("198.51.100.7");
	char text[32];

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 40; i++) {
		ratelimit_table_note(t, i % 2 ? SA(b) : SA(a), T0);
		if (i < 38)
			ck_assert_int_eq(ratelimit_table_wait(t, i % 2 ? SA(b) : SA(a), T0), 0);
	}
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0), 60);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(b), T0), 60);
	ck_assert_uint_eq(ratelimit_table_clients(t), 2);

	/* sixty more in the same chain forget neither */
	for (int i = 0; i < 60; i++) {
		struct sockaddr_in c;
		snprintf(text, sizeof text, "203.0.113.%d", i);
		c = v4(text);
		ratelimit_table_note(t, SA(c), T0 + 1);
		ck_assert_int_eq(ratelimit_table_wait(t, SA(c), T0 + 1), 0);
	}
	ck_assert_uint_eq(ratelimit_table_clients(t), 62);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 1), 59);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(b), T0 + 1), 59);
	ratelimit_free(t);
}
END_TEST

START_TEST(the_least_recently_seen_is_evicted)
{
	struct ratelimit *t = ratelimit_new(3, 4, 1, 60);
	struct sockaddr_in a = v4("10.0.0.1"), b = v4("10.0.0.2"), c = v4("10.0.0.3"),
	    d = v4("10.0.0.4"), e = v4("10.0.0.5");

	ck_assert_ptr_nonnull(t);
	ratelimit_table_note(t, SA(a), T0);
	ratelimit_table_note(t, SA(b), T0 + 1);
	ratelimit_table_note(t, SA(c), T0 + 2);
	ck_assert_int_gt(ratelimit_table_wait(t, SA(a), T0 + 3), 0);
	/* a was just seen again: b is now the oldest */
	ratelimit_table_note(t, SA(d), T0 + 4);
	ck_assert_uint_eq(ratelimit_table_clients(t), 3);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(b), T0 + 5), 0);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 5), 55);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(c), T0 + 5), 57);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(d), T0 + 5), 59);
	/* those three were seen a, c, d in that order: a is now the oldest */
	ratelimit_table_note(t, SA(e), T0 + 6);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 6), 0);
	ck_assert_int_gt(ratelimit_table_wait(t, SA(c), T0 + 6), 0);
	ck_assert_int_gt(ratelimit_table_wait(t, SA(d), T0 + 6), 0);
	ck_assert_int_gt(ratelimit_table_wait(t, SA(e), T0 + 6), 0);
	ratelimit_free(t);
}
END_TEST

START_TEST(a_flood_of_new_addresses_evicts_in_order)
{
	struct ratelimit *t = ratelimit_new(1024, 2048, 1, 60);
	struct sockaddr_in victim = v4("192.0.2.99");
	char text[32];

	ck_assert_ptr_nonnull(t);
	ratelimit_table_note(t, SA(victim), T0);
	/* 1023 newer clients fill the table: the victim is still known */
	for (int i = 0; i < 1023; i++) {
		struct sockaddr_in x;
		snprintf(text, sizeof text, "10.1.%d.%d", i / 256, i % 256);
		x = v4(text);
		ratelimit_table_note(t, SA(x), T0 + 1);
	}
	ck_assert_int_gt(ratelimit_table_wait(t, SA(victim), T0 + 2), 0);
	/* having been seen, it outlives another 1023 */
	for (int i = 0; i < 1023; i++) {
		struct sockaddr_in x;
		snprintf(text, sizeof text, "10.2.%d.%d", i / 256, i % 256);
		x = v4(text);
		ratelimit_table_note(t, SA(x), T0 + 3);
	}
	ck_assert_int_gt(ratelimit_table_wait(t, SA(victim), T0 + 4), 0);
	/* only the 1024th newer client pushes it out */
	for (int i = 0; i < 1024; i++) {
		struct sockaddr_in x;
		snprintf(text, sizeof text, "10.3.%d.%d", i / 256, i % 256);
		x = v4(text);
		ratelimit_table_note(t, SA(x), T0 + 5);
	}
	ck_assert_uint_eq(ratelimit_table_clients(t), 1024);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(victim), T0 + 6), 0);
	ratelimit_free(t);
}
END_TEST

START_TEST(the_window_ends_on_time)
{
	struct ratelimit *t = ratelimit_new(8, 8, 3, 60);
	struct sockaddr_in a = v4("192.0.2.1");

	ck_assert_ptr_nonnull(t);
	ratelimit_table_note(t, SA(a), T0);
	ratelimit_table_note(t, SA(a), T0 + 10);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 10), 0);
	ratelimit_table_note(t, SA(a), T0 + 20);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 20), 40);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 59), 1);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 60), 0);
	/* a new window starts at the next unknown token */
	ratelimit_table_note(t, SA(a), T0 + 61);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 61), 0);
	ratelimit_table_note(t, SA(a), T0 + 62);
	ratelimit_table_note(t, SA(a), T0 + 63);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 + 63), 58);
	/* a clock stepped back never asks for more than a window */
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0 - 3600), 60);
	ratelimit_free(t);
}
END_TEST

START_TEST(ipv6_is_kept_by_its_64_and_mapped_ipv4_is_ipv4)
{
	struct ratelimit *t = ratelimit_new(8, 8, 2, 60);
	struct sockaddr_in6 a = v6("2001:db8:1:2::1"), same64 = v6("2001:db8:1:2:ffff::9"),
	    other64 = v6("2001:db8:1:3::1"), mapped = v6("::ffff:192.0.2.1");
	struct sockaddr_in plain = v4("192.0.2.1");
	struct sockaddr unix_like;

	ck_assert_ptr_nonnull(t);
	ratelimit_table_note(t, SA(a), T0);
	ratelimit_table_note(t, SA(same64), T0);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(a), T0), 60);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(other64), T0), 0);
	ratelimit_table_note(t, SA(mapped), T0);
	ratelimit_table_note(t, SA(plain), T0);
	ck_assert_int_eq(ratelimit_table_wait(t, SA(plain), T0), 60);
	ck_assert_uint_eq(ratelimit_table_clients(t), 2);
	/* not an IP client, or none: never limited, never stored */
	memset(&unix_like, 0, sizeof unix_like);
	unix_like.sa_family = AF_UNIX;
	ratelimit_table_note(t, &unix_like, T0);
	ratelimit_table_note(t, NULL, T0);
	ck_assert_int_eq(ratelimit_table_wait(t, NULL, T0), 0);
	ck_assert_uint_eq(ratelimit_table_clients(t), 2);
	ratelimit_free(t);
}
END_TEST

START_TEST(bad_shapes_are_refused)
{
	ck_assert_ptr_null(ratelimit_new(0, 8, 1, 60));
	ck_assert_ptr_null(ratelimit_new(8, 6, 1, 60));
	ck_assert_ptr_null(ratelimit_new(8, 8, 0, 60));
	ck_assert_ptr_null(ratelimit_new(8, 8, 1, 0));
	ratelimit_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, alternating_addresses_both_reach_the_limit);
	tcase_add_test(tc, colliding_addresses_keep_their_own_budgets);
	tcase_add_test(tc, the_least_recently_seen_is_evicted);
	tcase_add_test(tc, a_flood_of_new_addresses_evicts_in_order);
	tcase_add_test(tc, the_window_ends_on_time);
	tcase_add_test(tc, ipv6_is_kept_by_its_64_and_mapped_ipv4_is_ipv4);
	tcase_add_test(tc, bad_shapes_are_refused);
	suite_add_tcase(s, tc);
	return check_run(s);
}
