/* retention.c - owns forgetting: what identifies a requester (address,
 * name), what they wrote (comments, in every answer version), what a team
 * lead wrote about them (follow-up notes) and the mail to them, with the
 * server's reply that may name them, is erased once [retention]
 * personal_data has passed; a departed agent's name and address once
 * staff_data has; scores, agent and team ids and categories stay, so
 * reports keep their numbers. */
#include "autoconfig.h"

#include "db.h"
#include "retention.h"

long long
retention_sweep(sqlite3 *db, long long keep, long long staff_keep, time_t now)
{
	static const char *const sql[] = {
		/* scheduled and sent surveys may still need the address */
		"UPDATE surveys SET requester_email = NULL, requester_name = NULL "
		    "WHERE closed_at < ?1 AND state NOT IN ('scheduled', 'sent') AND "
		    "(requester_email IS NOT NULL OR requester_name IS NOT NULL)",
		"UPDATE answers SET comment = NULL WHERE answered_at < ?1 AND comment IS NOT NULL",
		"UPDATE answer_versions SET comment = NULL WHERE at < ?1 AND comment IS NOT NULL",
		"UPDATE outbox SET recipient = '', message = '', last_error = NULL WHERE "
		    "created_at < ?1 AND state NOT IN ('queued', 'sending') AND "
		    "(recipient <> '' OR length(message) > 0 OR last_error IS NOT NULL)",
		"UPDATE followups SET note = NULL WHERE coalesce(done_at, created_at) < ?1 AND "
		    "note IS NOT NULL",
	};
	/* ?1: the last time an agent was seen that still keeps their name */
	static const char *const staff_sql[] = {
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
	long long changed = 0;

	if (db_begin(db) != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < sizeof sql / sizeof sql[0] + sizeof staff_sql / sizeof staff_sql[0];
	    i++) {
		int staff = i >= sizeof sql / sizeof sql[0];
		sqlite3_stmt *st;

		if (staff && staff_keep <= 0)
			break;
		st = db_prepare(db, staff ? staff_sql[i - sizeof sql / sizeof sql[0]] : sql[i]);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, (long long)now - (staff ? staff_keep : keep));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
		changed += sqlite3_changes(db);
	}
	if (db_commit(db) != SQLITE_OK)
		return -1;
	return changed;
fail:
	db_rollback(db);
	return -1;
}
