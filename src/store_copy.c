/* store_copy.c - the storage layer's whole-database copy (store_copy.h):
 * the list of the schema's tables in foreign-key order, one snapshot of
 * the source read table by table through the statement interface
 * whatever the driver, rows written to the target with their ids, and the
 * check that every table holds the same rows on both sides before the
 * target commits. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "store_copy.h"
#include "store_sql.h"

/* Every table of the schema, parents before the tables that refer to
 * them. A table the schema has and this list lacks (or the reverse) stops
 * the copy: a new migration's table must be added here. */
static const struct copy_table {
	const char	*name;
	const char	*blob;		/* a column copied as bytes, never as text */
	int		 replaced;	/* rows an npsd writes at its first start */
} copy_tables[] = {
	{ "tickets", NULL, 0 },
	{ "surveys", NULL, 0 },
	{ "answers", NULL, 0 },
	{ "answer_versions", NULL, 0 },
	{ "tokens", NULL, 0 },
	{ "page_views", NULL, 0 },
	{ "followups", NULL, 0 },
	{ "outbox", "message", 0 },
	{ "address_lookups", NULL, 0 },
	{ "deliveries", NULL, 0 },
	{ "closings", NULL, 0 },
	{ "suppressions", NULL, 0 },
	{ "agents", NULL, 0 },
	{ "teams", NULL, 0 },
	{ "team_managers", NULL, 0 },
	{ "api_tokens", NULL, 0 },
	{ "api_token_teams", NULL, 0 },
	{ "admins", NULL, 0 },
	{ "login_links", NULL, 0 },
	{ "sessions", NULL, 0 },
	{ "settings", "value", 1 },
	{ "mail_attempt_counts", NULL, 1 },
};
#define NTABLES (sizeof copy_tables / sizeof copy_tables[0])

/* rows fetched at a time from a PostgreSQL cursor */
#define COPY_FETCH_ROWS		"500"
#define COPY_FETCH_ROWS_N	500
#define COPY_MAX_COLUMNS	64
#define COPY_NAME_MAX		64
/* the largest row hashed (an outbox message with its attachments) */
#define COPY_ROW_MAX		(256 * 1024 * 1024)

/* An order-independent hash of a table's rows: the sum, lane by lane, of
 * every row's SHA-256; two tables hash alike when they hold the same
 * rows, in whatever order each database returns them. */
struct digest {
	unsigned long long	 lane[4];
};

/* A table's columns by name, as one side returns them. */
struct columns {
	int	 n;
	int	 blob;			/* the index of the blob column, or -1 */
	char	 name[COPY_MAX_COLUMNS][COPY_NAME_MAX];
	int	 by_name[COPY_MAX_COLUMNS];	/* column indices sorted by name */
};

/* Rows of one table: a plain statement on SQLite (it steps through the
 * file), a cursor fetched in batches on PostgreSQL (a statement's result
 * is held whole in memory there). */
struct reader {
	struct store		*db;
	struct store_stmt	*st;
	int			 cursor;
	int			 batch_rows;
};

/* Only names of lower-case letters, digits and underscores are put in SQL. */
static int
plain_name(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '_'))
			return 0;
	return n < COPY_NAME_MAX;
}

static void
set_err(char *err, size_t errlen, struct store *db, const char *what, const char *table)
{
	if (table != NULL)
		snprintf(err, errlen, "%s, table %s: %s", what, table, store_errmsg(db));
	else
		snprintf(err, errlen, "%s: %s", what, store_errmsg(db));
}

static int
reader_open(struct reader *r, struct store *db, const char *table)
{
	char sql[160];

	memset(r, 0, sizeof *r);
	r->db = db;
	if (store_backend(db) == STORE_POSTGRESQL) {
		snprintf(sql, sizeof sql, "DECLARE npsd_copy NO SCROLL CURSOR FOR SELECT * FROM %s",
		    table);
		if (sql_exec(db, sql) != STORE_OK)
			return -1;
		r->cursor = 1;
		r->st = sql_prepare(db, "FETCH " COPY_FETCH_ROWS " FROM npsd_copy");
	} else {
		snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
		r->st = sql_prepare(db, sql);
	}
	return r->st != NULL ? 0 : -1;
}

/* STORE_ROW, STORE_DONE or an error. */
static int
reader_step(struct reader *r)
{
	int rc = sql_step(r->st);

	if (rc == STORE_DONE && r->cursor && r->batch_rows == COPY_FETCH_ROWS_N) {
		r->batch_rows = 0;
		sql_reset(r->st);
		rc = sql_step(r->st);
	}
	if (rc == STORE_ROW)
		r->batch_rows++;
	return rc;
}

