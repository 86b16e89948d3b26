/* npsctl_privacy.c - a person's rights over what npsd holds about them:
 * `npsctl export ADDRESS` prints it all as JSON (access); `npsctl forget
 * ADDRESS` erases every trace of that requester while their scores stay
 * as anonymous numbers, so reports do not change (erasure); `npsctl agent
 * forget ID` does the same for a departed agent's name and address. Each
 * erasure is one transaction, followed by a WAL checkpoint so the old
 * text leaves the log file too (secure_delete zeroes freed space). */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "crypto.h"
#include "db.h"
#include "event.h"
#include "message.h"
#include "npsctl.h"

/* The surveys of one requester, by lower-cased address. */
#define REQUESTER_SURVEYS \
	"(SELECT id FROM surveys WHERE lower(requester_email) = lower(?1))"

static json_t *
column_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	default:
		return json_string((const char *)sqlite3_column_text(st, i));
	}
}

/* Every row of a query as an array of objects named by its columns;
 * times (columns ending in _at, and "at") printed as RFC 3339. */
static json_t *
rows_json(sqlite3 *db, const char *sql, const char *address)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	json_t *rows = json_array();

	if (st == NULL || rows == NULL) {
		sqlite3_finalize(st);
		json_decref(rows);
		return NULL;
	}
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *row = json_object();

		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *name = sqlite3_column_name(st, i);
			size_t n = strlen(name);

			if (sqlite3_column_type(st, i) == SQLITE_INTEGER &&
			    (strcmp(name, "at") == 0 || (n > 3 && strcmp(name + n - 3, "_at") == 0))) {
				char when[32];

				event_format_time((time_t)sqlite3_column_int64(st, i), when, sizeof when);
				json_object_set_new(row, name, json_string(when));
			} else {
				json_object_set_new(row, name, column_json(st, i));
			}
		}
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(st);
	return rows;
}

static const char *
address_argument(int argc, char **argv, const char *verb, int *allow_future)
{
	static const struct option opts[] = {
		{ "allow-future", no_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			if (allow_future == NULL)
				usage();
			*allow_future = 1;
			break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s: give one address", verb);
	if (!message_address_valid(argv[optind]))
		usage_error("%s: \"%s\" is not an e-mail address", verb, argv[optind]);
	return argv[optind];
}

int
cmd_export(int argc, char **argv)
{
	static const struct {
		const char *name, *sql;
	} parts[] = {
		{ "surveys", "SELECT public_id AS survey, source, ticket_id, subject, category, "
		    "closed_at, requester_email, requester_name, language, agent_id, agent_name, "
		    "team_id, team_name, state, reason, sent_at, expires_at FROM surveys "
		    "WHERE id IN " REQUESTER_SURVEYS " ORDER BY id" },
		{ "answers", "SELECT s.public_id AS survey, a.score, a.comment, a.answered_at, "
		    "a.updated_at, a.flagged FROM answers a JOIN surveys s ON s.id = a.survey "
		    "WHERE a.survey IN " REQUESTER_SURVEYS " ORDER BY a.survey" },
		{ "answer_versions", "SELECT s.public_id AS survey, v.score, v.comment, v.at "
		    "FROM answer_versions v JOIN surveys s ON s.id = v.survey "
		    "WHERE v.survey IN " REQUESTER_SURVEYS " ORDER BY v.id" },
		{ "mail", "SELECT o.id, o.kind, o.state, o.recipient, o.created_at, o.done_at, "
		    "o.last_error FROM outbox o WHERE o.survey IN " REQUESTER_SURVEYS
		    " OR lower(o.recipient) = lower(?1) ORDER BY o.id" },
		{ "followups", "SELECT s.public_id AS survey, f.created_at, f.done_at, f.note "
		    "FROM followups f JOIN surveys s ON s.id = f.survey "
		    "WHERE f.survey IN " REQUESTER_SURVEYS " ORDER BY f.survey" },
		{ "page_views", "SELECT s.public_id AS survey, p.kind, p.score, p.at_ms "
		    "FROM page_views p JOIN surveys s ON s.id = p.survey "
		    "WHERE p.survey IN " REQUESTER_SURVEYS " ORDER BY p.id" },
		{ "suppressions", "SELECT reason, created_at FROM suppressions "
		    "WHERE address_hash = sha256_lower(?1)" },
	};
	const char *address = address_argument(argc, argv, "export", NULL);
	json_t *out = json_object();
	struct config cfg;
	sqlite3 *db;
	char *text;

	db = open_db_sqlite(&cfg);
	json_object_set_new(out, "address", json_string(address));
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *rows = rows_json(db, parts[i].sql, address);

		if (rows == NULL) {
			fprintf(stderr, "npsctl: export: %s\n", sqlite3_errmsg(db));
			json_decref(out);
			db_close(db);
			config_free(&cfg);
			return EXIT_RUNTIME;
		}
		json_object_set_new(out, parts[i].name, rows);
	}
	db_close(db);
	config_free(&cfg);
	text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(out);
	if (text == NULL)
		return EXIT_RUNTIME;
	puts(text);
	free(text);
	return 0;
}

struct erase_step {
	const char	*what;	/* printed: table and what goes */
	const char	*sql;	/* ?1 the address or id, ?2 now */
};

/* Runs the steps in one transaction, printing each one's count; then
 * moves the change out of the WAL into the database file. */
static int
erase(sqlite3 *db, const struct erase_step *steps, size_t n, const char *key)
{
	int counts[16];

	if (n > sizeof counts / sizeof counts[0] || db_begin(db) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = db_prepare(db, steps[i].sql);

		if (st == NULL)
			goto rollback;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, (long long)time(NULL));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			goto rollback;
		}
		sqlite3_finalize(st);
		counts[i] = sqlite3_changes(db);
	}
	if (db_commit(db) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++)
		printf("%6d  %s\n", counts[i], steps[i].what);
	/* npsd may hold a read snapshot for a moment: try a few times */
	for (int i = 0; i < 20; i++) {
		int log = -1, done = -1;

		if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log,
		    &done) == SQLITE_OK && log == done)
			return 0;
		sqlite3_sleep(250);
	}
	fprintf(stderr, "npsctl: erased, but the write-ahead log could not be emptied now; "
	    "npsd empties it at its next checkpoint\n");
	return 0;
