/* check_report.c - NPS arithmetic per SPEC section 6, and the report
 * query against a real SQLite database. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "report.h"
#include "check_run.h"

static struct report_group
group_of(const long long dist[11], long long sent)
{
	struct report_group g;

	memset(&g, 0, sizeof g);
	memcpy(g.distribution, dist, sizeof g.distribution);
	g.sent = sent;
	return g;
}

START_TEST(spec_example_figures)
{
	/* SPEC: 30 promoters, 10 passives, 8 detractors of 48 -> nps 45.8 */
	const long long dist[11] = { 1, 0, 2, 0, 1, 2, 2, 4, 6, 12, 18 };
	struct report_group g = group_of(dist, 120);
	struct report_figures f;

	report_figures(&g, &f);
	ck_assert_int_eq(f.responses, 48);
	ck_assert_int_eq(f.promoters, 30);
	ck_assert_int_eq(f.passives, 10);
	ck_assert_int_eq(f.detractors, 8);
	ck_assert_double_eq_tol(f.nps, 45.8, 1e-9);
	/* 196*sqrt(((38/48) - (22/48)^2)/48) = 21.58; the SPEC's sample row
	 * shows 18.2, which its own formula does not give. */
	ck_assert_double_eq_tol(f.moe, 21.6, 1e-9);
	ck_assert_double_eq_tol(f.response_rate, 0.4, 1e-9);
	ck_assert_int_eq(f.low_sample, 0);
}
END_TEST

START_TEST(empty_group_has_no_nps)
{
	const long long dist[11] = { 0 };
	struct report_group g = group_of(dist, 0);
	struct report_figures f;

	report_figures(&g, &f);
	ck_assert_int_eq(f.has_nps, 0);
	ck_assert_int_eq(f.has_rate, 0);
	ck_assert_int_eq(f.low_sample, 1);
}
END_TEST

START_TEST(boundaries_of_the_categories)
{
	const long long dist[11] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0 };
	struct report_group g = group_of(dist, 4);
	struct report_figures f;

	report_figures(&g, &f);
	ck_assert_int_eq(f.detractors, 1);	/* 6 */
	ck_assert_int_eq(f.passives, 2);	/* 7, 8 */
	ck_assert_int_eq(f.promoters, 1);	/* 9 */
	ck_assert_double_eq_tol(f.nps, 0.0, 1e-9);
	ck_assert_int_eq(f.low_sample, 1);
}
END_TEST

START_TEST(all_promoters_and_all_detractors)
{
	const long long top[11] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10 };
	const long long bottom[11] = { 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct report_group g = group_of(top, 10);
	struct report_figures f;

	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, 100.0, 1e-9);
	ck_assert_double_eq_tol(f.moe, 0.0, 1e-9);
	ck_assert_int_eq(f.low_sample, 0);
	g = group_of(bottom, 10);
	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, -100.0, 1e-9);
}
END_TEST

START_TEST(rounding_is_to_one_decimal)
{
	/* 1 promoter of 3: 33.333 -> 33.3; 2 of 3: 66.667 -> 66.7 */
	const long long one[11] = { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0 };
	const long long two[11] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 };
	struct report_group g = group_of(one, 3);
	struct report_figures f;

	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, 33.3, 1e-9);
	g = group_of(two, 3);
	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, 66.7, 1e-9);
	ck_assert_double_eq_tol(report_round1(-0.04), 0.0, 1e-12);
}
END_TEST

START_TEST(self_score_gap)
{
	const long long dist[11] = { 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
	struct report_group g = group_of(dist, 2);
	struct report_figures f;

	g.self_n = 2;
	g.self_sum = 16;	/* agent expected 8 and 8 */
	g.customer_sum = 16;	/* got 6 and 10 */
	report_figures(&g, &f);
	ck_assert_int_eq(f.has_self, 1);
	ck_assert_double_eq_tol(f.gap, 0.0, 1e-9);
	g.customer_sum = 13;
	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.customer_avg, 6.5, 1e-9);
	ck_assert_double_eq_tol(f.gap, 1.5, 1e-9);
}
END_TEST

