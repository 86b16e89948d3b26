/* check_config_secret.c - owns the unit tests of the [server] keys for
 * running behind a proxy and of secrets kept in files: trusted_proxies
 * and metrics_token parsing with errors that name the key, where a
 * secret file's relative name is looked up (the configuration's
 * directory, or $CREDENTIALS_DIRECTORY), its first line trimmed, and
 * [source.*] secret_file / [server] metrics_token_file as config_load
 * reads them. */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check_run.h"

static char dir[] = "/tmp/check_config_secret_XXXXXX";

static void
make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_config_secret_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void
remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("CREDENTIALS_DIRECTORY");
}

/* Writes text to dir/name; returns the path in a static buffer. */
static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static int
load(const char *text, struct config *cfg, char *err, size_t errlen)
{
	char path[256];

	snprintf(path, sizeof path, "%s", write_file("npsd.conf", text));
	config_defaults(cfg);
	return config_load(cfg, path, err, errlen);
}

static void
expect_error(const char *text, const char *needle)
{
	struct config cfg;
	char err[2048] = "";

	ck_assert_int_eq(load(text, &cfg, err, sizeof err), -1);
	ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err, needle);
	config_free(&cfg);
}

START_TEST(trusted_proxies_parse)
{
	struct config cfg;
	char err[2048] = "";

	make_dir();
	ck_assert_int_eq(load("[server]\ntrusted_proxies = 127.0.0.1, ::1 10.0.0.0/8\n", &cfg,
	    err, sizeof err), 0);
	ck_assert_int_eq(cfg.trusted_proxies.n, 3);
	config_free(&cfg);
	config_defaults(&cfg);
	ck_assert_int_eq(cfg.trusted_proxies.n, 0);	/* default: none */
	config_free(&cfg);
	expect_error("[server]\ntrusted_proxies = 10.0.0.1/8\n",
	    "[server] trusted_proxies = \"10.0.0.1/8\": expected addresses or ADDRESS/PREFIX");
	expect_error("[server]\ntrusted_proxies = nginx.local\n", "[server] trusted_proxies");
	remove_dir();
}
END_TEST

START_TEST(metrics_token_parses_and_is_never_echoed)
{
	struct config cfg;
	char err[2048] = "";

	make_dir();
	ck_assert_int_eq(load("[server]\nmetrics_token = 0123456789abcdefXYZ\n", &cfg, err,
	    sizeof err), 0);
	ck_assert_uint_eq(cfg.metrics_token.len, 19);
	config_free(&cfg);
	ck_assert_int_eq(load("[server]\nmetrics_token =\n", &cfg, err, sizeof err), 0);
	ck_assert_uint_eq(cfg.metrics_token.len, 0);
	config_free(&cfg);
	expect_error("[server]\nmetrics_token = short-secret\n",
	    "[server] metrics_token: expected 16 to 127 characters");
	ck_assert_int_eq(load("[server]\nmetrics_token = short-secret\n", &cfg, err,
	    sizeof err), -1);
	ck_assert_ptr_null(strstr(err, "short-secret"));
	config_free(&cfg);
	expect_error("[server]\nmetrics_token = has a blank in it 0123\n", "metrics_token");
	remove_dir();
}
END_TEST

START_TEST(secret_paths)
{
	char path[512], want[512], conf[300];

	make_dir();
	ck_assert_int_eq(config_secret_path("/abs/x", "/etc/npsd/npsd.conf", path,
	    sizeof path), 0);
	ck_assert_str_eq(path, "/abs/x");
	snprintf(want, sizeof want, "%s/x.secret", dir);
	write_file("npsd.conf", "");
	snprintf(conf, sizeof conf, "%s/npsd.conf", dir);
	ck_assert_int_eq(config_secret_path("x.secret", conf, path, sizeof path), 0);
	ck_assert_str_eq(path, want);
	setenv("CREDENTIALS_DIRECTORY", "/run/credentials/npsd.service", 1);
	ck_assert_int_eq(config_secret_path("x.secret", conf, path, sizeof path), 0);
	ck_assert_str_eq(path, "/run/credentials/npsd.service/x.secret");
	ck_assert_int_eq(config_secret_path("/abs/x", conf, path, sizeof path), 0);
	ck_assert_str_eq(path, "/abs/x");
	ck_assert_int_eq(config_secret_path("x.secret", "npsd.conf", path, 10), -1);
	remove_dir();
}
END_TEST

