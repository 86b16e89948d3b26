/* config.c - owns the INI configuration: reading the file, embedded
 * defaults, strict parsing of every value, the checks of the files and
 * directories it names, and error messages that name the section and the
 * key. The file is read here rather than by libinih because Debian's
 * libinih stops at 200-byte lines, too short for rotated secrets or a
 * list of exclusion patterns; the syntax accepted is inih's. */
#include "autoconfig.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "message.h"
#include "paths.h"
#include "policy.h"
#include "store.h"
#include "store_pg.h"

pthread_rwlock_t config_reload_lock = PTHREAD_RWLOCK_INITIALIZER;

struct load_state {
	struct config	*cfg;
	char		*err;		/* the message of the current line */
	size_t		 errlen;
	char		*problems;	/* every problem found, one a line */
	size_t		 problemslen;
	int		 nproblems;
	int		 skip_section;	/* the current [section] was refused */
	unsigned	 secret_seen;	/* bit i: sources[i] has a secret line */
};

/* Appends one line to the list of problems in out (out[0] == '\0' for
 * none yet); a list that no longer fits is cut off. */
static void
problem_vadd(char *out, size_t outlen, const char *fmt, va_list ap)
{
	size_t used = strlen(out);

	if (outlen == 0 || used + 1 >= outlen)
		return;
	if (used > 0)
		out[used++] = '\n', out[used] = '\0';
	vsnprintf(out + used, outlen - used, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
problem_add(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vadd(out, outlen, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
load_problem(struct load_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vadd(st->problems, st->problemslen, fmt, ap);
	va_end(ap);
	st->nproblems++;
}

int
config_parse_number(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;
	const char *p = s;

	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (max - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
config_parse_duration(const char *s, long long *out)
{
	char digits[24];
	size_t n = strlen(s);
	long long v, mult;

	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (n < 2 || n - 1 >= sizeof digits)
		return -1;
	switch (s[n - 1]) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return -1;
	}
	memcpy(digits, s, n - 1);
	digits[n - 1] = '\0';
	if (config_parse_number(digits, 0, NPSD_MAX_DURATION / mult, &v) == -1)
		return -1;
	*out = v * mult;
	return 0;
}

int
config_parse_bool(const char *s, int *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 || strcmp(s, "on") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 || strcmp(s, "off") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

int
config_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port)
{
	const char *colon, *h = s;
	size_t hl;
	long long p;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	for (size_t i = 0; i < hl; i++)
		if (!(isalnum((unsigned char)h[i]) || h[i] == '.' || h[i] == '-' || h[i] == ':'))
			return -1;
	if (config_parse_number(colon + 1, 0, 65535, &p) == -1)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (unsigned)p;
	return 0;
}

int
config_parse_mailbox(const char *s, char **name, char **address)
{
	const char *lt = strchr(s, '<');
	char *n, *a;
	size_t nl, al;

	if (message_has_controls(s))	/* the display name goes into From: */
		return -1;
	if (lt == NULL) {
		nl = 0;
		a = strdup(s);
	} else {
		const char *gt = strchr(lt, '>');
		if (gt == NULL || gt[1] != '\0')
			return -1;
		nl = (size_t)(lt - s);
		while (nl > 0 && s[nl - 1] == ' ')
			nl--;
		al = (size_t)(gt - lt - 1);
		a = strndup(lt + 1, al);
	}
	n = strndup(s, nl);
	if (a == NULL || n == NULL || !message_address_valid(a)) {
		free(a);
		free(n);
		return -1;
	}
	*name = n;
	*address = a;
	return 0;
}

int
config_parse_whsec(const char *s, struct secret *out)
{
	const char *b = s;
	long n;

	if (strncmp(b, "whsec_", 6) == 0)
		b += 6;
	n = crypto_base64_decode(b, strlen(b), out->key, sizeof out->key);
	if (n < 16) {
		crypto_wipe(out->key, sizeof out->key);
		return -1;
	}
	out->len = (size_t)n;
	return 0;
}

static int
set_string(char **slot, const char *value)
{
	char *p = strdup(value);

	if (p == NULL)
		return -1;
	free(*slot);
	*slot = p;
	return 0;
}

static int
no_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->listen_host, sizeof cfg->listen_host, "127.0.0.1");
	cfg->listen_port = 8080;
	cfg->public_url = strdup("http://localhost:8080");
	cfg->threads = 4;
	cfg->max_body = NPSD_MAX_BODY_DEFAULT;
	cfg->db_path = strdup(NPSD_STATE_DIR "/npsd.db");
	cfg->synchronous = 2;
	cfg->db_url = strdup("");
	cfg->db_password_file = strdup("");
	cfg->transport = TRANSPORT_MAILDIR;
	cfg->transport_target = strdup(NPSD_STATE_DIR "/mail");
	cfg->starttls_required = 1;
	cfg->from = strdup("IT Servicedesk <servicedesk@example.org>");
	cfg->from_name = strdup("IT Servicedesk");
	cfg->from_address = strdup("servicedesk@example.org");
	cfg->username = strdup("");
	cfg->password_file = strdup("");
	cfg->max_attempts = 8;
	cfg->retry_min = 30;
	cfg->smtp_timeout = NPSD_SMTP_REPLY_TIMEOUT_DEFAULT;
	cfg->stop_grace = NPSD_STOP_GRACE_DEFAULT;
	cfg->delay = 30 * 60;
	cfg->expire = 14 * 86400;
	cfg->reminder = 3 * 86400;
	cfg->cooldown = 30 * 86400;
	cfg->max_per_30d = 0;
	cfg->sample = 100;
	cfg->resurvey_after_reopen = 0;
	cfg->send_window = strdup("");
	cfg->exclude = strdup("");
	cfg->exclude_categories = strdup("");
	cfg->exclude_teams = strdup("");
	snprintf(cfg->default_language, sizeof cfg->default_language, "en");
	cfg->templates = strdup(NPSD_TEMPLATES_DIR);
	cfg->alert_detractors = 1;
	cfg->personal_data = 365LL * 86400;
	cfg->staff_data = 0;
	cfg->privacy_notice = strdup("");
	cfg->privacy_url = strdup("");
	if (cfg->privacy_notice == NULL || cfg->privacy_url == NULL ||
	    cfg->public_url == NULL || cfg->db_path == NULL || cfg->transport_target == NULL ||
	    cfg->from == NULL || cfg->from_name == NULL || cfg->from_address == NULL ||
	    cfg->username == NULL || cfg->password_file == NULL || cfg->send_window == NULL ||
	    cfg->exclude == NULL || cfg->exclude_categories == NULL ||
	    cfg->exclude_teams == NULL || cfg->templates == NULL) {
		fprintf(stderr, "npsd: out of memory\n");
		exit(1);
	}
}

void
config_free(struct config *cfg)
{
	free(cfg->public_url);
	free(cfg->db_path);
	free(cfg->db_url);
	free(cfg->db_password_file);
	free(cfg->transport_target);
	free(cfg->from);
	free(cfg->from_name);
	free(cfg->from_address);
	free(cfg->username);
	free(cfg->password_file);
	free(cfg->privacy_notice);
	free(cfg->privacy_url);
	free(cfg->send_window);
	free(cfg->exclude);
	free(cfg->exclude_categories);
	free(cfg->exclude_teams);
	free(cfg->templates);
	crypto_wipe(cfg->sources, sizeof cfg->sources);
	crypto_wipe(&cfg->metrics_token, sizeof cfg->metrics_token);
	memset(cfg, 0, sizeof *cfg);
}

const struct source_config *
config_source(const struct config *cfg, const char *name)
{
	for (int i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].name, name) == 0)
			return &cfg->sources[i];
	return NULL;
}

static int
parse_server(struct config *cfg, const char *key, const char *value, const char **why)
{
	long long n;

	if (strcmp(key, "listen") == 0) {
		*why = "expected host:port, port 0-65535";
		return config_parse_listen(value, cfg->listen_host, sizeof cfg->listen_host,
		    &cfg->listen_port);
	}
	if (strcmp(key, "public_url") == 0) {
		size_t len = strlen(value);
		*why = "expected an http:// or https:// URL without spaces";
		if ((strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
		    strpbrk(value, " \"<>") != NULL || !no_controls(value) || len > 200)
			return -1;
		if (set_string(&cfg->public_url, value) == -1)
			return -1;
		while (len > 0 && cfg->public_url[len - 1] == '/')
			cfg->public_url[--len] = '\0';
		return 0;
	}
	if (strcmp(key, "threads") == 0) {
		*why = "expected a number from 1 to 64";
		if (config_parse_number(value, 1, NPSD_MAX_THREADS, &n) == -1)
			return -1;
		cfg->threads = (int)n;
		return 0;
	}
	if (strcmp(key, "max_body") == 0) {
		*why = "expected bytes from 1024 to 16777216";
		return config_parse_number(value, 1024, NPSD_MAX_BODY_CEILING, &cfg->max_body);
	}
	if (strcmp(key, "trusted_proxies") == 0) {
		char bad[128];
		*why = "expected addresses or ADDRESS/PREFIX ranges with zero host bits, "
		    "comma separated, e.g. 127.0.0.1, ::1, 10.0.0.0/8 (at most 64)";
		return forwarded_parse_list(value, &cfg->trusted_proxies, bad, sizeof bad);
	}
	if (strcmp(key, "metrics_token") == 0) {
		*why = "expected 16 to 127 characters without blanks, or nothing";
		if (*value == '\0') {
			crypto_wipe(&cfg->metrics_token, sizeof cfg->metrics_token);
			return 0;
		}
		return config_parse_token(value, &cfg->metrics_token);
	}
	if (strcmp(key, "metrics_token_file") == 0) {	/* read by config_secret_files */
		*why = "expected a file name, or nothing";
		if (strlen(value) >= sizeof cfg->metrics_token_file || !no_controls(value))
			return -1;
		snprintf(cfg->metrics_token_file, sizeof cfg->metrics_token_file, "%s", value);
		return 0;
	}
	*why = "unknown key";
	return -1;
}

static int
parse_database(struct config *cfg, const char *key, const char *value, const char **why)
{
	if (strcmp(key, "path") == 0) {
		*why = "expected a file path";
		if (*value == '\0' || !no_controls(value))
			return -1;
		return set_string(&cfg->db_path, value);
	}
	if (strcmp(key, "url") == 0) {
		*why = "expected postgresql://... (or empty for the SQLite file at path)";
		if (!no_controls(value) || strlen(value) > NPSD_MAX_DB_URL ||
		    (*value != '\0' && !store_target_is_postgresql(value)))
			return -1;
		return set_string(&cfg->db_url, value);
	}
	if (strcmp(key, "password_file") == 0) {
		*why = "expected a file name";
		return no_controls(value) ? set_string(&cfg->db_password_file, value) : -1;
	}
	if (strcmp(key, "synchronous") == 0) {
		*why = "expected full, normal or off";
		if (strcmp(value, "full") == 0)
			cfg->synchronous = 2;
		else if (strcmp(value, "normal") == 0)
			cfg->synchronous = 1;
		else if (strcmp(value, "off") == 0)
			cfg->synchronous = 0;
		else
			return -1;
		return 0;
	}
	*why = "unknown key";
	return -1;
}

static int
parse_transport(struct config *cfg, const char *value)
{
	const char *host;

	if (!no_controls(value) || strchr(value, ' ') != NULL)
		return -1;
	if (strncmp(value, "maildir:", 8) == 0 && value[8] != '\0') {
		cfg->transport = TRANSPORT_MAILDIR;
		return set_string(&cfg->transport_target, value + 8);
	}
	if (strncmp(value, "smtp://", 7) == 0)
		cfg->transport = TRANSPORT_SMTP, host = value + 7;
	else if (strncmp(value, "smtps://", 8) == 0)
		cfg->transport = TRANSPORT_SMTPS, host = value + 8;
	else
		return -1;
	if (*host == '\0' || *host == ':' || *host == '/' || strchr(host, '@') != NULL)
		return -1;
	return set_string(&cfg->transport_target, value);
}

static int
parse_mail(struct config *cfg, const char *key, const char *value, const char **why)
{
	long long n;

	if (strcmp(key, "transport") == 0) {
		*why = "expected maildir:PATH, smtp://HOST[:PORT] or smtps://HOST[:PORT]";
		return parse_transport(cfg, value);
	}
	if (strcmp(key, "starttls") == 0) {
		*why = "expected required or none";
		if (strcmp(value, "required") == 0)
			cfg->starttls_required = 1;
		else if (strcmp(value, "none") == 0)
			cfg->starttls_required = 0;
		else
			return -1;
		return 0;
	}
	if (strcmp(key, "from") == 0) {
		char *name, *address;
		*why = "expected Name <address@domain> or address@domain";
		if (config_parse_mailbox(value, &name, &address) == -1)
			return -1;
		free(cfg->from_name);
		free(cfg->from_address);
		cfg->from_name = name;
		cfg->from_address = address;
		return set_string(&cfg->from, value);
	}
	if (strcmp(key, "username") == 0) {
		*why = "must not contain control characters";
		return no_controls(value) ? set_string(&cfg->username, value) : -1;
	}
	if (strcmp(key, "password_file") == 0) {
		*why = "must not contain control characters";
		return no_controls(value) ? set_string(&cfg->password_file, value) : -1;
	}
	if (strcmp(key, "max_attempts") == 0) {
		*why = "expected a number from 1 to 100";
		if (config_parse_number(value, 1, 100, &n) == -1)
			return -1;
		cfg->max_attempts = (int)n;
		return 0;
	}
	if (strcmp(key, "retry_min") == 0) {
		*why = "expected a duration from 1s to 6h, e.g. 30s";
		if (config_parse_duration(value, &n) == -1 || n < 1 || n > NPSD_BACKOFF_MAX_SECONDS)
			return -1;
		cfg->retry_min = n;
		return 0;
	}
	if (strcmp(key, "timeout") == 0) {
		*why = "expected a duration from 1s to 1h, e.g. 10m";
		if (config_parse_duration(value, &n) == -1 || n < 1 ||
		    n > NPSD_SMTP_REPLY_TIMEOUT_MAX)
			return -1;
		cfg->smtp_timeout = n;
		return 0;
	}
	if (strcmp(key, "stop_grace") == 0) {
		*why = "expected a duration from 0 to 25s, e.g. 5s";
		if (config_parse_duration(value, &n) == -1 || n > NPSD_STOP_GRACE_MAX)
			return -1;
		cfg->stop_grace = n;
		return 0;
	}
	if (strcmp(key, "privacy_notice") == 0) {
		*why = "expected one line of text, at most 300 bytes";
		if (strlen(value) > NPSD_MAX_PRIVACY_NOTICE || !no_controls(value))
			return -1;
		return set_string(&cfg->privacy_notice, value);
	}
	if (strcmp(key, "privacy_url") == 0) {
		*why = "expected an http:// or https:// address without spaces, at most 512 bytes";
		if (*value != '\0' && (strlen(value) > NPSD_MAX_PRIVACY_URL || !no_controls(value) ||
		    strpbrk(value, " \"<>") != NULL || (strncmp(value, "https://", 8) != 0 &&
		    strncmp(value, "http://", 7) != 0)))
			return -1;
		return set_string(&cfg->privacy_url, value);
	}
	*why = "unknown key";
	return -1;
}

static int
parse_survey(struct config *cfg, const char *key, const char *value, const char **why)
{
	long long n;
	long long *durations[] = { &cfg->delay, &cfg->expire, &cfg->reminder, &cfg->cooldown };
	const char *duration_keys[] = { "delay", "expire", "reminder", "cooldown" };
	char **texts[] = { &cfg->send_window, &cfg->exclude, &cfg->exclude_categories,
	    &cfg->exclude_teams, &cfg->templates };
	const char *text_keys[] = { "send_window", "exclude", "exclude_categories",
	    "exclude_teams", "templates" };

	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		if (strcmp(key, duration_keys[i]) == 0) {
			*why = "expected a duration such as 90s, 30m, 12h or 14d";
			if (config_parse_duration(value, durations[i]) == -1)
				return -1;
			if (durations[i] == &cfg->expire && cfg->expire == 0) {
				*why = "must be longer than 0";
				return -1;
			}
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (strcmp(key, text_keys[i]) == 0) {
			*why = "must not contain control characters";
			if (!no_controls(value))
				return -1;
			if (texts[i] == &cfg->templates && *value == '\0') {
				*why = "expected a directory";
				return -1;
			}
			return set_string(texts[i], value);
		}
	}
	if (strcmp(key, "max_per_30d") == 0) {
		*why = "expected a number from 0 to 1000";
		if (config_parse_number(value, 0, 1000, &n) == -1)
			return -1;
		cfg->max_per_30d = (int)n;
		return 0;
	}
	if (strcmp(key, "sample") == 0) {
		*why = "expected a percentage from 0 to 100";
		if (config_parse_number(value, 0, 100, &n) == -1)
			return -1;
		cfg->sample = (int)n;
		return 0;
	}
	if (strcmp(key, "resurvey_after_reopen") == 0) {
		*why = "expected yes or no";
		return config_parse_bool(value, &cfg->resurvey_after_reopen);
	}
	if (strcmp(key, "default_language") == 0) {
		*why = "expected en or nl";
		if (strcmp(value, "en") != 0 && strcmp(value, "nl") != 0)
			return -1;
		snprintf(cfg->default_language, sizeof cfg->default_language, "%s", value);
		return 0;
	}
	*why = "unknown key";
	return -1;
}

/* Per source: its default close statuses and signature tolerance. */
static const struct {
	const char	*name;
	const char	*close_statuses;
	long long	 tolerance;
	int		 has_tolerance, has_team_field;
} source_kinds[] = {
	{ "generic", "", NPSD_WEBHOOK_TOLERANCE, 0, 0 },
	{ "zendesk", "solved,closed", NPSD_WEBHOOK_TOLERANCE, 1, 0 },
	{ "freshdesk", "resolved,closed", 0, 0, 0 },
	{ "jira", "", 0, 0, 1 },
	{ "zammad", "closed", 0, 0, 0 },
	{ "glpi", "5,6", 3600, 1, 0 },	/* tolerance: accepted, unused */
	{ "znuny", "", 0, 0, 0 },
};

int
config_parse_secrets(struct source_config *src, const char *value, const char **why)
{
	char *copy, *item, *save = NULL;
	int generic = strcmp(src->name, "generic") == 0;

	*why = generic ?
	    "expected one or more whsec_<base64> secrets (at least 16 bytes), comma separated" :
	    "expected one or more secrets of 16 to 127 characters, comma separated";
	src->nsecrets = 0;
	if (*value == '\0')	/* configured without a secret: every request is refused */
		return 0;
	if ((copy = strdup(value)) == NULL)
		return -1;
	/* strtok_r: the value is our own copy, split on commas and spaces. */
	for (item = strtok_r(copy, ", ", &save); item != NULL; item = strtok_r(NULL, ", ", &save)) {
		struct secret *sec = &src->secrets[src->nsecrets];
		size_t len = strlen(item);
		int bad = src->nsecrets == NPSD_MAX_SECRETS;

		if (!bad && generic)
			bad = config_parse_whsec(item, sec) == -1;
		else if (!bad) {
			bad = len < 16 || len >= sizeof sec->key;
			if (!bad) {
				memcpy(sec->key, item, len);
				sec->len = len;
			}
		}
		if (bad) {
			crypto_wipe(copy, strlen(value));
			free(copy);
			crypto_wipe(src->secrets, sizeof src->secrets);
			src->nsecrets = 0;
			return -1;
		}
		src->nsecrets++;
	}
	crypto_wipe(copy, strlen(value));
	free(copy);
	return src->nsecrets > 0 ? 0 : -1;
}

/* The configured source NAME, created with its kind's defaults on first
 * sight; NULL (and *why) for an unknown kind or one source too many. */
static struct source_config *
source_slot(struct config *cfg, const char *name, size_t *kindp, const char **why)
{
	struct source_config *src;
	size_t kind;

	for (kind = 0; kind < sizeof source_kinds / sizeof source_kinds[0]; kind++)
		if (strcmp(name, source_kinds[kind].name) == 0)
			break;
	if (kind == sizeof source_kinds / sizeof source_kinds[0]) {
		*why = "no such source (known: generic, zendesk, freshdesk, jira, zammad, glpi, "
		    "znuny)";
		return NULL;
	}
	*kindp = kind;
	for (int i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].name, name) == 0)
			return &cfg->sources[i];
	if (cfg->nsources == NPSD_MAX_SOURCES) {
		*why = "too many sources";
		return NULL;
	}
	src = &cfg->sources[cfg->nsources++];
	memset(src, 0, sizeof *src);
	snprintf(src->name, sizeof src->name, "%s", name);
	snprintf(src->close_statuses, sizeof src->close_statuses, "%s",
	    source_kinds[kind].close_statuses);
	src->tolerance = source_kinds[kind].tolerance;
	return src;
}

