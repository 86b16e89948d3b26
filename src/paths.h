/* paths.h - owns the compiled-in locations: the configuration file, the
 * templates and the state directory (database, default maildir), as
 * configure chose them (Makefile.am passes them with -D). The values here
 * are only for builds outside the Makefile, such as fuzz/fuzz.mk. */
#ifndef NPSD_PATHS_H
#define NPSD_PATHS_H

#ifndef NPSD_CONFIG_FILE
#define NPSD_CONFIG_FILE	"/etc/npsd/npsd.conf"
#endif
#ifndef NPSD_TEMPLATES_DIR
#define NPSD_TEMPLATES_DIR	"/usr/share/npsd/templates"
#endif
#ifndef NPSD_STATE_DIR
#define NPSD_STATE_DIR		"/var/lib/npsd"
#endif

#endif
