/* npsctl.c - the administrator's command line: the shared helpers and
 * report, send-test-event, survey show, suppress and answers; the other
 * commands live in npsctl_*.c. */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "config.h"
#include "crypto.h"
#include "event.h"
#include "limits.h"
#include "message.h"
#include "paths.h"
#include "report.h"
#include "signature.h"
#include "store_admin.h"
#include "store_suppress.h"
#include "survey.h"
#include "npsctl.h"

const char *config_file = NPSD_CONFIG_FILE;
int config_explicit;

/* The command table: name, what runs it, its usage lines (after
 * "npsctl ") for help, -h and usage errors. */
static int cmd_report(int, char **);
static int cmd_send_test_event(int, char **);
static int cmd_survey(int, char **);
static int cmd_suppress(int, char **);

static const struct command {
	const char	*name;
	int		(*run)(int argc, char **argv);
	const char	*usage;
} commands[] = {
	{ "report", cmd_report,
	    "report [--by agent|team|category|none] [--since DATE] [--until DATE]\n"
	    "       [--last DURATION] [--team ID] [--agent ID] [--category NAME]\n"
	    "       [--interval week|month] [--format table|json|csv]\n" },
	{ "send-test-event", cmd_send_test_event,
	    "send-test-event [--url URL] [--to ADDRESS] [--name NAME] [--ticket ID]\n"
	    "       [--subject TEXT] [--agent ID] [--team ID] [--language en|nl] [--reopen]\n" },
	{ "survey", cmd_survey, "survey show TICKET [--source NAME]\n" },
	{ "suppress", cmd_suppress, "suppress add|remove|check ADDRESS | suppress list\n" },
	{ "answers", cmd_answers,
	    "answers [--flagged] [--since DATE] [--until DATE] [--last DURATION]\n"
	    "       [--team ID[,ID]] [--agent ID] [--category NAME] [--format table|json|csv]\n"
	    "answers unflag SURVEY\n" },
	{ "comments", cmd_comments,
	    "comments [--since DATE] [--until DATE] [--last DURATION] [--team ID[,ID]]\n"
	    "       [--agent ID] [--category NAME] [--format table|json|csv]\n" },
	{ "token", cmd_token,
	    "token create --role agent --agent ID | --role manager --team ID[,ID] |\n"
	    "       --role admin [--expires DURATION|never] [--label TEXT]\n"
	    "token list | token revoke ID\n" },
	{ "team", cmd_team,
	    "team add-manager TEAM ADDRESS [--create] | team remove-manager TEAM ADDRESS |\n"
	    "       team list\n" },
	{ "followup", cmd_followup,
	    "followup list [--all] [--team ID] | followup done SURVEY [--note TEXT]\n" },
	{ "admin", cmd_admin, "admin add|remove ADDRESS | admin list\n" },
	{ "mail", cmd_mail,
	    "mail list [--waiting|--failed|--all] [--format table|json]\n"
	    "mail retry ID|--all | mail drop ID\n" },
	{ "backup", cmd_backup, "backup FILE\n" },
	{ "db", cmd_db, "db copy --to postgresql://...|FILE [--password-file FILE]\n" },
	{ "export", cmd_export, "export ADDRESS\n" },
	{ "forget", cmd_forget, "forget ADDRESS [--allow-future]\n" },
	{ "agent", cmd_agent, "agent forget ID\n" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Each usage line of c: the first after first, another form after
 * other, a continued line (it starts with spaces) after more. */
static void
print_command(FILE *out, const struct command *c, const char *first, const char *other,
    const char *more)
{
	for (const char *p = c->usage; *p != '\0'; ) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "%s%.*s\n", p == c->usage ? first : *p == ' ' ? more : other,
		    (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void
print_usage(FILE *out)
{
	fprintf(out, "usage: npsctl [-c FILE] COMMAND [options]\n"
	    "       npsctl help [COMMAND] | npsctl COMMAND --help | npsctl --version\n"
	    "  -c, --config FILE  configuration file (default %s)\n"
	    "commands:\n", NPSD_CONFIG_FILE);
	for (size_t i = 0; i < NCOMMANDS; i++)
		print_command(out, &commands[i], "  ", "  ", "  ");
}

void
usage(void)
{
	print_usage(stderr);
	exit(EXIT_USAGE);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "npsctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(EXIT_USAGE);
}

void
load_config(struct config *cfg)
{
	char err[512];

	config_defaults(cfg);
	if (!config_explicit && access(config_file, F_OK) == -1 && errno == ENOENT)
		return;
	if (config_load(cfg, config_file, err, sizeof err) == -1) {
		fprintf(stderr, "npsctl: %s: %s\n", config_file, err);
		config_free(cfg);
		exit(EXIT_CONFIG);
	}
}

/* YYYY-MM-DD at 00:00 UTC. */
int
parse_date(const char *s, time_t *out)
{
	char full[32];

	if (strlen(s) != 10)
		return -1;
	snprintf(full, sizeof full, "%sT00:00:00Z", s);
	return event_parse_time(full, out);
}

int
filter_option(int ch, const char *arg, struct report_query *q, struct period_options *p)
{
	int n;

	switch (ch) {
	case 's':
		if (parse_date(arg, &q->since) == -1)
			usage_error("--since: expected a date YYYY-MM-DD, not \"%s\"", arg);
		p->have_since = 1;
		return 1;
	case 'u':
		if (parse_date(arg, &q->until) == -1)
			usage_error("--until: expected a date YYYY-MM-DD, not \"%s\"", arg);
		p->have_until = 1;
		return 1;
	case 'l':
		if (config_parse_duration(arg, &p->last) == -1 || p->last == 0)
			usage_error("--last: expected a duration such as 30d or 12h, not \"%s\"", arg);
		p->have_last = 1;
		return 1;
	case 't':
		if ((n = report_split_list((char *)arg, p->teams, NPSD_MAX_REPORT_TEAMS)) < 0)
			usage_error("--team: expected ID[,ID...] (at most %d)", NPSD_MAX_REPORT_TEAMS);
		q->teams = p->teams;
		q->nteams = (size_t)n;
		return 1;
	case 'a':
		q->agent = arg;
		return 1;
	case 'k':
		q->category = arg;
		return 1;
	case 'c':
		config_file = arg;
		config_explicit = 1;
		return 1;
	}
	return 0;
}

void
period_finish(struct report_query *q, struct period_options *p)
{
	time_t now = time(NULL);

	if (p->have_last && (p->have_since || p->have_until))
		usage_error("%s", "--last cannot be combined with --since or --until");
	if (p->last == 0)
		p->last = 30 * 86400;
	/* a period of whole days ends with today: until is tomorrow 00:00 UTC */
	if (!p->have_until)
		q->until = p->have_since || p->last % 86400 == 0 ?
		    now - now % 86400 + 86400 : now + 1;
	if (!p->have_since)
		q->since = q->until - (time_t)p->last;
	if (q->since >= q->until)
		usage_error("%s", "--since must be before --until");
}

static int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTIONS,
		{ "by", required_argument, NULL, 'b' },
		{ "interval", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_query q = { .by = REPORT_BY_TEAM, .interval = REPORT_INTERVAL_NONE };
	struct period_options po = { 0 };
	const char *format = "table";
	struct report r;
	struct config cfg;
	struct store *db;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (filter_option(ch, optarg, &q, &po))
			continue;
		switch (ch) {
		case 'b':
			if (strcmp(optarg, "agent") == 0) q.by = REPORT_BY_AGENT;
			else if (strcmp(optarg, "team") == 0) q.by = REPORT_BY_TEAM;
			else if (strcmp(optarg, "category") == 0) q.by = REPORT_BY_CATEGORY;
			else if (strcmp(optarg, "none") == 0) q.by = REPORT_BY_NONE;
			else usage_error("--by: expected agent, team, category or none, not \"%s\"", optarg);
			break;
		case 'i':
			if (strcmp(optarg, "week") == 0) q.interval = REPORT_INTERVAL_WEEK;
			else if (strcmp(optarg, "month") == 0) q.interval = REPORT_INTERVAL_MONTH;
			else usage_error("--interval: expected week or month, not \"%s\"", optarg);
			break;
		case 'f':
			format = format_option(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage_error("report: unexpected argument \"%s\"", argv[optind]);
	period_finish(&q, &po);

	db = open_db(&cfg);
	if ((rc = report_run(db, &q, &r)) != 0) {
		if (rc == -2)
			fprintf(stderr, "npsctl: report: the period has more than %d buckets or "
			    "the report more than %d rows; choose a shorter period or a longer "
			    "interval\n", NPSD_MAX_BUCKETS, NPSD_MAX_REPORT_GROUPS);
		else
			fprintf(stderr, "npsctl: report: %s\n", store_errmsg(db));
		store_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	if (strcmp(format, "json") == 0)
		rc = report_write_json(stdout, &q, &r);
	else if (strcmp(format, "csv") == 0)
		rc = report_write_csv(stdout, &q, &r);
	else
		rc = report_write_table(stdout, &q, &r);
	report_free(&r);
	store_close(db);
	config_free(&cfg);
	return rc == 0 && fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

const char *
format_option(const char *arg)
{
	if (strcmp(arg, "table") != 0 && strcmp(arg, "json") != 0 && strcmp(arg, "csv") != 0)
		usage_error("--format: expected table, json or csv, not \"%s\"", arg);
	return arg;
}

static size_t
print_body(char *p, size_t size, size_t n, void *arg)
{
	(void)arg;
	fwrite(p, size, n, stdout);
	return size * n;
}

static int
cmd_send_test_event(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "to", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "ticket", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "agent", required_argument, NULL, 'a' },
		{ "team", required_argument, NULL, 'm' },
		{ "language", required_argument, NULL, 'l' },
		{ "reopen", no_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *to = "requester@example.net", *name = "Test Requester";
	const char *subject = "Test ticket from npsctl", *agent = "test-agent";
	const char *team = "servicedesk", *language = "en";
	char ticket[64], default_url[320], id[64], ts[24], sig[64];
	const struct source_config *src;
	struct curl_slist *headers = NULL;
	struct config cfg;
	unsigned char rnd[12];
	long status = 0;
	int reopen = 0, ch;
	json_t *ev;
	char *body;
	CURL *curl;
	CURLcode rc;

	snprintf(ticket, sizeof ticket, "TEST-%lld", (long long)time(NULL));
	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': url = optarg; break;
		case 't': to = optarg; break;
		case 'n': name = optarg; break;
		case 'k': snprintf(ticket, sizeof ticket, "%s", optarg); break;
		case 's': subject = optarg; break;
		case 'a': agent = optarg; break;
		case 'm': team = optarg; break;
		case 'l': language = optarg; break;
		case 'r': reopen = 1; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage_error("send-test-event: unexpected argument \"%s\"", argv[optind]);
	load_config(&cfg);
	if ((src = config_source(&cfg, "generic")) == NULL || src->nsecrets == 0) {
		fprintf(stderr, "npsctl: [source.generic] secret: not configured; npsd refuses "
		    "unsigned events\n");
		config_free(&cfg);
		return EXIT_CONFIG;
	}
	if (url == NULL) {
		if (cfg.listen_port == 0) {
			fprintf(stderr, "npsctl: [server] listen uses port 0; give --url\n");
			config_free(&cfg);
			return EXIT_USAGE;
		}
		snprintf(default_url, sizeof default_url, "http://%s:%u/hooks/generic",
		    strcmp(cfg.listen_host, "0.0.0.0") == 0 ? "127.0.0.1" : cfg.listen_host,
		    cfg.listen_port);
		url = default_url;
	}
	ev = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}}",
	    "type", reopen ? "ticket.reopened" : "ticket.closed",
	    "ticket", "id", ticket, "subject", subject, "category", "Test",
	    "requester", "email", to, "name", name, "language", language,
	    "agent", "id", agent, "name", agent, "team", "id", team, "name", team);
	if (ev == NULL || (body = json_dumps(ev, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "npsctl: arguments must be valid UTF-8\n");
		json_decref(ev);
		config_free(&cfg);
		return EXIT_USAGE;
	}
	json_decref(ev);
	crypto_random_bytes(rnd, sizeof rnd);
	snprintf(id, sizeof id, "msg_npsctl_%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
	    rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	if (signature_sign_standard(&src->secrets[0], id, ts, body, strlen(body), sig,
	    sizeof sig) == -1) {
		free(body);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	{
		char h[160];
		headers = curl_slist_append(headers, "Content-Type: application/json");
		snprintf(h, sizeof h, "webhook-id: %s", id);
		headers = curl_slist_append(headers, h);
		snprintf(h, sizeof h, "webhook-timestamp: %s", ts);
		headers = curl_slist_append(headers, h);
		snprintf(h, sizeof h, "webhook-signature: %s", sig);
		headers = curl_slist_append(headers, h);
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, print_body);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	free(body);
	config_free(&cfg);
	if (rc != CURLE_OK) {
		fprintf(stderr, "npsctl: %s: %s\n", url, curl_easy_strerror(rc));
		return EXIT_RUNTIME;
	}
	printf("\nHTTP %ld\n", status);
	return status >= 200 && status < 300 ? 0 : EXIT_RUNTIME;
}

struct store *
open_db(struct config *cfg)
{
	load_config(cfg);
	return open_store(cfg);
}

struct store *
open_store(struct config *cfg)
{
	char err[512] = "";
	struct store *s;

	if (config_store_password(cfg, err, sizeof err) == -1) {
		fprintf(stderr, "npsctl: [database] password_file: %s\n", err);
		config_free(cfg);
		exit(EXIT_CONFIG);
	}
	if ((s = store_open(config_store_target(cfg), cfg->synchronous, 0, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "npsctl: [database] %s: %s\n",
		    store_target_is_postgresql(config_store_target(cfg)) ? "url" : "path", err);
		config_free(cfg);
		exit(EXIT_RUNTIME);
	}
	return s;
}

void
print_json_list(const char *key, json_t *list)
{
	json_t *root = json_pack("{s:o}", key, list);

	json_dumpf(root, stdout, JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
}

/* "    label     time", when the time is set. */
static void
print_time(const char *label, long long t)
{
	char when[32];

	if (t == 0)
		return;
	event_format_time((time_t)t, when, sizeof when);
	printf("    %-9s %s\n", label, when);
}

static const char *
or_none(const char *s)
{
	return *s != '\0' ? s : "(none)";
}

struct show {
	struct store	*db;
	const char	*ticket;
	int		 found;
	int		 rc;	/* of the survey's mail */
};

static int
show_delivery(const struct admin_delivery *d, void *arg)
{
	struct show *sh = arg;
	char when[32];

	if (!sh->found++)
		printf("Ticket %s: events received\n", sh->ticket);
	event_format_time((time_t)d->received_at, when, sizeof when);
	printf("  %s  %-9s delivery %.40s: %s%s%s%s%s%s\n", when, d->source, d->delivery_id,
	    d->outcome, *d->reason ? " (" : "", d->reason, *d->detail ? ": " : "", d->detail,
	    *d->reason ? ")" : "");
	if (strcmp(d->reason, "no_address") == 0)
		printf("%30s  not surveyed: no usable requester address came with the "
		    "close or was found;\n%30s  it is recorded and counted in the volume "
		    "below\n", "", "");
	return 0;
}

/* Every close as recorded for volume, surveyed or not. */
static int
show_closing(const struct admin_closing *c, void *arg)
{
	char when[32];

	(void)arg;
	event_format_time((time_t)c->closed_at, when, sizeof when);
	printf("Close recorded %s (%s): agent %s, team %s, category %s\n", when, c->source,
	    or_none(c->agent_id), or_none(c->team_id), or_none(c->category));
	return 0;
}

/* The survey's mail (the survey, its reminder, alerts about it), with the
 * SMTP server's own reply when a delivery failed (npsctl mail retry). */
static int
show_mail(const struct admin_mail *m, void *arg)
{
	(void)arg;
	printf("    mail      %lld (%s): %s after %d attempt%s%s%s\n", m->id, m->kind, m->state,
	    m->attempts, m->attempts == 1 ? "" : "s", *m->last_error ? "; last error: " : "",
	    m->last_error);
	return 0;
}

static int
show_survey(const struct admin_survey *s, void *arg)
{
	struct show *sh = arg;

	sh->found++;
	printf("Survey %s (%s, close %d): %s%s%s%s\n", s->public_id, s->source, s->close_seq,
	    s->state, *s->reason ? " (" : "", s->reason, *s->reason ? ")" : "");
	printf("    agent     %s, team %s\n", or_none(s->agent_id), or_none(s->team_id));
	print_time("closed", s->closed_at);
	print_time("accepted", s->created_at);
	if (strcmp(s->state, "scheduled") == 0)
		print_time("send at", s->send_at);
	print_time("sent", s->sent_at);
	print_time("expires", s->expires_at);
	if (s->answered) {
		print_time("answered", s->answered_at);
		printf("    score     %d%s\n", s->score,
		    s->flagged ? " (flagged as automated)" : "");
	}
	if (sh->rc == STORE_OK)
		sh->rc = store_survey_mail_each(sh->db, s->id, show_mail, NULL);
	return 0;
}

static int
cmd_survey_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL;
	struct config cfg;
	struct show sh = { .rc = STORE_OK };
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 's': source = optarg; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s", "survey show: give one ticket id");
	sh.ticket = argv[optind];
	sh.db = open_db(&cfg);
	if ((rc = store_ticket_deliveries_each(sh.db, sh.ticket, source, show_delivery,
	    &sh)) == STORE_OK &&
	    (rc = store_ticket_closings_each(sh.db, sh.ticket, source, show_closing,
	    NULL)) == STORE_OK &&
	    (rc = store_ticket_surveys_each(sh.db, sh.ticket, source, show_survey,
	    &sh)) == STORE_OK)
		rc = sh.rc;
	if (rc != STORE_OK)
		fprintf(stderr, "npsctl: %s\n", store_errmsg(sh.db));
	store_close(sh.db);
	config_free(&cfg);
	if (rc != STORE_OK)
		return EXIT_RUNTIME;
	if (!sh.found) {
		fprintf(stderr, "npsctl: no events or surveys for ticket %s\n", sh.ticket);
		return EXIT_RUNTIME;
	}
	return 0;
}

static int
print_suppression(const struct suppression *e, void *arg)
{
	char when[32];

	(void)arg;
	event_format_time((time_t)e->created_at, when, sizeof when);
	printf("%s  %-12s %s\n", when, e->reason, e->address_hash);
	return 0;
}

static int
cmd_suppress(int argc, char **argv)
{
	const char *action, *address = NULL;
	struct suppression entry;
	struct config cfg;
	struct store *db;
	int rc, changed = 0;

	if (argc < 2)
		usage_error("%s", "suppress: add, remove, check or list");
	action = argv[1];
	if (strcmp(action, "list") == 0) {
		if (argc != 2)
			usage_error("%s", "suppress list takes no address");
	} else if (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0 ||
	    strcmp(action, "check") == 0) {
		if (argc != 3)
			usage_error("suppress %s: give one address", action);
		address = argv[2];
		if (!message_address_valid(address))
			usage_error("suppress %s: \"%s\" is not an e-mail address", action, address);
	} else {
		usage_error("suppress: unknown action \"%s\"", action);
	}
	db = open_db(&cfg);
	if (strcmp(action, "list") == 0) {
		rc = store_suppress_each(db, print_suppression, NULL);
	} else if (strcmp(action, "check") == 0) {
		rc = store_suppress_find(db, address, &entry);
		if (rc == STORE_OK) {
			char when[32];

			event_format_time((time_t)entry.created_at, when, sizeof when);
			printf("suppressed (%s, since %s)\n", entry.reason, when);
		} else if (rc == STORE_NOTFOUND) {
			printf("not suppressed\n");
		}
	} else if (strcmp(action, "add") == 0) {
		/* surveys still waiting are not sent any more */
		if ((rc = store_suppress(db, address, SUPPRESS_ADMIN, (long long)time(NULL),
		    &changed, NULL)) == STORE_OK)
			printf("%s\n", changed ? "suppressed" : "unchanged");
	} else {
		if ((rc = store_suppress_remove(db, address, &changed)) == STORE_OK)
			printf("%s\n", changed ? "removed" : "unchanged");
	}
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		fprintf(stderr, "npsctl: %s\n", store_errmsg(db));
	store_close(db);
	config_free(&cfg);
	return rc == STORE_OK ? 0 : rc == STORE_NOTFOUND ? 1 : EXIT_RUNTIME;
}

static int
cmd_survey(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "show") != 0)
		usage_error("%s", "survey: expected survey show TICKET [--source NAME]");
	return cmd_survey_show(argc - 1, argv + 1);
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Edit distance (insert, delete, replace, swap of neighbours) between the
 * first 31 bytes of a and b, for naming the command that was meant. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strnlen(a, 31), lb = strnlen(b, 31), d[32][32];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* Exits 2 naming the nearest command when one is near enough: a prefix
 * of it, or at most 2 edits (a third of its length for long names). */
static void __attribute__((noreturn))
unknown_command(const char *name)
{
	const struct command *nearest = NULL;
	size_t best = (size_t)-1, len = strlen(name);

	for (size_t i = 0; i < NCOMMANDS; i++) {
		size_t d = len > 0 && strncmp(commands[i].name, name, len) == 0 ? 0 :
		    distance(name, commands[i].name);

		if (d < best) {
			best = d;
			nearest = &commands[i];
		}
	}
	if (nearest != NULL && (best <= 2 || best * 3 <= strlen(nearest->name)))
		usage_error("unknown command \"%s\"; did you mean \"%s\"? (npsctl help lists "
		    "every command)", name, nearest->name);
	usage_error("unknown command \"%s\" (npsctl help lists every command)", name);
}

/* "npsctl help [COMMAND]": the usage on stdout, exit 0. */
static int
help(const char *name)
{
	const struct command *c;

	if (name == NULL) {
		print_usage(stdout);
		return 0;
	}
	if ((c = find_command(name)) == NULL)
		unknown_command(name);
	print_command(stdout, c, "usage: npsctl ", "       npsctl ", "       ");
	return 0;
}

/* --help anywhere among a command's arguments, or -h right after it. */
static int
wants_help(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-h") == 0)
		return 1;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) &&
		    i + 1 < argc) {
			config_file = argv[i + 1];
			config_explicit = 1;
			i += 2;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			return help(NULL);
		} else if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("npsctl (npsd) %s\n", PACKAGE_VERSION);
			return 0;
		} else {
			usage_error("unknown option %s (npsctl help lists every option)", argv[i]);
		}
	}
	if (i >= argc)
		usage();
	if (strcmp(argv[i], "help") == 0) {
		if (i + 2 < argc)
			usage_error("%s", "help: give at most one command");
		return help(i + 1 < argc ? argv[i + 1] : NULL);
	}
	if ((c = find_command(argv[i])) == NULL)
		unknown_command(argv[i]);
	if (wants_help(argc - i, argv + i))
		return help(c->name);
	optind = 1;
	return c->run(argc - i, argv + i);
}
