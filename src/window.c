/* window.c - owns the send window: parsing it, and finding the next
 * opening for a survey that falls due outside it. Local time comes from
 * localtime_r/mktime, with TZ set to the window's zone once at start-up. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "window.h"

static const char *const day_names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

static int
parse_clock(const char *s, int *minutes)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

static int
day_index(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 3 && strncasecmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* "Mon-Fri", "Sat,Sun", "Fri-Mon" (wrapping) -> bit mask */
static int
parse_days(const char *s, unsigned *mask)
{
	*mask = 0;
	while (*s != '\0') {
		size_t len = strcspn(s, ",-");
		int a = day_index(s, len), b;

		if (a < 0)
			return -1;
		s += len;
		if (*s == '-') {
			s++;
			len = strcspn(s, ",");
			if ((b = day_index(s, len)) < 0)
				return -1;
			s += len;
			for (int d = a;; d = (d + 1) % 7) {
				*mask |= 1u << d;
				if (d == b)
					break;
			}
		} else {
			*mask |= 1u << a;
		}
		if (*s == ',')
			s++;
	}
	return *mask != 0 ? 0 : -1;
}

int
window_parse(const char *spec, struct send_window *w, char *err, size_t errlen)
{
	char copy[160], *word, *save = NULL;
	int n = 0;

	memset(w, 0, sizeof *w);
	w->days = 0x7f;
	if (*spec == '\0')
		return 0;
	if (strlen(spec) >= sizeof copy) {
		snprintf(err, errlen, "too long");
		return -1;
	}
	snprintf(copy, sizeof copy, "%s", spec);
	/* strtok_r on our own copy: words are separated by spaces */
	for (word = strtok_r(copy, " ", &save); word != NULL; word = strtok_r(NULL, " ", &save)) {
		if (n == 0) {
			if (strlen(word) != 11 || word[5] != '-' || parse_clock(word, &w->start) == -1 ||
			    parse_clock(word + 6, &w->end) == -1 || w->start >= w->end) {
				snprintf(err, errlen, "expected HH:MM-HH:MM with the start before the end, "
				    "e.g. 08:00-18:00 Mon-Fri Europe/Amsterdam");
				return -1;
			}
		} else if (strchr(word, '/') != NULL || strcmp(word, "UTC") == 0) {
			char path[256];
			const char *dir = getenv("TZDIR");
			struct stat sb;

			if (strlen(word) >= sizeof w->zone || strstr(word, "..") != NULL) {
				snprintf(err, errlen, "\"%.60s\" is not a time zone", word);
				return -1;
			}
			snprintf(path, sizeof path, "%s/%s", dir ? dir : "/usr/share/zoneinfo", word);
			if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
				snprintf(err, errlen, "\"%.60s\" is not a time zone of the tz database "
				    "(is tzdata installed?)", word);
				return -1;
			}
			snprintf(w->zone, sizeof w->zone, "%s", word);
		} else if (parse_days(word, &w->days) == -1) {
			snprintf(err, errlen, "\"%.40s\" is neither days (Mon-Fri, Sat,Sun) nor a time "
			    "zone (Europe/Amsterdam)", word);
			return -1;
		}
		n++;
	}
	w->enabled = 1;
	return 0;
}

time_t
window_next(const struct send_window *w, time_t t)
{
	struct tm today;

	if (!w->enabled)
		return t;
	localtime_r(&t, &today);
	for (int d = 0; d < 8; d++) {
		struct tm day = today, at;
		time_t start, end;

		day.tm_mday += d;
		day.tm_hour = 12;	/* noon: never inside a daylight-saving jump */
		day.tm_min = day.tm_sec = 0;
		day.tm_isdst = -1;
		if (mktime(&day) == (time_t)-1 || !(w->days & (1u << day.tm_wday)))
			continue;
		at = day;
		at.tm_hour = w->start / 60;
		at.tm_min = w->start % 60;
		at.tm_isdst = -1;
		start = mktime(&at);
		at = day;
		at.tm_hour = w->end / 60;
		at.tm_min = w->end % 60;
		at.tm_isdst = -1;
		end = mktime(&at);
		if (t < end)
			return t > start ? t : start;
	}
	return t;
}
