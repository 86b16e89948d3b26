/* page_unsubscribe.c - owns /u/{token}: the unsubscribe page, and the
 * RFC 8058 one-click POST that suppresses the requester's address from
 * every future survey (200, no redirect, no cookie). */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "db.h"
#include "log.h"
#include "page.h"
#include "survey.h"

enum MHD_Result
page_unsubscribe_get(struct request *req)
{
	struct page_survey p;
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

static int
suppress(const char *email, time_t now)
{
	char hash[65];
	sqlite3 *db = db_thread();
	sqlite3_stmt *st = NULL;
	int rc;

	if (db == NULL)
		return SQLITE_CANTOPEN;
	crypto_address_hash(email, hash);
	if ((rc = db_begin(db)) != SQLITE_OK)
		return rc;
	st = db_prepare(db, "INSERT INTO suppressions (address_hash, reason, created_at) "
	    "VALUES (?, 'unsubscribed', ?) ON CONFLICT DO NOTHING");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	/* surveys still waiting for their moment are not sent any more */
	st = db_prepare(db, "UPDATE surveys SET state = 'cancelled', reason = 'unsubscribed' WHERE state = 'scheduled' "
	    "AND queued = 0 AND lower(requester_email) = lower(?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return db_commit(db);
fail:
	rc = sqlite3_errcode(db);
	sqlite3_finalize(st);
	db_rollback(db);
	return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}

enum MHD_Result
page_unsubscribe_post(struct request *req)
{
	struct page_survey p;
	enum page_lookup r;

	http_form_finish(req);
	r = page_find(req->arg, time(NULL), &p);
	if (r != PAGE_FOUND && r != PAGE_EXPIRED)
		return page_lookup_failed(req, r, NULL);
	if (suppress(p.requester_email, time(NULL)) != SQLITE_OK) {
		log_warnx("unsubscribe not stored: %s", sqlite3_errmsg(db_thread()));
		return page_lookup_failed(req, PAGE_ERROR, p.language);
	}
	return page_render(req, MHD_HTTP_OK, p.language, TEMPLATE_UNSUBSCRIBED, NULL, 0);
}
