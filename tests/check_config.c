/* check_config.c - durations, strict numbers, configuration errors that
 * name the line, section and key, long lines, the checks of the files a
 * configuration names, and the keys only a restart applies. */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "paths.h"
#include "check_run.h"

/* Loads len bytes as a config file; returns config_load's result. */
static int
load_bytes(const char *text, size_t len, struct config *cfg, char *err, size_t errlen)
{
	char path[] = "/tmp/check_config_XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	config_defaults(cfg);
	rc = config_load(cfg, path, err, errlen);
	unlink(path);
	return rc;
}

static int
load_text(const char *text, struct config *cfg, char *err, size_t errlen)
{
	return load_bytes(text, strlen(text), cfg, err, errlen);
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

START_TEST(relative_paths_follow_the_file)
{
	struct config cfg;
	char err[512] = "";

	ck_assert_msg(load_text("[database]\npath = x/npsd.db\n[mail]\ntransport = maildir:m\n"
	    "password_file = pw\n[survey]\ntemplates = ../t\n", &cfg, err, sizeof err) == 0,
	    "%s", err);
	ck_assert_str_eq(cfg.db_path, "/tmp/x/npsd.db");	/* the file is in /tmp */
	ck_assert_str_eq(cfg.transport_target, "/tmp/m");
	ck_assert_str_eq(cfg.password_file, "/tmp/pw");
	ck_assert_str_eq(cfg.templates, "/tmp/../t");
	config_free(&cfg);
	ck_assert_msg(load_text("[database]\npath = /srv/npsd.db\n[mail]\n"
	    "transport = smtp://127.0.0.1:25\n", &cfg, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(cfg.db_path, "/srv/npsd.db");
	ck_assert_str_eq(cfg.transport_target, "smtp://127.0.0.1:25");
	ck_assert_str_eq(cfg.templates, NPSD_TEMPLATES_DIR);
	config_free(&cfg);
}
END_TEST

START_TEST(every_problem_is_listed)
{
	struct config cfg;
	char err[2048] = "";

	ck_assert_int_eq(load_text("[server]\nthreads = many\nbogus = 1\n[nosuch]\nkey = 1\n"
	    "[survey]\ndelay = soon\nsample = 50\n[source.generic]\n", &cfg, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "line 2: [server] threads") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "\nline 3: [server] bogus") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "\nline 4: [nosuch]: unknown section") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "line 5") == NULL, "keys of an unknown section: %s", err);
	ck_assert_msg(strstr(err, "\nline 7: [survey] delay") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "\n[source.generic] secret: missing") != NULL, "%s", err);
	ck_assert_int_eq(cfg.sample, 50);	/* good lines after bad ones still count */
	config_free(&cfg);
}
END_TEST

START_TEST(public_url_reaches_npsd)
{
	struct config cfg;
	char err[2048] = "";

	config_defaults(&cfg);
	free(cfg.public_url);
	cfg.public_url = strdup("http://localhost:9090");
	ck_assert_int_eq(config_check_files(&cfg, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "[server] public_url = \"http://localhost:9090\": points at "
	    "port 9090") != NULL, "%s", err);
	free(cfg.public_url);
	cfg.public_url = strdup("http://:8080");
	config_check_files(&cfg, err, sizeof err);
	ck_assert_msg(strstr(err, "expected an absolute URL") != NULL, "%s", err);
	free(cfg.public_url);
	cfg.public_url = strdup("https://nps.example.org/survey");	/* behind a proxy */
	config_check_files(&cfg, err, sizeof err);
	ck_assert_msg(strstr(err, "public_url") == NULL, "%s", err);
	free(cfg.public_url);
	cfg.public_url = strdup("http://127.0.0.1:8080");
	config_check_files(&cfg, err, sizeof err);
	ck_assert_msg(strstr(err, "public_url") == NULL, "%s", err);
	config_free(&cfg);
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
	ck_assert_str_eq(cfg.db_path, NPSD_STATE_DIR "/npsd.db");
	ck_assert_int_eq(cfg.synchronous, 2);
	ck_assert_int_eq(cfg.transport, TRANSPORT_MAILDIR);
	ck_assert_str_eq(cfg.transport_target, NPSD_STATE_DIR "/mail");
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
	expect_error("[source.nosuch]\nsecret = x\n", "[source.nosuch]: no such source");
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
	expect_error("[server]\n\n; a comment\nthreads = many\n", "line 4: [server] threads");
	expect_error("[server\nthreads = 4\n", "line 1: not a section");
	expect_error("[server] threads = 4\n", "line 1: not a section");
	expect_error("threads = 4\n[server]\n", "line 1: threads: a key before any [section]");
	expect_error("[server]\n= 4\n", "line 2: not a section");
	expect_error("[nosuch]\n", "line 1: [nosuch]: unknown section");
	expect_error("[source.nosuch]\n", "line 1: [source.nosuch]: no such source");
}
END_TEST

