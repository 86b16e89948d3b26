/* check_access.c - the scope rules of SPEC section 6 for every role; API
 * tokens, team managers, admins, sign-in links and sessions against a
 * real database: a SQLite file, and PostgreSQL too when NPSD_TEST_PG_URL
 * (a cluster's base URL) and NPSD_TEST_PG_PASSWORD_FILE are set, as for
 * the integration tests: then a database of the test's own, dropped at
 * the end. Tokens are stored hashed,
 * found while valid, not once expired or revoked; what one connection
 * revokes, uses or ends, another (a second npsd) sees at once. */
#include "autoconfig.h"

#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "crypto.h"
#include "session.h"
#include "store.h"
#include "store_access.h"
#include "store_session.h"
#include "check_run.h"

static struct access_principal
principal(enum access_role role, const char *agent, const char *team1, const char *team2)
{
	struct access_principal p;

	memset(&p, 0, sizeof p);
	p.role = role;
	if (agent != NULL)
		snprintf(p.agent_id, sizeof p.agent_id, "%s", agent);
	if (team1 != NULL)
		p.teams[p.nteams++] = strdup(team1);
	if (team2 != NULL)
		p.teams[p.nteams++] = strdup(team2);
	return p;
}

START_TEST(agent_sees_only_itself)
{
	struct access_principal p = principal(ACCESS_AGENT, "piet", NULL, NULL);
	struct report_query q = { .by = REPORT_BY_TEAM };
	const char *why = NULL, *net[] = { "net" };

	ck_assert_int_eq(access_scope(&p, &q, &why), 0);
	ck_assert_str_eq(q.agent, "piet");	/* narrowed, whatever was asked */
	q.agent = "piet";
	ck_assert_int_eq(access_scope(&p, &q, &why), 0);
	q.agent = "kees";
	ck_assert_int_eq(access_scope(&p, &q, &why), -1);
	ck_assert_ptr_nonnull(why);
	q.agent = NULL;
	q.teams = net;
	q.nteams = 1;
	ck_assert_int_eq(access_scope(&p, &q, &why), -1);
	ck_assert_int_eq(access_sees_requesters(&p), 0);
}
END_TEST

START_TEST(manager_sees_only_its_teams)
{
	struct access_principal p = principal(ACCESS_MANAGER, NULL, "net", "sd");
	struct report_query q = { .by = REPORT_BY_AGENT };
	const char *why = NULL, *sd[] = { "sd" }, *other[] = { "sd", "hr" };

	ck_assert_int_eq(access_scope(&p, &q, &why), 0);
	ck_assert_uint_eq(q.nteams, 2);		/* no team asked: its own teams */
	ck_assert_str_eq(q.teams[0], "net");
	ck_assert_str_eq(q.teams[1], "sd");
	q.teams = sd;
	q.nteams = 1;
	ck_assert_int_eq(access_scope(&p, &q, &why), 0);
	ck_assert_uint_eq(q.nteams, 1);
	q.teams = other;
	q.nteams = 2;
	ck_assert_int_eq(access_scope(&p, &q, &why), -1);
	ck_assert_int_eq(access_sees_requesters(&p), 1);
	access_principal_free(&p);

	p = principal(ACCESS_MANAGER, NULL, NULL, NULL);	/* no teams: sees nothing */
	q.teams = NULL;
	q.nteams = 0;
	ck_assert_int_eq(access_scope(&p, &q, &why), -1);
}
END_TEST

START_TEST(admin_sees_everything)
{
	struct access_principal p = principal(ACCESS_ADMIN, NULL, NULL, NULL);
	struct report_query q = { .by = REPORT_BY_TEAM, .agent = "kees" };
	const char *why = NULL;

	ck_assert_int_eq(access_scope(&p, &q, &why), 0);
	ck_assert_str_eq(q.agent, "kees");
	ck_assert_uint_eq(q.nteams, 0);
	ck_assert_int_eq(access_sees_requesters(&p), 1);
}
END_TEST

/* The cluster's base URL and the PostgreSQL database of this run ("" when
 * there is none). */