static int
parse_source(struct load_state *st, const char *name, const char *key, const char *value,
    const char **why)
{
	struct source_config *src;
	size_t kind;
	long long n;

	if ((src = source_slot(st->cfg, name, &kind, why)) == NULL)
		return -1;
	if (strcmp(key, "secret") == 0) {
		st->secret_seen |= 1u << (src - st->cfg->sources);
		src->secret_inline = 1;
		return config_parse_secrets(src, value, why);
	}
	if (strcmp(key, "secret_file") == 0) {	/* read by config_secret_files */
		*why = "expected a file name";
		if (*value == '\0' || strlen(value) >= sizeof src->secret_file || !no_controls(value))
			return -1;
		st->secret_seen |= 1u << (src - st->cfg->sources);
		snprintf(src->secret_file, sizeof src->secret_file, "%s", value);
		return 0;
	}
	if (strcmp(key, "close_statuses") == 0 && kind > 0) {
		*why = "expected a comma separated list of status names, at most 255 bytes";
		if (strlen(value) >= sizeof src->close_statuses || !no_controls(value))
			return -1;
		snprintf(src->close_statuses, sizeof src->close_statuses, "%s", value);
		return 0;
	}
	if (strcmp(key, "tolerance") == 0 && source_kinds[kind].has_tolerance) {
		*why = "expected a duration from 1s to 1d, e.g. 5m";
		if (config_parse_duration(value, &n) == -1 || n < 1 || n > 86400)
			return -1;
		src->tolerance = n;
		return 0;
	}
	if (strcmp(key, "team_field") == 0 && source_kinds[kind].has_team_field) {
		*why = "expected a field id such as customfield_10050";
		if (strlen(value) >= sizeof src->team_field || strpbrk(value, " .\"") != NULL ||
		    !no_controls(value))
			return -1;
		snprintf(src->team_field, sizeof src->team_field, "%s", value);
		return 0;
	}
	switch (config_glpi_key(src, key, value, why)) {
	case 0: return 0;
	case -1: return -1;
	}
	*why = "unknown key";
	return -1;
}

