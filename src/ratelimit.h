/* ratelimit.h - per-client limits on requests for unknown tokens. */
#ifndef NPSD_RATELIMIT_H
#define NPSD_RATELIMIT_H

#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

/* The daemon's one table: NPSD_RATELIMIT_CLIENTS clients,
 * NPSD_UNKNOWN_TOKEN_LIMIT requests per NPSD_UNKNOWN_TOKEN_WINDOW. */
/* Counts one unknown-token request from the client: 1 when this one
 * reaches the limit (for the log), else 0. */
int	ratelimit_note_unknown(const struct sockaddr *, time_t now);
/* Seconds the client must wait (for Retry-After), or 0 when it may go on. */
int	ratelimit_wait(const struct sockaddr *, time_t now);

/* A table of its own (the tests use small ones): remembers up to capacity
 * clients, each by its exact address, in buckets hash chains (a power of
 * two; 1 makes every address collide). NULL when out of memory. */
struct ratelimit;
struct ratelimit *ratelimit_new(size_t capacity, size_t buckets, int limit, long long window);
void	ratelimit_free(struct ratelimit *);
int	ratelimit_table_note(struct ratelimit *, const struct sockaddr *, time_t now);
int	ratelimit_table_wait(struct ratelimit *, const struct sockaddr *, time_t now);
/* Clients the table remembers now (windows not yet ended included). */
size_t	ratelimit_table_clients(struct ratelimit *);

#endif
