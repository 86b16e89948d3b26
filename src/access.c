/* access.c - API tokens and the scope rules: an agent sees that agent
 * only, a manager that manager's teams only, an admin everything; a query
 * for anything else is refused, never widened or silently narrowed. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "crypto.h"
#include "store_access.h"

const char *
access_role_name(enum access_role r)
{
	switch (r) {
	case ACCESS_AGENT: return "agent";
	case ACCESS_MANAGER: return "manager";
	case ACCESS_ADMIN: return "admin";
	}
	return "?";
}

int
access_role_parse(const char *s, enum access_role *r)
{
	if (strcmp(s, "agent") == 0)
		*r = ACCESS_AGENT;
	else if (strcmp(s, "manager") == 0)
		*r = ACCESS_MANAGER;
	else if (strcmp(s, "admin") == 0)
		*r = ACCESS_ADMIN;
	else
		return -1;
	return 0;
}

long long
access_token_create(struct store *db, enum access_role role, const char *agent,
    const char *const *teams, size_t nteams, time_t now, time_t expires_at, const char *label,
    char out[ACCESS_TOKEN_LEN + 1])
{
	char raw[NPSD_TOKEN_CHARS + 1], hash[CRYPTO_SHA256_HEX];
	long long id;

	if (crypto_token_new(raw) == -1)
		return -1;
	snprintf(out, ACCESS_TOKEN_LEN + 1, "%s%s", ACCESS_TOKEN_PREFIX, raw);
	crypto_wipe(raw, sizeof raw);
	crypto_sha256_hex(out, strlen(out), hash);
	/* an agent token names its agent, a manager token its teams, no more */
	id = store_api_token_create(db, hash, access_role_name(role),
	    role == ACCESS_AGENT ? agent : NULL, teams, role == ACCESS_MANAGER ? nteams : 0,
	    (long long)now, (long long)expires_at, label);
	if (id < 0)
		crypto_wipe(out, ACCESS_TOKEN_LEN + 1);
	return id;
}

int
access_token_find(struct store *db, const char *token, time_t now, struct access_principal *p)
{
	char hash[CRYPTO_SHA256_HEX], role[16];
	int rc;

	memset(p, 0, sizeof *p);
	if (strlen(token) != ACCESS_TOKEN_LEN ||
	    strncmp(token, ACCESS_TOKEN_PREFIX, strlen(ACCESS_TOKEN_PREFIX)) != 0 ||
	    !crypto_token_wellformed(token + strlen(ACCESS_TOKEN_PREFIX)))
		return 0;
	/* looked up by hash: the comparison never sees the token itself */
	crypto_sha256_hex(token, strlen(token), hash);
	rc = store_api_token_find(db, hash, (long long)now, &p->token_id, role, sizeof role,
	    p->agent_id, sizeof p->agent_id);
	if (rc != 1)
		return rc;
	if (access_role_parse(role, &p->role) == -1)
		return -1;
	if (p->role == ACCESS_MANAGER &&
	    store_api_token_teams(db, p->token_id, p->teams, NPSD_MAX_REPORT_TEAMS,
	    &p->nteams) == -1)
		return -1;
	/* when it was last used, to the minute; a failure costs only that */
	store_api_token_touch(db, p->token_id, (long long)now);
	return 1;
}

void
access_principal_free(struct access_principal *p)
{
	for (size_t i = 0; i < p->nteams; i++)
		free(p->teams[i]);
	p->nteams = 0;
}

static int
has_team(const struct access_principal *p, const char *team)
{
	for (size_t i = 0; i < p->nteams; i++)
		if (strcmp(p->teams[i], team) == 0)
			return 1;
	return 0;
}

int
access_scope(const struct access_principal *p, struct report_query *q, const char **why)
{
	switch (p->role) {
	case ACCESS_ADMIN:
		return 0;
	case ACCESS_AGENT:
		if (q->nteams > 0) {
			*why = "an agent token sees its own agent only, not teams";
			return -1;
		}
		if (q->agent != NULL && strcmp(q->agent, p->agent_id) != 0) {
			*why = "an agent token sees its own agent only";
			return -1;
		}
		q->agent = p->agent_id;
		return 0;
	case ACCESS_MANAGER:
		for (size_t i = 0; i < q->nteams; i++) {
			if (!has_team(p, q->teams[i])) {
				*why = "a manager token sees its own teams only";
				return -1;
			}
		}
		if (p->nteams == 0) {
			*why = "this manager token has no teams";
			return -1;
		}
		if (q->nteams == 0) {
			q->teams = (const char *const *)p->teams;
			q->nteams = p->nteams;
		}
		return 0;
	}
	*why = "unknown role";
	return -1;
}

int
access_sees_requesters(const struct access_principal *p)
{
	return p->role == ACCESS_MANAGER || p->role == ACCESS_ADMIN;
}
