/* npsctl_db.c - TRANSITIONAL (npsctl_db.h): SQLite handles and statement
 * helpers for the npsctl commands not yet behind named store operations. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "npsctl.h"

sqlite3 *
open_db_sqlite(struct config *cfg)
{
	char err[512] = "";
	sqlite3 *db;

	load_config(cfg);
	if (store_target_is_postgresql(config_store_target(cfg))) {
		fprintf(stderr, "npsctl: this command does not work on PostgreSQL yet\n");
		config_free(cfg);
		exit(EXIT_RUNTIME);
	}
	if ((db = db_open(config_store_target(cfg), cfg->synchronous, 0, err, sizeof err)) == NULL) {
		fprintf(stderr, "npsctl: [database] path: %s\n", err);
		config_free(cfg);
		exit(EXIT_RUNTIME);
	}
	return db;
}

const char *
text_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return s ? (const char *)s : "";
}

int
change_end(sqlite3 *db, sqlite3_stmt *st, const char *none)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : EXIT_RUNTIME;

	sqlite3_finalize(st);
	if (rc != 0)
		fprintf(stderr, "npsctl: %s\n", sqlite3_errmsg(db));
	else if (none != NULL && sqlite3_changes(db) == 0) {
		fprintf(stderr, "npsctl: %s\n", none);
		rc = EXIT_RUNTIME;
	}
	if (rc != 0)
		db_rollback(db);
	else if (db_commit(db) != SQLITE_OK)
		rc = EXIT_RUNTIME;
	return rc;
}
