/* policy.c - owns the decisions about who is surveyed that need no
 * database: exclusion patterns (POSIX ERE on the requester address),
 * excluded categories and teams, and deterministic sampling by ticket. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "crypto.h"
#include "policy.h"

int
policy_split(const char *list, int (*fn)(const char *, void *), void *arg)
{
	char item[POLICY_MAX_ITEM + 1];
	size_t n = 0;
	int depth = 0;

	for (const char *p = list;; p++) {
		if (*p == '\0' || (*p == ',' && depth == 0)) {
			while (n > 0 && item[n - 1] == ' ')
				n--;
			item[n] = '\0';
			if (n > 0 && fn(item, arg) == -1)
				return -1;
			n = 0;
			if (*p == '\0')
				return 0;
			continue;
		}
		if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		if (n == 0 && *p == ' ')
			continue;
		if (n + 1 >= sizeof item)
			return -1;
		item[n++] = *p;
	}
}

struct load_ctx {
	struct policy	*pol;
	char		*err;
	size_t		 errlen;
	int		 which;		/* 0 patterns, 1 categories, 2 teams */
};

static int
add_item(const char *item, void *arg)
{
	struct load_ctx *c = arg;
	struct policy *p = c->pol;
	int rc;

	if (c->which == 0) {
		if (p->nexclude == POLICY_MAX_PATTERNS) {
			snprintf(c->err, c->errlen, "[survey] exclude: more than %d patterns",
			    POLICY_MAX_PATTERNS);
			return -1;
		}
		rc = regcomp(&p->exclude[p->nexclude], item, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char msg[128];
			regerror(rc, &p->exclude[p->nexclude], msg, sizeof msg);
			snprintf(c->err, c->errlen, "[survey] exclude: \"%.60s\": %s", item, msg);
			return -1;
		}
		p->nexclude++;
		return 0;
	}
	{
		char **names = c->which == 1 ? p->exclude_categories : p->exclude_teams;
		int *count = c->which == 1 ? &p->ncategories : &p->nteams;

		if (*count == POLICY_MAX_NAMES) {
			snprintf(c->err, c->errlen, "[survey] %s: more than %d names",
			    c->which == 1 ? "exclude_categories" : "exclude_teams", POLICY_MAX_NAMES);
			return -1;
		}
		if ((names[*count] = strdup(item)) == NULL)
			return -1;
		(*count)++;
	}
	return 0;
}

int
policy_load(struct policy *p, const struct config *cfg, char *err, size_t errlen)
{
	struct load_ctx c = { p, err, errlen, 0 };

	memset(p, 0, sizeof *p);
	p->delay = cfg->delay;
	p->expire = cfg->expire;
	p->resurvey_after_reopen = cfg->resurvey_after_reopen;
	p->cooldown = cfg->cooldown;
	p->max_per_30d = cfg->max_per_30d;
	p->sample = cfg->sample;
	{
		const char *lists[] = { cfg->exclude, cfg->exclude_categories, cfg->exclude_teams };
		static const char *const keys[] = { "exclude", "exclude_categories", "exclude_teams" };

		for (c.which = 0; c.which < 3; c.which++) {
			/* add_item names its own failures; what is left is an item
			 * too long for the split, or memory */
			snprintf(err, errlen, "[survey] %s: an item over %zu bytes, or out of memory",
			    keys[c.which], (size_t)POLICY_MAX_ITEM);
			if (policy_split(lists[c.which], add_item, &c) == -1)
				goto fail;
		}
	}
	{
		char why[200];
		if (window_parse(cfg->send_window, &p->window, why, sizeof why) == -1) {
			snprintf(err, errlen, "[survey] send_window = \"%.80s\": %s", cfg->send_window,
			    why);
			goto fail;
		}
	}
	return 0;
fail:
	policy_free(p);
	return -1;
}

void
policy_free(struct policy *p)
{
	for (int i = 0; i < p->nexclude; i++)
		regfree(&p->exclude[i]);
	for (int i = 0; i < p->ncategories; i++)
		free(p->exclude_categories[i]);
	for (int i = 0; i < p->nteams; i++)
		free(p->exclude_teams[i]);
	p->nexclude = p->ncategories = p->nteams = 0;
}

int
policy_excluded(const struct policy *p, const char *email, const char *category,
    const char *team)
{
	for (int i = 0; i < p->nexclude; i++)
		if (regexec(&p->exclude[i], email, 0, NULL, 0) == 0)
			return 1;
	for (int i = 0; i < p->ncategories; i++)
		if (*category != '\0' && strcasecmp(category, p->exclude_categories[i]) == 0)
			return 1;
	for (int i = 0; i < p->nteams; i++)
		if (*team != '\0' && strcasecmp(team, p->exclude_teams[i]) == 0)
			return 1;
	return 0;
}

int
policy_sampled_in(const char *source, const char *ticket_id, int percent)
{
	char key[512], hex[CRYPTO_SHA256_HEX];
	unsigned long v;

	if (percent >= 100)
		return 1;
	if (percent <= 0)
		return 0;
	snprintf(key, sizeof key, "%s:%s", source, ticket_id);
	crypto_sha256_hex(key, strlen(key), hex);
	hex[8] = '\0';
	v = strtoul(hex, NULL, 16);
	return (int)(v % 100) < percent;
}
