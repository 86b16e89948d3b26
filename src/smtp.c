/* smtp.c - owns the smtp:// and smtps:// transports: one libcurl easy
 * handle kept for the mailer's lifetime so its connection is reused,
 * STARTTLS required unless configured off, and the reply code mapped to
 * retry-later or give-up. */
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
	int		 starttls_required;
	int		 implicit_tls;
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

struct smtp_client *
smtp_client_new(const struct config *cfg, const char *password)
{
	struct smtp_client *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->curl = curl_easy_init();
	c->url = strdup(cfg->transport_target);
	c->username = strdup(cfg->username);
	c->password = strdup(password ? password : "");
	c->starttls_required = cfg->starttls_required;
	c->implicit_tls = cfg->transport == TRANSPORT_SMTPS;
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
smtp_classify(int curl_ok, long code)
{
	if (curl_ok)
		return TRANSPORT_SENT;
	if (code >= 500 && code <= 599)
		return TRANSPORT_PERMFAIL;
	return TRANSPORT_TEMPFAIL;
}

enum transport_status
smtp_send(struct smtp_client *c, const char *from, const char *to, const char *msg,
    size_t len, char *err, size_t errlen)
{
	struct curl_slist *rcpt = NULL;
	struct reader r = { msg, len };
	char from_path[NPSD_MAX_EMAIL + 3], to_path[NPSD_MAX_EMAIL + 3];
	char curl_err[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;

	snprintf(from_path, sizeof from_path, "<%s>", from);
	snprintf(to_path, sizeof to_path, "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, to_path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return TRANSPORT_TEMPFAIL;
	}
	curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
	curl_easy_setopt(c->curl, CURLOPT_MAIL_FROM, from_path);
	curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c->curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c->curl, CURLOPT_READDATA, &r);
	curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, (long)NPSD_SMTP_TIMEOUT_SECONDS);
	curl_easy_setopt(c->curl, CURLOPT_USE_SSL,
	    c->implicit_tls || c->starttls_required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (*c->username != '\0') {
		curl_easy_setopt(c->curl, CURLOPT_USERNAME, c->username);
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD, c->password);
	}
	rc = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "smtp: %s (reply %ld)", curl_err[0] ? curl_err :
		    curl_easy_strerror(rc), code);
	return smtp_classify(rc == CURLE_OK, code);
}
