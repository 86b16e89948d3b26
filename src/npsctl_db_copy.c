/* npsctl_db_copy.c - `npsctl db copy --to TARGET`: the configured database
 * (SQLite file or PostgreSQL URL) copied into an empty one of either kind,
 * for moving to PostgreSQL and back. The copy itself and its row-for-row
 * check live in store_copy.c; this file opens both sides, adds the check
 * that the reports come out the same, keeps passwords out of what it
 * prints and says what was copied. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "npsctl.h"
#include "report.h"
#include "store.h"
#include "store_copy.h"
#include "store_pg.h"

#define DB_TARGET_MAX	4096

/* A PostgreSQL URL's password: after user: in the authority, or a
 * password= parameter. Returns where it starts and its length in *len,
 * or NULL. */
static const char *
url_password(const char *url, const char *from, size_t *len)
{
	const char *auth = strstr(url, "://"), *end, *at, *colon, *p;

	if (auth != NULL && auth + 3 > from) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		for (at = NULL, p = auth; p < end; p++)
			if (*p == '@')
				at = p;
		if (at != NULL && (colon = memchr(auth, ':', (size_t)(at - auth))) != NULL) {
			*len = (size_t)(at - colon - 1);
			return colon + 1;
		}
		from = end;
	}
	for (p = from; (p = strchr(p, '=')) != NULL; p++)
		if (p - url >= 8 && strncasecmp(p - 8, "password", 8) == 0 &&
		    (p - url == 8 || strchr("?&", p[-9]) != NULL)) {
			*len = strcspn(p + 1, "&#");
			return p + 1;
		}
	return NULL;
}

/* target as it may be printed: a URL's passwords written as ***. */
static void
redact(const char *target, char *out, size_t outlen)
{
	const char *from = target, *pw;
	size_t len, n = 0;

	out[0] = '\0';
	if (!store_target_is_postgresql(target)) {
		snprintf(out, outlen, "%s", target);
		return;
	}
	while ((pw = url_password(target, from, &len)) != NULL && n < outlen) {
		n += (size_t)snprintf(out + n, outlen - n, "%.*s***", (int)(pw - from), from);
		from = pw + len;
	}
	if (n < outlen)
		snprintf(out + n, outlen - n, "%s", from);
}

/* Any copy of target's passwords in msg written as ***, should a driver's
 * message quote the URL. */
