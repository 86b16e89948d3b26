/* http.h - the HTTP server, per-request state and response helpers. */
#ifndef NPSD_HTTP_H
#define NPSD_HTTP_H

#include <sys/socket.h>

#include <microhttpd.h>
#include <jansson.h>

#include "buf.h"
#include "config.h"
#include "limits.h"

enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM };

struct request;
typedef enum MHD_Result (*route_handler)(struct request *);

struct route {
	const char	*method;
	const char	*prefix;	/* matched as a prefix when exact is 0 */
	int		 exact;
	enum body_kind	 body;
	route_handler	 handler;
	/* Optional: called before the body is read; answers (returns 1) or
	 * lets the request go on (returns 0). */
	int		(*precheck)(struct request *, enum MHD_Result *);
};

struct form {
	char		 stamp[64];	/* the signed render time, field "r" */
	int		 stamp_too_long;
	char		 score[8];
	int		 score_too_long;
	struct buf	 comment;
	int		 comment_too_long;
	char		 email[NPSD_MAX_EMAIL + 1];	/* sign-in */
	int		 email_too_long;
	char		 csrf[72];			/* dashboard forms */
	int		 csrf_too_long;
};

struct request {
	struct MHD_Connection	*conn;
	const struct config	*cfg;
	const struct route	*route;
	const char		*url;
	const char		*method;
	const char		*arg;		/* url after the route prefix */
	struct buf		 body;
	int			 started;	/* the handler has seen the headers */
	int			 too_large;
	int			 bad_form;	/* not application/x-www-form-urlencoded */
	int			 target_nul;	/* %00 in the request target */
	int			 close_connection;	/* answer with Connection: close */
	struct MHD_PostProcessor *post;
	struct form		 form;
	struct intake_job	*job;		/* a webhook waiting for its commit */
	struct event		*event;
	struct sockaddr_storage	 client;	/* see http_client_address */
	int			 client_known;
};

struct intake_job;
struct event;

int	http_start(const struct config *, unsigned *bound_port);
/* Stops accepting and waits (bounded) for the requests in flight. */
void	http_quiesce(void);
void	http_stop(void);

/* The route for method and url (HEAD goes where GET does); NULL when
 * there is none, with allow set to the methods the path takes ("" when
 * no route has the path). */
const struct route *routes_find(const char *method, const char *url, char *allow,
    size_t allowlen);
/* 1 when body is well-formed application/x-www-form-urlencoded: every %
 * starts two hex digits, at most one = a field, no control characters. */
int	http_form_wellformed(const char *body, size_t len);

/* Flushes the last form field into req->form. */
void	http_form_finish(struct request *);
const char *http_header(struct request *, const char *name);
const char *http_query(struct request *, const char *name);
/* Steals obj. */
enum MHD_Result http_json(struct request *, unsigned status, json_t *obj);
enum MHD_Result http_error(struct request *, unsigned status, const char *error,
    const char *message);
enum MHD_Result http_html(struct request *, unsigned status, const char *html, size_t len);
enum MHD_Result http_text(struct request *, unsigned status, const char *content_type,
    const char *text);
enum MHD_Result http_redirect(struct request *, const char *location);
/* 303 that also sets a cookie (the whole Set-Cookie value). */
enum MHD_Result http_redirect_cookie(struct request *, const char *location,
    const char *cookie);
const char *http_cookie(struct request *, const char *name);
enum MHD_Result http_too_many(struct request *, int retry_after);
/* 401 with WWW-Authenticate: Bearer. */
enum MHD_Result http_unauthorized(struct request *, const char *message);
/* The client: the peer, or behind a [server] trusted_proxies peer the
 * address its Forwarded / X-Forwarded-For names (forwarded.c). Worked
 * out once per request; NULL when the peer is not an IP client. */
const struct sockaddr *http_client_address(struct request *);
/* The same, as text for a log line. */
void	http_client_text(struct request *, char *out, size_t outlen);

/* Route handlers, one file per group. */
enum MHD_Result hooks_handle(struct request *);
int	hooks_precheck(struct request *, enum MHD_Result *);
enum MHD_Result page_survey_get(struct request *);
enum MHD_Result page_survey_post(struct request *);
enum MHD_Result page_unsubscribe_get(struct request *);
enum MHD_Result page_unsubscribe_post(struct request *);
enum MHD_Result health_handle(struct request *);
enum MHD_Result metrics_handle(struct request *);
enum MHD_Result page_login_get(struct request *);
enum MHD_Result page_login_post(struct request *);
enum MHD_Result page_login_link_get(struct request *);
enum MHD_Result page_login_link_post(struct request *);
enum MHD_Result page_logout(struct request *);
enum MHD_Result page_dash_me(struct request *);
enum MHD_Result page_dash_team(struct request *);
enum MHD_Result page_dash_overview(struct request *);
enum MHD_Result page_dash_followup(struct request *);
enum MHD_Result api_nps(struct request *);
enum MHD_Result api_responses(struct request *);

#endif
