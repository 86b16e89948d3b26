/* dash_html.h - the dashboard's HTML: page frame, escaping, figures, and
 * inline SVG charts (each with a table of the same numbers). */
#ifndef NPSD_DASH_HTML_H
#define NPSD_DASH_HTML_H

#include "buf.h"
#include "dash_text.h"
#include "report.h"
#include "session.h"

void	dash_esc(struct buf *, const char *);
/* Percent-encodes a path segment (the result is also safe in HTML). */
void	dash_url_segment(struct buf *, const char *);
/* The frame: head with the style sheet, navigation for user (NULL on the
 * sign-in pages), language switch to self_path. */
void	dash_begin(struct buf *, enum dash_lang, const char *title,
    const struct dash_user *, const char *self_path);
void	dash_end(struct buf *);
/* NPS, n and margin of error of one group, or "no answers". */
void	dash_figures(struct buf *, enum dash_lang, const struct report_group *);
/* Monthly NPS with its margin of error as bars; rows are one key's
 * buckets in order. */
void	dash_trend(struct buf *, enum dash_lang, const struct report_group *rows, size_t n,
    int small);
/* Bars for scores 0 to 10, coloured by band. */
void	dash_distribution(struct buf *, enum dash_lang, const struct report_group *);

#endif
