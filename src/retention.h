/* retention.h - erasing personal data once [retention] personal_data has
 * passed. */
#ifndef NPSD_RETENTION_H
#define NPSD_RETENTION_H

#include <sqlite3.h>
#include <time.h>

/* In one transaction: requesters' addresses and names of surveys closed
 * more than keep seconds ago (once no mail for them can follow), comments
 * of answers given more than keep ago (every version), and the recipients
 * of old outbox rows. Returns the number of rows changed, or -1. */
long long retention_sweep(sqlite3 *, long long keep, time_t now);

#endif