static void
reader_close(struct reader *r)
{
	sql_finalize(r->st);
	r->st = NULL;
	if (r->cursor)
		sql_exec(r->db, "CLOSE npsd_copy");
}

/* The columns of the row st stands on; -1 with err for a name that cannot
 * be written into SQL as it is, or too many. */
static int
columns_read(struct columns *c, struct store_stmt *st, const struct copy_table *t,
    char *err, size_t errlen)
{
	c->n = sql_column_count(st);
	c->blob = -1;
	if (c->n < 1 || c->n > COPY_MAX_COLUMNS) {
		snprintf(err, errlen, "table %s has %d columns (at most %d)", t->name, c->n,
		    COPY_MAX_COLUMNS);
		return -1;
	}
	for (int i = 0; i < c->n; i++) {
		const char *name = sql_column_name(st, i);

		if (!plain_name(name)) {
			snprintf(err, errlen, "table %s: a column name db copy cannot use", t->name);
			return -1;
		}
		snprintf(c->name[i], sizeof c->name[i], "%s", name);
		if (t->blob != NULL && strcmp(name, t->blob) == 0)
			c->blob = i;
	}
	/* insertion sort: a few dozen columns at most */
	for (int i = 0; i < c->n; i++) {
		int j = i;

		for (; j > 0 && strcmp(c->name[c->by_name[j - 1]], c->name[i]) > 0; j--)
			c->by_name[j] = c->by_name[j - 1];
		c->by_name[j] = i;
	}
	return 0;
}

/* A value's bytes: a blob's own, any other value's text (an integer reads
 * as the same digits from either database). */
static const void *
value_bytes(struct store_stmt *st, int col, size_t *len)
{
	const char *s;

	if (sql_column_type(st, col) == STORE_TYPE_BLOB) {
		*len = sql_column_bytes(st, col);
		return sql_column_blob(st, col);
	}
	s = sql_column_str(st, col);
	*len = strlen(s);
	return s;
}

/* Adds the row st stands on to d: its columns by name, each NULL or a
 * value's length and bytes, hashed. */
static int
digest_row(struct digest *d, struct store_stmt *st, const struct columns *c, struct buf *b)
{
	char hex[CRYPTO_SHA256_HEX];

	buf_reset(b);
	for (int k = 0; k < c->n; k++) {
		int col = c->by_name[k];
		unsigned char len8[8];
		const void *p;
		size_t len;

		if (buf_append(b, c->name[col], strlen(c->name[col]) + 1) == -1)
			return -1;
		if (sql_column_is_null(st, col)) {
			if (buf_append(b, "n", 1) == -1)
				return -1;
			continue;
		}
		p = value_bytes(st, col, &len);
		for (int i = 0; i < 8; i++)
			len8[i] = (unsigned char)((unsigned long long)len >> (8 * i));
		if (buf_append(b, "v", 1) == -1 || buf_append(b, len8, 8) == -1 ||
		    buf_append(b, p, len) == -1)
			return -1;
	}
	crypto_sha256_hex(b->data, b->len, hex);
	for (int i = 0; i < 4; i++) {
		char part[17];

		memcpy(part, hex + 16 * i, 16);
		part[16] = '\0';
		d->lane[i] += strtoull(part, NULL, 16);
	}
	return 0;
}

/* INSERT INTO table (the source's columns) VALUES (?, ...). */
static struct store_stmt *
insert_prepare(struct store *to, const struct copy_table *t, const struct columns *c)
{
	struct buf sql;
	struct store_stmt *st = NULL;
	int bad;

	buf_init(&sql, 16384);
	bad = buf_printf(&sql, "INSERT INTO %s (", t->name) == -1;
	for (int i = 0; i < c->n; i++)
		bad |= buf_printf(&sql, "%s%s", i ? ", " : "", c->name[i]) == -1;
	bad |= buf_puts(&sql, ") VALUES (") == -1;
	for (int i = 0; i < c->n; i++)
		bad |= buf_puts(&sql, i ? ", ?" : "?") == -1;
	bad |= buf_puts(&sql, ")") == -1;
	if (!bad)
		st = sql_prepare(to, sql.data);
	buf_free(&sql);
	return st;
}

/* Binds the source row's values to ins: integers as integers, text as
 * text, and the table's blob column as bytes whatever SQLite kept it as. */
