/* glpi_api.c - owns npsd's calls to GLPI's legacy REST API (apirest.php,
 * src/Glpi/Api/API.php and APIRest.php in glpi-project/glpi): initSession
 * with the user token (and App-Token), the cached Session-Token, one new
 * login when GLPI says it expired, Ticket/ID/Ticket_User, User/ID/UserEmail
 * and User/ID; what each answer means for the close (found, no address
 * for good, try again later); libcurl with a connect timeout, a total
 * timeout, TLS verified, no redirects and answers capped in size. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "glpi_api.h"
#include "limits.h"
#include "message.h"

#define GLPI_MAX_ANSWER		(1024 * 1024)	/* bytes of one API answer */
#define GLPI_CONNECT_TIMEOUT	5		/* seconds to connect */
#define GLPI_REQUESTER		1		/* CommonITILActor::REQUESTER */

struct glpi_client {
	CURL	*curl;
	char	 session[128];		/* "" = not logged in */
	char	 session_for[CRYPTO_SHA256_HEX];	/* hash of URL and tokens */
};

struct answer {
	long		 status;	/* HTTP status; 0 when none came */
	CURLcode	 curl;
	struct buf	 body;
	json_t		*json;		/* NULL when the body is not JSON */
};

struct glpi_client *
glpi_client_new(void)
{
	struct glpi_client *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	if ((c->curl = curl_easy_init()) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
glpi_client_free(struct glpi_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	crypto_wipe(c, sizeof *c);
	free(c);
}

/* ---- pure readers of GLPI's answers ---- */

static json_t *
load_json(const char *json, size_t len)
{
	return json_loadb(json, len, 0, NULL);
}

static long long
integer(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v) && isdigit((unsigned char)*json_string_value(v)))
		return strtoll(json_string_value(v), NULL, 10);
	return -1;
}

/* A valid address from member key of obj into out; 0 when there is none. */
static int
address(json_t *obj, const char *key, char *out, size_t outlen)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	while (*s == ' ')
		s++;
	if (strlen(s) >= outlen)
		return 0;
	snprintf(out, outlen, "%s", s);
	for (size_t n = strlen(out); n > 0 && out[n - 1] == ' '; n--)
		out[n - 1] = '\0';
	if (out[0] == '\0' || !message_address_valid(out)) {
		out[0] = '\0';
		return 0;
	}
	return 1;
}

enum glpi_pick
glpi_pick_requester(const char *json, size_t len, char *email, size_t emaillen,
    long long *user_id)
{
	json_t *rows = load_json(json, len), *row;
	long long best_alt = -1, best_user = -1, uid_of_alt = 0, uid = 0;
	enum glpi_pick pick = GLPI_PICK_NONE;
	char candidate[NPSD_MAX_EMAIL + 1];
	size_t i;

	email[0] = '\0';
	*user_id = 0;
	if (!json_is_array(rows)) {
		json_decref(rows);
		return GLPI_PICK_MALFORMED;
	}
	json_array_foreach(rows, i, row) {
		long long id = integer(row, "id"), users_id = integer(row, "users_id");

		if (!json_is_object(row) || integer(row, "type") != GLPI_REQUESTER || id < 0)
			continue;
		if ((best_alt < 0 || id < best_alt) &&
		    address(row, "alternative_email", candidate, sizeof candidate)) {
			best_alt = id;
			uid_of_alt = users_id > 0 ? users_id : 0;
			snprintf(email, emaillen, "%s", candidate);
		}
		if (users_id > 0 && (best_user < 0 || id < best_user)) {
			best_user = id;
			uid = users_id;
		}
	}
	json_decref(rows);
	if (best_alt >= 0) {
		*user_id = uid_of_alt;
		pick = GLPI_PICK_EMAIL;
	} else if (best_user >= 0) {
		*user_id = uid;
		pick = GLPI_PICK_USER;
	}
	crypto_wipe(candidate, sizeof candidate);
	return pick;
}

