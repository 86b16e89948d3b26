/* store_report.c - the queries of reports and of answers one by one, and
 * the operator's changes to an answer. */
#include "autoconfig.h"

#include "store_report.h"
#include "store_sql.h"

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
