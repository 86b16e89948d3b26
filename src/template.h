/* template.h - mail and page templates per language, with {{name}}
 * substitution; HTML templates escape every value. */
#ifndef NPSD_TEMPLATE_H
#define NPSD_TEMPLATE_H

#include <stddef.h>

#include "buf.h"

enum template_id {
	TEMPLATE_MAIL_SUBJECT,
	TEMPLATE_REMINDER_SUBJECT,
	TEMPLATE_MAIL_TEXT,
	TEMPLATE_MAIL_HTML,
	TEMPLATE_SURVEY,
	TEMPLATE_THANKS,
	TEMPLATE_UNSUBSCRIBE,
	TEMPLATE_UNSUBSCRIBED,
	TEMPLATE_ERROR_400,
	TEMPLATE_ERROR_404,
	TEMPLATE_ERROR_410,
	TEMPLATE_ALERT_SUBJECT,
	TEMPLATE_ALERT_TEXT,
	TEMPLATE_LOGIN_SUBJECT,
	TEMPLATE_LOGIN_TEXT,
	TEMPLATE_COUNT
};

struct template_var {
	const char	*name;
	const char	*value;
};

/* Loads every template of every language from dir, checking that each
 * {{name}} is known. Replaces the loaded set only when all succeed. */
int	templates_load(const char *dir, char *err, size_t errlen);
void	templates_free(void);
/* "en" or "nl": the requested language when we have it, else fallback. */
const char *template_language(const char *requested, const char *fallback);
int	template_render(const char *lang, enum template_id, const struct template_var *,
    size_t nvars, struct buf *out);
/* Substitutes into a template text directly (tests, validation). */
int	template_expand(const char *text, int html, const struct template_var *, size_t nvars,
    struct buf *out);
int	template_html_escape(struct buf *, const char *);

#endif
