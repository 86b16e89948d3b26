/* http.c - owns the libmicrohttpd server: binding, connection limits,
 * per-request state (created on the first callback, freed once in the
 * completion callback), bounded body reading, media-type checks, the
 * response helpers with their security headers, and a graceful stop. */
#include "autoconfig.h"

#include <ctype.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "forwarded.h"
#include "http.h"
#include "http_guard.h"
#include "limits.h"
#include "log.h"

static struct MHD_Daemon *daemon_handle;
static atomic_int in_flight;

const char *
http_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_query(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void
common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

/* Every 503 says when to come back; a request whose framing could not be
 * trusted ends its connection. */
static enum MHD_Result
queue(struct request *req, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	common_headers(r);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE &&
	    MHD_get_response_header(r, "Retry-After") == NULL) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", NPSD_RETRY_AFTER_SECONDS);
		MHD_add_response_header(r, "Retry-After", retry);
	}
	if (req->close_connection)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(req->conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Steals obj. */
static struct MHD_Response *
json_response(json_t *obj)
{
	struct MHD_Response *r;
	char *text = json_dumps(obj, JSON_COMPACT);

	json_decref(obj);
	if (text == NULL)
		return NULL;
	r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(text);
		return NULL;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	return r;
}

enum MHD_Result
http_json(struct request *req, unsigned status, json_t *obj)
{
	return queue(req, status, json_response(obj));
}

enum MHD_Result
http_error(struct request *req, unsigned status, const char *error, const char *message)
{
	return http_json(req, status, json_pack("{s:s, s:s}", "error", error, "message", message));
}

static enum MHD_Result
method_not_allowed(struct request *req, const char *allow)
{
	struct MHD_Response *r = json_response(json_pack("{s:s, s:s}", "error",
	    "method_not_allowed", "message", "this method is not allowed on this path"));

	if (r != NULL)
		MHD_add_response_header(r, "Allow", allow);
	return queue(req, MHD_HTTP_METHOD_NOT_ALLOWED, r);
}

enum MHD_Result
http_unauthorized(struct request *req, const char *message)
{
	struct MHD_Response *r = json_response(json_pack("{s:s, s:s}", "error", "unauthorized",
	    "message", message));

	if (r != NULL)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"npsd\"");
	return queue(req, MHD_HTTP_UNAUTHORIZED, r);
}

enum MHD_Result
http_html(struct request *req, unsigned status, const char *html, size_t len)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, (void *)html, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	return queue(req, status, r);
}

enum MHD_Result
http_text(struct request *req, unsigned status, const char *content_type, const char *text)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", content_type);
	return queue(req, status, r);
}

enum MHD_Result
http_too_many(struct request *req, int retry_after)
{
	struct MHD_Response *r;
	char value[16];
	static const char text[] = "too many requests for unknown links; try again later\n";

	r = MHD_create_response_from_buffer(sizeof text - 1, (void *)text, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	snprintf(value, sizeof value, "%d", retry_after);
	MHD_add_response_header(r, "Retry-After", value);
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	return queue(req, MHD_HTTP_TOO_MANY_REQUESTS, r);
}

enum MHD_Result
http_redirect(struct request *req, const char *location)
{
	return http_redirect_cookie(req, location, NULL);
}

enum MHD_Result
http_redirect_cookie(struct request *req, const char *location, const char *cookie)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Location", location);
	if (cookie != NULL)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	return queue(req, MHD_HTTP_SEE_OTHER, r);
}

const char *
http_cookie(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void
http_form_finish(struct request *req)
{
	if (req->post != NULL) {
		MHD_destroy_post_processor(req->post);
		req->post = NULL;
	}
}

/* A short field, kept whole or marked too long. */
static void
fixed_field(char *dst, size_t dstlen, int *too_long, const char *data, uint64_t off,
    size_t size)
{
	if (*too_long || off + size >= dstlen) {
		*too_long = 1;
		return;
	}
	memcpy(dst + off, data, size);
	dst[off + size] = '\0';
}

static enum MHD_Result
form_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *content_type, const char *transfer_encoding, const char *data,
    uint64_t off, size_t size)
{
	struct form *f = cls;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (strcmp(key, "score") == 0)
		fixed_field(f->score, sizeof f->score, &f->score_too_long, data, off, size);
	else if (strcmp(key, "r") == 0)
		fixed_field(f->stamp, sizeof f->stamp, &f->stamp_too_long, data, off, size);
	else if (strcmp(key, "email") == 0)
		fixed_field(f->email, sizeof f->email, &f->email_too_long, data, off, size);
	else if (strcmp(key, "csrf") == 0)
		fixed_field(f->csrf, sizeof f->csrf, &f->csrf_too_long, data, off, size);
	else if (strcmp(key, "comment") == 0 && !f->comment_too_long &&
	    buf_append(&f->comment, data, size) == -1)
		f->comment_too_long = 1;
	return MHD_YES;
}

