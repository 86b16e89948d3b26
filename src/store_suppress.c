/* store_suppress.c - the suppression list, and the one rule that goes
 * with it: an address put on the list has its waiting surveys cancelled
 * in the same transaction, whoever puts it there. */
#include "autoconfig.h"

#include <stdio.h>

#include "store_sql.h"
#include "store_suppress.h"
#include "store_transition.h"

static const char *
origin_reason(enum suppress_origin o)
{
	return o == SUPPRESS_UNSUBSCRIBED ? "unsubscribed" : "admin";
}

/* surveys.reason of a survey cancelled because its address was listed */
static const char *
cancel_reason(enum suppress_origin o)
{
	return o == SUPPRESS_UNSUBSCRIBED ? "unsubscribed" : "suppressed";
}

static int
list_add(struct store *db, const char *hash, enum suppress_origin o, long long now,
    int *added)
{
	struct store_stmt *st;
	int rc;

	if ((st = sql_prepare(db, "INSERT INTO suppressions (address_hash, reason, created_at) "
	    "VALUES (?, ?, ?) ON CONFLICT (address_hash) DO NOTHING")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, hash, -1);
	sql_bind_text(st, 2, origin_reason(o), -1);
	sql_bind_int64(st, 3, now);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	*added = sql_changes(db) > 0;
	return STORE_OK;
}

int
store_suppress(struct store *db, const char *address, enum suppress_origin o, long long now,
    int *added, long long *cancelled)
{
	char hash[CRYPTO_SHA256_HEX];
	long long n = 0;
	int fresh = 0, rc;

	crypto_address_hash(address, hash);
	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	if ((rc = list_add(db, hash, o, now, &fresh)) == STORE_OK)
		/* surveys still waiting for their moment are not sent any more */
		rc = store_survey_transition(db, SURVEY_EV_CANCELLED, "reason = ?",
		    "state = 'scheduled' AND queued = 0 AND lower(requester_email) = lower(?)",
		    (struct store_arg[]){ STORE_TEXT(cancel_reason(o)), STORE_TEXT(address) }, 2,
		    &n, NULL);
	if (rc == STORE_OK)
		rc = store_commit(db);
	else
		store_rollback(db);
	if (rc != STORE_OK)
		return rc;
	if (added != NULL)
		*added = fresh;
	if (cancelled != NULL)
		*cancelled = n;
	return STORE_OK;
}

int
store_suppress_remove(struct store *db, const char *address, int *removed)
{
	char hash[CRYPTO_SHA256_HEX];
	struct store_stmt *st;
	int rc;

	crypto_address_hash(address, hash);
	if ((st = sql_prepare(db, "DELETE FROM suppressions WHERE address_hash = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, hash, -1);
	rc = sql_step(st);
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	if (removed != NULL)
		*removed = sql_changes(db) > 0;
	return STORE_OK;
}

static void
read_entry(struct store_stmt *st, struct suppression *out)
{
	snprintf(out->address_hash, sizeof out->address_hash, "%s", sql_column_str(st, 0));
	snprintf(out->reason, sizeof out->reason, "%s", sql_column_str(st, 1));
	out->created_at = sql_column_int64(st, 2);
}

int
store_suppress_find(struct store *db, const char *address, struct suppression *out)
{
	char hash[CRYPTO_SHA256_HEX];
	struct store_stmt *st;
	int rc;

	crypto_address_hash(address, hash);
	if ((st = sql_cached(db, "SELECT address_hash, reason, created_at FROM suppressions "
	    "WHERE address_hash = ?")) == NULL)
		return STORE_ERROR;
	sql_bind_text(st, 1, hash, -1);
	rc = sql_step(st);
	if (rc == STORE_ROW) {
		read_entry(st, out);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_NOTFOUND;
	}
	sql_done(st);
	return rc;
}

int
store_suppress_each(struct store *db, int (*fn)(const struct suppression *, void *), void *arg)
{
	struct suppression e;
	struct store_stmt *st;
	int rc;

	if ((st = sql_prepare(db, "SELECT address_hash, reason, created_at FROM suppressions "
	    "ORDER BY created_at, address_hash")) == NULL)
		return STORE_ERROR;
	while ((rc = sql_step(st)) == STORE_ROW) {
		read_entry(st, &e);
		if (fn(&e, arg) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	sql_finalize(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}
