/* report.c - owns the NPS figures (nps and its 95% margin of error over
 * survey_state.h's bands, low_sample, response rate, the self-score gap)
 * and the report: the rows store_report_rows gives, grouped by agent,
 * team or category, bucketed by week or month and ordered here, so that
 * every backend gives the same numbers. */
#include "autoconfig.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "report.h"
#include "store_report.h"
#include "survey_state.h"

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
		switch (nps_band(s)) {
		case NPS_PROMOTER: f->promoters += g->distribution[s]; break;
		case NPS_PASSIVE: f->passives += g->distribution[s]; break;
		case NPS_DETRACTOR: f->detractors += g->distribution[s]; break;
		}
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

/* Counts the rows store_report_rows gives into the groups, each row in
 * the bucket its time falls in. */
struct counting {
	const struct buckets	*b;
	struct agg		*a;
	enum store_report_kind	 kind;
	int			 rc;	/* -1 out of memory, -2 too many groups */
};

static int
count_row(void *arg, const struct store_report_row *row)
{
	struct counting *c = arg;
	struct report_group *rows = agg_rows(c->a, row->key), *g;

	if (rows == NULL) {
		c->rc = c->a->used * c->a->nbuckets >= NPSD_MAX_REPORT_GROUPS ? -2 : -1;
		return 1;
	}
	g = &rows[bucket_find(c->b, (time_t)row->at)];
	switch (c->kind) {
	case STORE_REPORT_SENT:
		g->sent++;
		return 0;
	case STORE_REPORT_CLOSED:
		g->closed++;
		return 0;
	case STORE_REPORT_ANSWERS:
		break;
	}
	if (row->score < 0 || row->score > 10)
		return 0;
	if (row->flagged) {
		g->flagged++;
		return 0;
	}
	g->distribution[row->score]++;
	if (row->has_self) {
		g->self_n++;
		g->self_sum += row->self_score;
		g->customer_sum += row->score;
	}
	return 0;
}

static int
slot_cmp(const void *a, const void *b)
{
	const struct agg_slot *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* Keys in byte order (strcmp, the same on every backend), each with
 * every bucket of the period, the empty ones included, so a series shows
 * its gaps. Labels: agents' and teams' names as last seen, else the key;
 * categories are their own names. */
static int
agg_to_report(struct store *db, const struct report_query *q, struct agg *a,
    const struct buckets *b, struct report *r)
{
	const char **keys = NULL;
	char **names = NULL;
	size_t n = 0;
	char bucket[16];
	int rc = -1;

	for (size_t i = 0; i < a->cap; i++)
		if (a->slots[i].key != NULL)
			a->slots[n++] = a->slots[i];
	for (size_t i = n; i < a->cap; i++)
		a->slots[i].key = NULL;
	if (n == 0)
		return 0;
	if (n > 1)
		qsort(a->slots, n, sizeof *a->slots, slot_cmp);
	if ((keys = calloc(n, sizeof *keys)) == NULL || (names = calloc(n, sizeof *names)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		keys[i] = a->slots[i].key;
	if (store_report_names(db, q->by, keys, n, names) != STORE_OK)
		goto out;
	if ((r->groups = calloc(n * b->n, sizeof *r->groups)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *label = names[i] != NULL ? names[i] :
		    q->by == REPORT_BY_NONE ? "All" : keys[i];

		for (size_t k = 0; k < b->n; k++) {
			struct report_group *g = &r->groups[r->ngroups];

			*g = a->slots[i].rows[k];
			report_bucket_of(q->interval, b->start[k], bucket, sizeof bucket);
			g->key = strdup(a->slots[i].key);
			g->bucket = strdup(bucket);
			g->label = strdup(label);
			r->ngroups++;
			if (g->key == NULL || g->bucket == NULL || g->label == NULL)
				goto out;
		}
	}
	rc = 0;
out:
	if (names != NULL)
		for (size_t i = 0; i < n; i++)
			free(names[i]);
	free(names);
	free(keys);
	return rc;
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
report_run(struct store *db, const struct report_query *q, struct report *r)
{
	static const enum store_report_kind kinds[] = { STORE_REPORT_ANSWERS, STORE_REPORT_SENT,
		STORE_REPORT_CLOSED };
	struct buckets b;
	struct counting c;
	struct agg a;
	int rc;

	memset(r, 0, sizeof *r);
	if (q->nteams > NPSD_MAX_REPORT_TEAMS || q->since >= q->until)
		return -2;
	if ((rc = buckets_make(q, &b)) != 0)
		return rc;
	memset(&a, 0, sizeof a);
	a.nbuckets = b.n;
	/* responses by answer time, surveys by the time they were mailed,
	 * and, by category, tickets by the time they closed */
	for (size_t i = 0; i < (report_has_closed(q) ? 3 : 2); i++) {
		c = (struct counting){ &b, &a, kinds[i], 0 };
		if (store_report_rows(db, q, kinds[i], count_row, &c) != STORE_OK) {
			rc = -1;
			goto out;
		}
		if ((rc = c.rc) != 0)
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
