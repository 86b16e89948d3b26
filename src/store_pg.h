/* store_pg.h - what only the PostgreSQL driver takes: the password read
 * from [database] password_file, used for every connection it opens. */
#ifndef NPSD_STORE_PG_H
#define NPSD_STORE_PG_H

/* NULL leaves the password to the URL, PGPASSWORD or PGPASSFILE. */
void	 store_pg_set_password(const char *password);

#endif