int
glpi_pick_email(const char *json, size_t len, char *email, size_t emaillen)
{
	json_t *rows = load_json(json, len), *row;
	char candidate[NPSD_MAX_EMAIL + 1];
	long long best = -1;
	int best_default = 0;
	size_t i;

	email[0] = '\0';
	if (!json_is_array(rows)) {
		json_decref(rows);
		return -1;
	}
	json_array_foreach(rows, i, row) {
		long long id = integer(row, "id");
		int is_default = integer(row, "is_default") == 1;

		if (!json_is_object(row) || id < 0 ||
		    !address(row, "email", candidate, sizeof candidate))
			continue;
		/* the default address wins; among equals, the lowest id */
		if (best < 0 || (is_default && !best_default) ||
		    (is_default == best_default && id < best)) {
			best = id;
			best_default = is_default;
			snprintf(email, emaillen, "%s", candidate);
		}
	}
	json_decref(rows);
	crypto_wipe(candidate, sizeof candidate);
	return best >= 0;
}

int
glpi_user_details(const char *json, size_t len, char lang[8], char *name, size_t namelen)
{
	json_t *user = load_json(json, len), *v;
	const char *first = "", *last = "";

	lang[0] = '\0';
	name[0] = '\0';
	if (!json_is_object(user)) {
		json_decref(user);
		return -1;
	}
	v = json_object_get(user, "language");
	if (json_is_string(v))
		event_language(json_string_value(v), lang, 1);
	if (json_is_string(json_object_get(user, "firstname")))
		first = json_string_value(json_object_get(user, "firstname"));
	if (json_is_string(json_object_get(user, "realname")))
		last = json_string_value(json_object_get(user, "realname"));
	if (!message_has_controls(first) && !message_has_controls(last))
		snprintf(name, namelen, "%s%s%s", first, *first && *last ? " " : "", last);
	json_decref(user);
	return 0;
}

void
glpi_error_code(const char *json, size_t len, char *code, size_t codelen)
{
	json_t *v = load_json(json, len), *first;
	const char *s;

	code[0] = '\0';
	first = json_is_array(v) ? json_array_get(v, 0) : NULL;
	if (json_is_string(first)) {
		s = json_string_value(first);
		/* only a code GLPI makes, never text from elsewhere, reaches a log */
		if (strncmp(s, "ERROR", 5) == 0 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") ==
		    strlen(s) && strlen(s) < codelen)
			snprintf(code, codelen, "%s", s);
	}
	json_decref(v);
}

/* ---- libcurl ---- */

static size_t
on_data(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_append(b, data, size * n) == -1)
		return 0;	/* over GLPI_MAX_ANSWER: the transfer fails */
	return size * n;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	volatile int *stop = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return stop != NULL && *stop;
}

static void
headers_free(struct curl_slist *h)
{
	for (struct curl_slist *p = h; p != NULL; p = p->next)
		crypto_wipe(p->data, strlen(p->data));	/* tokens */
	curl_slist_free_all(h);
}

/* GET api_url/path with the session (or, for initSession, the user token)
 * and the App-Token; fills a (free with answer_free). */
static void
get(struct glpi_client *c, const struct glpi_api_config *g, const char *path, int login,
    struct answer *a, volatile int *stop)
{
	struct curl_slist *h = NULL, *more;
	char url[sizeof g->api_url + 128], line[256];
	CURL *curl = c->curl;

	memset(a, 0, sizeof *a);
	buf_init(&a->body, GLPI_MAX_ANSWER);
	snprintf(url, sizeof url, "%s/%s", g->api_url, path);
	if (login)
		snprintf(line, sizeof line, "Authorization: user_token %.*s",
		    (int)g->user_token.len, (const char *)g->user_token.key);
	else
		snprintf(line, sizeof line, "Session-Token: %s", c->session);
	h = curl_slist_append(h, line);
	if (h != NULL && g->app_token.len > 0) {
		snprintf(line, sizeof line, "App-Token: %.*s", (int)g->app_token.len,
		    (const char *)g->app_token.key);
		if ((more = curl_slist_append(h, line)) == NULL) {
			headers_free(h);
			h = NULL;
		}
	}
	crypto_wipe(line, sizeof line);
	if (h == NULL || (more = curl_slist_append(h, "Accept: application/json")) == NULL) {
		headers_free(h);
		a->curl = CURLE_OUT_OF_MEMORY;
		return;
	}
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, g->api_timeout < GLPI_CONNECT_TIMEOUT ?
	    (long)g->api_timeout : (long)GLPI_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)g->api_timeout);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "npsd");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a->body);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)stop);
	a->curl = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	headers_free(h);
	if (a->curl == CURLE_OK && a->body.data != NULL)
		a->json = json_loadb(a->body.data, a->body.len, 0, NULL);
}

