/* check_outbox.c - the mail path's storage operations (store_outbox.c,
 * store_alert.c): a due survey is queued once, an outbox row is claimed
 * once and named by its attempt, a lease keeps a row from recovery until
 * it runs out, a row taken over is not recorded by its former sender, and
 * on PostgreSQL two connections claiming at once each take a different
 * row (FOR UPDATE SKIP LOCKED). Runs on a SQLite file always and on
 * PostgreSQL when the tests' cluster is given (NPSD_TEST_PG_URL,
 * NPSD_TEST_PG_PASSWORD_FILE). */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "store.h"
#include "store_alert.h"
#include "store_metrics.h"
#include "store_outbox.h"
#include "store_pg.h"
#include "store_sql.h"
#include "check_run.h"

#define NOW	1800000000LL

static char target[1024];
static struct store *db;

static void
run(struct store *s, const char *sql)
{
	ck_assert_msg(sql_exec(s, sql) == STORE_OK, "%s: %s", sql, store_errmsg(s));
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

static const char *
one_text(const char *sql, char *out, size_t len)
{
	struct store_stmt *st = sql_prepare(db, sql);

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sql_step(st), STORE_ROW);
	snprintf(out, len, "%s", sql_column_str(st, 0));
	sql_finalize(st);
	return out;
}

/* Surveys 1..3 of one ticket: 1 and 2 due at NOW, 3 an hour later. */
static void
open_store(void)
{
	char err[512];

	db = store_open(target, 0, 1, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	run(db, "DELETE FROM tokens; DELETE FROM outbox; DELETE FROM followups; "
	    "DELETE FROM answers; DELETE FROM team_managers; DELETE FROM suppressions; "
	    "DELETE FROM surveys; DELETE FROM tickets; "
	    "UPDATE mail_attempt_counts SET count = 0");
	run(db, "INSERT INTO tickets (id, source, ticket_id, state, updated_at) "
	    "VALUES (1, 'generic', 'T-1', 'closed', 0)");
	run(db, "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, "
	    "closed_at, requester_email, requester_name, language, agent_id, team_id, state, "
	    "created_at, send_at) VALUES "
	    "(1, 'svy_1', 1, 1, 'generic', 'T-1', 0, 'a@example.net', 'A', 'en', 'ag', 'tm', "
	    "'scheduled', 0, 1800000000), "
	    "(2, 'svy_2', 1, 2, 'generic', 'T-1', 0, 'b@example.net', 'B', 'en', 'ag', 'tm', "
	    "'scheduled', 0, 1799999000), "
	    "(3, 'svy_3', 1, 3, 'generic', 'T-1', 0, 'c@example.net', 'C', 'en', 'ag', 'tm', "
	    "'scheduled', 0, 1800003600)");
}

static void
close_store(void)
{
	store_close(db);
	db = NULL;
}

static void
queue_mail(struct store *s, long long id, const char *message_id, int *queued)
{
	struct store_mail_survey m = { .id = id, .requester_email = "x@example.net" };

	ck_assert_int_eq(store_survey_mail_queue(s, &m, 0, message_id, message_id, "msg", 3,
	    NOW, queued), STORE_OK);
}

START_TEST(due_surveys_are_claimed_in_order_and_queued_once)
{
	struct store_mail_survey m;
	int queued;

	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_survey_claim_due(db, NOW, &m), STORE_OK);
	ck_assert_int_eq(m.id, 2);	/* the earliest send time first */
	ck_assert_str_eq(m.public_id, "svy_2");
	ck_assert_str_eq(m.requester_email, "b@example.net");
	queue_mail(db, m.id, "svy_2.survey@example.net", &queued);
	ck_assert_int_eq(queued, 1);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	store_mail_survey_clear(&m);

	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_survey_claim_due(db, NOW, &m), STORE_OK);
	ck_assert_int_eq(m.id, 1);
	store_mail_survey_clear(&m);
	/* survey 2 again (a second pass, another instance): nothing new */
	queue_mail(db, 2, "svy_2.survey@example.net", &queued);
	ck_assert_int_eq(queued, 0);
	/* its Message-ID queued already: marked, no second row, no token */
	run(db, "UPDATE surveys SET queued = 0 WHERE id = 2");
	queue_mail(db, 2, "svy_2.survey@example.net", &queued);
	ck_assert_int_eq(queued, 0);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_int_eq(one_int("SELECT count(*) FROM outbox WHERE survey = 2"), 1);
	ck_assert_int_eq(one_int("SELECT count(*) FROM tokens WHERE survey = 2"), 1);
	ck_assert_int_eq(one_int("SELECT queued FROM surveys WHERE id = 2"), 1);
	ck_assert_int_eq(one_int("SELECT count(*) FROM surveys WHERE state = 'scheduled' AND "
	    "queued = 0 AND send_at <= 1800000000"), 1);
}
END_TEST

