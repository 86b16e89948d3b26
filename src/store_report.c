/* store_report.c - the queries of reports and of answers one by one, and
 * the operator's changes to an answer. Parameters are numbered in the
 * order they appear, so that a filter left out leaves no gap. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store_report.h"
#include "store_sql.h"

/* The column a row is grouped by; answers, surveys and closings name
 * them alike. */
static const char *
key_col(enum report_by by)
{
	switch (by) {
	case REPORT_BY_AGENT: return "agent_id";
	case REPORT_BY_TEAM: return "team_id";
	case REPORT_BY_CATEGORY: return "category";
	case REPORT_BY_NONE: break;
	}
	return "'all'";
}

/* " AND agent_id = ? AND category = ? AND team_id IN (?, ?)" for the
 * filters q has, each column after prefix; -1 when it does not fit. */
static int
filters_sql(const struct report_query *q, const char *prefix, char *out, size_t outlen)
{
	size_t len = 0;
	int n = 0;

	out[0] = '\0';
	if (q->agent != NULL)
		n = snprintf(out + len, outlen - len, " AND %sagent_id = ?", prefix);
	if (n < 0 || (size_t)n >= outlen - len)
		return -1;
	len += (size_t)n;
	n = 0;
	if (q->category != NULL)
		n = snprintf(out + len, outlen - len, " AND %scategory = ?", prefix);
	if (n < 0 || (size_t)n >= outlen - len)
		return -1;
	len += (size_t)n;
	for (size_t i = 0; i < q->nteams; i++) {
		if (i == 0)
			n = snprintf(out + len, outlen - len, " AND %steam_id IN (?", prefix);
		else
			n = snprintf(out + len, outlen - len, ", ?");
		if (n < 0 || (size_t)n >= outlen - len)
			return -1;
		len += (size_t)n;
	}
	if (q->nteams > 0) {
		if (len + 2 > outlen)
			return -1;
		out[len++] = ')';
		out[len] = '\0';
	}
	return 0;
}

/* Binds since, until and the filters from parameter 1 on; the next free
 * parameter. */
static int
bind_filters(struct store_stmt *st, const struct report_query *q)
{
	int i = 1;

	sql_bind_int64(st, i++, (long long)q->since);
	sql_bind_int64(st, i++, (long long)q->until);
	if (q->agent != NULL)
		sql_bind_text(st, i++, q->agent, -1);
	if (q->category != NULL)
		sql_bind_text(st, i++, q->category, -1);
	for (size_t t = 0; t < q->nteams; t++)
		sql_bind_text(st, i++, q->teams[t], -1);
	return i;
}

