/* npsctl_followup.c - `npsctl followup`: the detractor answers waiting for
 * a call back, and marking one done with a note. */
#include "autoconfig.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "event.h"
#include "npsctl.h"

static int
followup_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "team", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *team = NULL;
	int all = 0, ch, rows = 0;
	struct config cfg;
	sqlite3_stmt *st;
	sqlite3 *db;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'A': all = 1; break;
		case 't': team = optarg; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage_error("followup list: unexpected argument \"%s\"", argv[optind]);
	db = open_db_sqlite(&cfg);
	st = db_prepare(db, "SELECT f.created_at, s.public_id, s.ticket_id, s.agent_id, "
	    "s.team_id, a.score, coalesce(s.requester_email, ''), coalesce(a.comment, ''), "
	    "f.done_at, coalesce(f.done_by, ''), coalesce(f.note, '') FROM followups f "
	    "JOIN surveys s ON s.id = f.survey JOIN answers a ON a.survey = f.survey "
	    "WHERE (?1 OR f.done_at IS NULL) AND (?2 IS NULL OR s.team_id = ?2) "
	    "ORDER BY f.created_at");
	if (st == NULL) {
		db_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	sqlite3_bind_int(st, 1, all);
	if (team != NULL)
		sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
	printf("%-20s %-22s %-14s %-12s %-12s %5s  %-28s %s\n", "answered", "survey", "ticket",
	    "agent", "team", "score", "requester", all ? "state / comment" : "comment");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char when[32], done[32];

		rows++;
		event_format_time((time_t)sqlite3_column_int64(st, 0), when, sizeof when);
		printf("%-20s %-22s %-14.14s %-12.12s %-12.12s %5d  %-28.28s ", when,
		    text_col(st, 1), text_col(st, 2), text_col(st, 3), text_col(st, 4),
		    sqlite3_column_int(st, 5), text_col(st, 6));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			event_format_time((time_t)sqlite3_column_int64(st, 8), done, sizeof done);
			printf("done %s by %s: %.60s\n", done, text_col(st, 9), text_col(st, 10));
		} else {
			printf("%s%.60s\n", all ? "open: " : "", text_col(st, 7));
		}
	}
	sqlite3_finalize(st);
	if (rows == 0)
		printf(all ? "(no detractor answers yet)\n" : "(nobody is waiting for a call back)\n");
	db_close(db);
	config_free(&cfg);
	return 0;
}

static const char *
who(void)
{
	const char *u = getenv("SUDO_USER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "npsctl";
}

static int
followup_done(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *note = NULL, *survey;
	char none[256];
	struct config cfg;
	sqlite3_stmt *st;
	sqlite3 *db;
	int ch, rc = 0;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (strlen(optarg) > NPSD_MAX_COMMENT)
				usage_error("--note: at most %d bytes", NPSD_MAX_COMMENT);
			for (const char *p = optarg; *p != '\0'; p++)
				if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
					usage_error("%s", "--note: control characters are not allowed");
			note = optarg;
			break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s", "followup done: give one survey id (svy_...)");
	survey = argv[optind];
	db = open_db_sqlite(&cfg);
	if (db_begin(db) != SQLITE_OK) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	st = db_prepare(db, "UPDATE followups SET done_at = ?1, done_by = ?2, note = ?3 "
	    "WHERE done_at IS NULL AND survey = (SELECT id FROM surveys WHERE public_id = ?4)");
	if (st == NULL) {
		db_rollback(db);
		rc = EXIT_RUNTIME;
		goto out;
	}
	sqlite3_bind_int64(st, 1, time(NULL));
	sqlite3_bind_text(st, 2, who(), -1, SQLITE_TRANSIENT);
	if (note != NULL)
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, survey, -1, SQLITE_STATIC);
	snprintf(none, sizeof none, "%.200s has no open follow-up", survey);
	rc = change_end(db, st, none);
	if (rc == 0)
		printf("follow-up of %s done\n", survey);
out:
	db_close(db);
	config_free(&cfg);
	return rc;
}

int
cmd_followup(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return followup_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "done") == 0)
		return followup_done(argc - 1, argv + 1);
	usage_error("%s", "followup: expected list [--all] [--team ID] or done SURVEY [--note TEXT]");
}
