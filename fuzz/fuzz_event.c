/* fuzz_event.c - owns fuzzing the common event (src/event.c): event_parse
 * on any body, and the RFC 3339 and language parsers it relies on. */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "event_checks.h"
#include "harness.h"

#define FUZZ_NOW ((time_t)1795341600)	/* 2026-11-22T10:00:00Z */
#define YEAR_10000 253402300800LL

static void
check_time(const char *s)
{
	time_t t, again;
	char text[64];

	if (event_parse_time(s, &t) == -1)
		return;
	/* what we print must read back, within the years we accept */
	if ((long long)t < 0 || (long long)t >= YEAR_10000)
		return;
	event_format_time(t, text, sizeof text);
	FUZZ_CHECK(event_parse_time(text, &again) == 0);
	FUZZ_CHECK(again == t);
}

static void
check_language(const char *s, int lenient)
{
	char out[8];

	if (event_language(s, out, lenient) == -1)
		return;
	FUZZ_CHECK(memchr(out, '\0', sizeof out) != NULL);
	for (const char *p = out; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 'a' && *p <= 'z');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event ev;
	struct event_error err;
	struct fuzz_fields f;

	if (event_parse((const char *)data, size, FUZZ_NOW, &ev, &err) == EVENT_OK) {
		FUZZ_CHECK(ev.type != EVENT_OTHER);
		fuzz_check_event(&ev);
	} else {
		FUZZ_CHECK(memchr(err.field, '\0', sizeof err.field) != NULL);
		FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
	}

	if (size > 256 || fuzz_fields_split(&f, data, size) == -1)
		return 0;
	check_time(f.field[0]);
	check_language(f.field[0], 0);
	check_language(f.field[0], 1);
	fuzz_fields_free(&f);
	return 0;
}
