/* check_report.c - NPS arithmetic per SPEC section 6, and the report and
 * the answers one by one against a real database: a SQLite file always,
 * and PostgreSQL too when the tests' cluster is given (NPSD_TEST_PG_URL,
 * NPSD_TEST_PG_PASSWORD_FILE), where both must give byte for byte the
 * same reports for the same data. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "report.h"
#include "responses.h"
#include "store.h"
#include "store_pg.h"
#include "store_sql.h"
#include "check_run.h"

/* The PostgreSQL cluster's base URL, NULL for SQLite only. */
static const char *pg_base;
static char pg_password[256];

/* A database of its own for one test (Check runs each in a child); the
 * SQLite file or the PostgreSQL database name, for drop_store. */
static char made[2][64];

/* Runs sql in the cluster's postgres database; 0 or -1. */
static int
pg_admin(const char *sql)
{
	char url[1024];
	PGconn *conn;
	PGresult *res;
	int ok;

	snprintf(url, sizeof url, "%s/postgres", pg_base);
	conn = PQconnectdbParams((const char *[]){ "dbname", "password", NULL },
	    (const char *[]){ url, pg_password, NULL }, 1);
	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	PQfinish(conn);
	return ok ? 0 : -1;
}

/* A fresh, migrated database: postgresql 0 a SQLite file, 1 a PostgreSQL
 * database in the tests' cluster. */
static struct store *
fresh_store(int postgresql)
{
	char target[1200], err[512];
	struct store *db;
	int fd;

	if (postgresql) {
		char sql[256];

		snprintf(made[1], sizeof made[1], "check_report_%ld", (long)getpid());
		/* a collation that sorts text unlike SQLite ("alpha" before "Zeta")
		 * where the server has ICU, so that an order left to the database
		 * would show */
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 "
		    "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'", made[1]);
		if (pg_admin(sql) == -1) {
			snprintf(sql, sizeof sql, "CREATE DATABASE %s", made[1]);
			ck_assert_int_eq(pg_admin(sql), 0);
		}
		snprintf(target, sizeof target, "%s/%s", pg_base, made[1]);
	} else {
		snprintf(made[0], sizeof made[0], "/tmp/check_report_XXXXXX");
		fd = mkstemp(made[0]);
		ck_assert_int_ge(fd, 0);
		close(fd);
		snprintf(target, sizeof target, "%s", made[0]);
	}
	db = store_open(target, 0, 1, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

static void
drop_store(struct store *db, int postgresql)
{
	char path[96];

	store_close(db);
	if (postgresql) {
		char sql[128];

		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", made[1]);
		pg_admin(sql);
		return;
	}
	unlink(made[0]);
	snprintf(path, sizeof path, "%s-wal", made[0]);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", made[0]);
	unlink(path);
}

/* The database the current suite runs on. */
static int suite_pg;

static struct store *
open_test_store(void)
{
	return fresh_store(suite_pg);
}

static void
close_test_store(struct store *db)
{
	drop_store(db, suite_pg);
}

static void
exec_ok(struct store *db, const char *sql)
{
	ck_assert_msg(sql_exec(db, sql) == STORE_OK, "%s", store_errmsg(db));
}

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
	struct report_query q = { .by = REPORT_BY_TEAM, .since = 1000, .until = 2000 };
	const char *sd[] = { "sd" }, *both[] = { "sd", "net" };
	struct report r;
	struct store *db = open_test_store();

	exec_ok(db,
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
	    " ON s.id = v.survey;"
	    "INSERT INTO closings (source, ticket_id, closed_at, category, team_id, agent_id) VALUES"
	    " ('generic', 'T1', 1001, '', 'sd', 'piet'), ('generic', 'T2', 1999, '', 'sd', 'piet'),"
	    " ('generic', 'T3', 2000, '', 'sd', 'piet'), ('generic', 'T4', 1500, 'Network', 'net', 'kees');"
	    "INSERT INTO teams VALUES ('sd', 'Servicedesk', 0), ('net', 'Network', 0);");
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

	close_test_store(db);
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
	/* 2026-01-01 is a Thursday: ISO week 2026-W01; 2027-01-01 is a Friday:
	 * still 2026-W53; 2024-12-30 (Monday) is 2025-W01. */
	struct report_query q = { .by = REPORT_BY_NONE, .interval = REPORT_INTERVAL_WEEK,
		.since = 1735516800, .until = 1798848000 };	/* 2024-12-30 to 2027-01-02 */
	struct report r;
	struct store *db = open_test_store();

	exec_ok(db,
	    "INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at) "
	    "VALUES (1, 'generic', 'T1', 'closed', 1, 0);"
	    "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, closed_at, "
	    " language, agent_id, state, created_at, send_at) VALUES"
	    " (1, 'a', 1, 1, 'generic', 'T1', 0, 'en', 'p', 'answered', 0, 0),"
	    " (2, 'b', 1, 2, 'generic', 'T1', 0, 'en', 'p', 'answered', 0, 0),"
	    " (3, 'c', 1, 3, 'generic', 'T1', 0, 'en', 'p', 'answered', 0, 0);"
	    "INSERT INTO answers (survey, score, answered_at, updated_at) VALUES"
	    " (1, 10, 1767225600, 0), (2, 10, 1798761600, 0), (3, 10, 1735516800, 0);");
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	/* 2025 has 52 ISO weeks, 2026 has 53: every one is a row, and each
	 * answer is in the week it was given */
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
	close_test_store(db);
}
END_TEST