static void
answer_free(struct answer *a)
{
	json_decref(a->json);
	a->json = NULL;
	if (a->body.data != NULL)
		crypto_wipe(a->body.data, a->body.len);	/* addresses */
	buf_free(&a->body);
}

/* What went wrong with a call, for the log and the delivery's detail. */
static void
describe(const char *call, const struct answer *a, char *detail, size_t len)
{
	char code[64] = "";

	if (a->curl == CURLE_OPERATION_TIMEDOUT)
		snprintf(detail, len, "GLPI %s: no answer within [source.glpi] api_timeout", call);
	else if (a->curl == CURLE_WRITE_ERROR)
		snprintf(detail, len, "GLPI %s: answer larger than %d bytes", call,
		    GLPI_MAX_ANSWER);
	else if (a->curl != CURLE_OK)
		snprintf(detail, len, "GLPI %s: %s", call, curl_easy_strerror(a->curl));
	else {
		if (a->body.data != NULL)
			glpi_error_code(a->body.data, a->body.len, code, sizeof code);
		snprintf(detail, len, "GLPI %s: HTTP %ld%s%s", call, a->status,
		    code[0] ? " " : a->json == NULL ? " (not JSON)" : "", code);
	}
}

static int
session_invalid(const struct answer *a)
{
	char code[64];

	if (a->status != 401 || a->body.data == NULL)
		return 0;
	glpi_error_code(a->body.data, a->body.len, code, sizeof code);
	return strcmp(code, "ERROR_SESSION_TOKEN_INVALID") == 0;
}

/* The session belongs to one URL and one pair of tokens: a SIGHUP that
 * changes them ends it. */
static void
fingerprint(const struct glpi_api_config *g, char out[CRYPTO_SHA256_HEX])
{
	char text[sizeof g->api_url + 2 * sizeof g->user_token.key + 8];
	size_t n;

	n = (size_t)snprintf(text, sizeof text, "%s\n%.*s\n%.*s", g->api_url,
	    (int)g->user_token.len, (const char *)g->user_token.key, (int)g->app_token.len,
	    (const char *)g->app_token.key);
	crypto_sha256_hex(text, n < sizeof text ? n : sizeof text - 1, out);
	crypto_wipe(text, sizeof text);
}

