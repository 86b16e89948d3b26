/* store_transition.c - writes a survey's state: one UPDATE assembled from
 * the state machine's table (survey_state.c), so no other statement of the
 * program names a survey state it sets. */
#include "autoconfig.h"

#include <stdio.h>

#include "log.h"
#include "store_sql.h"
#include "store_transition.h"

int
store_bind_args(struct store_stmt *st, const struct store_arg *args, int nargs)
{
	for (int i = 0; i < nargs; i++) {
		int rc;

		switch (args[i].kind) {
		case STORE_ARG_INT:
			rc = sql_bind_int64(st, i + 1, args[i].i);
			break;
		case STORE_ARG_TEXT:
			rc = sql_bind_text(st, i + 1, args[i].s, -1);
			break;
		default:
			rc = sql_bind_null(st, i + 1);
			break;
		}
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
store_survey_transition(struct store *db, enum survey_event ev, const char *set,
    const char *where, const struct store_arg *args, int nargs, long long *moved,
    long long *first_id)
{
	struct store_stmt *st;
	char sql[2048];
	long long n = 0, first = 0;
	int len, rc;

	len = snprintf(sql, sizeof sql, "UPDATE surveys SET state = '%s'%s%s WHERE %s AND (%s)%s",
	    survey_state_name(survey_state_target(ev)), set != NULL ? ", " : "",
	    set != NULL ? set : "", survey_state_from_sql(ev), where,
	    first_id != NULL ? " RETURNING id" : "");
	if (len < 0 || (size_t)len >= sizeof sql) {
		log_warnx("store: a survey transition's statement is too long");
		return STORE_ERROR;
	}
	if ((st = sql_cached(db, sql)) == NULL)
		return STORE_ERROR;
	if ((rc = store_bind_args(st, args, nargs)) != STORE_OK) {
		sql_done(st);
		return rc;
	}
	while ((rc = sql_step(st)) == STORE_ROW) {
		if (n++ == 0)
			first = sql_column_int64(st, 0);
	}
	if (rc == STORE_DONE && first_id == NULL)
		n = sql_changes(db);
	sql_done(st);
	if (rc != STORE_DONE)
		return rc;
	if (moved != NULL)
		*moved = n;
	if (first_id != NULL)
		*first_id = first;
	return STORE_OK;
}
