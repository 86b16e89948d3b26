/* instance.h - one npsd per database: a lock on "<database>.lock". */
#ifndef NPSD_INSTANCE_H
#define NPSD_INSTANCE_H

#include <stddef.h>

/* Takes the lock on db_path's lock file and writes this process's pid
 * into it; the lock lasts until the process exits. Returns 0, or -1 with
 * a message in err that names the pid holding it. */
int	instance_lock(const char *db_path, char *err, size_t errlen);

#endif
