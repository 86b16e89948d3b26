/* store_pg.c - the PostgreSQL driver of the storage layer, over libpq: one
 * connection per store, reconnected when lost; numbered migrations from
 * sql/pg/ applied under an advisory lock (several npsd may start at once),
 * each in its own transaction and recorded in npsd_schema; statements
 * written with ? or ?N parameters sent as $N; SQLSTATEs mapped to the
 * store's result codes. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "limits.h"
#include "log.h"
#include "migrations.h"
#include "store_driver.h"
#include "store_pg.h"

#define PG_INT8OID	20
#define PG_FLOAT8OID	701
#define PG_BYTEAOID	17
#define PG_BOOLOID	16
#define PG_INT2OID	21
#define PG_INT4OID	23
#define PG_FLOAT4OID	700
#define PG_NUMERICOID	1700
#define PG_PARAMS_MAX	64
/* the key of the advisory lock held while migrating */
#define PG_MIGRATION_LOCK	"7423190"

struct pg_stmt {
	struct store_stmt	 base;
	char			*sql;		/* with $N parameters */
	char			*orig;		/* as written, for the cache */
	int			 nparams;
	char			*values[PG_PARAMS_MAX];
	int			 lengths[PG_PARAMS_MAX];
	int			 formats[PG_PARAMS_MAX];
	unsigned int		 types[PG_PARAMS_MAX];
	PGresult		*res;
	int			 row, nrows, executed, busy;
	unsigned char		*blob;		/* the last column_blob, decoded */
	size_t			 bloblen;
	struct pg_stmt		*next;
};

struct pg_store {
	struct store		 base;
	PGconn			*conn;
	char			 err[512];
	long long		 changes;
	int			 in_transaction;	/* between begin and commit/rollback */
	struct pg_stmt		*cache;
};

#define PS(s)	((struct pg_store *)(void *)(s))
#define PT(s)	((struct pg_stmt *)(void *)(s))

static char *pg_password;

void
store_pg_set_password(const char *password)
{
	if (pg_password != NULL) {
		explicit_bzero(pg_password, strlen(pg_password));
		free(pg_password);
	}
	pg_password = password != NULL ? strdup(password) : NULL;
}

static void
set_err(struct pg_store *s, const char *msg)
{
	size_t n;

	snprintf(s->err, sizeof s->err, "%s", msg != NULL && *msg ? msg : "PostgreSQL error");
	n = strlen(s->err);
	while (n > 0 && (s->err[n - 1] == '\n' || s->err[n - 1] == ' '))
		s->err[--n] = '\0';
}

/* The store's code for a failed result. */
static int
result_code(struct pg_store *s, PGresult *res)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	set_err(s, res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(s->conn));
	if (PQstatus(s->conn) != CONNECTION_OK || state == NULL)
		return STORE_IOERR;
	if (strncmp(state, "23", 2) == 0)
		return STORE_CONSTRAINT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return STORE_BUSY;
	if (strncmp(state, "53", 2) == 0)
		return STORE_FULL;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return STORE_IOERR;
	if (strcmp(state, "25006") == 0)
		return STORE_READONLY;
	return STORE_ERROR;
}

static int run(struct pg_store *, const char *);

/* The session's settings, on every new or re-opened connection: a row
 * lock waits as long as SQLite's busy timeout, then the statement fails
 * as busy (HTTP 503, resent by the ticket system). */
static int
session_setup(struct pg_store *s)
{
	char lock_timeout[64];

	snprintf(lock_timeout, sizeof lock_timeout, "SET lock_timeout = %d",
	    NPSD_BUSY_TIMEOUT_MS);
	if (run(s, "SET client_min_messages = warning") != STORE_OK ||
	    run(s, "SET TIME ZONE 'UTC'") != STORE_OK || run(s, lock_timeout) != STORE_OK)
		return -1;
	return 0;
}

/* A lost connection is opened again before the next statement outside a
 * transaction (one that was open is gone with the connection, and its
 * caller sees the error). */
static int
ensure_connected(struct pg_store *s)
{
	if (PQstatus(s->conn) == CONNECTION_OK)
		return 0;
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK || session_setup(s) == -1) {
		set_err(s, PQerrorMessage(s->conn));
		return -1;
	}
	log_info("postgresql: connection re-opened");
	return 0;
}

