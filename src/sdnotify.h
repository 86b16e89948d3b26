/* sdnotify.h - telling systemd about readiness and stopping. */
#ifndef NPSD_SDNOTIFY_H
#define NPSD_SDNOTIFY_H

/* Sends state (e.g. "READY=1") to $NOTIFY_SOCKET; 0 when it was sent or
 * there is no socket (not started by systemd), -1 on failure. */
int	sdnotify(const char *state);

#endif
