/* responses.c - lists answers newest first under the report filters,
 * one page at a time, continuing after (answered_at, survey) so that a
 * page never repeats or skips a row while answers arrive. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "responses.h"
#include "store_report.h"

struct page_walk {
	struct responses_page	*page;
	int			 n, failed;
	int			(*each)(void *, const struct response *);
	void			*arg;
};

static int
page_row(void *arg, const struct response *r)
{
	struct page_walk *w = arg;

	if (w->n == w->page->limit) {	/* the one more: more follow */
		w->page->more = 1;
		return 1;
	}
	w->page->next.at = r->answered_at;
	w->page->next.id = r->id;
	if (w->each(w->arg, r) == -1) {
		w->failed = 1;
		return 1;
	}
	w->n++;
	return 0;
}

int
responses_each(struct store *db, const struct report_query *q, struct responses_page *page,
    int (*each)(void *, const struct response *), void *arg)
{
	struct page_walk w = { page, 0, 0, each, arg };

	page->more = 0;
	if (store_response_each(db, q, page->comments_only, &page->after, page->limit + 1,
	    page_row, &w) != STORE_OK || w.failed)
		return -1;
	return w.n;
}

int
responses_each_all(struct store *db, const struct report_query *q, struct responses_page *page,
    int (*each)(void *, const struct response *), void *arg)
{
	int total = 0, n;

	do {
		if ((n = responses_each(db, q, page, each, arg)) < 0)
			return -1;
		total += n;
		page->after = page->next;
	} while (page->more);
	return total;
}

static int
parse_positive(const char *s, size_t len, long long *out)
{
	long long v = 0;

	if (len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v <= 0)
		return -1;
	*out = v;
	return 0;
}

int
responses_cursor_parse(const char *s, struct responses_cursor *c)
{
	const char *dash = strchr(s, '-');

	if (dash == NULL || parse_positive(s, (size_t)(dash - s), &c->at) == -1 ||
	    parse_positive(dash + 1, strlen(dash + 1), &c->id) == -1)
		return -1;
	return 0;
}

void
responses_cursor_format(const struct responses_cursor *c, char *out, size_t outlen)
{
	snprintf(out, outlen, "%lld-%lld", c->at, c->id);
}

json_t *
responses_json(const struct response *r, int with_requester)
{
	char answered[32], updated[32], closed[32];
	json_t *o;

	event_format_time((time_t)r->answered_at, answered, sizeof answered);
	event_format_time((time_t)r->updated_at, updated, sizeof updated);
	event_format_time((time_t)r->closed_at, closed, sizeof closed);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:b, s:s, s:s, s:s, s:s}",
	    "survey", r->survey, "source", r->source, "ticket_id", r->ticket_id,
	    "subject", r->subject, "agent", r->agent_id, "team", r->team_id,
	    "category", r->category, "score", r->score,
	    "comment", r->comment ? json_string(r->comment) : json_null(),
	    "flagged", r->flagged, "flag_rule", r->flag_rule, "closed_at", closed,
	    "answered_at", answered, "updated_at", updated);
	if (o != NULL && with_requester) {
		json_object_set_new(o, "requester_email", json_string(r->requester_email));
		json_object_set_new(o, "requester_name", json_string(r->requester_name));
	}
	return o;
}
