/* check_store.c - the storage layer's drivers behave alike: parameters
 * (?, ?N, quoted question marks), integers past 32 bits, NULLs, blobs with
 * NUL bytes, booleans, changes, result codes, cached statements, the
 * survey transition that refuses what the state machine refuses, and URL
 * redaction. Runs on a SQLite file always and on PostgreSQL when the
 * tests' cluster is given (NPSD_TEST_PG_URL, NPSD_TEST_PG_PASSWORD_FILE). */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "config.h"
#include "store.h"
#include "store_pg.h"
#include "store_sql.h"
#include "store_transition.h"
#include "check_run.h"

static char target[1024];
static char sqlite_dir[64];
static struct store *db;

static void
open_store(void)
{
	char err[512];

	db = store_open(target, 0, 1, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
}

static void
close_store(void)
{
	store_close(db);
	db = NULL;
}

static long long
one_int(const char *sql)
{
	struct store_stmt *st = sql_prepare(db, sql);
	long long v;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sql_step(st), STORE_ROW);
	v = sql_column_int64(st, 0);
	sql_finalize(st);
	return v;
}

START_TEST(schema_is_current)
{
	ck_assert_int_eq(store_schema_version(db), store_latest_version(store_backend(db)));
	ck_assert_int_gt(store_latest_version(store_backend(db)), 0);
}
END_TEST

START_TEST(parameters_and_types)
{
	struct store_stmt *st;
	static const unsigned char blob[] = { 'a', 0, 'b', 0xff, 0 };

	st = sql_prepare(db, "SELECT ?2, ?1, 'a ? in quotes', ?3, CAST(? AS TEXT), ?5, 1 = 1, 1 = 2");
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sql_bind_int64(st, 1, 1700000000123LL), STORE_OK);
	sql_bind_text(st, 2, "it's \"quoted\"", -1);
	sql_bind_null(st, 3);
	sql_bind_text(st, 4, "fourth", -1);
	sql_bind_blob(st, 5, blob, sizeof blob);
	ck_assert_int_eq(sql_step(st), STORE_ROW);
	ck_assert_str_eq(sql_column_text(st, 0), "it's \"quoted\"");
	ck_assert_int_eq(sql_column_int64(st, 1), 1700000000123LL);
	ck_assert_str_eq(sql_column_text(st, 2), "a ? in quotes");
	ck_assert_int_eq(sql_column_is_null(st, 3), 1);
	ck_assert_ptr_null(sql_column_text(st, 3));
	ck_assert_str_eq(sql_column_str(st, 3), "");
	ck_assert_int_eq(sql_column_int64(st, 3), 0);
	ck_assert_str_eq(sql_column_text(st, 4), "fourth");
	ck_assert_uint_eq(sql_column_bytes(st, 5), sizeof blob);
	ck_assert_int_eq(memcmp(sql_column_blob(st, 5), blob, sizeof blob), 0);
	ck_assert_int_eq(sql_column_int(st, 6), 1);
	ck_assert_int_eq(sql_column_int(st, 7), 0);
	ck_assert_int_eq(sql_column_count(st), 8);
	ck_assert_int_eq(sql_column_type(st, 1), STORE_TYPE_INT);
	ck_assert_int_eq(sql_column_type(st, 3), STORE_TYPE_NULL);
	ck_assert_int_eq(sql_column_type(st, 5), STORE_TYPE_BLOB);
	ck_assert_int_eq(sql_step(st), STORE_DONE);
	sql_finalize(st);
}
END_TEST