int
store_report_rows(struct store *db, const struct report_query *q, enum store_report_kind kind,
    int (*cb)(void *, const struct store_report_row *), void *arg)
{
	static const char *const tables[][3] = {
		[STORE_REPORT_ANSWERS] = { "answers", "answered_at",
		    ", score, flagged, self_score" },
		[STORE_REPORT_SENT] = { "surveys", "sent_at", "" },
		[STORE_REPORT_CLOSED] = { "closings", "closed_at", "" },
	};
	char sql[2048], filters[1024];
	struct store_stmt *st;
	int rc;

	if (q->nteams > NPSD_MAX_REPORT_TEAMS ||
	    filters_sql(q, "", filters, sizeof filters) == -1)
		return STORE_ERROR;
	/* no GROUP BY: the rows come out of an index on the time and are
	 * counted by the caller, into buckets it computes */
	snprintf(sql, sizeof sql, "SELECT %s, %s%s FROM %s WHERE %s >= ? AND %s < ?%s",
	    key_col(q->by), tables[kind][1], tables[kind][2], tables[kind][0], tables[kind][1],
	    tables[kind][1], filters);
	if ((st = sql_prepare(db, sql)) == NULL)
		return STORE_ERROR;
	bind_filters(st, q);
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct store_report_row r = { sql_column_str(st, 0), sql_column_int64(st, 1),
			0, 0, 0, 0 };

		if (kind == STORE_REPORT_ANSWERS) {
			r.score = sql_column_int(st, 2);
			r.flagged = sql_column_int(st, 3) != 0;
			r.has_self = !sql_column_is_null(st, 4);
			r.self_score = sql_column_int(st, 4);
		}
		if (cb(arg, &r) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_report_names(struct store *db, enum report_by by, const char *const *ids, size_t n,
    char **names)
{
	struct store_stmt *st;
	int rc = STORE_OK;

	for (size_t i = 0; i < n; i++)
		names[i] = NULL;
	if (by != REPORT_BY_AGENT && by != REPORT_BY_TEAM)
		return STORE_OK;
	st = sql_prepare(db, by == REPORT_BY_AGENT ?
	    "SELECT nullif(name, '') FROM agents WHERE id = ?" :
	    "SELECT nullif(name, '') FROM teams WHERE id = ?");
	if (st == NULL)
		return STORE_ERROR;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		sql_reset(st);
		sql_bind_text(st, 1, ids[i], -1);
		if ((rc = sql_step(st)) == STORE_ROW) {
			if (!sql_column_is_null(st, 0) &&
			    (names[i] = strdup(sql_column_text(st, 0))) == NULL)
				rc = STORE_ERROR;
			else
				rc = STORE_OK;
		} else if (rc == STORE_DONE) {
			rc = STORE_OK;
		}
	}
	sql_finalize(st);
	if (rc != STORE_OK)
		for (size_t i = 0; i < n; i++) {
			free(names[i]);
			names[i] = NULL;
		}
	return rc;
}

int
store_response_each(struct store *db, const struct report_query *q, int comments_only,
    const struct responses_cursor *after, int limit,
    int (*cb)(void *, const struct response *), void *arg)
{
	char sql[3072], filters[1024];
	struct store_stmt *st;
	int i, rc;

	if (q->nteams > NPSD_MAX_REPORT_TEAMS ||
	    filters_sql(q, "a.", filters, sizeof filters) == -1)
		return STORE_ERROR;
	/* (answered_at, survey) orders every row: a page never repeats or
	 * skips one while answers arrive */
	snprintf(sql, sizeof sql, "SELECT a.answered_at, a.updated_at, s.public_id, s.source, "
	    "s.ticket_id, s.subject, a.agent_id, a.team_id, a.category, a.score, a.flagged, "
	    "a.comment, coalesce(s.requester_email, ''), coalesce(s.requester_name, ''), "
	    "a.survey, s.closed_at, coalesce(a.flag_rule, '') "
	    "FROM answers a JOIN surveys s ON s.id = a.survey "
	    "WHERE a.answered_at >= ? AND a.answered_at < ?%s%s%s "
	    "ORDER BY a.answered_at DESC, a.survey DESC LIMIT ?", filters,
	    comments_only ? " AND a.comment IS NOT NULL AND a.comment <> ''" : "",
	    after->at > 0 ? " AND (a.answered_at, a.survey) < (?, ?)" : "");
	if ((st = sql_prepare(db, sql)) == NULL)
		return STORE_ERROR;
	i = bind_filters(st, q);
	if (after->at > 0) {
		sql_bind_int64(st, i++, after->at);
		sql_bind_int64(st, i++, after->id);
	}
	sql_bind_int64(st, i, limit);
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct response r;

		r.answered_at = sql_column_int64(st, 0);
		r.updated_at = sql_column_int64(st, 1);
		r.survey = sql_column_str(st, 2);
		r.source = sql_column_str(st, 3);
		r.ticket_id = sql_column_str(st, 4);
		r.subject = sql_column_str(st, 5);
		r.agent_id = sql_column_str(st, 6);
		r.team_id = sql_column_str(st, 7);
		r.category = sql_column_str(st, 8);
		r.score = sql_column_int(st, 9);
		r.flagged = sql_column_int(st, 10) != 0;
		r.comment = sql_column_is_null(st, 11) ? NULL : sql_column_str(st, 11);
		r.requester_email = sql_column_str(st, 12);
		r.requester_name = sql_column_str(st, 13);
		r.closed_at = sql_column_int64(st, 15);
		r.flag_rule = sql_column_str(st, 16);
		r.id = sql_column_int64(st, 14);
		if (cb(arg, &r) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int
store_response_unflag(struct store *db, const char *survey, long long *id)
{
	struct store_stmt *st;
	int rc;

	*id = 0;
	st = sql_prepare(db, "UPDATE answers SET flagged = 0, flag_rule = 'unflagged' "
	    "WHERE flagged = 1 AND survey = (SELECT id FROM surveys WHERE public_id = ?) "
	    "RETURNING survey");
	if (st == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, survey, -1);
	if ((rc = sql_step(st)) == STORE_ROW) {
		*id = sql_column_int64(st, 0);
		rc = sql_step(st);
	}
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	return *id != 0 ? STORE_OK : STORE_NOTFOUND;
}