START_TEST(secret_files_first_line_trimmed)
{
	char line[64];

	make_dir();
	ck_assert_ptr_null(config_secret_read(write_file("a", " \tsecret-value \r\nsecond\n"),
	    line, sizeof line));
	ck_assert_str_eq(line, "secret-value");
	ck_assert_ptr_null(config_secret_read(write_file("b", "no-newline"), line, sizeof line));
	ck_assert_str_eq(line, "no-newline");
	ck_assert_str_eq(config_secret_read(write_file("c", "  \n"), line, sizeof line),
	    "the first line (the secret) is empty");
	ck_assert_str_eq(config_secret_read(write_file("d", ""), line, sizeof line),
	    "the first line (the secret) is empty");
	ck_assert_str_eq(config_secret_read(write_file("e", "0123456789012345678901234567890"
	    "12345678901234567890123456789012345\n"), line, sizeof line),
	    "the first line is too long");
	ck_assert_ptr_nonnull(config_secret_read("/nonexistent/x", line, sizeof line));
	ck_assert_str_eq(config_secret_read(dir, line, sizeof line), "not a regular file");
	remove_dir();
}
END_TEST

START_TEST(secret_files_in_the_configuration)
{
	struct config cfg;
	const struct source_config *src;
	char err[2048] = "", cred[300];

	make_dir();
	write_file("generic.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
	write_file("zendesk.secret", "first-secret-0123456, second-secret-0123\n");
	write_file("metrics.token", "metrics-0123456789abcdef\n");
	ck_assert_int_eq(load("[server]\nmetrics_token_file = metrics.token\n"
	    "[source.generic]\nsecret_file = generic.secret\n"
	    "[source.zendesk]\nsecret_file = zendesk.secret\n", &cfg, err, sizeof err), 0);
	ck_assert_ptr_nonnull(src = config_source(&cfg, "generic"));
	ck_assert_int_eq(src->nsecrets, 1);
	ck_assert_uint_eq(src->secrets[0].len, 24);
	ck_assert_ptr_nonnull(src = config_source(&cfg, "zendesk"));
	ck_assert_int_eq(src->nsecrets, 2);	/* a rotation list, as inline */
	ck_assert_uint_eq(cfg.metrics_token.len, 24);
	config_free(&cfg);

	/* every problem at once, each naming section and key, no secret shown */
	write_file("bad.secret", "not-whsec-at-all-0123456789\n");
	expect_error("[server]\nmetrics_token_file = nothing-here\n"
	    "[source.generic]\nsecret_file = bad.secret\n"
	    "[source.zendesk]\nsecret_file = missing\n",
	    "[source.generic] secret_file = \"");
	expect_error("[source.zendesk]\nsecret_file = missing\n",
	    "/missing\": No such file or directory");
	expect_error("[server]\nmetrics_token_file = nothing-here\n",
	    "[server] metrics_token_file = \"");
	expect_error("[source.generic]\nsecret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
	    "secret_file = generic.secret\n", "give secret or secret_file, not both");
	expect_error("[server]\nmetrics_token = metrics-0123456789abcdef\n"
	    "metrics_token_file = metrics.token\n", "not both");
	expect_error("[source.generic]\nsecret_file =\n", "[source.generic] secret_file");
	ck_assert_int_eq(load("[source.generic]\nsecret_file = bad.secret\n", &cfg, err,
	    sizeof err), -1);
	ck_assert_ptr_null(strstr(err, "not-whsec"));
	config_free(&cfg);

	/* systemd's credentials directory comes first for relative names */
	snprintf(cred, sizeof cred, "%s/cred", dir);
	ck_assert_int_eq(mkdir(cred, 0700), 0);
	write_file("cred/generic.secret", "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHMtMDEyMzQ1Ng==\n");
	setenv("CREDENTIALS_DIRECTORY", cred, 1);
	ck_assert_int_eq(load("[source.generic]\nsecret_file = generic.secret\n", &cfg, err,
	    sizeof err), 0);
	ck_assert_uint_eq(config_source(&cfg, "generic")->secrets[0].len, 31);
	ck_assert_ptr_nonnull(strstr(config_source(&cfg, "generic")->secret_file, "/cred/"));
	config_free(&cfg);
	remove_dir();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config_secret");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, trusted_proxies_parse);
	tcase_add_test(tc, metrics_token_parses_and_is_never_echoed);
	tcase_add_test(tc, secret_paths);
	tcase_add_test(tc, secret_files_first_line_trimmed);
	tcase_add_test(tc, secret_files_in_the_configuration);
	suite_add_tcase(s, tc);
	return check_run(s);
}
