/* check_config.c - durations, strict numbers, and configuration errors
 * that name the section and the key. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check_run.h"

/* Loads text as a config file; returns config_load's result. */
static int
load_text(const char *text, struct config *cfg, char *err, size_t errlen)
{
	char path[] = "/tmp/check_config_XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	config_defaults(cfg);
	rc = config_load(cfg, path, err, errlen);
	unlink(path);
	return rc;
}

static void
expect_error(const char *text, const char *needle)
{
	struct config cfg;
	char err[512] = "";

	ck_assert_int_eq(load_text(text, &cfg, err, sizeof err), -1);
	ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err, needle);
	config_free(&cfg);
}

START_TEST(durations)
{
	long long v;

	ck_assert_int_eq(config_parse_duration("90s", &v), 0);
	ck_assert_int_eq(v, 90);
	ck_assert_int_eq(config_parse_duration("30m", &v), 0);
	ck_assert_int_eq(v, 1800);
	ck_assert_int_eq(config_parse_duration("12h", &v), 0);
	ck_assert_int_eq(v, 43200);
	ck_assert_int_eq(config_parse_duration("14d", &v), 0);
	ck_assert_int_eq(v, 1209600);
	ck_assert_int_eq(config_parse_duration("0", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(config_parse_duration("0s", &v), 0);
	ck_assert_int_eq(config_parse_duration("", &v), -1);
	ck_assert_int_eq(config_parse_duration("15", &v), -1);
	ck_assert_int_eq(config_parse_duration("d", &v), -1);
	ck_assert_int_eq(config_parse_duration("-5m", &v), -1);
	ck_assert_int_eq(config_parse_duration("5 m", &v), -1);
	ck_assert_int_eq(config_parse_duration("5w", &v), -1);
	ck_assert_int_eq(config_parse_duration("1.5h", &v), -1);
	ck_assert_int_eq(config_parse_duration("99999999999999999999d", &v), -1);
	ck_assert_int_eq(config_parse_duration("3651d", &v), -1);
}
END_TEST

START_TEST(numbers)
{
	long long v;

	ck_assert_int_eq(config_parse_number("4", 1, 64, &v), 0);
	ck_assert_int_eq(v, 4);
	ck_assert_int_eq(config_parse_number("0", 1, 64, &v), -1);
	ck_assert_int_eq(config_parse_number("65", 1, 64, &v), -1);
	ck_assert_int_eq(config_parse_number("4x", 1, 64, &v), -1);
	ck_assert_int_eq(config_parse_number(" 4", 1, 64, &v), -1);
	ck_assert_int_eq(config_parse_number("+4", 1, 64, &v), -1);
	ck_assert_int_eq(config_parse_number("", 1, 64, &v), -1);
	ck_assert_int_eq(config_parse_number("9223372036854775808", 0, 9223372036854775807LL,
	    &v), -1);
}
END_TEST

START_TEST(defaults_match_the_spec)
{
	struct config cfg;

	config_defaults(&cfg);
	ck_assert_str_eq(cfg.listen_host, "127.0.0.1");
	ck_assert_uint_eq(cfg.listen_port, 8080);
	ck_assert_str_eq(cfg.public_url, "http://localhost:8080");
	ck_assert_int_eq(cfg.threads, 4);
	ck_assert_int_eq(cfg.max_body, 1048576);
	ck_assert_str_eq(cfg.db_path, "var/npsd.db");
	ck_assert_int_eq(cfg.synchronous, 2);
	ck_assert_int_eq(cfg.transport, TRANSPORT_MAILDIR);
	ck_assert_str_eq(cfg.transport_target, "var/mail");
	ck_assert_int_eq(cfg.starttls_required, 1);
	ck_assert_str_eq(cfg.from_address, "servicedesk@example.org");
	ck_assert_int_eq(cfg.max_attempts, 8);
	ck_assert_int_eq(cfg.smtp_timeout, 600);
	ck_assert_int_eq(cfg.stop_grace, 5);
	ck_assert_int_eq(cfg.delay, 1800);
	ck_assert_int_eq(cfg.expire, 14 * 86400);
	ck_assert_str_eq(cfg.default_language, "en");
	ck_assert_int_eq(cfg.nsources, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(a_full_file_loads)
{
	struct config cfg;
	char err[512] = "";

	ck_assert_int_eq(load_text(
	    "[server]\nlisten = 0.0.0.0:0\npublic_url = https://nps.example.org/\nthreads = 8\n"
	    "max_body = 65536\n"
	    "[database]\npath = /var/lib/npsd/npsd.db\nsynchronous = normal\n"
	    "[mail]\ntransport = smtp://relay.example.org:587\nfrom = \"Help, Desk\" <help@example.org>\n"
	    "max_attempts = 3\nretry_min = 10s\n"
	    "[survey]\ndelay = 0\nexpire = 7d\ndefault_language = nl\n"
	    "[source.generic]\nsecret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, "
	    "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=\n", &cfg, err, sizeof err), 0);
	ck_assert_uint_eq(cfg.listen_port, 0);
	ck_assert_str_eq(cfg.public_url, "https://nps.example.org");
	ck_assert_int_eq(cfg.synchronous, 1);
	ck_assert_int_eq(cfg.transport, TRANSPORT_SMTP);
	ck_assert_str_eq(cfg.from_address, "help@example.org");
	ck_assert_str_eq(cfg.from_name, "\"Help, Desk\"");
	ck_assert_int_eq(cfg.delay, 0);
	ck_assert_int_eq(cfg.nsources, 1);
	ck_assert_int_eq(cfg.sources[0].nsecrets, 2);
	config_free(&cfg);
}
END_TEST

START_TEST(smtp_timeout_and_stop_grace)
{
	struct config cfg;
	char err[512] = "";

	ck_assert_int_eq(load_text("[mail]\ntimeout = 1s\nstop_grace = 0\n", &cfg, err,
	    sizeof err), 0);
	ck_assert_int_eq(cfg.smtp_timeout, 1);
	ck_assert_int_eq(cfg.stop_grace, 0);
	config_free(&cfg);
	ck_assert_int_eq(load_text("[mail]\ntimeout = 1h\nstop_grace = 25s\n", &cfg, err,
	    sizeof err), 0);
	ck_assert_int_eq(cfg.smtp_timeout, 3600);
	ck_assert_int_eq(cfg.stop_grace, 25);
	config_free(&cfg);
	expect_error("[mail]\ntimeout = 0\n", "[mail] timeout");
	expect_error("[mail]\ntimeout = 61m\n", "[mail] timeout");
	expect_error("[mail]\ntimeout = 10\n", "[mail] timeout");
	expect_error("[mail]\nstop_grace = 26s\n", "[mail] stop_grace");
	expect_error("[mail]\nstop_grace = soon\n", "[mail] stop_grace");
}
END_TEST

START_TEST(errors_name_section_and_key)
{
	expect_error("[server]\nthreads = many\n", "[server] threads");
	expect_error("[server]\nthreads = 0\n", "[server] threads");
	expect_error("[server]\nlisten = localhost\n", "[server] listen");
	expect_error("[server]\nlisten = 127.0.0.1:70000\n", "[server] listen");
	expect_error("[server]\npublic_url = ftp://x\n", "[server] public_url");
	expect_error("[server]\nmax_body = 10\n", "[server] max_body");
	expect_error("[server]\nbogus = 1\n", "[server] bogus");
	expect_error("[database]\nsynchronous = always\n", "[database] synchronous");
	expect_error("[mail]\ntransport = mbox:/tmp\n", "[mail] transport");
	expect_error("[mail]\nstarttls = maybe\n", "[mail] starttls");
	expect_error("[mail]\nfrom = Name <not an address>\n", "[mail] from");
	expect_error("[mail]\nmax_attempts = 0\n", "[mail] max_attempts");
	expect_error("[survey]\ndelay = 30 minutes\n", "[survey] delay");
	expect_error("[survey]\nexpire = 0\n", "[survey] expire");
	expect_error("[survey]\nsample = 101\n", "[survey] sample");
	expect_error("[survey]\ndefault_language = fr\n", "[survey] default_language");
	expect_error("[survey]\nresurvey_after_reopen = perhaps\n",
	    "[survey] resurvey_after_reopen");
	expect_error("[source.generic]\nsecret = whsec_short\n", "[source.generic] secret");
	expect_error("[source.nosuch]\nsecret = x\n", "[source.nosuch] secret");
	expect_error("[source.zendesk]\nsecret = short\n", "[source.zendesk] secret");
	expect_error("[source.zendesk]\nteam_field = x\n", "[source.zendesk] team_field");
	expect_error("[source.jira]\ntolerance = 5m\n", "[source.jira] tolerance");
	expect_error("[source.glpi]\ntolerance = 2d\n", "[source.glpi] tolerance");
	expect_error("[source.generic]\nclose_statuses = x\n", "[source.generic] close_statuses");
	expect_error("[nosuch]\nkey = 1\n", "[nosuch]");
	expect_error("[retention]\npersonal_data = forever\n", "[retention] personal_data");
	expect_error("[alerts]\ndetractors = sometimes\n", "[alerts] detractors");
	expect_error("[mail]\ntransport = smtp://relay.example.org:25\nstarttls = none\n",
	    "[mail] starttls");
	expect_error("[mail]\ntransport = smtp://127.example.org:25\nstarttls = none\n",
	    "[mail] starttls");
	expect_error("this is not ini\n", "line 1");
}
END_TEST

START_TEST(secrets_never_appear_in_errors)
{
	struct config cfg;
	char err[512] = "";

	ck_assert_int_eq(load_text("[source.generic]\nsecret = whsec_TOPSECRETVALUE\n", &cfg, err,
	    sizeof err), -1);
	ck_assert_ptr_null(strstr(err, "TOPSECRET"));
	config_free(&cfg);
}
END_TEST

START_TEST(missing_file)
{
	struct config cfg;
	char err[512] = "";

	config_defaults(&cfg);
	ck_assert_int_eq(config_load(&cfg, "/nonexistent/npsd.conf", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/npsd.conf"));
	config_free(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, durations);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, defaults_match_the_spec);
	tcase_add_test(tc, a_full_file_loads);
	tcase_add_test(tc, smtp_timeout_and_stop_grace);
	tcase_add_test(tc, errors_name_section_and_key);
	tcase_add_test(tc, secrets_never_appear_in_errors);
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return check_run(s);
}
