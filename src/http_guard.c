/* http_guard.c - owns the table of open HTTP connections and what keeps
 * slow and idle clients from holding the server: a deadline from accept
 * (or the previous answer) to a request's last header, a minimum average
 * rate for its body, a cap of live connections per client address, and,
 * near the connection cap, the oldest idle connection shed to make room.
 *
 * Shedding is shutdown(2) of the socket: libmicrohttpd then reads the end
 * of the stream and closes the connection itself. libmicrohttpd sends the
 * close notification before it closes the descriptor and the table's lock
 * is held around both, so a descriptor is never shut down after its reuse. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "http_guard.h"
#include "limits.h"
#include "log.h"

/* RESERVED: accepted by the policy callback, not yet started; both run
 * on the accepting thread, one right after the other. */
enum guard_state { GUARD_FREE, GUARD_RESERVED, GUARD_WAITING, GUARD_BODY, GUARD_HANDLING };

struct guard_addr {
	int		 family;
	unsigned char	 bytes[16];
};

struct guard_conn {
	enum guard_state	 state;
	int			 shed;		/* shut down, not yet closed */
	int			 request_line;	/* a request has begun to arrive */
	int			 fd;
	pthread_t		 owner;		/* the thread that reserved it */
	struct guard_addr	 addr;
	long long		 since_ms;	/* when the state began */
	unsigned long long	 body_bytes;
};

struct guard_counts {
	unsigned long	 idle, headers, body, refused;
};

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t guard_wake;
static struct guard_conn conns[NPSD_MAX_CONNECTIONS];
static size_t live;		/* tracked and not shed */
static struct guard_counts counts;
static int stopping, running;
static pthread_t guard_thread;
static __thread struct guard_conn *reserved;	/* this thread's, if any */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An IPv4-mapped IPv6 address counts as its IPv4 address. */
static void
addr_key(const struct sockaddr *sa, socklen_t len, struct guard_addr *k)
{
	struct sockaddr_storage ss;

	memset(k, 0, sizeof *k);
	memset(&ss, 0, sizeof ss);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET && len > sizeof(struct sockaddr_in))
		len = sizeof(struct sockaddr_in);
	else if (sa->sa_family == AF_INET6 && len > sizeof(struct sockaddr_in6))
		len = sizeof(struct sockaddr_in6);
	memcpy(&ss, sa, len < sizeof ss ? len : sizeof ss);
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		k->family = AF_INET;
		memcpy(k->bytes, &in->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			k->family = AF_INET;
			memcpy(k->bytes, in6->sin6_addr.s6_addr + 12, 4);
		} else {
			k->family = AF_INET6;
			memcpy(k->bytes, &in6->sin6_addr, 16);
		}
	}
}

