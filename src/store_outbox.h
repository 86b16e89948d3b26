/* store_outbox.h - named operations of the mail path: due surveys and
 * reminders claimed and turned into outbox rows, outbox rows claimed for
 * delivery under a lease, what an attempt did recorded, rows whose
 * sender stopped recovered, the attempt counters, and the counts /metrics
 * shows. Every operation runs inside the caller's transaction
 * (store_begin .. store_commit) unless it says otherwise, so the mailer
 * decides what is committed together; each returns STORE_OK or the
 * failed statement's code. */
#ifndef NPSD_STORE_OUTBOX_H
#define NPSD_STORE_OUTBOX_H

#include <stddef.h>

#include "limits.h"
#include "store.h"

/* A survey whose mail, or reminder, is due; the strings are its own. */
struct store_mail_survey {
	long long	 id;		/* 0: none was due */
	char		*public_id, *ticket_id, *subject;
	char		*requester_email, *requester_name, *language;
	char		*agent_name, *team_name;
};
void	store_mail_survey_clear(struct store_mail_survey *);

/* Claims the next scheduled survey due by now and not yet queued. On
 * PostgreSQL its row stays locked (FOR UPDATE SKIP LOCKED) until the
 * transaction ends: another instance passes it by, and takes it only if
 * this transaction ends without queueing it. */
int	store_survey_claim_due(struct store *, long long now, struct store_mail_survey *out);
/* Claims the next sent survey whose reminder is due: mailed at or before
 * sent_before, not yet reminded, not expired at now. */
int	store_reminder_claim_due(struct store *, long long sent_before, long long now,
	    struct store_mail_survey *out);
/* Gives the claimed survey its mail: the token (kept as its hash), the
 * outbox row and the survey marked queued (or reminded at now). *queued
 * is 0 when the survey had its mail already (the outbox holds its
 * Message-ID); it is marked all the same, so it is not due again. */
int	store_survey_mail_queue(struct store *, const struct store_mail_survey *, int reminder,
	    const char *token_hash, const char *message_id, const void *message, size_t len,
	    long long now, int *queued);
/* Holds the address (in any case) until the transaction ends, so that
 * instances deciding on mail to one address (the fatigue rule) decide one
 * after the other. A no-op on SQLite, whose transactions are serial. */
int	store_mail_address_lock(struct store *, const char *email);
/* The claimed survey is not mailed: the fatigue limits stop it (reason
 * "cooldown" or "capped") ... */
int	store_survey_mail_cancel(struct store *, long long survey, const char *reason);
/* ... or its message cannot be composed. */
int	store_survey_mail_fail(struct store *, long long survey);
/* The claimed reminder is not sent (its message cannot be composed). */
int	store_reminder_skip(struct store *, long long survey);
/* Reminders of sent surveys whose address opted out are marked done
 * without one; *n (may be NULL) is how many. */
int	store_reminder_skip_suppressed(struct store *, long long *n);
/* Sent surveys whose answer window closed by now expire; *n (may be
 * NULL) is how many. */
int	store_survey_expire_due(struct store *, long long now, long long *n);

/* Queues a message of kind "survey", "reminder", "alert" or "login" for
 * recipient (survey 0: none), due at now. A Message-ID is queued once:
 * *id (may be NULL) is the new row, 0 when one with that Message-ID
 * exists already. */
int	store_outbox_queue(struct store *, long long survey, const char *recipient,
	    const char *message_id, const void *message, size_t len, const char *kind,
	    long long now, long long *id);

/* One outbox row marked 'sending' by this instance, with its message. */
struct store_outbox_claim {
	long long	 id;		/* 0: none was due */
	long long	 survey;	/* 0 for staff mail */
	int		 attempts;	/* including this one: names the claim */
	int		 maybe_delivered;	/* an earlier attempt may have got through */
	char		 recipient[NPSD_MAX_EMAIL + 1];
	char		*message;	/* wiped and freed by store_outbox_claim_free */
	size_t		 len;
};
void	store_outbox_claim_free(struct store_outbox_claim *);

/* Claims the next queued row due by due_by: 'sending', one more attempt,
 * held until lease_until. Several instances on one PostgreSQL database
 * each claim a different row (FOR UPDATE SKIP LOCKED). The caller commits
 * the claim before it hands the message to the transport. */
int	store_outbox_claim(struct store *, long long due_by, long long lease_until,
	    struct store_outbox_claim *c);
/* Extends the claim's lease; *held is 0 when the row is no longer this
 * claim's (its lease ran out and another sender took it). */
int	store_outbox_renew(struct store *, const struct store_outbox_claim *,
	    long long lease_until, int *held);

/* What one attempt did to its row. */
enum store_outbox_outcome {
	STORE_OUTBOX_SENT,	/* done; the message is blanked */
	STORE_OUTBOX_RETRY,	/* queued again for next_attempt_at */
	STORE_OUTBOX_FAILED	/* done; the message is kept for npsctl mail retry */
};

/* Ends the claim: the row leaves 'sending' as outcome says, with error
 * (may be NULL) as its last error. maybe_delivered_at, when not 0, marks
 * the row as possibly delivered since then (kept if marked already).
 * *held is 0 when the row was no longer this claim's: nothing changed. */
int	store_outbox_record(struct store *, const struct store_outbox_claim *,
	    enum store_outbox_outcome, long long now, long long next_attempt_at,
	    const char *error, long long maybe_delivered_at, int *held);
/* Adds n to the attempt counter of outcome ("sent", "tempfail",
 * "permfail", "unknown", "interrupted"). */
int	store_mail_attempt_count(struct store *, const char *outcome, long long n);
/* The survey's mail went out (or may have): it is sent, its answer
 * window open until expires_at. */
int	store_survey_mail_sent(struct store *, long long survey, long long sent_at,
	    long long expires_at);

/* Rows left 'sending' by a sender that stopped before recording the
 * outcome are queued again, due at now and marked possibly delivered:
 * with any_lease every such row (SQLite at start: the only instance),
 * otherwise only those whose lease ran out before now. *n is how many;
 * they are counted as interrupted attempts. */
int	store_outbox_recover(struct store *, long long now, int any_lease, long long *n);

/* For /metrics: the messages waiting to be sent (queued or sending). */
int	store_outbox_waiting(struct store *, long long *n);

#endif
