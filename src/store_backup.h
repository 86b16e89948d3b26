/* store_backup.h - named operations behind `npsctl backup`, SQLite only: a
 * consistent copy of the live database, and checking a copy. PostgreSQL
 * has its own tools for this (pg_dump, base backups). */
#ifndef NPSD_STORE_BACKUP_H
#define NPSD_STORE_BACKUP_H

#include <stddef.h>

#include "store.h"

/* Writes a compact copy of the database, as of one moment, to path (which
 * must not exist), while others keep writing. STORE_OK, or an error code
 * with store_errmsg; STORE_ERROR at once on a backend other than SQLite. */
int	store_backup_write(struct store *, const char *path);
/* Opens the copy at path read-only and checks it whole: 0 and its schema
 * version, or -1 and why. */
int	store_backup_check(const char *path, int *version, char *why, size_t whylen);

#endif
