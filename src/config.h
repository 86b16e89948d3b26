/* config.h - the parsed configuration and the strict parsers behind it. */
#ifndef NPSD_CONFIG_H
#define NPSD_CONFIG_H

#include <pthread.h>
#include <stddef.h>

#include "forwarded.h"
#include "limits.h"

enum transport_kind { TRANSPORT_MAILDIR, TRANSPORT_SMTP, TRANSPORT_SMTPS };

struct secret {
	unsigned char	 key[128];
	size_t		 len;
};

/* [source.glpi]: GLPI's REST API, which npsd asks for the requester's
 * address that GLPI's webhook does not carry (glpi_lookup.c). */
struct glpi_api_config {
	char		 api_url[512];		/* no trailing slash */
	char		 user_token_file[1024], app_token_file[1024];
	struct secret	 user_token, app_token;	/* first line of each; len 0 = none */
	long long	 api_timeout;		/* seconds for one API call */
	long long	 lookup_backoff;	/* seconds before the second try; doubles */
	int		 lookup_attempts;	/* tries before no_address */
};

struct source_config {
	char		 name[32];
	struct secret	 secrets[NPSD_MAX_SECRETS];	/* empty: refuse all */
	int		 nsecrets;
	char		 close_statuses[256];	/* comma separated, case-insensitive */
	long long	 tolerance;		/* seconds a signature timestamp may be off */
	char		 team_field[64];	/* jira: custom field naming the team */
	char		 secret_file[1024];	/* resolved once loaded; "" = none */
	int		 secret_inline;		/* a secret line was given */
	struct glpi_api_config glpi;
};

struct config {
	/* [server] */
	char		 listen_host[256];
	unsigned	 listen_port;
	char		*public_url;		/* no trailing slash */
	int		 threads;
	long long	 max_body;
	struct proxy_list trusted_proxies;	/* applied on SIGHUP */
	struct secret	 metrics_token;		/* len 0: /metrics is open */
	char		 metrics_token_file[1024];
	/* [database] */
	char		*db_path;
	int		 synchronous;		/* 0 off, 1 normal, 2 full */
	char		*db_url;		/* postgresql://...; "" for SQLite */
	char		*db_password_file;	/* "" leaves it to libpq */
	/* [mail] */
	enum transport_kind transport;
	char		*transport_target;	/* maildir path or curl URL */
	int		 starttls_required;
	char		*from;			/* as written */
	char		*from_name;		/* display part, may be "" */
	char		*from_address;
	char		*username;
	char		*password_file;
	int		 max_attempts;
	long long	 retry_min;		/* seconds, first backoff */
	long long	 smtp_timeout;		/* seconds to wait for any one SMTP reply */
	long long	 stop_grace;		/* seconds a delivery may finish after SIGTERM */
	/* [survey] */
	long long	 delay, expire, reminder, cooldown;
	int		 max_per_30d, sample, resurvey_after_reopen;
	char		*send_window, *exclude, *exclude_categories, *exclude_teams;
	char		 default_language[8];
	char		*templates;
	/* [source.NAME] */
	struct source_config sources[NPSD_MAX_SOURCES];
	int		 nsources;
	/* [alerts], [retention] */
	int		 alert_detractors;
	long long	 personal_data;
	long long	 staff_data;		/* seconds an agent unseen keeps name and address; 0 = always */
	char		*privacy_notice;	/* the survey mail footer's notice, may be "" */
	char		*privacy_url;		/* and its link, may be "" */
};

/* Held for reading while secrets are used, for writing while SIGHUP
 * replaces them. */
extern pthread_rwlock_t config_reload_lock;

/* Fills cfg with the embedded defaults. */
void	config_defaults(struct config *cfg);
/* Loads FILE over the defaults: lines of up to NPSD_CONFIG_MAX_LINE bytes,
 * every [source.NAME] with a secret line, the patterns compiled; relative
 * paths in the file become relative to the file's own directory. On error
 * returns -1 and writes into err every problem found, one a line, each
 * naming the line, section and key. */
int	config_load(struct config *cfg, const char *file, char *err, size_t errlen);
void	config_free(struct config *cfg);
/* The files and directories cfg names, as the daemon will use them: the
 * database's directory writable, a maildir creatable, the SMTP password
 * file readable; public_url absolute and, when it points at loopback, at
 * the listening port. -1 with every problem in err, one a line, each
 * naming section and key. */
int	config_check_files(const struct config *cfg, char *err, size_t errlen);
/* What the storage layer opens: [database] url when set, else path. */
const char *config_store_target(const struct config *cfg);
/* Hands [database] password_file's password to the PostgreSQL driver;
 * -1 and why in err when it cannot be read. */
int	config_store_password(const struct config *cfg, char *err, size_t errlen);
/* Lists in out, comma separated, the keys that differ between running
 * and fresh and that only a restart applies (all but [source.*] and
 * [survey] templates). Returns 1 when there is any. */
int	config_restart_keys(const struct config *running, const struct config *fresh,
    char *out, size_t outlen);
const struct source_config *config_source(const struct config *, const char *name);
/* [source.glpi]'s API keys (config_glpi.c): 0 when taken, -1 with *why
 * for a bad value, 1 when key is not one of them. */
int	config_glpi_key(struct source_config *, const char *key, const char *value,
    const char **why);
/* After the file: defaults, the required keys, the token files (relative
 * to config_file's directory) read. -1 with a message naming section and
 * key. */
int	config_glpi_finish(struct source_config *, const char *config_file, char *err,
    size_t errlen);
/* A secret file's path (config_secret.c): an absolute name as it is; a
 * relative one in $CREDENTIALS_DIRECTORY when that is set (systemd's
 * LoadCredential=), else in config_file's directory. -1 when too long. */
int	config_secret_path(const char *name, const char *config_file, char *out,
    size_t outlen);
/* The file's first line without surrounding blanks, into line; NULL, or
 * why not (line is then wiped). */
const char *config_secret_read(const char *path, char *line, size_t linelen);
/* After the file: every [source.*] secret_file and the metrics_token_file
 * read. The number of problems, each a line in err naming section and key. */
int	config_secret_files(struct config *cfg, const char *config_file, char *err,
    size_t errlen);
/* [server] metrics_token: 16 to 127 characters, no blanks or controls. */
int	config_parse_token(const char *value, struct secret *out);
/* [source.*] secret: one or more, comma separated (whsec_ for generic). */
int	config_parse_secrets(struct source_config *src, const char *value, const char **why);

/* "90s", "30m", "12h", "14d" or "0" -> seconds. -1 on anything else. */
int	config_parse_duration(const char *s, long long *out);
/* Whole decimal number within [min, max], nothing else. -1 otherwise. */
int	config_parse_number(const char *s, long long min, long long max, long long *out);
int	config_parse_bool(const char *s, int *out);
/* "host:port" or "[v6]:port". */
int	config_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port);
/* "Name <a@b>" or "a@b". Returns -1 on a control character or a
 * malformed address. */
int	config_parse_mailbox(const char *s, char **name, char **address);
/* Standard Webhooks "whsec_<base64>" -> key bytes. */
int	config_parse_whsec(const char *s, struct secret *out);

#endif
