/* mailer.h - the mail thread: due surveys into the outbox, outbox to the
 * transport, retries, expiry. */
#ifndef NPSD_MAILER_H
#define NPSD_MAILER_H

#include <time.h>

#include "config.h"

int	mailer_start(const struct config *);
/* Asks the thread to look for due work now. */
void	mailer_wake(void);
/* Lets the message in flight finish for [mail] stop_grace, then aborts it
 * and ends the thread. */
void	mailer_stop(void);
/* 0 while the mailer's last write to the database failed (it then sends
 * nothing new), 1 otherwise. */
int	mailer_storage_writable(void);
/* Seconds to wait after the given failed attempt (1-based): retry_min
 * doubled per attempt, capped, with jitter in [half, full] from rnd. */
long long mailer_backoff(long long retry_min, int attempt, unsigned rnd);

#endif
