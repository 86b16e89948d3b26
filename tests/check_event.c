/* check_event.c - common event validation: required fields, types,
 * sizes, control characters, dates, languages, the rule for close times. */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "check_run.h"

#define NOW 1795000000

static const char *valid =
    "{\"type\":\"ticket.closed\","
    "\"ticket\":{\"id\":\"INC-1042\",\"subject\":\"Printer on 3rd floor jams\","
    "\"category\":\"Hardware\",\"closed_at\":\"2026-11-20T10:00:00Z\"},"
    "\"requester\":{\"email\":\"jan@example.net\",\"name\":\"Jan de Vries\",\"language\":\"nl\"},"
    "\"agent\":{\"id\":\"piet\",\"email\":\"piet@example.org\",\"name\":\"Piet Jansen\","
    "\"self_score\":8},"
    "\"team\":{\"id\":\"servicedesk\",\"name\":\"Servicedesk\"}}";

static enum event_status
parse(const char *body, struct event *ev, struct event_error *err)
{
	return event_parse(body, strlen(body), NOW, ev, err);
}

/* Expects a 422 naming field. */
static void
expect_field(const char *body, const char *field)
{
	struct event ev;
	struct event_error err;

	ck_assert_int_eq(parse(body, &ev, &err), EVENT_INVALID_FIELD);
	ck_assert_str_eq(err.field, field);
	ck_assert_uint_gt(strlen(err.message), 0);
}

START_TEST(spec_example_parses)
{
	struct event ev;
	struct event_error err;

	ck_assert_int_eq(parse(valid, &ev, &err), EVENT_OK);
	ck_assert_int_eq(ev.type, EVENT_CLOSED);
	ck_assert_str_eq(ev.ticket_id, "INC-1042");
	ck_assert_str_eq(ev.subject, "Printer on 3rd floor jams");
	ck_assert_str_eq(ev.category, "Hardware");
	ck_assert_int_eq(ev.closed_at, 1795168800);
	ck_assert_str_eq(ev.requester_email, "jan@example.net");
	ck_assert_str_eq(ev.requester_name, "Jan de Vries");
	ck_assert_str_eq(ev.language, "nl");
	ck_assert_str_eq(ev.agent_id, "piet");
	ck_assert_int_eq(ev.self_score, 8);
	ck_assert_str_eq(ev.team_id, "servicedesk");
	ck_assert_str_eq(ev.team_name, "Servicedesk");
}
END_TEST

START_TEST(minimal_close_and_reopen)
{
	struct event ev;
	struct event_error err;

	ck_assert_int_eq(parse("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":42},"
	    "\"requester\":{\"email\":\"a@b.example\"},\"agent\":{\"email\":\"c@d.example\"}}",
	    &ev, &err), EVENT_OK);
	ck_assert_str_eq(ev.ticket_id, "42");
	ck_assert_int_eq(ev.closed_at, NOW);
	ck_assert_int_eq(ev.self_score, -1);
	ck_assert_str_eq(ev.team_id, "");
	ck_assert_int_eq(parse("{\"type\":\"ticket.reopened\",\"ticket\":{\"id\":\"X\"}}", &ev,
	    &err), EVENT_OK);
	ck_assert_int_eq(ev.type, EVENT_REOPENED);
}
END_TEST

START_TEST(invalid_json_says_where)
{
	struct event ev;
	struct event_error err;

	ck_assert_int_eq(parse("{\"type\":", &ev, &err), EVENT_INVALID_JSON);
	ck_assert_ptr_nonnull(strstr(err.message, "line 1"));
	ck_assert_int_eq(parse("[1,2]", &ev, &err), EVENT_INVALID_JSON);
	ck_assert_int_eq(parse("", &ev, &err), EVENT_INVALID_JSON);
	/* invalid UTF-8 */
	ck_assert_int_eq(parse("{\"type\":\"ticket.closed\xff\"}", &ev, &err),
	    EVENT_INVALID_JSON);
	/* duplicate keys are ambiguous */
	ck_assert_int_eq(parse("{\"type\":\"ticket.closed\",\"type\":\"ticket.reopened\"}", &ev,
	    &err), EVENT_INVALID_JSON);
	/* NUL inside a string */
	ck_assert_int_eq(parse("{\"type\":\"ticket.closed\\u0000\"}", &ev, &err),
	    EVENT_INVALID_JSON);
}
END_TEST

START_TEST(required_fields_are_named)
{
	expect_field("{}", "type");
	expect_field("{\"type\":\"ticket.updated\"}", "type");
	expect_field("{\"type\":\"ticket.closed\"}", "ticket.id");
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"\"}}", "ticket.id");
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"}}", "requester.email");
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"},"
	    "\"requester\":{\"email\":\"a@b.example\"}}", "agent.id");
}
END_TEST

