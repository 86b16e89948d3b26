/* page_login.c - owns signing in and out: GET/POST /login (the address
 * form; the same answer whether or not the address is known), GET/POST
 * /login/{link} (a button, so that a mail scanner opening the link signs
 * nobody in; the POST starts the session), POST /logout. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "dash.h"
#include "dash_html.h"
#include "log.h"
#include "mailer.h"
#include "message.h"
#include "page.h"
#include "store_outbox.h"
#include "template.h"

static enum MHD_Result
login_form(struct request *req, enum dash_lang l, unsigned status, enum dash_word note)
{
	struct buf b;

	buf_init(&b, NPSD_MAX_PAGE);
	dash_begin(&b, l, dash_word(l, W_SIGN_IN), NULL, "/login");
	if (note != W_COUNT_OF_WORDS)
		buf_printf(&b, "<p class=\"%s\">%s</p>", status == MHD_HTTP_OK ? "muted" : "err",
		    dash_word(l, note));
	buf_printf(&b, "<section><p>%s</p><form method=\"post\" action=\"/login?lang=%s\">"
	    "<label for=\"email\">%s</label><br><input type=\"email\" id=\"email\" name=\"email\" "
	    "required maxlength=\"254\" autocomplete=\"email\"> <button>%s</button></form>"
	    "</section>", dash_word(l, W_SIGN_IN_INTRO), dash_lang_code(l),
	    dash_word(l, W_ADDRESS), dash_word(l, W_SEND_LINK));
	dash_end(&b);
	return dash_send(req, status, &b);
}

/* The mail with the link, into the outbox in the caller's transaction. */
static int
queue_link_mail(struct store *db, const struct config *cfg, enum dash_lang l, const char *email,
    const char *link, time_t now)
{
	const char *domain = strrchr(cfg->from_address, '@') + 1;
	char url[600], message_id[128], hash[CRYPTO_SHA256_HEX], recipient[NPSD_MAX_EMAIL + 1] = "";
	struct buf subject, text, msg;
	struct message_parts m;
	int rc = -1;

	snprintf(url, sizeof url, "%s/login/%s", cfg->public_url, link);
	crypto_sha256_hex(link, strlen(link), hash);
	snprintf(message_id, sizeof message_id, "login.%.24s@%s", hash, domain);
	buf_init(&subject, 1024);
	buf_init(&text, 16384);
	buf_init(&msg, NPSD_MAX_MESSAGE);
	{
		const struct template_var vars[] = {
			{ "login_url", url }, { "sender_name", cfg->from_name } };

		if (template_render(dash_lang_code(l), TEMPLATE_LOGIN_SUBJECT, vars, 2, &subject) == -1 ||
		    template_render(dash_lang_code(l), TEMPLATE_LOGIN_TEXT, vars, 2, &text) == -1)
			goto out;
	}
	memset(&m, 0, sizeof m);
	m.from_name = cfg->from_name;
	m.from_address = cfg->from_address;
	m.to_address = email;
	m.subject = subject.data ? subject.data : "";
	m.text = text.data ? text.data : "";
	m.message_id = message_id;
	m.language = dash_lang_code(l);
	m.date = now;
	if (message_build(&m, &msg) == -1)
		goto out;
	for (size_t i = 0; i < sizeof recipient - 1 && email[i] != '\0'; i++)
		recipient[i] = (char)tolower((unsigned char)email[i]);
	rc = store_outbox_queue(db, 0, recipient, message_id, msg.data, msg.len, "login",
	    (long long)now, NULL) == STORE_OK ? 0 : -1;
out:
	crypto_wipe(url, sizeof url);
	if (msg.data != NULL)
		crypto_wipe(msg.data, msg.len);
	buf_free(&subject);
	buf_free(&text);
	buf_free(&msg);
	return rc;
}

/* The database cannot be written now: nothing was done, try again (the
 * link, if any, is still good). */
static enum MHD_Result
unavailable(struct request *req)
{
	return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
	    "temporarily unavailable; nothing was changed, please try again in a few seconds\n");
}

enum MHD_Result
page_login_get(struct request *req)
{
	return login_form(req, dash_request_lang(req), MHD_HTTP_OK, W_COUNT_OF_WORDS);
}

