/* migrations.h - the schema migrations compiled in from sql/ (SQLite) and sql/pg/
 * (PostgreSQL). */
#ifndef NPSD_MIGRATIONS_H
#define NPSD_MIGRATIONS_H

struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct migration migrations[];
extern const int migrations_count;
/* PostgreSQL's own, from sql/pg/ */
extern const struct migration migrations_pg[];
extern const int migrations_pg_count;

#endif
