/* report.c - owns the NPS definitions (promoters 9-10, detractors 0-6,
 * nps and its 95% margin of error, low_sample, response rate, the
 * self-score gap) and the query that groups answers by agent, team or
 * category and by week or month. */
#include "autoconfig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "limits.h"
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

/* The column a table row is grouped by; every table read here (answers,
 * surveys, closings) names them alike. */
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

void
report_bucket_of(enum report_interval iv, time_t t, char *out, size_t outlen)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (iv == REPORT_INTERVAL_MONTH)
		strftime(out, outlen, "%Y-%m", &tm);
	else if (iv == REPORT_INTERVAL_WEEK)
		strftime(out, outlen, "%G-W%V", &tm);
	else if (outlen > 0)
		out[0] = '\0';
}

/* Rows are appended as read and merged once sorted. */
static struct report_group *
add_group(struct report *r, size_t *cap, const char *key, const char *bucket)
{
	struct report_group *g;

	if (r->ngroups >= NPSD_MAX_REPORT_GROUPS * 2)
		return NULL;
	if (r->ngroups == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		if ((g = realloc(r->groups, ncap * sizeof *g)) == NULL)
			return NULL;
		r->groups = g;
		*cap = ncap;
	}
	g = &r->groups[r->ngroups];
	memset(g, 0, sizeof *g);
	g->key = strdup(key);
	g->bucket = strdup(bucket);
	if (g->key == NULL || g->bucket == NULL) {
		free(g->key);
		free(g->bucket);
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
filters_sql(const struct report_query *q, char *out, size_t outlen)
{
	size_t len;

	snprintf(out, outlen, "%s%s", q->agent ? " AND agent_id = ?3" : "",
	    q->category ? " AND category = ?4" : "");
	if (q->nteams == 0)
		return;
	len = strlen(out);
	snprintf(out + len, outlen - len, " AND team_id IN (");
	for (size_t i = 0; i < q->nteams; i++) {
		len = strlen(out);
		snprintf(out + len, outlen - len, "%s?%zu", i ? ", " : "", i + 10);
	}
	len = strlen(out);
	snprintf(out + len, outlen - len, ")");
}

static void
bind_filters(sqlite3_stmt *st, const struct report_query *q)
{
	sqlite3_bind_int64(st, 1, q->since);
	sqlite3_bind_int64(st, 2, q->until);
	if (q->agent != NULL)
		sqlite3_bind_text(st, 3, q->agent, -1, SQLITE_STATIC);
	if (q->category != NULL)
		sqlite3_bind_text(st, 4, q->category, -1, SQLITE_STATIC);
	for (size_t i = 0; i < q->nteams; i++)
		sqlite3_bind_text(st, (int)(i + 10), q->teams[i], -1, SQLITE_STATIC);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct report_group *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->bucket, y->bucket);
}

static void
group_free(struct report_group *g)
{
	free(g->key);
	free(g->label);
	free(g->bucket);
}

static void
group_add_into(struct report_group *to, const struct report_group *from)
{
	to->closed += from->closed;
	to->sent += from->sent;
	to->flagged += from->flagged;
	for (int s = 0; s <= 10; s++)
		to->distribution[s] += from->distribution[s];
	to->self_n += from->self_n;
	to->self_sum += from->self_sum;
	to->customer_sum += from->customer_sum;
}

/* Sorts by key and bucket and merges rows of the same pair. */
static void
merge_groups(struct report *r)
{
	size_t out = 0;

	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof *r->groups, group_cmp);
	for (size_t i = 0; i < r->ngroups; i++) {
		if (out > 0 && group_cmp(&r->groups[out - 1], &r->groups[i]) == 0) {
			group_add_into(&r->groups[out - 1], &r->groups[i]);
			group_free(&r->groups[i]);
			continue;
		}
		r->groups[out++] = r->groups[i];
	}
	r->ngroups = out;
}

/* Every bucket the period touches, in order. */
static int
period_buckets(const struct report_query *q, char (**out)[12], size_t *n)
{
	char (*b)[12] = NULL, cur[12];
	size_t nb = 0;

	for (time_t t = q->since; t < q->until; t += 86400) {
		report_bucket_of(q->interval, t, cur, sizeof cur);
		if (nb > 0 && strcmp(b[nb - 1], cur) == 0)
			continue;
		if (nb == NPSD_MAX_BUCKETS) {
			free(b);
			return -2;
		}
		if (nb % 64 == 0) {
			char (*nbuf)[12] = realloc(b, (nb + 64) * sizeof *b);
			if (nbuf == NULL) {
				free(b);
				return -1;
			}
			b = nbuf;
		}
		memcpy(b[nb++], cur, sizeof cur);
	}
	/* the last day may start a bucket the daily steps skipped over */
	report_bucket_of(q->interval, q->until - 1, cur, sizeof cur);
	if (nb == 0 || strcmp(b[nb - 1], cur) != 0) {
		char (*nbuf)[12] = realloc(b, (nb + 1) * sizeof *b);
		if (nbuf == NULL) {
			free(b);
			return -1;
		}
		b = nbuf;
		memcpy(b[nb++], cur, sizeof cur);
	}
	*out = b;
	*n = nb;
	return 0;
}

/* One row per group per bucket: the buckets a group had nothing in are
 * added, empty, so a series shows its gaps. */