START_TEST(writes_changes_and_constraints)
{
	struct store_stmt *st;

	ck_assert_int_eq(store_begin(db), STORE_OK);
	st = sql_prepare(db, "INSERT INTO settings (name, value) VALUES (?, ?) "
	    "ON CONFLICT (name) DO NOTHING");
	for (int i = 0; i < 2; i++) {
		sql_bind_text(st, 1, "check_store", -1);
		sql_bind_blob(st, 2, "x", 1);
		ck_assert_int_eq(sql_step(st), STORE_DONE);
		ck_assert_int_eq(sql_changes(db), i == 0 ? 1 : 0);
		sql_reset(st);
	}
	sql_finalize(st);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	/* without ON CONFLICT a duplicate is a constraint error */
	st = sql_prepare(db, "INSERT INTO settings (name, value) VALUES ('check_store', ?)");
	sql_bind_blob(st, 1, "y", 1);
	ck_assert_int_eq(sql_step(st), STORE_CONSTRAINT);
	sql_finalize(st);
	/* a failed transaction keeps nothing */
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(sql_exec(db, "DELETE FROM settings WHERE name = 'check_store'"), STORE_OK);
	st = sql_prepare(db, "SELECT no_such_column FROM settings");
	if (st != NULL) {	/* PostgreSQL reports it at the step, SQLite at prepare */
		ck_assert_int_ne(sql_step(st), STORE_ROW);
		sql_finalize(st);
	}
	store_rollback(db);
	ck_assert_int_eq(one_int("SELECT count(*) FROM settings WHERE name = 'check_store'"), 1);
	ck_assert_int_eq(store_unavailable(STORE_BUSY), 1);
	ck_assert_int_eq(store_unavailable(STORE_CONSTRAINT), 0);
}
END_TEST

/* Text sorts by bytes on both, as SQLite does, whatever the database's
 * locale: lists and reports come out in one order. */
START_TEST(text_sorts_by_bytes)
{
	static const char *const names[] = { "b", "B", "a", "\xc3\xa9", "A" };
	struct store_stmt *st;
	char got[64] = "";

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		st = sql_prepare(db, "INSERT INTO teams (id, name, seen_at) VALUES (?, ?, 0) "
		    "ON CONFLICT (id) DO NOTHING");
		sql_bind_text(st, 1, names[i], -1);
		sql_bind_text(st, 2, names[i], -1);
		ck_assert_int_eq(sql_step(st), STORE_DONE);
		sql_finalize(st);
	}
	st = sql_prepare(db, "SELECT id FROM teams ORDER BY id");
	while (sql_step(st) == STORE_ROW) {
		strncat(got, sql_column_text(st, 0), sizeof got - strlen(got) - 1);
		strncat(got, " ", sizeof got - strlen(got) - 1);
	}
	sql_finalize(st);
	ck_assert_str_eq(got, "A B a b \xc3\xa9 ");
	ck_assert_int_eq(one_int("SELECT count(*) FROM teams WHERE id > 'Z'"), 3);
}
END_TEST

START_TEST(cached_statements_are_reused)
{
	for (int i = 0; i < 3; i++) {
		struct store_stmt *st = sql_cached(db, "SELECT ? + 1");

		ck_assert_ptr_nonnull(st);
		sql_bind_int64(st, 1, i);
		ck_assert_int_eq(sql_step(st), STORE_ROW);
		ck_assert_int_eq(sql_column_int64(st, 0), i + 1);
		sql_done(st);
	}
}
END_TEST

/* a ticket and a survey in `state`; its id */
static long long
survey_in(const char *state, const char *public_id)
{
	struct store_stmt *st;
	long long ticket, id;

	st = sql_prepare(db, "INSERT INTO tickets (source, ticket_id, state, updated_at) "
	    "VALUES ('generic', ?, 'closed', 1) RETURNING id");
	sql_bind_text(st, 1, public_id, -1);
	ck_assert_int_eq(sql_step(st), STORE_ROW);
	ticket = sql_column_int64(st, 0);
	sql_finalize(st);
	st = sql_prepare(db, "INSERT INTO surveys (public_id, ticket, close_seq, source, ticket_id, "
	    "closed_at, requester_email, language, agent_id, state, created_at, send_at) "
	    "VALUES (?, ?, 1, 'generic', ?, 1, 'a@example.org', 'en', 'agent', ?, 1, 1) "
	    "RETURNING id");
	sql_bind_text(st, 1, public_id, -1);
	sql_bind_int64(st, 2, ticket);
	sql_bind_text(st, 3, public_id, -1);
	sql_bind_text(st, 4, state, -1);
	ck_assert_int_eq(sql_step(st), STORE_ROW);
	id = sql_column_int64(st, 0);
	sql_finalize(st);
	return id;
}

static const char *
state_of(long long id)
{
	static char state[32];
	struct store_stmt *st = sql_prepare(db, "SELECT state FROM surveys WHERE id = ?");

	sql_bind_int64(st, 1, id);
	ck_assert_int_eq(sql_step(st), STORE_ROW);
	snprintf(state, sizeof state, "%s", sql_column_text(st, 0));
	sql_finalize(st);
	return state;
}

