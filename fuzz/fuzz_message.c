/* fuzz_message.c - owns fuzzing the message builder (src/message.c):
 * message_build on every field of a mail, and the header encoders and
 * the quoted-printable encoder on their own. Whatever the fields, a built
 * message has only CRLF line ends, lines within 998 bytes, only the
 * headers npsd writes, each once; every encoder's output decodes back to
 * its input, and a header value never ends its header early.
 *
 * Input: NUL-separated fields: from_name, from_address, to_name,
 * to_address, subject, text, html, message_id, unsubscribe_url, language,
 * options (byte 0 odd: no HTML part; byte 1: columns the header name
 * takes, modulo 30). */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crypto.h"
#include "harness.h"
#include "limits.h"
#include "message.h"

#define FUZZ_NOW ((time_t)1795341600)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known_headers[] = {
	"Date", "Message-ID", "From", "To", "Subject", "MIME-Version", "Content-Language",
	"Auto-Submitted", "List-Unsubscribe", "List-Unsubscribe-Post", "Content-Type",
	"Content-Transfer-Encoding",
};
#define NKNOWN (sizeof known_headers / sizeof known_headers[0])

/* CR only before LF, LF only after CR, no line over 998 bytes. */
static void
check_lines(const char *s, size_t len)
{
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			FUZZ_CHECK(i + 1 < len && s[i + 1] == '\n');
		} else if (s[i] == '\n') {
			FUZZ_CHECK(i > 0 && s[i - 1] == '\r');
			col = 0;
			continue;
		}
		FUZZ_CHECK(s[i] != '\0');
		FUZZ_CHECK(++col <= NPSD_MAX_LINE + 1);
	}
}

static void
check_message(const struct buf *b, int with_html)
{
	const char *end, *line;
	int seen[NKNOWN] = { 0 };

	FUZZ_CHECK(b->data != NULL && strlen(b->data) == b->len);
	check_lines(b->data, b->len);
	end = strstr(b->data, "\r\n\r\n");
	FUZZ_CHECK(end != NULL);
	for (line = b->data; line < end + 2; line = strstr(line, "\r\n") + 2) {
		size_t name = strcspn(line, ":\r");
		size_t k;

		if (line[0] == ' ' || line[0] == '\t') {	/* a folded line */
			FUZZ_CHECK(line != b->data);
			continue;
		}
		FUZZ_CHECK(line[name] == ':');
		for (k = 0; k < NKNOWN; k++)
			if (strlen(known_headers[k]) == name &&
			    strncasecmp(known_headers[k], line, name) == 0)
				break;
		FUZZ_CHECK(k < NKNOWN);
		FUZZ_CHECK(!seen[k]);
		seen[k] = 1;
	}
	for (size_t k = 0; k < NKNOWN; k++) {
		/* a multipart's Content-Transfer-Encoding is in its parts; only
		 * mail with an HTML part can be unsubscribed from */
		int want = k == 11 ? !with_html : k == 8 || k == 9 ? with_html : 1;
		FUZZ_CHECK(seen[k] == want);
	}
}

/* 1 when a reader would take the token for an RFC 2047 encoded-word,
 * =?charset?B-or-Q?text?=, and decode it. */
static int
looks_encoded(const char *t, size_t len)
{
	size_t charset, text;

	if (len < 8 || strncmp(t, "=?", 2) != 0 || strncmp(t + len - 2, "?=", 2) != 0)
		return 0;
	charset = strcspn(t + 2, "?");
	if (charset == 0 || 2 + charset + 3 > len - 2 || t[2 + charset] != '?' ||
	    strchr("BbQq", t[3 + charset]) == NULL || t[4 + charset] != '?')
		return 0;
	text = len - 2 - (5 + charset);
	return memchr(t + 5 + charset, '?', text) == NULL;
}

/* Appends what an encoded-word stands for; -1 for anything but the UTF-8
 * B words npsd writes, each within 75 characters (RFC 2047 section 2). */
static int
decode_word(const char *t, size_t len, struct buf *out)
{
	static const char prefix[] = "=?UTF-8?B?";
	unsigned char bytes[64];
	long n;

	if (len > 75 || strncmp(t, prefix, sizeof prefix - 1) != 0)
		return -1;
	n = crypto_base64_decode(t + sizeof prefix - 1, len - (sizeof prefix - 1) - 2, bytes,
	    sizeof bytes);
	if (n < 0)
		return -1;
	return buf_append(out, bytes, (size_t)n);
}

/* What a reader gets back from a header value: unfolded, then for a
 * phrase a quoted-string unquoted, else every token that looks like an
 * encoded-word decoded, the white space between two such words dropped.
 * -1 when a reader could not decode it. */