static int
fill_buckets(const struct report_query *q, struct report *r, size_t *cap)
{
	char (*b)[12];
	size_t nb, n = r->ngroups;
	int rc;

	if ((rc = period_buckets(q, &b, &nb)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(r->groups[i - 1].key, r->groups[i].key) == 0)
			continue;
		for (size_t k = 0; k < nb; k++) {
			const char *key = r->groups[i].key;
			size_t j;

			for (j = i; j < n && strcmp(r->groups[j].key, key) == 0; j++)
				if (strcmp(r->groups[j].bucket, b[k]) == 0)
					break;
			if (j < n && strcmp(r->groups[j].key, key) == 0)
				continue;
			if (r->ngroups >= NPSD_MAX_REPORT_GROUPS) {
				free(b);
				return -2;
			}
			if (add_group(r, cap, key, b[k]) == NULL) {
				free(b);
				return -1;
			}
		}
	}
	free(b);
	merge_groups(r);
	return 0;
}

/* Runs one grouped count; col 0 key, col 1 bucket, then what add() reads. */
static int
read_rows(sqlite3 *db, const char *sql, const struct report_query *q, struct report *r,
    size_t *cap, void (*add)(struct report_group *, sqlite3_stmt *))
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	bind_filters(st, q);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_group *g = add_group(r, cap, text(st, 0), text(st, 1));
		if (g == NULL)
			break;
		add(g, st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
add_answers(struct report_group *g, sqlite3_stmt *st)
{
	int score = sqlite3_column_int(st, 2), flagged = sqlite3_column_int(st, 3);
	long long n = sqlite3_column_int64(st, 5);

	if (score < 0 || score > 10)
		return;
	if (flagged) {
		g->flagged += n;
		return;
	}
	g->distribution[score] += n;
	if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		g->self_n += n;
		g->self_sum += n * sqlite3_column_int(st, 4);
		g->customer_sum += n * score;
	}
}

static void
add_sent(struct report_group *g, sqlite3_stmt *st)
{
	g->sent += sqlite3_column_int64(st, 2);
}

static void
add_closed(struct report_group *g, sqlite3_stmt *st)
{
	g->closed += sqlite3_column_int64(st, 2);
}

/* Labels: agents' and teams' names as last seen; categories are their
 * own names. */
static int
label_groups(sqlite3 *db, enum report_by by, struct report *r)
{
	sqlite3_stmt *st = NULL;

	if (by == REPORT_BY_AGENT)
		st = db_prepare(db, "SELECT nullif(name, '') FROM agents WHERE id = ?");
	else if (by == REPORT_BY_TEAM)
		st = db_prepare(db, "SELECT nullif(name, '') FROM teams WHERE id = ?");
	if ((by == REPORT_BY_AGENT || by == REPORT_BY_TEAM) && st == NULL)
		return -1;
	for (size_t i = 0; i < r->ngroups; i++) {
		struct report_group *g = &r->groups[i];
		const char *label = by == REPORT_BY_NONE ? "All" : g->key;

		if (i > 0 && strcmp(r->groups[i - 1].key, g->key) == 0) {
			g->label = strdup(r->groups[i - 1].label);
		} else {
			if (st != NULL) {
				sqlite3_reset(st);
				sqlite3_bind_text(st, 1, g->key, -1, SQLITE_STATIC);
				if (sqlite3_step(st) == SQLITE_ROW &&
				    sqlite3_column_type(st, 0) != SQLITE_NULL)
					label = text(st, 0);
			}
			g->label = strdup(label);
		}
		if (g->label == NULL) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int
report_split_list(char *s, const char **out, size_t max)
{
	size_t n = 0;
	char *item;

	while ((item = strsep(&s, ",")) != NULL) {
		if (*item == '\0' || n == max)
			return -1;
		out[n++] = item;
	}
	return (int)n;
}

int
report_run(sqlite3 *db, const struct report_query *q, struct report *r)
{
	char sql[4096], bucket[512], filters[1024];
	const char *key = key_col(q->by);
	size_t cap = 0;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (q->nteams > NPSD_MAX_REPORT_TEAMS)
		return -2;
	filters_sql(q, filters, sizeof filters);

	/* responses by answer time */
	bucket_expr(q->interval, "answered_at", bucket, sizeof bucket);
	snprintf(sql, sizeof sql, "SELECT %s, %s, score, flagged, self_score, count(*) "
	    "FROM answers WHERE answered_at >= ?1 AND answered_at < ?2%s "
	    "GROUP BY 1, 2, 3, 4, 5", key, bucket, filters);
	if (read_rows(db, sql, q, r, &cap, add_answers) == -1)
		goto fail;
	/* surveys mailed, by send time */
	bucket_expr(q->interval, "sent_at", bucket, sizeof bucket);
	snprintf(sql, sizeof sql, "SELECT %s, %s, count(*) FROM surveys "
	    "WHERE sent_at >= ?1 AND sent_at < ?2%s GROUP BY 1, 2", key, bucket, filters);
	if (read_rows(db, sql, q, r, &cap, add_sent) == -1)
		goto fail;
	/* tickets closed, by close time */
	bucket_expr(q->interval, "closed_at", bucket, sizeof bucket);
	snprintf(sql, sizeof sql, "SELECT %s, %s, count(*) FROM closings "
	    "WHERE closed_at >= ?1 AND closed_at < ?2%s GROUP BY 1, 2", key, bucket, filters);
	if (read_rows(db, sql, q, r, &cap, add_closed) == -1)
		goto fail;
	merge_groups(r);
	if (r->ngroups > NPSD_MAX_REPORT_GROUPS) {
		rc = -2;
		goto fail;
	}
	if (q->interval != REPORT_INTERVAL_NONE && (rc = fill_buckets(q, r, &cap)) != 0)
		goto fail;
	if (label_groups(db, q->by, r) == -1) {
		rc = -1;
		goto fail;
	}
	return 0;
fail:
	report_free(r);
	return rc;
}

void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->ngroups; i++)
		group_free(&r->groups[i]);
	free(r->groups);
	r->groups = NULL;
	r->ngroups = 0;
}
