/* store_settings.h - named operations on what npsd keeps for itself (the
 * form-signing key) and on the page views the bot check reads. */
#ifndef NPSD_STORE_SETTINGS_H
#define NPSD_STORE_SETTINGS_H

#include <stddef.h>

#include "store.h"

/* The blob setting `name` of exactly len bytes into value; when there is
 * none, fresh (len bytes) is stored and read back. Several instances
 * starting at once all end with the value the first one stored. */
int	store_setting_get_or_create(struct store *, const char *name, void *value,
	    const void *fresh, size_t len);
/* The number of different scores viewed for survey between from_ms and
 * to_ms (pages and HEAD requests), or -1 on error. */
int	store_page_view_scores(struct store *, long long survey, long long from_ms,
	    long long to_ms);

#endif
