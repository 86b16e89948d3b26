/* npsctl_mail.c - `npsctl mail`: the outbox seen and steered by the
 * administrator: list what waits or failed (with the server's own reply),
 * send a failed or waiting message now, or drop one. A row the mailer has
 * marked 'sending' is never touched here. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "event.h"
#include "npsctl.h"
#include "store_mail_admin.h"

struct list {
	json_t		*rows;	/* --format json */
	int		 n;
};

static int
list_row(const struct mail_row *m, void *arg)
{
	struct list *l = arg;
	int waiting = strcmp(m->state, "queued") == 0 || strcmp(m->state, "sending") == 0;
	long long t = waiting ? m->next_attempt_at : m->done_at;
	char when[32];

	l->n++;
	if (t == 0)
		snprintf(when, sizeof when, "-");
	else
		event_format_time((time_t)t, when, sizeof when);
	if (l->rows != NULL) {
		json_array_append_new(l->rows, json_pack("{s:I,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s}",
		    "id", (json_int_t)m->id, "kind", m->kind, "state", m->state,
		    "attempts", m->attempts, waiting ? "next_attempt" : "done", when,
		    "survey", m->survey, "ticket", m->ticket, "recipient", m->recipient,
		    "last_error", m->last_error));
		return 0;
	}
	printf("%6lld  %-8s %-9s %3d  %-20s  %-22s %-14.14s %s\n", m->id, m->kind, m->state,
	    m->attempts, when, *m->survey ? m->survey : "-", *m->ticket ? m->ticket : "-",
	    m->recipient);
	if (*m->last_error)
		printf("%66s%s\n", "", m->last_error);
	return 0;
}

static int
mail_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "waiting", no_argument, NULL, 'w' },
		{ "failed", no_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'A' },
		{ "format", required_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	enum mail_filter filter = MAIL_OPEN;
	const char *format = "table";
	struct list l = { 0 };
	struct config cfg;
	struct store *db;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': filter = MAIL_WAITING; break;
		case 'f': filter = MAIL_FAILED; break;
		case 'A': filter = MAIL_ALL; break;
		case 'F': format = format_option(optarg); break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage_error("mail list: unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "csv") == 0)
		usage_error("%s", "mail list: --format table or json");
	db = open_db(&cfg);
	if (strcmp(format, "json") == 0)
		l.rows = json_array();
	else
		printf("%6s  %-8s %-9s %3s  %-20s  %-22s %-14s %s\n", "id", "kind", "state", "try",
		    "next / done", "survey", "ticket", "recipient / last error");
	if ((rc = store_mail_each(db, filter, list_row, &l)) != STORE_OK)
		fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
	if (l.rows != NULL) {
		char *text = json_dumps(l.rows, JSON_COMPACT);

		if (text != NULL)
			puts(text);
		free(text);
		json_decref(l.rows);
	} else if (l.n == 0) {
		printf("(none)\n");
	}
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : EXIT_RUNTIME;
}

/* Parses "ID" or --all for retry and drop; returns the id, 0 for all. */
static long long
mail_target(int argc, char **argv, const char *verb, int allow_all)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	long long id;
	char *end;
	int ch, all = 0;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'A': all = 1; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (all && allow_all && optind == argc)
		return 0;
	if (all || optind + 1 != argc)
		usage_error("mail %s: give one message id (see npsctl mail list)%s", verb,
		    allow_all ? " or --all" : "");
	id = strtoll(argv[optind], &end, 10);
	if (*argv[optind] == '\0' || *end != '\0' || id <= 0)
		usage_error("mail %s: \"%s\" is not a message id", verb, argv[optind]);
	return id;
}

/* Failed or waiting messages go out at the mailer's next look (within a
 * second) with a fresh count of attempts; a survey that had failed with
 * its mail is scheduled again, so that its links work once it is sent. */
static int
mail_retry(int argc, char **argv)
{
	long long id = mail_target(argc, argv, "retry", 1), n;
	struct config cfg;
	struct store *db;
	int rc;

	db = open_db(&cfg);
	rc = store_mail_retry(db, id, (long long)time(NULL), &n);
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, "npsctl: message %lld is not waiting or failed with its text "
		    "still stored (sent, dropped, being sent now, or erased by retention)\n", id);
	else if (rc != STORE_OK)
		fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
	else
		printf("%lld message%s queued to be sent now\n", n, n == 1 ? "" : "s");
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : EXIT_RUNTIME;
}

/* A dropped message is never sent; a survey still waiting for it is
 * cancelled ('dropped'), so no reminder follows either. */
static int
mail_drop(int argc, char **argv)
{
	long long id = mail_target(argc, argv, "drop", 0);
	struct config cfg;
	struct store *db;
	int rc;

	db = open_db(&cfg);
	rc = store_mail_drop(db, id, (long long)time(NULL));
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, "npsctl: no such message waiting or failed (a message being sent "
		    "now cannot be dropped)\n");
	else if (rc != STORE_OK)
		fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
	else
		printf("message %lld dropped\n", id);
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : EXIT_RUNTIME;
}

int
cmd_mail(int argc, char **argv)
{
	if (argc < 2)
		usage_error("%s", "mail: list, retry or drop");
	argc--;
	argv++;
	if (strcmp(argv[0], "list") == 0)
		return mail_list(argc, argv);
	if (strcmp(argv[0], "retry") == 0)
		return mail_retry(argc, argv);
	if (strcmp(argv[0], "drop") == 0)
		return mail_drop(argc, argv);
	usage_error("mail: unknown action \"%s\" (list, retry, drop)", argv[0]);
}