/* Answers on 31 January and 1 March: February is a row of its own, empty,
 * and each answer lands in its own month at the second it was given. */
START_TEST(month_buckets_show_empty_months)
{
	struct report_query q = { .by = REPORT_BY_AGENT, .interval = REPORT_INTERVAL_MONTH,
		.since = 1767225600, .until = 1775001600 };	/* 2026-01-01 to 2026-04-01 */
	struct report r;
	struct report_figures f;
	struct store *db = open_test_store();

	exec_ok(db,
	    "INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at) "
	    "VALUES (1, 'generic', 'T1', 'closed', 3, 0);"
	    "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, closed_at, "
	    " language, agent_id, state, created_at, send_at) VALUES"
	    " (1, 'a', 1, 1, 'generic', 'T1', 0, 'en', 'piet', 'answered', 0, 0),"
	    " (2, 'b', 1, 2, 'generic', 'T1', 0, 'en', 'piet', 'answered', 0, 0),"
	    " (3, 'c', 1, 3, 'generic', 'T1', 0, 'en', 'kees', 'answered', 0, 0);"
	    "INSERT INTO answers (survey, score, answered_at, updated_at, agent_id) VALUES"
	    " (1, 3, 1769903999, 0, 'piet'),"	/* 2026-01-31 23:59:59 */
	    " (2, 9, 1772323200, 0, 'piet'),"	/* 2026-03-01 00:00:00 */
	    " (3, 10, 1772323199, 0, 'kees');"	/* 2026-02-28 23:59:59 */
	    "INSERT INTO agents VALUES ('piet', 'Piet Jansen', 'piet@example.org', 0);");
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
	close_test_store(db);
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

static long long order[16];
static int collected;

static int
collect_id(void *arg, const struct response *r)
{
	(void)arg;
	if (collected < 16)
		order[collected] = r->id;
	collected++;
	return 0;
}

/* Keys in byte order whatever the database's collation; answers given in
 * the same second come newest survey first, and pages of two walk them
 * all once. */
START_TEST(byte_order_and_ties)
{
	struct report_query q = { .by = REPORT_BY_AGENT, .since = 1000, .until = 2000 };
	struct responses_page page = { .limit = 2 };
	struct store *db = open_test_store();
	struct report r;
	int pages = 0;

	exec_ok(db,
	    "INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at) "
	    "VALUES (1, 'generic', 'T1', 'closed', 5, 0);"
	    "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, closed_at, "
	    " language, agent_id, state, created_at, send_at) VALUES"
	    " (1, 'a', 1, 1, 'generic', 'T1', 0, 'en', 'alpha', 'answered', 0, 0),"
	    " (2, 'b', 1, 2, 'generic', 'T1', 0, 'en', 'Zeta', 'answered', 0, 0),"
	    " (3, 'c', 1, 3, 'generic', 'T1', 0, 'en', '\xc3\x84rger', 'answered', 0, 0),"
	    " (4, 'd', 1, 4, 'generic', 'T1', 0, 'en', '_x', 'answered', 0, 0),"
	    " (5, 'e', 1, 5, 'generic', 'T1', 0, 'en', 'Alpha', 'answered', 0, 0);"
	    "INSERT INTO answers (survey, score, answered_at, updated_at, agent_id) VALUES"
	    " (1, 3, 1500, 0, 'alpha'), (2, 9, 1500, 0, 'Zeta'), (3, 10, 1500, 0, '\xc3\x84rger'),"
	    " (4, 7, 1400, 0, '_x'), (5, 8, 1500, 0, 'Alpha');");
	ck_assert_int_eq(report_run(db, &q, &r), 0);
	ck_assert_uint_eq(r.ngroups, 5);
	ck_assert_str_eq(r.groups[0].key, "Alpha");
	ck_assert_str_eq(r.groups[1].key, "Zeta");
	ck_assert_str_eq(r.groups[2].key, "_x");
	ck_assert_str_eq(r.groups[3].key, "alpha");
	ck_assert_str_eq(r.groups[4].key, "\xc3\x84rger");
	report_free(&r);

	collected = 0;
	do {
		ck_assert_int_ge(responses_each(db, &q, &page, collect_id, NULL), 0);
		page.after = page.next;
		pages++;
	} while (page.more && pages < 8);
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(collected, 5);
	ck_assert_int_eq(order[0], 5);
	ck_assert_int_eq(order[1], 3);
	ck_assert_int_eq(order[2], 2);
	ck_assert_int_eq(order[3], 1);
	ck_assert_int_eq(order[4], 4);
	close_test_store(db);
}
END_TEST

static unsigned
next_random(unsigned long long *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(*x >> 33);
}

/* A mixed, deterministic data set: agent, team and category ids in upper
 * and lower case and beyond ASCII, empty ones, unsent surveys, flagged
 * answers, self scores, comments, and many answers in the same second. */
static void
fill(struct store *db)
{
	static const char *const agents[] = { "alpha", "Alpha", "Zeta", "\xc3\x84rger", "_x", "bob" };
	static const char *const teams[] = { "sd", "net", "Net", "\xc3\xbc-team", "" };
	static const char *const cats[] = { "", "Hardware", "hardware", "Zubeh\xc3\xb6r", "Netz" };
	unsigned long long seed = 42;
	size_t cap = 1 << 20, len = 0;
	char *sql = malloc(cap);

	ck_assert_ptr_nonnull(sql);
#define RND()	next_random(&seed)
#define ADD(...) do { len += (size_t)snprintf(sql + len, cap - len, __VA_ARGS__); \
	ck_assert_uint_lt(len, cap); } while (0)
	ADD("INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at) "
	    "VALUES (1, 'generic', 'T1', 'closed', 700, 0);"
	    "INSERT INTO agents VALUES ('alpha', 'Anna', 'a@example.org', 0), "
	    "('Zeta', '', '', 0), ('bob', 'Bob B.', '', 0);"
	    "INSERT INTO teams VALUES ('sd', 'Servicedesk', 0), ('net', 'Netwerk', 0);");
	for (int i = 1; i <= 700; i++) {
		const char *agent = agents[RND() % 6], *team, *cat;
		char sent_sql[24], self_sql[8];
		long long sent, at;
		int unsent, self, comment, flagged;
		unsigned score;

		team = teams[RND() % 5];
		cat = cats[RND() % 5];
		sent = 1735689600LL + (long long)(RND() % (730U * 86400U));
		unsent = RND() % 10 == 0;
		self = (int)(RND() % 14);

		if (unsent)
			snprintf(sent_sql, sizeof sent_sql, "NULL");
		else
			snprintf(sent_sql, sizeof sent_sql, "%lld", sent);
		if (self > 10)
			snprintf(self_sql, sizeof self_sql, "NULL");
		else
			snprintf(self_sql, sizeof self_sql, "%d", self);
		ADD("INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, "
		    "closed_at, language, agent_id, team_id, category, state, created_at, send_at, "
		    "sent_at, self_score) VALUES (%d, 'svy_%d', 1, %d, 'generic', 'T%d', %lld, 'en', "
		    "'%s', '%s', '%s', 'answered', 0, 0, %s, %s);", i, i, i, i, sent - 600,
		    agent, team, cat, sent_sql, self_sql);
		ADD("INSERT INTO closings (source, ticket_id, closed_at, category, team_id, agent_id) "
		    "VALUES ('generic', 'T%d', %lld, '%s', '%s', '%s');", i, sent - 600, cat, team,
		    agent);
		if (unsent || RND() % 10 < 3)
			continue;
		/* answers land on the hour: many share their second */
		score = RND() % 11;
		comment = RND() % 3 == 0;
		at = (sent + (long long)(RND() % (7U * 86400U))) / 3600 * 3600;
		flagged = RND() % 12 == 0;
		ADD("INSERT INTO answers (survey, score, comment, answered_at, updated_at, flagged, "
		    "flag_rule, agent_id, team_id, category, self_score) SELECT id, %u, %s, %lld, "
		    "%lld, %d, %s, agent_id, team_id, category, self_score FROM surveys "
		    "WHERE id = %d;", score, comment ? "'so-so'" : "NULL", at, at + 600, flagged,
		    flagged ? "'no_form'" : "NULL", i);
	}
#undef ADD
#undef RND
	exec_ok(db, sql);
	free(sql);
}

