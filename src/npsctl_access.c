/* npsctl_access.c - who may see what: `npsctl token` (API tokens, shown
 * once, kept hashed), `npsctl team` (the managers who see a team and get
 * its detractor alerts) and `npsctl admin` (who sees everything in the
 * dashboard). */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "db.h"
#include "event.h"
#include "message.h"
#include "npsctl.h"

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
finish(sqlite3 *db, struct config *cfg, int rc)
{
	if (rc != 0 && sqlite3_errcode(db) != SQLITE_OK && sqlite3_errcode(db) != SQLITE_DONE &&
	    sqlite3_errcode(db) != SQLITE_ROW)
		fprintf(stderr, "npsctl: %s\n", sqlite3_errmsg(db));
	db_close(db);
	config_free(cfg);
	return rc;
}

/* A typo in an id would make a token that sees nothing: say so. */
static void
warn_unknown(sqlite3 *db, const char *sql, const char *const *ids, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = db_prepare(db, sql);

		if (st == NULL)
			return;
		sqlite3_bind_text(st, 1, ids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0)
			fprintf(stderr, "npsctl: warning: no event has named %s \"%s\" yet; the "
			    "token sees nothing until one does\n", what, ids[i]);
		sqlite3_finalize(st);
	}
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
	sqlite3 *db;

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
	db = open_db_sqlite(&cfg);
	warn_unknown(db, role == ACCESS_AGENT ? "SELECT count(*) FROM agents WHERE id = ?" :
	    "SELECT count(*) FROM teams WHERE id = ?", role == ACCESS_AGENT ? &agent : teams,
	    role == ACCESS_AGENT ? 1 : (size_t)nteams, role == ACCESS_AGENT ? "agent" : "team");
	id = access_token_create(db, role, agent, teams, (size_t)nteams, now,
	    expires > 0 ? now + (time_t)expires : 0, label, token);
	if (id < 0)
		return finish(db, &cfg, EXIT_RUNTIME);
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
token_list(void)
{
	struct config cfg;
	sqlite3 *db = open_db_sqlite(&cfg);
	sqlite3_stmt *st;
	time_t now = time(NULL);

	st = db_prepare(db, "SELECT t.id, t.role, coalesce(t.agent_id, ''), "
	    "coalesce((SELECT group_concat(team_id, ',') FROM api_token_teams WHERE token = t.id), ''), "
	    "t.created_at, t.expires_at, t.used_at, t.revoked_at, t.label FROM api_tokens t "
	    "ORDER BY t.id");
	if (st == NULL)
		return finish(db, &cfg, EXIT_RUNTIME);
	printf("%-5s %-8s %-24s %-20s %-20s %-20s %-8s %s\n", "id", "role", "scope", "created",
	    "expires", "last used", "state", "label");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char created[32], expires[32] = "never", used[32] = "-";
		const char *state = "active";

		event_format_time((time_t)sqlite3_column_int64(st, 4), created, sizeof created);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			event_format_time((time_t)sqlite3_column_int64(st, 5), expires, sizeof expires);
			if (sqlite3_column_int64(st, 5) <= now)
				state = "expired";
		}
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			event_format_time((time_t)sqlite3_column_int64(st, 6), used, sizeof used);
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			state = "revoked";
		printf("%-5lld %-8s %-24.24s %-20s %-20s %-20s %-8s %s\n",
		    sqlite3_column_int64(st, 0), text_col(st, 1),
		    strcmp(text_col(st, 1), "admin") == 0 ? "everything" :
		    *text_col(st, 2) ? text_col(st, 2) : text_col(st, 3), created, expires, used,
		    state, text_col(st, 8));
	}
	sqlite3_finalize(st);
	return finish(db, &cfg, 0);
}

static int
token_revoke(const char *arg)
{
	struct config cfg;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *end;
	long long id = strtoll(arg, &end, 10);
	char none[64];
	int rc;

	if (*arg == '\0' || *end != '\0' || id <= 0)
		usage_error("token revoke: expected a token id from `npsctl token list`, not \"%s\"",
		    arg);
	db = open_db_sqlite(&cfg);
	if (db_begin(db) != SQLITE_OK)
		return finish(db, &cfg, EXIT_RUNTIME);
	st = db_prepare(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND "
	    "revoked_at IS NULL");
	if (st == NULL) {
		db_rollback(db);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	sqlite3_bind_int64(st, 1, time(NULL));
	sqlite3_bind_int64(st, 2, id);
	snprintf(none, sizeof none, "no active token %lld", id);
	rc = change_end(db, st, none);
	if (rc == 0)
		printf("token %lld revoked\n", id);
	return finish(db, &cfg, rc);
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

/* A team is known once an event named it or it has a manager. */
static int
team_known(sqlite3 *db, const char *team)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM teams WHERE id = ?1) OR "
	    "EXISTS (SELECT 1 FROM team_managers WHERE team_id = ?1)");
	int known = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		known = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return known;
}

