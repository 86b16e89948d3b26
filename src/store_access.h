/* store_access.h - named operations on who may see what: admins, team
 * managers, API tokens (kept as SHA-256 only) and the teams a manager
 * token sees. Every read goes to the database, so several npsd on one
 * PostgreSQL see a revoked token or a removed manager at once. */
#ifndef NPSD_STORE_ACCESS_H
#define NPSD_STORE_ACCESS_H

#include <stddef.h>

#include "limits.h"
#include "store.h"

/* An API token as stored. expires_at, used_at and revoked_at are 0 when
 * not set; teams is a manager token's teams, comma-separated and sorted
 * ("" for other roles). */
struct store_api_token {
	long long	 id;
	const char	*role;		/* "agent", "manager" or "admin" */
	const char	*agent_id;	/* "" unless role agent */
	const char	*teams;
	long long	 created_at;
	long long	 expires_at;
	long long	 used_at;
	long long	 revoked_at;
	const char	*label;
};

/* Stores a token by its hash, with a manager token's teams (duplicates
 * ignored), in one transaction. agent NULL unless role agent; expires_at
 * 0: never. Returns the token's id, or -1. */
long long store_api_token_create(struct store *, const char *hash, const char *role,
	    const char *agent, const char *const *teams, size_t nteams, long long created_at,
	    long long expires_at, const char *label);
/* The token whose hash is given when it is unrevoked and unexpired at
 * now: 1 with its id, role and agent id ("" unless role agent) copied
 * out, 0 when there is none, -1 on error. */
int	store_api_token_find(struct store *, const char *hash, long long now,
	    long long *id, char *role, size_t rolelen, char *agent, size_t agentlen);
/* A manager token's teams, sorted, each strdup'ed into teams (at most
 * max); *n how many. -1 on error (nothing left allocated). */
int	store_api_token_teams(struct store *, long long token, char **teams, size_t max,
	    size_t *n);
/* Notes that the token was used at now, at most once a minute: no write
 * per request. */
int	store_api_token_touch(struct store *, long long token, long long now);
/* 1 when the token was active and is now revoked, 0 when there is no
 * active token with that id, -1 on error. */
int	store_api_token_revoke(struct store *, long long token, long long now);
/* Calls cb for every token by id; cb's non-zero return stops the walk and
 * is returned. -1 on error. */
int	store_api_token_each(struct store *,
	    int (*cb)(void *arg, const struct store_api_token *), void *arg);

/* 1 when an event has named the agent / the team, 0 when not, -1 on
 * error. */
int	store_agent_exists(struct store *, const char *agent);
int	store_team_exists(struct store *, const char *team);

/* Makes email (lower case) a manager of team. With must_be_known, only a
 * team an event has named or that has a manager already: 0 otherwise.
 * 1 when email manages the team (now or already), -1 on error. */
int	store_team_manager_add(struct store *, const char *team, const char *email,
	    long long now, int must_be_known);
/* 1 when email managed team and no longer does, 0 when it did not, -1 on
 * error. */
int	store_team_manager_remove(struct store *, const char *team, const char *email);
/* The teams email manages, sorted, each strdup'ed into teams (at most
 * max); *n how many. -1 on error (nothing left allocated). */
int	store_team_manager_teams(struct store *, const char *email, char **teams, size_t max,
	    size_t *n);
/* Every team seen in events or having managers, by id: cb gets its id,
 * name ("" when none) and managers (sorted, ", "-separated; "" when none).
 * cb's non-zero return stops the walk and is returned. -1 on error. */
int	store_team_manager_list(struct store *,
	    int (*cb)(void *arg, const char *team, const char *name, const char *managers),
	    void *arg);

/* Makes email (lower case) an admin; already one is fine. 0 or -1. */
int	store_admin_add(struct store *, const char *email, long long now);
/* Removes an admin and ends their sessions, in one transaction: 1 done,
 * 0 when email was not an admin, -1 on error. */
int	store_admin_remove(struct store *, const char *email);
/* Every admin by address. cb's non-zero return stops the walk and is
 * returned. -1 on error. */
int	store_admin_each(struct store *,
	    int (*cb)(void *arg, const char *email, long long added_at), void *arg);

#endif