static int
print_response(void *arg, const struct response *r)
{
	json_t *o = responses_json(r, 1);

	json_dumpf(o, arg, JSON_PRESERVE_ORDER | JSON_SORT_KEYS);
	fputc('\n', arg);
	json_decref(o);
	return 0;
}

/* Every report shape and the answers one by one, as npsctl writes them. */
static char *
render(struct store *db)
{
	static const enum report_by bys[] = { REPORT_BY_NONE, REPORT_BY_AGENT, REPORT_BY_TEAM,
		REPORT_BY_CATEGORY };
	static const enum report_interval ivs[] = { REPORT_INTERVAL_NONE, REPORT_INTERVAL_WEEK,
		REPORT_INTERVAL_MONTH };
	const char *two[] = { "net", "\xc3\xbc-team" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	for (int filter = 0; filter < 4; filter++)
		for (size_t b = 0; b < 4; b++)
			for (size_t i = 0; i < 3; i++) {
				struct report_query q = { .by = bys[b], .interval = ivs[i],
					.since = 1735689600, .until = 1798761600 };
				struct report r;

				if (filter == 1) {
					q.teams = two;
					q.nteams = 2;
				} else if (filter == 2) {
					q.agent = "alpha";
				} else if (filter == 3) {
					q.category = "Zubeh\xc3\xb6r";
				}
				ck_assert_int_eq(report_run(db, &q, &r), 0);
				ck_assert_int_eq(report_write_json(f, &q, &r), 0);
				ck_assert_int_eq(report_write_csv(f, &q, &r), 0);
				ck_assert_int_eq(report_write_table(f, &q, &r), 0);
				report_free(&r);
			}
	for (int comments = 0; comments < 2; comments++) {
		struct report_query q = { .by = REPORT_BY_NONE, .since = 1735689600,
			.until = 1798761600 };
		struct responses_page page = { .comments_only = comments, .limit = 7 };

		ck_assert_int_gt(responses_each_all(db, &q, &page, print_response, f), 100);
	}
	fclose(f);
	return text;
}

/* The same data in SQLite and in PostgreSQL: the same bytes out. */
START_TEST(backends_agree)
{
	struct store *lite = fresh_store(0), *pg = fresh_store(1);
	char *a, *b;

	fill(lite);
	fill(pg);
	a = render(lite);
	b = render(pg);
	ck_assert_uint_gt(strlen(a), 100000);
	for (size_t i = 0; a[i] != '\0' || b[i] != '\0'; i++)
		ck_assert_msg(a[i] == b[i], "SQLite and PostgreSQL differ at byte %zu: "
		    "\"%.60s\" against \"%.60s\"", i, a + (i > 20 ? i - 20 : 0),
		    b + (i > 20 ? i - 20 : 0));
	free(a);
	free(b);
	drop_store(lite, 0);
	drop_store(pg, 1);
}
END_TEST

static Suite *
suite(const char *name, int postgresql)
{
	Suite *s = suite_create(name);
	TCase *tc;

	if (!postgresql) {
		tc = tcase_create("nps");
		tcase_add_test(tc, spec_example_figures);
		tcase_add_test(tc, empty_group_has_no_nps);
		tcase_add_test(tc, boundaries_of_the_categories);
		tcase_add_test(tc, all_promoters_and_all_detractors);
		tcase_add_test(tc, rounding_is_to_one_decimal);
		tcase_add_test(tc, self_score_gap);
		tcase_add_test(tc, csv_neutralises_formulas);
		tcase_add_test(tc, hand_computed_margins);
		suite_add_tcase(s, tc);
	}
	tc = tcase_create("query");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, query_groups_and_periods);
	tcase_add_test(tc, iso_weeks);
	tcase_add_test(tc, month_buckets_show_empty_months);
	tcase_add_test(tc, byte_order_and_ties);
	if (postgresql)
		tcase_add_test(tc, backends_agree);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *pwfile = getenv("NPSD_TEST_PG_PASSWORD_FILE");
	int failed;
	FILE *f;

	suite_pg = 0;
	failed = check_run(suite("report_sqlite", 0)) != EXIT_SUCCESS;
	pg_base = getenv("NPSD_TEST_PG_URL");
	if (pg_base == NULL || *pg_base == '\0')
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;
	if (pwfile != NULL && (f = fopen(pwfile, "r")) != NULL) {
		if (fgets(pg_password, sizeof pg_password, f) != NULL)
			pg_password[strcspn(pg_password, "\r\n")] = '\0';
		fclose(f);
	}
	store_pg_set_password(pg_password[0] ? pg_password : NULL);
	suite_pg = 1;
	failed |= check_run(suite("report_postgresql", 1)) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
