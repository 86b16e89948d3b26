/* mhd_fake.h - owns a stand-in for one libmicrohttpd connection: the
 * harnesses fill its headers and query arguments, and the libmicrohttpd
 * functions npsd calls to read them or to queue a response are answered
 * from here (the executable's definitions take the place of the shared
 * library's). Everything else, the post processor included, is the real
 * library. */
#ifndef NPSD_FUZZ_MHD_FAKE_H
#define NPSD_FUZZ_MHD_FAKE_H

#include <stddef.h>

#include <microhttpd.h>

/* The connection npsd is handed; never dereferenced by the library calls
 * that remain real. */
extern struct MHD_Connection *const mhd_fake_connection;

/* Adds a value (value NULL: a query argument without "="); the strings
 * are copied. */
void	mhd_fake_add(enum MHD_ValueKind, const char *key, size_t keylen, const char *value,
    size_t valuelen);
void	mhd_fake_clear(void);
/* Responses queued since the last mhd_fake_clear(), and the last status. */
int	mhd_fake_responses(void);
unsigned mhd_fake_status(void);

#endif
