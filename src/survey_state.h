/* survey_state.h - the survey's state machine, the one owner of its
 * states and of which event may move a survey from which state, plus the
 * NPS bands every layer uses. Pure: no I/O. */
#ifndef NPSD_SURVEY_STATE_H
#define NPSD_SURVEY_STATE_H

enum survey_state {
	SURVEY_SCHEDULED,	/* waiting for its send time */
	SURVEY_SENT,		/* mailed; the links work */
	SURVEY_ANSWERED,
	SURVEY_EXPIRED,		/* mailed, never answered in time */
	SURVEY_CANCELLED,	/* never to be mailed (reopened, suppressed, ...) */
	SURVEY_FAILED,		/* the mail could not be delivered */
	SURVEY_STATE_COUNT
};

enum survey_event {
	SURVEY_EV_MAILED,	/* the survey mail was accepted (or may have been) */
	SURVEY_EV_MAIL_FAILED,	/* every attempt failed for good */
	SURVEY_EV_ANSWERED,	/* a score came in (again, within the edit window) */
	SURVEY_EV_EXPIRED,	/* the answer window closed */
	SURVEY_EV_CANCELLED,	/* reopened, suppressed, fatigued, dropped, forgotten */
	SURVEY_EV_RETRIED,	/* an operator retries a failed mail */
	SURVEY_EVENT_COUNT
};

/* The state's name as stored, or NULL for a value out of range. */
const char *survey_state_name(enum survey_state);
/* 0 and the state for a stored name, -1 for anything else. */
int	 survey_state_parse(const char *name, enum survey_state *out);
/* The state ev leads to from `from`, or -1 when ev is not allowed there. */
int	 survey_state_next(enum survey_state from, enum survey_event ev);
/* The state ev leads to (the same from every state it may leave). */
enum survey_state survey_state_target(enum survey_event ev);
/* The states ev may leave, as SQL: "state IN ('scheduled', 'sent')".
 * For the storage layer, which writes a transition as one UPDATE. */
const char *survey_state_from_sql(enum survey_event ev);

/* NPS bands: detractors 0-6, passives 7-8, promoters 9-10. */
#define NPS_DETRACTOR_MAX	6
#define NPS_PROMOTER_MIN	9

enum nps_band { NPS_DETRACTOR, NPS_PASSIVE, NPS_PROMOTER };

/* The band of a score 0..10. */
enum nps_band nps_band(int score);
int	 nps_is_detractor(int score);
const char *nps_band_name(enum nps_band);

#endif
