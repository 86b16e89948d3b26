/* message.c - owns the survey mail's wire format: header safety, RFC 2047
 * encoded words, quoted-printable bodies and the multipart/alternative
 * structure. Pure: no I/O, so every rule is unit-tested. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "limits.h"
#include "message.h"

#define ENCODED_WORD_MAX 75

int
message_has_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

int
message_address_valid(const char *s)
{
	const char *at = strrchr(s, '@');
	size_t len = strlen(s);

	if (len < 3 || len > NPSD_MAX_EMAIL || at == NULL || at == s || at[1] == '\0')
		return 0;
	if (strchr(s, '@') != at)
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("\"(),:;<>[\\]", c) != NULL)
			return 0;
	}
	if (at[1] == '.' || s[len - 1] == '.' || strstr(at, "..") != NULL ||
	    strchr(at, '.') == NULL)
		return 0;
	return 1;
}

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
is_printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Length of the UTF-8 sequence that starts with c (1 for stray bytes). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* B encoded-words; each word stays within 75 characters and never splits a
 * UTF-8 sequence; words after the first go on folded lines. used is how
 * much of the current line the header name already takes. */
static int
encode_words(struct buf *b, const char *s, size_t used)
{
	static const char prefix[] = "=?UTF-8?B?";
	size_t len = strlen(s), pos = 0;
	int first = 1;

	while (pos < len) {
		/* room on this line for base64 text, in whole quanta */
		size_t line_used = first ? used : 1;
		size_t room = 78 - line_used - (sizeof prefix - 1) - 2;
		size_t max_in, take = 0;
		char out[80];

		if (room > ENCODED_WORD_MAX - (sizeof prefix - 1) - 2)
			room = ENCODED_WORD_MAX - (sizeof prefix - 1) - 2;
		max_in = room / 4 * 3;
		if (first && max_in < 12) {	/* too little room: start on a new line */
			if (buf_puts(b, "\r\n ") == -1)
				return -1;
			first = 0;
			continue;
		}
		while (pos + take < len) {
			size_t n = utf8_len((unsigned char)s[pos + take]);
			if (pos + take + n > len)
				n = len - pos - take;
			if (take + n > max_in)
				break;
			take += n;
		}
		if (!first && buf_puts(b, pos > 0 ? "\r\n " : "") == -1)
			return -1;
		crypto_base64_encode((const unsigned char *)s + pos, take, out);
		if (buf_printf(b, "%s%s?=", prefix, out) == -1)
			return -1;
		pos += take;
		first = 0;
	}
	return 0;
}

int
message_encode_phrase(struct buf *b, const char *s, size_t used)
{
	size_t len = strlen(s);
	int atoms = 1;

	if (message_has_controls(s))
		return -1;
	if (len == 0)
		return 0;
	if (strstr(s, "=?") != NULL)	/* text a reader would decode: encode it */
		return encode_words(b, s, used);
	for (const char *p = s; *p != '\0'; p++)
		if (!is_atext((unsigned char)*p) && *p != ' ')
			atoms = 0;
	if (atoms && s[0] != ' ' && s[len - 1] != ' ' && used + len <= 78)
		return buf_puts(b, s);
	if (is_printable_ascii(s) && used + len + 2 + len / 4 <= 78) {
		if (buf_puts(b, "\"") == -1)
			return -1;
		for (const char *p = s; *p != '\0'; p++) {
			if ((*p == '"' || *p == '\\') && buf_puts(b, "\\") == -1)
				return -1;
			if (buf_append(b, p, 1) == -1)
				return -1;
		}
		return buf_puts(b, "\"");
	}
	return encode_words(b, s, used);
}

/* Printable ASCII folded at spaces so no line passes 78 characters;
 * -1 when a single word is too long for that. */
static int
fold_ascii(struct buf *b, const char *s, size_t used)
{
	size_t col = used;

	while (*s != '\0') {
		size_t spaces = strspn(s, " "), word = strcspn(s + spaces, " ");

		if (word > 76)
			return -1;
		/* fold by putting CRLF before the white space of the next word */
		if (col > used && spaces > 0 && col + spaces + word > 78) {
			if (buf_puts(b, "\r\n") == -1)
				return -1;
			col = 0;
		}
		if (buf_append(b, s, spaces + word) == -1)
			return -1;
		col += spaces + word;
		s += spaces + word;
	}
	return 0;
}

