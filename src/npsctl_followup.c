/* npsctl_followup.c - `npsctl followup`: the detractor answers waiting for
 * a call back, and marking one done with a note. */
#include "autoconfig.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "npsctl.h"
#include "store_followup.h"

struct list_out {
	int	 all, rows;
};

static int
print_followup(void *arg, const struct store_followup *f)
{
	struct list_out *o = arg;
	char when[32], done[32];

	o->rows++;
	event_format_time((time_t)f->created_at, when, sizeof when);
	printf("%-20s %-22s %-14.14s %-12.12s %-12.12s %5d  %-28.28s ", when, f->survey,
	    f->ticket_id, f->agent_id, f->team_id, f->score, f->requester_email);
	if (f->done_at != 0) {
		event_format_time((time_t)f->done_at, done, sizeof done);
		printf("done %s by %s: %.60s\n", done, f->done_by, f->note);
	} else {
		printf("%s%.60s\n", o->all ? "open: " : "", f->comment);
	}
	return 0;
}

static int
followup_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "team", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_out o = { 0, 0 };
	const char *team = NULL;
	struct config cfg;
	struct store *db;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'A': o.all = 1; break;
		case 't': team = optarg; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage_error("followup list: unexpected argument \"%s\"", argv[optind]);
	db = open_db(&cfg);
	printf("%-20s %-22s %-14s %-12s %-12s %5s  %-28s %s\n", "answered", "survey", "ticket",
	    "agent", "team", "score", "requester", o.all ? "state / comment" : "comment");
	rc = store_followup_each(db, team, o.all, print_followup, &o);
	if (rc != STORE_OK)
		fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
	else if (o.rows == 0)
		printf(o.all ? "(no detractor answers yet)\n" : "(nobody is waiting for a call back)\n");
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : EXIT_RUNTIME;
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
	struct config cfg;
	struct store *db;
	int ch, rc;

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
	db = open_db(&cfg);
	rc = store_followup_done(db, survey, NULL, time(NULL), who(), note);
	if (rc == STORE_OK) {
		printf("follow-up of %s done\n", survey);
	} else {
		if (rc == STORE_NOTFOUND)
			fprintf(stderr, "npsctl: %.200s has no open follow-up\n", survey);
		else
			fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
		rc = EXIT_RUNTIME;
	}
	store_close(db);
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