START_TEST(fatigue_cancel_and_compose_failure_move_the_survey)
{
	char s[64];

	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_mail_address_lock(db, "A@Example.net"), STORE_OK);
	ck_assert_int_eq(store_survey_mail_cancel(db, 1, "cooldown"), STORE_OK);
	ck_assert_int_eq(store_survey_mail_fail(db, 2), STORE_OK);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_str_eq(one_text("SELECT state || ' ' || reason FROM surveys WHERE id = 1", s,
	    sizeof s), "cancelled cooldown");
	ck_assert_str_eq(one_text("SELECT state FROM surveys WHERE id = 2", s, sizeof s),
	    "failed");
}
END_TEST

static long long
queue_row(const char *message_id, long long survey, long long due)
{
	long long id;

	ck_assert_int_eq(store_outbox_queue(db, survey, "r@example.net", message_id, "m\0x", 3,
	    "survey", due, &id), STORE_OK);
	ck_assert_int_gt(id, 0);
	return id;
}

static void
claim(struct store *s, long long due_by, long long lease, struct store_outbox_claim *c)
{
	ck_assert_int_eq(store_begin(s), STORE_OK);
	ck_assert_int_eq(store_outbox_claim(s, due_by, lease, c), STORE_OK);
	ck_assert_int_eq(store_commit(s), STORE_OK);
}