static int
media_type_is(const char *header, const char *want)
{
	size_t n = strlen(want);

	if (header == NULL || strncasecmp(header, want, n) != 0)
		return 0;
	return header[n] == '\0' || header[n] == ';' || header[n] == ' ';
}

struct joined_header {
	const char	*name;
	struct buf	 value;
	int		 lines;
};

static enum MHD_Result
join_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct joined_header *h = cls;

	(void)kind;
	if (strcasecmp(key, h->name) != 0)
		return MHD_YES;
	/* RFC 9110 5.3: several lines of a list header are one list */
	if ((h->lines++ > 0 && buf_puts(&h->value, ",") == -1) ||
	    buf_puts(&h->value, value != NULL ? value : "") == -1)
		h->value.max = 0;	/* too long: stands for no usable address */
	return MHD_YES;
}

/* The header's lines joined; NULL when absent, "" when too long. */
static const char *
joined(struct request *req, struct joined_header *h, const char *name)
{
	h->name = name;
	h->lines = 0;
	buf_init(&h->value, NPSD_MAX_FORWARDED_HEADER);
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, join_header, h);
	if (h->lines == 0)
		return NULL;
	return h->value.max == 0 || h->value.data == NULL ? "" : h->value.data;
}

const struct sockaddr *
http_client_address(struct request *req)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *peer;
	struct joined_header fwd, xff;

	if (req->client_known)
		return req->client.ss_family != 0 ? (const struct sockaddr *)&req->client : NULL;
	req->client_known = 1;
	memset(&fwd, 0, sizeof fwd);
	memset(&xff, 0, sizeof xff);
	ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	peer = ci != NULL ? ci->client_addr : NULL;
	pthread_rwlock_rdlock(&config_reload_lock);	/* SIGHUP may change the list */
	if (!forwarded_trusted(&req->cfg->trusted_proxies, peer)) {
		forwarded_client(NULL, peer, NULL, NULL, &req->client);
	} else if (forwarded_client(&req->cfg->trusted_proxies, peer,
	    joined(req, &fwd, "Forwarded"), joined(req, &xff, "X-Forwarded-For"),
	    &req->client) == FORWARDED_UNCLEAR) {
		log_debug("http: a trusted proxy's request names no client, or two; its own "
		    "address stands in");
	}
	pthread_rwlock_unlock(&config_reload_lock);
	if (fwd.name != NULL)
		buf_free(&fwd.value);
	if (xff.name != NULL)
		buf_free(&xff.value);
	return req->client.ss_family != 0 ? (const struct sockaddr *)&req->client : NULL;
}

void
http_client_text(struct request *req, char *out, size_t outlen)
{
	forwarded_format(http_client_address(req), out, outlen);
}

/* 1 when a form post comes from another site. Browsers that send
 * Sec-Fetch-Site are judged by it: with Referrer-Policy no-referrer they
 * send "Origin: null" even for our own forms. Otherwise the Origin, when
 * there is one, must be public_url's. Mail clients' one-click unsubscribe
 * POSTs carry neither. */
static int
cross_site(struct request *req)
{
	const char *fetch_site = http_header(req, "Sec-Fetch-Site");
	const char *origin = http_header(req, "Origin");
	const char *base = req->cfg->public_url, *host;
	size_t len;

	if (fetch_site != NULL)
		return strcmp(fetch_site, "same-origin") != 0 && strcmp(fetch_site, "none") != 0;
	if (origin == NULL)
		return 0;
	host = strstr(base, "://");
	len = host ? (size_t)(strchrnul(host + 3, '/') - base) : strlen(base);
	return strlen(origin) != len || strncasecmp(origin, base, len) != 0;
}

struct framing {
	int		 transfer_encodings, chunked, content_lengths, lengths_differ;
	const char	*length;
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (value == NULL)
		value = "";
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->transfer_encodings++;
		f->chunked = strcasecmp(value, "chunked") == 0;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (f->content_lengths++ > 0 && strcmp(value, f->length) != 0)
			f->lengths_differ = 1;
		f->length = value;
	}
	return MHD_YES;
}

/* Requests whose body cannot be delimited with certainty (RFC 9112
 * section 6.3) are answered at once and their connection closed: what
 * follows on it could be read as another request. Returns 1 when answered. */
