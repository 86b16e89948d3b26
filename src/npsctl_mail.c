/* npsctl_mail.c - `npsctl mail`: the outbox seen and steered by the
 * administrator: list what waits or failed (with the server's own reply),
 * send a failed or waiting message now, or drop one. A row the mailer has
 * marked 'sending' is never touched here. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "event.h"
#include "npsctl.h"

enum mail_filter { MAIL_OPEN, MAIL_WAITING, MAIL_FAILED, MAIL_ALL };

static const char *const filter_sql[] = {
	[MAIL_OPEN] = "o.state IN ('queued', 'sending', 'failed')",
	[MAIL_WAITING] = "o.state IN ('queued', 'sending')",
	[MAIL_FAILED] = "o.state = 'failed'",
	[MAIL_ALL] = "1",
};

static void
format_time(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		snprintf(out, outlen, "-");
	else
		event_format_time((time_t)sqlite3_column_int64(st, col), out, outlen);
}

static int
mail_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "waiting", no_argument, NULL, 'w' },
		{ "failed", no_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'A' },
		{ "format", required_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	enum mail_filter filter = MAIL_OPEN;
	const char *format = "table";
	char sql[512];
	struct config cfg;
	sqlite3_stmt *st;
	json_t *rows = NULL;
	sqlite3 *db;
	int ch, n = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': filter = MAIL_WAITING; break;
		case 'f': filter = MAIL_FAILED; break;
		case 'A': filter = MAIL_ALL; break;
		case 'F': format = format_option(optarg); break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage_error("mail list: unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "csv") == 0)
		usage_error("%s", "mail list: --format table or json");
	db = open_db_sqlite(&cfg);
	snprintf(sql, sizeof sql, "SELECT o.id, o.kind, o.state, o.attempts, o.next_attempt_at, "
	    "o.done_at, coalesce(s.public_id, ''), coalesce(s.ticket_id, ''), o.recipient, "
	    "coalesce(o.last_error, '') FROM outbox o LEFT JOIN surveys s ON s.id = o.survey "
	    "WHERE %s ORDER BY o.id", filter_sql[filter]);
	if ((st = db_prepare(db, sql)) == NULL) {
		db_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	if (strcmp(format, "json") == 0)
		rows = json_array();
	else
		printf("%6s  %-8s %-9s %3s  %-20s  %-22s %-14s %s\n", "id", "kind", "state", "try",
		    "next / done", "survey", "ticket", "recipient / last error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = text_col(st, 2);
		int waiting = strcmp(state, "queued") == 0 || strcmp(state, "sending") == 0;
		char when[32];

		n++;
		format_time(st, waiting ? 4 : 5, when, sizeof when);
		if (rows != NULL) {
			json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s}",
			    "id", (json_int_t)sqlite3_column_int64(st, 0), "kind", text_col(st, 1),
			    "state", state, "attempts", sqlite3_column_int(st, 3),
			    waiting ? "next_attempt" : "done", when, "survey", text_col(st, 6),
			    "ticket", text_col(st, 7), "recipient", text_col(st, 8),
			    "last_error", text_col(st, 9)));
			continue;
		}
		printf("%6lld  %-8s %-9s %3d  %-20s  %-22s %-14.14s %s\n",
		    sqlite3_column_int64(st, 0), text_col(st, 1), state, sqlite3_column_int(st, 3),
		    when, *text_col(st, 6) ? text_col(st, 6) : "-",
		    *text_col(st, 7) ? text_col(st, 7) : "-", text_col(st, 8));
		if (*text_col(st, 9))
			printf("%66s%s\n", "", text_col(st, 9));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "npsctl: %s\n", sqlite3_errmsg(db));
	if (rows != NULL) {
		char *text = json_dumps(rows, JSON_COMPACT);

		if (text != NULL)
			puts(text);
		free(text);
		json_decref(rows);
	} else if (n == 0) {
		printf("(none)\n");
	}
	db_close(db);
	config_free(&cfg);
	return rc == SQLITE_DONE ? 0 : EXIT_RUNTIME;
}

/* Parses "ID" or --all for retry and drop; returns the id, 0 for all. */
static long long
mail_target(int argc, char **argv, const char *verb, int allow_all)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	long long id;
	char *end;
	int ch, all = 0;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'A': all = 1; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (all && allow_all && optind == argc)
		return 0;
	if (all || optind + 1 != argc)
		usage_error("mail %s: give one message id (see npsctl mail list)%s", verb,
		    allow_all ? " or --all" : "");
	id = strtoll(argv[optind], &end, 10);
	if (*argv[optind] == '\0' || *end != '\0' || id <= 0)
		usage_error("mail %s: \"%s\" is not a message id", verb, argv[optind]);
	return id;
}