START_TEST(wrong_types_and_values_are_named)
{
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":\"INC-1\"}", "ticket");
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":[1]}}", "ticket.id");
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"},"
	    "\"requester\":{\"email\":\"not-an-address\"},\"agent\":{\"id\":\"x\"}}",
	    "requester.email");
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\","
	    "\"closed_at\":\"2026-02-30T10:00:00Z\"},\"requester\":{\"email\":\"a@b.example\"},"
	    "\"agent\":{\"id\":\"x\"}}", "ticket.closed_at");
}
END_TEST

/* Parses body, which must be OK, into ev. */
static void
parse_ok(const char *body, struct event *ev)
{
	struct event_error err;

	ck_assert_int_eq(parse(body, ev, &err), EVENT_OK);
}

START_TEST(header_injection_is_impossible)
{
	struct event ev;

	/* display text keeps the words, never the line break */
	parse_ok("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\","
	    "\"subject\":\"Hi\\r\\nBcc: victim@example.com\"},"
	    "\"requester\":{\"email\":\"a@b.example\",\"name\":\"Eve\\nBcc: x@y.example\"},"
	    "\"agent\":{\"id\":\"x\",\"name\":\"P\\r\"}}", &ev);
	ck_assert_str_eq(ev.subject, "Hi Bcc: victim@example.com");
	ck_assert_str_eq(ev.requester_name, "Eve Bcc: x@y.example");
	ck_assert_str_eq(ev.agent_name, "P");
	/* an address is not display text: refused */
	expect_field("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"},"
	    "\"requester\":{\"email\":\"a@b.example\\r\\nBcc: x@y.example\"},"
	    "\"agent\":{\"id\":\"x\"}}", "requester.email");
}
END_TEST

START_TEST(oversized_text_is_cut)
{
	char body[2048], big[600];
	struct event ev;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[NPSD_MAX_FIELD - 1] = '\xc3';	/* a two-byte character across the limit */
	big[NPSD_MAX_FIELD] = '\xa9';
	snprintf(body, sizeof body, "{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\","
	    "\"subject\":\"%s\"},\"requester\":{\"email\":\"a@b.example\"},"
	    "\"agent\":{\"id\":\"x\"}}", big);
	parse_ok(body, &ev);
	ck_assert_uint_eq(strlen(ev.subject), NPSD_MAX_FIELD - 1);
	ck_assert_ptr_nonnull(strstr(ev.dropped, "ticket.subject"));
}
END_TEST

/* Optional parts (SPEC: agent address, team, category, language,
 * self_score) never refuse the event: dropped and named in ev.dropped. */
START_TEST(optional_parts_are_dropped)
{
	struct event ev;

	parse_ok("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\",\"category\":[1]},"
	    "\"requester\":{\"email\":\"a@b.example\",\"language\":\"Nederlands\"},"
	    "\"agent\":{\"id\":\"x\",\"email\":\"root@\",\"self_score\":11},"
	    "\"team\":\"Servicedesk\"}", &ev);
	ck_assert_str_eq(ev.language, "nl");
	ck_assert_str_eq(ev.agent_id, "x");
	ck_assert_str_eq(ev.agent_email, "");
	ck_assert_int_eq(ev.self_score, -1);
	ck_assert_str_eq(ev.category, "");
	ck_assert_str_eq(ev.team_id, "");
	ck_assert_ptr_nonnull(strstr(ev.dropped, "agent.email"));
	ck_assert_ptr_nonnull(strstr(ev.dropped, "agent.self_score"));
	ck_assert_ptr_nonnull(strstr(ev.dropped, "ticket.category"));
	ck_assert_ptr_nonnull(strstr(ev.dropped, "team"));
	ck_assert_ptr_null(strchr(ev.dropped, '@'));	/* never a value */
	ck_assert_ptr_null(ev.unsurveyable);
	parse_ok("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"},"
	    "\"requester\":{\"email\":\"a@b.example\",\"language\":\"Dutch\"},"
	    "\"agent\":{\"id\":\"x\"},\"team\":{\"name\":\"Servicedesk\"}}", &ev);
	ck_assert_str_eq(ev.language, "nl");
	ck_assert_str_eq(ev.team_id, "Servicedesk");
	ck_assert_str_eq(ev.dropped, "");
	parse_ok("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"},"
	    "\"requester\":{\"email\":\"a@b.example\",\"language\":\"Klingon\"},"
	    "\"agent\":{\"id\":\"x\"}}", &ev);
	ck_assert_str_eq(ev.language, "");	/* the default language */
}
END_TEST

/* The adapters' helpers for a close's requester: absent, empty or not an
 * address makes it no_address, naming the field, never the value. */
