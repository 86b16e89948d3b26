/* npsctl_privacy.c - a person's rights over what npsd holds about them:
 * `npsctl export ADDRESS` prints it all as JSON (access); `npsctl forget
 * ADDRESS` erases every trace of that requester while their scores stay
 * as anonymous numbers, so reports do not change (erasure); `npsctl agent
 * forget ID` does the same for a departed agent's name and address. Each
 * erasure is one transaction (store_privacy.c says what it leaves behind
 * on each backend). */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "crypto.h"
#include "event.h"
#include "message.h"
#include "npsctl.h"
#include "store_privacy.h"

/* Times (integers in members named "at" or ending in "_at") of every row
 * of every part, as RFC 3339. */
static void
format_times(json_t *parts)
{
	const char *part, *name;
	json_t *rows, *row, *v;
	size_t i;

	json_object_foreach(parts, part, rows) {
		json_array_foreach(rows, i, row) {
			json_object_foreach(row, name, v) {
				size_t n = strlen(name);
				char when[32];

				if (!json_is_integer(v) || (strcmp(name, "at") != 0 &&
				    (n <= 3 || strcmp(name + n - 3, "_at") != 0)))
					continue;
				event_format_time((time_t)json_integer_value(v), when, sizeof when);
				json_object_set_new(row, name, json_string(when));
			}
		}
	}
}

static const char *
address_argument(int argc, char **argv, const char *verb, int *allow_future)
{
	static const struct option opts[] = {
		{ "allow-future", no_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			if (allow_future == NULL)
				usage();
			*allow_future = 1;
			break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s: give one address", verb);
	if (!message_address_valid(argv[optind]))
		usage_error("%s: \"%s\" is not an e-mail address", verb, argv[optind]);
	return argv[optind];
}

int
cmd_export(int argc, char **argv)
{
	const char *address = address_argument(argc, argv, "export", NULL);
	struct config cfg;
	struct store *db;
	json_t *out;
	char *text;

	db = open_db(&cfg);
	if (store_privacy_export(db, address, &out) != STORE_OK) {
		fprintf(stderr, "npsctl: export: %s\n", store_errmsg(db));
		store_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	store_close(db);
	config_free(&cfg);
	format_times(out);
	json_object_set_new(out, "address", json_string(address));
	text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(out);
	if (text == NULL)
		return EXIT_RUNTIME;
	puts(text);
	free(text);
	return 0;
}

/* After an erasure that committed. */
static void
log_note(int log_kept)
{
	if (log_kept)
		fprintf(stderr, "npsctl: erased, but the write-ahead log could not be emptied "
		    "now; npsd empties it at its next checkpoint\n");
}

int
cmd_forget(int argc, char **argv)
{
	int allow_future = 0, rc;
	const char *address = address_argument(argc, argv, "forget", &allow_future);
	char hash[CRYPTO_SHA256_HEX];
	struct privacy_erased e;
	struct config cfg;
	struct store *db;

	crypto_address_hash(address, hash);
	db = open_db(&cfg);
	printf("forgetting the requester with address hash %.16s\n", hash);
	rc = store_privacy_forget(db, address, !allow_future, (long long)time(NULL), &e);
	if (rc == STORE_OK) {
		printf("%6lld  answers: comments erased\n", e.comments);
		printf("%6lld  answer versions: comments erased\n", e.versions);
		printf("%6lld  follow-ups: notes erased\n", e.notes);
		printf("%6lld  mail: messages and recipients erased (waiting ones cancelled)\n",
		    e.mail);
		printf("%6lld  survey links: removed\n", e.links);
		printf("%6lld  surveys not yet sent: cancelled\n", e.cancelled);
		printf("%6lld  surveys: address and name erased (scores kept, anonymous)\n",
		    e.surveys);
		if (!allow_future)
			printf("%6lld  suppression list: address added (hashed)\n", e.suppressed);
		log_note(e.log_kept);
	} else {
		fprintf(stderr, "npsctl: %s; nothing was erased\n", store_errmsg(db));
	}
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : EXIT_RUNTIME;
}

static int
agent_forget(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct agent_erased e;
	struct config cfg;
	struct store *db;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s", "agent forget: give one agent id");
	db = open_db(&cfg);
	rc = store_agent_forget(db, argv[optind], &e);
	if (rc == STORE_OK) {
		printf("%6lld  sign-in links: removed\n", e.links);
		printf("%6lld  sessions: ended\n", e.sessions);
		printf("%6lld  surveys: agent's name and address erased (scores kept under the "
		    "id)\n", e.surveys);
		printf("%6lld  agents: name and address erased\n", e.agents);
		log_note(e.log_kept);
	} else if (rc == STORE_NOTFOUND) {
		fprintf(stderr, "npsctl: no agent with id \"%s\" (see npsctl report --by agent)\n",
		    argv[optind]);
	} else {
		fprintf(stderr, "npsctl: %s; nothing was erased\n", store_errmsg(db));
	}
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : EXIT_RUNTIME;
}

int
cmd_agent(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "forget") != 0)
		usage_error("%s", "agent: forget ID");
	return agent_forget(argc - 1, argv + 1);
}
