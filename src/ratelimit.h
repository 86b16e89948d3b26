/* ratelimit.h - per-client limits on requests for unknown tokens. */
#ifndef NPSD_RATELIMIT_H
#define NPSD_RATELIMIT_H

#include <sys/socket.h>
#include <time.h>

/* Counts one unknown-token request from the client. */
void	ratelimit_note_unknown(const struct sockaddr *, time_t now);
/* Seconds the client must wait (for Retry-After), or 0 when it may go on. */
int	ratelimit_wait(const struct sockaddr *, time_t now);

#endif