START_TEST(query_groups_and_periods)
{
	char path[] = "/tmp/check_report_XXXXXX", err[256];
	struct report_query q = { .by = REPORT_BY_TEAM, .since = 1000, .until = 2000 };
	const char *sd[] = { "sd" }, *both[] = { "sd", "net" };
	struct report r;
	sqlite3 *db;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	db = db_open(path, 0, 1, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at) "
	    "VALUES (1, 'generic', 'T1', 'closed', 1, 0);"
	    "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, closed_at, "
	    " language, agent_id, team_id, team_name, state, created_at, send_at, sent_at, self_score) VALUES"
	    " (1, 'a', 1, 1, 'generic', 'T1', 0, 'en', 'piet', 'sd', 'Servicedesk', 'answered', 0, 0, 1100, 9),"
	    " (2, 'b', 1, 2, 'generic', 'T1', 0, 'en', 'piet', 'sd', 'Servicedesk', 'answered', 0, 0, 1200, NULL),"
	    " (3, 'c', 1, 3, 'generic', 'T1', 0, 'en', 'kees', 'net', 'Network', 'sent', 0, 0, 1300, NULL),"
	    " (4, 'd', 1, 4, 'generic', 'T1', 0, 'en', 'kees', 'net', 'Network', 'answered', 0, 0, 500, NULL),"
	    " (5, 'e', 1, 5, 'generic', 'T1', 0, 'en', 'piet', 'sd', 'Servicedesk', 'answered', 0, 0, 1250, NULL);"
	    "UPDATE surveys SET category = 'Network' WHERE team_id = 'net';"
	    "WITH v(survey, score, at, flagged) AS (VALUES"
	    " (1, 10, 1150, 0), (2, 3, 1250, 0), (4, 9, 1500, 0), (5, 10, 1260, 1))"
	    " INSERT INTO answers (survey, score, answered_at, updated_at, flagged, agent_id, "
	    " team_id, category, self_score) SELECT s.id, v.score, v.at, v.at, v.flagged, "
	    " s.agent_id, s.team_id, s.category, s.self_score FROM v JOIN surveys s"
	    " ON s.id = v.survey WHERE 1;"
	    "INSERT INTO closings (source, ticket_id, closed_at, category, team_id, agent_id) VALUES"
	    " ('generic', 'T1', 1001, '', 'sd', 'piet'), ('generic', 'T2', 1999, '', 'sd', 'piet'),"
	    " ('generic', 'T3', 2000, '', 'sd', 'piet'), ('generic', 'T4', 1500, 'Network', 'net', 'kees');"
	    "INSERT INTO teams VALUES ('sd', 'Servicedesk', 0), ('net', 'Network', 0);"), SQLITE_OK);
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 2);
	/* sorted by key: net, sd */
	ck_assert_str_eq(r.groups[0].key, "net");
	ck_assert_int_eq(r.groups[0].sent, 1);		/* survey 4 was sent before since */
	ck_assert_int_eq(r.groups[0].distribution[9], 1);	/* but answered inside */
	ck_assert_str_eq(r.groups[1].key, "sd");
	ck_assert_str_eq(r.groups[1].label, "Servicedesk");
	ck_assert_int_eq(r.groups[1].sent, 3);
	ck_assert_int_eq(r.groups[1].distribution[10], 1);
	ck_assert_int_eq(r.groups[1].distribution[3], 1);
	ck_assert_int_eq(r.groups[1].flagged, 1);
	ck_assert_int_eq(r.groups[1].self_n, 1);
	report_free(&r);

	/* volume by category: every close, until exclusive */
	q.by = REPORT_BY_CATEGORY;
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 2);
	ck_assert_str_eq(r.groups[0].key, "");
	ck_assert_int_eq(r.groups[0].closed, 2);	/* T1, T2; T3 closed at until */
	ck_assert_str_eq(r.groups[1].key, "Network");
	ck_assert_int_eq(r.groups[1].closed, 1);
	ck_assert_int_eq(r.groups[1].sent, 1);
	report_free(&r);

	q.by = REPORT_BY_AGENT;
	q.teams = sd;
	q.nteams = 1;
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 1);
	ck_assert_str_eq(r.groups[0].key, "piet");
	ck_assert_str_eq(r.groups[0].label, "piet");	/* no name known */
	report_free(&r);

	q.teams = both;
	q.nteams = 2;
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 2);
	report_free(&r);

	q.teams = NULL;
	q.nteams = 0;
	q.category = "Network";	/* only survey 3 and 4 are in it */
	q.by = REPORT_BY_NONE;
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 1);
	ck_assert_int_eq(r.groups[0].sent, 1);
	ck_assert_int_eq(r.groups[0].distribution[9], 1);
	ck_assert_int_eq(r.groups[0].distribution[10], 0);
	report_free(&r);

	q.category = NULL;
	q.interval = REPORT_INTERVAL_MONTH;
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 1);
	ck_assert_str_eq(r.groups[0].bucket, "1970-01");
	report_free(&r);

	db_close(db);
	unlink(path);
}
END_TEST

