/* metrics.c - owns GET /metrics: Prometheus text exposition of what the
 * database holds: webhook deliveries by source and outcome, surveys by
 * state, mail by kind and state with its attempts, the queue depth,
 * whether the mailer can write.
 * Counts only; no address, token or comment. npsd_build_info names the
 * version; [server] metrics_token, when set, must come as a bearer token. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "mailer.h"
#include "store_metrics.h"
#include "store_outbox.h"

/* Label values are our own identifiers; escaped anyway. */
static void
label(struct buf *b, const char *v)
{
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			buf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			buf_puts(b, "\\n");
		else
			buf_append(b, v, 1);
	}
}

/* One metric family: its header, then a sample per counted group. */
struct family {
	struct buf		*b;
	const char		*name;
	const char *const	*labels;
	int			 nlabels;
};

static void
family_sample(void *arg, const struct store_count *c)
{
	struct family *f = arg;

	buf_puts(f->b, f->name);
	for (int i = 0; i < f->nlabels; i++) {
		buf_printf(f->b, "%s%s=\"", i == 0 ? "{" : ",", f->labels[i]);
		label(f->b, c->label[i]);
		buf_puts(f->b, "\"");
	}
	buf_printf(f->b, "%s %lld\n", f->nlabels > 0 ? "}" : "", c->value);
}

static int
family(struct store *db, struct buf *b, const char *name, const char *type, const char *help,
    int (*each)(struct store *, store_count_fn *, void *), const char *const *labels,
    int nlabels)
{
	struct family f = { b, name, labels, nlabels };

	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	return each(db, family_sample, &f) == STORE_OK ? 0 : -1;
}

/* A family of one unlabelled gauge. */
static int
gauge(struct store *db, struct buf *b, const char *name, const char *help,
    int (*count)(struct store *, long long *))
{
	struct store_count c = { { NULL, NULL }, 0 };
	struct family f = { b, name, NULL, 0 };

	if (count(db, &c.value) != STORE_OK)
		return -1;
	buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	family_sample(&f, &c);
	return 0;
}

/* With [server] metrics_token set, /metrics needs "Authorization: Bearer
 * <token>". Both sides are hashed first, so the compare takes the same
 * time whatever the length or content of what was sent. */
static int
metrics_authorized(struct request *req)
{
	const char *h = http_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	char want[CRYPTO_SHA256_HEX], got[CRYPTO_SHA256_HEX];
	int open;

	pthread_rwlock_rdlock(&config_reload_lock);	/* SIGHUP may change it */
	open = req->cfg->metrics_token.len == 0;
	if (!open)
		crypto_sha256_hex(req->cfg->metrics_token.key, req->cfg->metrics_token.len, want);
	pthread_rwlock_unlock(&config_reload_lock);
	if (open)
		return 1;
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	for (h += 7; *h == ' '; h++)
		;
	crypto_sha256_hex(h, strlen(h), got);
	return crypto_equal(want, got, CRYPTO_SHA256_HEX - 1);
}

enum MHD_Result
metrics_handle(struct request *req)
{
	static const char *const source_outcome[] = { "source", "outcome" };
	static const char *const state[] = { "state" };
	static const char *const kind_state[] = { "kind", "state" };
	static const char *const outcome[] = { "outcome" };
	struct store *db = store_thread();
	enum MHD_Result ret;
	struct buf b;
	int rc = 0;

	if (!metrics_authorized(req))
		return http_unauthorized(req, "send Authorization: Bearer <[server] metrics_token>");
	if (db == NULL)
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	buf_init(&b, 1024 * 1024);
	buf_puts(&b, "# HELP npsd_build_info The running npsd's version; always 1.\n"
	    "# TYPE npsd_build_info gauge\nnpsd_build_info{version=\"");
	label(&b, PACKAGE_VERSION);
	buf_puts(&b, "\"} 1\n");
	rc |= family(db, &b, "npsd_events_total", "counter",
	    "Webhook deliveries by source and outcome.", store_delivery_counts,
	    source_outcome, 2);
	rc |= family(db, &b, "npsd_surveys", "gauge", "Surveys by state.", store_survey_counts,
	    state, 1);
	rc |= family(db, &b, "npsd_mail_messages", "gauge",
	    "Messages in the outbox by kind and state.", store_outbox_counts, kind_state, 2);
	rc |= family(db, &b, "npsd_mail_attempts_total", "counter",
	    "Delivery attempts by outcome: sent, tempfail (4xx or connection), permfail (5xx), "
	    "unknown (no final reply), interrupted (npsd stopped while sending).",
	    store_mail_attempt_counts, outcome, 1);
	rc |= gauge(db, &b, "npsd_mail_queue_depth", "Messages waiting to be sent.",
	    store_outbox_waiting);
	rc |= gauge(db, &b, "npsd_address_lookups_waiting",
	    "Closes waiting while their requester address is looked up (GLPI).",
	    store_address_lookup_count);
	rc |= gauge(db, &b, "npsd_surveys_due", "Surveys scheduled and not yet in the outbox.",
	    store_survey_due_count);
	buf_printf(&b, "# HELP npsd_mailer_storage_writable 1 while the mailer can record "
	    "deliveries; 0 while its writes fail (it then sends nothing new).\n"
	    "# TYPE npsd_mailer_storage_writable gauge\nnpsd_mailer_storage_writable %d\n",
	    mailer_storage_writable());
	if (rc != 0 || b.data == NULL) {
		buf_free(&b);
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	}
	ret = http_text(req, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", b.data);
	buf_free(&b);
	return ret;
}
