/* report_speed.c - builds a database of N answers (default 1,000,000)
 * spread over 400 days, 10 teams, 200 agents and 12 categories, then
 * times the reports a team lead, a manager, an agent and an admin ask
 * for over one year, against a baseline measured on the same file: one plain scan of every
 * answer. Prints the median of 21 runs of each. Linked against the
 * built libnpsd.a by bench/reports. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "report.h"

#define RUNS 21

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
generate(sqlite3 *db, long long n, time_t end)
{
	char sql[4096];

	snprintf(sql, sizeof sql,
	    "BEGIN;"
	    "INSERT INTO teams (id, name, seen_at) WITH RECURSIVE t(i) AS "
	    " (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 9)"
	    " SELECT 'team' || i, 'Team ' || i, %lld FROM t;"
	    "INSERT INTO agents (id, name, email, seen_at) WITH RECURSIVE a(i) AS "
	    " (SELECT 0 UNION ALL SELECT i + 1 FROM a WHERE i < 199)"
	    " SELECT 'agent' || i, 'Agent ' || i, 'agent' || i || '@example.org', %lld FROM a;"
	    "CREATE TEMP TABLE gen AS WITH RECURSIVE g(i) AS "
	    " (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %lld)"
	    " SELECT i, %lld - (i * 34560000 / %lld) AS at, i %% 200 AS agent,"
	    " abs(random()) %% 11 AS score, abs(random()) %% 12 AS cat FROM g;"
	    "INSERT INTO tickets (id, source, ticket_id, state, closes, updated_at)"
	    " SELECT i, 'generic', 'T' || i, 'closed', 1, at FROM gen;"
	    "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, category,"
	    " closed_at, requester_email, language, agent_id, team_id, state, created_at, send_at,"
	    " sent_at) SELECT i, 'svy_' || i, i, 1, 'generic', 'T' || i, 'cat' || cat, at - 3600,"
	    " 'r' || i || '@example.net', 'en', 'agent' || agent, 'team' || (agent %% 10),"
	    " 'answered', at - 3600, at - 1800, at - 1800 FROM gen;"
	    "INSERT INTO closings (source, ticket_id, closed_at, category, team_id, agent_id)"
	    " SELECT 'generic', 'T' || i, at - 3600, 'cat' || cat, 'team' || (agent %% 10),"
	    " 'agent' || agent FROM gen;"
	    "INSERT INTO answers (survey, score, answered_at, updated_at, agent_id, team_id,"
	    " category) SELECT i, score, at, at, 'agent' || agent, 'team' || (agent %% 10),"
	    " 'cat' || cat FROM gen;"
	    "DROP TABLE gen;"
	    "COMMIT;"
	    "ANALYZE;",
	    (long long)end, (long long)end, n, (long long)end, n);
	return db_exec(db, sql) == SQLITE_OK ? 0 : -1;
}

static double
median_report(sqlite3 *db, const struct report_query *q, size_t *groups)
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++) {
		struct report r;
		double t0 = now_ms();

		if (report_run(db, q, &r) != 0) {
			fprintf(stderr, "report failed: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		t[i] = now_ms() - t0;
		*groups = r.ngroups;
		report_free(&r);
	}
	qsort(t, RUNS, sizeof t[0], cmp_double);
	return t[RUNS / 2];
}

static double
median_scan(sqlite3 *db, long long *rows)
{
	double t[RUNS];
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*), sum(score) FROM answers NOT INDEXED");

	if (st == NULL)
		exit(1);
	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();

		sqlite3_reset(st);
		if (sqlite3_step(st) != SQLITE_ROW)
			exit(1);
		*rows = sqlite3_column_int64(st, 0);
		t[i] = now_ms() - t0;
	}
	sqlite3_finalize(st);
	qsort(t, RUNS, sizeof t[0], cmp_double);
	return t[RUNS / 2];
}

int
main(int argc, char **argv)
{
	const char *team[] = { "team3", "team4", "team5" };
	long long n = argc > 2 ? atoll(argv[2]) : 1000000, rows = 0;
	time_t end = time(NULL);
	struct report_query q = { .since = end - 365 * 86400, .until = end + 1 };
	char err[256];
	double base, ms, t0;
	size_t groups;
	sqlite3 *db;
	struct {
		const char *name;
		enum report_by by;
		enum report_interval iv;
		size_t teams;
		int agent;
	} cases[] = {
		{ "team lead: team by agent, one year", REPORT_BY_AGENT, REPORT_INTERVAL_NONE, 1, 0 },
		{ "team lead: team by month, one year", REPORT_BY_TEAM, REPORT_INTERVAL_MONTH, 1, 0 },
		{ "team lead: team by category", REPORT_BY_CATEGORY, REPORT_INTERVAL_NONE, 1, 0 },
		{ "agent: own, by week, one year", REPORT_BY_AGENT, REPORT_INTERVAL_WEEK, 0, 1 },
		{ "agent: own, one year", REPORT_BY_NONE, REPORT_INTERVAL_NONE, 0, 1 },
		{ "manager: three teams by team, one year", REPORT_BY_TEAM, REPORT_INTERVAL_NONE, 3, 0 },
		{ "admin: all ten teams, one year", REPORT_BY_TEAM, REPORT_INTERVAL_NONE, 0, 0 },
	};

	if (argc < 2 || n < 1000) {
		fprintf(stderr, "usage: report_speed DBFILE [ANSWERS >= 1000]\n");
		return 2;
	}
	if ((db = db_open(argv[1], 1, 1, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	t0 = now_ms();
	if (generate(db, n, end) == -1) {
		fprintf(stderr, "generate: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	printf("generated %lld answers (with their surveys and closings) in %.1f s\n", n,
	    (now_ms() - t0) / 1000.0);
	base = median_scan(db, &rows);
	printf("baseline: one scan of all %lld answers: %.1f ms\n", rows, base);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		q.by = cases[i].by;
		q.interval = cases[i].iv;
		q.teams = cases[i].teams ? team : NULL;
		q.nteams = cases[i].teams;
		q.agent = cases[i].agent ? "agent13" : NULL;
		ms = median_report(db, &q, &groups);
		printf("%-40s %7.1f ms  %5zu rows  %.3f of baseline  %s\n", cases[i].name, ms,
		    groups, ms / base, ms < 100.0 ? "(under 100 ms)" : "(over 100 ms)");
	}
	db_close(db);
	return 0;
}
