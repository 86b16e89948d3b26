/* page.c - owns what the answer and unsubscribe pages share: token lookup
 * (tokens are only ever compared as SHA-256 hashes), the unknown and
 * expired answers, and page rendering in the requester's language; and
 * for every page and the API, what a failed attempt counts against its
 * client's rate limit and when the limit refuses one. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "page.h"
#include "ratelimit.h"

int
page_throttled(struct request *req, enum MHD_Result *ret)
{
	int wait = ratelimit_wait(http_client_address(req), time(NULL));

	if (wait == 0)
		return 0;
	*ret = http_too_many(req, wait);
	return 1;
}

void
page_attempt_note(struct request *req)
{
	char client[64];

	if (ratelimit_note_unknown(http_client_address(req), time(NULL)) != 1)
		return;
	http_client_text(req, client, sizeof client);
	log_warnx("rate limit: client %s made %d failed requests (unknown links or tokens, "
	    "sign-in requests) within %d s; its failing requests get 429 until then",
	    client, NPSD_UNKNOWN_TOKEN_LIMIT, NPSD_UNKNOWN_TOKEN_WINDOW);
}

int
page_attempt_failed(struct request *req, enum MHD_Result *ret)
{
	if (page_throttled(req, ret))
		return 1;
	page_attempt_note(req);
	return 0;
}

enum page_lookup
page_find(const char *token, time_t now, struct store_answer_survey *p)
{
	char hash[CRYPTO_SHA256_HEX];
	struct store *db = store_thread();
	int rc;

	memset(p, 0, sizeof *p);
	p->score = -1;
	if (!crypto_token_wellformed(token))
		return PAGE_UNKNOWN;
	if (db == NULL)
		return PAGE_ERROR;
	crypto_sha256_hex(token, strlen(token), hash);
	rc = store_answer_survey_find(db, hash, p);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? PAGE_UNKNOWN : PAGE_ERROR;
	if (p->state == SURVEY_CANCELLED || p->state == SURVEY_FAILED)
		return PAGE_WITHDRAWN;
	if (p->state == SURVEY_EXPIRED || (p->expires_at > 0 && p->expires_at <= now))
		return PAGE_EXPIRED;
	return PAGE_FOUND;
}

enum MHD_Result
page_render(struct request *req, unsigned status, const char *lang, enum template_id id,
    const struct template_var *vars, size_t nvars)
{
	struct buf out;
	enum MHD_Result ret;

	buf_init(&out, NPSD_MAX_PAGE);
	if (template_render(template_language(lang, req->cfg->default_language), id, vars, nvars,
	    &out) == -1) {
		buf_free(&out);
		log_warnx("page: template %d cannot be rendered", (int)id);
		return http_text(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
		    "internal error\n");
	}
	ret = http_html(req, status, out.data ? out.data : "", out.len);
	buf_free(&out);
	return ret;
}

enum MHD_Result
page_lookup_failed(struct request *req, enum page_lookup r, const char *lang)
{
	enum MHD_Result ret;

	if (r == PAGE_UNKNOWN && page_attempt_failed(req, &ret))
		return ret;
	switch (r) {
	case PAGE_EXPIRED:
		return page_render(req, MHD_HTTP_GONE, lang, TEMPLATE_ERROR_410, NULL, 0);
	case PAGE_ERROR:
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
		    "temporarily unavailable, please try again in a few seconds\n");
	default:
		return page_render(req, MHD_HTTP_NOT_FOUND, lang, TEMPLATE_ERROR_404, NULL, 0);
	}
}
