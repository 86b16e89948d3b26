/* store_privacy.c - the statements behind `npsctl export`, `npsctl forget`
 * and `npsctl agent forget` (store_privacy.h).
 *
 * Erasing is an UPDATE or DELETE in one transaction on both backends.
 * SQLite runs with secure_delete, which zeroes the freed space in the
 * file; the WAL is then checkpointed and truncated so the old text leaves
 * the log too. PostgreSQL has neither: the old row versions stay in the
 * table files until VACUUM reclaims their space, and in the write-ahead
 * log, replicas and base backups until those are recycled. An UPDATE or
 * DELETE is what PostgreSQL can do; the README's privacy section says so. */
#include "autoconfig.h"

#include <string.h>

#include "crypto.h"
#include "store_privacy.h"
#include "store_sql.h"
#include "store_sqlite.h"
#include "store_transition.h"

/* The surveys of one requester, by lower-cased address (?1). */
#define REQUESTER_SURVEYS \
	"(SELECT id FROM surveys WHERE lower(requester_email) = lower(?1))"

static json_t *
column_json(struct store_stmt *st, int i)
{
	switch (sql_column_type(st, i)) {
	case STORE_TYPE_NULL:
		return json_null();
	case STORE_TYPE_INT:
		return json_integer(sql_column_int64(st, i));
	case STORE_TYPE_FLOAT:
		return json_real(sql_column_double(st, i));
	default:
		return json_string(sql_column_str(st, i));
	}
}

/* Every row of sql, with key bound to ?1, as an array of objects named by
 * the columns; NULL on error. */
static json_t *
rows_json(struct store *db, const char *sql, const char *key)
{
	struct store_stmt *st = sql_prepare(db, sql);
	json_t *rows = json_array();
	int rc;

	if (st == NULL || rows == NULL) {
		sql_finalize(st);
		json_decref(rows);
		return NULL;
	}
	sql_bind_text(st, 1, key, -1);
	while ((rc = sql_step(st)) == STORE_ROW) {
		json_t *row = json_object();

		for (int i = 0; i < sql_column_count(st); i++)
			json_object_set_new(row, sql_column_name(st, i), column_json(st, i));
		json_array_append_new(rows, row);
	}
	sql_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

int
store_privacy_export(struct store *db, const char *address, json_t **out)
{
	static const struct {
		const char *name, *sql;
		int by_hash;	/* ?1 is the address's hash, not the address */
	} parts[] = {
		{ "surveys", "SELECT public_id AS survey, source, ticket_id, subject, category, "
		    "closed_at, requester_email, requester_name, language, agent_id, agent_name, "
		    "team_id, team_name, state, reason, sent_at, expires_at FROM surveys "
		    "WHERE id IN " REQUESTER_SURVEYS " ORDER BY id", 0 },
		{ "answers", "SELECT s.public_id AS survey, a.score, a.comment, a.answered_at, "
		    "a.updated_at, a.flagged FROM answers a JOIN surveys s ON s.id = a.survey "
		    "WHERE a.survey IN " REQUESTER_SURVEYS " ORDER BY a.survey", 0 },
		{ "answer_versions", "SELECT s.public_id AS survey, v.score, v.comment, v.at "
		    "FROM answer_versions v JOIN surveys s ON s.id = v.survey "
		    "WHERE v.survey IN " REQUESTER_SURVEYS " ORDER BY v.id", 0 },
		{ "mail", "SELECT o.id, o.kind, o.state, o.recipient, o.created_at, o.done_at, "
		    "o.last_error FROM outbox o WHERE o.survey IN " REQUESTER_SURVEYS
		    " OR lower(o.recipient) = lower(?1) ORDER BY o.id", 0 },
		{ "followups", "SELECT s.public_id AS survey, f.created_at, f.done_at, f.note "
		    "FROM followups f JOIN surveys s ON s.id = f.survey "
		    "WHERE f.survey IN " REQUESTER_SURVEYS " ORDER BY f.survey", 0 },
		{ "page_views", "SELECT s.public_id AS survey, p.kind, p.score, p.at_ms "
		    "FROM page_views p JOIN surveys s ON s.id = p.survey "
		    "WHERE p.survey IN " REQUESTER_SURVEYS " ORDER BY p.id", 0 },
		{ "suppressions", "SELECT reason, created_at FROM suppressions "
		    "WHERE address_hash = ?1", 1 },
	};
	char hash[CRYPTO_SHA256_HEX];

	crypto_address_hash(address, hash);
	if ((*out = json_object()) == NULL)
		return STORE_ERROR;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *rows = rows_json(db, parts[i].sql, parts[i].by_hash ? hash : address);

		if (rows == NULL) {
			json_decref(*out);
			*out = NULL;
			return STORE_ERROR;
		}
		json_object_set_new(*out, parts[i].name, rows);
	}
	return STORE_OK;
}

struct erase_step {
	const char	*sql;		/* ?1 the key, ?2 now when uses_now */
	int		 uses_now;
};

