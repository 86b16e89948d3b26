/* check_hooks.c - what the adapters share: status lists, timestamp
 * freshness, HMAC in hex and base64 under several secrets, languages,
 * template bodies whose placeholders were pasted unescaped. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "event.h"
#include "hooks.h"
#include "check_run.h"

static struct source_config src;

static void
setup(void)
{
	const char *keys[] = { "old-secret-0123456789", "npsd-test-secret-0123456789" };

	memset(&src, 0, sizeof src);
	for (int i = 0; i < 2; i++) {
		src.secrets[i].len = strlen(keys[i]);
		memcpy(src.secrets[i].key, keys[i], src.secrets[i].len);
	}
	src.nsecrets = 2;
}

START_TEST(status_lists)
{
	ck_assert_int_eq(hook_status_in("Solved", "solved,closed"), 1);
	ck_assert_int_eq(hook_status_in("CLOSED", "solved, closed"), 1);
	ck_assert_int_eq(hook_status_in("Open", "solved,closed"), 0);
	ck_assert_int_eq(hook_status_in("solve", "solved,closed"), 0);
	ck_assert_int_eq(hook_status_in("5", "5,6,solved,closed"), 1);
	ck_assert_int_eq(hook_status_in("", "solved,closed"), 0);
	ck_assert_int_eq(hook_status_in("closed", ""), 0);
}
END_TEST

START_TEST(timestamps)
{
	ck_assert_int_eq(hook_timestamp_fresh("1795341600", 1795341600 + 299, 300), 1);
	ck_assert_int_eq(hook_timestamp_fresh("1795341600", 1795341600 + 301, 300), 0);
	ck_assert_int_eq(hook_timestamp_fresh("2026-11-22T10:00:00Z", 1795341600 + 10, 300), 1);
	ck_assert_int_eq(hook_timestamp_fresh("2026-11-22T10:00:00Z", 1795341600 + 3601, 3600), 0);
	ck_assert_int_eq(hook_timestamp_fresh("yesterday", 1795341600, 300), 0);
	ck_assert_int_eq(hook_timestamp_fresh("", 1795341600, 300), 0);
	ck_assert_int_eq(hook_timestamp_fresh(NULL, 1795341600, 300), 0);
}
END_TEST

START_TEST(hmac_hex_and_base64)
{
	/* the MAC comes from libcrypto (checked against RFC 2202 below); this
	 * checks the comparison rules: either secret, either case, nothing else */
	unsigned char mac[64];
	char hex[160], b64[100], upper[160];
	int n = crypto_hmac("sha256", "npsd-test-secret-0123456789", 27, "ti", 2, "me", 2, mac);

	ck_assert_int_eq(n, 32);
	crypto_hex(mac, 32, hex);
	crypto_base64_encode(mac, 32, b64);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_HEX, hex, "time", 4, "", 0), 1);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_HEX, hex, "ti", 2, "me", 2), 1);
	for (size_t i = 0; i <= strlen(hex); i++)
		upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32 : hex[i]);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_HEX, upper, "time", 4, "", 0), 1);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_BASE64, b64, "time", 4, "", 0), 1);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_BASE64, hex, "time", 4, "", 0), 0);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_HEX, hex, "timf", 4, "", 0), 0);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha1", HOOK_HEX, hex, "time", 4, "", 0), 0);
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_HEX, NULL, "time", 4, "", 0), 0);
	src.nsecrets = 1;	/* only the old secret: no match */
	ck_assert_int_eq(hook_hmac_matches(&src, "sha256", HOOK_HEX, hex, "time", 4, "", 0), 0);
}
END_TEST