static int
bad_framing(struct request *req, enum MHD_Result *ret)
{
	struct framing f = { 0, 0, 0, 0, NULL };

	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.transfer_encodings == 0 && !f.lengths_differ)
		return 0;
	req->close_connection = 1;
	if (f.transfer_encodings > 1 || (f.transfer_encodings == 1 && !f.chunked))
		*ret = http_error(req, MHD_HTTP_NOT_IMPLEMENTED, "not_implemented",
		    "the only Transfer-Encoding understood is chunked");
	else if (f.content_lengths > 0 && f.transfer_encodings > 0)
		*ret = http_error(req, MHD_HTTP_BAD_REQUEST, "bad_request",
		    "Content-Length and Transfer-Encoding cannot be sent together");
	else if (f.lengths_differ)
		*ret = http_error(req, MHD_HTTP_BAD_REQUEST, "bad_request",
		    "Content-Length is given more than once");
	else
		return req->close_connection = 0;
	return 1;
}

static enum MHD_Result
first_call(struct request *req, const char *url, const char *method)
{
	const char *length;
	char allow[64];
	long long limit;
	enum MHD_Result ret;

	if (bad_framing(req, &ret))
		return ret;
	if (req->target_nul)
		return http_error(req, MHD_HTTP_BAD_REQUEST, "bad_request",
		    "the request target contains a NUL byte (%00)");
	req->route = routes_find(method, url, allow, sizeof allow);
	if (req->route == NULL) {
		if (allow[0] != '\0')
			return method_not_allowed(req, allow);
		return http_error(req, MHD_HTTP_NOT_FOUND, "not_found", "no such path");
	}
	req->arg = url + strlen(req->route->prefix);
	if (req->route->precheck != NULL && req->route->precheck(req, &ret))
		return ret;

	limit = req->route->body == BODY_JSON ? req->cfg->max_body : NPSD_MAX_FORM_BODY;
	length = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (req->route->body != BODY_NONE && length != NULL && strtoll(length, NULL, 10) > limit)
		return http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    "the body is larger than [server] max_body");
	if (req->route->body == BODY_JSON) {
		if (!media_type_is(http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE),
		    "application/json"))
			return http_error(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
			    "unsupported_media_type", "Content-Type must be application/json");
		buf_init(&req->body, (size_t)limit);
	} else if (req->route->body == BODY_FORM) {
		buf_init(&req->form.comment, NPSD_MAX_COMMENT);
		if (cross_site(req))
			return http_text(req, MHD_HTTP_FORBIDDEN, "text/plain; charset=utf-8",
			    "cross-site form posts are refused\n");
		if (media_type_is(http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE),
		    "application/x-www-form-urlencoded"))
			req->post = MHD_create_post_processor(req->conn, 1024, form_field, &req->form);
		if (req->post == NULL)
			return http_text(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "text/plain; charset=utf-8",
			    "Content-Type must be application/x-www-form-urlencoded\n");
		buf_init(&req->body, NPSD_MAX_FORM_BODY);
	}
	return MHD_YES;
}

int
http_form_wellformed(const char *body, size_t len)
{
	int equals = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c == '&') {
			equals = 0;
		} else if (c == '=') {
			if (equals++ > 0)
				return 0;
		} else if (c == '%') {
			if (i + 2 >= len || !isxdigit((unsigned char)body[i + 1]) ||
			    !isxdigit((unsigned char)body[i + 2]))
				return 0;
			i += 2;
		}
	}
	return 1;
}

/* A body chunk: JSON is kept whole; a form is kept for its check and
 * handed to the post processor. */
static void
body_chunk(struct request *req, const char *data, size_t n)
{
	if (req->too_large || req->bad_form || req->route == NULL ||
	    req->route->body == BODY_NONE)
		return;
	if (buf_append(&req->body, data, n) == -1) {
		req->too_large = 1;
		return;
	}
	if (req->route->body == BODY_FORM && MHD_post_process(req->post, data, n) != MHD_YES)
		req->bad_form = 1;
}

/* Called by libmicrohttpd with the raw request target, before it is
 * decoded: the one place a %00 can still be seen. */
