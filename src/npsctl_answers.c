/* npsctl_answers.c - `npsctl answers`: every answer of a period with what a
 * team lead needs to work with it (survey, ticket, closed and answered
 * times, agent, team, category, score, comment, flag and its rule), as a
 * table, JSON or RFC 4180 CSV; and `answers unflag`, which counts an
 * answer flagged as automated again. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "npsctl.h"
#include "responses.h"
#include "store_followup.h"
#include "store_report.h"

struct answers_out {
	const char	*format;
	int		 flagged_only;
	int		 rows;
	json_t		*list;
};

static void
csv_row(const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			putchar(',');
		report_csv_field(stdout, cells[i]);
	}
	fputs("\r\n", stdout);
}

static int
print_answer(void *arg, const struct response *r)
{
	struct answers_out *o = arg;
	char answered[32], closed[32], score[8];

	if (o->flagged_only && !r->flagged)
		return 0;
	o->rows++;
	if (strcmp(o->format, "json") == 0)
		return json_array_append_new(o->list, responses_json(r, 1));
	event_format_time((time_t)r->answered_at, answered, sizeof answered);
	event_format_time((time_t)r->closed_at, closed, sizeof closed);
	snprintf(score, sizeof score, "%d", r->score);
	if (strcmp(o->format, "csv") == 0) {
		const char *cells[] = { r->survey, r->source, r->ticket_id, r->subject, closed,
			answered, r->agent_id, r->team_id, r->category, score,
			r->comment ? r->comment : "", r->flagged ? "true" : "false", r->flag_rule,
			r->requester_email, r->requester_name };

		csv_row(cells, sizeof cells / sizeof cells[0]);
		return 0;
	}
	printf("%-20s  %-22s %-14.14s %-12.12s %-12.12s %5d  %-9s ", answered, r->survey,
	    r->ticket_id, r->agent_id, r->team_id, r->score, r->flagged ? r->flag_rule : "-");
	for (const char *text = r->comment ? r->comment : "", *c = text;
	    *c != '\0' && c - text < 60; c++)
		putchar(*c == '\n' || *c == '\r' || *c == '\t' ? ' ' : *c);
	putchar('\n');
	return 0;
}

/* A flagged answer counted again; a detractor's is then followed up. */
static int
answers_unflag(int argc, char **argv)
{
	struct config cfg;
	struct store *s;
	long long id;
	int rc;

	if (argc != 3)
		usage_error("%s", "answers unflag: give one survey id (svy_...)");
	s = open_db(&cfg);
	if ((rc = store_begin(s)) != STORE_OK)
		goto fail;
	rc = store_response_unflag(s, argv[2], &id);
	if (rc == STORE_OK && cfg.alert_detractors)
		rc = store_followup_open(s, id, time(NULL));
	if (rc != STORE_OK) {
		store_rollback(s);
		goto fail;
	}
	if ((rc = store_commit(s)) != STORE_OK)
		goto fail;
	printf("unflagged\n");
	store_close(s);
	config_free(&cfg);
	return 0;
fail:
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, "npsctl: %s has no flagged answer\n", argv[2]);
	else
		fprintf(stderr, "npsctl: %s\n", store_errmsg(s));
	store_close(s);
	config_free(&cfg);
	return EXIT_RUNTIME;
}

int
cmd_answers(int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTIONS,
		{ "flagged", no_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_query q = { .by = REPORT_BY_NONE };
	struct period_options po = { 0 };
	struct responses_page page = { .comments_only = 0, .limit = 500 };
	struct answers_out out = { "table", 0, 0, NULL };
	struct config cfg;
	struct store *db;
	int ch;

	if (argc >= 2 && strcmp(argv[1], "unflag") == 0)
		return answers_unflag(argc, argv);
	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (filter_option(ch, optarg, &q, &po))
			continue;
		if (ch == 'F')
			out.flagged_only = 1;
		else if (ch == 'f')
			out.format = format_option(optarg);
		else
			usage();
	}
	if (optind != argc)
		usage_error("answers: unexpected argument \"%s\"", argv[optind]);
	period_finish(&q, &po);
	db = open_db(&cfg);
	if (strcmp(out.format, "json") == 0)
		out.list = json_array();
	else if (strcmp(out.format, "csv") == 0)
		printf("survey,source,ticket,subject,closed,answered,agent,team,category,score,"
		    "comment,flagged,flag_rule,requester_email,requester_name\r\n");
	else
		printf("%-20s  %-22s %-14s %-12s %-12s %5s  %-9s %s\n", "answered", "survey",
		    "ticket", "agent", "team", "score", "flag", "comment");
	if (responses_each_all(db, &q, &page, print_answer, &out) < 0) {
		fprintf(stderr, "npsctl: answers: %s\n", store_errmsg(db));
		json_decref(out.list);
		store_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	if (out.list != NULL) {
		print_json_list("answers", out.list);
	} else if (strcmp(out.format, "table") == 0 && out.rows == 0) {
		printf("(no answers in this period)\n");
	}
	store_close(db);
	config_free(&cfg);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}
