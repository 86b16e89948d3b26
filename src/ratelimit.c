/* ratelimit.c - owns the guard against token guessing: each client
 * address may ask for NPSD_UNKNOWN_TOKEN_LIMIT unknown tokens per window;
 * after that its survey and unsubscribe requests get 429 until the window
 * ends. A fixed table keyed by a hash of the address: bounded memory, and
 * a collision only shares a budget. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

#include "limits.h"
#include "ratelimit.h"

#define SLOTS 4096

struct slot {
	unsigned	 key;
	time_t		 window_start;
	int		 count;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned
address_key(const struct sockaddr *sa)
{
	const unsigned char *p;
	size_t len;
	unsigned h = 2166136261u;	/* FNV-1a */

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		p = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
		len = 4;
	} else if (sa->sa_family == AF_INET6) {
		/* a /64 is one client: addresses inside it are cheap to rotate */
		p = (const unsigned char *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		len = 8;
	} else {
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h | 1;	/* 0 marks an empty slot */
}

static struct slot *
slot_for(unsigned key, time_t now)
{
	struct slot *s = &slots[key % SLOTS];

	if (s->key != key || now - s->window_start >= NPSD_UNKNOWN_TOKEN_WINDOW) {
		s->key = key;
		s->window_start = now;
		s->count = 0;
	}
	return s;
}

void
ratelimit_note_unknown(const struct sockaddr *sa, time_t now)
{
	unsigned key = address_key(sa);

	if (key == 0)
		return;
	pthread_mutex_lock(&lock);
	slot_for(key, now)->count++;
	pthread_mutex_unlock(&lock);
}

int
ratelimit_wait(const struct sockaddr *sa, time_t now)
{
	unsigned key = address_key(sa);
	struct slot *s;
	int wait = 0;

	if (key == 0)
		return 0;
	pthread_mutex_lock(&lock);
	s = slot_for(key, now);
	if (s->count >= NPSD_UNKNOWN_TOKEN_LIMIT)
		wait = (int)(s->window_start + NPSD_UNKNOWN_TOKEN_WINDOW - now);
	pthread_mutex_unlock(&lock);
	return wait > 0 ? wait : 0;
}
