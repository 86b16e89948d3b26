/* npsctl_access.c - who may see what: `npsctl token` (API tokens, shown
 * once, kept hashed), `npsctl team` (the managers who see a team and get
 * its detractor alerts) and `npsctl admin` (who sees everything in the
 * dashboard). */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "event.h"
#include "message.h"
#include "npsctl.h"
#include "store_access.h"

/* An agent or team id as events carry them: 1 to NPSD_MAX_ID bytes, no
 * control characters, no commas (lists are comma-separated). */
static int
id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NPSD_MAX_ID)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == ',')
			return 0;
	return 1;
}

static int
finish(struct store *db, struct config *cfg, int rc)
{
	store_close(db);
	config_free(cfg);
	return rc;
}

/* A database error: said, and the command fails. */
static int
failed(struct store *db, struct config *cfg)
{
	fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
	return finish(db, cfg, EXIT_RUNTIME);
}

/* A typo in an id would make a token that sees nothing: say so. */
static void
warn_unknown(struct store *db, int (*seen)(struct store *, const char *),
    const char *const *ids, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (seen(db, ids[i]) == 0)
			fprintf(stderr, "npsctl: warning: no event has named %s \"%s\" yet; the "
			    "token sees nothing until one does\n", what, ids[i]);
}

static int
label_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NPSD_MAX_TOKEN_LABEL)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int
token_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "agent", required_argument, NULL, 'a' },
		{ "team", required_argument, NULL, 't' },
		{ "expires", required_argument, NULL, 'e' },
		{ "label", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *teams[NPSD_MAX_REPORT_TEAMS], *agent = NULL, *label = "";
	char token[ACCESS_TOKEN_LEN + 1], when[32];
	long long expires = 90LL * 86400, id;
	enum access_role role;
	int have_role = 0, nteams = 0, ch;
	time_t now = time(NULL);
	struct config cfg;
	struct store *db;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (access_role_parse(optarg, &role) == -1)
				usage_error("--role: expected agent, manager or admin, not \"%s\"", optarg);
			have_role = 1;
			break;
		case 'a':
			if (!id_valid(optarg))
				usage_error("--agent: expected an agent id (1 to %d bytes, no control "
				    "characters or commas)", NPSD_MAX_ID);
			agent = optarg;
			break;
		case 't':
			if ((nteams = report_split_list(optarg, teams, NPSD_MAX_REPORT_TEAMS)) < 0)
				usage_error("--team: expected ID[,ID...] (at most %d)",
				    NPSD_MAX_REPORT_TEAMS);
			for (int i = 0; i < nteams; i++)
				if (!id_valid(teams[i]))
					usage_error("--team: \"%s\" is not a team id", teams[i]);
			break;
		case 'e':
			if (strcmp(optarg, "never") == 0)
				expires = 0;
			else if (config_parse_duration(optarg, &expires) == -1 || expires == 0)
				usage_error("--expires: expected a duration such as 90d, or never, "
				    "not \"%s\"", optarg);
			break;
		case 'l':
			if (!label_valid(optarg))
				usage_error("--label: 1 to %d bytes of text without control characters "
				    "(whose token this is, e.g. \"Grafana, servicedesk board\")",
				    NPSD_MAX_TOKEN_LABEL);
			label = optarg;
			break;
		case 'c':
			config_file = optarg;
			config_explicit = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage_error("token create: unexpected argument \"%s\"", argv[optind]);
	if (!have_role)
		usage_error("%s", "token create: --role agent|manager|admin is required");
	if (role == ACCESS_AGENT && (agent == NULL || nteams > 0))
		usage_error("%s", "token create --role agent: give --agent ID (and no --team)");
	if (role == ACCESS_MANAGER && (nteams == 0 || agent != NULL))
		usage_error("%s", "token create --role manager: give --team ID[,ID] (and no --agent)");
	if (role == ACCESS_ADMIN && (nteams > 0 || agent != NULL))
		usage_error("%s", "token create --role admin: sees everything; give no --agent or --team");
	db = open_db(&cfg);
	warn_unknown(db, role == ACCESS_AGENT ? store_agent_exists : store_team_exists,
	    role == ACCESS_AGENT ? &agent : teams,
	    role == ACCESS_AGENT ? 1 : (size_t)nteams, role == ACCESS_AGENT ? "agent" : "team");
	id = access_token_create(db, role, agent, teams, (size_t)nteams, now,
	    expires > 0 ? now + (time_t)expires : 0, label, token);
	if (id < 0)
		return failed(db, &cfg);
	printf("%s\n", token);
	if (expires > 0)
		event_format_time(now + (time_t)expires, when, sizeof when);
	fprintf(stderr, "token %lld (%s) created; it is shown this once and kept only as a "
	    "hash%s%s\n", id, access_role_name(role), expires > 0 ? "; expires " : "",
	    expires > 0 ? when : "");
	memset(token, 0, sizeof token);
	return finish(db, &cfg, 0);
}

