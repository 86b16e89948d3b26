/* store_admin.c - the statements behind `npsctl survey show` (store_admin.h):
 * one ticket's deliveries, closes and surveys, one survey's mail. Ties in
 * text are broken in byte order on PostgreSQL too (COLLATE "C"), the way
 * SQLite orders text, so both backends print the same. */
#include "autoconfig.h"

#include <string.h>

#include "store_admin.h"
#include "store_sql.h"

/* sql with every '~' (where ORDER BY names a text column) replaced by
 * byte-order collation, prepared with ticket and source bound to ?1 and
 * ?2. */
static struct store_stmt *
prepare_ticket(struct store *db, const char *sql, const char *ticket, const char *source)
{
	const char *bytes = store_backend(db) == STORE_POSTGRESQL ? " COLLATE \"C\"" : "";
	struct store_stmt *st;
	char text[1024];
	size_t n = 0;

	for (const char *p = sql; *p != '\0'; p++) {
		size_t len = *p == '~' ? strlen(bytes) : 1;

		if (n + len >= sizeof text)
			return NULL;
		memcpy(text + n, *p == '~' ? bytes : p, len);
		n += len;
	}
	text[n] = '\0';
	if ((st = sql_prepare(db, text)) == NULL)
		return NULL;
	if (sql_bind_text(st, 1, ticket, -1) != STORE_OK ||
	    sql_bind_text(st, 2, source, -1) != STORE_OK) {
		sql_finalize(st);
		return NULL;
	}
	return st;
}

/* STORE_OK after the last row or when the caller stopped early. */
static int
each_end(struct store_stmt *st, int rc)
{
	sql_finalize(st);
	return rc == STORE_DONE || rc == STORE_ROW ? STORE_OK : rc;
}

int
store_ticket_deliveries_each(struct store *db, const char *ticket, const char *source,
    int (*fn)(const struct admin_delivery *, void *), void *arg)
{
	struct store_stmt *st;
	int rc;

	st = prepare_ticket(db, "SELECT received_at, source, delivery_id, outcome, reason, "
	    "detail FROM deliveries WHERE ticket_id = ?1 AND "
	    "(CAST(?2 AS TEXT) IS NULL OR source = ?2) "
	    "ORDER BY received_at, delivery_id~, source~", ticket, source);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct admin_delivery d = {
			.received_at = sql_column_int64(st, 0),
			.source = sql_column_str(st, 1),
			.delivery_id = sql_column_str(st, 2),
			.outcome = sql_column_str(st, 3),
			.reason = sql_column_str(st, 4),
			.detail = sql_column_str(st, 5),
		};

		if (fn(&d, arg) != 0)
			break;
	}
	return each_end(st, rc);
}

int
store_ticket_closings_each(struct store *db, const char *ticket, const char *source,
    int (*fn)(const struct admin_closing *, void *), void *arg)
{
	struct store_stmt *st;
	int rc;

	st = prepare_ticket(db, "SELECT closed_at, source, agent_id, team_id, category "
	    "FROM closings WHERE ticket_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR source = ?2) "
	    "ORDER BY closed_at, source~, team_id~, agent_id~, category~", ticket, source);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct admin_closing c = {
			.closed_at = sql_column_int64(st, 0),
			.source = sql_column_str(st, 1),
			.agent_id = sql_column_str(st, 2),
			.team_id = sql_column_str(st, 3),
			.category = sql_column_str(st, 4),
		};

		if (fn(&c, arg) != 0)
			break;
	}
	return each_end(st, rc);
}

int
store_ticket_surveys_each(struct store *db, const char *ticket, const char *source,
    int (*fn)(const struct admin_survey *, void *), void *arg)
{
	struct store_stmt *st;
	int rc;

	st = prepare_ticket(db, "SELECT s.id, s.public_id, s.source, s.close_seq, s.state, "
	    "s.reason, s.agent_id, s.team_id, s.closed_at, s.created_at, s.send_at, s.sent_at, "
	    "s.expires_at, a.survey IS NOT NULL, a.answered_at, a.score, a.flagged "
	    "FROM surveys s LEFT JOIN answers a ON a.survey = s.id "
	    "WHERE s.ticket_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR s.source = ?2) "
	    "ORDER BY s.id", ticket, source);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct admin_survey s = {
			.id = sql_column_int64(st, 0),
			.public_id = sql_column_str(st, 1),
			.source = sql_column_str(st, 2),
			.close_seq = sql_column_int(st, 3),
			.state = sql_column_str(st, 4),
			.reason = sql_column_str(st, 5),
			.agent_id = sql_column_str(st, 6),
			.team_id = sql_column_str(st, 7),
			.closed_at = sql_column_int64(st, 8),
			.created_at = sql_column_int64(st, 9),
			.send_at = sql_column_int64(st, 10),
			.sent_at = sql_column_int64(st, 11),
			.expires_at = sql_column_int64(st, 12),
			.answered = sql_column_int(st, 13),
			.answered_at = sql_column_int64(st, 14),
			.score = sql_column_int(st, 15),
			.flagged = sql_column_int(st, 16),
		};

		if (fn(&s, arg) != 0)
			break;
	}
	return each_end(st, rc);
}

int
store_survey_mail_each(struct store *db, long long survey,
    int (*fn)(const struct admin_mail *, void *), void *arg)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_prepare(db, "SELECT id, kind, state, attempts, last_error FROM outbox "
	    "WHERE survey = ? ORDER BY id")) == NULL)
		return STORE_ERROR;
	sql_bind_int64(st, 1, survey);
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct admin_mail m = {
			.id = sql_column_int64(st, 0),
			.kind = sql_column_str(st, 1),
			.state = sql_column_str(st, 2),
			.attempts = sql_column_int(st, 3),
			.last_error = sql_column_str(st, 4),
		};

		if (fn(&m, arg) != 0)
			break;
	}
	return each_end(st, rc);
}
