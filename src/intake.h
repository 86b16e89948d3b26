/* intake.h - the single writer thread that commits webhook events in
 * groups, so one fsync covers every event that arrived meanwhile. */
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
	int			 rc;		/* SQLITE_OK once committed */
	int			 done;
	struct intake_job	*next;
};

/* on_scheduled is called (from the writer thread) after a commit that
 * scheduled at least one survey. */
int	intake_start(const char *db_path, int synchronous, const struct survey_policy *,
    void (*on_scheduled)(void));
/* Queues the job and waits until its transaction committed or failed. */
int	intake_submit(struct intake_job *);
/* Commits what is queued, then ends the thread. */
void	intake_stop(void);

#endif
