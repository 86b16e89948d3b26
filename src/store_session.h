/* store_session.h - named operations on signing in to the dashboard:
 * one-time links and sessions, both kept as SHA-256 of their secrets, and
 * the addresses that may sign in. Every lookup reads the database, so a
 * session ended or a link used on one npsd is ended or used for every
 * npsd sharing the database. (The mail carrying a link goes through
 * store_outbox_queue.) */
#ifndef NPSD_STORE_SESSION_H
#define NPSD_STORE_SESSION_H

#include <stddef.h>

#include "limits.h"
#include "store.h"

/* Who a session's address is: admin or not, and the agent id most
 * recently seen with that address ("" when none). */
struct store_session_user {
	char		 email[NPSD_MAX_EMAIL + 1];
	int		 admin;
	char		 agent_id[NPSD_MAX_ID + 1];
};

/* 1 when email (any case) is an admin's, a team manager's or an agent's,
 * 0 when not, -1 on error. */
int	store_login_address_known(struct store *, const char *email);
/* The number of sign-in links made for email (any case) after since, or
 * -1 on error. */
long long store_login_link_count(struct store *, const char *email, long long since);
/* Stores a sign-in link by its hash, for email in lower case. 0 or -1. */
int	store_login_link_insert(struct store *, const char *hash, const char *email,
	    long long now, long long expires_at);
/* Deletes email's (any case) sign-in links expired at before. 0 or -1. */
int	store_login_link_purge(struct store *, const char *email, long long before);
/* 1 and the link's address when the link whose hash is given is unused
 * and unexpired at now; 0 when not; -1 on error. With consume, the link
 * is marked used at now in the same statement, so two requests (on any
 * instances) cannot both use it. */
int	store_login_link_check(struct store *, const char *hash, long long now, int consume,
	    char email[NPSD_MAX_EMAIL + 1]);
/* Stores a session by its hash. 0 or -1. */
int	store_session_insert(struct store *, const char *hash, const char *email,
	    long long now, long long expires_at);
/* Deletes sessions expired at sessions_before and sign-in links expired
 * at links_before. 0 or -1. */
int	store_session_purge(struct store *, long long sessions_before, long long links_before);
/* 1 and u filled for the session whose hash is given when it has not
 * expired at now, 0 when there is none, -1 on error. */
int	store_session_find(struct store *, const char *hash, long long now,
	    struct store_session_user *u);
/* Ends the session whose hash is given (none is fine). 0 or -1. */
int	store_session_delete(struct store *, const char *hash);
/* Ends every session of email (any case). 0 or -1. */
int	store_session_end_address(struct store *, const char *email);

#endif
