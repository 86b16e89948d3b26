/* survey_mail.c - owns the survey message's content: which language,
 * which template variables, the eleven score links and the unsubscribe
 * link. Wire format is message.c's job. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "message.h"
#include "survey_mail.h"
#include "template.h"

/* Who closed the ticket, as the mail names it: the agent, else the team,
 * else the sender, never an empty name ("closed by ."). */
static const char *
handled_by(const struct config *cfg, const struct survey_mail *s, const char *lang)
{
	if (s->agent_name[0] != '\0')
		return s->agent_name;
	if (s->team_name[0] != '\0')
		return s->team_name;
	if (cfg->from_name != NULL && cfg->from_name[0] != '\0')
		return cfg->from_name;
	return strcmp(lang, "nl") == 0 ? "de servicedesk" : "the service desk";
}

int
survey_mail_compose(const struct config *cfg, const struct survey_mail *s, const char *token,
    time_t now, char *message_id, size_t idlen, struct buf *out)
{
	char survey_url[512], unsub_url[512], honeypot_url[520];
	const char *lang = template_language(s->language, cfg->default_language);
	const char *domain = strrchr(cfg->from_address, '@') + 1;
	const char *agent = handled_by(cfg, s, lang);
	struct buf subject, text, html;
	struct message_parts m;
	int rc = -1;

	snprintf(survey_url, sizeof survey_url, "%s/s/%s", cfg->public_url, token);
	snprintf(unsub_url, sizeof unsub_url, "%s/u/%s", cfg->public_url, token);
	snprintf(honeypot_url, sizeof honeypot_url, "%s/h", survey_url);
	snprintf(message_id, idlen, "%s.%s@%s", s->public_id, s->reminder ? "reminder" : "survey",
	    domain);
	{
		const struct template_var vars[] = {
			{ "ticket_id", s->ticket_id },
			{ "ticket_subject", s->subject },
			{ "agent_name", agent },
			{ "requester_name", s->requester_name },
			{ "team_name", s->team_name },
			{ "sender_name", cfg->from_name },
			{ "survey_url", survey_url },
			{ "unsubscribe_url", unsub_url },
			{ "honeypot_url", honeypot_url },
			{ "privacy_notice", cfg->privacy_notice },
			{ "privacy_url", cfg->privacy_url },
		};
		size_t n = sizeof vars / sizeof vars[0];

		buf_init(&subject, 1024);
		buf_init(&text, NPSD_MAX_MESSAGE / 4);
		buf_init(&html, NPSD_MAX_MESSAGE / 2);
		if (template_render(lang, s->reminder ? TEMPLATE_REMINDER_SUBJECT :
		    TEMPLATE_MAIL_SUBJECT, vars, n, &subject) == -1 ||
		    template_render(lang, TEMPLATE_MAIL_TEXT, vars, n, &text) == -1 ||
		    template_render(lang, TEMPLATE_MAIL_HTML, vars, n, &html) == -1)
			goto out;
	}
	memset(&m, 0, sizeof m);
	m.from_name = cfg->from_name;
	m.from_address = cfg->from_address;
	m.to_name = s->requester_name;
	m.to_address = s->requester_email;
	m.subject = subject.data ? subject.data : "";
	m.text = text.data ? text.data : "";
	m.html = html.data ? html.data : "";
	m.message_id = message_id;
	m.unsubscribe_url = unsub_url;
	m.language = lang;
	m.date = now;
	rc = message_build(&m, out);
out:
	buf_free(&subject);
	buf_free(&text);
	buf_free(&html);
	return rc;
}
