/* check_template.c - template substitution, HTML escaping, validation of
 * the shipped templates, and the composed survey mail. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "survey_mail.h"
#include "template.h"
#include "check_run.h"

static const char *
templates_dir(void)
{
	static char path[4096];
	const char *top = getenv("TOP_SRCDIR");

	snprintf(path, sizeof path, "%s/etc/templates", top ? top : "..");
	return path;
}

START_TEST(expand_and_escape)
{
	const struct template_var vars[] = { { "ticket_id", "<b>&\"'" }, { "agent_name", "Piet" } };
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(template_expand("T {{ticket_id}} by {{agent_name}}.", 1, vars, 2, &b), 0);
	ck_assert_str_eq(b.data, "T &lt;b&gt;&amp;&quot;&#39; by Piet.");
	buf_reset(&b);
	ck_assert_int_eq(template_expand("T {{ticket_id}}", 0, vars, 2, &b), 0);
	ck_assert_str_eq(b.data, "T <b>&\"'");
	buf_free(&b);
}
END_TEST

START_TEST(output_is_bounded)
{
	const struct template_var vars[] = { { "ticket_id", "0123456789" } };
	struct buf b;

	buf_init(&b, 16);
	ck_assert_int_eq(template_expand("{{ticket_id}}{{ticket_id}}", 0, vars, 1, &b), -1);
	buf_free(&b);
}
END_TEST

START_TEST(shipped_templates_load)
{
	char err[512] = "";

	ck_assert_msg(templates_load(templates_dir(), err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(template_language("nl", "en"), "nl");
	ck_assert_str_eq(template_language("fr", "nl"), "nl");
	ck_assert_str_eq(template_language("", "en"), "en");
	templates_free();
}
END_TEST

START_TEST(missing_directory_is_an_error)
{
	char err[512] = "";

	ck_assert_int_eq(templates_load("/nonexistent", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/en/"));
}
END_TEST

START_TEST(survey_mail_in_both_languages)
{
	struct config cfg;
	struct survey_mail s = { "svy_1", "INC-1042", "Printer jams", "jan@example.net",
		"Jan de Vries", "nl", "Piet Jansen", "Servicedesk", 0 };
	char err[512], id[256], url[128];
	struct buf b;

	config_defaults(&cfg);
	ck_assert_int_eq(templates_load(templates_dir(), err, sizeof err), 0);
	buf_init(&b, 256 * 1024);
	ck_assert_int_eq(survey_mail_compose(&cfg, &s, "AAAAAAAAAAAAAAAAAAAAAA", 1795168800, id,
	    sizeof id, &b), 0);
	ck_assert_str_eq(id, "svy_1.survey@example.org");
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Language: nl"));
	ck_assert_ptr_nonnull(strstr(b.data, "Subject: Hoe hebben we het gedaan?"));
	/* eleven links in each part (QP keeps '=' as =3D) */
	for (int i = 0; i <= 10; i++) {
		snprintf(url, sizeof url, "/s/AAAAAAAAAAAAAAAAAAAAAA?score=3D%d\"", i);
		ck_assert_msg(strstr(b.data, url) != NULL, "html link %d missing", i);
		snprintf(url, sizeof url, "/s/AAAAAAAAAAAAAAAAAAAAAA?score=3D%d\r\n", i);
		ck_assert_msg(strstr(b.data, url) != NULL, "text link %d missing", i);
	}
	ck_assert_ptr_nonnull(strstr(b.data, "Piet Jansen"));
	ck_assert_ptr_nonnull(strstr(b.data, "INC-1042"));
	buf_reset(&b);
	s.reminder = 1;
	ck_assert_int_eq(survey_mail_compose(&cfg, &s, "BBBBBBBBBBBBBBBBBBBBBB", 1795168800, id,
	    sizeof id, &b), 0);
	ck_assert_str_eq(id, "svy_1.reminder@example.org");
	ck_assert_ptr_nonnull(strstr(b.data, "Subject: Herinnering:"));
	ck_assert_ptr_nonnull(strstr(b.data, "/s/BBBBBBBBBBBBBBBBBBBBBB?score=3D10"));
	s.reminder = 0;
	buf_reset(&b);
	s.language = "fr";	/* falls back to default_language */
	ck_assert_int_eq(survey_mail_compose(&cfg, &s, "AAAAAAAAAAAAAAAAAAAAAA", 1795168800, id,
	    sizeof id, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Language: en"));
	buf_free(&b);
	templates_free();
	config_free(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, expand_and_escape);
	tcase_add_test(tc, output_is_bounded);
	tcase_add_test(tc, shipped_templates_load);
	tcase_add_test(tc, missing_directory_is_an_error);
	tcase_add_test(tc, survey_mail_in_both_languages);
	suite_add_tcase(s, tc);
	return check_run(s);
}
