/* instance.c - owns the one-instance rule: npsd holds an fcntl write lock
 * on "<database>.lock" (next to the database, with its pid inside) for
 * as long as it runs, so a second npsd on the same database refuses to
 * start instead of mailing the same surveys twice. npsctl takes no lock:
 * it works alongside the running daemon. The kernel drops the lock when
 * the process ends, however it ends, so a stale file never blocks. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance.h"

/* The pid written in the lock file, for when F_GETLK cannot say. */
static long
pid_in_file(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	long long pid;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0 || pid > 0x7fffffff)
		return 0;
	return (long)pid;
}

int
instance_lock(const char *db_path, char *err, size_t errlen)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[4096], pid[32];
	long holder;
	int fd, n;

	if ((size_t)snprintf(path, sizeof path, "%s.lock", db_path) >= sizeof path) {
		snprintf(err, errlen, "[database] path: too long for its lock file");
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "[database] path: lock file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		int saved = errno;

		if (saved != EACCES && saved != EAGAIN) {
			snprintf(err, errlen, "[database] path: lock file %s: %s", path,
			    strerror(saved));
			close(fd);
			return -1;
		}
		fl.l_type = F_WRLCK;
		holder = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? (long)fl.l_pid : 0;
		if (holder <= 0)
			holder = pid_in_file(fd);
		snprintf(err, errlen, "the database %s is in use by another npsd (pid %ld, lock "
		    "file %s): one npsd per database", db_path, holder, path);
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)n, 0) != n) {
		snprintf(err, errlen, "[database] path: lock file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return 0;	/* fd stays open: closing it would drop the lock */
}
