/* botcheck.h - telling people from mail scanners on the answer path. */
#ifndef NPSD_BOTCHECK_H
#define NPSD_BOTCHECK_H

#include "store.h"

#define BOTCHECK_MIN_ANSWER_MS	2000	/* a person needs longer to read and answer */
#define BOTCHECK_STAMP_LEN	64
#define BOTCHECK_BURST_MS	2000	/* views this close to the form's render ... */
#define BOTCHECK_BURST_SCORES	3	/* ... with this many different scores: a scan */

/* Loads the form-signing key from the database, creating it once. */
int	botcheck_key_load(struct store *);
/* "<ms>.<mac>": the render time of a form for this survey, signed. */
void	botcheck_stamp(long long survey, long long now_ms, char out[BOTCHECK_STAMP_LEN]);
/* The render time carried by a stamp, or -1 when it is missing, forged or
 * made for another survey. */
long long botcheck_render_time(long long survey, const char *stamp);
/* The rule an answer breaks (NULL: none): "no_form" when it carries no
 * valid render time, "too_fast" when sent under BOTCHECK_MIN_ANSWER_MS
 * after its form was rendered. */
const char *botcheck_rule(long long render_ms, long long post_ms);
/* "scan_burst" when the form was rendered amid views of at least
 * BOTCHECK_BURST_SCORES different scores within BOTCHECK_BURST_MS: a
 * scanner opening every link. NULL otherwise or on a database error. */
const char *botcheck_burst_rule(struct store *, long long survey, long long render_ms);
long long botcheck_now_ms(void);

#endif