static void
scrub(char *msg, const char *target)
{
	const char *from = target, *pw;
	size_t len;

	if (!store_target_is_postgresql(target))
		return;
	while ((pw = url_password(target, from, &len)) != NULL) {
		char *hit;

		if (len >= 3)
			while ((hit = memmem(msg, strlen(msg), pw, len)) != NULL) {
				memcpy(hit, "***", 3);
				memmove(hit + 3, hit + len, strlen(hit + len) + 1);
			}
		from = pw + len;
	}
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 1 when source and target are the same database as far as we can tell. */
static int
same_database(const char *source, const char *target)
{
	struct stat a, b;

	if (strcmp(source, target) == 0)
		return 1;
	return !store_target_is_postgresql(source) && !store_target_is_postgresql(target) &&
	    stat(source, &a) == 0 && stat(target, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
}

static void
print_result(const struct store_copy_result *res, const char *source, const char *target,
    double seconds)
{
	printf("copied %zu tables, %lld rows from %s to %s in %.1f s\n", res->ntables,
	    res->rows, source, target, seconds);
	printf("%-22s %12s %12s  %s\n", "table", "source", "target", "rows");
	for (size_t i = 0; i < res->ntables; i++) {
		const struct store_copy_table *t = &res->tables[i];

		printf("%-22s %12lld %12lld  %s\n", t->name, t->source_rows, t->target_rows,
		    t->same_rows && t->source_rows == t->target_rows ? "same" : "DIFFERENT");
	}
}

/* The report of every answer ever given, grouped by, as JSON text in
 * *out (the caller frees it); -1 on a database error. */
static int
report_text(struct store *db, enum report_by by, time_t until, char **out)
{
	struct report_query q = { .by = by, .interval = REPORT_INTERVAL_NONE, .since = 0,
	    .until = until };
	struct report r = { 0 };
	size_t len;
	FILE *f;
	int rc;

	*out = NULL;
	if (report_run(db, &q, &r) != 0)
		return -1;
	if ((f = open_memstream(out, &len)) == NULL) {
		report_free(&r);
		return -1;
	}
	rc = report_write_json(f, &q, &r);
	report_free(&r);
	if (fclose(f) != 0 || rc != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* store_copy's last check: the reports by team, agent and category over
 * all time are the same text computed on either side. */
static int
same_reports(struct store *from, struct store *to, void *arg, char *err, size_t errlen)
{
	static const enum report_by bys[] = { REPORT_BY_TEAM, REPORT_BY_AGENT,
	    REPORT_BY_CATEGORY };
	time_t until = time(NULL) + 366 * 86400;

	(void)arg;
	for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
		char *a = NULL, *b = NULL;
		int same;

		if (report_text(from, bys[i], until, &a) == -1 ||
		    report_text(to, bys[i], until, &b) == -1) {
			snprintf(err, errlen, "the report by %s: %s", report_by_name(bys[i]),
			    store_errmsg(a == NULL ? from : to));
			free(a);
			return -1;
		}
		same = strcmp(a, b) == 0;
		free(a);
		free(b);
		if (!same) {
			snprintf(err, errlen, "the report by %s differs between the source and "
			    "the copy", report_by_name(bys[i]));
			return -1;
		}
	}
	return 0;
}

/* The target's PostgreSQL password from --password-file, for the
 * connection about to be opened; without one libpq takes it from the URL,
 * PGPASSWORD or PGPASSFILE. */
static int
target_password(const char *file)
{
	char line[1024];
	const char *why;

	if (file == NULL) {
		store_pg_set_password(NULL);
		return 0;
	}
	if ((why = config_secret_read(file, line, sizeof line)) != NULL) {
		fprintf(stderr, "npsctl: db copy: --password-file %s: %s\n", file, why);
		return -1;
	}
	store_pg_set_password(line);
	crypto_wipe(line, sizeof line);
	return 0;
}

static int
db_copy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	char err[1024], shown_source[DB_TARGET_MAX], shown_target[DB_TARGET_MAX];
	const char *target = NULL, *password_file = NULL, *source;
	struct store *from = NULL, *to = NULL;
	struct store_copy_result res;
	enum store_copy_status status = STORE_COPY_FAILED;
	struct timespec t0;
	struct config cfg;
	struct stat sb;
	int ch, created = 0;
	mode_t old_mask;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 't': target = optarg; break;
		case 'p': password_file = optarg; break;
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage_error("db copy: unexpected argument \"%s\"", argv[optind]);
	if (target == NULL || *target == '\0')
		usage_error("%s", "db copy: --to names the target (postgresql://... or a file)");
	if (strlen(target) >= DB_TARGET_MAX)
		usage_error("%s", "db copy: --to is too long");
	if (password_file != NULL && !store_target_is_postgresql(target))
		usage_error("%s", "db copy: --password-file is for a postgresql:// target");
	load_config(&cfg);
	source = config_store_target(&cfg);
	redact(source, shown_source, sizeof shown_source);
	redact(target, shown_target, sizeof shown_target);
	if (same_database(source, target)) {
		fprintf(stderr, "npsctl: db copy: %s is the configured database itself\n",
		    shown_target);
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	if (config_store_password(&cfg, err, sizeof err) == -1) {
		fprintf(stderr, "npsctl: db copy: %s\n", err);
		config_free(&cfg);
		return EXIT_CONFIG;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((from = store_open(source, cfg.synchronous, 0, err, sizeof err)) == NULL) {
		scrub(err, source);
		fprintf(stderr, "npsctl: db copy: the source, %s: %s\n", shown_source, err);
		goto out;
	}
	if (target_password(password_file) == -1)
		goto out;
	created = !store_target_is_postgresql(target) && stat(target, &sb) == -1 &&
	    errno == ENOENT;
	old_mask = umask(077);	/* a new file holds addresses and comments */
	to = store_open(target, cfg.synchronous, 1, err, sizeof err);
	umask(old_mask);
	if (to == NULL) {
		scrub(err, target);
		fprintf(stderr, "npsctl: db copy: the target, %s: %s\n", shown_target, err);
		goto out;
	}
	status = store_copy(from, to, same_reports, NULL, &res, err, sizeof err);
	if (status != STORE_COPY_OK) {
		scrub(err, source);
		scrub(err, target);
		fprintf(stderr, "npsctl: db copy to %s: %s%s\n", shown_target, err,
		    status == STORE_COPY_NOT_EMPTY ? "" : "; nothing was written to the target");
		goto out;
	}
	print_result(&res, shown_source, shown_target, seconds_since(&t0));
	printf("checked: every table holds the same rows on both sides (counted, each row's "
	    "values hashed), and the reports by team, agent and category are the same\n");
out:
	store_close(to);
	store_close(from);
	store_pg_set_password(NULL);
	if (status != STORE_COPY_OK && created) {
		char side[DB_TARGET_MAX + 8];

		/* a file this command made holds nothing worth keeping */
		unlink(target);
		snprintf(side, sizeof side, "%s-wal", target);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", target);
		unlink(side);
	}
	config_free(&cfg);
	if (fflush(stdout) != 0)
		return EXIT_RUNTIME;
	return status == STORE_COPY_OK ? 0 : EXIT_RUNTIME;
}

int
cmd_db(int argc, char **argv)
{
	if (argc < 2)
		usage_error("%s", "db: copy --to TARGET");
	argc--;
	argv++;
	if (strcmp(argv[0], "copy") == 0)
		return db_copy(argc, argv);
	usage_error("db: unknown action \"%s\" (copy)", argv[0]);
}