START_TEST(inih_syntax)
{
	struct config cfg;
	char err[512] = "";

	ck_assert_msg(load_text("\xEF\xBB\xBF; npsd\r\n# another comment\r\n"
	    "[server]\r\n  threads : 8 ; inline comment\r\n"
	    "\t[mail]  ; after a section\r\n"
	    "    username =           ; empty, then a comment\r\n"
	    "from=a@example.org ;x\r\n[survey]\r\nexclude_categories=;x\r\n"
	    "[survey]\nexclude = ^x;y@ ; the ; without space before it stays\n"
	    "[source.generic]\nsecret =\n", &cfg, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(cfg.threads, 8);
	ck_assert_str_eq(cfg.username, "");
	ck_assert_str_eq(cfg.from_address, "a@example.org");
	ck_assert_str_eq(cfg.exclude_categories, ";x");
	ck_assert_str_eq(cfg.exclude, "^x;y@");
	ck_assert_int_eq(cfg.nsources, 1);
	ck_assert_int_eq(cfg.sources[0].nsecrets, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(empty_files_and_missing_secrets)
{
	expect_error("", "no section and no key");
	expect_error("; only\n\n# comments\n", "no section and no key");
	/* a file cut off after a source's header drops no source silently */
	expect_error("[source.generic]\n", "[source.generic] secret: missing");
	expect_error("[source.zendesk]\nclose_statuses = solved\n",
	    "[source.zendesk] secret: missing");
}
END_TEST

START_TEST(nul_bytes_are_refused)
{
	struct config cfg;
	char err[512] = "";
	static const char text[] = "[server]\nthreads = 4\0x\n";

	ck_assert_int_eq(load_bytes(text, sizeof text - 1, &cfg, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "line 2: contains a NUL byte") != NULL, "%s", err);
	config_free(&cfg);
}
END_TEST

/* A whsec_ secret of 127 random-looking bytes: 178 characters. */
static void
long_secret(char *out, size_t outlen, int seed)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = snprintf(out, outlen, "whsec_");

	for (int i = 0; i < 168; i++)
		out[n++] = b64[(i * 7 + seed * 13) % 64];
	snprintf(out + n, outlen - n, "Ag==");
}

START_TEST(long_lines_load)
{
	struct config cfg;
	char err[512] = "", secret[200];
	char *text = malloc(NPSD_CONFIG_MAX_LINE + 256);
	size_t n;

	ck_assert_ptr_nonnull(text);
	/* eight rotated secrets on one line */
	n = (size_t)snprintf(text, 256, "[source.generic]\nsecret = ");
	for (int i = 0; i < NPSD_MAX_SECRETS; i++) {
		long_secret(secret, sizeof secret, i);
		n += (size_t)snprintf(text + n, 256, "%s%s", i > 0 ? ", " : "", secret);
	}
	/* thirty-two exclusion patterns of about 130 bytes each */
	n += (size_t)snprintf(text + n, 64, "\n[survey]\nexclude = ");
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(text + n, 256, "%s^(noreply|no-reply|donotreply|"
		    "do-not-reply|mailer-daemon|bounce|bounces|postmaster)[+.-]?[a-z0-9]{0,20}@(mail|smtp|mx)%02d\\.example\\.org$",
		    i > 0 ? ", " : "", i);
	text[n++] = '\n';
	text[n] = '\0';
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof err), 0);
	ck_assert_int_eq(cfg.sources[0].nsecrets, NPSD_MAX_SECRETS);
	ck_assert_uint_eq(cfg.sources[0].secrets[7].len, 127);
	ck_assert_uint_gt(strlen(cfg.exclude), 4000);
	config_free(&cfg);
	free(text);
}
END_TEST

START_TEST(the_line_limit)
{
	struct config cfg;
	char err[512] = "";
	char *text = malloc(NPSD_CONFIG_MAX_LINE + 64);
	size_t n;

	ck_assert_ptr_nonnull(text);
	/* a line of exactly the limit is read */
	n = (size_t)snprintf(text, 64, "[server]\nthreads = 4");
	memset(text + n, ' ', NPSD_CONFIG_MAX_LINE - strlen("threads = 4"));
	n += NPSD_CONFIG_MAX_LINE - strlen("threads = 4");
	memcpy(text + n, "\n", 2);
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof err), 0);
	config_free(&cfg);
	memcpy(text + n, "\r\n", 3);
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof err), 0);
	config_free(&cfg);
	/* one byte more is an error naming the line */
	memcpy(text + n, " \n", 3);
	expect_error(text, "line 2: longer than 65536 bytes");
	/* also on the last line without a line end */
	text[n + 1] = '\0';
	expect_error(text, "line 2: longer than 65536 bytes");
	free(text);
}
END_TEST

