/* intake.c - owns the write path of webhook events: HTTP threads queue
 * jobs, one writer thread takes every queued job, applies each inside a
 * savepoint of one BEGIN IMMEDIATE transaction and commits once (group
 * commit), then calls each job's on_done. The HTTP answer is only sent
 * from there, after the commit. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdlib.h>

#include "intake.h"
#include "log.h"
#include "store_survey.h"

#define INTAKE_MAX_GROUP 256

static pthread_mutex_t intake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t intake_queued = PTHREAD_COND_INITIALIZER;
static struct intake_job *queue_head, *queue_tail;
static int intake_stopping, intake_running;
static pthread_t intake_thread;
static struct store *intake_db;
static struct policy intake_policy;
static void (*intake_on_scheduled)(void);

static void
apply_group(struct intake_job *group)
{
	struct intake_job *j;
	int rc, scheduled = 0;

	rc = store_begin(intake_db);
	for (j = group; j != NULL && rc == STORE_OK; j = j->next) {
		if ((rc = j->rc = store_intake_event_begin(intake_db)) != STORE_OK)
			break;
		j->rc = survey_intake(intake_db, &intake_policy, j->source, j->delivery_id,
		    j->event, j->now, &j->result);
		if (j->rc != STORE_OK) {
			log_warnx("intake: %s", store_errmsg(intake_db));
			/* the transaction cannot go on when the undo fails */
			rc = store_intake_event_undo(intake_db);
		} else {
			rc = store_intake_event_end(intake_db);
		}
		if (j->rc == STORE_OK && j->result.outcome == INTAKE_SCHEDULED)
			scheduled = 1;
	}
	if (rc == STORE_OK)
		rc = store_commit(intake_db);
	else
		store_rollback(intake_db);
	if (rc != STORE_OK) {
		log_warnx("intake: commit failed: %s", store_errmsg(intake_db));
		for (j = group; j != NULL; j = j->next)
			j->rc = rc;
		scheduled = 0;
	}
	if (scheduled && intake_on_scheduled != NULL)
		intake_on_scheduled();
}

static void *
intake_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&intake_lock);
	for (;;) {
		struct intake_job *group, *j, *last;
		int n = 1;

		while (queue_head == NULL && !intake_stopping)
			pthread_cond_wait(&intake_queued, &intake_lock);
		if (queue_head == NULL)
			break;
		group = last = queue_head;
		while (last->next != NULL && n < INTAKE_MAX_GROUP) {
			last = last->next;
			n++;
		}
		queue_head = last->next;
		if (queue_head == NULL)
			queue_tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&intake_lock);

		apply_group(group);

		for (j = group; j != NULL; j = last) {
			last = j->next;	/* on_done may free j */
			j->on_done(j);
		}
		pthread_mutex_lock(&intake_lock);
	}
	pthread_mutex_unlock(&intake_lock);
	return NULL;
}

int
intake_start(const char *target, int synchronous, const struct policy *pol,
    void (*on_scheduled)(void))
{
	char err[256];

	if ((intake_db = store_open(target, synchronous, 0, err, sizeof err)) == NULL) {
		log_warnx("intake: %s", err);
		return -1;
	}
	intake_policy = *pol;
	intake_on_scheduled = on_scheduled;
	intake_stopping = 0;
	intake_running = 1;
	if (pthread_create(&intake_thread, NULL, intake_main, NULL) != 0) {
		intake_running = 0;
		store_close(intake_db);
		return -1;
	}
	return 0;
}

int
intake_enqueue(struct intake_job *job)
{
	job->next = NULL;
	job->rc = STORE_ERROR;
	pthread_mutex_lock(&intake_lock);
	if (intake_stopping || !intake_running) {
		pthread_mutex_unlock(&intake_lock);
		return -1;
	}
	if (queue_tail != NULL)
		queue_tail->next = job;
	else
		queue_head = job;
	queue_tail = job;
	pthread_cond_signal(&intake_queued);
	pthread_mutex_unlock(&intake_lock);
	return 0;
}

void
intake_stop(void)
{
	if (!intake_running)
		return;
	pthread_mutex_lock(&intake_lock);
	intake_stopping = 1;
	pthread_cond_signal(&intake_queued);
	pthread_mutex_unlock(&intake_lock);
	pthread_join(intake_thread, NULL);
	store_close(intake_db);
	intake_db = NULL;
	intake_running = 0;
}
