/* main.c - npsd's command line, signals, and the ordered start and stop
 * of its parts: config, database, templates, mailer, intake, HTTP. */
#include "autoconfig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "botcheck.h"
#include "crypto.h"
#include "db.h"
#include "glpi_lookup.h"
#include "http.h"
#include "intake.h"
#include "log.h"
#include "mailer.h"
#include "policy.h"
#include "template.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define EXIT_CONFIG	3

static void
usage(void)
{
	fprintf(stderr, "usage: npsd [-fnv] [-c FILE]\n"
	    "  -c FILE  configuration file (default %s)\n"
	    "  -f       stay in the foreground and log to stderr\n"
	    "  -n       check the configuration, the files it names and the templates,\n"
	    "           then exit\n"
	    "  -v       log more (debug lines)\n", SYSCONFDIR "/npsd.conf");
	exit(EXIT_USAGE);
}

/* Everything -n checks, the same at start-up and on SIGHUP: the file (or
 * the embedded defaults when it is optional and absent), the files and
 * directories it names, then the templates, which become the loaded set
 * only when every check passed. -1 with cfg freed and err set. */
static int
check_all(struct config *cfg, const char *file, int required, char *err, size_t errlen)
{
	const char *origin = file;
	char msg[512];

	config_defaults(cfg);
	if (!required && access(file, F_OK) == -1 && errno == ENOENT)
		origin = "embedded defaults";	/* no file at the default place */
	else if (config_load(cfg, file, msg, sizeof msg) == -1) {
		snprintf(err, errlen, "%s: %s", file, msg);
		goto fail;
	}
	if (config_check_files(cfg, msg, sizeof msg) == -1) {
		snprintf(err, errlen, "%s: %s", origin, msg);
		goto fail;
	}
	if (templates_load(cfg->templates, msg, sizeof msg) == -1) {
		snprintf(err, errlen, "%s: [survey] templates: %s", origin, msg);
		goto fail;
	}
	return 0;
fail:
	config_free(cfg);
	return -1;
}

/* SIGHUP: all or nothing. Secrets (their files re-read), trusted_proxies
 * and templates change only when the new file passes every check of -n;
 * changed keys that need a restart are named and keep their running values. */
static void
reload(struct config *cfg, const char *file, int required)
{
	struct config fresh;
	char err[1024], keys[1024];
	char *swap;

	if (check_all(&fresh, file, required, err, sizeof err) == -1) {
		log_warnx("reload refused, nothing changed: %s", err);
		return;
	}
	if (config_restart_keys(cfg, &fresh, keys, sizeof keys))
		log_warnx("reload: changed, but only a restart applies them (running values "
		    "kept): %s", keys);
	pthread_rwlock_wrlock(&config_reload_lock);
	memcpy(cfg->sources, fresh.sources, sizeof cfg->sources);
	cfg->nsources = fresh.nsources;
	cfg->trusted_proxies = fresh.trusted_proxies;
	cfg->metrics_token = fresh.metrics_token;
	pthread_rwlock_unlock(&config_reload_lock);
	swap = cfg->templates;		/* read by this thread only */
	cfg->templates = fresh.templates;
	fresh.templates = swap;
	log_info("reloaded: %d source%s, %d trusted prox%s, metrics %s, templates from %s",
	    cfg->nsources, cfg->nsources == 1 ? "" : "s", cfg->trusted_proxies.n,
	    cfg->trusted_proxies.n == 1 ? "y" : "ies",
	    cfg->metrics_token.len > 0 ? "behind a token" : "open", cfg->templates);
	config_free(&fresh);
}

/* A committed close may wait for the mailer or for its address. */
static void
wake_workers(void)
{
	mailer_wake();
	glpi_lookup_wake();
}

int
main(int argc, char **argv)
{
	const char *file = SYSCONFDIR "/npsd.conf";
	int explicit_file = 0, file_required, check_only = 0, foreground = 0, ch, sig;
	struct policy policy;
	struct config cfg;
	unsigned port = 0;
	sigset_t signals;
	char err[1024];
	sqlite3 *db;

	while ((ch = getopt(argc, argv, "c:fnvh")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			explicit_file = 1;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check_only = 1;
			break;
		case 'v':
			log_set_verbose(1);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* a file npsd started from stays required: deleting it is no reload */
	file_required = explicit_file || access(file, F_OK) == 0;
	if (check_all(&cfg, file, file_required, err, sizeof err) == -1) {
		fprintf(stderr, "npsd: %s\n", err);
		return EXIT_CONFIG;
	}
	if (check_only) {
		printf("npsd: configuration OK\n");
		templates_free();
		config_free(&cfg);
		return 0;
	}
	if (!foreground && daemon(1, 0) == -1) {
		perror("npsd: daemon");
		return EXIT_RUNTIME;
	}
	log_init("npsd", foreground);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("libcurl cannot be initialised");

	if ((db = db_open(cfg.db_path, cfg.synchronous, 1, err, sizeof err)) == NULL)
		fatalx("[database] path: %s", err);
	if (botcheck_key_load(db) == -1)
		fatalx("[database] path: cannot load or store the form key");
	db_close(db);
	db_thread_setup(cfg.db_path, cfg.synchronous);

	/* Every thread inherits this mask; signals are taken by sigwait only. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (policy_load(&policy, &cfg, err, sizeof err) == -1)
		fatalx("%s", err);
	if (policy.window.zone[0] != '\0') {
		/* before any thread starts: local time is the window's zone */
		setenv("TZ", policy.window.zone, 1);
		tzset();
	}
	if (mailer_start(&cfg) == -1)
		fatalx("[mail] transport: the mailer cannot start");
	if (glpi_lookup_start(&cfg, &policy, mailer_wake) == -1)
		fatalx("[database] path: the GLPI address look-up cannot start");
	if (intake_start(cfg.db_path, cfg.synchronous, &policy, wake_workers) == -1)
		fatalx("[database] path: the intake writer cannot start");
	if (http_start(&cfg, &port) == -1) {
		intake_stop();
		glpi_lookup_stop();
		mailer_stop();
		policy_free(&policy);
		templates_free();
		config_free(&cfg);
		curl_global_cleanup();
		return EXIT_RUNTIME;
	}
	log_info("listening on %s:%u, public_url %s, database %s", cfg.listen_host, port,
	    cfg.public_url, cfg.db_path);

	for (;;) {
		if (sigwait(&signals, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(&cfg, file, file_required);
			continue;
		}
		break;
	}
	log_info("stopping: finishing requests and mail in flight");
	http_quiesce();
	intake_stop();
	http_stop();
	glpi_lookup_stop();
	mailer_stop();
	policy_free(&policy);
	templates_free();
	config_free(&cfg);
	curl_global_cleanup();
	log_info("stopped");
	return 0;
}
