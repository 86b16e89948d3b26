/* botcheck.c - owns the rules that flag an answer as automated. Link
 * fetches never record answers at all; what remains is a form post that
 * did not come from a form we rendered, or came faster than a person can
 * read and answer. The render time travels in the form, signed with a key
 * kept in the database, so a restart does not invalidate open forms. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "botcheck.h"
#include "crypto.h"
#include "log.h"
#include "store_settings.h"

static unsigned char form_key[32];
static int form_key_loaded;

long long
botcheck_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
botcheck_key_load(struct store *db)
{
	unsigned char fresh[sizeof form_key];

	if (crypto_random_bytes(fresh, sizeof fresh) == -1)
		return -1;
	if (store_setting_get_or_create(db, "form_key", form_key, fresh, sizeof form_key) == -1) {
		crypto_wipe(fresh, sizeof fresh);
		return -1;
	}
	crypto_wipe(fresh, sizeof fresh);
	form_key_loaded = 1;
	return 0;
}

static void
mac_of(long long survey, long long ms, char hex[33])
{
	unsigned char mac[64];
	char msg[64];
	int n = snprintf(msg, sizeof msg, "%lld:%lld", survey, ms);

	crypto_hmac("sha256", form_key, sizeof form_key, msg, (size_t)n, "", 0, mac);
	crypto_hex(mac, 16, hex);
}

void
botcheck_stamp(long long survey, long long now_ms, char out[BOTCHECK_STAMP_LEN])
{
	char hex[33];

	mac_of(survey, now_ms, hex);
	snprintf(out, BOTCHECK_STAMP_LEN, "%lld.%s", now_ms, hex);
}

long long
botcheck_render_time(long long survey, const char *stamp)
{
	char hex[33];
	const char *dot;
	char *end;
	long long ms;

	if (!form_key_loaded || stamp == NULL || (dot = strchr(stamp, '.')) == NULL ||
	    strlen(dot + 1) != 32)
		return -1;
	ms = strtoll(stamp, &end, 10);
	if (end != dot || ms <= 0)
		return -1;
	mac_of(survey, ms, hex);
	return crypto_equal(hex, dot + 1, 32) ? ms : -1;
}

const char *
botcheck_rule(long long render_ms, long long post_ms)
{
	if (render_ms < 0)
		return "no_form";
	if (post_ms - render_ms < BOTCHECK_MIN_ANSWER_MS)
		return "too_fast";
	return NULL;
}

const char *
botcheck_burst_rule(struct store *db, long long survey, long long render_ms)
{
	if (render_ms < 0)
		return NULL;
	return store_page_view_scores(db, survey, render_ms - BOTCHECK_BURST_MS,
	    render_ms + BOTCHECK_BURST_MS) >= BOTCHECK_BURST_SCORES ? "scan_burst" : NULL;
}