static int
config_ini_line(void *user, const char *section, const char *key, const char *value)
{
	struct load_state *st = user;
	struct config *cfg = st->cfg;
	const char *why = "invalid value";
	int rc;
	long long n;

	if (strcmp(section, "server") == 0)
		rc = parse_server(cfg, key, value, &why);
	else if (strcmp(section, "database") == 0)
		rc = parse_database(cfg, key, value, &why);
	else if (strcmp(section, "mail") == 0)
		rc = parse_mail(cfg, key, value, &why);
	else if (strcmp(section, "survey") == 0)
		rc = parse_survey(cfg, key, value, &why);
	else if (strncmp(section, "source.", 7) == 0)
		rc = parse_source(st, section + 7, key, value, &why);
	else if (strcmp(section, "alerts") == 0) {
		if (strcmp(key, "detractors") == 0) {
			why = "expected yes or no";
			rc = config_parse_bool(value, &cfg->alert_detractors);
		} else {
			why = "unknown key";
			rc = -1;
		}
	} else if (strcmp(section, "retention") == 0) {
		if (strcmp(key, "personal_data") == 0) {
			why = "expected a duration of at least 1d, such as 365d";
			rc = config_parse_duration(value, &n);
			if (rc == 0 && n < 86400)
				rc = -1;
			if (rc == 0)
				cfg->personal_data = n;
		} else if (strcmp(key, "staff_data") == 0) {
			why = "expected 0 (keep) or a duration of at least 1d, such as 730d";
			rc = config_parse_duration(value, &n);
			if (rc == 0 && n != 0 && n < 86400)
				rc = -1;
			if (rc == 0)
				cfg->staff_data = n;
		} else {
			why = "unknown key";
			rc = -1;
		}
	} else {
		why = "unknown section";
		rc = -1;
	}
	if (rc == -1) {
		if (strcmp(why, "unknown section") == 0)
			snprintf(st->err, st->errlen, "[%s]: unknown section", section);
		else if (strncmp(section, "source.", 7) == 0 || strcmp(key, "password") == 0 ||
		    strcmp(key, "metrics_token") == 0)
			snprintf(st->err, st->errlen, "[%s] %s: %s", section, key, why);
		else
			snprintf(st->err, st->errlen, "[%s] %s = \"%.80s\": %s", section, key,
			    value, why);
		return 0;
	}
	return 1;
}

