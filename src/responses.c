/* responses.c - lists answers newest first under the report filters,
 * one page at a time, continuing after (answered_at, survey) so that a
 * page never repeats or skips a row while answers arrive. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "event.h"
#include "responses.h"

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

int
responses_each(sqlite3 *db, const struct report_query *q, struct responses_page *page,
    int (*each)(void *, const struct response *), void *arg)
{
	char sql[2048], filters[1024];
	sqlite3_stmt *st;
	int n = 0, rc;

	page->more = 0;
	report_filters_sql(q, "a.", filters, sizeof filters);
	snprintf(sql, sizeof sql, "SELECT a.answered_at, a.updated_at, s.public_id, s.source, "
	    "s.ticket_id, s.subject, a.agent_id, a.team_id, a.category, a.score, a.flagged, "
	    "a.comment, s.requester_email, s.requester_name, a.survey, s.closed_at, "
	    "coalesce(a.flag_rule, '') "
	    "FROM answers a JOIN surveys s ON s.id = a.survey "
	    "WHERE a.answered_at >= ?1 AND a.answered_at < ?2%s%s%s "
	    "ORDER BY a.answered_at DESC, a.survey DESC LIMIT ?7", filters,
	    page->comments_only ? " AND a.comment IS NOT NULL AND a.comment <> ''" : "",
	    page->after.at > 0 ? " AND (a.answered_at, a.survey) < (?5, ?6)" : "");
	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	report_bind_filters(st, q);
	if (page->after.at > 0) {
		sqlite3_bind_int64(st, 5, page->after.at);
		sqlite3_bind_int64(st, 6, page->after.id);
	}
	sqlite3_bind_int(st, 7, page->limit + 1);	/* one more tells whether more follow */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct response r;

		if (n == page->limit) {
			page->more = 1;
			break;
		}
		r.answered_at = sqlite3_column_int64(st, 0);
		r.updated_at = sqlite3_column_int64(st, 1);
		r.survey = col(st, 2);
		r.source = col(st, 3);
		r.ticket_id = col(st, 4);
		r.subject = col(st, 5);
		r.agent_id = col(st, 6);
		r.team_id = col(st, 7);
		r.category = col(st, 8);
		r.score = sqlite3_column_int(st, 9);
		r.flagged = sqlite3_column_int(st, 10);
		r.comment = sqlite3_column_type(st, 11) == SQLITE_NULL ? NULL : col(st, 11);
		r.requester_email = col(st, 12);
		r.requester_name = col(st, 13);
		r.closed_at = sqlite3_column_int64(st, 15);
		r.flag_rule = col(st, 16);
		page->next.at = r.answered_at;
		page->next.id = sqlite3_column_int64(st, 14);
		if (each(arg, &r) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return -1;
	return n;
}

int
responses_each_all(sqlite3 *db, const struct report_query *q, struct responses_page *page,
    int (*each)(void *, const struct response *), void *arg)
{
	int total = 0, n;

	do {
		if ((n = responses_each(db, q, page, each, arg)) < 0)
			return -1;
		total += n;
		page->after = page->next;
	} while (page->more);
	return total;
}

static int
parse_positive(const char *s, size_t len, long long *out)
{
	long long v = 0;

	if (len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v <= 0)
		return -1;
	*out = v;
	return 0;
}

int
responses_cursor_parse(const char *s, struct responses_cursor *c)
{
	const char *dash = strchr(s, '-');

	if (dash == NULL || parse_positive(s, (size_t)(dash - s), &c->at) == -1 ||
	    parse_positive(dash + 1, strlen(dash + 1), &c->id) == -1)
		return -1;
	return 0;
}

void
responses_cursor_format(const struct responses_cursor *c, char *out, size_t outlen)
{
	snprintf(out, outlen, "%lld-%lld", c->at, c->id);
}

json_t *
responses_json(const struct response *r, int with_requester)
{
	char answered[32], updated[32], closed[32];
	json_t *o;

	event_format_time((time_t)r->answered_at, answered, sizeof answered);
	event_format_time((time_t)r->updated_at, updated, sizeof updated);
	event_format_time((time_t)r->closed_at, closed, sizeof closed);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:b, s:s, s:s, s:s, s:s}",
	    "survey", r->survey, "source", r->source, "ticket_id", r->ticket_id,
	    "subject", r->subject, "agent", r->agent_id, "team", r->team_id,
	    "category", r->category, "score", r->score,
	    "comment", r->comment ? json_string(r->comment) : json_null(),
	    "flagged", r->flagged, "flag_rule", r->flag_rule, "closed_at", closed,
	    "answered_at", answered, "updated_at", updated);
	if (o != NULL && with_requester) {
		json_object_set_new(o, "requester_email", json_string(r->requester_email));
		json_object_set_new(o, "requester_name", json_string(r->requester_name));
	}
	return o;
}