static int
token_print(void *arg, const struct store_api_token *t)
{
	char created[32], expires[32] = "never", used[32] = "-";
	const char *state = "active";
	const time_t *now = arg;

	event_format_time((time_t)t->created_at, created, sizeof created);
	if (t->expires_at != 0) {
		event_format_time((time_t)t->expires_at, expires, sizeof expires);
		if (t->expires_at <= *now)
			state = "expired";
	}
	if (t->used_at != 0)
		event_format_time((time_t)t->used_at, used, sizeof used);
	if (t->revoked_at != 0)
		state = "revoked";
	printf("%-5lld %-8s %-24.24s %-20s %-20s %-20s %-8s %s\n", t->id, t->role,
	    strcmp(t->role, "admin") == 0 ? "everything" : *t->agent_id ? t->agent_id : t->teams,
	    created, expires, used, state, t->label);
	return 0;
}

static int
token_list(void)
{
	struct config cfg;
	struct store *db = open_db(&cfg);
	time_t now = time(NULL);

	printf("%-5s %-8s %-24s %-20s %-20s %-20s %-8s %s\n", "id", "role", "scope", "created",
	    "expires", "last used", "state", "label");
	if (store_api_token_each(db, token_print, &now) == -1)
		return failed(db, &cfg);
	return finish(db, &cfg, 0);
}