/* smtp://HOST[:PORT][/...] -> 1 when HOST is a loopback address. */
static int
transport_is_loopback(const char *url)
{
	const char *host = url + strlen("smtp://");
	size_t n = strcspn(host, ":/");

	if (*host == '[')
		return strncmp(host, "[::1]", 5) == 0;
	if (n == 9 && strncmp(host, "localhost", 9) == 0)
		return 1;
	if (strncmp(host, "127.", 4) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)host[i]) && host[i] != '.')
			return 0;
	return 1;
}

/* Strips leading and trailing white space in place. */
static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Where an inline comment starts: a ';' after white space (inih's rule). */
static char *
comment_start(char *s)
{
	int was_space = 0;

	for (; *s != '\0'; s++) {
		if (was_space && *s == ';')
			return s;
		was_space = isspace((unsigned char)*s);
	}
	return s;
}

enum ini_line { INI_BLANK, INI_SECTION, INI_KEY, INI_BAD };

/* Splits one line in place the way inih does: comments start with ; or #
 * at the start of a line, or with ; after white space; "name = value" or
 * "name: value". Indentation has no meaning. */
static enum ini_line
ini_split(char *line, char **name, char **value)
{
	char *s = trim(line), *end, *rest;

	if (*s == '\0' || *s == ';' || *s == '#')
		return INI_BLANK;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return INI_BAD;
		rest = trim(end + 1);
		if (*rest != '\0' && *rest != ';' && *rest != '#')
			return INI_BAD;
		*end = '\0';
		*name = s + 1;
		return INI_SECTION;
	}
	end = s + strcspn(s, "=:");
	if (*end == '\0' || end == s)
		return INI_BAD;
	*end = '\0';
	*name = trim(s);
	*comment_start(end + 1) = '\0';
	*value = trim(end + 1);
	return INI_KEY;
}

