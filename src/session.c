/* session.c - sign-in links and sessions, kept only as SHA-256 of their
 * secrets, and the roles of a signed-in address. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "store_access.h"
#include "store_session.h"

int
session_address_known(struct store *db, const char *email)
{
	return store_login_address_known(db, email);
}

int
session_link_create(struct store *db, const char *email, time_t now, char out[23])
{
	char hash[CRYPTO_SHA256_HEX];
	long long recent;

	if ((recent = store_login_link_count(db, email, (long long)now - SESSION_LINK_TTL)) < 0)
		return -1;
	if (recent >= SESSION_LINKS_PER_ADDRESS)
		return 0;
	if (crypto_token_new(out) == -1)
		return -1;
	crypto_sha256_hex(out, strlen(out), hash);
	if (store_login_link_insert(db, hash, email, (long long)now,
	    (long long)now + SESSION_LINK_TTL) == -1)
		return -1;
	return 1;
}

int
session_link_request(struct store *db, const char *email, time_t now, char out[23])
{
	int known;

	if (store_login_link_purge(db, email, (long long)now - SESSION_LINK_KEPT) == -1 ||
	    (known = session_address_known(db, email)) == -1)
		return -1;
	return known == 1 ? session_link_create(db, email, now, out) : 0;
}

int
session_link_check(struct store *db, const char *token, time_t now, int consume,
    char email[NPSD_MAX_EMAIL + 1])
{
	char hash[CRYPTO_SHA256_HEX];

	if (!crypto_token_wellformed(token))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	return store_login_link_check(db, hash, (long long)now, consume, email);
}

int
session_create(struct store *db, const char *email, time_t now, char out[23])
{
	char hash[CRYPTO_SHA256_HEX];

	if (crypto_token_new(out) == -1)
		return -1;
	crypto_sha256_hex(out, strlen(out), hash);
	if (store_session_insert(db, hash, email, (long long)now,
	    (long long)now + SESSION_TTL) == -1)
		return -1;
	/* expired sessions and links go as new ones come */
	return store_session_purge(db, (long long)now, (long long)now - SESSION_LINK_KEPT);
}

int
session_find(struct store *db, const char *token, time_t now, struct dash_user *u)
{
	struct store_session_user found;
	char hash[CRYPTO_SHA256_HEX], msg[64];
	int rc;

	memset(u, 0, sizeof *u);
	if (token == NULL || !crypto_token_wellformed(token))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	if ((rc = store_session_find(db, hash, (long long)now, &found)) != 1)
		return rc;
	memcpy(u->email, found.email, sizeof u->email);
	u->admin = found.admin;
	memcpy(u->agent_id, found.agent_id, sizeof u->agent_id);
	if (store_team_manager_teams(db, u->email, u->teams, NPSD_MAX_REPORT_TEAMS,
	    &u->nteams) == -1)
		return -1;
	/* the forms of this session carry a value only its cookie yields */
	snprintf(msg, sizeof msg, "csrf:%s", token);
	crypto_sha256_hex(msg, strlen(msg), u->csrf);
	return 1;
}

int
session_delete(struct store *db, const char *token)
{
	char hash[CRYPTO_SHA256_HEX];

	if (!crypto_token_wellformed(token))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	return store_session_delete(db, hash);
}

void
session_user_free(struct dash_user *u)
{
	for (size_t i = 0; i < u->nteams; i++)
		free(u->teams[i]);
	u->nteams = 0;
}

int
session_manages(const struct dash_user *u, const char *team)
{
	if (u->admin)
		return 1;
	for (size_t i = 0; i < u->nteams; i++)
		if (strcmp(u->teams[i], team) == 0)
			return 1;
	return 0;
}