static int
same_addr(const struct guard_addr *a, const struct guard_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

int
http_guard_overdue(int waiting, long long since_ms, unsigned long long body_bytes,
    long long now)
{
	long long elapsed = now - since_ms;
	unsigned long long credit_ms;

	if (waiting)
		return elapsed >= NPSD_HEADER_TIMEOUT * 1000LL;
	if (body_bytes > NPSD_MAX_BODY_CEILING)
		body_bytes = NPSD_MAX_BODY_CEILING;
	credit_ms = body_bytes * 1000 / NPSD_BODY_MIN_RATE;
	return elapsed > NPSD_BODY_TIMEOUT * 1000LL + (long long)credit_ms;
}

/* Called with the lock held. */
static void
shed(struct guard_conn *c, unsigned long *counter)
{
	shutdown(c->fd, SHUT_RDWR);
	c->shed = 1;
	live--;
	(*counter)++;
}

/* Which waiting connection goes first: one idle past the grace, then one
 * that began a request and has not finished its headers, then one just
 * accepted (its request may not have been read yet). */
static int
shed_rank(const struct guard_conn *c, long long now)
{
	if (c->request_line)
		return 1;
	return now - c->since_ms >= NPSD_IDLE_GRACE_MS ? 0 : 2;
}

/* The connection to shed (only from addr, when given), oldest first in
 * the best rank; NULL when every live connection is in a request. */
static struct guard_conn *
oldest_idle(const struct guard_addr *addr)
{
	struct guard_conn *best = NULL;
	long long now = now_ms();
	int best_rank = 3;

	for (size_t i = 0; i < NPSD_MAX_CONNECTIONS; i++) {
		struct guard_conn *c = &conns[i];
		int rank;

		if (c->state != GUARD_WAITING || c->shed)
			continue;
		if (addr != NULL && !same_addr(&c->addr, addr))
			continue;
		rank = shed_rank(c, now);
		if (rank < best_rank || (rank == best_rank && c->since_ms < best->since_ms)) {
			best = c;
			best_rank = rank;
		}
	}
	return best;
}

static size_t
live_from(const struct guard_addr *addr)
{
	size_t n = 0;

	for (size_t i = 0; i < NPSD_MAX_CONNECTIONS; i++)
		if (conns[i].state != GUARD_FREE && !conns[i].shed && same_addr(&conns[i].addr, addr))
			n++;
	return n;
}

/* Called with the lock held. */
static struct guard_conn *
free_slot(void)
{
	for (size_t i = 0; i < NPSD_MAX_CONNECTIONS; i++)
		if (conns[i].state == GUARD_FREE) {
			memset(&conns[i], 0, sizeof conns[i]);
			return &conns[i];
		}
	return NULL;
}

/* A reservation this thread made for a connection that never started
 * (libmicrohttpd refused it after the policy callback). Lock held. */
static void
release_reservation(void)
{
	if (reserved == NULL)
		return;
	if (reserved->state == GUARD_RESERVED && pthread_equal(reserved->owner, pthread_self())) {
		reserved->state = GUARD_FREE;
		live--;
	}
	reserved = NULL;
}

enum MHD_Result
http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct guard_addr k;
	struct guard_conn *c;
	enum MHD_Result ret = MHD_YES;

	(void)cls;
	addr_key(addr, addrlen, &k);
	pthread_mutex_lock(&guard_lock);
	release_reservation();
	if (live_from(&k) >= NPSD_PER_IP_CONNECTIONS) {
		if ((c = oldest_idle(&k)) != NULL) {
			shed(c, &counts.idle);
		} else {
			counts.refused++;
			ret = MHD_NO;
		}
	}
	if (ret == MHD_YES && live >= NPSD_SHED_AT && (c = oldest_idle(NULL)) != NULL)
		shed(c, &counts.idle);
	if (ret == MHD_YES && (c = free_slot()) != NULL) {
		c->state = GUARD_RESERVED;
		c->owner = pthread_self();
		c->addr = k;
		c->since_ms = now_ms();
		live++;
		reserved = c;
	}
	pthread_mutex_unlock(&guard_lock);
	return ret;
}

static void
track(struct MHD_Connection *conn, void **socket_context)
{
	const union MHD_ConnectionInfo *fd;
	struct guard_conn *c = reserved;

	*socket_context = NULL;
	reserved = NULL;
	fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (c == NULL || c->state != GUARD_RESERVED || !pthread_equal(c->owner, pthread_self()))
		return;
	if (fd == NULL) {
		c->state = GUARD_FREE;
		live--;
		return;
	}
	c->state = GUARD_WAITING;
	c->fd = fd->connect_fd;
	c->since_ms = now_ms();
	*socket_context = c;
}

void
http_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct guard_conn *c;

	(void)cls;
	pthread_mutex_lock(&guard_lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		track(conn, socket_context);
	} else if ((c = *socket_context) != NULL) {
		if (!c->shed)
			live--;
		c->state = GUARD_FREE;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&guard_lock);
}

enum guard_event { EV_REQUEST_LINE, EV_HEADERS, EV_BODY, EV_BODY_DONE, EV_ANSWERED };

