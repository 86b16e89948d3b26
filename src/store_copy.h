/* store_copy.h - a whole database copied from one store to another
 * (SQLite to PostgreSQL or back) for `npsctl db copy`: every table of the
 * schema, ids kept, checked row for row before the target commits. */
#ifndef NPSD_STORE_COPY_H
#define NPSD_STORE_COPY_H

#include <stddef.h>

#include "store.h"

#define STORE_COPY_MAX_TABLES	64

enum store_copy_status {
	STORE_COPY_OK,
	STORE_COPY_FAILED,	/* a database error; the target is left as it was */
	STORE_COPY_NOT_EMPTY,	/* the target holds data: nothing was copied */
	STORE_COPY_SCHEMA,	/* a table the copy does not know, or one missing */
	STORE_COPY_MISMATCH	/* the check after copying failed: rolled back */
};

struct store_copy_table {
	const char	*name;
	long long	 source_rows;
	long long	 target_rows;	/* after the copy, read back on the target */
	int		 same_rows;	/* the same multiset of rows on both sides */
};

struct store_copy_result {
	size_t			 ntables;
	long long		 rows;
	struct store_copy_table	 tables[STORE_COPY_MAX_TABLES];
};

/* A caller's own check of the copy, run when every table has the same
 * rows on both sides, with from still in its snapshot and to still in
 * the copy's transaction: 0 lets the target commit; -1, with why in err,
 * rolls it back (STORE_COPY_MISMATCH). */
typedef int (*store_copy_check)(struct store *from, struct store *to, void *arg,
    char *err, size_t errlen);

/* Copies every table of from into to, which must be at the latest
 * schema and empty (it may hold what a freshly started npsd writes by
 * itself: the form key and the zeroed mail counters, which the source's
 * replace). from is read in one read transaction, a consistent snapshot
 * while an npsd keeps writing to it; to is written in one transaction,
 * in foreign-key order with every id kept, PostgreSQL's identity
 * sequences moved past the copied ids, and committed only when each
 * table has the same rows on both sides (counted, and every row's values
 * hashed) and check, when not NULL, agrees. err says why on any status
 * but STORE_COPY_OK. */
enum store_copy_status store_copy(struct store *from, struct store *to,
	    store_copy_check check, void *arg, struct store_copy_result *,
	    char *err, size_t errlen);

#endif