static char pg_base[512], pg_target[600];

/* Runs one statement on the cluster's maintenance database: creating and
 * dropping the test's own database is the test's business, not npsd's. */
static int
pg_admin(const char *base, const char *command, const char *db)
{
	char url[600], sql[200];
	PGresult *res;
	PGconn *c;
	int ok;

	snprintf(url, sizeof url, "%s/postgres", base);
	snprintf(sql, sizeof sql, "%s %s", command, db);
	if ((c = PQconnectdb(url)) == NULL || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "check_access: %s: %s", url, c != NULL ? PQerrorMessage(c) : "\n");
		PQfinish(c);
		return -1;
	}
	res = PQexec(c, sql);
	if (!(ok = PQresultStatus(res) == PGRES_COMMAND_OK))
		fprintf(stderr, "check_access: %s: %s", sql, PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* With NPSD_TEST_PG_URL and NPSD_TEST_PG_PASSWORD_FILE: a fresh database
 * named db, its URL in pg_target. */
static int
pg_setup(const char *db)
{
	const char *base = getenv("NPSD_TEST_PG_URL"), *file = getenv("NPSD_TEST_PG_PASSWORD_FILE");
	char password[256];
	size_t n, len;
	FILE *f;

	if (base == NULL || *base == '\0')
		return 0;
	if (file == NULL || (f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "check_access: NPSD_TEST_PG_URL needs NPSD_TEST_PG_PASSWORD_FILE\n");
		return -1;
	}
	n = fread(password, 1, sizeof password - 1, f);
	fclose(f);
	password[n] = '\0';
	password[strcspn(password, "\r\n")] = '\0';
	setenv("PGPASSWORD", password, 1);
	snprintf(pg_base, sizeof pg_base, "%s", base);
	if ((len = strlen(pg_base)) > 0 && pg_base[len - 1] == '/')
		pg_base[len - 1] = '\0';
	if (pg_admin(pg_base, "CREATE DATABASE", db) == -1)
		return -1;
	snprintf(pg_target, sizeof pg_target, "%s/%s", pg_base, db);
	return 0;
}

static int
pg_teardown(const char *db)
{
	if (pg_target[0] == '\0')
		return 0;
	return pg_admin(pg_base, "DROP DATABASE IF EXISTS", db);
}

/* Backend _i of the loop tests: 0 SQLite (a new file in path), 1
 * PostgreSQL (NULL when there is none: the test is skipped). */
static const char *
backend_target(int i, char path[32])
{
	int fd;

	if (i == 1)
		return pg_target[0] != '\0' ? pg_target : NULL;
	snprintf(path, 32, "/tmp/check_access_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

static struct store *
backend_open(const char *target, int migrate)
{
	char err[256];
	struct store *db = store_open(target, 0, migrate, err, sizeof err);

	if (db == NULL)
		ck_abort_msg("%s: %s", target, err);
	return db;
}

static void
backend_done(int i, char path[32], struct store *a, struct store *b)
{
	store_close(a);
	store_close(b);
	if (i == 0)
		unlink(path);
}

START_TEST(tokens_are_hashed_and_expire)
{
	char path[32], token[ACCESS_TOKEN_LEN + 1], hash[CRYPTO_SHA256_HEX];
	char wrong[ACCESS_TOKEN_LEN + 1], role[16], agent[NPSD_MAX_ID + 1];
	const char *teams[] = { "sd", "net" }, *target = backend_target(_i, path);
	struct access_principal p;
	long long id, found;
	struct store *db;

	if (target == NULL)
		return;
	db = backend_open(target, 1);
	id = access_token_create(db, ACCESS_MANAGER, NULL, teams, 2, 1000, 2000, "team lead", token);
	ck_assert_int_gt(id, 0);
	ck_assert_uint_eq(strlen(token), ACCESS_TOKEN_LEN);
	ck_assert_int_eq(strncmp(token, "npsd_", 5), 0);
	/* only the hash is stored: found by it, never by the token itself */
	crypto_sha256_hex(token, strlen(token), hash);
	ck_assert_int_eq(store_api_token_find(db, hash, 1500, &found, role, sizeof role, agent,
	    sizeof agent), 1);
	ck_assert_int_eq(found, id);
	ck_assert_str_eq(role, "manager");
	ck_assert_int_eq(store_api_token_find(db, token, 1500, &found, role, sizeof role, agent,
	    sizeof agent), 0);

	ck_assert_int_eq(access_token_find(db, token, 1500, &p), 1);
	ck_assert_int_eq(p.role, ACCESS_MANAGER);
	ck_assert_int_eq(p.token_id, id);
	ck_assert_uint_eq(p.nteams, 2);
	ck_assert_str_eq(p.teams[0], "net");
	ck_assert_str_eq(p.teams[1], "sd");
	access_principal_free(&p);
	ck_assert_int_eq(access_token_find(db, token, 2000, &p), 0);	/* expired */
	memcpy(wrong, token, sizeof wrong);
	wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(access_token_find(db, wrong, 1500, &p), 0);
	ck_assert_int_eq(access_token_find(db, "npsd_short", 1500, &p), 0);
	ck_assert_int_eq(access_token_find(db, "", 1500, &p), 0);
	ck_assert_int_eq(store_api_token_revoke(db, id, 1600), 1);
	ck_assert_int_eq(store_api_token_revoke(db, id, 1700), 0);	/* once */
	ck_assert_int_eq(access_token_find(db, token, 1500, &p), 0);	/* revoked */

	id = access_token_create(db, ACCESS_AGENT, "piet", NULL, 0, 1000, 0, NULL, token);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(access_token_find(db, token, 1999999999, &p), 1);	/* never expires */
	ck_assert_int_eq(p.role, ACCESS_AGENT);
	ck_assert_str_eq(p.agent_id, "piet");
	ck_assert_uint_eq(p.nteams, 0);
	backend_done(_i, path, db, NULL);
}
END_TEST

struct listed {
	long long	 id;
	int		 seen;
	char		 teams[64];
	long long	 used_at, revoked_at;
};

static int
token_listed(void *arg, const struct store_api_token *t)
{
	struct listed *l = arg;

	if (t->id == l->id) {
		l->seen++;
		snprintf(l->teams, sizeof l->teams, "%s", t->teams);
		l->used_at = t->used_at;
		l->revoked_at = t->revoked_at;
	}
	return 0;
}

/* Two connections stand for two npsd on one database: nothing one of
 * them learnt about a token outlives a revocation by the other. */
START_TEST(tokens_are_shared_between_instances)
{
	char path[32], token[ACCESS_TOKEN_LEN + 1];
	const char *teams[] = { "sd", "net", "sd" }, *target = backend_target(_i, path);
	struct access_principal p;
	struct listed l = { 0 };
	struct store *a, *b;

	if (target == NULL)
		return;
	a = backend_open(target, 1);
	b = backend_open(target, 0);
	l.id = access_token_create(a, ACCESS_MANAGER, NULL, teams, 3, 1000, 0, "", token);
	ck_assert_int_gt(l.id, 0);
	ck_assert_int_eq(access_token_find(b, token, 5000, &p), 1);
	ck_assert_uint_eq(p.nteams, 2);		/* a team named twice counts once */
	access_principal_free(&p);
	ck_assert_int_eq(store_api_token_each(a, token_listed, &l), 0);
	ck_assert_int_eq(l.seen, 1);
	ck_assert_str_eq(l.teams, "net,sd");
	ck_assert_int_eq(l.used_at, 5000);	/* b's use, as a reads it */
	ck_assert_int_eq(access_token_find(a, token, 5030, &p), 1);
	access_principal_free(&p);
	l.seen = 0;
	ck_assert_int_eq(store_api_token_each(b, token_listed, &l), 0);
	ck_assert_int_eq(l.used_at, 5000);	/* noted once a minute, not per request */
	ck_assert_int_eq(store_api_token_revoke(a, l.id, 6000), 1);
	ck_assert_int_eq(access_token_find(b, token, 6001, &p), 0);
	l.seen = 0;
	ck_assert_int_eq(store_api_token_each(b, token_listed, &l), 0);
	ck_assert_int_eq(l.revoked_at, 6000);
	backend_done(_i, path, a, b);
}
END_TEST

struct team_row {
	const char	*team;
	int		 seen;
	char		 managers[200];
};

static int
team_listed(void *arg, const char *team, const char *name, const char *managers)
{
	struct team_row *r = arg;

	(void)name;
	if (strcmp(team, r->team) == 0) {
		r->seen++;
		snprintf(r->managers, sizeof r->managers, "%s", managers);
	}
	return 0;
}

static int
admin_listed(void *arg, const char *email, long long added_at)
{
	const char *want = arg;

	return strcmp(email, want) == 0 && added_at == 1000 ? 7 : 0;
}

START_TEST(managers_and_admins)
{
	char path[32], team[32], boss[64], other[64], expect[160];
	const char *target = backend_target(_i, path);
	struct team_row r = { 0 };
	char *teams[4];
	size_t n;
	struct store *db;

	if (target == NULL)
		return;
	db = backend_open(target, 1);
	snprintf(team, sizeof team, "t%ld", (long)getpid());
	snprintf(boss, sizeof boss, "boss%ld@example.org", (long)getpid());
	snprintf(other, sizeof other, "aaa%ld@example.org", (long)getpid());
	ck_assert_int_eq(store_team_exists(db, team), 0);
	ck_assert_int_eq(store_agent_exists(db, team), 0);
	/* a team nobody has named yet takes a manager only when told so */
	ck_assert_int_eq(store_team_manager_add(db, team, boss, 1000, 1), 0);
	ck_assert_int_eq(store_team_manager_add(db, team, boss, 1000, 0), 1);
	ck_assert_int_eq(store_team_manager_add(db, team, boss, 1000, 0), 1);	/* again: fine */
	ck_assert_int_eq(store_team_manager_add(db, team, other, 1000, 1), 1);	/* known now */
	r.team = team;
	ck_assert_int_eq(store_team_manager_list(db, team_listed, &r), 0);
	ck_assert_int_eq(r.seen, 1);
	snprintf(expect, sizeof expect, "%s, %s", other, boss);	/* sorted */
	ck_assert_str_eq(r.managers, expect);
	ck_assert_int_eq(store_team_manager_teams(db, boss, teams, 4, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(teams[0], team);
	free(teams[0]);
	ck_assert_int_eq(store_team_manager_remove(db, team, boss), 1);
	ck_assert_int_eq(store_team_manager_remove(db, team, boss), 0);
	ck_assert_int_eq(store_team_manager_teams(db, boss, teams, 4, &n), 0);
	ck_assert_uint_eq(n, 0);

	ck_assert_int_eq(store_admin_add(db, boss, 1000), 0);
	ck_assert_int_eq(store_admin_add(db, boss, 2000), 0);	/* already: fine */
	ck_assert_int_eq(store_admin_each(db, admin_listed, boss), 7);
	ck_assert_int_eq(store_admin_remove(db, boss), 1);
	ck_assert_int_eq(store_admin_remove(db, boss), 0);
	ck_assert_int_eq(store_admin_each(db, admin_listed, boss), 0);
	backend_done(_i, path, db, NULL);
}
END_TEST

/* Sign-in links are used once across instances; a session ended on one
 * is ended on the other; removing an admin ends their sessions. */
START_TEST(sessions_are_shared_between_instances)
{
	char path[32], boss[64], link[23], again[23], session[23], email[NPSD_MAX_EMAIL + 1];
	char upper[64];
	const char *target = backend_target(_i, path);
	struct dash_user u;
	struct store *a, *b;
	time_t now = 1000000;

	if (target == NULL)
		return;
	a = backend_open(target, 1);
	b = backend_open(target, 0);
	snprintf(boss, sizeof boss, "boss%ld@example.org", (long)getpid());
	snprintf(upper, sizeof upper, "Boss%ld@Example.ORG", (long)getpid());
	ck_assert_int_eq(session_address_known(a, upper), 0);
	ck_assert_int_eq(store_admin_add(a, boss, 1000), 0);
	ck_assert_int_eq(session_address_known(b, upper), 1);

	/* SESSION_LINKS_PER_ADDRESS links per link lifetime, whatever the case */
	ck_assert_int_eq(session_link_create(a, upper, now, link), 1);
	ck_assert_int_eq(session_link_create(b, boss, now, again), 1);
	ck_assert_int_eq(session_link_create(a, boss, now, again), 1);
	ck_assert_int_eq(session_link_create(b, boss, now, again), 0);
	ck_assert_int_eq(session_link_create(b, boss, now + SESSION_LINK_TTL, again), 1);

	ck_assert_int_eq(session_link_check(b, link, now + 1, 0, email), 1);
	ck_assert_str_eq(email, boss);
	ck_assert_int_eq(session_link_check(a, link, now + SESSION_LINK_TTL, 0, email), 0);
	ck_assert_int_eq(session_link_check(a, link, now + 2, 1, email), 1);	/* used */
	ck_assert_int_eq(session_link_check(b, link, now + 3, 1, email), 0);	/* once */
	ck_assert_int_eq(session_link_check(b, link, now + 3, 0, email), 0);
	ck_assert_int_eq(session_link_check(b, "not a link", now, 0, email), 0);

	ck_assert_int_eq(session_create(a, boss, now, session), 0);
	ck_assert_int_eq(session_find(b, session, now + 1, &u), 1);
	ck_assert_str_eq(u.email, boss);
	ck_assert_int_eq(u.admin, 1);
	ck_assert_str_eq(u.agent_id, "");
	ck_assert_uint_eq(strlen(u.csrf), CRYPTO_SHA256_HEX - 1);
	session_user_free(&u);
	ck_assert_int_eq(session_find(b, session, now + SESSION_TTL, &u), 0);	/* expired */
	ck_assert_int_eq(session_find(b, NULL, now, &u), 0);
	ck_assert_int_eq(session_delete(b, session), 0);
	ck_assert_int_eq(session_find(a, session, now + 1, &u), 0);		/* ended */

	/* a request for an unknown address makes nothing; a known one's
	 * clears the address's links that expired long ago */
	ck_assert_int_eq(session_link_request(a, "nobody@example.org", now, again), 0);
	ck_assert_int_eq(store_login_link_count(a, boss, 0), 4);
	now += SESSION_LINK_TTL + SESSION_LINK_KEPT;
	ck_assert_int_eq(session_link_request(b, upper, now, again), 1);
	ck_assert_int_eq(store_login_link_count(a, boss, 0), 2);
	ck_assert_int_eq(session_link_check(a, again, now + 1, 1, email), 1);

	ck_assert_int_eq(session_create(b, boss, now, session), 0);
	ck_assert_int_eq(session_find(a, session, now + 1, &u), 1);
	session_user_free(&u);
	ck_assert_int_eq(store_admin_remove(a, boss), 1);
	ck_assert_int_eq(session_find(b, session, now + 1, &u), 0);
	ck_assert_int_eq(session_address_known(b, boss), 0);
	backend_done(_i, path, a, b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("scope");
	char pg_db[64];
	int rc;

	tcase_add_test(tc, agent_sees_only_itself);
	tcase_add_test(tc, manager_sees_only_its_teams);
	tcase_add_test(tc, admin_sees_everything);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	/* 0: SQLite; 1: PostgreSQL when NPSD_TEST_PG_URL is set */
	tcase_add_loop_test(tc, tokens_are_hashed_and_expire, 0, 2);
	tcase_add_loop_test(tc, tokens_are_shared_between_instances, 0, 2);
	tcase_add_loop_test(tc, managers_and_admins, 0, 2);
	tcase_add_loop_test(tc, sessions_are_shared_between_instances, 0, 2);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	snprintf(pg_db, sizeof pg_db, "npsd_check_access_%ld", (long)getpid());
	if (pg_setup(pg_db) == -1)
		return EXIT_FAILURE;
	rc = check_run(s);
	if (pg_teardown(pg_db) == -1)
		rc = EXIT_FAILURE;
	return rc;
}
