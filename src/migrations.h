/* migrations.h - the schema migrations compiled in from sql/. */
#ifndef NPSD_MIGRATIONS_H
#define NPSD_MIGRATIONS_H

struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
