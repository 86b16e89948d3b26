/* ratelimit.c - owns the guard against token guessing: each client
 * address may make NPSD_UNKNOWN_TOKEN_LIMIT failed attempts (unknown
 * tokens or links, sign-in requests) per window; after that its failing
 * requests get 429 until the window ends (page.c decides which). The
 * address is the real client's behind a trusted proxy (forwarded.c). Clients are kept by their exact address (an IPv6 client by its
 * /64, which is cheap to rotate inside) in a fixed table: hash chains to
 * find one, a list by last use to evict the least recently seen when the
 * table is full. No client can make the table forget another except by
 * being one of NPSD_RATELIMIT_CLIENTS newer ones. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "limits.h"
#include "ratelimit.h"

#define KEY_BYTES 9		/* family tag, then 4 (IPv4) or 8 (IPv6 /64) bytes */

struct client {
	unsigned char	 key[KEY_BYTES];
	int		 count;
	time_t		 window_start;
	uint32_t	 chain;		/* next client in the same bucket; 0 ends */
	uint32_t	 newer, older;	/* the list by last use; 0 ends */
};

struct ratelimit {
	pthread_mutex_t	 lock;
	struct client	*clients;	/* [1..capacity]: index 0 means none */
	uint32_t	*buckets;
	size_t		 capacity, nbuckets, used;
	uint32_t	 newest, oldest;
	uint32_t	 seed;
	int		 seeded, limit;
	long long	 window;
	int		 owned;		/* from ratelimit_new: free the arrays */
};

_Static_assert((NPSD_RATELIMIT_CLIENTS & (NPSD_RATELIMIT_CLIENTS - 1)) == 0,
    "NPSD_RATELIMIT_CLIENTS must be a power of two: the buckets are a mask");

static struct client global_clients[NPSD_RATELIMIT_CLIENTS + 1];
static uint32_t global_buckets[2 * NPSD_RATELIMIT_CLIENTS];
static struct ratelimit global = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.clients = global_clients,
	.buckets = global_buckets,
	.capacity = NPSD_RATELIMIT_CLIENTS,
	.nbuckets = 2 * NPSD_RATELIMIT_CLIENTS,
	.limit = NPSD_UNKNOWN_TOKEN_LIMIT,
	.window = NPSD_UNKNOWN_TOKEN_WINDOW,
};

/* 0 when the address is not limited (no address, not IP). */
static int
address_key(const struct sockaddr *sa, unsigned char key[KEY_BYTES])
{
	memset(key, 0, KEY_BYTES);
	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 1;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {	/* a dual-stack socket's IPv4 client */
			key[0] = 4;
			memcpy(key + 1, a->s6_addr + 12, 4);
		} else {
			key[0] = 6;
			memcpy(key + 1, a->s6_addr, 8);
		}
		return 1;
	}
	return 0;
}

static size_t
bucket_of(const struct ratelimit *t, const unsigned char key[KEY_BYTES])
{
	uint32_t h = 2166136261u ^ t->seed;	/* FNV-1a, seeded per process */

	for (size_t i = 0; i < KEY_BYTES; i++)
		h = (h ^ key[i]) * 16777619u;
	h ^= h >> 15;
	return h & (t->nbuckets - 1);
}

static uint32_t
find(const struct ratelimit *t, const unsigned char key[KEY_BYTES], size_t bucket)
{
	for (uint32_t i = t->buckets[bucket]; i != 0; i = t->clients[i].chain)
		if (memcmp(t->clients[i].key, key, KEY_BYTES) == 0)
			return i;
	return 0;
}

static void
list_unlink(struct ratelimit *t, uint32_t i)
{
	struct client *c = &t->clients[i];

	if (c->newer != 0)
		t->clients[c->newer].older = c->older;
	else
		t->newest = c->older;
	if (c->older != 0)
		t->clients[c->older].newer = c->newer;
	else
		t->oldest = c->newer;
	c->newer = c->older = 0;
}

static void
list_push_newest(struct ratelimit *t, uint32_t i)
{
	struct client *c = &t->clients[i];

	c->newer = 0;
	c->older = t->newest;
	if (t->newest != 0)
		t->clients[t->newest].newer = i;
	t->newest = i;
	if (t->oldest == 0)
		t->oldest = i;
}