/* Reads one line (its end not included) into buf of NPSD_CONFIG_MAX_LINE + 1
 * bytes. 1: a line; 0: end of file; -1: *why says what is wrong with it. */
static int
read_line(FILE *f, char *buf, const char **why)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0') {
			*why = "contains a NUL byte";
			return -1;
		}
		if (n == NPSD_CONFIG_MAX_LINE) {
			if (c == '\r' && (c = getc(f)) == '\n')
				break;	/* a CRLF line end is not counted either */
			*why = NULL;	/* too long */
			return -1;
		}
		buf[n++] = (char)c;
	}
	if (ferror(f)) {
		*why = strerror(errno);
		return -1;
	}
	buf[n] = '\0';
	return c == EOF && n == 0 ? 0 : 1;
}

/* One [section] line: a source section exists from its header on, so that
 * a file cut off after "[source.NAME]" is an error, not a dropped source. */
static int
enter_section(struct load_state *st, const char *name)
{
	const char *known[] = { "server", "database", "mail", "survey", "alerts", "retention" };
	const char *why = NULL;
	size_t kind;

	if (strncmp(name, "source.", 7) == 0) {
		if (source_slot(st->cfg, name + 7, &kind, &why) != NULL)
			return 0;
		snprintf(st->err, st->errlen, "[%s]: %s", name, why);
		return -1;
	}
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(name, known[i]) == 0)
			return 0;
	snprintf(st->err, st->errlen, "[%.60s]: unknown section", name);
	return -1;
}

/* The rest of a line read_line refused, so that reading goes on after it. */
static void
skip_line(FILE *f)
{
	int c;

	while ((c = getc(f)) != EOF && c != '\n')
		;
}

/* One line split by ini_split: a problem is recorded and reading goes on,
 * so that one run names every bad line. */
static void
take_line(struct load_state *st, int lineno, enum ini_line kind, char *section,
    size_t sectionlen, const char *name, const char *value)
{
	switch (kind) {
	case INI_BLANK:
		return;
	case INI_BAD:
		load_problem(st, "line %d: not a section, key = value, or comment", lineno);
		return;
	case INI_SECTION:
		if (strlen(name) >= sectionlen) {
			load_problem(st, "line %d: section name too long", lineno);
			snprintf(section, sectionlen, "?");
			st->skip_section = 1;
			return;
		}
		snprintf(section, sectionlen, "%s", name);
		st->skip_section = enter_section(st, section) == -1;
		if (st->skip_section)
			load_problem(st, "line %d: %s", lineno, st->err);
		return;
	case INI_KEY:
		if (section[0] == '\0')
			load_problem(st, "line %d: %.60s: a key before any [section]", lineno,
			    name);
		else if (!st->skip_section && config_ini_line(st, section, name, value) == 0)
			load_problem(st, "line %d: %s", lineno, st->err);
		return;
	}
}

/* The lines of f, each handed to config_ini_line; every problem goes to
 * st->problems. -1 only when the file cannot be read on. */
static int
read_lines(FILE *f, struct load_state *st, char *line)
{
	char section[128] = "", *name = NULL, *value = NULL, *s;
	const char *why;
	int lineno = 0, items = 0, rc;
	enum ini_line kind;

	while ((rc = read_line(f, line, &why)) != 0) {
		lineno++;
		if (rc == -1) {
			if (ferror(f)) {
				load_problem(st, "line %d: %s", lineno, why);
				return -1;
			}
			if (why == NULL)
				load_problem(st, "line %d: longer than %d bytes", lineno,
				    NPSD_CONFIG_MAX_LINE);
			else
				load_problem(st, "line %d: %s", lineno, why);
			skip_line(f);
			items++;
			continue;
		}
		s = line;
		if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;	/* a UTF-8 byte order mark */
		value = NULL;
		kind = ini_split(s, &name, &value);
		if (kind != INI_BLANK)
			items++;
		take_line(st, lineno, kind, section, sizeof section, name, value);
	}
	if (items == 0)
		load_problem(st, "no section and no key: an empty file is refused (npsd "
		    "runs on its embedded defaults only when there is no file)");
	return 0;
}

/* Every source needs a secret line, empty to refuse every request. */
static void
check_secrets_given(struct load_state *st)
{
	for (int i = 0; i < st->cfg->nsources; i++)
		if (!(st->secret_seen & (1u << i)))
			load_problem(st, "[source.%s] secret: missing (write \"secret =\" with "
			    "no value to refuse every request)", st->cfg->sources[i].name);
}

/* Past a bracket expression's closing ']' ("[]x]", "[^]x]", "[[:alpha:]]"). */
static const char *
skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0' && *p != ']'; p++)
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *close = strchr(p + 2, p[1]);
			while (close != NULL && close[1] != ']')
				close = strchr(close + 1, p[1]);
			if (close == NULL)
				return p + strlen(p);
			p = close + 1;
		}
	return *p == ']' ? p + 1 : p;
}

