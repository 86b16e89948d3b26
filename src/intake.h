/* intake.h - the single writer thread that commits webhook events in
 * groups, so one fsync covers every event that arrived meanwhile. Callers
 * are told of the commit by a callback, so no HTTP thread waits. */
#ifndef NPSD_INTAKE_H
#define NPSD_INTAKE_H

#include <time.h>

#include "survey.h"

struct intake_job {
	const char		*source;
	const char		*delivery_id;
	const struct event	*event;
	time_t			 now;
	struct intake_result	 result;
	int			 rc;		/* STORE_OK once committed */
	/* called from the writer thread after the commit (or failure) */
	void			(*on_done)(struct intake_job *);
	void			*arg;
	struct intake_job	*next;
};

/* Opens the writer's own connection to target (config_store_target).
 * on_scheduled is called (from the writer thread) after a commit that
 * scheduled at least one survey. */
int	intake_start(const char *target, int synchronous, const struct policy *,
    void (*on_scheduled)(void));
/* Queues the job; its on_done runs once its transaction committed or
 * failed. -1 when the writer is stopping (nothing was queued). */
int	intake_enqueue(struct intake_job *);
/* Commits what is queued, then ends the thread. */
void	intake_stop(void);

#endif