START_TEST(requester_address_or_no_address)
{
	struct event ev;
	struct event_error err;
	json_t *root;

	root = event_load("{\"r\":{\"e\":\"root@\",\"ok\":\"Jan@Example.net\",\"n\":\"\"}}",
	    strlen("{\"r\":{\"e\":\"root@\",\"ok\":\"Jan@Example.net\",\"n\":\"\"}}"), &ev, &err);
	ck_assert_ptr_nonnull(root);
	event_requester_email(root, "r.ok", &ev);
	ck_assert_ptr_null(ev.unsurveyable);
	ck_assert_str_eq(ev.requester_email, "Jan@Example.net");
	event_requester_email(root, "r.e", &ev);
	ck_assert_str_eq(ev.unsurveyable, "no_address");
	ck_assert_str_eq(ev.requester_email, "");
	ck_assert_str_eq(ev.unsurveyable_detail, "r.e is not a valid e-mail address");
	event_requester_email(root, "r.n", &ev);
	ck_assert_str_eq(ev.unsurveyable_detail, "r.n is empty");
	event_requester_email(root, "r.missing", &ev);
	ck_assert_str_eq(ev.unsurveyable_detail, "r.missing is absent");
	json_decref(root);
}
END_TEST

START_TEST(languages_and_times)
{
	struct event ev;
	struct event_error err;
	time_t t;

	ck_assert_int_eq(parse("{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"1\"},"
	    "\"requester\":{\"email\":\"a@b.example\",\"language\":\"nl-BE\"},"
	    "\"agent\":{\"id\":\"x\"}}", &ev, &err), EVENT_OK);
	ck_assert_str_eq(ev.language, "nl");
	ck_assert_int_eq(event_parse_time("2026-11-20T11:00:00+01:00", &t), 0);
	ck_assert_int_eq(t, 1795168800);
	ck_assert_int_eq(event_parse_time("2026-11-20T10:00:00.123Z", &t), 0);
	ck_assert_int_eq(t, 1795168800);
	ck_assert_int_eq(event_parse_time("2024-02-29T00:00:00Z", &t), 0);
	ck_assert_int_eq(event_parse_time("2023-02-29T00:00:00Z", &t), -1);
	ck_assert_int_eq(event_parse_time("2026-11-20 10:00", &t), -1);
	ck_assert_int_eq(event_parse_time("2026-11-20T10:00:00", &t), -1);
	ck_assert_int_eq(event_parse_time("2026-11-20T25:00:00Z", &t), -1);
}
END_TEST

START_TEST(close_times_are_kept_clamped_or_stale)
{
	const long long expire = 14 * 86400;
	time_t t;

	/* inside the clock skew: kept as sent */
	t = NOW + NPSD_CLOCK_SKEW;
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_OK);
	ck_assert_int_eq(t, NOW + NPSD_CLOCK_SKEW);
	t = NOW - 3600;
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_OK);
	ck_assert_int_eq(t, NOW - 3600);
	/* further ahead: the time received */
	t = NOW + NPSD_CLOCK_SKEW + 1;
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_CLAMPED);
	ck_assert_int_eq(t, NOW);
	ck_assert_int_eq(event_parse_time("2099-01-01T00:00:00Z", &t), 0);
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_CLAMPED);
	ck_assert_int_eq(t, NOW);
	ck_assert_int_eq(event_parse_time("9999-12-31T23:59:59Z", &t), 0);
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_CLAMPED);
	ck_assert_int_eq(t, NOW);
	/* exactly expire old is still surveyed; a second more is stale */
	t = NOW - expire;
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_OK);
	t = NOW - expire - 1;
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_STALE);
	ck_assert_int_eq(t, NOW - expire - 1);
	ck_assert_int_eq(event_parse_time("1970-01-01T00:00:00Z", &t), 0);
	ck_assert_int_eq(event_check_closed_at(&t, NOW, expire), EVENT_TIME_STALE);
	/* no expire: nothing is stale */
	t = 0;
	ck_assert_int_eq(event_check_closed_at(&t, NOW, 0), EVENT_TIME_OK);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, spec_example_parses);
	tcase_add_test(tc, minimal_close_and_reopen);
	tcase_add_test(tc, invalid_json_says_where);
	tcase_add_test(tc, required_fields_are_named);
	tcase_add_test(tc, wrong_types_and_values_are_named);
	tcase_add_test(tc, header_injection_is_impossible);
	tcase_add_test(tc, optional_parts_are_dropped);
	tcase_add_test(tc, requester_address_or_no_address);
	tcase_add_test(tc, oversized_text_is_cut);
	tcase_add_test(tc, languages_and_times);
	tcase_add_test(tc, close_times_are_kept_clamped_or_stale);
	suite_add_tcase(s, tc);
	return check_run(s);
}