static int
token_revoke(const char *arg)
{
	struct config cfg;
	struct store *db;
	char *end;
	long long id = strtoll(arg, &end, 10);
	int rc;

	if (*arg == '\0' || *end != '\0' || id <= 0)
		usage_error("token revoke: expected a token id from `npsctl token list`, not \"%s\"",
		    arg);
	db = open_db(&cfg);
	if ((rc = store_api_token_revoke(db, id, time(NULL))) == -1)
		return failed(db, &cfg);
	if (rc == 0) {
		fprintf(stderr, "npsctl: no active token %lld\n", id);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	printf("token %lld revoked\n", id);
	return finish(db, &cfg, 0);
}

int
cmd_token(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return token_create(argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return token_list();
	if (argc == 3 && strcmp(argv[1], "revoke") == 0)
		return token_revoke(argv[2]);
	usage_error("%s", "token: expected create, list or revoke ID");
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int
team_manager(const char *team, const char *address, int add, int create)
{
	char email[NPSD_MAX_EMAIL + 1];
	struct config cfg;
	struct store *db;
	int rc;

	if (!id_valid(team))
		usage_error("team: \"%s\" is not a team id", team);
	if (strlen(address) > NPSD_MAX_EMAIL || !message_address_valid(address))
		usage_error("team: \"%s\" is not an e-mail address", address);
	snprintf(email, sizeof email, "%s", address);
	lower(email);
	db = open_db(&cfg);
	rc = add ? store_team_manager_add(db, team, email, time(NULL), !create) :
	    store_team_manager_remove(db, team, email);
	if (rc == -1)
		return failed(db, &cfg);
	if (rc == 0 && add) {
		fprintf(stderr, "npsctl: no team \"%s\" has been seen in an event (npsctl team "
		    "list); add --create to name its manager before its first close\n", team);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	if (rc == 0) {
		fprintf(stderr, "npsctl: %s is not a manager of team %.300s\n", email, team);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	printf("%s %s team %s\n", email, add ? "manages" : "no longer manages", team);
	return finish(db, &cfg, 0);
}

static int
team_print(void *arg, const char *team, const char *name, const char *managers)
{
	int *rows = arg;

	(*rows)++;
	printf("%-20.20s %-24.24s %s\n", team, name,
	    *managers ? managers : "(none: detractor alerts go nowhere)");
	return 0;
}

static int
team_list(void)
{
	struct config cfg;
	struct store *db = open_db(&cfg);
	int rows = 0;

	printf("%-20s %-24s %s\n", "team", "name", "managers");
	if (store_team_manager_list(db, team_print, &rows) == -1)
		return failed(db, &cfg);
	if (rows == 0)
		printf("(no teams seen yet)\n");
	return finish(db, &cfg, 0);
}

int
cmd_team(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "add-manager") == 0 && strcmp(argv[2], "--create") == 0)
		return team_manager(argv[3], argv[4], 1, 1);
	if (argc == 5 && strcmp(argv[1], "add-manager") == 0 && strcmp(argv[4], "--create") == 0)
		return team_manager(argv[2], argv[3], 1, 1);
	if (argc == 4 && strcmp(argv[1], "add-manager") == 0)
		return team_manager(argv[2], argv[3], 1, 0);
	if (argc == 4 && strcmp(argv[1], "remove-manager") == 0)
		return team_manager(argv[2], argv[3], 0, 0);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return team_list();
	usage_error("%s", "team: expected add-manager [--create] TEAM ADDRESS, remove-manager "
	    "TEAM ADDRESS or list");
}

static int
admin_change(const char *address, int add)
{
	char email[NPSD_MAX_EMAIL + 1];
	struct config cfg;
	struct store *db;
	int rc;

	if (strlen(address) > NPSD_MAX_EMAIL || !message_address_valid(address))
		usage_error("admin: \"%s\" is not an e-mail address", address);
	snprintf(email, sizeof email, "%s", address);
	lower(email);
	db = open_db(&cfg);
	/* removing an admin ends their sessions with it */
	rc = add ? (store_admin_add(db, email, time(NULL)) == 0 ? 1 : -1) :
	    store_admin_remove(db, email);
	if (rc == -1)
		return failed(db, &cfg);
	if (rc == 0) {
		fprintf(stderr, "npsctl: %s is not an admin\n", email);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	printf("%s %s\n", email, add ? "is an admin: signs in at /login and sees every team" :
	    "is no longer an admin");
	return finish(db, &cfg, 0);
}

static int
admin_print(void *arg, const char *email, long long added_at)
{
	int *rows = arg;
	char when[32];

	(*rows)++;
	event_format_time((time_t)added_at, when, sizeof when);
	printf("%-40s added %s\n", email, when);
	return 0;
}

static int
admin_list(void)
{
	struct config cfg;
	struct store *db = open_db(&cfg);
	int rows = 0;

	if (store_admin_each(db, admin_print, &rows) == -1)
		return failed(db, &cfg);
	if (rows == 0)
		printf("(no admins)\n");
	return finish(db, &cfg, 0);
}

int
cmd_admin(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "add") == 0)
		return admin_change(argv[2], 1);
	if (argc == 3 && strcmp(argv[1], "remove") == 0)
		return admin_change(argv[2], 0);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return admin_list();
	usage_error("%s", "admin: expected add ADDRESS, remove ADDRESS or list");
}
