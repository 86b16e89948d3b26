/* log.h - logging to stderr (foreground) or syslog, and fatal exits. */
#ifndef NPSD_LOG_H
#define NPSD_LOG_H

#include <stdarg.h>

void log_init(const char *ident, int foreground);
void log_set_verbose(int verbose);
/* While fd is not -1, warnings and errors are also written to fd. */
void log_set_startup_fd(int fd);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends strerror(errno); log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
