/* report_format.c - owns how a report is written: JSON exactly as SPEC
 * section 6 shows it, CSV for spreadsheets, and a table for people in
 * which small samples are marked and never ranked. */
#include "autoconfig.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static void
date_of(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}

static json_t *
number_or_null(int has, double v)
{
	return has ? json_real(v) : json_null();
}

int
report_write_json(FILE *out, const struct report_query *q, const struct report *r)
{
	char since[16], until[16];
	json_t *root, *groups;
	int rc;

	date_of(q->since, since, sizeof since);
	date_of(q->until, until, sizeof until);
	groups = json_array();
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct report_group *g = &r->groups[i];
		struct report_figures f;
		json_t *row, *dist = json_array();

		report_figures(g, &f);
		for (int s = 0; s <= 10; s++)
			json_array_append_new(dist, json_integer(g->distribution[s]));
		row = json_pack("{s:s, s:s, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:o, s:b, s:I, s:o}",
		    "key", g->key, "label", g->label, "sent", (json_int_t)g->sent,
		    "responses", (json_int_t)f.responses,
		    "response_rate", number_or_null(f.has_rate, f.response_rate),
		    "promoters", (json_int_t)f.promoters, "passives", (json_int_t)f.passives,
		    "detractors", (json_int_t)f.detractors,
		    "nps", number_or_null(f.has_nps, f.nps), "moe", number_or_null(f.has_nps, f.moe),
		    "low_sample", f.low_sample, "flagged", (json_int_t)g->flagged,
		    "distribution", dist);
		if (row == NULL)
			continue;
		if (q->interval != REPORT_INTERVAL_NONE)
			json_object_set_new(row, "bucket", json_string(g->bucket));
		if (report_has_closed(q))
			json_object_set_new(row, "closed", json_integer(g->closed));
		if (f.has_self && (q->by == REPORT_BY_AGENT || q->by == REPORT_BY_TEAM)) {
			json_object_set_new(row, "self_avg", json_real(f.self_avg));
			json_object_set_new(row, "customer_avg", json_real(f.customer_avg));
			json_object_set_new(row, "gap", json_real(f.gap));
		}
		json_array_append_new(groups, row);
	}
	root = json_pack("{s:s, s:s, s:s, s:o}", "since", since, "until", until,
	    "by", report_by_name(q->by), "groups", groups);
	if (root == NULL)
		return -1;
	rc = json_dumpf(root, out, JSON_REAL_PRECISION(10) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
	return rc;
}

/* RFC 4180 quoting; a cell a spreadsheet would run as a formula (= + - @,
 * tab, CR) is neutralised with a leading apostrophe. */
void
report_csv_field(FILE *out, const char *s)
{
	fputc('"', out);
	if (*s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		fputc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int
report_write_csv(FILE *out, const struct report_query *q, const struct report *r)
{
	fprintf(out, "key,label,bucket,closed,sent,responses,response_rate,promoters,passives,"
	    "detractors,nps,moe,low_sample,flagged");
	for (int s = 0; s <= 10; s++)
		fprintf(out, ",score_%d", s);
	fprintf(out, ",self_avg,customer_avg,gap\r\n");
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct report_group *g = &r->groups[i];
		struct report_figures f;

		report_figures(g, &f);
		report_csv_field(out, g->key);
		fputc(',', out);
		report_csv_field(out, g->label);
		fputc(',', out);
		report_csv_field(out, g->bucket);
		if (report_has_closed(q))
			fprintf(out, ",%lld", g->closed);
		else
			fputc(',', out);
		fprintf(out, ",%lld,%lld,", g->sent, f.responses);
		if (f.has_rate)
			fprintf(out, "%.3f", f.response_rate);
		fprintf(out, ",%lld,%lld,%lld,", f.promoters, f.passives, f.detractors);
		if (f.has_nps)
			fprintf(out, "%.1f,%.1f", f.nps, f.moe);
		else
			fprintf(out, ",");
		fprintf(out, ",%s,%lld", f.low_sample ? "true" : "false", g->flagged);
		for (int s = 0; s <= 10; s++)
			fprintf(out, ",%lld", g->distribution[s]);
		if (f.has_self && (q->by == REPORT_BY_AGENT || q->by == REPORT_BY_TEAM))
			fprintf(out, ",%.1f,%.1f,%.1f\r\n", f.self_avg, f.customer_avg, f.gap);
		else
			fprintf(out, ",,,\r\n");
	}
	return ferror(out) ? -1 : 0;
}

int
report_write_table(FILE *out, const struct report_query *q, const struct report *r)
{
	char since[16], until[16];

	date_of(q->since, since, sizeof since);
	date_of(q->until, until, sizeof until);
	fprintf(out, "NPS by %s, %s to %s (until exclusive)\n\n", report_by_name(q->by), since,
	    until);
	fprintf(out, "%-24s %-8s %6s %6s %6s %6s %5s %5s %5s %7s %7s %5s\n", "group",
	    q->interval != REPORT_INTERVAL_NONE ? "bucket" : "", "closed", "sent", "resp", "rate",
	    "prom",
	    "pass", "detr", "NPS", "+/-", "flag");
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct report_group *g = &r->groups[i];
		struct report_figures f;
		char rate[16] = "-", nps[16] = "-", moe[16] = "-", closed[24] = "-";

		report_figures(g, &f);
		if (report_has_closed(q))
			snprintf(closed, sizeof closed, "%lld", g->closed);
		if (f.has_rate)
			snprintf(rate, sizeof rate, "%.0f%%", f.response_rate * 100.0);
		if (f.has_nps) {
			snprintf(nps, sizeof nps, "%.1f%s", f.nps, f.low_sample ? "*" : "");
			snprintf(moe, sizeof moe, "%.1f", f.moe);
		}
		fprintf(out, "%-24.24s %-8s %6s %6lld %6lld %6s %5lld %5lld %5lld %7s %7s %5lld\n",
		    g->label[0] ? g->label : "(none)", g->bucket, closed, g->sent, f.responses, rate,
		    f.promoters, f.passives, f.detractors, nps, moe, g->flagged);
	}
	if (r->ngroups == 0)
		fprintf(out, "(no surveys sent and no answers in this period)\n");
	fprintf(out, "\n* fewer than 10 responses: too few to compare or rank\n");
	return ferror(out) ? -1 : 0;
}