static enum glpi_outcome
login(struct glpi_client *c, const struct glpi_api_config *g, char *detail, size_t len,
    volatile int *stop)
{
	struct answer a;
	json_t *token;
	enum glpi_outcome out = GLPI_RETRY;

	crypto_wipe(c->session, sizeof c->session);
	get(c, g, "initSession", 1, &a, stop);
	token = json_is_object(a.json) ? json_object_get(a.json, "session_token") : NULL;
	if (stop != NULL && *stop)
		out = GLPI_STOPPED;
	else if (a.curl == CURLE_OK && a.status == 200 && json_is_string(token) &&
	    json_string_length(token) > 0 && json_string_length(token) < sizeof c->session &&
	    strspn(json_string_value(token), "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == json_string_length(token)) {
		snprintf(c->session, sizeof c->session, "%s", json_string_value(token));
		fingerprint(g, c->session_for);
		out = GLPI_FOUND;
	} else
		describe("initSession", &a, detail, len);
	answer_free(&a);
	return out;
}

struct lookup {
	struct glpi_client		*c;
	const struct glpi_api_config	*g;
	volatile int			*stop;
	int				 relogged;	/* once per call */
	char				*detail;
	size_t				 detaillen;
};

/* One call with a session; GLPI_FOUND when a 200/206 JSON answer is in a.
 * A session GLPI no longer knows is renewed and the call repeated, once. */
static enum glpi_outcome
call(struct lookup *l, const char *name, const char *path, struct answer *a)
{
	enum glpi_outcome out;
	char fp[CRYPTO_SHA256_HEX];

	memset(a, 0, sizeof *a);	/* answer_free is safe whatever happens */
	l->relogged = 0;
	fingerprint(l->g, fp);
	if (l->c->session[0] == '\0' || strcmp(fp, l->c->session_for) != 0) {
		if ((out = login(l->c, l->g, l->detail, l->detaillen, l->stop)) != GLPI_FOUND)
			return out;
	}
	for (;;) {
		get(l->c, l->g, path, 0, a, l->stop);
		if (l->stop != NULL && *l->stop)
			return GLPI_STOPPED;
		if (!session_invalid(a) || l->relogged)
			break;
		answer_free(a);
		l->relogged = 1;
		if ((out = login(l->c, l->g, l->detail, l->detaillen, l->stop)) != GLPI_FOUND)
			return out;
	}
	if (a->curl == CURLE_OK && (a->status == 200 || a->status == 206) && a->json != NULL)
		return GLPI_FOUND;
	describe(name, a, l->detail, l->detaillen);
	if (session_invalid(a))	/* GLPI refused the new session too */
		crypto_wipe(l->c->session, sizeof l->c->session);
	/* a ticket or user that GLPI says it does not have will not appear
	 * later; a 404 page that is not GLPI's may be a proxy's mistake */
	return a->curl == CURLE_OK && a->status == 404 && a->json != NULL ? GLPI_NO_ADDRESS :
	    GLPI_RETRY;
}

static enum glpi_outcome
user_address(struct lookup *l, long long uid, struct address_found *found)
{
	char path[96];
	struct answer a;
	enum glpi_outcome out;
	int n;

	snprintf(path, sizeof path, "User/%lld/UserEmail?range=0-99", uid);
	if ((out = call(l, "User/UserEmail", path, &a)) == GLPI_FOUND) {
		n = glpi_pick_email(a.body.data, a.body.len, found->email, sizeof found->email);
		if (n == -1) {
			snprintf(l->detail, l->detaillen, "GLPI User/UserEmail: not a list");
			out = GLPI_RETRY;
		} else if (n == 0) {
			snprintf(l->detail, l->detaillen, "GLPI User/UserEmail: the requester (user "
			    "%lld) has no e-mail address", uid);
			out = GLPI_NO_ADDRESS;
		}
	}
	answer_free(&a);
	return out;
}

/* Language and name: nice to have; a failure costs nothing. */
static enum glpi_outcome
user_details(struct lookup *l, long long uid, struct address_found *found)
{
	char path[64], ignored[200];
	struct answer a;
	enum glpi_outcome out;
	char *detail = l->detail;

	snprintf(path, sizeof path, "User/%lld", uid);
	l->detail = ignored;
	out = call(l, "User", path, &a);
	l->detail = detail;
	if (out == GLPI_FOUND)
		glpi_user_details(a.body.data, a.body.len, found->language, found->name,
		    sizeof found->name);
	answer_free(&a);
	return out == GLPI_STOPPED ? GLPI_STOPPED : GLPI_FOUND;
}

enum glpi_outcome
glpi_api_lookup(struct glpi_client *c, const struct glpi_api_config *g, const char *ticket_id,
    struct address_found *found, char *detail, size_t detaillen, volatile int *stop)
{
	struct lookup l = { c, g, stop, 0, detail, detaillen };
	char path[NPSD_MAX_ID + 64];
	struct answer a;
	enum glpi_outcome out;
	enum glpi_pick pick = GLPI_PICK_NONE;
	long long uid = 0;

	memset(found, 0, sizeof *found);
	detail[0] = '\0';
	if (ticket_id[0] == '\0' || strspn(ticket_id, "0123456789") != strlen(ticket_id)) {
		snprintf(detail, detaillen, "GLPI: the ticket id is not a number");
		return GLPI_NO_ADDRESS;
	}
	snprintf(path, sizeof path, "Ticket/%s/Ticket_User?range=0-99", ticket_id);
	if ((out = call(&l, "Ticket/Ticket_User", path, &a)) == GLPI_FOUND) {
		pick = glpi_pick_requester(a.body.data, a.body.len, found->email,
		    sizeof found->email, &uid);
		if (pick == GLPI_PICK_MALFORMED) {
			snprintf(detail, detaillen, "GLPI Ticket/Ticket_User: not a list");
			out = GLPI_RETRY;
		} else if (pick == GLPI_PICK_NONE) {
			snprintf(detail, detaillen, "GLPI Ticket/Ticket_User: the ticket has no "
			    "requester with an address");
			out = GLPI_NO_ADDRESS;
		}
	}
	answer_free(&a);
	if (out != GLPI_FOUND)
		return out;
	if (pick == GLPI_PICK_USER && (out = user_address(&l, uid, found)) != GLPI_FOUND)
		return out;
	if (uid > 0 && user_details(&l, uid, found) == GLPI_STOPPED)
		return GLPI_STOPPED;
	return GLPI_FOUND;
}