static int
run(struct pg_store *s, const char *sql)
{
	PGresult *res;
	int rc = STORE_OK;

	if (PQstatus(s->conn) != CONNECTION_OK &&
	    (s->in_transaction || ensure_connected(s) == -1)) {
		set_err(s, PQerrorMessage(s->conn));
		return STORE_IOERR;
	}
	res = PQexec(s->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = result_code(s, res);
	PQclear(res);
	return rc;
}

static int
pg_exec(struct store *s, const char *sql)
{
	int rc = run(PS(s), sql);

	if (rc != STORE_OK)
		log_warnx("postgresql: %s", PS(s)->err);
	return rc;
}

static int
version_of(PGconn *conn)
{
	PGresult *res = PQexec(conn, "SELECT coalesce(max(version), 0) FROM npsd_schema");
	int v = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else if (PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL &&
	    strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42P01") == 0)
		v = 0;	/* no table yet: a new database */
	PQclear(res);
	return v;
}

static int
pg_schema_version(struct store *s)
{
	return version_of(PS(s)->conn);
}

static int
migrate(struct pg_store *s, char *err, size_t errlen)
{
	int current, latest = store_latest_version(STORE_POSTGRESQL), rc = 0;

	if (run(s, "SELECT pg_advisory_lock(" PG_MIGRATION_LOCK ")") != STORE_OK) {
		snprintf(err, errlen, "cannot take the migration lock: %s", s->err);
		return -1;
	}
	if (run(s, "CREATE TABLE IF NOT EXISTS npsd_schema (version INTEGER PRIMARY KEY, "
	    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)") != STORE_OK) {
		snprintf(err, errlen, "cannot create npsd_schema: %s", s->err);
		rc = -1;
		goto out;
	}
	if ((current = version_of(s->conn)) < 0) {
		snprintf(err, errlen, "cannot read the schema version: %s",
		    PQerrorMessage(s->conn));
		rc = -1;
		goto out;
	}
	if (current > latest) {
		snprintf(err, errlen, "database schema version %d is newer than this npsd (%d)",
		    current, latest);
		rc = -1;
		goto out;
	}
	for (int i = 0; i < migrations_pg_count; i++) {
		const struct migration *m = &migrations_pg[i];
		char record[256];

		if (m->version != i + 1) {
			snprintf(err, errlen, "migration pg/%s is out of sequence", m->name);
			rc = -1;
			goto out;
		}
		if (m->version <= current)
			continue;
		snprintf(record, sizeof record, "INSERT INTO npsd_schema VALUES (%d, '%s', "
		    "extract(epoch FROM now())::bigint)", m->version, m->name);
		if (run(s, "BEGIN") != STORE_OK || run(s, m->sql) != STORE_OK ||
		    run(s, record) != STORE_OK || run(s, "COMMIT") != STORE_OK) {
			snprintf(err, errlen, "migration pg/%s: %s", m->name, s->err);
			run(s, "ROLLBACK");
			rc = -1;
			goto out;
		}
		log_info("database migrated to version %d (pg/%s)", m->version, m->name);
	}
out:
	run(s, "SELECT pg_advisory_unlock(" PG_MIGRATION_LOCK ")");
	return rc;
}

static void
pg_close(struct store *s)
{
	struct pg_stmt *c, *next;

	if (s == NULL)
		return;
	for (c = PS(s)->cache; c != NULL; c = next) {
		next = c->next;
		c->base.cached = 0;
		store_postgresql_driver.finalize(&c->base);
	}
	PQfinish(PS(s)->conn);
	free(s);
}

static struct store *
pg_open(const char *url, int synchronous, int do_migrate, char *err, size_t errlen)
{
	/* defaults first: the URL (dbname, expanded) overrides them, and a
	 * password from [database] password_file overrides the URL's */
	const char *keys[] = { "application_name", "connect_timeout", "keepalives",
	    "keepalives_idle", "keepalives_interval", "keepalives_count", "dbname",
	    "password", NULL };
	const char *vals[] = { "npsd", "10", "1", "30", "10", "3", url, pg_password, NULL };
	struct pg_store *s;
	int v;

	(void)synchronous;
	if (pg_password == NULL)
		keys[7] = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.drv = &store_postgresql_driver;
	s->conn = PQconnectdbParams(keys, vals, 1);
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		set_err(s, s->conn != NULL ? PQerrorMessage(s->conn) : "out of memory");
		snprintf(err, errlen, "postgresql: %s", s->err);
		pg_close(&s->base);
		return NULL;
	}
	if (session_setup(s) == -1) {
		snprintf(err, errlen, "postgresql: %s", s->err);
		pg_close(&s->base);
		return NULL;
	}
	if (do_migrate && migrate(s, err, errlen) == -1) {
		pg_close(&s->base);
		return NULL;
	}
	if (!do_migrate && (v = version_of(s->conn)) != store_latest_version(STORE_POSTGRESQL)) {
		snprintf(err, errlen, "postgresql: schema version %d, expected %d (start npsd "
		    "once to migrate)", v, store_latest_version(STORE_POSTGRESQL));
		pg_close(&s->base);
		return NULL;
	}
	return &s->base;
}

static int
pg_begin(struct store *s)
{
	int rc = run(PS(s), "BEGIN");

	PS(s)->in_transaction = rc == STORE_OK;
	return rc;
}

static void
pg_rollback(struct store *s)
{
	PS(s)->in_transaction = 0;
	if (PQstatus(PS(s)->conn) == CONNECTION_OK &&
	    PQtransactionStatus(PS(s)->conn) != PQTRANS_IDLE)
		run(PS(s), "ROLLBACK");
}

static int
pg_commit(struct store *s)
{
	PGresult *res;
	int rc = STORE_OK;

	PS(s)->in_transaction = 0;
	res = PQexec(PS(s)->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = result_code(PS(s), res);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		/* a statement failed in the transaction: nothing was kept */
		set_err(PS(s), "the transaction was rolled back after an error");
		rc = STORE_ERROR;
	}
	PQclear(res);
	if (rc != STORE_OK)
		pg_rollback(s);
	return rc;
}

static const char *
pg_errmsg(struct store *s)
{
	return PS(s)->err[0] ? PS(s)->err : PQerrorMessage(PS(s)->conn);
}

static int
pg_writable(struct store *s)
{
	return ensure_connected(PS(s)) == 0 && run(PS(s), "SELECT 1") == STORE_OK;
}

static long long
pg_changes(struct store *s)
{
	return PS(s)->changes;
}

/* sql with ? and ?N written as $N, skipping quoted text; -1 on too many
 * parameters. */
static int
number_params(const char *sql, char **out)
{
	size_t len = strlen(sql);
	char *o = malloc(len * 3 + 1), *p = o;
	int max = 0;
	char quote = 0;

	if (o == NULL)
		return -1;
	for (const char *s = sql; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			*p++ = *s;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			*p++ = *s;
		} else if (*s == '?') {
			int n;

			if (s[1] >= '0' && s[1] <= '9') {
				n = (int)strtol(s + 1, (char **)&s, 10);
				s--;
			} else
				n = max + 1;
			if (n < 1 || n > PG_PARAMS_MAX) {
				free(o);
				return -1;
			}
			if (n > max)
				max = n;
			p += snprintf(p, 4, "$%d", n);
		} else
			*p++ = *s;
	}
	*p = '\0';
	*out = o;
	return max;
}

