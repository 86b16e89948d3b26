/* template.c - owns the template files under [survey] templates:
 * loading and validating them (every problem of a set reported at once; a
 * file missing from the directory replaced by the shipped one, with a
 * warning), reloading them on SIGHUP without a reader ever seeing a
 * half-loaded set, and rendering with escaping. */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "log.h"
#include "template.h"
#include "template_builtin.h"

static const char *const languages[] = { "en", "nl" };
#define NLANG (sizeof languages / sizeof languages[0])

static const char *const files[TEMPLATE_COUNT] = {
	"mail-subject.txt", "reminder-subject.txt", "mail.txt", "mail.html", "survey.html", "thanks.html",
	"unsubscribe.html", "unsubscribed.html", "error-400.html", "error-404.html",
	"error-410.html", "alert-subject.txt", "alert.txt",
	"login-subject.txt", "login.txt",
};

static const char *const known_vars[] = {
	"ticket_id", "ticket_subject", "agent_name", "requester_name", "team_name",
	"sender_name", "survey_url", "unsubscribe_url", "form_action", "comment", "comment_error",
	"score", "reason", "band", "requester_email", "answered_at", "category", "survey_id", "login_url", "render_stamp", "honeypot_url", "checked_0", "checked_1", "checked_2", "checked_3", "checked_4",
	"checked_5", "checked_6", "checked_7", "checked_8", "checked_9", "checked_10",
	"privacy_notice", "privacy_url", NULL,
};

static pthread_rwlock_t templates_lock = PTHREAD_RWLOCK_INITIALIZER;
static char *loaded[NLANG][TEMPLATE_COUNT];

static int
is_html(enum template_id id)
{
	size_t n = strlen(files[id]);
	return n > 5 && strcmp(files[id] + n - 5, ".html") == 0;
}

int
template_html_escape(struct buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0' && rc == 0; s++) {
		switch (*s) {
		case '&': rc = buf_puts(b, "&amp;"); break;
		case '<': rc = buf_puts(b, "&lt;"); break;
		case '>': rc = buf_puts(b, "&gt;"); break;
		case '"': rc = buf_puts(b, "&quot;"); break;
		case '\'': rc = buf_puts(b, "&#39;"); break;
		default: rc = buf_append(b, s, 1); break;
		}
	}
	return rc;
}

int
template_expand(const char *text, int html, const struct template_var *vars, size_t nvars,
    struct buf *out)
{
	const char *p = text, *open, *close;

	while ((open = strstr(p, "{{")) != NULL) {
		size_t len;
		const char *value = NULL;

		if ((close = strstr(open + 2, "}}")) == NULL)
			break;
		if (buf_append(out, p, (size_t)(open - p)) == -1)
			return -1;
		len = (size_t)(close - open - 2);
		for (size_t i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == len && strncmp(vars[i].name, open + 2, len) == 0)
				value = vars[i].value;
		if (value == NULL)
			value = "";
		if ((html ? template_html_escape(out, value) : buf_puts(out, value)) == -1)
			return -1;
		p = close + 2;
	}
	return buf_puts(out, p);
}

static int
validate(const char *text, char *bad, size_t badlen)
{
	const char *p = text, *open, *close;

	while ((open = strstr(p, "{{")) != NULL) {
		size_t len;
		int ok = 0;

		if ((close = strstr(open + 2, "}}")) == NULL) {
			snprintf(bad, badlen, "unclosed {{");
			return -1;
		}
		len = (size_t)(close - open - 2);
		for (size_t i = 0; known_vars[i] != NULL; i++)
			if (strlen(known_vars[i]) == len && strncmp(known_vars[i], open + 2, len) == 0)
				ok = 1;
		if (!ok) {
			snprintf(bad, badlen, "unknown placeholder {{%.*s}}", (int)(len > 40 ? 40 : len),
			    open + 2);
			return -1;
		}
		p = close + 2;
	}
	return 0;
}

static char *
read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		int saved = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		errno = saved;	/* the caller tells a missing file from others */
		return NULL;
	}
	buf_init(&b, NPSD_MAX_TEMPLATE);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(&b, chunk, n) == -1) {
			snprintf(err, errlen, "%s: larger than %d bytes", path, NPSD_MAX_TEMPLATE);
			fclose(f);
			buf_free(&b);
			return NULL;
		}
	}
	fclose(f);
	if (b.data != NULL && strlen(b.data) != b.len) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static const char *
builtin_text(const char *language, const char *file)
{
	for (int i = 0; i < template_builtins_count; i++)
		if (strcmp(template_builtins[i].language, language) == 0 &&
		    strcmp(template_builtins[i].file, file) == 0)
			return template_builtins[i].text;
	return NULL;
}

