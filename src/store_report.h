/* store_report.h - named operations behind the reports, the answers one
 * by one (npsctl answers/comments, GET /api/v1/responses, the dashboard)
 * and what an operator changes about an answer. The rows come out raw;
 * grouping, bucketing by week or month, ordering and the NPS arithmetic
 * are report.c's and responses.c's, the same on every backend. */
#ifndef NPSD_STORE_REPORT_H
#define NPSD_STORE_REPORT_H

#include <stddef.h>

#include "report.h"
#include "responses.h"
#include "store.h"

/* What a report counts, each by its own time: answers by answered_at,
 * surveys by sent_at (mailed), closed tickets by closed_at. */
enum store_report_kind {
	STORE_REPORT_ANSWERS,
	STORE_REPORT_SENT,
	STORE_REPORT_CLOSED
};

/* One row: the group key (agent id, team id or category by q->by; "all"
 * without grouping) and its time; for answers also the score, whether it
 * is flagged as automated and the agent's self score. Strings live until
 * the callback returns. */
struct store_report_row {
	const char	*key;
	long long	 at;
	int		 score, flagged;
	int		 has_self, self_score;
};

/* Calls cb for every row of kind in [q->since, q->until) under q's
 * filters (teams, agent, category), in no particular order. cb returns
 * non-zero to stop. STORE_OK or an error code. */
int	store_report_rows(struct store *, const struct report_query *q,
	    enum store_report_kind kind, int (*cb)(void *arg, const struct store_report_row *),
	    void *arg);

/* The names of n agents (by REPORT_BY_AGENT) or teams (REPORT_BY_TEAM) as
 * last seen: names[i] is a copy the caller frees, NULL when none is known
 * (or empty). STORE_OK or an error code (names then all NULL). */
int	store_report_names(struct store *, enum report_by by, const char *const *ids,
	    size_t n, char **names);

/* Calls cb for up to limit answers under q's filters (only those with a
 * comment when comments_only), newest first by (answered_at, id), starting
 * after `after` (zero: from the newest). cb returns non-zero to stop.
 * STORE_OK or an error code. */
int	store_response_each(struct store *, const struct report_query *q, int comments_only,
	    const struct responses_cursor *after, int limit,
	    int (*cb)(void *arg, const struct response *), void *arg);

/* Counts the flagged answer of the survey with public id `survey` again
 * (flag rule "unflagged"); *id is the survey's id. STORE_OK, STORE_NOTFOUND
 * when it has no flagged answer, or an error code. */
int	store_response_unflag(struct store *, const char *survey, long long *id);

#endif
