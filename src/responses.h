/* responses.h - answers one by one, newest first, for `npsctl comments`
 * and GET /api/v1/responses: the report filters, an optional "with a
 * comment only", and keyset pagination. */
#ifndef NPSD_RESPONSES_H
#define NPSD_RESPONSES_H

#include <jansson.h>
#include <time.h>

#include "report.h"
#include "store.h"

struct response {
	long long	 id;			/* the survey's: the cursor's tie-break */
	long long	 answered_at, updated_at, closed_at;
	const char	*survey, *source, *ticket_id, *subject;
	const char	*agent_id, *team_id, *category;
	int		 score, flagged;
	const char	*flag_rule;		/* "" when never flagged */
	const char	*comment;		/* NULL when none */
	const char	*requester_email, *requester_name;
};

/* Where the previous page ended; zero for the first page. */
struct responses_cursor {
	long long	 at, id;
};

struct responses_page {
	int			 comments_only;
	int			 limit;		/* rows */
	struct responses_cursor	 after;
	struct responses_cursor	 next;		/* out: set when more may follow */
	int			 more;		/* out */
};

/* Calls each for every row of the page; returns the number of rows, or -1
 * on a database error or when each returns -1. */
int	responses_each(struct store *, const struct report_query *, struct responses_page *,
    int (*each)(void *, const struct response *), void *arg);
/* The same over every page, from page->after on; the number of rows, or -1. */
int	responses_each_all(struct store *, const struct report_query *, struct responses_page *,
    int (*each)(void *, const struct response *), void *arg);
/* One response as the API and `npsctl comments --format json` show it;
 * the requester only when with_requester. */
json_t	*responses_json(const struct response *, int with_requester);
/* "1767225600-42" <-> cursor; parse returns -1 for anything else. */
int	responses_cursor_parse(const char *, struct responses_cursor *);
void	responses_cursor_format(const struct responses_cursor *, char *out, size_t outlen);

#endif