/* Appends one problem to err, one a line. */
static void
add_problem(char *err, size_t errlen, const char *path, const char *what)
{
	size_t used = strlen(err);

	if (used + 1 < errlen)
		snprintf(err + used, errlen - used, "%s%s%s%s", used > 0 ? "\n" : "", path,
		    *path != '\0' ? ": " : "", what);
}

/* Checks one template's text; subjects lose their trailing newline. */
static int
check_text(char *text, int id, char *why, size_t whylen)
{
	if (validate(text, why, whylen) == -1)
		return -1;
	if (id == TEMPLATE_MAIL_SUBJECT || id == TEMPLATE_REMINDER_SUBJECT ||
	    id == TEMPLATE_ALERT_SUBJECT || id == TEMPLATE_LOGIN_SUBJECT) {
		/* one line: trailing newline dropped, no other control */
		size_t n = strlen(text);

		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = '\0';
		if (strpbrk(text, "\r\n") != NULL) {
			snprintf(why, whylen, "must be a single line");
			return -1;
		}
	}
	return 0;
}

int
templates_load(const char *dir, char *err, size_t errlen)
{
	char *fresh[NLANG][TEMPLATE_COUNT] = { { NULL } };
	char path[4096], why[4200];
	int bad = 0;

	err[0] = '\0';
	for (size_t l = 0; l < NLANG; l++) {
		snprintf(path, sizeof path, "%s/%s/", dir, languages[l]);
		if (access(path, F_OK) == -1) {
			/* a language directory, or the whole set, missing is a
			 * mistake in the configuration, not a file to fill in */
			add_problem(err, errlen, path, strerror(errno));
			bad = 1;
			continue;
		}
		for (int t = 0; t < TEMPLATE_COUNT; t++) {
			const char *shipped;

			snprintf(path, sizeof path, "%s/%s/%s", dir, languages[l], files[t]);
			errno = 0;
			fresh[l][t] = read_file(path, why, sizeof why);
			if (fresh[l][t] == NULL && errno == ENOENT &&
			    (shipped = builtin_text(languages[l], files[t])) != NULL) {
				log_warnx("templates: %s is missing; using the shipped %s/%s", path,
				    languages[l], files[t]);
				fresh[l][t] = strdup(shipped);
				if (fresh[l][t] == NULL)
					snprintf(why, sizeof why, "%s: out of memory", path);
			}
			if (fresh[l][t] == NULL) {
				add_problem(err, errlen, "", why);
				bad = 1;
				continue;
			}
			if (check_text(fresh[l][t], t, why, sizeof why) == -1) {
				add_problem(err, errlen, path, why);
				bad = 1;
			}
		}
	}
	if (bad)
		goto fail;
	pthread_rwlock_wrlock(&templates_lock);
	for (size_t l = 0; l < NLANG; l++)
		for (int t = 0; t < TEMPLATE_COUNT; t++) {
			free(loaded[l][t]);
			loaded[l][t] = fresh[l][t];
		}
	pthread_rwlock_unlock(&templates_lock);
	return 0;
fail:
	for (size_t l = 0; l < NLANG; l++)
		for (int t = 0; t < TEMPLATE_COUNT; t++)
			free(fresh[l][t]);
	return -1;
}

void
templates_free(void)
{
	pthread_rwlock_wrlock(&templates_lock);
	for (size_t l = 0; l < NLANG; l++)
		for (int t = 0; t < TEMPLATE_COUNT; t++) {
			free(loaded[l][t]);
			loaded[l][t] = NULL;
		}
	pthread_rwlock_unlock(&templates_lock);
}

const char *
template_language(const char *requested, const char *fallback)
{
	for (size_t l = 0; l < NLANG; l++)
		if (requested != NULL && strcmp(requested, languages[l]) == 0)
			return languages[l];
	for (size_t l = 0; l < NLANG; l++)
		if (fallback != NULL && strcmp(fallback, languages[l]) == 0)
			return languages[l];
	return languages[0];
}

int
template_render(const char *lang, enum template_id id, const struct template_var *vars,
    size_t nvars, struct buf *out)
{
	size_t l = 0;
	int rc = -1;

	for (size_t i = 0; i < NLANG; i++)
		if (strcmp(lang, languages[i]) == 0)
			l = i;
	pthread_rwlock_rdlock(&templates_lock);
	if (loaded[l][id] != NULL)
		rc = template_expand(loaded[l][id], is_html(id), vars, nvars, out);
	pthread_rwlock_unlock(&templates_lock);
	return rc;
}
