/* sdnotify.c - owns telling systemd (Type=notify) that npsd is ready or
 * stopping: the documented sd_notify protocol, one datagram of
 * "VAR=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (an
 * abstract socket when the name starts with '@'). A few lines instead of
 * a dependency on libsystemd. */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdnotify.h"

int
sdnotify(const char *state)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len;
	ssize_t sent;
	int fd;

	if (name == NULL || name[0] == '\0')
		return 0;
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len < 2 || len > sizeof addr.sun_path)
		return -1;
	memcpy(addr.sun_path, name, len);
	if (name[0] == '@')
		addr.sun_path[0] = '\0';
	else if (len == sizeof addr.sun_path)
		return -1;	/* no room for the terminating NUL of a path */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
	return sent == (ssize_t)strlen(state) ? 0 : -1;
}
