/* glpi_lookup.c - owns the worker thread that finds the requester's
 * address of a GLPI close after the webhook was answered (never on an
 * HTTP thread: GLPI waits 5 s): it takes the waiting close due first,
 * asks GLPI's API (glpi_api.c) with [source.glpi]'s settings as they are
 * now (SIGHUP included), and records the end: the survey scheduled, a
 * retry after a doubling backoff, or no_address after the last try. */
#include "autoconfig.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "glpi_api.h"
#include "glpi_lookup.h"
#include "log.h"
#include "store_survey.h"
#include "survey_address.h"

#define LOOKUP_BACKOFF_CAP	3600	/* seconds between tries, at most */
#define LOOKUP_IDLE_MAX		60	/* seconds asleep without a wake-up */
#define LOOKUP_BUSY_PAUSE	1	/* seconds after the database was busy */
/* API calls one look-up makes at most (session, ticket users, user, its
 * details, end of session), each within api_timeout */
#define LOOKUP_CALLS_MAX	6
#define LOOKUP_LEASE_EXTRA	60	/* seconds */

static pthread_mutex_t lookup_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lookup_cond = PTHREAD_COND_INITIALIZER;
static pthread_t lookup_thread;
static volatile int lookup_stopping;
static int lookup_running, lookup_woken;
static const struct config *lookup_cfg;
static struct policy lookup_policy;
static void (*lookup_on_scheduled)(void);
static struct store *lookup_db;

void
glpi_lookup_wake(void)
{
	pthread_mutex_lock(&lookup_lock);
	lookup_woken = 1;
	pthread_cond_signal(&lookup_cond);
	pthread_mutex_unlock(&lookup_lock);
}

/* Sleeps until next_at (0: a while), a wake-up or the stop. */
static void
sleep_until(long long next_at)
{
	struct timespec ts;
	long long now = (long long)time(NULL);

	if (next_at <= 0 || next_at > now + LOOKUP_IDLE_MAX)
		next_at = now + LOOKUP_IDLE_MAX;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(next_at - now);
	pthread_mutex_lock(&lookup_lock);
	while (!lookup_stopping && !lookup_woken &&
	    pthread_cond_timedwait(&lookup_cond, &lookup_lock, &ts) == 0)
		;
	lookup_woken = 0;
	pthread_mutex_unlock(&lookup_lock);
}

