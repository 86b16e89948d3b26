/* fuzz_form.c - owns fuzzing the answer and sign-in form handling of
 * src/http.c: the request's first call (media type, cross-site and length
 * checks), the body fed in fuzzer-chosen pieces through libmicrohttpd's
 * real URL-encoded post processor into http.c's field callback, the
 * handler's http_form_finish(), and the completion callback. http.c is
 * compiled into this file so its static callbacks can be driven; the
 * connection is mhd_fake.c's.
 *
 * Input: NUL-separated fields: body, piece sizes (one byte each, 0 = the
 * rest), Content-Type, Sec-Fetch-Site, Origin, Content-Length, public_url,
 * the raw request target, a second Content-Length, Transfer-Encoding; an
 * empty field is an absent header (or the default). Whatever the pieces,
 * the handler sees each field as the body holds it (the last of a name,
 * comments joined), or marked too long. */
#include "../src/http.c"

#include <stdint.h>

#include "harness.h"
#include "mhd_fake.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config fuzz_config;
static int handler_calls;

static void
check_fixed(const char *field, size_t size, int too_long)
{
	if (!too_long)
		FUZZ_CHECK(memchr(field, '\0', size) != NULL);
}

static void
check_form(const struct form *f)
{
	check_fixed(f->stamp, sizeof f->stamp, f->stamp_too_long);
	check_fixed(f->score, sizeof f->score, f->score_too_long);
	check_fixed(f->email, sizeof f->email, f->email_too_long);
	check_fixed(f->csrf, sizeof f->csrf, f->csrf_too_long);
	FUZZ_CHECK(f->comment.len <= NPSD_MAX_COMMENT);
	if (f->comment.data != NULL)
		FUZZ_CHECK(f->comment.data[f->comment.len] == '\0');
	else
		FUZZ_CHECK(f->comment.len == 0);
}

/* The body being posted, for the handler to compare with. */
static const char *posted;