static void
clear_result(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->executed = 0;
	st->row = -1;
	st->nrows = 0;
	free(st->blob);
	st->blob = NULL;
}

static struct store_stmt *
pg_prepare(struct store *s, const char *sql, int cached)
{
	struct pg_stmt *st;

	if (cached)
		for (st = PS(s)->cache; st != NULL; st = st->next)
			if (!st->busy && strcmp(st->orig, sql) == 0) {
				st->busy = 1;
				return &st->base;
			}
	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	st->base.db = s;
	st->base.cached = cached;
	st->row = -1;
	if ((st->nparams = number_params(sql, &st->sql)) < 0 ||
	    (st->orig = strdup(sql)) == NULL) {
		log_warnx("postgresql prepare: too many parameters in %s", sql);
		free(st->sql);
		free(st);
		return NULL;
	}
	if (cached) {
		st->busy = 1;
		st->next = PS(s)->cache;
		PS(s)->cache = st;
	}
	return &st->base;
}

static void
clear_bindings(struct pg_stmt *st)
{
	for (int i = 0; i < PG_PARAMS_MAX; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
		st->lengths[i] = st->formats[i] = 0;
		st->types[i] = 0;
	}
}

static void
pg_reset(struct store_stmt *base, int clear)
{
	struct pg_stmt *st = PT(base);

	clear_result(st);
	if (clear) {
		clear_bindings(st);
		if (base->cached)
			st->busy = 0;
	}
}

static void
pg_finalize(struct store_stmt *base)
{
	struct pg_stmt *st = PT(base);

	clear_result(st);
	clear_bindings(st);
	free(st->sql);
	free(st->orig);
	free(st);
}

static int
bind(struct pg_stmt *st, int idx, char *value, size_t len, int format, unsigned type)
{
	if (idx < 1 || idx > PG_PARAMS_MAX) {
		free(value);
		return STORE_ERROR;
	}
	free(st->values[idx - 1]);
	st->values[idx - 1] = value;
	st->lengths[idx - 1] = (int)len;
	st->formats[idx - 1] = format;
	st->types[idx - 1] = type;
	return STORE_OK;
}

static int
pg_bind_int64(struct store_stmt *st, int idx, long long v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", v);
	return bind(PT(st), idx, strdup(buf), strlen(buf), 0, PG_INT8OID);
}

static int
pg_bind_double(struct store_stmt *st, int idx, double v)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%.17g", v);
	return bind(PT(st), idx, strdup(buf), strlen(buf), 0, PG_FLOAT8OID);
}

