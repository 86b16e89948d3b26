/* config_glpi.c - owns the [source.glpi] keys for GLPI's REST API
 * (api_url, user_token_file, app_token_file, api_timeout, lookup_attempts,
 * lookup_backoff): strict parsing, defaults, the required ones, and the
 * token files, read whenever the configuration is (start, -n, SIGHUP). */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"

#define GLPI_DEFAULT_TIMEOUT	10
#define GLPI_DEFAULT_ATTEMPTS	8
#define GLPI_DEFAULT_BACKOFF	60

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* http(s)://host[:port][/path], nothing a URL must not hold; stored
 * without a trailing slash, so calls append "/initSession" and the like. */
static int
set_api_url(struct glpi_api_config *g, const char *value, const char **why)
{
	size_t n = strlen(value);

	*why = "expected the http:// or https:// URL of GLPI's apirest.php, "
	    "e.g. https://glpi.example.org/apirest.php";
	if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0)
		return -1;
	if (n >= sizeof g->api_url || !printable(value) ||
	    strpbrk(value, " \"<>\\^`{|}?#") != NULL)
		return -1;
	while (n > 0 && value[n - 1] == '/')
		n--;
	if (n <= strlen("https://"))
		return -1;
	snprintf(g->api_url, sizeof g->api_url, "%.*s", (int)n, value);
	return 0;
}

static int
set_path(char *out, size_t outlen, const char *value, const char **why)
{
	*why = "expected a file path";
	if (*value == '\0' || strlen(value) >= outlen || !printable(value))
		return -1;
	snprintf(out, outlen, "%s", value);
	return 0;
}

int
config_glpi_key(struct source_config *src, const char *key, const char *value,
    const char **why)
{
	struct glpi_api_config *g = &src->glpi;
	long long n;

	if (strcmp(src->name, "glpi") != 0)
		return 1;
	if (strcmp(key, "api_url") == 0)
		return set_api_url(g, value, why);
	if (strcmp(key, "user_token_file") == 0)
		return set_path(g->user_token_file, sizeof g->user_token_file, value, why);
	if (strcmp(key, "app_token_file") == 0)
		return set_path(g->app_token_file, sizeof g->app_token_file, value, why);
	if (strcmp(key, "api_timeout") == 0) {
		*why = "expected a duration from 1s to 5m, e.g. 10s";
		if (config_parse_duration(value, &n) == -1 || n < 1 || n > 300)
			return -1;
		g->api_timeout = n;
		return 0;
	}
	if (strcmp(key, "lookup_backoff") == 0) {
		*why = "expected a duration from 1s to 1d, e.g. 1m";
		if (config_parse_duration(value, &n) == -1 || n < 1 || n > 86400)
			return -1;
		g->lookup_backoff = n;
		return 0;
	}
	if (strcmp(key, "lookup_attempts") == 0) {
		*why = "expected a number from 1 to 100";
		if (config_parse_number(value, 1, 100, &n) == -1)
			return -1;
		g->lookup_attempts = (int)n;
		return 0;
	}
	return 1;
}

/* The token is the file's first line without surrounding blanks, as an
 * administrator pastes it (printf '%s\n' TOKEN > FILE). */
static const char *
read_token(const char *path, struct secret *out)
{
	char line[512] = "";
	const char *why = NULL;
	struct stat sb;
	size_t len, start = 0;
	FILE *f;

	out->len = 0;
	if ((f = fopen(path, "r")) == NULL)
		return strerror(errno);
	if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (fgets(line, sizeof line, f) == NULL && ferror(f))
		why = strerror(errno);
	fclose(f);
	if (why != NULL)
		return why;
	len = strcspn(line, "\r\n");
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (start < len && (line[start] == ' ' || line[start] == '\t'))
		start++;
	len -= start;
	if (len == 0)
		why = "the first line (the token) is empty";
	else if (len >= sizeof out->key)
		why = "the first line (the token) is longer than 127 bytes";
	else {
		line[start + len] = '\0';
		if (!printable(line + start) || strchr(line + start, ' ') != NULL)
			why = "the token contains spaces or control characters";
		else {
			memcpy(out->key, line + start, len);
			out->len = len;
		}
	}
	crypto_wipe(line, sizeof line);
	return why;
}

/* A relative path is taken from the configuration file's directory, as
 * the other paths of the file are. */
static int
resolve(char *path, size_t pathlen, const char *config_file)
{
	char dir[4096], joined[4096], *real, *slash;
	size_t n;

	if (path[0] == '/' || path[0] == '\0')
		return 0;
	if ((real = realpath(config_file, NULL)) != NULL) {
		snprintf(dir, sizeof dir, "%s", real);
		free(real);
	} else
		snprintf(dir, sizeof dir, "%s", config_file);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	*slash = '\0';
	n = (size_t)snprintf(joined, sizeof joined, "%s/%s", dir, path);
	if (n >= pathlen || n >= sizeof joined)
		return -1;
	memcpy(path, joined, n + 1);
	return 0;
}

int
config_glpi_finish(struct source_config *src, const char *config_file, char *err,
    size_t errlen)
{
	struct glpi_api_config *g = &src->glpi;
	const char *why;

	if (strcmp(src->name, "glpi") != 0)
		return 0;
	if (g->api_timeout == 0)
		g->api_timeout = GLPI_DEFAULT_TIMEOUT;
	if (g->lookup_attempts == 0)
		g->lookup_attempts = GLPI_DEFAULT_ATTEMPTS;
	if (g->lookup_backoff == 0)
		g->lookup_backoff = GLPI_DEFAULT_BACKOFF;
	if (g->api_url[0] == '\0') {
		snprintf(err, errlen, "[source.glpi] api_url: missing (GLPI's webhook carries "
		    "no address: npsd asks GLPI's REST API, e.g. "
		    "https://glpi.example.org/apirest.php)");
		return -1;
	}
	if (g->user_token_file[0] == '\0') {
		snprintf(err, errlen, "[source.glpi] user_token_file: missing (a file holding "
		    "the API user's token)");
		return -1;
	}
	if (resolve(g->user_token_file, sizeof g->user_token_file, config_file) == -1 ||
	    resolve(g->app_token_file, sizeof g->app_token_file, config_file) == -1) {
		snprintf(err, errlen, "[source.glpi] user_token_file, app_token_file: the path "
		    "is too long once taken from the configuration file's directory");
		return -1;
	}
	if ((why = read_token(g->user_token_file, &g->user_token)) != NULL) {
		snprintf(err, errlen, "[source.glpi] user_token_file = \"%.200s\": %s",
		    g->user_token_file, why);
		return -1;
	}
	if (g->app_token_file[0] != '\0' &&
	    (why = read_token(g->app_token_file, &g->app_token)) != NULL) {
		snprintf(err, errlen, "[source.glpi] app_token_file = \"%.200s\": %s",
		    g->app_token_file, why);
		return -1;
	}
	return 0;
}
