/* maildir.h - delivery into a local Maildir (the embedded default). */
#ifndef NPSD_MAILDIR_H
#define NPSD_MAILDIR_H

#include <stddef.h>

#include "transport.h"

/* Creates dir/{tmp,new,cur} as needed; -1 with err on failure. */
int	maildir_prepare(const char *dir, char *err, size_t errlen);
/* Writes to tmp/, fsyncs, renames into new/. */
enum transport_status maildir_deliver(const char *dir, const char *msg, size_t len,
    char *err, size_t errlen);

#endif
