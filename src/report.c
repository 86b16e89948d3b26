/* report.c - owns the NPS definitions (promoters 9-10, detractors 0-6,
 * nps and its 95% margin of error, low_sample, response rate, the
 * self-score gap) and the query that groups answers by agent, team or
 * category and by week or month. */
#include "autoconfig.h"

#include <math.h>
#include <stdint.h>
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

static const char *
text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

void
report_filters_sql(const struct report_query *q, const char *prefix, char *out, size_t outlen)
{
	size_t len;

	snprintf(out, outlen, "%s%s%s%s%s%s", q->agent ? " AND " : "", q->agent ? prefix : "",
	    q->agent ? "agent_id = ?3" : "", q->category ? " AND " : "",
	    q->category ? prefix : "", q->category ? "category = ?4" : "");
	if (q->nteams == 0)
		return;
	len = strlen(out);
	snprintf(out + len, outlen - len, " AND %steam_id IN (", prefix);
	for (size_t i = 0; i < q->nteams; i++) {
		len = strlen(out);
		snprintf(out + len, outlen - len, "%s?%zu", i ? ", " : "", i + 10);
	}
	len = strlen(out);
	snprintf(out + len, outlen - len, ")");
}

void
report_bind_filters(sqlite3_stmt *st, const struct report_query *q)
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

/* The buckets of a period: bucket i holds [start[i], start[i + 1]). Without
 * an interval there is one, unnamed. */
struct buckets {
	size_t	  n;
	time_t	 *start;	/* n + 1 entries */
};

static time_t
bucket_floor(enum report_interval iv, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (iv == REPORT_INTERVAL_MONTH)
		tm.tm_mday = 1;
	else
		tm.tm_mday -= (tm.tm_wday + 6) % 7;	/* back to Monday */
	return timegm(&tm);
}

static time_t
bucket_next(enum report_interval iv, time_t start)
{
	struct tm tm;

	gmtime_r(&start, &tm);
	if (iv == REPORT_INTERVAL_MONTH)
		tm.tm_mon++;
	else
		tm.tm_mday += 7;
	return timegm(&tm);
}

static int
buckets_make(const struct report_query *q, struct buckets *b)
{
	size_t cap = 16;
	time_t t;

	b->n = 0;
	if ((b->start = malloc(cap * sizeof *b->start)) == NULL)
		return -1;
	if (q->interval == REPORT_INTERVAL_NONE) {
		b->start[0] = q->since;
		b->start[1] = q->until;
		b->n = 1;
		return 0;
	}
	for (t = bucket_floor(q->interval, q->since); t < q->until;
	    t = bucket_next(q->interval, t)) {
		if (b->n == NPSD_MAX_BUCKETS) {
			free(b->start);
			return -2;
		}
		if (b->n + 2 > cap) {
			time_t *n = realloc(b->start, cap * 2 * sizeof *n);
			if (n == NULL) {
				free(b->start);
				return -1;
			}
			b->start = n;
			cap *= 2;
		}
		b->start[b->n++] = t;
	}
	b->start[b->n] = t;
	return 0;
}