static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* '+' and %XX decoded into out (at most outlen bytes); the decoded length. */
static size_t
form_decode(const char *s, size_t len, char *out, size_t outlen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < outlen; i++) {
		if (s[i] == '%' && i + 2 < len && hex_digit(s[i + 1]) >= 0 &&
		    hex_digit(s[i + 2]) >= 0) {
			out[n++] = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
			i += 2;
		} else {
			out[n++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	return n;
}

/* What the field named name should hold after the whole body: the last
 * value (a fixed field) or all values joined (the comment). */
static void
expect_field(const char *name, int join, size_t max, char *value, size_t *valuelen,
    int *too_long)
{
	char key[64], decoded[4096];
	const char *p = posted;

	*valuelen = 0;
	*too_long = 0;
	while (*p != '\0') {
		size_t pair = strcspn(p, "&"), klen = strcspn(p, "=&"), n;

		n = form_decode(p, klen, key, sizeof key - 1);
		key[n] = '\0';
		if (strcmp(key, name) == 0) {	/* a %00 ends a name, as in libmicrohttpd */
			const char *v = p + klen + (p[klen] == '=');
			size_t vlen = pair - (size_t)(v - p);

			n = form_decode(v, vlen, decoded, sizeof decoded);
			if (join && !*too_long && *valuelen + n <= max) {
				memcpy(value + *valuelen, decoded, n);
				*valuelen += n;
			} else if (join || n >= max) {
				*too_long = 1;
			} else if (!*too_long) {
				memcpy(value, decoded, n);
				*valuelen = n;
			}
		}
		p += pair + (p[pair] == '&');
	}
}

static void
check_field(const char *name, const char *got, size_t size, int got_too_long)
{
	char want[NPSD_MAX_COMMENT + 1];
	size_t len;
	int too_long;

	expect_field(name, 0, size, want, &len, &too_long);
	FUZZ_CHECK(got_too_long == too_long);
	if (!too_long && len > 0)
		FUZZ_CHECK(memcmp(got, want, len) == 0 && got[len] == '\0');
}

/* What the answer and sign-in handlers do first, then the fields
 * compared with the body. */
static enum MHD_Result
form_handler(struct request *req)
{
	const struct form *f = &req->form;
	char want[NPSD_MAX_COMMENT + 1];
	size_t len;
	int too_long;

	handler_calls++;
	check_form(f);
	http_form_finish(req);
	FUZZ_CHECK(req->post == NULL);
	check_form(f);
	if (strlen(posted) <= 4000) {
		check_field("score", f->score, sizeof f->score, f->score_too_long);
		check_field("r", f->stamp, sizeof f->stamp, f->stamp_too_long);
		check_field("email", f->email, sizeof f->email, f->email_too_long);
		check_field("csrf", f->csrf, sizeof f->csrf, f->csrf_too_long);
		expect_field("comment", 1, NPSD_MAX_COMMENT, want, &len, &too_long);
		FUZZ_CHECK(f->comment_too_long == too_long);
		if (!too_long)
			FUZZ_CHECK(f->comment.len == len &&
			    (len == 0 || memcmp(f->comment.data, want, len) == 0));
	}
	return http_text(req, MHD_HTTP_OK, "text/plain", "ok\n");
}

static const struct route form_route = {
	"POST", "/s/", 0, BODY_FORM, form_handler, NULL,
};

const struct route *
routes_find(const char *method, const char *url, char *allow, size_t allowlen)
{
	(void)method;
	(void)url;
	if (allowlen > 0)
		allow[0] = '\0';
	return &form_route;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	config_defaults(&fuzz_config);
	return 0;
}

static void
add_header(const char *name, const char *value)
{
	if (*value != '\0')
		mhd_fake_add(MHD_HEADER_KIND, name, strlen(name), value, strlen(value));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields f;
	const char *body, *pieces, *target, *default_url = fuzz_config.public_url;
	void *con_cls;
	size_t zero = 0, pos = 0, len, npieces;
	enum MHD_Result ret;

	if (fuzz_fields_split(&f, data, size) == -1)
		return 0;
	body = f.field[0];
	pieces = f.field[1];
	npieces = strlen(pieces);
	add_header(MHD_HTTP_HEADER_CONTENT_TYPE, f.field[2]);
	add_header("Sec-Fetch-Site", f.field[3]);
	add_header("Origin", f.field[4]);
	add_header(MHD_HTTP_HEADER_CONTENT_LENGTH, f.field[5]);
	if (*f.field[6] != '\0')
		fuzz_config.public_url = (char *)f.field[6];
	target = *f.field[7] != '\0' ? f.field[7] : "/s/tok";
	add_header(MHD_HTTP_HEADER_CONTENT_LENGTH, f.field[8]);
	add_header(MHD_HTTP_HEADER_TRANSFER_ENCODING, f.field[9]);
	handler_calls = 0;
	posted = body;

	/* as libmicrohttpd calls http.c: the raw target, then the headers,
	 * the body in pieces, the end of the body, the completion */
	con_cls = request_begin(NULL, target, mhd_fake_connection);
	FUZZ_CHECK(con_cls != NULL);
	ret = access_handler(&fuzz_config, mhd_fake_connection, target, "POST", "HTTP/1.1",
	    NULL, &zero, &con_cls);
	len = strlen(body);
	for (size_t i = 0; ret == MHD_YES && mhd_fake_responses() == 0 && pos < len; i++) {
		size_t step = i < npieces && (unsigned char)pieces[i] != 0 ?
		    (unsigned char)pieces[i] : len - pos, n;

		if (step > len - pos)
			step = len - pos;
		n = step;
		ret = access_handler(&fuzz_config, mhd_fake_connection, target, "POST",
		    "HTTP/1.1", body + pos, &n, &con_cls);
		FUZZ_CHECK(n == 0);	/* every piece is taken */
		pos += step;
	}
	if (ret == MHD_YES && mhd_fake_responses() == 0)
		ret = access_handler(&fuzz_config, mhd_fake_connection, target, "POST",
		    "HTTP/1.1", NULL, &zero, &con_cls);
	/* every request is answered once: by a check or by the handler */
	FUZZ_CHECK(ret == MHD_NO || mhd_fake_responses() == 1);
	FUZZ_CHECK(handler_calls <= 1);
	request_completed(NULL, mhd_fake_connection, &con_cls,
	    MHD_REQUEST_TERMINATED_COMPLETED_OK);
	FUZZ_CHECK(con_cls == NULL);

	fuzz_config.public_url = (char *)default_url;
	mhd_fake_clear();
	fuzz_fields_free(&f);
	return 0;
}