/* Runs one step inside the caller's transaction; STORE_OK and *count. */
static int
erase_step(struct store *db, const struct erase_step *step, const char *key, long long now,
    long long *count)
{
	struct store_stmt *st = sql_prepare(db, step->sql);
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, key, -1);
	if (step->uses_now)
		sql_bind_int64(st, 2, now);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	*count = sql_changes(db);
	return STORE_OK;
}

/* SQLite: moves the committed erasure out of the WAL into the database
 * file (where secure_delete zeroed the old text) and empties the log.
 * npsd may hold a read snapshot for a moment: tries for five seconds.
 * 1 when the log still holds old text, 0 otherwise. */
static int
empty_log(struct store *db)
{
	sqlite3 *h = store_sqlite_handle(db);

	if (h == NULL)
		return 0;
	for (int i = 0; i < 20; i++) {
		int log = -1, done = -1;

		if (sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log,
		    &done) == SQLITE_OK && log == done)
			return 0;
		sqlite3_sleep(250);
	}
	return 1;
}

int
store_privacy_forget(struct store *db, const char *address, int suppress, long long now,
    struct privacy_erased *e)
{
	static const struct erase_step steps[] = {
		{ "UPDATE answers SET comment = NULL WHERE comment IS NOT NULL AND survey IN "
		  REQUESTER_SURVEYS, 0 },
		{ "UPDATE answer_versions SET comment = NULL WHERE comment IS NOT NULL AND "
		  "survey IN " REQUESTER_SURVEYS, 0 },
		{ "UPDATE followups SET note = NULL WHERE note IS NOT NULL AND survey IN "
		  REQUESTER_SURVEYS, 0 },
		{ "UPDATE outbox SET recipient = '', message = '', last_error = NULL, "
		  "state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, "
		  "done_at = CASE WHEN state = 'queued' THEN ?2 ELSE done_at END "
		  "WHERE (survey IN " REQUESTER_SURVEYS " OR lower(recipient) = lower(?1)) AND "
		  "(recipient <> '' OR length(message) > 0 OR last_error IS NOT NULL)", 1 },
		{ "DELETE FROM tokens WHERE survey IN " REQUESTER_SURVEYS, 0 },
	};
	long long *counts[] = { &e->comments, &e->versions, &e->notes, &e->mail, &e->links };
	char hash[CRYPTO_SHA256_HEX];
	int rc;

	memset(e, 0, sizeof *e);
	crypto_address_hash(address, hash);
	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == STORE_OK; i++)
		rc = erase_step(db, &steps[i], address, now, counts[i]);
	if (rc == STORE_OK)
		rc = store_survey_transition(db, SURVEY_EV_CANCELLED, "reason = 'forgotten'",
		    "lower(requester_email) = lower(?)", (struct store_arg[]){ STORE_TEXT(address) },
		    1, &e->cancelled, NULL);
	/* last: the steps above find the surveys by this address */
	if (rc == STORE_OK)
		rc = erase_step(db, &(const struct erase_step){ "UPDATE surveys SET "
		    "requester_email = NULL, requester_name = NULL "
		    "WHERE lower(requester_email) = lower(?1)", 0 }, address, now, &e->surveys);
	if (rc == STORE_OK && suppress)
		rc = erase_step(db, &(const struct erase_step){ "INSERT INTO suppressions "
		    "(address_hash, reason, created_at) VALUES (?1, 'forgotten', ?2) "
		    "ON CONFLICT (address_hash) DO NOTHING", 1 }, hash, now, &e->suppressed);
	if (rc != STORE_OK) {
		store_rollback(db);
		return rc;
	}
	if ((rc = store_commit(db)) != STORE_OK)
		return rc;
	e->log_kept = empty_log(db);
	return STORE_OK;
}

int
store_agent_forget(struct store *db, const char *id, struct agent_erased *e)
{
	static const struct erase_step steps[] = {
		{ "DELETE FROM login_links WHERE email IN "
		  "(SELECT lower(email) FROM agents WHERE id = ?1 AND email <> '')", 0 },
		{ "DELETE FROM sessions WHERE email IN "
		  "(SELECT lower(email) FROM agents WHERE id = ?1 AND email <> '')", 0 },
		{ "UPDATE surveys SET agent_name = '', agent_email = '' WHERE agent_id = ?1 AND "
		  "(agent_name <> '' OR agent_email <> '')", 0 },
		{ "UPDATE agents SET name = '', email = '' WHERE id = ?1", 0 },
	};
	long long *counts[] = { &e->links, &e->sessions, &e->surveys, &e->agents };
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == STORE_OK; i++)
		rc = erase_step(db, &steps[i], id, 0, counts[i]);
	/* the last step finds the agent or nothing was there to erase */
	if (rc == STORE_OK && e->agents == 0)
		rc = STORE_NOTFOUND;
	if (rc != STORE_OK) {
		store_rollback(db);
		return rc;
	}
	if ((rc = store_commit(db)) != STORE_OK)
		return rc;
	e->log_kept = empty_log(db);
	return STORE_OK;
}
