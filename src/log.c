/* log.c - owns where log lines go: stderr in the foreground, each line
 * starting with its syslog level as "<N>" (journald files it under that
 * level), syslog otherwise; and, while a detaching npsd starts, a copy of
 * every warning and error for the parent that waits to report them.
 * Callers never pass tokens, addresses or comments; see README "Logs". */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_to_stderr = 1;
static int log_verbose;
static const char *log_ident = "npsd";
static int log_startup_fd = -1;

void
log_init(const char *ident, int foreground)
{
	log_ident = ident;
	log_to_stderr = foreground;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_startup_fd(int fd)
{
	log_startup_fd = fd;
}

/* The parent prints these on its stderr; a short write only shortens them. */
static void
log_to_startup(const char *line, const char *suffix)
{
	char out[1200];
	int n;

	if (suffix != NULL)
		n = snprintf(out, sizeof out, "%s: %s: %s\n", log_ident, line, suffix);
	else
		n = snprintf(out, sizeof out, "%s: %s\n", log_ident, line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof out)
		n = sizeof out - 1;
	if (write(log_startup_fd, out, (size_t)n) == -1)
		log_startup_fd = -1;
}

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

static void
log_emit(int priority, const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
	if (log_startup_fd != -1 && priority <= LOG_WARNING)
		log_to_startup(line, suffix);
	if (log_to_stderr) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (suffix != NULL)
			fprintf(stderr, "<%d>%s %s: %s: %s\n", priority, stamp, log_ident, line,
			    suffix);
		else
			fprintf(stderr, "<%d>%s %s: %s\n", priority, stamp, log_ident, line);
		fflush(stderr);
	} else if (suffix != NULL) {
		syslog(priority, "%s: %s", line, suffix);
	} else {
		syslog(priority, "%s", line);
	}
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
