/* check_message.c - the survey message on the wire: headers, RFC 2047,
 * quoted-printable, line limits, and attempts to inject headers. */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "check_run.h"

static struct message_parts
sample(void)
{
	struct message_parts m;

	memset(&m, 0, sizeof m);
	m.from_name = "IT Servicedesk";
	m.from_address = "servicedesk@example.org";
	m.to_name = "Jan de Vries";
	m.to_address = "jan@example.net";
	m.subject = "How did we do? INC-1042";
	m.text = "Hello\nline two\n";
	m.html = "<p>Hello</p>\n";
	m.message_id = "svy_abc.survey@example.org";
	m.unsubscribe_url = "https://nps.example.org/u/AAAAAAAAAAAAAAAAAAAAAA";
	m.language = "en";
	m.date = 1795168800;
	return m;
}

/* Every line ends in CRLF, none is longer than 78 characters, and no
 * bare CR or LF appears anywhere. */
static void
assert_wire_format(const char *msg)
{
	const char *p = msg;

	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");
		ck_assert_msg(eol != NULL, "line without CRLF: %.40s", p);
		ck_assert_msg(eol - p <= 78, "line of %d chars: %.60s", (int)(eol - p), p);
		for (const char *q = p; q < eol; q++)
			ck_assert_msg(*q != '\r' && *q != '\n', "bare CR or LF");
		p = eol + 2;
	}
}

/* The header block: everything before the first empty line. */
static char *
headers_of(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	return strndup(msg, (size_t)(end - msg) + 2);
}

START_TEST(builds_all_required_headers)
{
	struct message_parts m = sample();
	struct buf b;
	char *h;

	buf_init(&b, 65536);
	ck_assert_int_eq(message_build(&m, &b), 0);
	h = headers_of(b.data);
	ck_assert_ptr_nonnull(strstr(h, "Date: Fri, 20 Nov 2026 10:00:00 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "Message-ID: <svy_abc.survey@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "From: IT Servicedesk <servicedesk@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "To: Jan de Vries <jan@example.net>\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "Subject: How did we do? INC-1042\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "MIME-Version: 1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(h,
	    "List-Unsubscribe: <https://nps.example.org/u/AAAAAAAAAAAAAAAAAAAAAA>\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "multipart/alternative"));
	/* text/plain comes before text/html */
	ck_assert(strstr(b.data, "text/plain") < strstr(b.data, "text/html"));
	assert_wire_format(b.data);
	free(h);
	buf_free(&b);
}
END_TEST

/* Mail to staff (the detractor alert): text only, nothing to unsubscribe. */
START_TEST(text_only_for_staff)
{
	struct message_parts m = sample();
	struct buf b;
	char *h;

	m.html = NULL;
	m.unsubscribe_url = NULL;
	buf_init(&b, 65536);
	ck_assert_int_eq(message_build(&m, &b), 0);
	h = headers_of(b.data);
	ck_assert_ptr_nonnull(strstr(h, "Content-Type: text/plain; charset=UTF-8\r\n"));
	ck_assert_ptr_null(strstr(h, "List-Unsubscribe"));
	ck_assert_ptr_null(strstr(b.data, "multipart"));
	ck_assert_ptr_null(strstr(b.data, "text/html"));
	assert_wire_format(b.data);
	free(h);
	buf_free(&b);

	m.subject = "Call back\r\nBcc: everyone@example.net";
	buf_init(&b, 65536);
	ck_assert_int_eq(message_build(&m, &b), -1);
	buf_free(&b);
}
END_TEST

START_TEST(non_ascii_names_are_encoded_words)
{
	struct message_parts m = sample();
	struct buf b;
	char *h;

	m.to_name = "Jöhn Dœ-Ünïcödé";
	m.subject = "Hoe hebben we het gedaan? Uw ticket INC-1042: Printer op de 3e verdieping "
	    "loopt vast — opnieuw ééns gemeld";
	buf_init(&b, 65536);
	ck_assert_int_eq(message_build(&m, &b), 0);
	h = headers_of(b.data);
	ck_assert_ptr_nonnull(strstr(h, "=?UTF-8?B?"));
	ck_assert_ptr_null(strstr(h, "ö"));
	ck_assert_ptr_null(strstr(h, "—"));
	for (const unsigned char *p = (const unsigned char *)h; *p; p++)
		ck_assert_msg(*p < 0x80, "raw 8-bit byte in headers");
	assert_wire_format(b.data);
	free(h);
	buf_free(&b);
}
END_TEST

START_TEST(names_with_specials_are_quoted)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(message_encode_phrase(&b, "de Vries, Jan \"JD\"", 4), 0);
	ck_assert_str_eq(b.data, "\"de Vries, Jan \\\"JD\\\"\"");
	buf_free(&b);
}
END_TEST

START_TEST(header_injection_is_refused)
{
	struct message_parts m = sample();
	struct buf b;

	buf_init(&b, 65536);
	m.subject = "Hi\r\nBcc: victim@example.com";
	ck_assert_int_eq(message_build(&m, &b), -1);
	m = sample();
	buf_reset(&b);
	m.to_name = "Eve\nBcc: victim@example.com";
	ck_assert_int_eq(message_build(&m, &b), -1);
	m = sample();
	buf_reset(&b);
	m.to_address = "jan@example.net>\r\nBcc: <victim@example.com";
	ck_assert_int_eq(message_build(&m, &b), -1);
	m = sample();
	buf_reset(&b);
	m.unsubscribe_url = "https://x.example/u/a>\r\nX: y";
	ck_assert_int_eq(message_build(&m, &b), -1);
	buf_free(&b);
}
END_TEST

START_TEST(long_ascii_subjects_are_folded_not_encoded)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(message_encode_unstructured(&b, "Reminder: how did we do? Your ticket "
	    "INC-1042: Printer on 3rd floor jams again and again", 9), 0);
	ck_assert_ptr_null(strstr(b.data, "=?"));
	ck_assert_ptr_nonnull(strstr(b.data, "\r\n "));
	ck_assert_str_eq(b.data, "Reminder: how did we do? Your ticket INC-1042: Printer on "
	    "3rd floor\r\n jams again and again");
	buf_reset(&b);
	ck_assert_int_eq(message_encode_unstructured(&b, "x "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 9), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "=?UTF-8?B?"));
	buf_free(&b);
}
END_TEST