START_TEST(an_outbox_row_is_claimed_once_and_recorded_by_its_claim)
{
	struct store_outbox_claim c, again;
	long long a, b, dup = -1;
	int held;
	char s[64];

	a = queue_row("a@x", 1, NOW - 10);
	b = queue_row("b@x", 0, NOW);
	ck_assert_int_eq(store_outbox_queue(db, 0, "r@example.net", "a@x", "m", 1, "alert", NOW,
	    &dup), STORE_OK);
	ck_assert_int_eq(dup, 0);	/* one row per Message-ID */

	claim(db, NOW, NOW + 120, &c);
	ck_assert_int_eq(c.id, a);
	ck_assert_int_eq(c.survey, 1);
	ck_assert_int_eq(c.attempts, 1);
	ck_assert_int_eq(c.maybe_delivered, 0);
	ck_assert_str_eq(c.recipient, "r@example.net");
	ck_assert_uint_eq(c.len, 3);
	ck_assert_mem_eq(c.message, "m\0x", 3);
	claim(db, NOW, NOW + 120, &again);
	ck_assert_int_eq(again.id, b);
	store_outbox_claim_free(&again);
	claim(db, NOW, NOW + 120, &again);
	ck_assert_int_eq(again.id, 0);	/* nothing else due */

	/* the lease holds against recovery until it runs out */
	long long n = -1;
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_outbox_recover(db, NOW + 60, 0, &n), STORE_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_outbox_renew(db, &c, NOW + 300, &held), STORE_OK);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(store_outbox_recover(db, NOW + 200, 0, &n), STORE_OK);
	ck_assert_int_eq(n, 1);		/* b's lease (NOW + 120) ran out; a's was renewed */
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_str_eq(one_text("SELECT state FROM outbox WHERE message_id = 'b@x'", s,
	    sizeof s), "queued");
	ck_assert_int_eq(one_int("SELECT count FROM mail_attempt_counts WHERE "
	    "outcome = 'interrupted'"), 1);
	run(db, "UPDATE outbox SET next_attempt_at = 1800010000 WHERE message_id = 'b@x'");

	/* taken over after a's lease runs out: its old claim records nothing */
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_outbox_recover(db, NOW + 400, 0, &n), STORE_OK);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	claim(db, NOW + 400, NOW + 520, &again);
	ck_assert_int_eq(again.id, a);
	ck_assert_int_eq(again.attempts, 2);
	ck_assert_int_eq(again.maybe_delivered, 1);
	ck_assert_mem_eq(again.message, "m\0x", 3);	/* the stored bytes, again */
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_outbox_renew(db, &c, NOW + 600, &held), STORE_OK);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(store_outbox_record(db, &c, STORE_OUTBOX_SENT, NOW + 401, 0, NULL, 0,
	    &held), STORE_OK);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(store_outbox_record(db, &again, STORE_OUTBOX_RETRY, NOW + 402,
	    NOW + 500, "451 later", NOW + 402, &held), STORE_OK);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(store_mail_attempt_count(db, "tempfail", 1), STORE_OK);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_str_eq(one_text("SELECT state || ' ' || next_attempt_at || ' ' || last_error "
	    "FROM outbox WHERE message_id = 'a@x'", s, sizeof s), "queued 1800000500 451 later");
	ck_assert_int_eq(one_int("SELECT unknown_at FROM outbox WHERE message_id = 'a@x'"),
	    NOW + 400);	/* the first mark stays */
	store_outbox_claim_free(&c);
	store_outbox_claim_free(&again);

	claim(db, NOW + 500, NOW + 620, &c);
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_outbox_record(db, &c, STORE_OUTBOX_SENT, NOW + 501, 0, NULL, 0,
	    &held), STORE_OK);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(store_survey_mail_sent(db, c.survey, NOW + 501, NOW + 9000), STORE_OK);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_str_eq(one_text("SELECT state || ' ' || length(message) FROM outbox WHERE "
	    "message_id = 'a@x'", s, sizeof s), "sent 0");
	ck_assert_str_eq(one_text("SELECT state || ' ' || sent_at || ' ' || expires_at FROM "
	    "surveys WHERE id = 1", s, sizeof s), "sent 1800000501 1800009000");
	store_outbox_claim_free(&c);
	ck_assert_int_eq(store_outbox_waiting(db, &n), STORE_OK);
	ck_assert_int_eq(n, 1);	/* b */
}
END_TEST

START_TEST(with_any_lease_every_sending_row_is_taken_back)
{
	struct store_outbox_claim c;
	long long n = -1;

	queue_row("a@x", 1, NOW);
	claim(db, NOW, NOW + 120, &c);
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_outbox_recover(db, NOW + 1, 1, &n), STORE_OK);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_int_eq(n, 1);
	store_outbox_claim_free(&c);
}
END_TEST

