/* page.h - what the survey and unsubscribe pages share: finding a survey
 * by its token and rendering a page template. */
#ifndef NPSD_PAGE_H
#define NPSD_PAGE_H

#include <time.h>

#include "http.h"
#include "store_answer.h"
#include "template.h"

/* PAGE_WITHDRAWN: a real token whose survey was cancelled or failed; it
 * answers as an unknown one does, but is no guess. */
enum page_lookup { PAGE_FOUND, PAGE_UNKNOWN, PAGE_EXPIRED, PAGE_ERROR, PAGE_WITHDRAWN };

/* Rate limits (ratelimit.c) by the real client (http_client_address).
 * They never refuse what would succeed: a valid token, link, session or
 * signature passes whatever its client did before; only failing requests
 * of a client over its limit get 429.
 * page_throttled, the precheck of POST /login (which cannot tell a valid
 * request from a failing one without telling the client whether an
 * address is known): answers 429 (returns 1) when the client is over. */
int	page_throttled(struct request *, enum MHD_Result *);
/* Counts a failed attempt of the request's client, and logs the client
 * when this one reaches the limit. */
void	page_attempt_note(struct request *);
/* For a request that failed: 1, with the 429 answered in *ret, when its
 * client is over the limit; else 0, the attempt counted, for the caller
 * to give the failure's own answer. */
int	page_attempt_failed(struct request *, enum MHD_Result *ret);
/* Looks the token up by its hash: the survey it leads to, if any. */
enum page_lookup page_find(const char *token, time_t now, struct store_answer_survey *);
/* Renders a page template in lang and answers with it. */
enum MHD_Result page_render(struct request *, unsigned status, const char *lang,
    enum template_id, const struct template_var *, size_t nvars);
/* Answers the 404, 410 or 503 that a failed lookup calls for. */
enum MHD_Result page_lookup_failed(struct request *, enum page_lookup, const char *lang);

#endif
