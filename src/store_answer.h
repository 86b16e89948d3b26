/* store_answer.h - named operations of the answer path: the survey a
 * link's token leads to, an answer recorded (every version kept, the
 * latest one current), and the page views the bot check reads. */
#ifndef NPSD_STORE_ANSWER_H
#define NPSD_STORE_ANSWER_H

#include "limits.h"
#include "store.h"
#include "survey_state.h"

/* A survey as its answer and unsubscribe pages need it. */
struct store_answer_survey {
	long long		 id;
	enum survey_state	 state;
	char			 language[8];
	char			 ticket_id[NPSD_MAX_ID + 1];
	char			 subject[NPSD_MAX_FIELD + 1];
	char			 agent_name[NPSD_MAX_FIELD + 1];
	char			 requester_email[NPSD_MAX_EMAIL + 1];
	long long		 expires_at;	/* 0 while not yet sent */
	int			 score;		/* -1 when unanswered */
	char			 comment[NPSD_MAX_COMMENT + 1];
};

/* The survey whose link token hashes to token_hash (SHA-256, hex):
 * STORE_OK and *out, or STORE_NOTFOUND. */
int	store_answer_survey_find(struct store *, const char *token_hash,
	    struct store_answer_survey *out);

struct store_answer {
	long long	 survey;
	int		 score;		/* 0..10 */
	const char	*comment;	/* "" for none */
	long long	 at;
	long long	 render_ms;	/* when the form was rendered; -1 unknown */
	const char	*flag_rule;	/* the bot check's rule; NULL: a person */
};

/* Records an answer: a new version, the survey's current answer (agent,
 * team, category and self score copied from the survey, frozen at close)
 * and the survey answered. Inside the caller's transaction. */
int	store_answer_record(struct store *, const struct store_answer *);

/* Logs a view of a survey's page ("page", "head" or "honeypot") with its
 * score (-1: none), in a transaction of its own. */
int	store_page_view_add(struct store *, long long survey, long long at_ms, int score,
	    const char *kind);

#endif