enum MHD_Result
page_login_post(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	const char *email = req->form.email;
	struct store *db = store_thread();
	time_t now = time(NULL);
	char link[23];
	int made;

	http_form_finish(req);
	/* every attempt counts against the client's limit (page_throttled) */
	page_attempt_note(req);
	if (req->form.email_too_long || !message_address_valid(email))
		return login_form(req, l, MHD_HTTP_BAD_REQUEST, W_BAD_FORM);
	if (db == NULL || store_begin(db) != STORE_OK)
		return unavailable(req);
	made = session_link_request(db, email, now, link);
	if (made == -1 ||
	    (made == 1 && queue_link_mail(db, req->cfg, l, email, link, now) == -1)) {
		log_warnx("sign-in link not stored: %s", store_errmsg(db));
		store_rollback(db);
		return unavailable(req);
	}
	if (store_commit(db) != STORE_OK)
		return unavailable(req);
	crypto_wipe(link, sizeof link);
	if (made == 1)
		mailer_wake();
	/* the same answer for known and unknown addresses */
	return login_form(req, l, MHD_HTTP_OK, W_LINK_SENT);
}

enum MHD_Result
page_login_link_get(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	char email[NPSD_MAX_EMAIL + 1];
	struct store *db = store_thread();
	enum MHD_Result ret;
	struct buf b;
	int rc;

	rc = db != NULL ? session_link_check(db, req->arg, time(NULL), 0, email) : -1;
	if (rc == 0 && page_attempt_failed(req, &ret))
		return ret;
	if (rc == -1)
		return unavailable(req);
	if (rc != 1)
		return dash_message(req, MHD_HTTP_GONE, l, NULL, W_SIGN_IN, W_LINK_GONE);
	/* a fetch changes nothing: only the button's POST signs in */
	buf_init(&b, NPSD_MAX_PAGE);
	dash_begin(&b, l, dash_word(l, W_SIGN_IN), NULL, "/login");
	buf_printf(&b, "<section><p>%s</p><p class=\"muted\">", dash_word(l, W_LINK_PAGE));
	dash_esc(&b, email);
	buf_printf(&b, "</p><form method=\"post\" action=\"/login/%s\"><button>%s</button></form>"
	    "</section>", req->arg, dash_word(l, W_SIGN_IN));
	dash_end(&b);
	return dash_send(req, MHD_HTTP_OK, &b);
}

enum MHD_Result
page_login_link_post(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	char email[NPSD_MAX_EMAIL + 1], session[23], cookie[160];
	struct store *db = store_thread();
	enum MHD_Result ret;
	time_t now = time(NULL);
	int rc;

	http_form_finish(req);
	if (db == NULL || store_begin(db) != STORE_OK)
		return unavailable(req);
	rc = session_link_check(db, req->arg, now, 1, email);
	if (rc == 1 && session_create(db, email, now, session) == -1)
		rc = -1;
	if (rc != 1 || store_commit(db) != STORE_OK) {
		store_rollback(db);
		if (rc == 0 && page_attempt_failed(req, &ret))
			return ret;
		if (rc != 0)
			return unavailable(req);
		return dash_message(req, MHD_HTTP_GONE, l, NULL, W_SIGN_IN, W_LINK_GONE);
	}
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; "
	    "Max-Age=%d", SESSION_COOKIE, session, SESSION_TTL);
	crypto_wipe(session, sizeof session);
	log_info("dashboard: a session started");
	return http_redirect_cookie(req, l == DASH_NL ? "/?lang=nl" : "/", cookie);
}

enum MHD_Result
page_logout(struct request *req)
{
	enum dash_lang l = dash_request_lang(req);
	const char *token = http_cookie(req, SESSION_COOKIE);
	struct dash_user u;
	int rc;

	http_form_finish(req);
	rc = dash_session(req, &u);
	if (rc == 1 && (req->form.csrf_too_long ||
	    strlen(req->form.csrf) != strlen(u.csrf) ||
	    !crypto_equal(req->form.csrf, u.csrf, strlen(u.csrf)))) {
		session_user_free(&u);
		return dash_message(req, MHD_HTTP_FORBIDDEN, l, NULL, W_SIGN_OUT, W_BAD_FORM);
	}
	if (rc == 1) {
		int deleted = session_delete(store_thread(), token);

		session_user_free(&u);
		if (deleted == -1)	/* the session would outlive the cookie */
			return unavailable(req);
	}
	return http_redirect_cookie(req, "/login", SESSION_COOKIE "=; Path=/; Secure; HttpOnly; "
	    "SameSite=Strict; Max-Age=0");
}
