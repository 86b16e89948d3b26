/* config_secret.c - owns secrets kept apart from the configuration file:
 * [source.*] secret_file and [server] metrics_token_file (the file's first
 * line, trimmed), the metrics token's shape, and where a relative name of
 * a secret file (these and [mail] password_file) is looked up: in
 * $CREDENTIALS_DIRECTORY when systemd passes credentials (LoadCredential=),
 * else in the configuration file's directory. Read whenever the
 * configuration is (start, -n, SIGHUP), so a changed file takes effect on
 * SIGHUP and a missing one refuses the start or the reload. */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"

int
config_secret_path(const char *name, const char *config_file, char *out, size_t outlen)
{
	const char *credentials = getenv("CREDENTIALS_DIRECTORY"), *slash;
	char *real = NULL;
	int n;

	if (name[0] == '/')
		n = snprintf(out, outlen, "%s", name);
	else if (credentials != NULL && credentials[0] == '/')
		n = snprintf(out, outlen, "%s/%s", credentials, name);
	else {
		/* the directory of the file, as every relative path in it */
		const char *base = (real = realpath(config_file, NULL)) != NULL ? real : config_file;

		if ((slash = strrchr(base, '/')) == NULL)
			n = snprintf(out, outlen, "%s", name);
		else
			n = snprintf(out, outlen, "%.*s/%s", (int)(slash - base), base, name);
	}
	free(real);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

const char *
config_secret_read(const char *path, char *line, size_t linelen)
{
	const char *why = NULL;
	size_t len, start = 0;
	struct stat sb;
	FILE *f;

	line[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return strerror(errno);
	if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (fgets(line, (int)linelen, f) == NULL && ferror(f))
		why = strerror(errno);
	else if (strchr(line, '\n') == NULL && !feof(f))
		why = "the first line is too long";
	fclose(f);
	if (why == NULL) {
		len = strcspn(line, "\r\n");
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		while (start < len && (line[start] == ' ' || line[start] == '\t'))
			start++;
		memmove(line, line + start, len - start);
		line[len - start] = '\0';
		if (line[0] == '\0')
			why = "the first line (the secret) is empty";
	}
	if (why != NULL)
		crypto_wipe(line, linelen);
	return why;
}

int
config_parse_token(const char *value, struct secret *out)
{
	size_t len = strlen(value);

	memset(out, 0, sizeof *out);
	if (len < 16 || len >= sizeof out->key)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] <= 0x20 || value[i] == 0x7f)
			return -1;
	memcpy(out->key, value, len);
	out->len = len;
	return 0;
}

static void __attribute__((format(printf, 3, 4)))
problem(char *err, size_t errlen, const char *fmt, ...)
{
	size_t used = strlen(err);
	va_list ap;

	if (used + 1 >= errlen)
		return;
	if (used > 0)
		err[used++] = '\n', err[used] = '\0';
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
}

/* Resolves *name (a buffer of namelen) in place and reads its first line;
 * NULL, or why not. */
static const char *
resolve_and_read(char *name, size_t namelen, const char *config_file, char *line,
    size_t linelen)
{
	char path[1024];

	if (config_secret_path(name, config_file, path, sizeof path) == -1 ||
	    strlen(path) >= namelen)
		return "the path is too long";
	snprintf(name, namelen, "%s", path);
	return config_secret_read(name, line, linelen);
}

static int
source_secret_file(struct source_config *src, const char *config_file, char *err,
    size_t errlen)
{
	char line[4096];
	const char *why;

	if (src->secret_file[0] == '\0')
		return 0;
	if (src->secret_inline) {
		problem(err, errlen, "[source.%s] secret_file: give secret or secret_file, "
		    "not both", src->name);
		return 1;
	}
	if ((why = resolve_and_read(src->secret_file, sizeof src->secret_file, config_file,
	    line, sizeof line)) == NULL) {
		if (config_parse_secrets(src, line, &why) == 0)
			why = NULL;
		crypto_wipe(line, sizeof line);
	}
	if (why == NULL)
		return 0;
	problem(err, errlen, "[source.%s] secret_file = \"%.200s\": %s", src->name,
	    src->secret_file, why);
	return 1;
}

static int
metrics_token_file(struct config *cfg, const char *config_file, char *err, size_t errlen)
{
	char line[512];
	const char *why;

	if (cfg->metrics_token_file[0] == '\0')
		return 0;
	if (cfg->metrics_token.len > 0) {
		problem(err, errlen, "[server] metrics_token_file: give metrics_token or "
		    "metrics_token_file, not both");
		return 1;
	}
	if ((why = resolve_and_read(cfg->metrics_token_file, sizeof cfg->metrics_token_file,
	    config_file, line, sizeof line)) == NULL) {
		if (config_parse_token(line, &cfg->metrics_token) == -1)
			why = "expected 16 to 127 characters without blanks on the first line";
		crypto_wipe(line, sizeof line);
	}
	if (why == NULL)
		return 0;
	problem(err, errlen, "[server] metrics_token_file = \"%.200s\": %s",
	    cfg->metrics_token_file, why);
	return 1;
}

int
config_secret_files(struct config *cfg, const char *config_file, char *err, size_t errlen)
{
	int problems = 0;

	if (errlen > 0)
		err[0] = '\0';
	for (int i = 0; i < cfg->nsources; i++)
		problems += source_secret_file(&cfg->sources[i], config_file, err, errlen);
	problems += metrics_token_file(cfg, config_file, err, errlen);
	return problems;
}
