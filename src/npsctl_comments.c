/* npsctl_comments.c - `npsctl comments`: what people wrote, newest first,
 * for a period and a team, agent or category; as a table, JSON or CSV. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "event.h"
#include "npsctl.h"
#include "responses.h"

struct comments_out {
	const char	*format;
	int		 rows;
	json_t		*list;
};

static void
table_text(const char *s, int width)
{
	int n = 0;

	/* one line per comment: line breaks shown as spaces */
	for (; *s != '\0' && n < width; s++, n++)
		putchar(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
}

static int
print_one(void *arg, const struct response *r)
{
	struct comments_out *o = arg;
	char when[32];

	o->rows++;
	if (strcmp(o->format, "json") == 0)
		return json_array_append_new(o->list, responses_json(r, 1));
	event_format_time((time_t)r->answered_at, when, sizeof when);
	if (strcmp(o->format, "csv") == 0) {
		const char *cells[] = { when, r->survey, r->ticket_id, r->subject, r->agent_id,
			r->team_id, r->category, NULL, r->flagged ? "true" : "false", r->comment,
			r->requester_email, r->requester_name };
		char score[8];

		snprintf(score, sizeof score, "%d", r->score);
		cells[7] = score;
		for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
			if (i > 0)
				putchar(',');
			report_csv_field(stdout, cells[i]);
		}
		fputs("\r\n", stdout);
		return 0;
	}
	printf("%-20s %-14.14s %-12.12s %-12.12s %-14.14s %5d%s ", when, r->ticket_id,
	    r->agent_id, r->team_id, r->category, r->score, r->flagged ? "!" : " ");
	table_text(r->comment, 200);
	putchar('\n');
	return 0;
}

int
cmd_comments(int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_query q = { .by = REPORT_BY_NONE };
	struct period_options po = { 0 };
	struct responses_page page = { .comments_only = 1, .limit = 500 };
	struct comments_out out = { "table", 0, NULL };
	struct config cfg;
	struct store *db;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (filter_option(ch, optarg, &q, &po))
			continue;
		if (ch == 'f')
			out.format = format_option(optarg);
		else
			usage();
	}
	if (optind != argc)
		usage_error("comments: unexpected argument \"%s\"", argv[optind]);
	period_finish(&q, &po);
	db = open_db(&cfg);
	if (strcmp(out.format, "json") == 0)
		out.list = json_array();
	else if (strcmp(out.format, "csv") == 0)
		printf("answered,survey,ticket,subject,agent,team,category,score,flagged,comment,"
		    "requester_email,requester_name\r\n");
	else
		printf("%-20s %-14s %-12s %-12s %-14s %5s  %s\n", "answered", "ticket", "agent",
		    "team", "category", "score", "comment");
	if (responses_each_all(db, &q, &page, print_one, &out) < 0) {
		fprintf(stderr, "npsctl: comments: %s\n", store_errmsg(db));
		json_decref(out.list);
		store_close(db);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	if (out.list != NULL) {
		print_json_list("responses", out.list);
	} else if (strcmp(out.format, "table") == 0) {
		if (out.rows == 0)
			printf("(no comments in this period)\n");
		else
			printf("\n! flagged as automated: left out of every score\n");
	}
	store_close(db);
	config_free(&cfg);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}
