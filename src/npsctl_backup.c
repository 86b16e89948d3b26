/* npsctl_backup.c - `npsctl backup FILE`: an online, consistent copy of
 * the SQLite database while npsd runs (store_backup.c); the copy is made
 * under a temporary name, checked, synced and only then renamed, so FILE
 * is either a whole backup or absent. Readable by its owner only: it holds
 * addresses and comments. A PostgreSQL database is refused: pg_dump and
 * base backups are the tools for it. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "npsctl.h"
#include "store_backup.h"

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
	struct store *db;
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
	load_config(&cfg);
	if (store_target_is_postgresql(config_store_target(&cfg))) {
		fprintf(stderr, "npsctl: backup copies a SQLite database; this one is PostgreSQL "
		    "([database] url): back it up with pg_dump (or the cluster's base backups)\n");
		config_free(&cfg);
		return EXIT_RUNTIME;
	}
	unlink(tmp);	/* the remains of an interrupted backup */
	db = open_store(&cfg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	old_mask = umask(077);
	if (store_backup_write(db, tmp) != STORE_OK)
		snprintf(why, sizeof why, "%s", store_errmsg(db));
	umask(old_mask);
	store_close(db);
	config_free(&cfg);
	if (*why == '\0')
		store_backup_check(tmp, &version, why, sizeof why);
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