START_TEST(csv_neutralises_formulas)
{
	struct report_group g;
	struct report r = { &g, 1 };
	struct report_query q = { .by = REPORT_BY_AGENT, .since = 0, .until = 1 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	memset(&g, 0, sizeof g);
	g.key = (char *)"@evil";
	g.label = (char *)"=HYPERLINK(\"http://x.example\",\"click\")";
	g.bucket = (char *)"";
	ck_assert_int_eq(report_write_csv(f, &q, &r), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "\"'@evil\",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\""));
	ck_assert_ptr_nonnull(strstr(text, "\r\n"));
	free(text);
}
END_TEST

START_TEST(iso_weeks)
{
	char path[] = "/tmp/check_report_XXXXXX", err[256];
	/* 2026-01-01 is a Thursday: ISO week 2026-W01; 2027-01-01 is a Friday:
	 * still 2026-W53; 2024-12-30 (Monday) is 2025-W01. */
	struct report_query q = { .by = REPORT_BY_NONE, .interval = REPORT_INTERVAL_WEEK,
		.since = 1735516800, .until = 1798848000 };	/* 2024-12-30 to 2027-01-02 */
	struct report r;
	sqlite3 *db;
	int fd = mkstemp(path);

	close(fd);
	db = db_open(path, 0, 1, err, sizeof err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at) "
	    "VALUES (1, 'generic', 'T1', 'closed', 1, 0);"
	    "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, closed_at, "
	    " language, agent_id, state, created_at, send_at) VALUES"
	    " (1, 'a', 1, 1, 'generic', 'T1', 0, 'en', 'p', 'answered', 0, 0),"
	    " (2, 'b', 1, 2, 'generic', 'T1', 0, 'en', 'p', 'answered', 0, 0),"
	    " (3, 'c', 1, 3, 'generic', 'T1', 0, 'en', 'p', 'answered', 0, 0);"
	    "INSERT INTO answers (survey, score, answered_at, updated_at) VALUES"
	    " (1, 10, 1767225600, 0), (2, 10, 1798761600, 0), (3, 10, 1735516800, 0);"),
	    SQLITE_OK);
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	/* 2025 has 52 ISO weeks, 2026 has 53: every one is a row, and the
	 * buckets SQLite computed for the answers are among them */
	ck_assert_uint_eq(r.ngroups, 105);
	ck_assert_str_eq(r.groups[0].bucket, "2025-W01");
	ck_assert_int_eq(r.groups[0].distribution[10], 1);
	ck_assert_str_eq(r.groups[1].bucket, "2025-W02");
	ck_assert_int_eq(r.groups[1].distribution[10], 0);
	ck_assert_str_eq(r.groups[52].bucket, "2026-W01");
	ck_assert_int_eq(r.groups[52].distribution[10], 1);
	ck_assert_str_eq(r.groups[104].bucket, "2026-W53");
	ck_assert_int_eq(r.groups[104].distribution[10], 1);
	report_free(&r);
	db_close(db);
	unlink(path);
}
END_TEST

/* Answers on 31 January and 1 March: February is a row of its own, empty,
 * and each answer lands in its own month at the second it was given. */
