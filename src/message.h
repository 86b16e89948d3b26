/* message.h - building RFC 5322 survey messages; no I/O. */
#ifndef NPSD_MESSAGE_H
#define NPSD_MESSAGE_H

#include <time.h>

#include "buf.h"

struct message_parts {
	const char	*from_name, *from_address;
	const char	*to_name, *to_address;
	const char	*subject;
	const char	*text;		/* UTF-8, LF or CRLF line ends */
	const char	*html;
	const char	*message_id;	/* without angle brackets */
	const char	*unsubscribe_url;	/* for List-Unsubscribe */
	const char	*language;	/* Content-Language */
	time_t		 date;
};

/* 1 when s is an addr-spec we accept: local@domain, printable ASCII, no
 * spaces, quotes, angle brackets or control characters, within 254 bytes. */
int	message_address_valid(const char *s);
/* 1 when s holds CR, LF or any other C0 control other than TAB. */
int	message_has_controls(const char *s);
/* Appends a display name or unstructured text safe for a header: atoms as
 * they are, else a quoted-string, else RFC 2047 B encoded-words (always
 * those when the text holds "=?", which a reader would decode). */
int	message_encode_phrase(struct buf *, const char *text, size_t used);
int	message_encode_unstructured(struct buf *, const char *text, size_t used);
/* Quoted-printable body, CRLF line ends, lines within 76 characters. */
int	message_encode_qp(struct buf *, const char *text);
/* Builds the whole message into out: text and HTML with List-Unsubscribe
 * for requesters; text only when html is NULL (mail to staff). -1 if a
 * field would break a header. */
int	message_build(const struct message_parts *, struct buf *out);

#endif
