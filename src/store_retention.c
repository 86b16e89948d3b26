/* store_retention.c - the statements that erase personal data once it is
 * older than [retention] allows. */
#include "autoconfig.h"

#include "store_retention.h"
#include "store_sql.h"
#include "survey_state.h"

/* Runs each statement with ?1 bound to t, adding up the rows changed. */
static int
run_all(struct store *db, const char *const *sql, size_t n, long long t, long long *changed)
{
	for (size_t i = 0; i < n; i++) {
		struct store_stmt *st;
		int rc;

		if ((st = sql_prepare(db, sql[i])) == NULL)
			return STORE_ERROR;
		sql_bind_int64(st, 1, t);
		rc = sql_step(st);
		sql_finalize(st);
		if (rc != STORE_DONE)
			return rc;
		*changed += sql_changes(db);
	}
	return STORE_OK;
}

int
store_retention_erase_personal(struct store *db, long long before, long long *changed)
{
	static const char *const sql[] = {
		"UPDATE answers SET comment = NULL WHERE answered_at < ?1 AND comment IS NOT NULL",
		"UPDATE answer_versions SET comment = NULL WHERE at < ?1 AND comment IS NOT NULL",
		"UPDATE outbox SET recipient = '', message = '', last_error = NULL WHERE "
		    "created_at < ?1 AND state NOT IN ('queued', 'sending') AND "
		    "(recipient <> '' OR length(message) > 0 OR last_error IS NOT NULL)",
		"UPDATE followups SET note = NULL WHERE coalesce(done_at, created_at) < ?1 AND "
		    "note IS NOT NULL",
	};
	struct store_stmt *st;
	int rc;

	/* a scheduled or sent survey may still need the address */
	st = sql_prepare(db, "UPDATE surveys SET requester_email = NULL, requester_name = NULL "
	    "WHERE closed_at < ?1 AND state NOT IN (?2, ?3) AND "
	    "(requester_email IS NOT NULL OR requester_name IS NOT NULL)");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, before);
	sql_bind_text(st, 2, survey_state_name(SURVEY_SCHEDULED), -1);
	sql_bind_text(st, 3, survey_state_name(SURVEY_SENT), -1);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	*changed += sql_changes(db);
	return run_all(db, sql, sizeof sql / sizeof sql[0], before, changed);
}

int
store_retention_erase_staff(struct store *db, long long seen_before, long long *changed)
{
	static const char *const sql[] = {
		"DELETE FROM sessions WHERE email IN (SELECT lower(email) FROM agents WHERE "
		    "seen_at < ?1 AND email <> '') AND email NOT IN (SELECT email FROM admins) "
		    "AND email NOT IN (SELECT email FROM team_managers)",
		"DELETE FROM login_links WHERE email IN (SELECT lower(email) FROM agents WHERE "
		    "seen_at < ?1 AND email <> '') AND email NOT IN (SELECT email FROM admins) "
		    "AND email NOT IN (SELECT email FROM team_managers)",
		"UPDATE surveys SET agent_name = '', agent_email = '' WHERE agent_id IN "
		    "(SELECT id FROM agents WHERE seen_at < ?1) AND "
		    "(agent_name <> '' OR agent_email <> '')",
		"UPDATE agents SET name = '', email = '' WHERE seen_at < ?1 AND "
		    "(name <> '' OR email <> '')",
	};

	return run_all(db, sql, sizeof sql / sizeof sql[0], seen_before, changed);
}
