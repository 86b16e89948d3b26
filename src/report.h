/* report.h - NPS arithmetic (pure) and the report query. */
#ifndef NPSD_REPORT_H
#define NPSD_REPORT_H

#include <stdio.h>
#include <time.h>

#include "store.h"

enum report_by { REPORT_BY_NONE, REPORT_BY_AGENT, REPORT_BY_TEAM, REPORT_BY_CATEGORY };
enum report_interval { REPORT_INTERVAL_NONE, REPORT_INTERVAL_WEEK, REPORT_INTERVAL_MONTH };

struct report_group {
	char		*key, *label, *bucket;
	long long	 closed, sent, flagged;
	long long	 distribution[11];
	long long	 self_n;		/* answered tickets with a self score */
	long long	 self_sum, customer_sum;
};

struct report_figures {
	long long	 responses, promoters, passives, detractors;
	int		 has_nps;		/* 0 when no responses */
	double		 nps, moe;		/* rounded to one decimal */
	int		 has_rate;		/* 0 when nothing was sent */
	double		 response_rate;
	int		 low_sample;
	int		 has_self;
	double		 self_avg, customer_avg, gap;
};

struct report_query {
	enum report_by		 by;
	enum report_interval	 interval;
	time_t			 since, until;	/* [since, until) */
	/* filters, each may be absent: any of teams, the agent, the category */
	const char *const	*teams;
	size_t			 nteams;
	const char		*agent;
	const char		*category;
};

struct report {
	struct report_group	*groups;
	size_t			 ngroups;
};

/* Pure: figures of one group by the definitions of SPEC section 6. */
void	report_figures(const struct report_group *, struct report_figures *);
double	report_round1(double);
/* -1 on a database error, -2 when the period holds more than
 * NPSD_MAX_BUCKETS buckets or the report more than NPSD_MAX_REPORT_GROUPS
 * rows. */
int	report_run(struct store *, const struct report_query *, struct report *);
/* Whether rows count closed tickets: volume is a category report's (every
 * close is kept in a table indexed by time and team, so a category
 * breakdown is fast for everyone and for a team). */
int	report_has_closed(const struct report_query *);
/* Splits "a,b,c" in place into at most max items; -1 when an item is
 * empty or there are more. */
int	report_split_list(char *, const char **out, size_t max);
/* The bucket ("2026-10", "2026-W41") that instant t falls in. */
void	report_bucket_of(enum report_interval, time_t t, char *out, size_t outlen);
void	report_free(struct report *);
const char *report_by_name(enum report_by);

/* Writers: JSON per SPEC, CSV with a header line, and a table for people. */
int	report_write_json(FILE *, const struct report_query *, const struct report *);
int	report_write_csv(FILE *, const struct report_query *, const struct report *);
int	report_write_table(FILE *, const struct report_query *, const struct report *);
/* One CSV cell per RFC 4180, a would-be formula neutralised. */
void	report_csv_field(FILE *, const char *);

#endif