/* The largest count of a "{m}", "{m,}" or "{m,n}" bound at p; *end after it. */
static double
bound_count(const char *p, const char **end)
{
	double m = 0, n = -1;

	for (p++; isdigit((unsigned char)*p); p++)
		m = m * 10 + (*p - '0');
	if (*p == ',') {
		for (n = 0, p++; isdigit((unsigned char)*p); p++)
			n = n * 10 + (*p - '0');
		if (p[-1] == ',')
			n = m + 1;	/* "{m,}": m copies and a star */
	}
	*end = *p == '}' ? p + 1 : p;
	return n > m ? n : (m > 1 ? m : 1);
}

/* How many copies of its atoms glibc's regcomp makes of an ERE: "x+"
 * becomes "xx*", "x{m,n}" n copies, and nested or stacked repetitions
 * multiply ("a++++" 16, "(a{9}){9}" 81). Compile time and memory grow
 * with it, faster than linearly: "a{1,1000}" takes 10 ms, "a{1,20000}"
 * 12 s, and 23 stacked "+" more than 2 GB. */
static double
pattern_cost(const char *re)
{
	double sum[NPSD_MAX_PATTERN_DEPTH + 1] = { 0 }, last = 0;
	int depth = 0;

	for (const char *p = re; *p != '\0';) {
		switch (*p) {
		case '(':
			if (depth == NPSD_MAX_PATTERN_DEPTH)
				return NPSD_MAX_PATTERN_COST + 1;
			sum[++depth] = 0;
			last = 0;
			p++;
			continue;
		case ')':
			last = sum[depth];
			if (depth > 0)
				depth--;
			sum[depth] += last;
			p++;
			continue;
		case '+':
		case '{': {
			double times = 2;
			if (*p == '{')
				times = bound_count(p, &p);
			else
				p++;
			sum[depth] += last * (times - 1);
			last *= times;
			if (sum[depth] > NPSD_MAX_PATTERN_COST)
				return sum[depth];
			continue;
		}
		case '*': case '?':	/* no copies */
			p++;
			continue;
		case '|': case '^': case '$':
			last = 0;
			p++;
			continue;
		case '[':
			last = 1;
			p = skip_bracket(p);
			break;
		case '\\':
			last = 1;
			p += p[1] != '\0' ? 2 : 1;
			break;
		default:
			last = 1;
			p++;
			break;
		}
		sum[depth] += last;
	}
	return sum[depth];
}

struct item_check {
	int		 patterns;
	char		 bad[64];	/* the start of the first costly pattern */
};

static int
check_item(const char *item, void *arg)
{
	struct item_check *c = arg;

	if (c->patterns && c->bad[0] == '\0' && pattern_cost(item) > NPSD_MAX_PATTERN_COST)
		snprintf(c->bad, sizeof c->bad, "%s", item);
	return 0;
}

/* The survey lists: each item fits policy_split's item buffer, and no
 * pattern is one that regcomp would take seconds or gigabytes for. */
static int
check_list_items(const struct config *cfg, char *err, size_t errlen)
{
	const char *lists[] = { cfg->exclude, cfg->exclude_categories, cfg->exclude_teams };
	const char *keys[] = { "exclude", "exclude_categories", "exclude_teams" };

	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct item_check c = { i == 0, "" };

		if (policy_split(lists[i], check_item, &c) == -1) {
			snprintf(err, errlen, "[survey] %s: an item is longer than 511 bytes",
			    keys[i]);
			return -1;
		}
		if (c.bad[0] != '\0') {
			snprintf(err, errlen, "[survey] %s: \"%s\": too many repetitions "
			    "(nested or stacked +, {m,n}); write the pattern more simply",
			    keys[i], c.bad);
			return -1;
		}
	}
	return 0;
}

