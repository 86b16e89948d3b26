/* npsctl_backup.c - `npsctl backup FILE`: an online, consistent copy of
 * the database while npsd runs. SQLite's VACUUM INTO reads one snapshot
 * (npsd keeps writing meanwhile) and writes a compact new file; the copy
 * is made under a temporary name, checked, synced and only then renamed,
 * so FILE is either a whole backup or absent. Readable by its owner only:
 * it holds addresses and comments. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "npsctl.h"

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int
sync_path(const char *path, int directory)
{
	int fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The rename is durable once the directory holding it is synced. */
static void
sync_parent(const char *file)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof dir, "%s", file);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	sync_path(dir, 1);
}

/* "ok" from PRAGMA integrity_check on the copy, and its schema version. */
static int
check_copy(const char *path, int *version, char *why, size_t whylen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s", db ? sqlite3_errmsg(db) : "cannot open the copy");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(why, whylen, "integrity check: %s", sqlite3_column_text(st, 0));
		goto out;
	}
	*version = db_schema_version(db);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	char tmp[4096], why[512] = "";
	struct timespec t0;
	struct config cfg;
	struct stat sb;
	sqlite3_stmt *st;
	sqlite3 *db;
	const char *file;
	int ch, version = 0;
	mode_t old_mask;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_file = optarg; config_explicit = 1; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage_error("%s", "backup: give the file to write");
	file = argv[optind];
	if (snprintf(tmp, sizeof tmp, "%s.part", file) >= (int)sizeof tmp)
		usage_error("%s", "backup: the file name is too long");
	if (stat(file, &sb) == 0) {
		fprintf(stderr, "npsctl: %s exists; backup never overwrites a file\n", file);
		return EXIT_RUNTIME;
	}
	unlink(tmp);	/* the remains of an interrupted backup */
	db = open_db_sqlite(&cfg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	old_mask = umask(077);
	st = db_prepare(db, "VACUUM INTO ?");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			snprintf(why, sizeof why, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
	} else {
		snprintf(why, sizeof why, "%s", sqlite3_errmsg(db));
	}
	umask(old_mask);
	db_close(db);
	config_free(&cfg);
	if (*why == '\0')
		check_copy(tmp, &version, why, sizeof why);
	if (*why == '\0' && sync_path(tmp, 0) == -1)
		snprintf(why, sizeof why, "sync: %s", strerror(errno));
	if (*why == '\0' && rename(tmp, file) == -1)
		snprintf(why, sizeof why, "rename to %s: %s", file, strerror(errno));
	if (*why != '\0') {
		unlink(tmp);
		fprintf(stderr, "npsctl: backup failed: %s\n", why);
		return EXIT_RUNTIME;
	}
	sync_parent(file);
	if (stat(file, &sb) == 0)
		printf("backup written to %s: %lld bytes, schema version %d, checked, in %.1f s\n",
		    file, (long long)sb.st_size, version, seconds_since(&t0));
	return 0;
}
