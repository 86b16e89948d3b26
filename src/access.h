/* access.h - who may see what: API tokens (kept as SHA-256 only), the
 * principal a token stands for, and the scope rules of SPEC section 6
 * applied to a report query. */
#ifndef NPSD_ACCESS_H
#define NPSD_ACCESS_H

#include <time.h>

#include "limits.h"
#include "report.h"
#include "store.h"

enum access_role { ACCESS_AGENT, ACCESS_MANAGER, ACCESS_ADMIN };

struct access_principal {
	enum access_role	 role;
	long long		 token_id;
	char			 agent_id[NPSD_MAX_ID + 1];	/* role agent */
	char			*teams[NPSD_MAX_REPORT_TEAMS];	/* role manager */
	size_t			 nteams;
};

#define ACCESS_TOKEN_PREFIX	"npsd_"
#define ACCESS_TOKEN_LEN	(5 + NPSD_TOKEN_CHARS)

const char *access_role_name(enum access_role);
int	access_role_parse(const char *, enum access_role *);

/* Creates a token in its own transaction; out receives the token (shown
 * once, never stored). expires_at 0: never; label (may be NULL) says whose
 * it is. Returns the token's id, or -1. */
long long access_token_create(struct store *, enum access_role, const char *agent,
    const char *const *teams, size_t nteams, time_t now, time_t expires_at, const char *label,
    char out[ACCESS_TOKEN_LEN + 1]);
/* 1 and fills p for a valid, unrevoked, unexpired token; 0 when there is
 * none; -1 on a database error. Marks the token used. */
int	access_token_find(struct store *, const char *token, time_t now,
    struct access_principal *p);
void	access_principal_free(struct access_principal *);

/* Narrows q to what p may see. A filter outside p's scope (an agent asking
 * for another agent or for teams, a manager for a team not theirs) is
 * refused with -1 and why; nothing is widened. The filter arrays of q may
 * be pointed at p's teams. */
int	access_scope(const struct access_principal *, struct report_query *q,
    const char **why);
/* Whether p may see requester addresses. */
int	access_sees_requesters(const struct access_principal *);

#endif
