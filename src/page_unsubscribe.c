/* page_unsubscribe.c - owns /u/{token}: the unsubscribe page, and the
 * RFC 8058 one-click POST that suppresses the requester's address from
 * every future survey (200, no redirect, no cookie). */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "page.h"
#include "store_suppress.h"

enum MHD_Result
page_unsubscribe_get(struct request *req)
{
	struct store_answer_survey p;
	enum page_lookup r = page_find(req->arg, time(NULL), &p);
	char form_action[64];

	/* an expired survey's link still unsubscribes */
	if (r != PAGE_FOUND && r != PAGE_EXPIRED)
		return page_lookup_failed(req, r, NULL);
	snprintf(form_action, sizeof form_action, "/u/%.31s", req->arg);
	{
		const struct template_var vars[] = { { "form_action", form_action },
			{ "ticket_id", p.ticket_id } };
		return page_render(req, MHD_HTTP_OK, p.language, TEMPLATE_UNSUBSCRIBE, vars, 2);
	}
}

enum MHD_Result
page_unsubscribe_post(struct request *req)
{
	struct store_answer_survey p;
	struct store *db;
	enum page_lookup r;

	http_form_finish(req);
	r = page_find(req->arg, time(NULL), &p);
	if (r != PAGE_FOUND && r != PAGE_EXPIRED)
		return page_lookup_failed(req, r, NULL);
	if ((db = store_thread()) == NULL || store_suppress(db, p.requester_email,
	    SUPPRESS_UNSUBSCRIBED, (long long)time(NULL), NULL, NULL) != STORE_OK) {
		log_warnx("unsubscribe not stored: %s",
		    db != NULL ? store_errmsg(db) : "no database connection");
		return page_lookup_failed(req, PAGE_ERROR, p.language);
	}
	return page_render(req, MHD_HTTP_OK, p.language, TEMPLATE_UNSUBSCRIBED, NULL, 0);
}