static int
bind_row(struct store_stmt *ins, struct store_stmt *row, const struct columns *c)
{
	int rc = STORE_OK;

	for (int i = 0; i < c->n && rc == STORE_OK; i++) {
		const void *p;
		size_t len;

		switch (sql_column_type(row, i)) {
		case STORE_TYPE_NULL:
			rc = sql_bind_null(ins, i + 1);
			break;
		case STORE_TYPE_INT:
			rc = sql_bind_int64(ins, i + 1, sql_column_int64(row, i));
			break;
		case STORE_TYPE_FLOAT:
			rc = sql_bind_double(ins, i + 1, sql_column_double(row, i));
			break;
		case STORE_TYPE_BLOB:
			p = value_bytes(row, i, &len);
			rc = sql_bind_blob(ins, i + 1, p, len);
			break;
		case STORE_TYPE_TEXT:
			p = value_bytes(row, i, &len);
			rc = i == c->blob ? sql_bind_blob(ins, i + 1, p, len) :
			    sql_bind_text(ins, i + 1, p, (int)len);
			break;
		}
	}
	return rc;
}

/* Copies one table's rows, adding each to d; the count in *rows. */
static enum store_copy_status
copy_table(struct store *from, struct store *to, const struct copy_table *t,
    struct digest *d, long long *rows, char *err, size_t errlen)
{
	enum store_copy_status status = STORE_COPY_FAILED;
	struct store_stmt *ins = NULL;
	struct columns c = { 0 };
	struct reader r;
	struct buf b;
	int rc;

	*rows = 0;
	buf_init(&b, COPY_ROW_MAX);
	if (reader_open(&r, from, t->name) == -1) {
		set_err(err, errlen, from, "reading the source", t->name);
		goto out;
	}
	while ((rc = reader_step(&r)) == STORE_ROW) {
		if (ins == NULL) {
			if (columns_read(&c, r.st, t, err, errlen) == -1)
				goto out;
			if ((ins = insert_prepare(to, t, &c)) == NULL) {
				set_err(err, errlen, to, "writing the target", t->name);
				goto out;
			}
		}
		if (sql_column_count(r.st) != c.n || bind_row(ins, r.st, &c) != STORE_OK ||
		    sql_step(ins) != STORE_DONE) {
			set_err(err, errlen, to, "writing the target", t->name);
			goto out;
		}
		sql_reset(ins);
		if (digest_row(d, r.st, &c, &b) == -1) {
			snprintf(err, errlen, "table %s: a row larger than %d MiB", t->name,
			    COPY_ROW_MAX >> 20);
			goto out;
		}
		(*rows)++;
	}
	if (rc != STORE_DONE)
		set_err(err, errlen, from, "reading the source", t->name);
	else
		status = STORE_COPY_OK;
out:
	sql_finalize(ins);
	if (r.st != NULL)
		reader_close(&r);
	buf_free(&b);
	return status;
}

/* Reads back one table of db: its rows counted and hashed. */
static enum store_copy_status
digest_table(struct store *db, const struct copy_table *t, struct digest *d,
    long long *rows, char *err, size_t errlen)
{
	struct columns c = { 0 };
	struct reader r;
	struct buf b;
	int rc = STORE_ERROR;

	*rows = 0;
	memset(d, 0, sizeof *d);
	buf_init(&b, COPY_ROW_MAX);
	if (reader_open(&r, db, t->name) == 0) {
		while ((rc = reader_step(&r)) == STORE_ROW) {
			if (c.n == 0 && columns_read(&c, r.st, t, err, errlen) == -1)
				break;
			if (digest_row(d, r.st, &c, &b) == -1) {
				snprintf(err, errlen, "table %s: a row larger than %d MiB", t->name,
				    COPY_ROW_MAX >> 20);
				break;
			}
			(*rows)++;
		}
		if (rc != STORE_DONE && rc != STORE_ROW)
			set_err(err, errlen, db, "reading back the target", t->name);
		reader_close(&r);
	} else {
		set_err(err, errlen, db, "reading back the target", t->name);
	}
	buf_free(&b);
	return rc == STORE_DONE ? STORE_COPY_OK : STORE_COPY_FAILED;
}

static long long
count_rows(struct store *db, const char *table)
{
	struct store_stmt *st;
	char sql[128];
	long long n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if ((st = sql_prepare(db, sql)) != NULL && sql_step(st) == STORE_ROW)
		n = sql_column_int64(st, 0);
	sql_finalize(st);
	return n;
}

