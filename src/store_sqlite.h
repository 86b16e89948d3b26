/* store_sqlite.h - what only SQLite has: the raw handle, for the few
 * SQLite-only operations (online backup, VACUUM INTO) of the storage
 * layer. */
#ifndef NPSD_STORE_SQLITE_H
#define NPSD_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The connection's SQLite handle, or NULL for another backend. */
sqlite3	*store_sqlite_handle(struct store *);

#endif