START_TEST(transitions_follow_the_state_machine)
{
	long long answered = survey_in("answered", "t-answered");
	long long scheduled = survey_in("scheduled", "t-scheduled");
	long long moved = -1, first = -1;

	/* cancelling an answered survey is refused: nothing moves */
	ck_assert_int_eq(store_survey_transition(db, SURVEY_EV_CANCELLED, "reason = ?", "id = ?",
	    (struct store_arg[]){ STORE_TEXT("test"), STORE_INT(answered) }, 2, &moved, NULL),
	    STORE_OK);
	ck_assert_int_eq(moved, 0);
	ck_assert_str_eq(state_of(answered), "answered");
	/* mailing a scheduled one moves it, once */
	ck_assert_int_eq(store_survey_transition(db, SURVEY_EV_MAILED, "sent_at = ?", "id = ?",
	    (struct store_arg[]){ STORE_INT(1700000000), STORE_INT(scheduled) }, 2, &moved,
	    &first), STORE_OK);
	ck_assert_int_eq(moved, 1);
	ck_assert_int_eq(first, scheduled);
	ck_assert_str_eq(state_of(scheduled), "sent");
	ck_assert_int_eq(store_survey_transition(db, SURVEY_EV_MAILED, NULL, "id = ?",
	    (struct store_arg[]){ STORE_INT(scheduled) }, 1, &moved, &first), STORE_OK);
	ck_assert_int_eq(moved, 0);
	ck_assert_int_eq(first, 0);
	ck_assert_int_eq(one_int("SELECT sent_at FROM surveys WHERE public_id = 't-scheduled'"),
	    1700000000);
}
END_TEST

/* PostgreSQL only: a connection the server ended (a restart, a fail-over,
 * an administrator) fails the statement that finds out, as unavailable,
 * and the next one runs on a new connection. */
START_TEST(a_lost_connection_is_opened_again)
{
	struct store_stmt *st;
	int rc;

	if (store_backend(db) != STORE_POSTGRESQL)
		return;
	st = sql_prepare(db, "SELECT pg_terminate_backend(pg_backend_pid())");
	rc = sql_step(st);
	sql_finalize(st);
	ck_assert_int_ne(rc, STORE_ROW);
	ck_assert_int_eq(store_unavailable(rc), 1);
	ck_assert_int_eq(one_int("SELECT 41 + 1"), 42);
	ck_assert_int_eq(one_int("SELECT count(*) FROM settings WHERE name = 'check_store'"), 1);

	/* inside a transaction nothing runs on a new connection: the rest of
	 * the transaction would commit on its own */
	ck_assert_int_eq(store_begin(db), STORE_OK);
	st = sql_prepare(db, "SELECT pg_terminate_backend(pg_backend_pid())");
	sql_step(st);
	sql_finalize(st);
	ck_assert_int_eq(sql_exec(db, "DELETE FROM settings WHERE name = 'check_store'"),
	    STORE_IOERR);
	st = sql_prepare(db, "DELETE FROM settings WHERE name = 'check_store'");
	ck_assert_int_eq(sql_step(st), STORE_IOERR);
	sql_finalize(st);
	ck_assert_int_ne(store_commit(db), STORE_OK);
	store_rollback(db);
	ck_assert_int_eq(one_int("SELECT count(*) FROM settings WHERE name = 'check_store'"), 1);
}
END_TEST

START_TEST(url_passwords_are_redacted)
{
	char out[256];

	store_target_redacted("postgresql://npsd:s3cret@db.example.org:5432/npsd", out, sizeof out);
	ck_assert_str_eq(out, "postgresql://npsd:***@db.example.org:5432/npsd");
	store_target_redacted("postgres://db/npsd?sslmode=require&password=x&user=u", out,
	    sizeof out);
	ck_assert_str_eq(out, "postgres://db/npsd?sslmode=require&password=***&user=u");
	store_target_redacted("postgresql://npsd@db/npsd", out, sizeof out);
	ck_assert_str_eq(out, "postgresql://npsd@db/npsd");
	store_target_redacted("/var/lib/npsd/npsd.db", out, sizeof out);
	ck_assert_str_eq(out, "/var/lib/npsd/npsd.db");
	store_target_redacted("postgresql://u:p@h/d", out, 12);
	ck_assert_str_eq(out, "postgresql:");
	ck_assert_int_eq(store_target_is_postgresql("POSTGRESQL://h/d"), 1);
	ck_assert_int_eq(store_target_is_postgresql("postgresql:/h/d"), 0);
}
END_TEST