/* The schema's tables in db equal copy_tables: none more, none fewer. */
static enum store_copy_status
check_tables(struct store *db, const char *side, char *err, size_t errlen)
{
	int found[NTABLES] = { 0 };
	struct store_stmt *st;
	int rc;

	st = sql_prepare(db, store_backend(db) == STORE_POSTGRESQL ?
	    "SELECT table_name FROM information_schema.tables WHERE table_schema = "
	    "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'npsd_schema'" :
	    "SELECT name FROM sqlite_master WHERE type = 'table' AND "
	    "substr(name, 1, 7) <> 'sqlite_'");
	if (st == NULL) {
		set_err(err, errlen, db, side, NULL);
		return STORE_COPY_FAILED;
	}
	while ((rc = sql_step(st)) == STORE_ROW) {
		const char *name = sql_column_str(st, 0);
		size_t i;

		for (i = 0; i < NTABLES && strcmp(copy_tables[i].name, name) != 0; i++)
			;
		if (i == NTABLES) {
			snprintf(err, errlen, "the %s has a table db copy does not know: %s (a "
			    "newer schema? src/store_copy.c lists the tables it copies)", side, name);
			sql_finalize(st);
			return STORE_COPY_SCHEMA;
		}
		found[i] = 1;
	}
	sql_finalize(st);
	if (rc != STORE_DONE) {
		set_err(err, errlen, db, side, NULL);
		return STORE_COPY_FAILED;
	}
	for (size_t i = 0; i < NTABLES; i++)
		if (!found[i]) {
			snprintf(err, errlen, "the %s has no table %s", side, copy_tables[i].name);
			return STORE_COPY_SCHEMA;
		}
	return STORE_COPY_OK;
}

/* Nothing but what an npsd writes at its first start. */
static enum store_copy_status
check_empty(struct store *to, char *err, size_t errlen)
{
	for (size_t i = 0; i < NTABLES; i++) {
		long long n;

		if (copy_tables[i].replaced)
			continue;
		if ((n = count_rows(to, copy_tables[i].name)) < 0) {
			set_err(err, errlen, to, "the target", copy_tables[i].name);
			return STORE_COPY_FAILED;
		}
		if (n > 0) {
			snprintf(err, errlen, "the target is not empty: table %s has %lld rows; "
			    "db copy never writes into a database in use", copy_tables[i].name, n);
			return STORE_COPY_NOT_EMPTY;
		}
	}
	return STORE_COPY_OK;
}

/* PostgreSQL: nothing else writes to the target's tables until the copy
 * commits (an npsd started on it meanwhile waits). */
static int
lock_tables(struct store *to)
{
	struct buf sql;
	int rc = STORE_ERROR;

	buf_init(&sql, 4096);
	if (buf_puts(&sql, "LOCK TABLE ") == 0) {
		int bad = 0;

		for (size_t i = 0; i < NTABLES; i++)
			bad |= buf_printf(&sql, "%s%s", i ? ", " : "", copy_tables[i].name) == -1;
		if (!bad && buf_puts(&sql, " IN EXCLUSIVE MODE") == 0)
			rc = sql_exec(to, sql.data);
	}
	buf_free(&sql);
	return rc;
}

/* PostgreSQL: each identity column's next value follows the largest id
 * copied, or the next row inserted would take an id already used. */