START_TEST(reminders_expiry_and_suppressed_addresses)
{
	struct store_mail_survey m;
	long long n = -1;
	int queued;

	run(db, "UPDATE surveys SET state = 'sent', queued = 1, sent_at = 1799990000, "
	    "expires_at = 1800086400 WHERE id IN (1, 2)");
	run(db, "UPDATE surveys SET state = 'sent', queued = 1, sent_at = 1799000000, "
	    "expires_at = 1799500000 WHERE id = 3");
	run(db, "INSERT INTO suppressions (address_hash, reason, created_at) VALUES "
	    "(sha256_lower('B@EXAMPLE.NET'), 'unsubscribed', 0)");
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_reminder_skip_suppressed(db, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_survey_expire_due(db, NOW, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_reminder_claim_due(db, NOW - 3600, NOW, &m), STORE_OK);
	ck_assert_int_eq(m.id, 1);	/* 2 opted out, 3 expired */
	ck_assert_int_eq(store_survey_mail_queue(db, &m, 1, "h1", "svy_1.reminder@x", "r", 1,
	    NOW, &queued), STORE_OK);
	ck_assert_int_eq(queued, 1);
	store_mail_survey_clear(&m);
	ck_assert_int_eq(store_reminder_claim_due(db, NOW - 3600, NOW, &m), STORE_OK);
	ck_assert_int_eq(m.id, 0);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	ck_assert_int_eq(one_int("SELECT reminded_at FROM surveys WHERE id = 1"), NOW);
	ck_assert_int_eq(one_int("SELECT reminded_at FROM surveys WHERE id = 2"), 0);
	ck_assert_int_eq(one_int("SELECT count(*) FROM surveys WHERE state = 'expired'"), 1);
	ck_assert_int_eq(one_int("SELECT count(*) FROM outbox WHERE kind = 'reminder'"), 1);
}
END_TEST

static void
add_manager(void *arg, const char *email)
{
	char *out = arg;
	size_t len = strlen(out);

	snprintf(out + len, 128 - len, "%s ", email);
}

START_TEST(alerts_are_claimed_with_what_they_say)
{
	struct store_alert a;
	char managers[128] = "";

	run(db, "INSERT INTO answers (survey, score, comment, answered_at, updated_at) "
	    "VALUES (1, 3, 'slow', 1800000100, 1800000100)");
	run(db, "INSERT INTO followups (survey, created_at) VALUES (1, 10), (2, 20)");
	run(db, "INSERT INTO team_managers (team_id, email, added_at) VALUES "
	    "('tm', 'm2@example.net', 0), ('tm', 'm1@example.net', 0)");
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_alert_claim(db, &a), STORE_OK);
	ck_assert_int_eq(a.survey, 1);
	ck_assert_int_eq(a.answered, 1);
	ck_assert_int_eq(a.score, 3);
	ck_assert_str_eq(a.comment, "slow");
	ck_assert_str_eq(a.agent_name, "ag");	/* the id when no name is known */
	ck_assert_str_eq(a.team_name, "tm");
	ck_assert_int_eq(store_alert_managers(db, a.team_id, add_manager, managers), STORE_OK);
	ck_assert_str_eq(managers, "m1@example.net m2@example.net ");
	ck_assert_int_eq(store_alert_mailed(db, a.survey, 2), STORE_OK);
	store_alert_clear(&a);
	ck_assert_int_eq(store_alert_claim(db, &a), STORE_OK);
	ck_assert_int_eq(a.survey, 2);
	ck_assert_int_eq(a.answered, 0);	/* no answer row: nothing to say */
	ck_assert_int_eq(store_alert_mailed(db, a.survey, -1), STORE_OK);
	store_alert_clear(&a);
	ck_assert_int_eq(store_alert_claim(db, &a), STORE_OK);
	ck_assert_int_eq(a.survey, 0);
	ck_assert_int_eq(store_commit(db), STORE_OK);
}
END_TEST

static void
count_into(void *arg, const struct store_count *c)
{
	char *out = arg;
	size_t len = strlen(out);

	snprintf(out + len, 256 - len, "%s/%s=%lld ", c->label[0] ? c->label[0] : "",
	    c->label[1] ? c->label[1] : "", c->value);
}

START_TEST(metrics_counts)
{
	char out[256] = "";
	long long n = -1;

	queue_row("a@x", 1, NOW);
	ck_assert_int_eq(store_outbox_counts(db, count_into, out), STORE_OK);
	ck_assert_str_eq(out, "survey/queued=1 ");
	out[0] = '\0';
	ck_assert_int_eq(store_survey_counts(db, count_into, out), STORE_OK);
	ck_assert_str_eq(out, "scheduled/=3 ");
	ck_assert_int_eq(store_survey_due_count(db, &n), STORE_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(store_address_lookup_count(db, &n), STORE_OK);
	ck_assert_int_eq(n, 0);
	out[0] = '\0';
	ck_assert_int_eq(store_mail_attempt_counts(db, count_into, out), STORE_OK);
	ck_assert_str_eq(out, "interrupted/=0 permfail/=0 sent/=0 tempfail/=0 unknown/=0 ");
}
END_TEST

/* PostgreSQL: a second connection claims while the first holds its claim
 * open; it passes the locked row by instead of waiting for it. */
START_TEST(two_instances_claim_different_rows)
{
	struct store_mail_survey m1, m2;
	struct store_outbox_claim c1, c2;
	struct store *other;
	char err[512];

	other = store_open(target, 0, 0, err, sizeof err);
	ck_assert_msg(other != NULL, "%s", err);
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_survey_claim_due(db, NOW, &m1), STORE_OK);
	ck_assert_int_eq(store_begin(other), STORE_OK);
	ck_assert_int_eq(store_survey_claim_due(other, NOW, &m2), STORE_OK);
	ck_assert_int_eq(m1.id, 2);
	ck_assert_int_eq(m2.id, 1);
	store_mail_survey_clear(&m1);
	store_mail_survey_clear(&m2);
	ck_assert_int_eq(store_survey_claim_due(other, NOW, &m2), STORE_OK);
	ck_assert_int_eq(m2.id, 1);	/* its own lock does not stop it */
	store_mail_survey_clear(&m2);
	store_rollback(other);
	store_rollback(db);

	queue_row("a@x", 0, NOW);
	queue_row("b@x", 0, NOW);
	ck_assert_int_eq(store_begin(db), STORE_OK);
	ck_assert_int_eq(store_outbox_claim(db, NOW, NOW + 120, &c1), STORE_OK);
	ck_assert_int_eq(store_begin(other), STORE_OK);
	ck_assert_int_eq(store_outbox_claim(other, NOW, NOW + 120, &c2), STORE_OK);
	ck_assert_int_ne(c1.id, 0);
	ck_assert_int_ne(c2.id, 0);
	ck_assert_int_ne(c1.id, c2.id);
	ck_assert_int_eq(store_commit(other), STORE_OK);
	ck_assert_int_eq(store_commit(db), STORE_OK);
	store_outbox_claim_free(&c1);
	store_outbox_claim_free(&c2);
	store_close(other);
}
END_TEST