static Suite *
suite(const char *name)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("driver");

	tcase_add_checked_fixture(tc, open_store, close_store);
	tcase_add_test(tc, schema_is_current);
	tcase_add_test(tc, parameters_and_types);
	tcase_add_test(tc, writes_changes_and_constraints);
	tcase_add_test(tc, cached_statements_are_reused);
	tcase_add_test(tc, text_sorts_by_bytes);
	tcase_add_test(tc, transitions_follow_the_state_machine);
	tcase_add_test(tc, a_lost_connection_is_opened_again);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, url_passwords_are_redacted);
	suite_add_tcase(s, tc);
	return s;
}

/* A fresh database in the tests' cluster; 0 when there is none. */
static int
postgresql_target(void)
{
	const char *base = getenv("NPSD_TEST_PG_URL"), *pwfile = getenv("NPSD_TEST_PG_PASSWORD_FILE");
	char url[1024], sql[128], password[256] = "";
	PGconn *conn;
	PGresult *res;
	FILE *f;
	int ok;

	if (base == NULL || *base == '\0')
		return 0;
	if (pwfile != NULL && (f = fopen(pwfile, "r")) != NULL) {
		if (fgets(password, sizeof password, f) != NULL)
			password[strcspn(password, "\r\n")] = '\0';
		fclose(f);
	}
	store_pg_set_password(password[0] ? password : NULL);
	snprintf(url, sizeof url, "%s/postgres", base);
	conn = PQconnectdbParams((const char *[]){ "dbname", "password", NULL },
	    (const char *[]){ url, password, NULL }, 1);
	/* a locale that sorts unlike bytes ('a' < 'B'), where the server has
	 * ICU: the schema's own collation must win */
	snprintf(sql, sizeof sql, "CREATE DATABASE check_store_%ld TEMPLATE template0 "
	    "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'", (long)getpid());
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		snprintf(sql, sizeof sql, "CREATE DATABASE check_store_%ld", (long)getpid());
		res = PQexec(conn, sql);
	}
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "check_store: %s", PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
	snprintf(target, sizeof target, "%s/check_store_%ld", base, (long)getpid());
	return ok ? 1 : -1;
}

static void
drop_postgresql_target(void)
{
	const char *base = getenv("NPSD_TEST_PG_URL");
	char url[1024], sql[128], password[256] = "";
	const char *pwfile = getenv("NPSD_TEST_PG_PASSWORD_FILE");
	PGconn *conn;
	FILE *f;

	if (pwfile != NULL && (f = fopen(pwfile, "r")) != NULL) {
		if (fgets(password, sizeof password, f) != NULL)
			password[strcspn(password, "\r\n")] = '\0';
		fclose(f);
	}
	snprintf(url, sizeof url, "%s/postgres", base);
	conn = PQconnectdbParams((const char *[]){ "dbname", "password", NULL },
	    (const char *[]){ url, password, NULL }, 1);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS check_store_%ld", (long)getpid());
	PQclear(PQexec(conn, sql));
	PQfinish(conn);
}

int
main(void)
{
	char dir[] = "/tmp/check_store.XXXXXX";
	int failed, pg;

	if (mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	snprintf(sqlite_dir, sizeof sqlite_dir, "%s", dir);
	snprintf(target, sizeof target, "%s/npsd.db", dir);
	failed = check_run(suite("store_sqlite")) != EXIT_SUCCESS;
	unlink(target);
	snprintf(target, sizeof target, "%s/npsd.db-wal", dir);
	unlink(target);
	snprintf(target, sizeof target, "%s/npsd.db-shm", dir);
	unlink(target);
	rmdir(dir);
	if ((pg = postgresql_target()) == -1)
		failed = 1;
	else if (pg == 1) {
		failed |= check_run(suite("store_postgresql")) != EXIT_SUCCESS;
		drop_postgresql_target();
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
