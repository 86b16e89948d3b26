/* fuzz_config.c - owns fuzzing the configuration (src/config.c):
 * config_load on the input as a file (an in-memory one), and each
 * config_parse_* value parser on the input's first line. A file that
 * config_load accepts must give the daemon values it can use: a From
 * display name the message builder can put in a header. */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "harness.h"
#include "limits.h"
#include "message.h"

#define CONFIG_INPUT_MAX 8192

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_loaded(const struct config *cfg)
{
	struct buf b;

	FUZZ_CHECK(cfg->nsources >= 0 && cfg->nsources <= NPSD_MAX_SOURCES);
	for (int i = 0; i < cfg->nsources; i++)
		FUZZ_CHECK(cfg->sources[i].nsecrets >= 0 &&
		    cfg->sources[i].nsecrets <= NPSD_MAX_SECRETS);
	FUZZ_CHECK(cfg->from_address != NULL && message_address_valid(cfg->from_address));
	buf_init(&b, NPSD_MAX_MESSAGE);
	FUZZ_CHECK(cfg->from_name == NULL || message_encode_phrase(&b, cfg->from_name, 6) == 0);
	buf_free(&b);
}

static void
check_values(const char *s)
{
	long long n;
	int flag;
	char host[256], *name, *address;
	unsigned port;
	struct secret secret;

	if (config_parse_duration(s, &n) == 0)
		FUZZ_CHECK(n >= 0 && n <= NPSD_MAX_DURATION);
	if (config_parse_number(s, 1, 100, &n) == 0)
		FUZZ_CHECK(n >= 1 && n <= 100);
	if (config_parse_bool(s, &flag) == 0)
		FUZZ_CHECK(flag == 0 || flag == 1);
	if (config_parse_listen(s, host, sizeof host, &port) == 0)
		FUZZ_CHECK(port <= 65535 && memchr(host, '\0', sizeof host) != NULL);
	if (config_parse_mailbox(s, &name, &address) == 0) {
		FUZZ_CHECK(message_address_valid(address));
		free(name);
		free(address);
	}
	if (config_parse_whsec(s, &secret) == 0)
		FUZZ_CHECK(secret.len >= 16 && secret.len <= sizeof secret.key);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[512], *line;
	const char *path;

	if (size > CONFIG_INPUT_MAX || (path = fuzz_memfd_file(data, size)) == NULL)
		return 0;
	config_defaults(&cfg);
	err[0] = '\0';
	if (config_load(&cfg, path, err, sizeof err) == 0)
		check_loaded(&cfg);
	else
		FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof err) != NULL);
	config_free(&cfg);

	if ((line = strndup((const char *)data, size)) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	check_values(line);
	free(line);
	return 0;
}
