/* store_transition.h - the one place a survey's state is written: every
 * state change of the program is a store_survey_transition, which moves
 * only the surveys the event may leave (survey_state.c) to the event's
 * state. */
#ifndef NPSD_STORE_TRANSITION_H
#define NPSD_STORE_TRANSITION_H

#include "store.h"
#include "survey_state.h"

/* A parameter of a statement assembled at run time. */
struct store_arg {
	enum { STORE_ARG_INT, STORE_ARG_TEXT, STORE_ARG_NULL } kind;
	long long	 i;
	const char	*s;
};
#define STORE_INT(v)	((struct store_arg){ STORE_ARG_INT, (long long)(v), NULL })
#define STORE_TEXT(v)	((struct store_arg){ STORE_ARG_TEXT, 0, (v) })
#define STORE_NULL	((struct store_arg){ STORE_ARG_NULL, 0, NULL })

/* UPDATE surveys SET state = <ev's target>[, set] WHERE <the states ev may
 * leave> AND (where). set (may be NULL) and where are SQL with ?
 * parameters, bound from args in order (set's first). *moved (may be
 * NULL) is the number of surveys moved; *first_id (may be NULL) the id of
 * one of them, 0 when none. STORE_OK or an error code. */
int	store_survey_transition(struct store *, enum survey_event ev, const char *set,
	    const char *where, const struct store_arg *args, int nargs, long long *moved,
	    long long *first_id);
/* Binds args to parameters 1..n of st. */
struct store_stmt;
int	store_bind_args(struct store_stmt *st, const struct store_arg *args, int nargs);

#endif
