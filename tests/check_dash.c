/* check_dash.c - the dashboard's HTML pieces: escaping, path encoding,
 * the trend chart's points, margins and gaps, and the table that repeats
 * every chart's numbers. */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dash_html.h"
#include "check_run.h"

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

START_TEST(titles_and_paths_are_escaped)
{
	struct buf b;

	buf_init(&b, 65536);
	dash_begin(&b, DASH_EN, "<script>alert(1)</script>", NULL, "/login");
	ck_assert_ptr_null(strstr(b.data, "<script>"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "lang=\"en\""));
	ck_assert_ptr_nonnull(strstr(b.data, "href=\"/login?lang=nl\""));
	buf_free(&b);

	buf_init(&b, 1024);
	dash_url_segment(&b, "a b/\xc3\xa9\"<");
	ck_assert_str_eq(b.data, "a%20b%2F%C3%A9%22%3C");
	buf_free(&b);
}
END_TEST

START_TEST(trend_shows_gaps_and_margins)
{
	struct report_group rows[3];
	struct buf b;

	memset(rows, 0, sizeof rows);
	rows[0].bucket = (char *)"2026-01";
	rows[0].distribution[10] = 12;	/* nps 100, moe 0 */
	rows[1].bucket = (char *)"2026-02";	/* no answers: no point */
	rows[2].bucket = (char *)"2026-03";
	rows[2].distribution[0] = 1;
	rows[2].distribution[10] = 3;	/* nps 50, n 4: low sample */
	buf_init(&b, 65536);
	dash_trend(&b, DASH_EN, rows, 3, 0);
	ck_assert_int_eq(count(b.data, "<circle"), 2);
	ck_assert_int_eq(count(b.data, "fill=\"#fff\""), 1);	/* the small sample, hollow */
	ck_assert_ptr_nonnull(strstr(b.data, "2026-03 NPS: +50.0 (n=4)"));
	/* no line across the empty month */
	ck_assert_int_eq(count(b.data, "stroke-width=\"2\"/>"), 0);
	/* the table repeats every month, the empty one included */
	ck_assert_int_eq(count(b.data, "<tr"), 4);
	ck_assert_ptr_nonnull(strstr(b.data, "<td>2026-02</td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "role=\"img\""));
	ck_assert_ptr_nonnull(strstr(b.data, ">2026</text>"));	/* the year under January */
	buf_free(&b);
}
END_TEST

START_TEST(figures_say_how_sure_they_are)
{
	struct report_group g;
	struct buf b;

	memset(&g, 0, sizeof g);
	buf_init(&b, 4096);
	dash_figures(&b, DASH_NL, &g);
	ck_assert_ptr_nonnull(strstr(b.data, "Geen antwoorden"));
	buf_free(&b);
	g.distribution[9] = 3;
	g.distribution[3] = 1;
	buf_init(&b, 4096);
	dash_figures(&b, DASH_EN, &g);
	ck_assert_ptr_nonnull(strstr(b.data, "+50.0"));
	ck_assert_ptr_nonnull(strstr(b.data, "n = 4"));
	ck_assert_ptr_nonnull(strstr(b.data, "fewer than 10"));
	buf_free(&b);
}
END_TEST

START_TEST(distribution_has_eleven_bars_and_a_table)
{
	struct report_group g;
	struct buf b;

	memset(&g, 0, sizeof g);
	g.distribution[6] = 2;
	g.distribution[7] = 1;
	g.distribution[9] = 4;
	buf_init(&b, 65536);
	dash_distribution(&b, DASH_EN, &g);
	ck_assert_int_eq(count(b.data, "<rect"), 14);	/* 11 bars + 3 legend keys */
	ck_assert_ptr_nonnull(strstr(b.data, "Score 6: 2</title>"));
	ck_assert_int_eq(count(b.data, "fill=\"#D55E00\""), 8);	/* 0-6 and its key */
	ck_assert_int_eq(count(b.data, "<td>"), 11);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dash");
	TCase *tc = tcase_create("html");

	tcase_add_test(tc, titles_and_paths_are_escaped);
	tcase_add_test(tc, trend_shows_gaps_and_margins);
	tcase_add_test(tc, figures_say_how_sure_they_are);
	tcase_add_test(tc, distribution_has_eleven_bars_and_a_table);
	suite_add_tcase(s, tc);
	return check_run(s);
}
