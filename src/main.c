/* main.c - npsd's command line, signals, and the ordered start and stop
 * of its parts: config, database, templates, mailer, intake, HTTP; and
 * the daemon's conventions: a parent that returns only once the detached
 * child listens (or with its error), the pid file, the one-instance lock
 * and systemd's readiness notice. */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "botcheck.h"
#include "crypto.h"
#include "store.h"
#include "glpi_lookup.h"
#include "http.h"
#include "instance.h"
#include "intake.h"
#include "log.h"
#include "mailer.h"
#include "paths.h"
#include "policy.h"
#include "sdnotify.h"
#include "template.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define EXIT_CONFIG	3

static void
usage(FILE *out, int code)
{
	fprintf(out, "usage: npsd [-fnvhV] [-c FILE] [-p PIDFILE]\n"
	    "  -c, --config FILE    configuration file (default %s)\n"
	    "  -f, --foreground     stay in the foreground and log to stderr, each line\n"
	    "                       with its syslog level (<3>, <4>, <6>, <7>) for journald\n"
	    "  -n, --check          check the configuration, the files it names and the\n"
	    "                       templates, list every problem, then exit (0 or 3)\n"
	    "  -p, --pidfile FILE   write the daemon's pid to FILE (removed at exit)\n"
	    "  -v, --verbose        log more (debug lines)\n"
	    "  -h, --help           this text\n"
	    "  -V, --version        the version\n"
	    "Without -f npsd detaches, and returns only once it listens: 0, or the\n"
	    "error on stderr and a non-zero status.\n", NPSD_CONFIG_FILE);
	exit(code);
}

