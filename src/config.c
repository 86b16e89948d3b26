/* config.c - owns the INI configuration: embedded defaults, strict parsing
 * of every value, and error messages that name the section and the key. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "crypto.h"
#include "message.h"
#include "policy.h"

pthread_rwlock_t config_reload_lock = PTHREAD_RWLOCK_INITIALIZER;

struct load_state {
	struct config	*cfg;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

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

	if (strpbrk(s, "\r\n") != NULL)
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
	cfg->db_path = strdup("var/npsd.db");
	cfg->synchronous = 2;
	cfg->transport = TRANSPORT_MAILDIR;
	cfg->transport_target = strdup("var/mail");
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
	cfg->templates = strdup("etc/templates");
	cfg->alert_detractors = 1;
	cfg->personal_data = 365LL * 86400;
	if (cfg->public_url == NULL || cfg->db_path == NULL || cfg->transport_target == NULL ||
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
	free(cfg->transport_target);
	free(cfg->from);
	free(cfg->from_name);
	free(cfg->from_address);
	free(cfg->username);
	free(cfg->password_file);
	free(cfg->send_window);
	free(cfg->exclude);
	free(cfg->exclude_categories);
	free(cfg->exclude_teams);
	free(cfg->templates);
	crypto_wipe(cfg->sources, sizeof cfg->sources);
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
	{ "glpi", "5,6,solved,closed", 3600, 1, 0 },
	{ "znuny", "", 0, 0, 0 },
};

static int
parse_secrets(struct source_config *src, const char *value, const char **why)
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

static int
parse_source(struct config *cfg, const char *name, const char *key, const char *value,
    const char **why)
{
	struct source_config *src = NULL;
	size_t kind;
	long long n;

	for (kind = 0; kind < sizeof source_kinds / sizeof source_kinds[0]; kind++)
		if (strcmp(name, source_kinds[kind].name) == 0)
			break;
	if (kind == sizeof source_kinds / sizeof source_kinds[0]) {
		*why = "no such source (known: generic, zendesk, freshdesk, jira, zammad, glpi, "
		    "znuny)";
		return -1;
	}
	for (int i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].name, name) == 0)
			src = &cfg->sources[i];
	if (src == NULL) {
		if (cfg->nsources == NPSD_MAX_SOURCES) {
			*why = "too many sources";
			return -1;
		}
		src = &cfg->sources[cfg->nsources++];
		memset(src, 0, sizeof *src);
		snprintf(src->name, sizeof src->name, "%s", name);
		snprintf(src->close_statuses, sizeof src->close_statuses, "%s",
		    source_kinds[kind].close_statuses);
		src->tolerance = source_kinds[kind].tolerance;
	}
	if (strcmp(key, "secret") == 0)
		return parse_secrets(src, value, why);
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

	if (st->failed)
		return 1;
	if (strcmp(section, "server") == 0)
		rc = parse_server(cfg, key, value, &why);
	else if (strcmp(section, "database") == 0)
		rc = parse_database(cfg, key, value, &why);
	else if (strcmp(section, "mail") == 0)
		rc = parse_mail(cfg, key, value, &why);
	else if (strcmp(section, "survey") == 0)
		rc = parse_survey(cfg, key, value, &why);
	else if (strncmp(section, "source.", 7) == 0)
		rc = parse_source(cfg, section + 7, key, value, &why);
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
		else if (strncmp(section, "source.", 7) == 0 || strcmp(key, "password") == 0)
			snprintf(st->err, st->errlen, "[%s] %s: %s", section, key, why);
		else
			snprintf(st->err, st->errlen, "[%s] %s = \"%.80s\": %s", section, key,
			    value, why);
		st->failed = 1;
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

int
config_load(struct config *cfg, const char *file, char *err, size_t errlen)
{
	struct load_state st = { cfg, err, errlen, 0 };
	int rc;

	rc = ini_parse(file, config_ini_line, &st);
	if (st.failed)
		return -1;
	if (rc == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno ? errno : ENOENT));
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s line %d: not a section, key = value, or comment",
		    file, rc);
		return -1;
	}
	{
		struct policy pol;	/* the exclusion patterns must compile */
		if (policy_load(&pol, cfg, err, errlen) == -1)
			return -1;
		policy_free(&pol);
	}
	if (cfg->transport == TRANSPORT_SMTP && !cfg->starttls_required &&
	    !transport_is_loopback(cfg->transport_target)) {
		snprintf(err, errlen, "[mail] starttls = none: only allowed for a relay on "
		    "loopback (127.0.0.1, ::1 or localhost)");
		return -1;
	}
	return 0;
}