START_TEST(known_sha1_vector)
{
	/* RFC 2202 test case 2: key "Jefe", "what do ya want for nothing?" */
	unsigned char mac[64];
	char hex[160];

	ck_assert_int_eq(crypto_hmac("sha1", "Jefe", 4, "what do ya want ", 16, "for nothing?", 12,
	    mac), 20);
	crypto_hex(mac, 20, hex);
	ck_assert_str_eq(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}
END_TEST

START_TEST(language_names)
{
	char out[8];

	ck_assert_int_eq(event_language("Nederlands", out, 1), 0);
	ck_assert_str_eq(out, "nl");
	ck_assert_int_eq(event_language("English (United States)", out, 1), 0);
	ck_assert_str_eq(out, "en");
	ck_assert_int_eq(event_language("nl_NL", out, 1), 0);
	ck_assert_str_eq(out, "nl");
	ck_assert_int_eq(event_language("Klingon", out, 1), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(event_language("Klingon", out, 0), -1);
}
END_TEST

START_TEST(source_keys)
{
	struct config cfg;
	char err[256];
	char path[] = "/tmp/check_hooks_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("[source.zendesk]\nsecret = npsd-test-secret-0123456789\ntolerance = 10m\n"
	    "[source.jira]\nsecret = a-second-secret-0123456789, another-one-0123456789\n"
	    "team_field = customfield_10050\n[source.glpi]\nsecret = x123456789012345678\n", f);
	fclose(f);
	config_defaults(&cfg);
	ck_assert_msg(config_load(&cfg, path, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(cfg.nsources, 3);
	ck_assert_int_eq(config_source(&cfg, "zendesk")->tolerance, 600);
	ck_assert_str_eq(config_source(&cfg, "zendesk")->close_statuses, "solved,closed");
	ck_assert_int_eq(config_source(&cfg, "jira")->nsecrets, 2);
	ck_assert_str_eq(config_source(&cfg, "jira")->team_field, "customfield_10050");
	ck_assert_int_eq(config_source(&cfg, "glpi")->tolerance, 3600);
	config_free(&cfg);
	unlink(path);
}
END_TEST

/* Reads a template body (strictly, then tolerantly) and returns the
 * subject and requester name it holds, "" when it could not be read. */
static int
template_fields(const char *body, char subject[128], char name[128], struct event *ev)
{
	struct event_error err;
	json_t *root = hook_load_template_body(body, strlen(body), ev, &err);

	subject[0] = name[0] = '\0';
	if (root == NULL)
		return -1;
	event_display_text(root, "ticket.subject", subject, 128, ev);
	event_display_text(root, "requester.name", name, 128, ev);
	json_decref(root);
	return 0;
}

/* contrib/zendesk/body.json.tmpl with its placeholders pasted unescaped */
START_TEST(unescaped_placeholders_are_read)
{
	char subject[128], name[128];
	struct event ev;

	ck_assert_int_eq(template_fields("{\"ticket\":{\"id\":\"1\",\"subject\":\"Printer \"HP\", floor 3\","
	    "\"status\":\"Solved\"},\"requester\":{\"email\":\"a@b.example\",\"name\":\"Jan \"JJ\" "
	    "de Vries\"}}", subject, name, &ev), 0);
	ck_assert_str_eq(subject, "Printer \"HP\", floor 3");
	ck_assert_str_eq(name, "Jan \"JJ\" de Vries");
	ck_assert_ptr_nonnull(strstr(ev.dropped, "read tolerantly"));
	ck_assert_int_eq(template_fields("{\"ticket\":{\"subject\":\"C:\\Users\\jan\\new\","
	    "\"status\":\"Solved\"},\"requester\":{\"name\":\"a\nb\"}}", subject, name, &ev), 0);
	ck_assert_str_eq(subject, "C:\\Users\\jan\\new");
	ck_assert_str_eq(name, "a b");
	ck_assert_int_eq(template_fields("{\"ticket\":{\"subject\":\"line one\r\nline two\"}}",
	    subject, name, &ev), 0);
	ck_assert_str_eq(subject, "line one line two");
	/* escaped bodies are read as they are */
	ck_assert_int_eq(template_fields("{\"ticket\":{\"subject\":\"say \\\"hi\\\"\\n\"}}",
	    subject, name, &ev), 0);
	ck_assert_str_eq(subject, "say \"hi\"");
	ck_assert_str_eq(ev.dropped, "");
	/* not a template's shape at all */
	ck_assert_int_eq(template_fields("Array", subject, name, &ev), -1);
	ck_assert_int_eq(template_fields("{\"ticket\":", subject, name, &ev), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("common");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, status_lists);
	tcase_add_test(tc, timestamps);
	tcase_add_test(tc, hmac_hex_and_base64);
	tcase_add_test(tc, known_sha1_vector);
	tcase_add_test(tc, language_names);
	tcase_add_test(tc, source_keys);
	tcase_add_test(tc, unescaped_placeholders_are_read);
	suite_add_tcase(s, tc);
	return check_run(s);
}