int
message_encode_unstructured(struct buf *b, const char *s, size_t used)
{
	size_t mark = b->len;

	if (message_has_controls(s))
		return -1;
	if (is_printable_ascii(s) && strstr(s, "=?") == NULL) {
		if (fold_ascii(b, s, used) == 0)
			return 0;
		b->len = mark;	/* a word too long to fold: encode instead */
		if (b->data != NULL)
			b->data[mark] = '\0';
	}
	return encode_words(b, s, used);
}

int
message_encode_qp(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		char enc[4];
		size_t n;

		if (*p == '\r')
			continue;
		if (*p == '\n') {
			if (buf_puts(b, "\r\n") == -1)
				return -1;
			col = 0;
			continue;
		}
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && p[1] != '\n' && p[1] != '\r' && p[1] != '\0')) {
			enc[0] = (char)*p;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			n = 3;
		}
		if (col + n > 75) {
			if (buf_puts(b, "=\r\n") == -1)
				return -1;
			col = 0;
		}
		if (buf_append(b, enc, n) == -1)
			return -1;
		col += n;
	}
	if (col > 0)
		return buf_puts(b, "\r\n");
	return 0;
}

static int
add_mailbox(struct buf *b, const char *header, const char *name, const char *address)
{
	size_t used = strlen(header) + 2;

	if (!message_address_valid(address))
		return -1;
	if (buf_printf(b, "%s: ", header) == -1)
		return -1;
	if (name != NULL && *name != '\0') {
		if (message_encode_phrase(b, name, used) == -1)
			return -1;
		return buf_printf(b, " <%s>\r\n", address);
	}
	return buf_printf(b, "%s\r\n", address);
}

static void
rfc5322_date(time_t t, char *out, size_t outlen)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

static int
safe_token(const char *s)
{
	return s != NULL && *s != '\0' && is_printable_ascii(s) && strpbrk(s, " <>\"") == NULL &&
	    strlen(s) < 200;
}

int
message_build(const struct message_parts *m, struct buf *b)
{
	char date[64], hash[CRYPTO_SHA256_HEX], boundary[40];

	if (!safe_token(m->message_id) || !safe_token(m->language) ||
	    (m->html != NULL && !safe_token(m->unsubscribe_url)) ||
	    message_has_controls(m->subject))
		return -1;
	rfc5322_date(m->date, date, sizeof date);
	if (buf_printf(b, "Date: %s\r\n", date) == -1 ||
	    buf_printf(b, "Message-ID: <%s>\r\n", m->message_id) == -1 ||
	    add_mailbox(b, "From", m->from_name, m->from_address) == -1 ||
	    add_mailbox(b, "To", m->to_name, m->to_address) == -1 ||
	    buf_puts(b, "Subject: ") == -1 ||
	    message_encode_unstructured(b, m->subject, 9) == -1 ||
	    buf_puts(b, "\r\nMIME-Version: 1.0\r\n") == -1 ||
	    buf_printf(b, "Content-Language: %s\r\n", m->language) == -1 ||
	    buf_puts(b, "Auto-Submitted: auto-generated\r\n") == -1)
		return -1;
	if (m->html == NULL)	/* to staff: text only, nothing to unsubscribe from */
		return buf_puts(b, "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n") == -1 ||
		    message_encode_qp(b, m->text) == -1 || buf_puts(b, "\r\n") == -1 ? -1 : 0;

	crypto_sha256_hex(m->message_id, strlen(m->message_id), hash);
	snprintf(boundary, sizeof boundary, "=_npsd_%.24s", hash);
	if (buf_printf(b, "List-Unsubscribe: <%s>\r\n", m->unsubscribe_url) == -1 ||
	    buf_puts(b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") == -1 ||
	    buf_printf(b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
		boundary) == -1 ||
	    buf_puts(b, "This is a multi-part message in MIME format.\r\n") == -1)
		return -1;
	if (buf_printf(b, "\r\n--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary) == -1 ||
	    message_encode_qp(b, m->text) == -1 ||
	    buf_printf(b, "\r\n--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary) == -1 ||
	    message_encode_qp(b, m->html) == -1 ||
	    buf_printf(b, "\r\n--%s--\r\n", boundary) == -1)
		return -1;
	return 0;
}
