/* store_survey.h - named operations on what a close or reopen does to
 * the database: deliveries accepted once, tickets, closings, agents and
 * teams as last seen, surveys scheduled and cancelled, closes waiting for
 * their requester's address, and the counts the fatigue rule decides on.
 * Each runs inside the caller's transaction unless it says otherwise.
 * Several npsd may run them at once on one PostgreSQL database: a delivery
 * is accepted once (its primary key), a ticket's close is counted once
 * (the ticket row's lock), and a close gets one survey (unique ticket and
 * close number). */
#ifndef NPSD_STORE_SURVEY_H
#define NPSD_STORE_SURVEY_H

#include "event.h"
#include "fatigue.h"
#include "limits.h"
#include "store.h"

/* Intake applies each event of a group commit inside a savepoint of its
 * own, so one event's error undoes that event only. */
int	store_intake_event_begin(struct store *);
int	store_intake_event_undo(struct store *);	/* back to the begin, then end */
int	store_intake_event_end(struct store *);

/* Records a delivery as received: *accepted is 1 for its first arrival,
 * 0 when (source, delivery_id) was already recorded, by this instance or
 * another one. */
int	store_delivery_accept(struct store *, const char *source, const char *delivery_id,
	    const char *ticket_id, long long now, int *accepted);
/* Writes what became of a delivery (reason and detail may be NULL). */
int	store_delivery_outcome(struct store *, const char *source, const char *delivery_id,
	    const char *outcome, const char *reason, const char *detail);

struct store_ticket {
	long long	 id;
	int		 closed;	/* 1 closed, 0 open */
	long long	 closes;	/* closes counted so far */
	long long	 event_time;	/* the newest source event applied */
};

/* The ticket (source, ticket_id): STORE_OK and *out, or STORE_NOTFOUND. */
int	store_ticket_find(struct store *, const char *source, const char *ticket_id,
	    struct store_ticket *out);
/* Counts a close of the ticket, creating it when new: *seq is the close's
 * number (1 for the first), *ticket the ticket's id. When the ticket is
 * already closed, nothing changes and *seq is 0 (the close was seen). */
int	store_ticket_close(struct store *, const char *source, const char *ticket_id,
	    long long now, long long *ticket, long long *seq);
/* Marks a known ticket open again: STORE_OK and *ticket, or
 * STORE_NOTFOUND for a ticket never seen. */
int	store_ticket_reopen(struct store *, const char *source, const char *ticket_id,
	    long long now, long long *ticket);
/* Remembers a ticket first seen reopened (open, no close yet), so a late
 * retry of an older close is known as such. */
int	store_ticket_remember_open(struct store *, const char *source, const char *ticket_id,
	    long long now);
/* Raises the ticket's newest applied event time to event_time. */
int	store_ticket_note_event_time(struct store *, const char *source, const char *ticket_id,
	    long long event_time);
/* *n: the ticket's surveys that were mailed (sent, answered or expired). */
int	store_ticket_surveys_mailed(struct store *, long long ticket, long long *n);
/* Cancels the ticket's surveys still waiting (reason "reopened"), with
 * their mail still queued, and the closes still waiting for an address
 * (their deliveries say so). *cancelled: how many of either. */
int	store_ticket_cancel_waiting(struct store *, long long ticket, long long now,
	    long long *cancelled);

/* A close counts for volume, surveyed or not; the same ticket closed
 * twice within a second counts once. agent is the id (or the address). */
int	store_closing_add(struct store *, const char *source, const char *ticket_id,
	    long long closed_at, const char *category, const char *team_id, const char *agent);
/* The agent and team as last seen: a row is rewritten only when a name or
 * address changed, or hourly for seen_at, so intake stays fast. */
int	store_agent_seen(struct store *, const char *id, const char *name, const char *email,
	    long long now);
int	store_team_seen(struct store *, const char *id, const char *name, long long now);

/* Schedules the survey of close `seq` of ticket with the event's
 * requester, agent and team frozen as they are now. *created is 0 when
 * that close already has a survey (nothing written). */
int	store_survey_schedule(struct store *, const char *source, const struct event *,
	    long long ticket, long long seq, const char *public_id, long long now,
	    long long send_at, int *created);

/* Counts the surveys mailed to email since each of w's starts, plus those
 * on their way: already in the outbox, and with include_scheduled also
 * those still waiting for their send time. except_survey (0: none) is
 * left out, so a survey about to be mailed does not count itself. */
int	store_survey_fatigue_counts(struct store *, const char *email,
	    const struct fatigue_windows *w, int include_scheduled, long long except_survey,
	    struct fatigue_counts *out);

/* Closes waiting for the requester's address from the source's API. */
struct store_address_wait {
	long long	 id;
	char		 source[32];
	char		 ticket_id[NPSD_MAX_ID + 1];
	int		 attempts;	/* tries that failed so far */
};

/* A close as it was at intake, for when its address is known. */
struct store_address_close {
	struct event	 event;		/* without the requester's address */
	long long	 ticket, seq;
	char		 source[32];
	char		 public_id[32];
	char		 delivery_id[NPSD_MAX_WEBHOOK_ID + 1];
};

/* Puts a close to wait, under the survey id the webhook is answered
 * with, its first look-up due now. */
int	store_address_wait_add(struct store *, const char *source, const char *delivery_id,
	    const struct event *, long long ticket, long long seq, const char *public_id,
	    long long now);
/* Takes the close due first (due at or before now) for a look-up of
 * lease seconds: STORE_ROW and *w, or STORE_DONE when none is due. On
 * PostgreSQL the close is claimed (SKIP LOCKED) and not due again for
 * lease seconds, so several npsd never look up one close at once; on
 * SQLite (one npsd) it is only read. *next_at: the earliest time any
 * waiting close is due, 0 when none waits. Its own transaction. */
int	store_address_claim(struct store *, long long now, long long lease,
	    struct store_address_wait *w, long long *next_at);
/* Makes a claimed close due again at once (a look-up cut short). */
int	store_address_release(struct store *, long long id, long long now);
/* The waiting close id: STORE_OK and *out, or STORE_NOTFOUND when it no
 * longer waits (a reopen cancelled it). */
int	store_address_load(struct store *, long long id, struct store_address_close *out);
/* Ends the wait: writes its delivery's outcome and forgets the close. */
int	store_address_finish(struct store *, long long id, const char *source,
	    const char *delivery_id, const char *outcome, const char *reason, const char *detail);
/* A failed try: another at next_at; its delivery's detail says why
 * (detail, which never holds an address). STORE_NOTFOUND when the close no
 * longer waits. */
int	store_address_retry(struct store *, long long id, long long next_at,
	    const char *detail, const char *delivery_detail);

#endif
