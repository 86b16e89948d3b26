/* smtp.h - SMTP delivery through libcurl over one reused connection. */
#ifndef NPSD_SMTP_H
#define NPSD_SMTP_H

#include <stdatomic.h>
#include <stddef.h>

#include "config.h"
#include "transport.h"

struct smtp_client;

/* abort, when not NULL, is polled during a session; once set, the session
 * ends within about a second. */
struct smtp_client *smtp_client_new(const struct config *, const char *password,
    const atomic_int *abort);
void	smtp_client_free(struct smtp_client *);
/* err: what went wrong, fit for the log (no address); reply: the server's
 * own last reply line on failure (it may name the recipient), for the
 * outbox only. */
enum transport_status smtp_send(struct smtp_client *, const char *from, const char *to,
    const char *msg, size_t len, char *err, size_t errlen, char *reply, size_t replylen);
/* How a session ended -> status: success sent; a 5xx reply permanent, a
 * 4xx temporary; no reply at all is unknown when the whole message had
 * been handed over, else temporary. */
enum transport_status smtp_classify(int curl_ok, long reply_code, int message_handed_over);

#endif
