/* npsctl.h - what the npsctl command files share: configuration and
 * database opening, usage errors, the period and filter options. */
#ifndef NPSD_NPSCTL_H
#define NPSD_NPSCTL_H

#include <getopt.h>
#include <jansson.h>
#include <time.h>

#include "config.h"
#include "limits.h"
#include "report.h"
#include "store.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define EXIT_CONFIG	3

extern const char *config_file;
extern int config_explicit;

void	usage(void) __attribute__((noreturn));
void	usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void	load_config(struct config *);
/* Loads the configuration and opens the store ([database] url or path),
 * or exits. The caller closes it with store_close. */
struct store *open_db(struct config *);
/* The same for a configuration already loaded (freed on failure). */
struct store *open_store(struct config *);
int	parse_date(const char *, time_t *);
/* Prints {"key": list} as one line of JSON; steals list. */
void	print_json_list(const char *key, json_t *list);

/* --since --until --last --team --agent --category --config */
#define FILTER_OPTIONS \
	{ "since", required_argument, NULL, 's' }, \
	{ "until", required_argument, NULL, 'u' }, \
	{ "last", required_argument, NULL, 'l' }, \
	{ "team", required_argument, NULL, 't' }, \
	{ "agent", required_argument, NULL, 'a' }, \
	{ "category", required_argument, NULL, 'k' }, \
	{ "config", required_argument, NULL, 'c' }

struct period_options {
	int		 have_since, have_until, have_last;
	long long	 last;
	const char	*teams[NPSD_MAX_REPORT_TEAMS];
};

/* 1 when ch was one of FILTER_OPTIONS (exits on a bad value). */
int	filter_option(int ch, const char *arg, struct report_query *, struct period_options *);
/* Sets since and until; the default period is the last 30 whole days. */
void	period_finish(struct report_query *, struct period_options *);
const char *format_option(const char *arg);

int	cmd_answers(int argc, char **argv);
int	cmd_comments(int argc, char **argv);
int	cmd_token(int argc, char **argv);
int	cmd_team(int argc, char **argv);
int	cmd_followup(int argc, char **argv);
int	cmd_admin(int argc, char **argv);
int	cmd_mail(int argc, char **argv);
int	cmd_backup(int argc, char **argv);
int	cmd_export(int argc, char **argv);
int	cmd_forget(int argc, char **argv);
int	cmd_agent(int argc, char **argv);
int	cmd_db(int argc, char **argv);

#endif