static Suite *
suite(const char *name, int postgresql)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("outbox");

	tcase_add_checked_fixture(tc, open_store, close_store);
	tcase_add_test(tc, due_surveys_are_claimed_in_order_and_queued_once);
	tcase_add_test(tc, fatigue_cancel_and_compose_failure_move_the_survey);
	tcase_add_test(tc, an_outbox_row_is_claimed_once_and_recorded_by_its_claim);
	tcase_add_test(tc, with_any_lease_every_sending_row_is_taken_back);
	tcase_add_test(tc, reminders_expiry_and_suppressed_addresses);
	tcase_add_test(tc, alerts_are_claimed_with_what_they_say);
	tcase_add_test(tc, metrics_counts);
	if (postgresql)
		tcase_add_test(tc, two_instances_claim_different_rows);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs sql on the cluster's postgres database. */
static int
cluster_exec(const char *base, const char *sql)
{
	const char *pwfile = getenv("NPSD_TEST_PG_PASSWORD_FILE");
	char url[1024], password[256] = "";
	PGconn *conn;
	PGresult *res;
	FILE *f;
	int ok;

	if (pwfile != NULL && (f = fopen(pwfile, "r")) != NULL) {
		if (fgets(password, sizeof password, f) != NULL)
			password[strcspn(password, "\r\n")] = '\0';
		fclose(f);
	}
	store_pg_set_password(password[0] ? password : NULL);
	snprintf(url, sizeof url, "%s/postgres", base);
	conn = PQconnectdbParams((const char *[]){ "dbname", "password", NULL },
	    (const char *[]){ url, password, NULL }, 1);
	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "check_outbox: %s", PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
	return ok ? 0 : -1;
}

int
main(void)
{
	const char *base = getenv("NPSD_TEST_PG_URL");
	char dir[] = "/tmp/check_outbox.XXXXXX", sql[128];
	const char *ext[] = { "", "-wal", "-shm" };
	int failed;

	if (mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	snprintf(target, sizeof target, "%s/npsd.db", dir);
	failed = check_run(suite("outbox_sqlite", 0)) != EXIT_SUCCESS;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(target, sizeof target, "%s/npsd.db%s", dir, ext[i]);
		unlink(target);
	}
	rmdir(dir);
	if (base == NULL || *base == '\0')
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;
	snprintf(sql, sizeof sql, "CREATE DATABASE check_outbox_%ld", (long)getpid());
	if (cluster_exec(base, sql) == -1)
		return EXIT_FAILURE;
	snprintf(target, sizeof target, "%s/check_outbox_%ld", base, (long)getpid());
	failed |= check_run(suite("outbox_postgresql", 1)) != EXIT_SUCCESS;
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS check_outbox_%ld WITH (FORCE)",
	    (long)getpid());
	cluster_exec(base, sql);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