/* The delay before the next try after `failed` failed tries. */
static long long
backoff(const struct glpi_api_config *g, int failed)
{
	long long d = g->lookup_backoff, cap = LOOKUP_BACKOFF_CAP;

	if (cap < g->lookup_backoff)
		cap = g->lookup_backoff;
	for (int i = 1; i < failed && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

/* Writes a look-up's end in one transaction; the database's answer. */
static int
record(const struct store_address_wait *w, enum glpi_outcome out, const struct address_found *found,
    const char *detail, const struct glpi_api_config *g, time_t now, int *scheduled)
{
	struct intake_result res;
	char last[300];
	int rc, failed = w->attempts + 1;

	if ((rc = store_begin(lookup_db)) != STORE_OK)
		return rc;
	if (out == GLPI_FOUND) {
		rc = survey_address_found(lookup_db, &lookup_policy, w->id, found, now, &res);
		if (rc == STORE_OK && res.outcome == INTAKE_SCHEDULED) {
			*scheduled = 1;
			log_info("glpi: ticket %s: requester's address found; survey %s scheduled",
			    w->ticket_id, res.survey_id);
		} else if (rc == STORE_OK)
			log_info("glpi: ticket %s: requester's address found; not surveyed (%s)",
			    w->ticket_id, res.reason != NULL ? res.reason : "?");
	} else if (out == GLPI_NO_ADDRESS || failed >= g->lookup_attempts) {
		if (out == GLPI_RETRY)
			snprintf(last, sizeof last, "%s (gave up after %d tries)", detail, failed);
		else
			snprintf(last, sizeof last, "%s", detail);
		rc = survey_address_missing(lookup_db, w->id, last);
		if (rc == STORE_OK)
			log_warnx("glpi: ticket %s: not surveyed (no_address): %s", w->ticket_id,
			    last);
	} else {
		long long wait = backoff(g, failed);

		rc = survey_address_retry(lookup_db, w->id, now + (time_t)wait, detail);
		if (rc == STORE_OK)
			log_warnx("glpi: ticket %s: %s; try %d of %d failed, next in %llds",
			    w->ticket_id, detail, failed, g->lookup_attempts, wait);
	}
	if (rc == STORE_NOTFOUND) {	/* a reopen cancelled it meanwhile */
		log_info("glpi: ticket %s: reopened while its address was looked up",
		    w->ticket_id);
		rc = STORE_OK;
	}
	if (rc == STORE_OK)
		rc = store_commit(lookup_db);
	else
		store_rollback(lookup_db);
	return rc;
}

/* One waiting close: its source's settings as they are now, the API's
 * answer, the end recorded. */
static int
lookup_one(struct glpi_client *client, const struct store_address_wait *w, int *scheduled)
{
	const struct source_config *configured;
	struct glpi_api_config g;
	struct address_found found;
	char detail[240];
	enum glpi_outcome out;
	int rc, have = 0;

	pthread_rwlock_rdlock(&config_reload_lock);
	configured = config_source(lookup_cfg, w->source);
	if (configured != NULL && strcmp(configured->name, "glpi") == 0) {
		g = configured->glpi;
		have = 1;
	}
	pthread_rwlock_unlock(&config_reload_lock);
	if (!have) {
		memset(&g, 0, sizeof g);
		g.lookup_attempts = 1;
		snprintf(detail, sizeof detail, "[source.%s] is no longer configured", w->source);
		out = GLPI_NO_ADDRESS;
	} else {
		out = glpi_api_lookup(client, &g, w->ticket_id, &found, detail, sizeof detail,
		    &lookup_stopping);
	}
	if (out == GLPI_STOPPED)	/* not a failed try: the next start asks again */
		rc = store_address_release(lookup_db, w->id, (long long)time(NULL));
	else
		rc = record(w, out, &found, detail, &g, time(NULL), scheduled);
	crypto_wipe(&g, sizeof g);
	crypto_wipe(&found, sizeof found);
	return rc;
}

/* How long a claimed close is held (several npsd on one PostgreSQL): the
 * longest one look-up can take with the API timeout as configured now. */
static long long
lookup_lease(void)
{
	const struct source_config *glpi;
	long long timeout = 0;

	pthread_rwlock_rdlock(&config_reload_lock);
	glpi = config_source(lookup_cfg, "glpi");
	if (glpi != NULL)
		timeout = glpi->glpi.api_timeout;
	pthread_rwlock_unlock(&config_reload_lock);
	return LOOKUP_CALLS_MAX * timeout + LOOKUP_LEASE_EXTRA;
}

static void *
lookup_main(void *arg)
{
	struct glpi_client *client = arg;
	struct store_address_wait w;
	long long next_at;
	int rc, scheduled;

	while (!lookup_stopping) {
		scheduled = 0;
		rc = store_address_claim(lookup_db, (long long)time(NULL), lookup_lease(), &w,
		    &next_at);
		if (rc == STORE_DONE) {
			sleep_until(next_at);
			continue;
		}
		if (rc == STORE_ROW)
			rc = lookup_one(client, &w, &scheduled);
		if (rc != STORE_OK && rc != STORE_ROW) {
			log_warnx("glpi: address look-up: %s", store_errmsg(lookup_db));
			sleep_until((long long)time(NULL) + LOOKUP_BUSY_PAUSE);
		}
		if (scheduled && lookup_on_scheduled != NULL)
			lookup_on_scheduled();
	}
	glpi_client_free(client);
	return NULL;
}

int
glpi_lookup_start(const struct config *cfg, const struct policy *pol,
    void (*on_scheduled)(void))
{
	struct glpi_client *client;
	char err[256];

	if ((lookup_db = store_open(config_store_target(cfg), cfg->synchronous, 0, err,
	    sizeof err)) == NULL) {
		log_warnx("glpi: address look-up: %s", err);
		return -1;
	}
	if ((client = glpi_client_new()) == NULL) {
		store_close(lookup_db);
		return -1;
	}
	lookup_cfg = cfg;
	lookup_policy = *pol;
	lookup_on_scheduled = on_scheduled;
	lookup_stopping = 0;
	if (pthread_create(&lookup_thread, NULL, lookup_main, client) != 0) {
		glpi_client_free(client);
		store_close(lookup_db);
		return -1;
	}
	lookup_running = 1;
	return 0;
}

void
glpi_lookup_stop(void)
{
	if (!lookup_running)
		return;
	pthread_mutex_lock(&lookup_lock);
	lookup_stopping = 1;
	pthread_cond_signal(&lookup_cond);
	pthread_mutex_unlock(&lookup_lock);
	pthread_join(lookup_thread, NULL);
	store_close(lookup_db);
	lookup_db = NULL;
	lookup_running = 0;
}
