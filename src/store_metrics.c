/* store_metrics.c - the counts of /metrics (store_metrics.h). */
#include "autoconfig.h"

#include "store_metrics.h"
#include "store_sql.h"
#include "survey_state.h"

/* Rows of (label values..., count) to fn; nlabels is 0, 1 or 2. */
static int
each_count(struct store *db, const char *sql, const char *param, int nlabels,
    store_count_fn *fn, void *arg)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_prepare(db, sql)) == NULL)
		return STORE_ERROR;
	if (param != NULL)
		sql_bind_text(st, 1, param, -1);
	while ((rc = sql_step(st)) == STORE_ROW) {
		struct store_count c = { { NULL, NULL }, 0 };

		for (int i = 0; i < nlabels; i++)
			c.label[i] = sql_column_str(st, i);
		c.value = sql_column_int64(st, nlabels);
		fn(arg, &c);
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

static void
keep_value(void *arg, const struct store_count *c)
{
	*(long long *)arg = c->value;
}

int
store_delivery_counts(struct store *db, store_count_fn *fn, void *arg)
{
	return each_count(db, "SELECT source, outcome, count(*) FROM deliveries "
	    "GROUP BY source, outcome ORDER BY source, outcome", NULL, 2, fn, arg);
}

int
store_survey_counts(struct store *db, store_count_fn *fn, void *arg)
{
	return each_count(db, "SELECT state, count(*) FROM surveys GROUP BY state ORDER BY state",
	    NULL, 1, fn, arg);
}

int
store_survey_due_count(struct store *db, long long *n)
{
	*n = 0;
	return each_count(db, "SELECT count(*) FROM surveys WHERE state = ? AND queued = 0",
	    survey_state_name(SURVEY_SCHEDULED), 0, keep_value, n);
}

int
store_address_lookup_count(struct store *db, long long *n)
{
	*n = 0;
	return each_count(db, "SELECT count(*) FROM address_lookups", NULL, 0, keep_value, n);
}

int
store_outbox_counts(struct store *db, store_count_fn *fn, void *arg)
{
	return each_count(db, "SELECT kind, state, count(*) FROM outbox GROUP BY kind, state "
	    "ORDER BY kind, state", NULL, 2, fn, arg);
}

int
store_mail_attempt_counts(struct store *db, store_count_fn *fn, void *arg)
{
	return each_count(db, "SELECT outcome, count FROM mail_attempt_counts ORDER BY outcome",
	    NULL, 1, fn, arg);
}
