/* report.c - owns the NPS definitions (promoters 9-10, detractors 0-6,
 * nps and its 95% margin of error, low_sample, response rate, the
 * self-score gap) and the query that groups answers by agent, team or
 * category and by week or month. */
#include "autoconfig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "report.h"

double
report_round1(double v)
{
	double r = round(v * 10.0) / 10.0;

	return r == 0.0 ? 0.0 : r;	/* no "-0.0" */
}

void
report_figures(const struct report_group *g, struct report_figures *f)
{
	double n, p, d;

	memset(f, 0, sizeof *f);
	for (int s = 0; s <= 10; s++) {
		f->responses += g->distribution[s];
		if (s >= 9)
			f->promoters += g->distribution[s];
		else if (s >= 7)
			f->passives += g->distribution[s];
		else
			f->detractors += g->distribution[s];
	}
	f->low_sample = f->responses < 10;
	if (f->responses > 0) {
		n = (double)f->responses;
		p = (double)f->promoters / n;
		d = (double)f->detractors / n;
		f->has_nps = 1;
		f->nps = report_round1(100.0 * (p - d));
		f->moe = report_round1(196.0 * sqrt(fmax(0.0, (p + d) - (p - d) * (p - d)) / n));
	}
	if (g->sent > 0) {
		f->has_rate = 1;
		f->response_rate = round((double)f->responses / (double)g->sent * 1000.0) / 1000.0;
	}
	if (g->self_n > 0) {
		f->has_self = 1;
		f->self_avg = report_round1((double)g->self_sum / (double)g->self_n);
		f->customer_avg = report_round1((double)g->customer_sum / (double)g->self_n);
		f->gap = report_round1((double)(g->self_sum - g->customer_sum) / (double)g->self_n);
	}
}

const char *
report_by_name(enum report_by by)
{
	switch (by) {
	case REPORT_BY_AGENT: return "agent";
	case REPORT_BY_TEAM: return "team";
	case REPORT_BY_CATEGORY: return "category";
	case REPORT_BY_NONE: break;
	}
	return "none";
}

static const char *
key_expr(enum report_by by)
{
	switch (by) {
	case REPORT_BY_AGENT: return "s.agent_id";
	case REPORT_BY_TEAM: return "s.team_id";
	case REPORT_BY_CATEGORY: return "s.category";
	case REPORT_BY_NONE: break;
	}
	return "'all'";
}

static const char *
label_expr(enum report_by by)
{
	switch (by) {
	case REPORT_BY_AGENT: return "max(coalesce(nullif(s.agent_name, ''), s.agent_id))";
	case REPORT_BY_TEAM: return "max(coalesce(nullif(s.team_name, ''), s.team_id))";
	case REPORT_BY_CATEGORY: return "max(s.category)";
	case REPORT_BY_NONE: break;
	}
	return "'All'";
}

/* ISO 8601 week: the week's Thursday decides the year. */
static void
bucket_expr(enum report_interval iv, const char *ts, char *out, size_t outlen)
{
	if (iv == REPORT_INTERVAL_MONTH)
		snprintf(out, outlen, "strftime('%%Y-%%m', %s, 'unixepoch')", ts);
	else if (iv == REPORT_INTERVAL_WEEK)
		snprintf(out, outlen, "(strftime('%%Y', %s, 'unixepoch', '-3 days', 'weekday 4') || "
		    "'-W' || printf('%%02d', (strftime('%%j', %s, 'unixepoch', '-3 days', "
		    "'weekday 4') - 1) / 7 + 1))", ts, ts);
	else
		snprintf(out, outlen, "''");
}

static struct report_group *
find_group(struct report *r, const char *key, const char *bucket, const char *label)
{
	struct report_group *g;

	for (size_t i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].key, key) == 0 && strcmp(r->groups[i].bucket, bucket) == 0)
			return &r->groups[i];
	g = realloc(r->groups, (r->ngroups + 1) * sizeof *r->groups);
	if (g == NULL)
		return NULL;
	r->groups = g;
	g = &r->groups[r->ngroups];
	memset(g, 0, sizeof *g);
	g->key = strdup(key);
	g->bucket = strdup(bucket);
	g->label = strdup(label);
	if (g->key == NULL || g->bucket == NULL || g->label == NULL) {
		free(g->key);
		free(g->bucket);
		free(g->label);
		return NULL;
	}
	r->ngroups++;
	return g;
}

static const char *
text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

static void
bind_filters(sqlite3_stmt *st, const struct report_query *q)
{
	sqlite3_bind_int64(st, 1, q->since);
	sqlite3_bind_int64(st, 2, q->until);
	if (q->team != NULL)
		sqlite3_bind_text(st, 3, q->team, -1, SQLITE_STATIC);
	if (q->agent != NULL)
		sqlite3_bind_text(st, 4, q->agent, -1, SQLITE_STATIC);
	if (q->category != NULL)
		sqlite3_bind_text(st, 5, q->category, -1, SQLITE_STATIC);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct report_group *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->bucket, y->bucket);
}

int
report_run(sqlite3 *db, const struct report_query *q, struct report *r)
{
	char sql[4096], bucket[512], filters[160];
	sqlite3_stmt *st;
	int rc;

	memset(r, 0, sizeof *r);
	snprintf(filters, sizeof filters, "%s%s%s",
	    q->team ? " AND s.team_id = ?3" : "", q->agent ? " AND s.agent_id = ?4" : "",
	    q->category ? " AND s.category = ?5" : "");

	/* responses by answer time */
	bucket_expr(q->interval, "a.answered_at", bucket, sizeof bucket);
	snprintf(sql, sizeof sql, "SELECT %s, %s, %s, a.score, a.flagged, s.self_score, count(*) "
	    "FROM answers a JOIN surveys s ON s.id = a.survey "
	    "WHERE a.answered_at >= ?1 AND a.answered_at < ?2%s "
	    "GROUP BY 1, 3, 4, 5, 6", key_expr(q->by), label_expr(q->by), bucket, filters);
	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	bind_filters(st, q);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_group *g = find_group(r, text(st, 0), text(st, 2), text(st, 1));
		int score = sqlite3_column_int(st, 3), flagged = sqlite3_column_int(st, 4);
		long long n = sqlite3_column_int64(st, 6);

		if (g == NULL || score < 0 || score > 10)
			break;
		if (flagged) {
			g->flagged += n;
			continue;
		}
		g->distribution[score] += n;
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			g->self_n += n;
			g->self_sum += n * sqlite3_column_int(st, 5);
			g->customer_sum += n * score;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;

	/* surveys mailed, by send time */
	bucket_expr(q->interval, "s.sent_at", bucket, sizeof bucket);
	snprintf(sql, sizeof sql, "SELECT %s, %s, %s, count(*) FROM surveys s "
	    "WHERE s.sent_at >= ?1 AND s.sent_at < ?2%s GROUP BY 1, 3",
	    key_expr(q->by), label_expr(q->by), bucket, filters);
	if ((st = db_prepare(db, sql)) == NULL)
		goto fail;
	bind_filters(st, q);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_group *g = find_group(r, text(st, 0), text(st, 2), text(st, 1));
		if (g == NULL)
			break;
		g->sent += sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof *r->groups, group_cmp);
	return 0;
fail:
	report_free(r);
	return -1;
}

void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		free(r->groups[i].key);
		free(r->groups[i].label);
		free(r->groups[i].bucket);
	}
	free(r->groups);
	r->groups = NULL;
	r->ngroups = 0;
}