/* Failed or waiting messages go out at the mailer's next look (within a
 * second) with a fresh count of attempts; a survey that had failed with
 * its mail is scheduled again, so that its links work once it is sent. */
static int
mail_retry(int argc, char **argv)
{
	long long id = mail_target(argc, argv, "retry", 1);
	struct config cfg;
	sqlite3_stmt *st;
	sqlite3 *db;
	int rc = EXIT_RUNTIME, n;

	db = open_db_sqlite(&cfg);
	if (db_begin(db) != SQLITE_OK)
		goto out;
	st = db_prepare(db, "UPDATE surveys SET state = 'scheduled' WHERE state = 'failed' AND "
	    "id IN (SELECT survey FROM outbox WHERE state = 'failed' AND kind = 'survey' AND "
	    "length(message) > 0 AND (?1 = 0 OR id = ?1))");
	if (st == NULL || (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_rollback(db);
		goto out;
	}
	sqlite3_finalize(st);
	st = db_prepare(db, "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = ?2, "
	    "done_at = NULL WHERE state IN ('failed', 'queued') AND length(message) > 0 AND "
	    "(?1 = 0 OR id = ?1)");
	if (st == NULL) {
		db_rollback(db);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (long long)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_rollback(db);
		goto out;
	}
	sqlite3_finalize(st);
	n = sqlite3_changes(db);
	if (n == 0 && id != 0) {
		db_rollback(db);
		fprintf(stderr, "npsctl: message %lld is not waiting or failed with its text "
		    "still stored (sent, dropped, being sent now, or erased by retention)\n", id);
		goto out;
	}
	if (db_commit(db) != SQLITE_OK)
		goto out;
	printf("%d message%s queued to be sent now\n", n, n == 1 ? "" : "s");
	rc = 0;
out:
	if (rc != 0 && sqlite3_errcode(db) != SQLITE_OK && sqlite3_errcode(db) != SQLITE_DONE)
		fprintf(stderr, "npsctl: %s\n", sqlite3_errmsg(db));
	db_close(db);
	config_free(&cfg);
	return rc;
}

/* A dropped message is never sent; a survey still waiting for it is
 * cancelled ('dropped'), so no reminder follows either. */
static int
mail_drop(int argc, char **argv)
{
	long long id = mail_target(argc, argv, "drop", 0);
	struct config cfg;
	sqlite3_stmt *st;
	sqlite3 *db;
	int rc = EXIT_RUNTIME;

	db = open_db_sqlite(&cfg);
	if (db_begin(db) != SQLITE_OK)
		goto out;
	st = db_prepare(db, "UPDATE surveys SET state = 'cancelled', reason = 'dropped' WHERE "
	    "state IN ('scheduled', 'failed') AND id = (SELECT survey FROM outbox WHERE id = ?1 "
	    "AND kind = 'survey' AND state IN ('queued', 'failed'))");
	if (st == NULL || (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_rollback(db);
		goto out;
	}
	sqlite3_finalize(st);
	st = db_prepare(db, "UPDATE outbox SET state = 'cancelled', message = '', done_at = ?2 "
	    "WHERE id = ?1 AND state IN ('queued', 'failed')");
	if (st == NULL) {
		db_rollback(db);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (long long)time(NULL));
	if ((rc = change_end(db, st, "no such message waiting or failed (a message being sent "
	    "now cannot be dropped)")) == 0)
		printf("message %lld dropped\n", id);
out:
	db_close(db);
	config_free(&cfg);
	return rc;
}

int
cmd_mail(int argc, char **argv)
{
	if (argc < 2)
		usage_error("%s", "mail: list, retry or drop");
	argc--;
	argv++;
	if (strcmp(argv[0], "list") == 0)
		return mail_list(argc, argv);
	if (strcmp(argv[0], "retry") == 0)
		return mail_retry(argc, argv);
	if (strcmp(argv[0], "drop") == 0)
		return mail_drop(argc, argv);
	usage_error("mail: unknown action \"%s\" (list, retry, drop)", argv[0]);
}