static int
team_manager(const char *team, const char *address, int add, int create)
{
	char email[NPSD_MAX_EMAIL + 1], none[NPSD_MAX_EMAIL + 360];
	struct config cfg;
	sqlite3_stmt *st;
	sqlite3 *db;
	int rc;

	if (!id_valid(team))
		usage_error("team: \"%s\" is not a team id", team);
	if (strlen(address) > NPSD_MAX_EMAIL || !message_address_valid(address))
		usage_error("team: \"%s\" is not an e-mail address", address);
	snprintf(email, sizeof email, "%s", address);
	lower(email);
	db = open_db_sqlite(&cfg);
	if (db_begin(db) != SQLITE_OK)
		return finish(db, &cfg, EXIT_RUNTIME);
	if (add && !create && team_known(db, team) != 1) {
		db_rollback(db);
		fprintf(stderr, "npsctl: no team \"%s\" has been seen in an event (npsctl team list); "
		    "add --create to name its manager before its first close\n", team);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	st = db_prepare(db, add ?
	    "INSERT OR IGNORE INTO team_managers (team_id, email, added_at) VALUES (?1, ?2, ?3)" :
	    "DELETE FROM team_managers WHERE team_id = ?1 AND email = ?2");
	if (st == NULL) {
		db_rollback(db);
		return finish(db, &cfg, EXIT_RUNTIME);
	}
	sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	if (add)
		sqlite3_bind_int64(st, 3, time(NULL));
	snprintf(none, sizeof none, "%s is not a manager of team %.300s", email, team);
	rc = change_end(db, st, add ? NULL : none);
	if (rc == 0)
		printf("%s %s team %s\n", email, add ? "manages" : "no longer manages", team);
	return finish(db, &cfg, rc);
}

static int
team_list(void)
{
	struct config cfg;
	sqlite3 *db = open_db_sqlite(&cfg);
	sqlite3_stmt *st;
	int rows = 0;

	/* teams seen in events, and teams that only have managers so far */
	st = db_prepare(db, "WITH ids(id) AS (SELECT id FROM teams UNION "
	    "SELECT team_id FROM team_managers) SELECT ids.id, coalesce(t.name, ''), "
	    "coalesce((SELECT group_concat(email, ', ') FROM (SELECT email FROM team_managers "
	    "WHERE team_id = ids.id ORDER BY email)), '') FROM ids LEFT JOIN teams t ON "
	    "t.id = ids.id ORDER BY ids.id");
	if (st == NULL)
		return finish(db, &cfg, EXIT_RUNTIME);
	printf("%-20s %-24s %s\n", "team", "name", "managers");
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		printf("%-20.20s %-24.24s %s\n", text_col(st, 0), text_col(st, 1),
		    *text_col(st, 2) ? text_col(st, 2) : "(none: detractor alerts go nowhere)");
	}
	sqlite3_finalize(st);
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
	sqlite3_stmt *st;
	sqlite3 *db;
	int rc = 0;

	if (strlen(address) > NPSD_MAX_EMAIL || !message_address_valid(address))
		usage_error("admin: \"%s\" is not an e-mail address", address);
	snprintf(email, sizeof email, "%s", address);
	lower(email);
	db = open_db_sqlite(&cfg);
	st = db_prepare(db, add ? "INSERT OR IGNORE INTO admins (email, added_at) VALUES (?1, ?2)" :
	    "DELETE FROM admins WHERE email = ?1");
	if (st == NULL)
		return finish(db, &cfg, EXIT_RUNTIME);
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	if (add)
		sqlite3_bind_int64(st, 2, time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = EXIT_RUNTIME;
	sqlite3_finalize(st);
	if (rc == 0 && !add && sqlite3_changes(db) == 0) {
		fprintf(stderr, "npsctl: %s is not an admin\n", email);
		rc = EXIT_RUNTIME;
	}
	if (rc == 0 && !add) {	/* their sessions end with it */
		st = db_prepare(db, "DELETE FROM sessions WHERE email = ?");
		if (st != NULL) {
			sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	if (rc == 0)
		printf("%s %s\n", email, add ? "is an admin: signs in at /login and sees every team" :
		    "is no longer an admin");
	return finish(db, &cfg, rc);
}

static int
admin_list(void)
{
	struct config cfg;
	sqlite3 *db = open_db_sqlite(&cfg);
	sqlite3_stmt *st = db_prepare(db, "SELECT email, added_at FROM admins ORDER BY email");
	int rows = 0;

	if (st == NULL)
		return finish(db, &cfg, EXIT_RUNTIME);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char when[32];

		rows++;
		event_format_time((time_t)sqlite3_column_int64(st, 1), when, sizeof when);
		printf("%-40s added %s\n", text_col(st, 0), when);
	}
	sqlite3_finalize(st);
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
