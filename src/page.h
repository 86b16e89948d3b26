/* page.h - what the survey and unsubscribe pages share: finding a survey
 * by its token and rendering a page template. */
#ifndef NPSD_PAGE_H
#define NPSD_PAGE_H

#include <time.h>

#include "http.h"
#include "template.h"

struct page_survey {
	long long	 id;
	char		 state[16];
	char		 language[8];
	char		 ticket_id[NPSD_MAX_ID + 1];
	char		 subject[NPSD_MAX_FIELD + 1];
	char		 agent_name[NPSD_MAX_FIELD + 1];
	char		 requester_email[NPSD_MAX_EMAIL + 1];
	long long	 expires_at;	/* 0 while not yet sent */
	int		 score;		/* -1 when unanswered */
	char		 comment[NPSD_MAX_COMMENT + 1];
};

enum page_lookup { PAGE_FOUND, PAGE_UNKNOWN, PAGE_EXPIRED, PAGE_ERROR };

/* Answers 429 (returns 1) when this client asked for too many unknown
 * tokens lately. */
int	page_throttled(struct request *, enum MHD_Result *);
/* Looks the token up by its hash. */
enum page_lookup page_find(const char *token, time_t now, struct page_survey *);
/* Renders a page template in lang and answers with it. */
enum MHD_Result page_render(struct request *, unsigned status, const char *lang,
    enum template_id, const struct template_var *, size_t nvars);
/* Answers the 404, 410 or 503 that a failed lookup calls for. */
enum MHD_Result page_lookup_failed(struct request *, enum page_lookup, const char *lang);

#endif
