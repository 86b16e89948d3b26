/* glpi_lookup.h - the worker thread that looks up, through GLPI's API,
 * the requester's address of each GLPI close waiting for it. */
#ifndef NPSD_GLPI_LOOKUP_H
#define NPSD_GLPI_LOOKUP_H

#include "config.h"
#include "policy.h"

/* cfg stays the daemon's (its [source.glpi] is read under
 * config_reload_lock, so SIGHUP applies); on_scheduled is called after a
 * survey was scheduled (to wake the mailer). */
int	glpi_lookup_start(const struct config *cfg, const struct policy *,
    void (*on_scheduled)(void));
/* A close may be waiting: look now rather than at the next timer. */
void	glpi_lookup_wake(void);
/* Cuts a call in flight short and ends the thread. */
void	glpi_lookup_stop(void);

#endif
