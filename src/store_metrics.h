/* store_metrics.h - the counts GET /metrics exposes: webhook deliveries,
 * surveys by state and due, address look-ups waiting, messages by kind
 * and state, delivery attempts by outcome. Counts only, read outside any
 * transaction. (The queue depth is store_outbox_waiting.) */
#ifndef NPSD_STORE_METRICS_H
#define NPSD_STORE_METRICS_H

#include "store.h"

/* One counted group: up to two label values and the count. */
struct store_count {
	const char	*label[2];
	long long	 value;
};
/* Called once per group, in label order. */
typedef void	store_count_fn(void *arg, const struct store_count *);

/* Webhook deliveries by (source, outcome). */
int	store_delivery_counts(struct store *, store_count_fn *, void *arg);
/* Surveys by (state). */
int	store_survey_counts(struct store *, store_count_fn *, void *arg);
/* Scheduled surveys not yet in the outbox. */
int	store_survey_due_count(struct store *, long long *n);
/* Closes waiting while their requester address is looked up. */
int	store_address_lookup_count(struct store *, long long *n);

/* Outbox messages by (kind, state). */
int	store_outbox_counts(struct store *, store_count_fn *, void *arg);
/* Delivery attempts by (outcome). */
int	store_mail_attempt_counts(struct store *, store_count_fn *, void *arg);

#endif
