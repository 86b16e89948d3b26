/* npsctl_db.h - TRANSITIONAL: the raw SQLite handle for the npsctl
 * commands not yet behind named store operations, and their helpers that
 * read sqlite3 statements. Goes, with db.h, once every npsctl_*.c calls
 * operations. */
#ifndef NPSD_NPSCTL_DB_H
#define NPSD_NPSCTL_DB_H

#include <sqlite3.h>

#include "config.h"

/* open_db's store as a SQLite handle that db_close and db_store know;
 * exits on PostgreSQL (such a command is not converted yet). */
sqlite3	*open_db_sqlite(struct config *);
const char *text_col(sqlite3_stmt *, int col);
/* Steps st, a change inside a transaction the caller began, and ends the
 * transaction: committed, or rolled back with none printed when no row
 * changed (none NULL: that is fine). 0 or EXIT_RUNTIME. */
int	change_end(sqlite3 *, sqlite3_stmt *, const char *none);

#endif
