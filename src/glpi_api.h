/* glpi_api.h - the requester's address of a GLPI ticket from GLPI's
 * legacy REST API (apirest.php), through libcurl: the client, and the
 * pure readers of GLPI's answers behind it. */
#ifndef NPSD_GLPI_API_H
#define NPSD_GLPI_API_H

#include <stddef.h>

#include "config.h"
#include "survey_address.h"

enum glpi_outcome {
	GLPI_FOUND,		/* found->email is the address */
	GLPI_NO_ADDRESS,	/* for good: no requester, no address, 404 */
	GLPI_RETRY,		/* maybe later: 5xx, timeout, refused login, ... */
	GLPI_STOPPED,		/* npsd is stopping: not a failed try */
};

/* One per worker thread: the libcurl handle and the cached session. */
struct glpi_client;

struct glpi_client *glpi_client_new(void);
void	glpi_client_free(struct glpi_client *);

/* Looks up the ticket's requester address (and language, name): logs in
 * when there is no session (or the cached one expired: once more),
 * reads Ticket/ID/Ticket_User, then User/UID/UserEmail and User/UID.
 * detail names the call and GLPI's answer, never a token or an address.
 * *stop, when it becomes non-zero, cuts a call short (GLPI_STOPPED). */
enum glpi_outcome glpi_api_lookup(struct glpi_client *, const struct glpi_api_config *,
    const char *ticket_id, struct address_found *found, char *detail, size_t detaillen,
    volatile int *stop);

/* The pure part, for the tests. */
enum glpi_pick { GLPI_PICK_MALFORMED = -1, GLPI_PICK_NONE, GLPI_PICK_EMAIL, GLPI_PICK_USER };
/* Ticket_User rows: the requesters (type 1) in id order; the first valid
 * alternative_email (EMAIL, *user_id its users_id, may be 0), else the
 * first users_id > 0 (USER), else NONE. */
enum glpi_pick glpi_pick_requester(const char *json, size_t len, char *email, size_t emaillen,
    long long *user_id);
/* UserEmail rows: the default valid address, else the valid one with the
 * lowest id. 1 found, 0 none, -1 not GLPI's list. */
int	glpi_pick_email(const char *json, size_t len, char *email, size_t emaillen);
/* User: language ("nl_NL" -> "nl", "" when unset) and "Firstname
 * Realname". -1 when not an object. */
int	glpi_user_details(const char *json, size_t len, char lang[8], char *name, size_t namelen);
/* GLPI's error answer ["ERROR_…", "message"]: the code, when it is one. */
void	glpi_error_code(const char *json, size_t len, char *code, size_t codelen);

#endif
