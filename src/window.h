/* window.h - the send window: "08:00-18:00 Mon-Fri Europe/Amsterdam". */
#ifndef NPSD_WINDOW_H
#define NPSD_WINDOW_H

#include <stddef.h>
#include <time.h>

struct send_window {
	int		 enabled;
	int		 start, end;	/* minutes after local midnight, start < end */
	unsigned	 days;		/* bit 0 = Sunday ... bit 6 = Saturday */
	char		 zone[64];	/* "" = the process's time zone */
};

/* Parses "HH:MM-HH:MM[ DAYS][ ZONE]"; "" disables. DAYS: "Mon-Fri",
 * "Sat,Sun", ...; ZONE: a tz database name such as Europe/Amsterdam. */
int	window_parse(const char *, struct send_window *, char *err, size_t errlen);
/* The first moment at or after t inside the window, in local time of the
 * process's time zone (npsd sets TZ to the window's zone at start);
 * daylight-saving changes are honoured through mktime. */
time_t	window_next(const struct send_window *, time_t t);

#endif
