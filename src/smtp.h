/* smtp.h - SMTP delivery through libcurl over one reused connection. */
#ifndef NPSD_SMTP_H
#define NPSD_SMTP_H

#include <stddef.h>

#include "config.h"
#include "transport.h"

struct smtp_client;

struct smtp_client *smtp_client_new(const struct config *, const char *password);
void	smtp_client_free(struct smtp_client *);
enum transport_status smtp_send(struct smtp_client *, const char *from, const char *to,
    const char *msg, size_t len, char *err, size_t errlen);
/* SMTP reply code -> status: 5xx permanent, everything else temporary. */
enum transport_status smtp_classify(int curl_ok, long reply_code);

#endif
