/* hooks.c - owns POST /hooks/{source}: finds the source, lets its adapter
 * authenticate the request and map the body to the common event, hands
 * the event to the group-commit writer and answers only after the commit,
 * with the statuses of SPEC section 3. */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "store.h"
#include "event.h"
#include "hooks.h"
#include "http.h"
#include "intake.h"
#include "log.h"

static const struct hook_adapter *const adapters[] = {
	&hook_generic, &hook_zendesk, &hook_freshdesk, &hook_jira, &hook_zammad, &hook_glpi,
	&hook_znuny, NULL,
};

static const struct hook_adapter *
adapter_for(const char *name)
{
	for (size_t i = 0; adapters[i] != NULL; i++)
		if (strcmp(adapters[i]->name, name) == 0)
			return adapters[i];
	return NULL;
}

int
hooks_precheck(struct request *req, enum MHD_Result *ret)
{
	const struct hook_adapter *adapter;
	const struct source_config *src;
	int known;

	pthread_rwlock_rdlock(&config_reload_lock);
	src = config_source(req->cfg, req->arg);
	adapter = adapter_for(req->arg);
	known = src != NULL && adapter != NULL;
	pthread_rwlock_unlock(&config_reload_lock);
	/* GLPI sends no Content-Type at all: its bodies are taken as the JSON
	 * they are; a Content-Type that is given is still checked (415). */
	if (known && adapter == &hook_glpi &&
	    http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE) == NULL &&
	    MHD_set_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json") != MHD_YES) {
		*ret = MHD_NO;	/* out of memory: drop the connection */
		return 1;
	}
	if (known)
		return 0;
	*ret = http_json(req, MHD_HTTP_NOT_FOUND, json_pack("{s:s, s:s}", "error",
	    "unknown_source", "message",
	    "no [source.NAME] section of that name is configured"));
	return 1;
}

/* Writer thread: the event is committed (or failed); wake its request. */
static void
committed(struct intake_job *job)
{
	struct request *req = job->arg;

	MHD_resume_connection(req->conn);
}

static enum MHD_Result
answer(struct request *req)
{
	struct intake_job *job = req->job;
	json_t *out;

	if (job->rc != STORE_OK) {
		if (store_unavailable(job->rc))
			return http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
			    "storage is unavailable; retry later");
		return http_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "the event could not be stored");
	}
	log_debug("hook %s: %s", job->source, survey_outcome_name(job->result.outcome));
	switch (job->result.outcome) {
	case INTAKE_SCHEDULED: {
		char send_at[32];
		event_format_time(job->result.send_at, send_at, sizeof send_at);
		out = json_pack("{s:s, s:s, s:s}", "status", "scheduled", "survey",
		    job->result.survey_id, "send_at", send_at);
		return http_json(req, MHD_HTTP_ACCEPTED, out);
	}
	case INTAKE_SKIPPED:
		out = json_pack("{s:s, s:s}", "status", "skipped", "reason", job->result.reason);
		break;
	case INTAKE_IGNORED:	/* e.g. out_of_order: an older event than one applied */
		out = job->result.reason == NULL ? json_pack("{s:s}", "status", "ignored") :
		    json_pack("{s:s, s:s}", "status", "ignored", "reason", job->result.reason);
		break;
	default:
		out = json_pack("{s:s}", "status", survey_outcome_name(job->result.outcome));
		break;
	}
	return http_json(req, MHD_HTTP_OK, out);
}

enum MHD_Result
hooks_handle(struct request *req)
{
	const struct hook_adapter *adapter = adapter_for(req->arg);
	struct source_config src;
	const struct source_config *configured;
	char why[200];
	struct event_error err;
	struct intake_job *job;
	time_t now = time(NULL);
	enum event_status st;
	int rc;

	if (req->job != NULL)		/* resumed after the commit */
		return answer(req);

	pthread_rwlock_rdlock(&config_reload_lock);
	configured = config_source(req->cfg, req->arg);
	if (configured != NULL)
		src = *configured;
	pthread_rwlock_unlock(&config_reload_lock);
	if (configured == NULL || adapter == NULL)
		return http_error(req, MHD_HTTP_NOT_FOUND, "unknown_source", "no such source");

	if ((job = calloc(1, sizeof *job + NPSD_MAX_WEBHOOK_ID + 1)) == NULL ||
	    (req->event = malloc(sizeof *req->event)) == NULL) {
		free(job);
		return MHD_NO;
	}
	req->job = job;
	if (src.nsecrets == 0) {
		rc = -1;
		snprintf(why, sizeof why, "no secret is configured for this source; every request "
		    "is refused");
	} else {
		rc = adapter->authenticate(req, &src, now, why, sizeof why);
	}
	if (rc == -1) {
		crypto_wipe(&src, sizeof src);
		log_info("hook %s: refused: %s", adapter->name, why);
		return http_error(req, MHD_HTTP_UNAUTHORIZED, "bad_signature", why);
	}
	st = adapter->parse(req, &src, now, req->event, (char *)(job + 1), NPSD_MAX_WEBHOOK_ID + 1,
	    &err);
	crypto_wipe(&src, sizeof src);
	if (st == EVENT_INVALID_JSON)
		return http_error(req, MHD_HTTP_BAD_REQUEST, "invalid_json", err.message);
	if (st == EVENT_INVALID_FIELD)
		return http_json(req, MHD_HTTP_UNPROCESSABLE_CONTENT, json_pack("{s:s, s:s, s:s}",
		    "error", "invalid_field", "field", err.field, "message", err.message));
	/* what was left out, and why; names fields, never their values */
	if (req->event->dropped[0] != '\0')
		log_warnx("hook %s: ticket %s: dropped %s", adapter->name, req->event->ticket_id,
		    req->event->dropped);
	if (req->event->type == EVENT_CLOSED && req->event->unsurveyable != NULL)
		log_info("hook %s: ticket %s: recorded, not surveyed (%s: %s)", adapter->name,
		    req->event->ticket_id, req->event->unsurveyable,
		    req->event->unsurveyable_detail);
	if (req->event->type == EVENT_OTHER)	/* neither a close nor a reopen */
		return http_json(req, MHD_HTTP_OK, json_pack("{s:s}", "status", "ignored"));
	if (((char *)(job + 1))[0] == '\0')
		return http_error(req, MHD_HTTP_BAD_REQUEST, "invalid_json",
		    "the delivery carries no delivery id");

	job->source = adapter->name;
	job->delivery_id = (char *)(job + 1);
	job->event = req->event;
	job->now = now;
	job->on_done = committed;
	job->arg = req;
	/* suspend first: the commit may come before this function returns */
	MHD_suspend_connection(req->conn);
	if (intake_enqueue(job) == -1) {
		MHD_resume_connection(req->conn);
		job->rc = STORE_BUSY;	/* shutting down: ask to retry */
	}
	return MHD_YES;
}
