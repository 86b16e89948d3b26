/* smtp.c - owns the smtp:// and smtps:// transports: one libcurl easy
 * handle whose connection is reused after a clean delivery and dropped
 * after any error or timeout; a per-reply timeout (RFC 5321 §4.5.3.2)
 * instead of a total one; STARTTLS required unless configured off; an
 * abort flag that ends a session at once on shutdown; the reply mapped to
 * sent, retry-later, give-up, or unknown (message handed over, final
 * reply never came). */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "crypto.h"
#include "limits.h"
#include "smtp.h"

struct smtp_client {
	CURL		*curl;
	char		*url;
	char		*username;
	char		*password;
	long		 reply_timeout;
	int		 starttls_required;
	int		 implicit_tls;
	const atomic_int *abort;
	char		 reply[NPSD_SMTP_REPLY_TEXT];	/* the server's last reply line */
};

struct reader {
	const char	*p;
	size_t		 left;
};

static size_t
read_message(char *out, size_t size, size_t nmemb, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* Keeps the server's first error reply of the session (its last line, when
 * it spans several), made printable, for the outbox's last_error; the
 * 221 to the QUIT that follows never replaces it. libcurl hands replies
 * out only through its debug callback. */
static int
keep_reply(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp_client *c = arg;
	char line[NPSD_SMTP_REPLY_TEXT];
	size_t n = 0;

	(void)curl;
	if (type != CURLINFO_HEADER_IN || size < 3 || (data[0] != '4' && data[0] != '5'))
		return 0;
	if ((c->reply[0] == '4' || c->reply[0] == '5') && strncmp(c->reply, data, 3) != 0)
		return 0;
	for (size_t i = 0; i < size && n + 1 < sizeof line; i++) {
		unsigned char ch = (unsigned char)data[i];

		if (ch == '\r' || ch == '\n')
			break;
		line[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	line[n] = '\0';
	memcpy(c->reply, line, n + 1);
	return 0;
}

/* libcurl calls this at least once a second, also while it waits for a
 * reply; a non-zero return ends the session. */
static int
check_abort(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	const struct smtp_client *c = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->abort != NULL && atomic_load(c->abort);
}

struct smtp_client *
smtp_client_new(const struct config *cfg, const char *password, const atomic_int *abort)
{
	struct smtp_client *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->curl = curl_easy_init();
	c->url = strdup(cfg->transport_target);
	c->username = strdup(cfg->username);
	c->password = strdup(password ? password : "");
	c->reply_timeout = (long)cfg->smtp_timeout;
	c->starttls_required = cfg->starttls_required;
	c->implicit_tls = cfg->transport == TRANSPORT_SMTPS;
	c->abort = abort;
	if (c->curl == NULL || c->url == NULL || c->username == NULL || c->password == NULL) {
		smtp_client_free(c);
		return NULL;
	}
	return c;
}

void
smtp_client_free(struct smtp_client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	if (c->password != NULL)
		crypto_wipe(c->password, strlen(c->password));
	free(c->password);
	free(c->username);
	free(c->url);
	free(c);
}

enum transport_status
smtp_classify(int curl_ok, long code, int message_handed_over)
{
	if (curl_ok)
		return TRANSPORT_SENT;
	if (code >= 500 && code <= 599)
		return TRANSPORT_PERMFAIL;
	if (code >= 400 && code <= 499)
		return TRANSPORT_TEMPFAIL;
	/* no final reply: after the whole message, the server may have it */
	return message_handed_over ? TRANSPORT_UNKNOWN : TRANSPORT_TEMPFAIL;
}

static void
set_options(struct smtp_client *c, const char *from_path, struct curl_slist *rcpt,
    struct reader *r, size_t len, char *curl_err)
{
	curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
	curl_easy_setopt(c->curl, CURLOPT_MAIL_FROM, from_path);
	curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c->curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c->curl, CURLOPT_READDATA, r);
	curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, (long)NPSD_SMTP_CONNECT_TIMEOUT);
	/* no total limit: each reply has its own, and a stalled upload is
	 * caught by the speed check over the same time */
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 0L);
	curl_easy_setopt(c->curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, c->reply_timeout);
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_TIME, c->reply_timeout);
	curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c->curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c->curl, CURLOPT_DEBUGFUNCTION, keep_reply);
	curl_easy_setopt(c->curl, CURLOPT_DEBUGDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, check_abort);
	curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->curl, CURLOPT_USE_SSL,
	    c->implicit_tls || c->starttls_required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (*c->username != '\0') {
		curl_easy_setopt(c->curl, CURLOPT_USERNAME, c->username);
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD, c->password);
	}
}

enum transport_status
smtp_send(struct smtp_client *c, const char *from, const char *to, const char *msg,
    size_t len, char *err, size_t errlen, char *reply, size_t replylen)
{
	struct curl_slist *rcpt = NULL;
	struct reader r = { msg, len };
	char from_path[NPSD_MAX_EMAIL + 3], to_path[NPSD_MAX_EMAIL + 3];
	char curl_err[CURL_ERROR_SIZE] = "";
	enum transport_status status;
	long code = 0;
	CURLcode rc;

	if (c->curl == NULL && (c->curl = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "smtp: out of memory");
		return TRANSPORT_TEMPFAIL;
	}
	snprintf(from_path, sizeof from_path, "<%s>", from);
	snprintf(to_path, sizeof to_path, "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, to_path)) == NULL) {
		snprintf(err, errlen, "smtp: out of memory");
		return TRANSPORT_TEMPFAIL;
	}
	c->reply[0] = '\0';
	set_options(c, from_path, rcpt, &r, len, curl_err);
	rc = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	status = smtp_classify(rc == CURLE_OK, code, r.left == 0);
	if (reply != NULL && replylen > 0)
		snprintf(reply, replylen, "%s", rc != CURLE_OK && code > 0 ? c->reply : "");
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "smtp: %s (reply %ld)%s", curl_err[0] ? curl_err :
		    curl_easy_strerror(rc), code, status == TRANSPORT_UNKNOWN ?
		    "; no reply after the message, it may have been delivered" : "");
		/* a connection that saw an error or a timeout may still carry
		 * a late reply: never reuse it */
		curl_easy_cleanup(c->curl);
		c->curl = NULL;
	}
	return status;
}
