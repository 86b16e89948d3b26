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
	    "  -n       check the configuration and templates, then exit\n"
	    "  -v       log more (debug lines)\n", SYSCONFDIR "/npsd.conf");
	exit(EXIT_USAGE);
}

static int
load(struct config *cfg, const char *file, int explicit_file)
{
	char err[512];

	config_defaults(cfg);
	if (!explicit_file && access(file, F_OK) == -1 && errno == ENOENT)
		return 0;	/* no file at the default place: embedded defaults */
	if (config_load(cfg, file, err, sizeof err) == -1) {
		fprintf(stderr, "npsd: %s: %s\n", file, err);
		config_free(cfg);
		return -1;
	}
	return 0;
}

static void
reload(struct config *cfg, const char *file)
{
	struct config fresh;
	char err[512];

	config_defaults(&fresh);
	if (config_load(&fresh, file, err, sizeof err) == -1) {
		log_warnx("reload: %s: %s; keeping the running configuration", file, err);
		config_free(&fresh);
		return;
	}
	pthread_rwlock_wrlock(&config_reload_lock);
	memcpy(cfg->sources, fresh.sources, sizeof cfg->sources);
	cfg->nsources = fresh.nsources;
	pthread_rwlock_unlock(&config_reload_lock);
	config_free(&fresh);
	if (templates_load(cfg->templates, err, sizeof err) == -1)
		log_warnx("reload: [survey] templates: %s; keeping the loaded templates", err);
	else
		log_info("reloaded secrets and templates");
}

int
main(int argc, char **argv)
{
	const char *file = SYSCONFDIR "/npsd.conf";
	int explicit_file = 0, check_only = 0, foreground = 0, ch, sig;
	struct policy policy;
	struct config cfg;
	unsigned port = 0;
	sigset_t signals;
	char err[512];
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
	if (load(&cfg, file, explicit_file) == -1)
		return EXIT_CONFIG;
	if (templates_load(cfg.templates, err, sizeof err) == -1) {
		fprintf(stderr, "npsd: [survey] templates: %s\n", err);
		config_free(&cfg);
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
	if (intake_start(cfg.db_path, cfg.synchronous, &policy, mailer_wake) == -1)
		fatalx("[database] path: the intake writer cannot start");
	if (http_start(&cfg, &port) == -1) {
		mailer_stop();
		intake_stop();
		return EXIT_RUNTIME;
	}
	log_info("listening on %s:%u, public_url %s, database %s", cfg.listen_host, port,
	    cfg.public_url, cfg.db_path);

	for (;;) {
		if (sigwait(&signals, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(&cfg, file);
			continue;
		}
		break;
	}
	log_info("stopping: finishing requests and mail in flight");
	http_quiesce();
	intake_stop();
	http_stop();
	mailer_stop();
	policy_free(&policy);
	templates_free();
	config_free(&cfg);
	curl_global_cleanup();
	log_info("stopped");
	return 0;
}
