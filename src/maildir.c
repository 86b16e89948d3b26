/* maildir.c - owns the maildir transport: each message is written to
 * tmp/, flushed to disk, then renamed into new/ so a reader never sees a
 * partial message and a crash leaves at most a stray file in tmp/. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "maildir.h"

static int
make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
maildir_prepare(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	const char *subs[] = { "tmp", "new", "cur" };

	/* the parent chain, one level deep, e.g. var/mail */
	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			if (make_dir(path, err, errlen) == -1)
				return -1;
			*p = '/';
		}
	}
	if (make_dir(dir, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
		if (make_dir(path, err, errlen) == -1)
			return -1;
	}
	return 0;
}

enum transport_status
maildir_deliver(const char *dir, const char *msg, size_t len, char *err, size_t errlen)
{
	char name[128], tmp[4096], dst[4096], host[64];
	unsigned char rnd[8];
	struct timespec ts;
	size_t off = 0;
	int fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (crypto_random_bytes(rnd, sizeof rnd) == -1) {
		snprintf(err, errlen, "no randomness");
		return TRANSPORT_TEMPFAIL;
	}
	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	for (char *p = host; *p != '\0'; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	snprintf(name, sizeof name, "%lld.M%ldP%ldR%02x%02x%02x%02x%02x%02x%02x%02x.%s",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000, (long)getpid(), rnd[0], rnd[1], rnd[2],
	    rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], host);
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, name);
	snprintf(dst, sizeof dst, "%s/new/%s", dir, name);

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "maildir: open tmp: %s", strerror(errno));
		return TRANSPORT_TEMPFAIL;
	}
	while (off < len) {
		ssize_t n = write(fd, msg + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "maildir: write: %s", strerror(errno));
			close(fd);
			unlink(tmp);
			return TRANSPORT_TEMPFAIL;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		snprintf(err, errlen, "maildir: fsync: %s", strerror(errno));
		unlink(tmp);
		return TRANSPORT_TEMPFAIL;
	}
	if (rename(tmp, dst) == -1) {
		snprintf(err, errlen, "maildir: rename: %s", strerror(errno));
		unlink(tmp);
		return TRANSPORT_TEMPFAIL;
	}
	return TRANSPORT_SENT;
}