START_TEST(list_items_are_bounded)
{
	char text[1024];
	int n = snprintf(text, sizeof text, "[survey]\nexclude_teams = a, ");

	memset(text + n, 'x', 600);
	snprintf(text + n + 600, sizeof text - (size_t)n - 600, "\n");
	expect_error(text, "[survey] exclude_teams: an item is longer than 511 bytes");
	expect_error("[source.generic]\nsecret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,"
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,"
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,"
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,"
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
	    "[source.generic] secret");
}
END_TEST

START_TEST(costly_patterns_are_refused)
{
	struct config cfg;
	char err[512] = "";
	const char *costly[] = {
		"a+++++++++++",			/* 2^11 copies */
		"@+++++++++++++++++++++++example",	/* gigabytes (found by fuzzing) */
		"a{1,1001}",
		"(a{1,100}){1,100}",
		"((x+)+)+(y{2,}){300}z{1,400}",
		"x{2}+{2}+{2}+{2}+{2}+{2}+{2}+{2}+{2}+{2}+",
		"((((((((((((((((((a))))))))))))))))))",	/* 17 groups deep */
	};
	char text[600];

	for (size_t i = 0; i < sizeof costly / sizeof costly[0]; i++) {
		snprintf(text, sizeof text, "[survey]\nexclude = ^ok@, %s\n", costly[i]);
		expect_error(text, "[survey] exclude: ");
		expect_error(text, "too many repetitions");
	}
	/* bounds, brackets and escapes that are fine */
	ck_assert_msg(load_text("[survey]\nexclude = a{1,1000}, [a-z0-9._%+-]{1,64}@"
	    "[a-z0-9.-]{1,185}, (x[^@]{1,10}){1,25}, \\+{3}, []+]{2}, [[:alpha:]+]+, "
	    "a+++++++++, ^(no-?reply|mailer-daemon)@\n", &cfg, err, sizeof err) == 0, "%s",
	    err);
	config_free(&cfg);
	/* categories and teams are names, not patterns */
	ck_assert_int_eq(load_text("[survey]\nexclude_teams = a{1,9999}\n", &cfg, err,
	    sizeof err), 0);
	config_free(&cfg);
}
END_TEST

/* A scratch directory for the file checks; removed by rm -rf. */
static void
scratch(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/check_config_dir_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
expect_files(const struct config *cfg, int want, const char *needle)
{
	char err[512] = "";

	ck_assert_int_eq(config_check_files(cfg, err, sizeof err), want);
	if (needle != NULL)
		ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err,
		    needle);
}

static void
set(char **slot, const char *value)
{
	free(*slot);
	*slot = strdup(value);
	ck_assert_ptr_nonnull(*slot);
}

