/* fuzz_template.c - owns fuzzing the templates (src/template.c): the
 * placeholder check that templates_load applies to every file, and
 * template_expand in text and HTML mode. template.c is compiled into this
 * file so its static check can be driven.
 *
 * Input: NUL-separated fields: the template text, then values for the
 * known placeholders in their order. A value must never bring markup
 * into an HTML page: with a template free of markup characters, the HTML
 * expansion holds none either. */
#include "../src/template.c"

#include <stdint.h>

#include "harness.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
count_known(void)
{
	size_t n = 0;

	while (known_vars[n] != NULL)
		n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields f;
	struct template_var vars[FUZZ_MAX_FIELDS];
	size_t nvars = 0, nknown = count_known();
	struct buf out;
	char bad[128];
	const char *text;

	if (size > NPSD_MAX_TEMPLATE || fuzz_fields_split(&f, data, size) == -1)
		return 0;
	text = f.field[0];
	for (size_t i = 1; i < f.n && nvars < nknown; i++, nvars++) {
		vars[nvars].name = known_vars[nvars];
		vars[nvars].value = f.field[i];
	}

	bad[0] = '\0';
	if (validate(text, bad, sizeof bad) == -1)
		FUZZ_CHECK(bad[0] != '\0' && memchr(bad, '\0', sizeof bad) != NULL);

	buf_init(&out, NPSD_MAX_PAGE);
	if (template_expand(text, 0, vars, nvars, &out) == 0 && strstr(text, "{{") == NULL)
		FUZZ_CHECK(out.len == strlen(text) &&
		    (out.len == 0 || memcmp(out.data, text, out.len) == 0));
	buf_reset(&out);
	if (template_expand(text, 1, vars, nvars, &out) == 0 && strpbrk(text, "<>\"'") == NULL)
		FUZZ_CHECK(out.data == NULL || strpbrk(out.data, "<>\"'") == NULL);
	buf_free(&out);
	fuzz_fields_free(&f);
	return 0;
}
