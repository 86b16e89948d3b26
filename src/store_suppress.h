/* store_suppress.h - named operations on the suppression list: addresses
 * (kept as crypto_address_hash) that are never surveyed again. */
#ifndef NPSD_STORE_SUPPRESS_H
#define NPSD_STORE_SUPPRESS_H

#include "crypto.h"
#include "store.h"

/* Who put an address on the list. */
enum suppress_origin {
	SUPPRESS_UNSUBSCRIBED,	/* the requester, through the mail's link */
	SUPPRESS_ADMIN		/* an operator (npsctl suppress add) */
};

struct suppression {
	char		 address_hash[CRYPTO_SHA256_HEX];
	char		 reason[32];
	long long	 created_at;
};

/* Suppresses address and cancels its surveys still waiting for their
 * moment (scheduled, not yet in the outbox), in one transaction of its
 * own. *added (may be NULL) is 1 when the address was not on the list
 * yet; *cancelled (may be NULL) the number of surveys cancelled. */
int	store_suppress(struct store *, const char *address, enum suppress_origin, long long now,
	    int *added, long long *cancelled);
/* Takes address off the list; *removed is 1 when it was on it. */
int	store_suppress_remove(struct store *, const char *address, int *removed);
/* The list entry of address: STORE_OK and *out, or STORE_NOTFOUND. */
int	store_suppress_find(struct store *, const char *address, struct suppression *out);
/* Calls fn for every entry, oldest first, until fn returns non-zero. */
int	store_suppress_each(struct store *, int (*fn)(const struct suppression *, void *),
	    void *arg);

#endif