static void *
request_begin(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *req = calloc(1, sizeof *req);

	(void)cls;
	http_guard_request_line(conn);
	if (req == NULL)
		return NULL;
	req->target_nul = strstr(uri, "%00") != NULL;
	return req;
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct request *req = *con_cls;

	(void)version;
	if (req == NULL) {
		if ((req = calloc(1, sizeof *req)) == NULL)
			return MHD_NO;
		*con_cls = req;
	}
	if (!req->started) {
		req->started = 1;
		atomic_fetch_add(&in_flight, 1);
		req->conn = conn;
		req->cfg = cls;
		req->url = url;
		req->method = method;
		http_guard_headers_done(conn);
		return first_call(req, url, method);
	}
	if (*upload_data_size > 0) {
		http_guard_body(conn, *upload_data_size);
		body_chunk(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	http_guard_body_done(conn);
	if (req->too_large)
		return http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    "the body is larger than allowed");
	if (req->route->body == BODY_FORM &&
	    (req->bad_form || !http_form_wellformed(req->body.data, req->body.len)))
		return http_text(req, MHD_HTTP_BAD_REQUEST, "text/plain; charset=utf-8",
		    "the form is not well-formed application/x-www-form-urlencoded\n");
	return req->route->handler(req);
}

static void
request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	(void)cls;
	(void)toe;
	http_guard_request_done(conn);
	if (req == NULL)
		return;
	if (req->post != NULL)
		MHD_destroy_post_processor(req->post);
	buf_free(&req->body);
	buf_free(&req->form.comment);
	free(req->job);
	free(req->event);
	if (req->started)
		atomic_fetch_sub(&in_flight, 1);
	free(req);
	*con_cls = NULL;
}

/* libmicrohttpd logs a line for every connection it refuses; under a
 * flood that is thousands a second. At most NPSD_HTTP_LOG_BURST lines a
 * period, then one line counting the rest. */
static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t period;
	static unsigned long lines, dropped;
	unsigned long was_dropped = 0;
	time_t now = time(NULL);
	char line[512];
	int show;

	(void)cls;
	pthread_mutex_lock(&lock);
	if (now - period >= NPSD_GUARD_REPORT_SECONDS) {
		was_dropped = dropped;
		period = now;
		lines = dropped = 0;
	}
	show = lines++ < NPSD_HTTP_LOG_BURST;
	if (!show)
		dropped++;
	pthread_mutex_unlock(&lock);
	if (was_dropped > 0)
		log_warnx("http: %lu more libmicrohttpd messages were not logged", was_dropped);
	if (!show)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warnx("http: %s", line);
}

/* Every connection is a descriptor; the soft limit is raised (up to the
 * hard one) to hold the connection cap and the daemon's own files. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;
	rlim_t want = NPSD_MAX_CONNECTIONS + NPSD_PER_IP_SLACK * 16 + NPSD_FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		log_warnx("http: the open-file limit (%llu) is below the %llu the connection cap "
		    "needs", (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

int
http_start(const struct config *cfg, unsigned *bound_port)
{
	struct addrinfo hints, *ai = NULL;
	const union MHD_DaemonInfo *info;
	char port[8];
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
	    MHD_ALLOW_SUSPEND_RESUME;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(port, sizeof port, "%u", cfg->listen_port);
	if ((rc = getaddrinfo(cfg->listen_host, port, &hints, &ai)) != 0) {
		log_warnx("[server] listen: %s: %s", cfg->listen_host, gai_strerror(rc));
		return -1;
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	raise_fd_limit();
	if (http_guard_start() == -1) {
		freeaddrinfo(ai);
		return -1;
	}
	/* The guard keeps each address to NPSD_PER_IP_CONNECTIONS live
	 * connections by shedding its idle ones; libmicrohttpd's own cap, a
	 * little higher, counts those until they are closed. */
	daemon_handle = MHD_start_daemon(flags, (uint16_t)cfg->listen_port,
	    http_guard_accept, NULL, access_handler, (void *)cfg,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)NPSD_MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)(NPSD_PER_IP_CONNECTIONS + NPSD_PER_IP_SLACK),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)NPSD_CONNECTION_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_CONNECTION, http_guard_notify, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, request_begin, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (daemon_handle == NULL) {
		http_guard_stop();
		log_warnx("[server] listen: cannot listen on %s:%u", cfg->listen_host,
		    cfg->listen_port);
		return -1;
	}
	info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	*bound_port = info ? info->port : cfg->listen_port;
	return 0;
}

void
http_quiesce(void)
{
	MHD_socket fd;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	if (daemon_handle == NULL)
		return;
	fd = MHD_quiesce_daemon(daemon_handle);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* requests in flight get up to ten seconds to be answered */
	for (int i = 0; i < 500 && atomic_load(&in_flight) > 0; i++)
		nanosleep(&pause, NULL);
}

void
http_stop(void)
{
	if (daemon_handle == NULL)
		return;
	http_guard_stop();
	MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
}