START_TEST(month_buckets_show_empty_months)
{
	char path[] = "/tmp/check_report_XXXXXX", err[256];
	struct report_query q = { .by = REPORT_BY_AGENT, .interval = REPORT_INTERVAL_MONTH,
		.since = 1767225600, .until = 1775001600 };	/* 2026-01-01 to 2026-04-01 */
	struct report r;
	struct report_figures f;
	sqlite3 *db;
	int fd = mkstemp(path);

	close(fd);
	db = db_open(path, 0, 1, err, sizeof err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_exec(db, "PRAGMA foreign_keys = OFF;"	/* answers alone */
	    "INSERT INTO answers (survey, score, answered_at, updated_at, agent_id) VALUES"
	    " (1, 3, 1769903999, 0, 'piet'),"	/* 2026-01-31 23:59:59 */
	    " (2, 9, 1772323200, 0, 'piet'),"	/* 2026-03-01 00:00:00 */
	    " (3, 10, 1772323199, 0, 'kees');"	/* 2026-02-28 23:59:59 */
	    "INSERT INTO agents VALUES ('piet', 'Piet Jansen', 'piet@example.org', 0);"),
	    SQLITE_OK);
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 6);	/* two agents, three months each */
	ck_assert_str_eq(r.groups[0].key, "kees");
	ck_assert_str_eq(r.groups[0].bucket, "2026-01");
	ck_assert_str_eq(r.groups[1].bucket, "2026-02");
	ck_assert_int_eq(r.groups[1].distribution[10], 1);
	ck_assert_str_eq(r.groups[3].key, "piet");
	ck_assert_str_eq(r.groups[3].label, "Piet Jansen");
	ck_assert_int_eq(r.groups[3].distribution[3], 1);
	ck_assert_str_eq(r.groups[4].bucket, "2026-02");
	ck_assert_str_eq(r.groups[4].label, "Piet Jansen");
	report_figures(&r.groups[4], &f);
	ck_assert_int_eq(f.responses, 0);
	ck_assert_int_eq(f.has_nps, 0);
	ck_assert_str_eq(r.groups[5].bucket, "2026-03");
	ck_assert_int_eq(r.groups[5].distribution[9], 1);
	report_free(&r);

	q.since = 0;	/* 56 years of months is more than a report holds */
	ck_assert_int_eq(report_run(db, &q, &r), -2);
	db_close(db);
	unlink(path);
}
END_TEST

START_TEST(hand_computed_margins)
{
	/* P=3, passives 1, D=1, N=5: nps 40.0;
	 * moe = 196*sqrt((4/5 - (2/5)^2)/5) = 196*sqrt(0.128) = 70.12 */
	const long long five[11] = { 0, 0, 0, 0, 0, 0, 1, 1, 0, 3, 0 };
	/* one answer of 6: nps -100, moe 0 (p+d = 1 = (p-d)^2) */
	const long long one[11] = { 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
	/* 7 and 8 only: nps 0, moe 0 */
	const long long passive[11] = { 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0 };
	struct report_group g = group_of(five, 0);
	struct report_figures f;

	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, 40.0, 1e-9);
	ck_assert_double_eq_tol(f.moe, 70.1, 1e-9);
	ck_assert_int_eq(f.has_rate, 0);	/* nothing sent: no rate, not 0 */
	g = group_of(one, 1);
	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, -100.0, 1e-9);
	ck_assert_double_eq_tol(f.moe, 0.0, 1e-9);
	ck_assert_double_eq_tol(f.response_rate, 1.0, 1e-9);
	g = group_of(passive, 2);
	report_figures(&g, &f);
	ck_assert_double_eq_tol(f.nps, 0.0, 1e-9);
	ck_assert_double_eq_tol(f.moe, 0.0, 1e-9);
	ck_assert_int_eq(f.passives, 2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("nps");

	tcase_add_test(tc, spec_example_figures);
	tcase_add_test(tc, empty_group_has_no_nps);
	tcase_add_test(tc, boundaries_of_the_categories);
	tcase_add_test(tc, all_promoters_and_all_detractors);
	tcase_add_test(tc, rounding_is_to_one_decimal);
	tcase_add_test(tc, self_score_gap);
	tcase_add_test(tc, query_groups_and_periods);
	tcase_add_test(tc, iso_weeks);
	tcase_add_test(tc, csv_neutralises_formulas);
	tcase_add_test(tc, month_buckets_show_empty_months);
	tcase_add_test(tc, hand_computed_margins);
	suite_add_tcase(s, tc);
	return check_run(s);
}
