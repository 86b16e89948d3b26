/* limits.h - every fixed limit of npsd in one place. */
#ifndef NPSD_LIMITS_H
#define NPSD_LIMITS_H

#define NPSD_MAX_BODY_DEFAULT      1048576   /* bytes of a webhook body */
#define NPSD_MAX_BODY_CEILING      (16 * 1048576)
#define NPSD_MAX_FORM_BODY         (64 * 1024) /* bytes of an answer form, URL-encoded */
#define NPSD_MAX_COMMENT_CHARS     2000      /* characters of an answer comment */
#define NPSD_MAX_COMMENT           (4 * NPSD_MAX_COMMENT_CHARS) /* its bytes in UTF-8 */
#define NPSD_PER_IP_CONNECTIONS    64        /* open connections per client address */
#define NPSD_UNKNOWN_TOKEN_LIMIT   20        /* unknown-token requests per client per window */
#define NPSD_UNKNOWN_TOKEN_WINDOW  60        /* seconds; then 429 until the window ends */
#define NPSD_RATELIMIT_CLIENTS     16384     /* client addresses remembered; the oldest goes first */
#define NPSD_MAX_TRUSTED_PROXIES   64        /* [server] trusted_proxies entries */
#define NPSD_MAX_FORWARDED_HOPS    16        /* right-most Forwarded / X-Forwarded-For entries looked at */
#define NPSD_MAX_FORWARDED_HEADER  16384     /* bytes of one such header, its lines joined */
#define NPSD_MAX_FIELD             512       /* bytes of any text field of an event */
#define NPSD_MAX_ID                254       /* bytes of ids (an e-mail address may be one) */
#define NPSD_MAX_DB_URL            1024      /* [database] url */
#define NPSD_MAX_EMAIL             254       /* RFC 5321 path limit */
#define NPSD_MAX_SECRETS           8         /* secrets per source (rotation) */
#define NPSD_CONFIG_MAX_LINE       65536     /* bytes of one configuration line */
#define NPSD_MAX_PATTERN_COST      1000      /* atom copies regcomp may make of one exclude pattern */
#define NPSD_MAX_PATTERN_DEPTH     16        /* nested groups in one exclude pattern */
#define NPSD_MAX_SOURCES           16
#define NPSD_MAX_THREADS           64
#define NPSD_MAX_MESSAGE           (256 * 1024) /* bytes of a built mail */
#define NPSD_MAX_TEMPLATE          (64 * 1024)  /* bytes of one template file */
#define NPSD_MAX_PAGE              (128 * 1024) /* bytes of a rendered page */
#define NPSD_MAX_LINE              998       /* RFC 5322 hard line limit */
#define NPSD_FOLD_LINE             76        /* soft limit we fold at */
#define NPSD_TOKEN_BYTES           16        /* 128 random bits */
#define NPSD_TOKEN_CHARS           22        /* base64url of 16 bytes, unpadded */
#define NPSD_WEBHOOK_TOLERANCE     300       /* seconds, Standard Webhooks */
#define NPSD_CLOCK_SKEW            300       /* seconds a closed_at may lie ahead; later is clamped */
#define NPSD_MAX_WEBHOOK_ID        256
#define NPSD_MAX_SIGNATURE_HEADER  2048
#define NPSD_BUSY_TIMEOUT_MS       5000
#define NPSD_RETRY_AFTER_SECONDS   5
#define NPSD_MAILER_BATCH          32        /* outbox rows per pass */
#define NPSD_MAILER_IDLE_MS        1000      /* outbox poll when idle */
#define NPSD_RETENTION_INTERVAL    3600      /* seconds between retention sweeps */
#define NPSD_BACKOFF_MAX_SECONDS   (6 * 3600)
#define NPSD_SMTP_CONNECT_TIMEOUT  20        /* seconds to open the SMTP connection */
#define NPSD_SMTP_REPLY_TEXT       512       /* bytes of a server reply kept for last_error */
#define NPSD_MAIL_LEASE            120       /* seconds a 'sending' mark holds unless renewed */
#define NPSD_MAIL_LEASE_RENEW      20        /* seconds between renewals (PostgreSQL) */
#define NPSD_RECORD_RETRY_MAX_MS   30000     /* longest wait between tries to record a delivery */
#define NPSD_STORAGE_BACKOFF_MAX   30        /* seconds the mailer idles while it cannot write */
#define NPSD_SMTP_REPLY_TIMEOUT_DEFAULT 600  /* seconds, [mail] timeout: RFC 5321 4.5.3.2 DATA end */
#define NPSD_SMTP_REPLY_TIMEOUT_MAX 3600     /* seconds, upper bound of [mail] timeout */
#define NPSD_STOP_GRACE_DEFAULT    5         /* seconds, [mail] stop_grace */
#define NPSD_STOP_GRACE_MAX        25        /* seconds; stays inside TimeoutStopSec=30 */
#define NPSD_CONNECTION_TIMEOUT    30        /* seconds without progress (e.g. a stalled reader) */
#define NPSD_MAX_CONNECTIONS       512
#define NPSD_HEADER_TIMEOUT        10        /* s from accept or last answer to end of headers */
#define NPSD_BODY_TIMEOUT          10        /* s for a body, +1 s per NPSD_BODY_MIN_RATE bytes */
#define NPSD_BODY_MIN_RATE         500       /* bytes/s a body must average beyond that */
#define NPSD_SHED_AT               (NPSD_MAX_CONNECTIONS - 64) /* from here idle ones are shed */
#define NPSD_IDLE_GRACE_MS         1000      /* ms without a byte: an idle connection */
#define NPSD_PER_IP_SLACK          32        /* shed ones an address may hold while they close */
#define NPSD_GUARD_TICK_MS         100       /* how often deadlines are checked */
#define NPSD_GUARD_REPORT_SECONDS  60        /* s between log lines about shed connections */
#define NPSD_FD_RESERVE            128       /* descriptors beyond the connections */
#define NPSD_HTTP_LOG_BURST        10        /* MHD log lines per NPSD_GUARD_REPORT_SECONDS */
#define NPSD_MAX_DURATION          (3650LL * 86400) /* ten years */
#define NPSD_MAX_PRIVACY_NOTICE    300       /* bytes of [mail] privacy_notice */
#define NPSD_MAX_PRIVACY_URL       512       /* bytes of [mail] privacy_url */
#define NPSD_MAX_TOKEN_LABEL       200       /* bytes of an API token's label */
#define NPSD_MAX_REPORT_TEAMS      64        /* teams in one report filter or token */
#define NPSD_MAX_BUCKETS           600       /* weeks or months in one report */
#define NPSD_MAX_REPORT_GROUPS     200000    /* rows of one report */

#endif