static int
restart_identities(struct store *to)
{
	char table[NTABLES][COPY_NAME_MAX], column[NTABLES][COPY_NAME_MAX];
	struct store_stmt *st;
	size_t n = 0;
	int rc;

	st = sql_prepare(to, "SELECT table_name, column_name FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND is_identity = 'YES'");
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = sql_step(st)) == STORE_ROW) {
		if (n == NTABLES || !plain_name(sql_column_str(st, 0)) ||
		    !plain_name(sql_column_str(st, 1))) {
			rc = STORE_ERROR;
			break;
		}
		snprintf(table[n], sizeof table[n], "%s", sql_column_str(st, 0));
		snprintf(column[n], sizeof column[n], "%s", sql_column_str(st, 1));
		n++;
	}
	sql_finalize(st);
	if (rc != STORE_DONE)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char sql[256];
		long long next = 1;

		snprintf(sql, sizeof sql, "SELECT coalesce(max(%.63s), 0) + 1 FROM %.63s", column[i],
		    table[i]);
		if ((st = sql_prepare(to, sql)) == NULL)
			return STORE_ERROR;
		if ((rc = sql_step(st)) == STORE_ROW)
			next = sql_column_int64(st, 0);
		sql_finalize(st);
		if (rc != STORE_ROW)
			return rc;
		snprintf(sql, sizeof sql, "ALTER TABLE %.63s ALTER COLUMN %.63s RESTART WITH %lld",
		    table[i], column[i], next);
		if ((rc = sql_exec(to, sql)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/* One read transaction: every table read from the same snapshot. */
static int
snapshot_begin(struct store *db)
{
	if (store_backend(db) == STORE_POSTGRESQL)
		return sql_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	/* SQLite's snapshot starts with the first read, which follows at once */
	return sql_exec(db, "BEGIN DEFERRED");
}

/* Copies and hashes every table; then reads the target back. */
static enum store_copy_status
copy_all(struct store *from, struct store *to, struct store_copy_result *res, char *err,
    size_t errlen)
{
	struct digest sent[NTABLES] = { 0 }, got;
	enum store_copy_status status;

	for (size_t i = 0; i < NTABLES; i++) {
		const struct copy_table *t = &copy_tables[i];
		struct store_copy_table *out = &res->tables[res->ntables++];
		long long n;

		out->name = t->name;
		if (t->replaced) {
			char sql[128];

			snprintf(sql, sizeof sql, "DELETE FROM %s", t->name);
			if (sql_exec(to, sql) != STORE_OK) {
				set_err(err, errlen, to, "writing the target", t->name);
				return STORE_COPY_FAILED;
			}
		}
		status = copy_table(from, to, t, &sent[i], &out->source_rows, err, errlen);
		if (status != STORE_COPY_OK)
			return status;
		if ((n = count_rows(from, t->name)) != out->source_rows) {
			snprintf(err, errlen, "table %s: %lld rows read from the source, which "
			    "counts %lld", t->name, out->source_rows, n);
			return STORE_COPY_MISMATCH;
		}
		res->rows += out->source_rows;
	}
	if (store_backend(to) == STORE_POSTGRESQL && restart_identities(to) != STORE_OK) {
		set_err(err, errlen, to, "moving the target's identity sequences", NULL);
		return STORE_COPY_FAILED;
	}
	status = STORE_COPY_OK;
	for (size_t i = 0; i < NTABLES; i++) {
		struct store_copy_table *out = &res->tables[i];

		if (digest_table(to, &copy_tables[i], &got, &out->target_rows, err,
		    errlen) != STORE_COPY_OK)
			return STORE_COPY_FAILED;
		out->same_rows = memcmp(&got, &sent[i], sizeof got) == 0;
		if (status == STORE_COPY_OK && (!out->same_rows ||
		    out->target_rows != out->source_rows)) {
			snprintf(err, errlen, "table %s differs after the copy: %lld rows in the "
			    "source, %lld in the target%s", out->name, out->source_rows,
			    out->target_rows, out->same_rows ? "" : ", not the same values");
			status = STORE_COPY_MISMATCH;
		}
	}
	return status;
}

enum store_copy_status
store_copy(struct store *from, struct store *to, store_copy_check check, void *arg,
    struct store_copy_result *res, char *err, size_t errlen)
{
	enum store_copy_status status;

	memset(res, 0, sizeof *res);
	if (NTABLES > STORE_COPY_MAX_TABLES) {
		snprintf(err, errlen, "more tables than STORE_COPY_MAX_TABLES");
		return STORE_COPY_FAILED;
	}
	if (snapshot_begin(from) != STORE_OK) {
		set_err(err, errlen, from, "the source", NULL);
		return STORE_COPY_FAILED;
	}
	if ((status = check_tables(from, "source", err, errlen)) != STORE_COPY_OK)
		goto out;
	if (store_begin(to) != STORE_OK) {
		set_err(err, errlen, to, "the target", NULL);
		status = STORE_COPY_FAILED;
		goto out;
	}
	if ((status = check_tables(to, "target", err, errlen)) == STORE_COPY_OK &&
	    store_backend(to) == STORE_POSTGRESQL && lock_tables(to) != STORE_OK) {
		set_err(err, errlen, to, "locking the target's tables", NULL);
		status = STORE_COPY_FAILED;
	}
	if (status == STORE_COPY_OK &&
	    (status = check_empty(to, err, errlen)) == STORE_COPY_OK &&
	    (status = copy_all(from, to, res, err, errlen)) == STORE_COPY_OK &&
	    check != NULL && check(from, to, arg, err, errlen) == -1)
		status = STORE_COPY_MISMATCH;
	if (status == STORE_COPY_OK && store_commit(to) != STORE_OK) {
		set_err(err, errlen, to, "committing the target", NULL);
		status = STORE_COPY_FAILED;
	}
	if (status != STORE_COPY_OK)
		store_rollback(to);
out:
	store_rollback(from);
	return status;
}
