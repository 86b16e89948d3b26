/* hook_harness.c - owns the driver behind every fuzz_hook_<source>
 * target. An input is a webhook body, optionally followed by a NUL and
 * header lines ("Name: value" sets, a bare "Name" removes) that change the
 * spec's default headers; x-fuzz-close-statuses and x-fuzz-team-field set
 * those [source.NAME] keys within the limits config.c enforces. Each input
 * goes through the adapter's authenticate() (signatures will not match;
 * the header parsing is what is fuzzed) and, when the headers that
 * authenticate() requires are there, through its parse(). http_header()
 * is this file's, so no libmicrohttpd connection is needed. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "event_checks.h"
#include "harness.h"
#include "hook_harness.h"
#include "http.h"

#define FUZZ_NOW ((time_t)1795341600)	/* 2026-11-22T10:00:00Z */
#define HEADER_TEXT_MAX 4096

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct source_config configured;

static struct {
	char	 name[64];
	char	*value;
} headers[HOOK_FUZZ_MAX_HEADERS];
static size_t nheaders;

const char *
http_header(struct request *req, const char *name)
{
	(void)req;
	for (size_t i = 0; i < nheaders; i++)
		if (strcasecmp(headers[i].name, name) == 0)
			return headers[i].value;
	return NULL;
}

static void
header_set(const char *name, size_t namelen, const char *value, size_t valuelen)
{
	size_t i;

	if (namelen == 0 || namelen >= sizeof headers[0].name)
		return;
	for (i = 0; i < nheaders; i++)
		if (strlen(headers[i].name) == namelen &&
		    strncasecmp(headers[i].name, name, namelen) == 0)
			break;
	if (i == nheaders) {
		if (value == NULL || nheaders == HOOK_FUZZ_MAX_HEADERS)
			return;
		memcpy(headers[i].name, name, namelen);
		headers[i].name[namelen] = '\0';
		headers[i].value = NULL;
		nheaders++;
	}
	free(headers[i].value);
	headers[i].value = NULL;
	if (value == NULL) {		/* removed: the last entry takes its place */
		headers[i] = headers[--nheaders];
		headers[nheaders].value = NULL;
		return;
	}
	if ((headers[i].value = strndup(value, valuelen)) == NULL)
		abort();
}

static void
headers_clear(void)
{
	for (size_t i = 0; i < nheaders; i++)
		free(headers[i].value);
	nheaders = 0;
}

/* "Name: value" lines, as libmicrohttpd hands them over: the value
 * without the white space around it. */
static void
headers_apply(const char *text, size_t len)
{
	const char *line = text, *end = text + len;

	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *colon, *value;
		size_t linelen, vlen;

		if (eol == NULL)
			eol = end;
		linelen = (size_t)(eol - line);
		colon = memchr(line, ':', linelen);
		if (colon == NULL) {
			header_set(line, linelen, NULL, 0);
		} else {
			value = colon + 1;
			vlen = (size_t)(eol - value);
			while (vlen > 0 && (*value == ' ' || *value == '\t'))
				value++, vlen--;
			while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t' ||
			    value[vlen - 1] == '\r'))
				vlen--;
			if (memchr(value, '\0', vlen) == NULL)
				header_set(line, (size_t)(colon - line), value, vlen);
		}
		line = eol + 1;
	}
}

static int
no_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* The source as config.c would have accepted it. */
static void
source_for_input(struct source_config *src)
{
	const char *v;

	*src = configured;
	v = http_header(NULL, "x-fuzz-close-statuses");
	if (v != NULL && strcmp(src->name, "generic") != 0 &&
	    strlen(v) < sizeof src->close_statuses && no_controls(v))
		snprintf(src->close_statuses, sizeof src->close_statuses, "%s", v);
	v = http_header(NULL, "x-fuzz-team-field");
	if (v != NULL && strcmp(src->name, "jira") == 0 && strlen(v) < sizeof src->team_field &&
	    strpbrk(v, " .\"") == NULL && no_controls(v))
		snprintf(src->team_field, sizeof src->team_field, "%s", v);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct config cfg;
	const struct source_config *src;
	char text[512], err[256];
	const char *path;
	int n;

	(void)argc;
	(void)argv;
	n = snprintf(text, sizeof text, "[source.%s]\nsecret = %s\n",
	    hook_fuzz_spec.adapter->name, hook_fuzz_spec.secret);
	/* GLPI's section also names the API that gives the address, and a
	 * file with its token (a memfd of its own: fuzz_memfd_file's is the
	 * configuration's) */
	if (strcmp(hook_fuzz_spec.adapter->name, "glpi") == 0) {
		int fd = memfd_create("npsd-fuzz-token", 0);

		if (fd == -1 || write(fd, "npsd-fuzz-user-token\n", 21) != 21)
			abort();
		n += snprintf(text + n, sizeof text - (size_t)n, "api_url = "
		    "http://127.0.0.1:9/apirest.php\nuser_token_file = /proc/self/fd/%d\n", fd);
	}
	config_defaults(&cfg);
	if ((path = fuzz_memfd_file(text, (size_t)n)) == NULL ||
	    config_load(&cfg, path, err, sizeof err) == -1 ||
	    (src = config_source(&cfg, hook_fuzz_spec.adapter->name)) == NULL) {
		fprintf(stderr, "hook harness: cannot configure [source.%s]: %s\n",
		    hook_fuzz_spec.adapter->name, path == NULL ? "no memfd" : err);
		exit(1);
	}
	configured = *src;
	config_free(&cfg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct hook_adapter *adapter = hook_fuzz_spec.adapter;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t bodylen = nul != NULL ? (size_t)(nul - data) : size;
	struct source_config src;
	struct request req;
	struct event ev;
	struct event_error err;
	char why[200], delivery[NPSD_MAX_WEBHOOK_ID + 1];
	int ready = 1;

	if (nul != NULL && size - bodylen - 1 > HEADER_TEXT_MAX)
		return 0;
	for (size_t i = 0; hook_fuzz_spec.headers[i].name != NULL; i++)
		header_set(hook_fuzz_spec.headers[i].name, strlen(hook_fuzz_spec.headers[i].name),
		    hook_fuzz_spec.headers[i].value, strlen(hook_fuzz_spec.headers[i].value));
	if (nul != NULL)
		headers_apply((const char *)nul + 1, size - bodylen - 1);
	source_for_input(&src);

	memset(&req, 0, sizeof req);
	buf_init(&req.body, bodylen + 1);
	if (bodylen > 0 && buf_append(&req.body, data, bodylen) == -1)
		abort();

	why[0] = '\0';
	if (adapter->authenticate(&req, &src, FUZZ_NOW, why, sizeof why) == -1)
		FUZZ_CHECK(why[0] != '\0');
	for (size_t i = 0; hook_fuzz_spec.required[i] != NULL; i++)
		if (http_header(NULL, hook_fuzz_spec.required[i]) == NULL)
			ready = 0;
	if (ready) {
		memset(delivery, 'x', sizeof delivery);
		if (adapter->parse(&req, &src, FUZZ_NOW, &ev, delivery, sizeof delivery, &err) ==
		    EVENT_OK) {
			fuzz_check_event(&ev);
			if (ev.type != EVENT_OTHER)
				FUZZ_CHECK(memchr(delivery, '\0', sizeof delivery) != NULL);
		}
	}
	buf_free(&req.body);
	headers_clear();
	return 0;
}