static size_t
bucket_find(const struct buckets *b, time_t t)
{
	size_t lo = 0, hi = b->n;	/* start[lo] <= t < start[hi] */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->start[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Groups by key, each with one row per bucket, in an open-addressing
 * hash table: rows are aggregated as they stream out of an index. */
struct agg {
	struct agg_slot {
		char			*key;
		struct report_group	*rows;	/* one per bucket */
	} *slots;
	size_t	 cap, used, nbuckets;
};

static uint64_t
hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct report_group *
agg_rows(struct agg *a, const char *key)
{
	size_t i;

	if (a->used * 2 >= a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 64;
		struct agg_slot *ns = calloc(ncap, sizeof *ns);

		if (ns == NULL)
			return NULL;
		for (size_t j = 0; j < a->cap; j++) {
			if (a->slots[j].key == NULL)
				continue;
			for (i = hash_key(a->slots[j].key) & (ncap - 1); ns[i].key != NULL;
			    i = (i + 1) & (ncap - 1))
				;
			ns[i] = a->slots[j];
		}
		free(a->slots);
		a->slots = ns;
		a->cap = ncap;
	}
	for (i = hash_key(key) & (a->cap - 1); a->slots[i].key != NULL; i = (i + 1) & (a->cap - 1))
		if (strcmp(a->slots[i].key, key) == 0)
			return a->slots[i].rows;
	if ((a->used + 1) * a->nbuckets > NPSD_MAX_REPORT_GROUPS)
		return NULL;
	a->slots[i].key = strdup(key);
	a->slots[i].rows = calloc(a->nbuckets, sizeof *a->slots[i].rows);
	if (a->slots[i].key == NULL || a->slots[i].rows == NULL) {
		free(a->slots[i].key);
		free(a->slots[i].rows);
		a->slots[i].key = NULL;
		return NULL;
	}
	a->used++;
	return a->slots[i].rows;
}

static void
agg_free(struct agg *a)
{
	for (size_t i = 0; i < a->cap; i++) {
		if (a->slots[i].key == NULL)
			continue;
		free(a->slots[i].key);
		free(a->slots[i].rows);
	}
	free(a->slots);
}

enum row_kind { ROW_ANSWER, ROW_SENT, ROW_CLOSED };

/* Streams col 0 key, col 1 time (and for answers score, flagged,
 * self_score) into the groups. */
static int
read_rows(sqlite3 *db, const char *sql, const struct report_query *q,
    const struct buckets *b, struct agg *a, enum row_kind kind)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	report_bind_filters(st, q);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_group *rows = agg_rows(a, text(st, 0)), *g;
		int score, self;

		if (rows == NULL) {
			rc = a->used * a->nbuckets >= NPSD_MAX_REPORT_GROUPS ? -2 : -1;
			sqlite3_finalize(st);
			return rc;
		}
		g = &rows[bucket_find(b, (time_t)sqlite3_column_int64(st, 1))];
		if (kind == ROW_SENT) {
			g->sent++;
			continue;
		}
		if (kind == ROW_CLOSED) {
			g->closed++;
			continue;
		}
		score = sqlite3_column_int(st, 2);
		if (score < 0 || score > 10)
			continue;
		if (sqlite3_column_int(st, 3)) {
			g->flagged++;
			continue;
		}
		g->distribution[score]++;
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			self = sqlite3_column_int(st, 4);
			g->self_n++;
			g->self_sum += self;
			g->customer_sum += score;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
slot_cmp(const void *a, const void *b)
{
	const struct agg_slot *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* Labels: agents' and teams' names as last seen; categories are their
 * own names. */
static int
label_of(sqlite3_stmt *st, enum report_by by, const char *key, char **out)
{
	const char *label = by == REPORT_BY_NONE ? "All" : key;

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			label = text(st, 0);
	}
	*out = strdup(label);
	return *out == NULL ? -1 : 0;
}

/* Keys in order, each with every bucket of the period, the empty ones
 * included, so a series shows its gaps. */
static int
agg_to_report(sqlite3 *db, const struct report_query *q, struct agg *a,
    const struct buckets *b, struct report *r)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	char bucket[16];

	if (q->by == REPORT_BY_AGENT)
		st = db_prepare(db, "SELECT nullif(name, '') FROM agents WHERE id = ?");
	else if (q->by == REPORT_BY_TEAM)
		st = db_prepare(db, "SELECT nullif(name, '') FROM teams WHERE id = ?");
	if ((q->by == REPORT_BY_AGENT || q->by == REPORT_BY_TEAM) && st == NULL)
		return -1;
	for (size_t i = 0; i < a->cap; i++)
		if (a->slots[i].key != NULL)
			a->slots[n++] = a->slots[i];
	for (size_t i = n; i < a->cap; i++)
		a->slots[i].key = NULL;
	if (n > 1)
		qsort(a->slots, n, sizeof *a->slots, slot_cmp);
	if (n > 0 && (r->groups = calloc(n * b->n, sizeof *r->groups)) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		char *label;

		if (label_of(st, q->by, a->slots[i].key, &label) == -1)
			goto fail;
		for (size_t k = 0; k < b->n; k++) {
			struct report_group *g = &r->groups[r->ngroups];

			*g = a->slots[i].rows[k];
			report_bucket_of(q->interval, b->start[k], bucket, sizeof bucket);
			g->key = strdup(a->slots[i].key);
			g->bucket = strdup(bucket);
			g->label = k == 0 ? label : strdup(label);
			r->ngroups++;
			if (g->key == NULL || g->bucket == NULL || g->label == NULL)
				goto fail;
		}
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

int
report_has_closed(const struct report_query *q)
{
	return q->by == REPORT_BY_CATEGORY;
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
	static const char *const tables[][2] = {
		{ "answers", "answered_at, score, flagged, self_score" },
		{ "surveys", "sent_at" },
		{ "closings", "closed_at" },
	};
	static const enum row_kind kinds[] = { ROW_ANSWER, ROW_SENT, ROW_CLOSED };
	char sql[2048], filters[1024];
	struct buckets b;
	struct agg a;
	int rc;

	memset(r, 0, sizeof *r);
	if (q->nteams > NPSD_MAX_REPORT_TEAMS || q->since >= q->until)
		return -2;
	if ((rc = buckets_make(q, &b)) != 0)
		return rc;
	memset(&a, 0, sizeof a);
	a.nbuckets = b.n;
	report_filters_sql(q, "", filters, sizeof filters);
	/* responses by answer time, surveys by the time they were mailed,
	 * and, by category, tickets by the time they closed; no GROUP BY: the
	 * rows stream out of a covering index in order and are counted here */
	for (size_t i = 0; i < (report_has_closed(q) ? 3 : 2); i++) {
		const char *time_col = tables[i][1];
		size_t tlen = strcspn(time_col, ",");

		snprintf(sql, sizeof sql, "SELECT %s, %s FROM %s WHERE %.*s >= ?1 AND %.*s < ?2%s",
		    key_col(q->by), time_col, tables[i][0], (int)tlen, time_col, (int)tlen,
		    time_col, filters);
		if ((rc = read_rows(db, sql, q, &b, &a, kinds[i])) != 0)
			goto out;
	}
	if ((rc = agg_to_report(db, q, &a, &b, r)) != 0)
		report_free(r);
out:
	agg_free(&a);
	free(b.start);
	return rc;
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
