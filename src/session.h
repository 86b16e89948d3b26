/* session.h - signing in to the dashboard without passwords: one-time
 * links mailed to known addresses, sessions behind an HttpOnly cookie,
 * and who a signed-in address is (admin, team manager, agent). */
#ifndef NPSD_SESSION_H
#define NPSD_SESSION_H

#include <time.h>

#include "crypto.h"
#include "limits.h"
#include "store.h"

#define SESSION_COOKIE		"__Host-npsd"
#define SESSION_LINK_TTL	(15 * 60)
#define SESSION_LINK_KEPT	86400	/* an expired link's row stays this long */
#define SESSION_TTL		(8 * 3600)
#define SESSION_LINKS_PER_ADDRESS 3	/* sign-in mails per address per link lifetime */

struct dash_user {
	char		 email[NPSD_MAX_EMAIL + 1];
	int		 admin;
	char		 agent_id[NPSD_MAX_ID + 1];	/* "" when not an agent */
	char		*teams[NPSD_MAX_REPORT_TEAMS];	/* managed teams */
	size_t		 nteams;
	char		 csrf[CRYPTO_SHA256_HEX];	/* for this session's forms */
};

/* 1 when the address may sign in: an agent seen in events, a team manager
 * or an admin. */
int	session_address_known(struct store *, const char *email);
/* A new sign-in link's secret in out (22 characters); 0 when this address
 * had SESSION_LINKS_PER_ADDRESS links lately (no new one), -1 on error.
 * Runs inside the caller's transaction. */
int	session_link_create(struct store *, const char *email, time_t now, char out[23]);
/* A sign-in request for email, in the caller's transaction: 1 and a new
 * link's secret in out when the address is known and under its limit, 0
 * when no link is made (unknown address or over the limit), -1 on error.
 * Known or not, the request writes (the address's long-expired links
 * go), so that a database that cannot be written fails both alike and
 * the answer never tells whether an address is known. */
int	session_link_request(struct store *, const char *email, time_t now, char out[23]);
/* 1 and the address when the link is valid, unused and unexpired; 0 when
 * not. consume marks it used. */
int	session_link_check(struct store *, const char *token, time_t now, int consume,
    char email[NPSD_MAX_EMAIL + 1]);
/* A new session for email; its secret in out. */
int	session_create(struct store *, const char *email, time_t now, char out[23]);
/* 1 and the user for a valid session cookie value; 0 when none. */
int	session_find(struct store *, const char *token, time_t now, struct dash_user *);
int	session_delete(struct store *, const char *token);
void	session_user_free(struct dash_user *);
int	session_manages(const struct dash_user *, const char *team);

#endif