/* The directory part of path: "." when it has none. */
static void
parent_dir(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

/* A relative path in slot becomes dir/path: paths in a file are relative
 * to the file, not to whatever directory npsd or npsctl was started in. */
static int
resolve_path(char **slot, const char *dir)
{
	char *joined;
	size_t len;

	if ((*slot)[0] == '\0' || (*slot)[0] == '/')
		return 0;
	len = strlen(dir) + 1 + strlen(*slot) + 1;
	if ((joined = malloc(len)) == NULL)
		return -1;
	snprintf(joined, len, "%s/%s", dir, *slot);
	free(*slot);
	*slot = joined;
	return 0;
}

/* A relative [mail] password_file is looked up as every secret file is
 * (config_secret_path): in $CREDENTIALS_DIRECTORY when that is set. */
static int
resolve_secret_path(char **slot, const char *file)
{
	char path[4096];
	char *copy;

	if ((*slot)[0] == '\0')
		return 0;
	if (config_secret_path(*slot, file, path, sizeof path) == -1 ||
	    (copy = strdup(path)) == NULL)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* The absolute directory FILE is in (as written when it cannot be
 * resolved, which only happens when the file went away meanwhile). */
static void
file_dir(const char *file, char *out, size_t outlen)
{
	char *real = realpath(file, NULL);

	parent_dir(real != NULL ? real : file, out, outlen);
	free(real);
}

static int
resolve_paths(struct config *cfg, const char *file)
{
	char dir[4096];

	file_dir(file, dir, sizeof dir);
	if (resolve_path(&cfg->db_path, dir) == -1 || resolve_path(&cfg->templates, dir) == -1 ||
	    resolve_secret_path(&cfg->password_file, file) == -1 ||
	    resolve_secret_path(&cfg->db_password_file, file) == -1)
		return -1;
	if (cfg->transport == TRANSPORT_MAILDIR && resolve_path(&cfg->transport_target, dir) == -1)
		return -1;
	return 0;
}

int
config_load(struct config *cfg, const char *file, char *err, size_t errlen)
{
	char msg[512] = "";
	struct load_state st = { cfg, msg, sizeof msg, err, errlen, 0, 0, 0 };
	struct policy pol;
	char *line;
	FILE *f;

	if (errlen > 0)
		err[0] = '\0';
	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if ((line = malloc(NPSD_CONFIG_MAX_LINE + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", file);
		return -1;
	}
	read_lines(f, &st, line);
	crypto_wipe(line, NPSD_CONFIG_MAX_LINE + 1);	/* lines carry secrets */
	free(line);
	fclose(f);
	check_secrets_given(&st);
	if (check_list_items(cfg, msg, sizeof msg) == -1)
		load_problem(&st, "%s", msg);
	else if (policy_load(&pol, cfg, msg, sizeof msg) == -1)	/* the patterns compile */
		load_problem(&st, "%s", msg);
	else
		policy_free(&pol);
	if (cfg->transport == TRANSPORT_SMTP && !cfg->starttls_required &&
	    !transport_is_loopback(cfg->transport_target))
		load_problem(&st, "[mail] starttls = none: only allowed for a relay on "
		    "loopback (127.0.0.1, ::1 or localhost)");
	if (resolve_paths(cfg, file) == -1)
		load_problem(&st, "out of memory");
	for (int i = 0; i < cfg->nsources; i++)
		if (config_glpi_finish(&cfg->sources[i], file, msg, sizeof msg) == -1)
			load_problem(&st, "%s", msg);
	{
		char secrets[2048];	/* one line for each file that cannot be used */

		if (config_secret_files(cfg, file, secrets, sizeof secrets) > 0)
			load_problem(&st, "%s", secrets);
	}
	return st.nproblems > 0 ? -1 : 0;
}

/* 0 when dir is a directory this process may create files in. */
static int
writable_dir(const char *dir, const char **why)
{
	struct stat sb;

	if (stat(dir, &sb) == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*why = "not a directory";
		return -1;
	}
	if (access(dir, W_OK | X_OK) == -1) {
		*why = strerror(errno);
		return -1;
	}
	return 0;
}

/* SQLite creates the database and its -wal and -shm files next to it;
 * PostgreSQL's password file must be readable (the server itself is
 * reached at start, not by -n). */
static int
check_database(const struct config *cfg, char *err, size_t errlen)
{
	char dir[4096], line[1024];
	const char *why;
	struct stat sb;

	if (cfg->db_url[0] != '\0') {
		if (cfg->db_password_file[0] == '\0' ||
		    (why = config_secret_read(cfg->db_password_file, line, sizeof line)) == NULL) {
			crypto_wipe(line, sizeof line);
			return 0;
		}
		snprintf(err, errlen, "[database] password_file = \"%.200s\": %s",
		    cfg->db_password_file, why);
		return -1;
	}
	parent_dir(cfg->db_path, dir, sizeof dir);
	if (writable_dir(dir, &why) == -1) {
		snprintf(err, errlen, "[database] path = \"%.200s\": directory %.200s: %s",
		    cfg->db_path, dir, why);
		return -1;
	}
	if (stat(cfg->db_path, &sb) == 0 &&
	    (!S_ISREG(sb.st_mode) || access(cfg->db_path, R_OK | W_OK) == -1)) {
		snprintf(err, errlen, "[database] path = \"%.200s\": %s", cfg->db_path,
		    S_ISREG(sb.st_mode) ? strerror(errno) : "not a regular file");
		return -1;
	}
	return 0;
}

/* The maildir and its tmp, new and cur exist and are writable, or the
 * nearest existing ancestor is, so that the mailer can create them. */
static int
check_maildir(const struct config *cfg, char *err, size_t errlen)
{
	const char *subs[] = { "tmp", "new", "cur" };
	char path[4096];
	const char *why;
	struct stat sb;

	snprintf(path, sizeof path, "%s", cfg->transport_target);
	if (stat(path, &sb) == 0) {
		for (size_t i = 0; i <= 3; i++) {
			if (i > 0)
				snprintf(path, sizeof path, "%s/%s", cfg->transport_target,
				    subs[i - 1]);
			if ((i == 0 || stat(path, &sb) == 0) && writable_dir(path, &why) == -1)
				goto fail;
		}
		return 0;
	}
	while (stat(path, &sb) == -1) {
		if (errno != ENOENT) {
			why = strerror(errno);
			goto fail;
		}
		if (strcmp(path, ".") == 0 || strcmp(path, "/") == 0)
			break;
		{
			char up[4096];
			parent_dir(path, up, sizeof up);
			snprintf(path, sizeof path, "%s", up);
		}
	}
	if (writable_dir(path, &why) == 0)
		return 0;
fail:
	snprintf(err, errlen, "[mail] transport = \"maildir:%.200s\": %.200s: %s",
	    cfg->transport_target, path, why);
	return -1;
}

/* The mailer reads the first line of the file (at most 511 bytes) as the
 * SMTP password when it starts; an error then would come too late. */
static int
check_password_file(const struct config *cfg, char *err, size_t errlen)
{
	char line[1024] = "";	/* stays empty when the file is */
	const char *why = NULL;
	struct stat sb;
	size_t n;
	FILE *f;

	if (cfg->transport == TRANSPORT_MAILDIR || cfg->password_file[0] == '\0')
		return 0;
	if ((f = fopen(cfg->password_file, "r")) == NULL)
		why = strerror(errno);
	else if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (fgets(line, sizeof line, f) == NULL && ferror(f))
		why = strerror(errno);
	else {
		n = strcspn(line, "\r\n");
		if (n == 0)
			why = "the first line (the password) is empty";
		else if (n > 511)
			why = "the first line (the password) is longer than 511 bytes";
		crypto_wipe(line, sizeof line);
	}
	if (f != NULL)
		fclose(f);
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "[mail] password_file = \"%.200s\": %s", cfg->password_file, why);
	return -1;
}

static int
is_loopback_host(const char *host)
{
	if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
		return 1;
	if (strncmp(host, "127.", 4) != 0)
		return 0;
	return strspn(host, "0123456789.") == strlen(host);
}

/* public_url is where every link in mail points: an absolute URL with a
 * host; when that host is this machine's loopback, nothing but npsd can
 * answer there, so it must be npsd's own listening port. */
static int
check_public_url(const struct config *cfg, char *err, size_t errlen)
{
	const char *url = cfg->public_url, *p;
	int https = strncmp(url, "https://", 8) == 0;
	char host[256];
	long long port = https ? 443 : 80;
	size_t n;

	p = url + (https ? 8 : 7);
	if (*p == '[') {
		n = strcspn(p + 1, "]");
		if (p[1 + n] != ']' || n == 0 || n >= sizeof host)
			goto not_absolute;
		memcpy(host, p + 1, n);
		host[n] = '\0';
		p += n + 2;
	} else {
		n = strcspn(p, ":/?#");
		if (n == 0 || n >= sizeof host)
			goto not_absolute;
		memcpy(host, p, n);
		host[n] = '\0';
		p += n;
	}
	if (*p == ':') {
		char digits[8];
		n = strcspn(p + 1, "/?#");
		if (n == 0 || n >= sizeof digits)
			goto not_absolute;
		memcpy(digits, p + 1, n);
		digits[n] = '\0';
		if (config_parse_number(digits, 1, 65535, &port) == -1)
			goto not_absolute;
		p += n + 1;
	}
	if (*p == '?' || *p == '#') {
		snprintf(err, errlen, "[server] public_url = \"%.200s\": links are built by "
		    "appending /s/TOKEN; a query or fragment would break them", url);
		return -1;
	}
	if (!is_loopback_host(host) || cfg->listen_port == 0)
		return 0;
	if ((unsigned)port != cfg->listen_port) {
		snprintf(err, errlen, "[server] public_url = \"%.200s\": points at port %lld "
		    "of this machine, but [server] listen is %s:%u; links in mail would not "
		    "reach npsd", url, port, cfg->listen_host, cfg->listen_port);
		return -1;
	}
	if (!is_loopback_host(cfg->listen_host) && strcmp(cfg->listen_host, "0.0.0.0") != 0 &&
	    strcmp(cfg->listen_host, "::") != 0) {
		snprintf(err, errlen, "[server] public_url = \"%.200s\": points at loopback, "
		    "but [server] listen is %s:%u, which loopback does not reach", url,
		    cfg->listen_host, cfg->listen_port);
		return -1;
	}
	return 0;
not_absolute:
	snprintf(err, errlen, "[server] public_url = \"%.200s\": expected an absolute "
	    "URL, scheme://host[:port][/path]", url);
	return -1;
}

int
config_check_files(const struct config *cfg, char *err, size_t errlen)
{
	char msg[1024];
	int problems = 0;

	if (errlen > 0)
		err[0] = '\0';
	if (check_public_url(cfg, msg, sizeof msg) == -1)
		problem_add(err, errlen, "%s", msg), problems++;
	if (check_database(cfg, msg, sizeof msg) == -1)
		problem_add(err, errlen, "%s", msg), problems++;
	if (cfg->transport == TRANSPORT_MAILDIR && check_maildir(cfg, msg, sizeof msg) == -1)
		problem_add(err, errlen, "%s", msg), problems++;
	if (check_password_file(cfg, msg, sizeof msg) == -1)
		problem_add(err, errlen, "%s", msg), problems++;
	return problems > 0 ? -1 : 0;
}

static void
note_change(char *out, size_t outlen, int changed, const char *key)
{
	size_t used = strlen(out);

	if (!changed || used >= outlen)
		return;
	snprintf(out + used, outlen - used, "%s%s", used > 0 ? ", " : "", key);
}

int
config_restart_keys(const struct config *a, const struct config *b, char *out,
    size_t outlen)
{
#define DIFF_STR(field) (strcmp(a->field, b->field) != 0)
#define DIFF(field) (a->field != b->field)
	if (outlen == 0)
		return 0;
	out[0] = '\0';
	note_change(out, outlen, DIFF_STR(listen_host) || DIFF(listen_port), "[server] listen");
	note_change(out, outlen, DIFF_STR(public_url), "[server] public_url");
	note_change(out, outlen, DIFF(threads), "[server] threads");
	note_change(out, outlen, DIFF(max_body), "[server] max_body");
	note_change(out, outlen, DIFF_STR(db_path), "[database] path");
	note_change(out, outlen, DIFF(synchronous), "[database] synchronous");
	note_change(out, outlen, DIFF_STR(db_url), "[database] url");
	note_change(out, outlen, DIFF_STR(db_password_file), "[database] password_file");
	note_change(out, outlen, DIFF(transport) || DIFF_STR(transport_target),
	    "[mail] transport");
	note_change(out, outlen, DIFF(starttls_required), "[mail] starttls");
	note_change(out, outlen, DIFF_STR(from), "[mail] from");
	note_change(out, outlen, DIFF_STR(username), "[mail] username");
	note_change(out, outlen, DIFF_STR(password_file), "[mail] password_file");
	note_change(out, outlen, DIFF(max_attempts), "[mail] max_attempts");
	note_change(out, outlen, DIFF(retry_min), "[mail] retry_min");
	note_change(out, outlen, DIFF(smtp_timeout), "[mail] timeout");
	note_change(out, outlen, DIFF(stop_grace), "[mail] stop_grace");
	note_change(out, outlen, DIFF(delay), "[survey] delay");
	note_change(out, outlen, DIFF(expire), "[survey] expire");
	note_change(out, outlen, DIFF(reminder), "[survey] reminder");
	note_change(out, outlen, DIFF(cooldown), "[survey] cooldown");
	note_change(out, outlen, DIFF(max_per_30d), "[survey] max_per_30d");
	note_change(out, outlen, DIFF(sample), "[survey] sample");
	note_change(out, outlen, DIFF(resurvey_after_reopen), "[survey] resurvey_after_reopen");
	note_change(out, outlen, DIFF_STR(send_window), "[survey] send_window");
	note_change(out, outlen, DIFF_STR(exclude), "[survey] exclude");
	note_change(out, outlen, DIFF_STR(exclude_categories), "[survey] exclude_categories");
	note_change(out, outlen, DIFF_STR(exclude_teams), "[survey] exclude_teams");
	note_change(out, outlen, DIFF_STR(default_language), "[survey] default_language");
	note_change(out, outlen, DIFF(alert_detractors), "[alerts] detractors");
	note_change(out, outlen, DIFF(personal_data), "[retention] personal_data");
	note_change(out, outlen, DIFF(staff_data), "[retention] staff_data");
	note_change(out, outlen, DIFF_STR(privacy_notice), "[mail] privacy_notice");
	note_change(out, outlen, DIFF_STR(privacy_url), "[mail] privacy_url");
#undef DIFF_STR
#undef DIFF
	return out[0] != '\0';
}

const char *
config_store_target(const struct config *cfg)
{
	return cfg->db_url != NULL && cfg->db_url[0] != '\0' ? cfg->db_url : cfg->db_path;
}

int
config_store_password(const struct config *cfg, char *err, size_t errlen)
{
	char line[1024];
	const char *why;

	if (cfg->db_url[0] == '\0' || cfg->db_password_file[0] == '\0')
		return 0;
	if ((why = config_secret_read(cfg->db_password_file, line, sizeof line)) != NULL) {
		snprintf(err, errlen, "[database] password_file = \"%.200s\": %s",
		    cfg->db_password_file, why);
		return -1;
	}
	store_pg_set_password(line);
	crypto_wipe(line, sizeof line);
	return 0;
}