START_TEST(files_the_daemon_needs)
{
	struct config cfg;
	char dir[64], path[256];

	scratch(dir, sizeof dir);
	config_defaults(&cfg);
	snprintf(path, sizeof path, "%s/npsd.db", dir);
	set(&cfg.db_path, path);
	snprintf(path, sizeof path, "%s/var/spool/mail", dir);
	set(&cfg.transport_target, path);
	expect_files(&cfg, 0, NULL);	/* the maildir's parents can be made */

	snprintf(path, sizeof path, "%s/nowhere/npsd.db", dir);
	set(&cfg.db_path, path);
	expect_files(&cfg, -1, "[database] path");
	snprintf(path, sizeof path, "%s/npsd.db", dir);
	set(&cfg.db_path, path);
	mkdir(path, 0700);
	expect_files(&cfg, -1, "not a regular file");
	rmdir(path);

	snprintf(path, sizeof path, "%s/plain", dir);
	write_file(path, "", 0600);
	snprintf(path, sizeof path, "%s/plain/mail", dir);
	set(&cfg.transport_target, path);
	expect_files(&cfg, -1, "[mail] transport");
	snprintf(path, sizeof path, "%s/plain", dir);
	unlink(path);

	set(&cfg.transport_target, "smtp://127.0.0.1:25");
	cfg.transport = TRANSPORT_SMTP;
	snprintf(path, sizeof path, "%s/password", dir);
	set(&cfg.password_file, path);
	expect_files(&cfg, -1, "[mail] password_file");	/* missing */
	write_file(path, "", 0600);
	expect_files(&cfg, -1, "is empty");
	write_file(path, "s3cret\n", 0600);
	expect_files(&cfg, 0, NULL);
	write_file(path, "s3cret\r\nignored\n", 0600);
	expect_files(&cfg, 0, NULL);
	set(&cfg.password_file, dir);
	expect_files(&cfg, -1, "not a regular file");
	unlink(path);
	config_free(&cfg);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(unreadable_files)
{
	struct config cfg;
	char dir[64], path[256];

	if (geteuid() == 0)	/* root reads and writes everything */
		return;
	scratch(dir, sizeof dir);
	config_defaults(&cfg);
	snprintf(path, sizeof path, "%s/password", dir);
	write_file(path, "s3cret\n", 0000);
	set(&cfg.password_file, path);
	set(&cfg.transport_target, "smtps://mail.example.org");
	cfg.transport = TRANSPORT_SMTPS;
	snprintf(path, sizeof path, "%s/npsd.db", dir);
	set(&cfg.db_path, path);
	expect_files(&cfg, -1, "Permission denied");
	snprintf(path, sizeof path, "%s/ro", dir);
	mkdir(path, 0500);
	snprintf(path, sizeof path, "%s/ro/npsd.db", dir);
	set(&cfg.db_path, path);
	expect_files(&cfg, -1, "[database] path");
	config_free(&cfg);
	snprintf(path, sizeof path, "chmod -R u+rwx '%s' && rm -rf '%s'", dir, dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(keys_only_a_restart_applies)
{
	struct config a, b;
	char out[1024];

	config_defaults(&a);
	config_defaults(&b);
	ck_assert_int_eq(config_restart_keys(&a, &b, out, sizeof out), 0);
	ck_assert_str_eq(out, "");
	b.nsources = 1;			/* sources and templates apply live */
	set(&b.templates, "/elsewhere");
	ck_assert_int_eq(config_restart_keys(&a, &b, out, sizeof out), 0);
	b.delay = 60;
	b.listen_port = 9090;
	b.smtp_timeout = 30;
	set(&b.exclude, "^x@");
	ck_assert_int_eq(config_restart_keys(&a, &b, out, sizeof out), 1);
	ck_assert_str_eq(out, "[server] listen, [mail] timeout, [survey] delay, "
	    "[survey] exclude");
	config_free(&a);
	config_free(&b);
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
	tcase_add_test(tc, inih_syntax);
	tcase_add_test(tc, empty_files_and_missing_secrets);
	tcase_add_test(tc, nul_bytes_are_refused);
	tcase_add_test(tc, long_lines_load);
	tcase_add_test(tc, the_line_limit);
	tcase_add_test(tc, list_items_are_bounded);
	tcase_add_test(tc, costly_patterns_are_refused);
	tcase_add_test(tc, files_the_daemon_needs);
	tcase_add_test(tc, unreadable_files);
	tcase_add_test(tc, keys_only_a_restart_applies);
	tcase_add_test(tc, secrets_never_appear_in_errors);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, relative_paths_follow_the_file);
	tcase_add_test(tc, every_problem_is_listed);
	tcase_add_test(tc, public_url_reaches_npsd);
	suite_add_tcase(s, tc);
	return check_run(s);
}
