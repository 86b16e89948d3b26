/* store_report.h - named operations behind the reports, the answers one
 * by one (npsctl answers/comments, GET /api/v1/responses, the dashboard)
 * and what an operator changes about an answer. */
#ifndef NPSD_STORE_REPORT_H
#define NPSD_STORE_REPORT_H

#include "store.h"

/* Counts the flagged answer of the survey with public id `survey` again
 * (flag rule "unflagged"); *id is the survey's id. STORE_OK, STORE_NOTFOUND
 * when it has no flagged answer, or an error code. */
int	store_response_unflag(struct store *, const char *survey, long long *id);

#endif