START_TEST(encoded_word_lookalikes_in_ascii_are_encoded)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(message_encode_unstructured(&b, "=?UTF-8?B?ZXZpbA==?=", 9), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "=?UTF-8?B?PT9VVEYtOD9CP1pYWnBiQT09Pz0=?="));
	buf_free(&b);
}
END_TEST

START_TEST(quoted_printable)
{
	struct buf b;
	char line[300];

	buf_init(&b, 4096);
	ck_assert_int_eq(message_encode_qp(&b, "a=b é\ntrailing \n"), 0);
	ck_assert_str_eq(b.data, "a=3Db =C3=A9\r\ntrailing=20\r\n");
	buf_reset(&b);
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	ck_assert_int_eq(message_encode_qp(&b, line), 0);
	assert_wire_format(b.data);
	ck_assert_ptr_nonnull(strstr(b.data, "=\r\n"));
	buf_free(&b);
}
END_TEST

START_TEST(addresses)
{
	ck_assert_int_eq(message_address_valid("jan@example.net"), 1);
	ck_assert_int_eq(message_address_valid("jan.de-vries+nps@sub.example.net"), 1);
	ck_assert_int_eq(message_address_valid("jan@localhost"), 0);
	ck_assert_int_eq(message_address_valid("jan@@example.net"), 0);
	ck_assert_int_eq(message_address_valid("jan @example.net"), 0);
	ck_assert_int_eq(message_address_valid("<jan@example.net>"), 0);
	ck_assert_int_eq(message_address_valid("jan@example..net"), 0);
	ck_assert_int_eq(message_address_valid("jän@example.net"), 0);
	ck_assert_int_eq(message_address_valid("@example.net"), 0);
	ck_assert_int_eq(message_address_valid("jan@"), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, builds_all_required_headers);
	tcase_add_test(tc, non_ascii_names_are_encoded_words);
	tcase_add_test(tc, text_only_for_staff);
	tcase_add_test(tc, names_with_specials_are_quoted);
	tcase_add_test(tc, header_injection_is_refused);
	tcase_add_test(tc, long_ascii_subjects_are_folded_not_encoded);
	tcase_add_test(tc, encoded_word_lookalikes_in_ascii_are_encoded);
	tcase_add_test(tc, quoted_printable);
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	return check_run(s);
}