/* Appends each line of lines to out, as "prefix: line". */
static void
add_lines(char *out, size_t outlen, const char *prefix, const char *lines)
{
	const char *p = lines;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n"), used = strlen(out);

		if (used + 1 < outlen)
			snprintf(out + used, outlen - used, "%s%s: %.*s", used > 0 ? "\n" : "",
			    prefix, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* Everything -n checks, the same at start-up and on SIGHUP: the file (or
 * the embedded defaults when it is optional and absent), the files and
 * directories it names, then the templates, which become the loaded set
 * only when every check passed. Every problem is listed in err, one a
 * line, so that one run shows them all. -1 with cfg freed. */
static int
check_all(struct config *cfg, const char *file, int required, int reloading, char *err,
    size_t errlen)
{
	const char *origin = file;
	char msg[4096];
	int bad = 0;

	err[0] = '\0';
	config_defaults(cfg);
	if (!required && access(file, F_OK) == -1 && errno == ENOENT)
		origin = "embedded defaults";	/* no file at the default place */
	else if (config_load(cfg, file, msg, sizeof msg) == -1) {
		add_lines(err, errlen, file, msg);
		bad = 1;
	}
	if (config_check_files(cfg, msg, sizeof msg) == -1) {
		add_lines(err, errlen, origin, msg);
		bad = 1;
	}
	/* a refused reload must keep the running templates */
	if ((!bad || !reloading) && templates_load(cfg->templates, msg, sizeof msg) == -1) {
		char prefix[4200];

		snprintf(prefix, sizeof prefix, "%s: [survey] templates", origin);
		add_lines(err, errlen, prefix, msg);
		bad = 1;
	}
	if (!bad)
		return 0;
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
	char err[4096], keys[1024];
	char *swap;

	if (check_all(&fresh, file, required, 1, err, sizeof err) == -1) {
		for (char *p = err; (p = strchr(p, '\n')) != NULL; )
			*p = ';';	/* one log line */
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


/* The parent's half of detaching: it waits until the child reports that
 * it listens (a NUL byte) or ends, prints what the child wrote (its
 * warnings and errors), and returns the status to exit with. */
static int
wait_for_child(int fd, pid_t child)
{
	char buf[4096];
	size_t have = 0;
	ssize_t n;
	int status;

	for (;;) {
		n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		if (buf[have - 1] == '\0')
			break;
		if (have == sizeof buf - 1) {	/* keep the newest text */
			fwrite(buf, 1, have / 2, stderr);
			memmove(buf, buf + have / 2, have - have / 2);
			have -= have / 2;
		}
	}
	close(fd);
	if (have > 0 && buf[have - 1] == '\0') {
		fwrite(buf, 1, have - 1, stderr);
		return 0;
	}
	fwrite(buf, 1, have, stderr);
	while (waitpid(child, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status);
	if (have == 0)
		fprintf(stderr, "npsd: the daemon ended during start-up%s\n",
		    WIFSIGNALED(status) ? " (killed by a signal)" : "");
	return EXIT_RUNTIME;
}

/* Forks. The parent waits for the child's verdict and returns -1 with
 * the status to exit with in *status. The child, in a new session with
 * stdin, stdout and stderr on /dev/null and "/" as working directory,
 * returns the pipe on which to report readiness. */
static int
detach(int *status)
{
	int fds[2], null;
	pid_t pid;

	if (pipe(fds) == -1) {
		perror("npsd: pipe");
		exit(EXIT_RUNTIME);
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		perror("npsd: fork");
		exit(EXIT_RUNTIME);
	}
	if (pid > 0) {
		close(fds[1]);
		*status = wait_for_child(fds[0], pid);
		return -1;
	}
	close(fds[0]);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	if (setsid() == -1 || chdir("/") == -1 || (null = open("/dev/null", O_RDWR)) == -1) {
		perror("npsd: detach");
		exit(EXIT_RUNTIME);
	}
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
	return fds[1];
}

/* Start-up finished: the parent may exit 0. */
static void
report_ready(int *fd)
{
	if (*fd == -1)
		return;
	log_set_startup_fd(-1);
	if (write(*fd, "", 1) != 1)
		log_warn("cannot tell the parent process that npsd is ready");
	close(*fd);
	*fd = -1;
}

static void
write_pidfile(const char *path)
{
	char pid[32];
	int fd, n;

	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1 ||
	    write(fd, pid, (size_t)n) != n || close(fd) == -1)
		fatal("-p %s", path);
}

/* An absolute form of a path given on the command line, taken before the
 * daemon moves to "/" (SIGHUP re-reads the configuration by this name). */
static char *
absolute_path(const char *path)
{
	char *cwd = NULL, *out;
	size_t len;

	if (path[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		out = strdup(path);
	else {
		len = strlen(cwd) + 1 + strlen(path) + 1;
		if ((out = malloc(len)) != NULL)
			snprintf(out, len, "%s/%s", cwd, path);
	}
	free(cwd);
	if (out == NULL) {
		fprintf(stderr, "npsd: out of memory\n");
		exit(EXIT_RUNTIME);
	}
	return out;
}

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "check", no_argument, NULL, 'n' },
	{ "pidfile", required_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A committed close may wait for the mailer or for its address. */
static void
wake_workers(void)
{
	mailer_wake();
	glpi_lookup_wake();
}

/* The last of an ordered stop, once nothing new arrives: the workers
 * that send and look up, then what start-up loaded. */
static void
stop_workers(struct policy *policy, struct config *cfg, char *pidfile, char *config_path)
{
	glpi_lookup_stop();
	mailer_stop();
	policy_free(policy);
	templates_free();
	config_free(cfg);
	curl_global_cleanup();
	if (pidfile != NULL)
		unlink(pidfile);
	free(pidfile);
	free(config_path);
}

int
main(int argc, char **argv)
{
	const char *file = NPSD_CONFIG_FILE, *pidfile_arg = NULL;
	int explicit_file = 0, file_required, check_only = 0, foreground = 0, ch, sig;
	int ready_fd = -1;
	char *config_path, *pidfile = NULL;
	struct policy policy;
	struct config cfg;
	unsigned port = 0;
	sigset_t signals;
	char err[8192];
	struct store *store;

	while ((ch = getopt_long(argc, argv, "c:fnp:vhV", long_options, NULL)) != -1) {
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
		case 'p':
			pidfile_arg = optarg;
			break;
		case 'v':
			log_set_verbose(1);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("npsd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(stderr, EXIT_USAGE);
	config_path = absolute_path(file);
	if (pidfile_arg != NULL)
		pidfile = absolute_path(pidfile_arg);
	/* a file npsd started from stays required: deleting it is no reload */
	file_required = explicit_file || access(config_path, F_OK) == 0;
	if (check_all(&cfg, config_path, file_required, 0, err, sizeof err) == -1) {
		char *line = err, *next;

		for (; line != NULL; line = next) {	/* every problem, one a line */
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			/* under -f these are log lines too, errors for journald */
			fprintf(stderr, "%snpsd: %s\n", foreground && !check_only ? "<3>" : "",
			    line);
		}
		free(config_path);
		free(pidfile);
		return EXIT_CONFIG;
	}
	if (check_only) {
		printf("npsd: configuration OK\n");
		templates_free();
		config_free(&cfg);
		free(config_path);
		free(pidfile);
		return 0;
	}
	if (!foreground) {
		int status = EXIT_RUNTIME;

		if ((ready_fd = detach(&status)) == -1) {	/* the parent */
			templates_free();
			config_free(&cfg);
			free(config_path);
			free(pidfile);
			return status;
		}
		log_set_startup_fd(ready_fd);
	}
	log_init("npsd", foreground);
	/* several npsd may share one PostgreSQL database; a SQLite file has
	 * one */
	if (cfg.db_url[0] == '\0' && instance_lock(cfg.db_path, err, sizeof err) == -1)
		fatalx("%s", err);
	if (pidfile != NULL)
		write_pidfile(pidfile);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("libcurl cannot be initialised");

	if (config_store_password(&cfg, err, sizeof err) == -1)
		fatalx("%s", err);
	if ((store = store_open(config_store_target(&cfg), cfg.synchronous, 1, err,
	    sizeof err)) == NULL)
		fatalx("[database] %s: %s", cfg.db_url[0] ? "url" : "path", err);
	if (botcheck_key_load(store) == -1)
		fatalx("[database]: cannot load or store the form key");
	store_close(store);
	store_thread_setup(config_store_target(&cfg), cfg.synchronous);

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
	if (intake_start(config_store_target(&cfg), cfg.synchronous, &policy, wake_workers) == -1)
		fatalx("[database] path: the intake writer cannot start");
	if (http_start(&cfg, &port) == -1) {
		intake_stop();
		stop_workers(&policy, &cfg, pidfile, config_path);
		return EXIT_RUNTIME;
	}
	store_target_redacted(config_store_target(&cfg), err, sizeof err);
	log_info("listening on %s:%u, public_url %s, database %s", cfg.listen_host, port,
	    cfg.public_url, err);
	if (sdnotify("READY=1\nSTATUS=listening") == -1)
		log_warn("NOTIFY_SOCKET: cannot tell systemd that npsd is ready");
	report_ready(&ready_fd);

	for (;;) {
		if (sigwait(&signals, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			sdnotify("RELOADING=1");
			reload(&cfg, config_path, file_required);
			sdnotify("READY=1");
			continue;
		}
		break;
	}
	sdnotify("STOPPING=1");
	log_info("stopping: finishing requests and mail in flight");
	http_quiesce();
	intake_stop();
	http_stop();
	stop_workers(&policy, &cfg, pidfile, config_path);
	log_info("stopped");
	return 0;
}
