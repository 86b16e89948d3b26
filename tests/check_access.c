/* check_access.c - the scope rules of SPEC section 6 for every role, and
 * API tokens against a real SQLite file: stored hashed, found while
 * valid, not once expired or revoked. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "crypto.h"
#include "db.h"
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

START_TEST(tokens_are_hashed_and_expire)
{
	char path[] = "/tmp/check_access_XXXXXX", err[256], token[ACCESS_TOKEN_LEN + 1];
	char hash[CRYPTO_SHA256_HEX], sql[256], wrong[ACCESS_TOKEN_LEN + 1];
	const char *teams[] = { "sd", "net" };
	struct access_principal p;
	sqlite3_stmt *st;
	long long id;
	sqlite3 *db;
	int fd = mkstemp(path);

	close(fd);
	db = db_open(path, 0, 1, err, sizeof err);
	ck_assert_ptr_nonnull(db);
	id = access_token_create(db, ACCESS_MANAGER, NULL, teams, 2, 1000, 2000, "team lead", token);
	ck_assert_int_gt(id, 0);
	ck_assert_uint_eq(strlen(token), ACCESS_TOKEN_LEN);
	ck_assert_int_eq(strncmp(token, "npsd_", 5), 0);
	/* only the hash is stored */
	crypto_sha256_hex(token, strlen(token), hash);
	st = db_prepare(db, "SELECT hash FROM api_tokens");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), hash);
	sqlite3_finalize(st);

	ck_assert_int_eq(access_token_find(db, token, 1500, &p), 1);
	ck_assert_int_eq(p.role, ACCESS_MANAGER);
	ck_assert_uint_eq(p.nteams, 2);
	ck_assert_str_eq(p.teams[0], "net");
	access_principal_free(&p);
	ck_assert_int_eq(access_token_find(db, token, 2000, &p), 0);	/* expired */
	memcpy(wrong, token, sizeof wrong);
	wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(access_token_find(db, wrong, 1500, &p), 0);
	ck_assert_int_eq(access_token_find(db, "npsd_short", 1500, &p), 0);
	ck_assert_int_eq(access_token_find(db, "", 1500, &p), 0);
	snprintf(sql, sizeof sql, "UPDATE api_tokens SET revoked_at = 1600 WHERE id = %lld", id);
	ck_assert_int_eq(db_exec(db, sql), SQLITE_OK);
	ck_assert_int_eq(access_token_find(db, token, 1500, &p), 0);	/* revoked */

	id = access_token_create(db, ACCESS_AGENT, "piet", NULL, 0, 1000, 0, NULL, token);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(access_token_find(db, token, 1999999999, &p), 1);	/* never expires */
	ck_assert_str_eq(p.agent_id, "piet");
	db_close(db);
	unlink(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("scope");

	tcase_add_test(tc, agent_sees_only_itself);
	tcase_add_test(tc, manager_sees_only_its_teams);
	tcase_add_test(tc, admin_sees_everything);
	tcase_add_test(tc, tokens_are_hashed_and_expire);
	suite_add_tcase(s, tc);
	return check_run(s);
}