static int
decode_header(const char *s, int phrase, struct buf *out)
{
	struct buf text;
	const char *p;
	int rc = 0, after_word = 0;

	buf_init(&text, NPSD_MAX_MESSAGE);
	if (strncmp(s, "\r\n ", 3) == 0)	/* no room left on the header name's line */
		s += 3;
	for (; *s != '\0'; s++) {
		if (s[0] == '\r' && s[1] == '\n')
			s++;
		else if (buf_append(&text, s, 1) == -1)
			rc = -1;
	}
	p = text.data != NULL ? text.data : "";
	if (rc == 0 && phrase && p[0] == '"') {
		size_t len = strlen(p);

		if (len < 2 || p[len - 1] != '"')
			rc = -1;
		for (size_t i = 1; rc == 0 && i + 1 < len; i++) {
			if (p[i] == '\\')
				i++;
			rc = buf_append(out, p + i, 1);
		}
		p = "";
	}
	while (rc == 0 && *p != '\0') {
		size_t ws = strspn(p, " \t"), len = strcspn(p + ws, " \t");
		int word = looks_encoded(p + ws, len);

		if (!(word && after_word) && buf_append(out, p, ws) == -1)
			rc = -1;
		else if (word)
			rc = decode_word(p + ws, len, out);
		else
			rc = buf_append(out, p + ws, len);
		after_word = word;
		p += ws + len;
	}
	buf_free(&text);
	return rc;
}

static void
check_header_encoder(int (*encode)(struct buf *, const char *, size_t), int phrase,
    const char *s, size_t used)
{
	struct buf b, decoded;

	buf_init(&b, NPSD_MAX_MESSAGE);
	buf_init(&decoded, NPSD_MAX_MESSAGE);
	if (encode(&b, s, used) == 0 && b.data != NULL) {
		check_lines(b.data, b.len);
		/* a line break inside a value is always a fold */
		for (const char *p = strstr(b.data, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n"))
			FUZZ_CHECK(p[2] == ' ' || p[2] == '\t');
		FUZZ_CHECK(decode_header(b.data, phrase, &decoded) == 0);
		FUZZ_CHECK(decoded.len == strlen(s));
		FUZZ_CHECK(decoded.len == 0 || memcmp(decoded.data, s, decoded.len) == 0);
	} else if (b.data == NULL) {
		FUZZ_CHECK(*s == '\0' || message_has_controls(s));
	}
	buf_free(&b);
	buf_free(&decoded);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
check_qp(const char *s)
{
	struct buf b, want, got;
	size_t col = 0;

	buf_init(&b, NPSD_MAX_MESSAGE);
	buf_init(&want, NPSD_MAX_MESSAGE);
	buf_init(&got, NPSD_MAX_MESSAGE);
	if (message_encode_qp(&b, s) == -1)
		goto done;
	for (const char *p = s; *p != '\0'; p++)
		if (*p != '\r' && buf_append(&want, p, 1) == -1)
			goto done;
	if (want.len > 0 && want.data[want.len - 1] != '\n' && buf_puts(&want, "\n") == -1)
		goto done;
	check_lines(b.data ? b.data : "", b.len);
	for (size_t i = 0; i < b.len; i++) {
		const char *p = b.data + i;
		char c = *p;

		if (p[0] == '\r') {	/* check_lines: a CRLF */
			FUZZ_CHECK(col <= 76);
			col = 0;
			c = '\n';
			i++;
		} else if (p[0] == '=' && p[1] == '\r') {	/* soft line break */
			FUZZ_CHECK(col + 1 <= 76);
			col = 0;
			i += 2;
			continue;
		} else if (p[0] == '=') {
			FUZZ_CHECK(hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0);
			c = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
			col += 3;
			i += 2;
		} else {
			FUZZ_CHECK((c >= 33 && c <= 126) || c == ' ' || c == '\t');
			col++;
		}
		if (buf_append(&got, &c, 1) == -1)
			goto done;
	}
	FUZZ_CHECK(got.len == want.len);
	FUZZ_CHECK(got.len == 0 || memcmp(got.data, want.data, got.len) == 0);
done:
	buf_free(&b);
	buf_free(&want);
	buf_free(&got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields f;
	struct message_parts m;
	struct buf b;
	const char *options;
	size_t used;

	if (size > 65536 || fuzz_fields_split(&f, data, size) == -1)
		return 0;
	options = f.field[10];
	m.from_name = f.field[0];
	m.from_address = f.field[1];
	m.to_name = f.field[2];
	m.to_address = f.field[3];
	m.subject = f.field[4];
	m.text = f.field[5];
	m.html = options[0] != '\0' && (options[0] & 1) ? NULL : f.field[6];
	m.message_id = f.field[7];
	m.unsubscribe_url = f.field[8];
	m.language = f.field[9];
	m.date = FUZZ_NOW;
	used = options[0] != '\0' ? (unsigned char)options[1] % 30 : 9;

	buf_init(&b, NPSD_MAX_MESSAGE);
	if (message_build(&m, &b) == 0)
		check_message(&b, m.html != NULL);
	buf_free(&b);

	check_header_encoder(message_encode_phrase, 1, m.from_name, used);
	check_header_encoder(message_encode_unstructured, 0, m.subject, used);
	check_qp(m.text);
	fuzz_fields_free(&f);
	return 0;
}