static int
pg_bind_text(struct store_stmt *st, int idx, const char *s, size_t len)
{
	char *v = malloc(len + 1);

	if (v == NULL)
		return STORE_ERROR;
	memcpy(v, s, len);
	v[len] = '\0';
	/* type left to the server: the column or operator decides */
	return bind(PT(st), idx, v, len, 0, 0);
}

static int
pg_bind_blob(struct store_stmt *st, int idx, const void *p, size_t len)
{
	char *v = malloc(len + 1);

	if (v == NULL)
		return STORE_ERROR;
	memcpy(v, p, len);
	return bind(PT(st), idx, v, len, 1, PG_BYTEAOID);
}

static int
pg_bind_null(struct store_stmt *st, int idx)
{
	return bind(PT(st), idx, NULL, 0, 0, 0);
}

static int
pg_step(struct store_stmt *base)
{
	struct pg_stmt *st = PT(base);
	struct pg_store *s = PS(base->db);
	ExecStatusType status;

	if (!st->executed) {
		/* never re-open inside a transaction: what came before is gone */
		if (PQstatus(s->conn) != CONNECTION_OK &&
		    (s->in_transaction || ensure_connected(s) == -1)) {
			set_err(s, PQerrorMessage(s->conn));
			return STORE_IOERR;
		}
		st->res = PQexecParams(s->conn, st->sql, st->nparams, st->types,
		    (const char *const *)st->values, st->lengths, st->formats, 0);
		st->executed = 1;
		status = PQresultStatus(st->res);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			int rc = result_code(s, st->res);

			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		s->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
		st->nrows = status == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
	}
	free(st->blob);
	st->blob = NULL;
	if (st->row + 1 < st->nrows) {
		st->row++;
		return STORE_ROW;
	}
	st->row = st->nrows;
	return STORE_DONE;
}

static int
valid_cell(struct pg_stmt *st, int col)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	    col < PQnfields(st->res);
}

static int
pg_column_is_null(struct store_stmt *base, int col)
{
	struct pg_stmt *st = PT(base);

	return !valid_cell(st, col) || PQgetisnull(st->res, st->row, col);
}

static long long
pg_column_int64(struct store_stmt *base, int col)
{
	struct pg_stmt *st = PT(base);
	const char *v;

	if (pg_column_is_null(base, col))
		return 0;
	v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == PG_BOOLOID)
		return v[0] == 't';
	if (strpbrk(v, ".eE") != NULL)
		return (long long)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double
pg_column_double(struct store_stmt *base, int col)
{
	struct pg_stmt *st = PT(base);

	if (pg_column_is_null(base, col))
		return 0;
	if (PQftype(st->res, col) == PG_BOOLOID)
		return PQgetvalue(st->res, st->row, col)[0] == 't';
	return strtod(PQgetvalue(st->res, st->row, col), NULL);
}

static const char *
pg_column_text(struct store_stmt *base, int col)
{
	struct pg_stmt *st = PT(base);

	if (pg_column_is_null(base, col))
		return NULL;
	if (PQftype(st->res, col) == PG_BOOLOID)
		return PQgetvalue(st->res, st->row, col)[0] == 't' ? "1" : "0";
	return PQgetvalue(st->res, st->row, col);
}

static const void *
pg_column_blob(struct store_stmt *base, int col, size_t *len)
{
	struct pg_stmt *st = PT(base);
	const char *v;

	*len = 0;
	if (pg_column_is_null(base, col))
		return NULL;
	v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) != PG_BYTEAOID) {
		*len = (size_t)PQgetlength(st->res, st->row, col);
		return v;
	}
	free(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)v, &st->bloblen);
	*len = st->blob != NULL ? st->bloblen : 0;
	return st->blob;
}

static int
pg_column_count(struct store_stmt *base)
{
	return PT(base)->res != NULL ? PQnfields(PT(base)->res) : 0;
}

static const char *
pg_column_name(struct store_stmt *base, int col)
{
	return PT(base)->res != NULL ? PQfname(PT(base)->res, col) : NULL;
}

static enum store_type
pg_column_type(struct store_stmt *base, int col)
{
	if (pg_column_is_null(base, col))
		return STORE_TYPE_NULL;
	switch (PQftype(PT(base)->res, col)) {
	case PG_INT8OID:
	case PG_INT2OID:
	case PG_INT4OID:
	case PG_BOOLOID:
		return STORE_TYPE_INT;
	case PG_FLOAT4OID:
	case PG_FLOAT8OID:
	case PG_NUMERICOID:
		return STORE_TYPE_FLOAT;
	case PG_BYTEAOID:
		return STORE_TYPE_BLOB;
	}
	return STORE_TYPE_TEXT;
}

const struct store_driver store_postgresql_driver = {
	.backend = STORE_POSTGRESQL,
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.errmsg = pg_errmsg,
	.schema_version = pg_schema_version,
	.writable = pg_writable,
	.changes = pg_changes,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.column_is_null = pg_column_is_null,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
};