static void
chain_unlink(struct ratelimit *t, uint32_t i)
{
	uint32_t *link = &t->buckets[bucket_of(t, t->clients[i].key)];

	while (*link != 0 && *link != i)
		link = &t->clients[*link].chain;
	if (*link == i)
		*link = t->clients[i].chain;
	t->clients[i].chain = 0;
}

/* A free entry while there is one, else the least recently seen client's. */
static uint32_t
insert(struct ratelimit *t, const unsigned char key[KEY_BYTES], size_t bucket, time_t now)
{
	struct client *c;
	uint32_t i;

	if (t->used < t->capacity) {
		i = (uint32_t)++t->used;
	} else {
		i = t->oldest;
		list_unlink(t, i);
		chain_unlink(t, i);
	}
	c = &t->clients[i];
	memcpy(c->key, key, KEY_BYTES);
	c->count = 0;
	c->window_start = now;
	c->chain = t->buckets[bucket];
	t->buckets[bucket] = i;
	list_push_newest(t, i);
	return i;
}

static void
lock_table(struct ratelimit *t)
{
	pthread_mutex_lock(&t->lock);
	if (!t->seeded) {
		/* without entropy the table still works; only chains grow guessable */
		if (crypto_random_bytes(&t->seed, sizeof t->seed) == -1)
			t->seed = 0;
		t->seeded = 1;
	}
}

int
ratelimit_table_note(struct ratelimit *t, const struct sockaddr *sa, time_t now)
{
	unsigned char key[KEY_BYTES];
	struct client *c;
	size_t bucket;
	uint32_t i;
	int reached = 0;

	if (!address_key(sa, key))
		return 0;
	lock_table(t);
	bucket = bucket_of(t, key);
	if ((i = find(t, key, bucket)) == 0) {
		i = insert(t, key, bucket, now);
	} else {
		list_unlink(t, i);
		list_push_newest(t, i);
	}
	c = &t->clients[i];
	if ((long long)now - (long long)c->window_start >= t->window) {
		c->window_start = now;
		c->count = 0;
	}
	if (c->count < t->limit)	/* past the limit, more tells nothing */
		reached = ++c->count == t->limit;
	pthread_mutex_unlock(&t->lock);
	return reached;
}

int
ratelimit_table_wait(struct ratelimit *t, const struct sockaddr *sa, time_t now)
{
	unsigned char key[KEY_BYTES];
	long long wait = 0;
	struct client *c;
	uint32_t i;

	if (!address_key(sa, key))
		return 0;
	lock_table(t);
	if ((i = find(t, key, bucket_of(t, key))) != 0) {
		/* a client that keeps asking stays the newest: it is not evicted */
		list_unlink(t, i);
		list_push_newest(t, i);
		c = &t->clients[i];
		if (c->count >= t->limit)
			wait = (long long)c->window_start + t->window - (long long)now;
	}
	pthread_mutex_unlock(&t->lock);
	if (wait > t->window)	/* the clock went back */
		wait = t->window;
	return wait > 0 ? (int)wait : 0;
}

size_t
ratelimit_table_clients(struct ratelimit *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->used;
	pthread_mutex_unlock(&t->lock);
	return n;
}

struct ratelimit *
ratelimit_new(size_t capacity, size_t buckets, int limit, long long window)
{
	struct ratelimit *t;

	if (capacity == 0 || capacity >= UINT32_MAX || buckets == 0 ||
	    (buckets & (buckets - 1)) != 0 || limit < 1 || window < 1)
		return NULL;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->clients = calloc(capacity + 1, sizeof *t->clients);
	t->buckets = calloc(buckets, sizeof *t->buckets);
	if (t->clients == NULL || t->buckets == NULL || pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t->clients);
		free(t->buckets);
		free(t);
		return NULL;
	}
	t->capacity = capacity;
	t->nbuckets = buckets;
	t->limit = limit;
	t->window = window;
	t->owned = 1;
	return t;
}

void
ratelimit_free(struct ratelimit *t)
{
	if (t == NULL || !t->owned)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->clients);
	free(t->buckets);
	free(t);
}

int
ratelimit_note_unknown(const struct sockaddr *sa, time_t now)
{
	return ratelimit_table_note(&global, sa, now);
}

int
ratelimit_wait(const struct sockaddr *sa, time_t now)
{
	return ratelimit_table_wait(&global, sa, now);
}