rollback:
	fprintf(stderr, "npsctl: %s; nothing was erased\n", sqlite3_errmsg(db));
	db_rollback(db);
	return EXIT_RUNTIME;
fail:
	fprintf(stderr, "npsctl: %s; nothing was erased\n", sqlite3_errmsg(db));
	return EXIT_RUNTIME;
}

int
cmd_forget(int argc, char **argv)
{
	static const struct erase_step steps[] = {
		{ "answers: comments erased",
		  "UPDATE answers SET comment = NULL WHERE comment IS NOT NULL AND survey IN "
		  REQUESTER_SURVEYS },
		{ "answer versions: comments erased",
		  "UPDATE answer_versions SET comment = NULL WHERE comment IS NOT NULL AND survey IN "
		  REQUESTER_SURVEYS },
		{ "follow-ups: notes erased",
		  "UPDATE followups SET note = NULL WHERE note IS NOT NULL AND survey IN "
		  REQUESTER_SURVEYS },
		{ "mail: messages and recipients erased (waiting ones cancelled)",
		  "UPDATE outbox SET recipient = '', message = '', last_error = NULL, "
		  "state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, "
		  "done_at = CASE WHEN state = 'queued' THEN ?2 ELSE done_at END "
		  "WHERE (survey IN " REQUESTER_SURVEYS " OR lower(recipient) = lower(?1)) AND "
		  "(recipient <> '' OR length(message) > 0 OR last_error IS NOT NULL)" },
		{ "survey links: removed",
		  "DELETE FROM tokens WHERE survey IN " REQUESTER_SURVEYS },
		{ "surveys not yet sent: cancelled",
		  "UPDATE surveys SET state = 'cancelled', reason = 'forgotten' WHERE "
		  "state = 'scheduled' AND id IN " REQUESTER_SURVEYS },
		/* last: the steps above find the surveys by this address */
		{ "surveys: address and name erased (scores kept, anonymous)",
		  "UPDATE surveys SET requester_email = NULL, requester_name = NULL "
		  "WHERE lower(requester_email) = lower(?1)" },
	};
	static const struct erase_step suppress = { "suppression list: address added (hashed)",
		"INSERT INTO suppressions (address_hash, reason, created_at) VALUES "
		"(sha256_lower(?1), 'forgotten', ?2) ON CONFLICT (address_hash) DO NOTHING" };
	struct erase_step all[sizeof steps / sizeof steps[0] + 1];
	int allow_future = 0, rc;
	const char *address = address_argument(argc, argv, "forget", &allow_future);
	char hash[CRYPTO_SHA256_HEX];
	struct config cfg;
	size_t n = 0;
	sqlite3 *db;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		all[n++] = steps[i];
	if (!allow_future)
		all[n++] = suppress;
	crypto_address_hash(address, hash);
	db = open_db_sqlite(&cfg);
	printf("forgetting the requester with address hash %.16s\n", hash);
	rc = erase(db, all, n, address);
	db_close(db);
	config_free(&cfg);
	return rc;
}

static int
agent_forget(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct erase_step steps[] = {
		{ "sign-in links: removed", "DELETE FROM login_links WHERE email IN "
		  "(SELECT lower(email) FROM agents WHERE id = ?1 AND email <> '')" },
		{ "sessions: ended", "DELETE FROM sessions WHERE email IN "
		  "(SELECT lower(email) FROM agents WHERE id = ?1 AND email <> '')" },
		{ "surveys: agent's name and address erased (scores kept under the id)",
		  "UPDATE surveys SET agent_name = '', agent_email = '' WHERE agent_id = ?1 AND "
		  "(agent_name <> '' OR agent_email <> '')" },
		{ "agents: name and address erased",
		  "UPDATE agents SET name = '', email = '' WHERE id = ?1" },
	};
	struct config cfg;
	sqlite3_stmt *st;
	sqlite3 *db;
	int ch, rc, known;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s", "agent forget: give one agent id");
	db = open_db_sqlite(&cfg);
	st = db_prepare(db, "SELECT count(*) FROM agents WHERE id = ?");
	known = 0;
	if (st != NULL) {
		sqlite3_bind_text(st, 1, argv[optind], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			known = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (!known) {
		fprintf(stderr, "npsctl: no agent with id \"%s\" (see npsctl report --by agent)\n",
		    argv[optind]);
		db_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	rc = erase(db, steps, sizeof steps / sizeof steps[0], argv[optind]);
	db_close(db);
	config_free(&cfg);
	return rc;
}

int
cmd_agent(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "forget") != 0)
		usage_error("%s", "agent: forget ID");
	return agent_forget(argc - 1, argv + 1);
}
