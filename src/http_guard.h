/* http_guard.h - the HTTP connection guard: deadlines for a request's
 * headers and body, per-address caps, idle connections shed first. */
#ifndef NPSD_HTTP_GUARD_H
#define NPSD_HTTP_GUARD_H

#include <sys/socket.h>

#include <microhttpd.h>

/* Starts the thread that enforces the deadlines. */
int	http_guard_start(void);
/* Stops it; the MHD daemon may still be running. */
void	http_guard_stop(void);

/* MHD_AcceptPolicyCallback: makes room for a new connection from addr by
 * shedding an idle one, or refuses it when addr holds its cap of busy
 * connections. */
enum MHD_Result http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/* MHD_NotifyConnectionCallback: tracks each connection from accept to close. */
void	http_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code);

/* A request line arrived: the connection is no longer idle. */
void	http_guard_request_line(struct MHD_Connection *);
/* A request's headers are complete: its body deadline starts. */
void	http_guard_headers_done(struct MHD_Connection *);
/* n more bytes of the body arrived. */
void	http_guard_body(struct MHD_Connection *, size_t n);
/* The body is complete: no deadline while the request is handled. */
void	http_guard_body_done(struct MHD_Connection *);
/* The answer is sent: the next request's header deadline starts. */
void	http_guard_request_done(struct MHD_Connection *);

/* Pure: 1 when a connection in this state is past its deadline.
 * waiting: before the headers are complete; since_ms: when that state
 * began; body_bytes: body received since the headers. */
int	http_guard_overdue(int waiting, long long since_ms, unsigned long long body_bytes,
    long long now_ms);

#endif