/* The socket context is set and cleared by the connection's own thread,
 * the one that calls the functions below. */
static void
note(struct MHD_Connection *conn, enum guard_event ev, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	struct guard_conn *c;
	long long now = now_ms();

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (c = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&guard_lock);
	switch (ev) {
	case EV_REQUEST_LINE:
		c->request_line = 1;
		break;
	case EV_HEADERS:
		c->state = GUARD_BODY;
		c->since_ms = now;
		c->body_bytes = 0;
		break;
	case EV_BODY:
		c->body_bytes += n;
		break;
	case EV_BODY_DONE:
		c->state = GUARD_HANDLING;
		break;
	case EV_ANSWERED:
		c->state = GUARD_WAITING;
		c->since_ms = now;
		c->request_line = 0;
		break;
	}
	pthread_mutex_unlock(&guard_lock);
}

void
http_guard_request_line(struct MHD_Connection *conn)
{
	note(conn, EV_REQUEST_LINE, 0);
}

void
http_guard_headers_done(struct MHD_Connection *conn)
{
	note(conn, EV_HEADERS, 0);
}

void
http_guard_body(struct MHD_Connection *conn, size_t n)
{
	note(conn, EV_BODY, n);
}

void
http_guard_body_done(struct MHD_Connection *conn)
{
	note(conn, EV_BODY_DONE, 0);
}

void
http_guard_request_done(struct MHD_Connection *conn)
{
	note(conn, EV_ANSWERED, 0);
}

/* Called with the lock held. */
static void
sweep(long long now)
{
	struct guard_conn *c;

	for (size_t i = 0; i < NPSD_MAX_CONNECTIONS; i++) {
		c = &conns[i];
		if (c->state == GUARD_RESERVED && now - c->since_ms > 1000) {
			c->state = GUARD_FREE;	/* its thread accepts no more */
			live--;
			continue;
		}
		if (c->shed || (c->state != GUARD_WAITING && c->state != GUARD_BODY))
			continue;
		if (http_guard_overdue(c->state == GUARD_WAITING, c->since_ms, c->body_bytes, now))
			shed(c, c->state == GUARD_WAITING ? &counts.headers : &counts.body);
	}
	while (live >= NPSD_SHED_AT && (c = oldest_idle(NULL)) != NULL)
		shed(c, &counts.idle);
}

static void *
guard_main(void *arg)
{
	long long last_report = now_ms();
	struct guard_counts seen;
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&guard_lock);
	while (!stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += NPSD_GUARD_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&guard_wake, &guard_lock, &until);
		if (stopping)
			break;
		sweep(now_ms());
		if (now_ms() - last_report < NPSD_GUARD_REPORT_SECONDS * 1000LL)
			continue;
		last_report = now_ms();
		seen = counts;
		memset(&counts, 0, sizeof counts);
		pthread_mutex_unlock(&guard_lock);
		if (seen.idle + seen.headers + seen.body + seen.refused > 0)
			log_info("http: closed %lu idle connections near the cap, %lu slow to send "
			    "headers, %lu slow to send a body; refused %lu over the per-address cap",
			    seen.idle, seen.headers, seen.body, seen.refused);
		pthread_mutex_lock(&guard_lock);
	}
	pthread_mutex_unlock(&guard_lock);
	return NULL;
}

int
http_guard_start(void)
{
	pthread_condattr_t attr;

	if (running)
		return 0;
	stopping = 0;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&guard_wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&guard_thread, NULL, guard_main, NULL) != 0) {
		log_warnx("http: the connection guard cannot start");
		pthread_cond_destroy(&guard_wake);
		return -1;
	}
	running = 1;
	return 0;
}

void
http_guard_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&guard_lock);
	stopping = 1;
	pthread_cond_signal(&guard_wake);
	pthread_mutex_unlock(&guard_lock);
	pthread_join(guard_thread, NULL);
	pthread_cond_destroy(&guard_wake);
	running = 0;
}
