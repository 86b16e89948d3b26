/* dash_html.c - owns how dashboard pages look: one frame and style sheet
 * (no script, no external assets), figures with their sample size and
 * margin of error, and charts drawn as inline SVG in the Okabe-Ito
 * colours (told apart with colour blindness too), each followed by a
 * table of the same numbers for screen readers. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "dash_html.h"
#include "survey_state.h"
#include "template.h"

#define C_PROMOTER	"#0072B2"	/* blue */
#define C_PASSIVE	"#999999"	/* grey */
#define C_DETRACTOR	"#D55E00"	/* vermillion */
#define C_MOE		"#56B4E9"	/* sky blue */

void
dash_esc(struct buf *b, const char *s)
{
	template_html_escape(b, s);
}

void
dash_url_segment(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			buf_append(b, s, 1);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

static const char style[] =
	"body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}"
	"header{background:#1f3b57;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;"
	"gap:.75rem;align-items:center}header a{color:#fff}header form{margin:0 0 0 auto}"
	"main{max-width:60rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}"
	"section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;"
	"margin:1rem 0}.big{font-size:2.5rem;font-weight:700}.muted,.low{color:#6b6b6b}"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;"
	"border-bottom:1px solid #e5e5e5;vertical-align:top}td.n{text-align:right}"
	"svg{max-width:100%;height:auto}button,input{font:inherit;padding:.4rem .6rem}"
	"input[type=email],input[type=text]{width:100%;max-width:24rem;box-sizing:border-box}"
	".teams{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}"
	"details{margin-top:.5rem}.err{color:#a00}";

void
dash_begin(struct buf *b, enum dash_lang l, const char *title, const struct dash_user *u,
    const char *self_path)
{
	enum dash_lang other = l == DASH_NL ? DASH_EN : DASH_NL;

	buf_printf(b, "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\"><title>", dash_lang_code(l));
	dash_esc(b, title);
	buf_printf(b, " \xe2\x80\x93 %s</title><style>%s</style></head><body><header>",
	    dash_word(l, W_TITLE), style);
	if (u != NULL) {
		if (u->agent_id[0] != '\0')
			buf_printf(b, "<a href=\"/me?lang=%s\">%s</a>", dash_lang_code(l),
			    dash_word(l, W_MY_SCORES));
		if (u->admin || u->nteams > 0)
			buf_printf(b, "<a href=\"/?lang=%s\">%s</a>", dash_lang_code(l),
			    dash_word(l, W_OVERVIEW));
	}
	buf_printf(b, "<a href=\"%s%slang=%s\" lang=\"%s\">%s</a>", self_path,
	    strchr(self_path, '?') ? "&amp;" : "?", dash_lang_code(other), dash_lang_code(other),
	    dash_word(l, W_LANGUAGE));
	if (u != NULL) {
		buf_printf(b, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\"><button>%s</button></form>", u->csrf,
		    dash_word(l, W_SIGN_OUT));
	}
	buf_puts(b, "</header><main><h1>");
	dash_esc(b, title);
	buf_puts(b, "</h1>");
}

void
dash_end(struct buf *b)
{
	buf_puts(b, "</main></body></html>\n");
}

void
dash_figures(struct buf *b, enum dash_lang l, const struct report_group *g)
{
	struct report_figures f;

	report_figures(g, &f);
	if (!f.has_nps) {
		buf_printf(b, "<p class=\"muted\">%s</p>", dash_word(l, W_NO_ANSWERS));
		return;
	}
	buf_printf(b, "<p><span class=\"big%s\">%+.1f</span> %s<br>n = %lld %s, "
	    "%s \xc2\xb1%.1f</p>", f.low_sample ? " low" : "", f.nps, dash_word(l, W_NPS),
	    f.responses, dash_word(l, W_RESPONSES), dash_word(l, W_MOE), f.moe);
	if (f.low_sample)
		buf_printf(b, "<p class=\"low\">%s</p>", dash_word(l, W_LOW_SAMPLE));
}

static double
y_of(double nps, int top, int height)
{
	if (nps > 100)
		nps = 100;
	if (nps < -100)
		nps = -100;
	return top + (100.0 - nps) / 200.0 * height;
}

/* "2026-10" -> "10", with the year under it at the start and at each
 * January not crowding the start's */
static void
month_label(struct buf *b, const char *bucket, double x, int y, int first, int near_start)
{
	const char *dash = strchr(bucket, '-');

	if (dash == NULL || dash[1] == 'W') {
		buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, y,
		    dash != NULL ? dash + 1 : bucket);
		return;
	}
	buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, y,
	    dash + 1);
	if (first || (strcmp(dash + 1, "01") == 0 && !near_start))
		buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.*s</text>", x,
		    y + 16, (int)(dash - bucket), bucket);
}

void
dash_trend(struct buf *b, enum dash_lang l, const struct report_group *rows, size_t n,
    int small)
{
	const int w = small ? 360 : 480, h = small ? 200 : 260, left = 54, top = 10;
	const int pw = w - left - 16, ph = h - top - 46;
	double step = n > 1 ? (double)pw / (double)(n - 1) : 0, px = 0, py = 0;
	int have_prev = 0;

	buf_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
	    "font-size=\"13\" xmlns=\"http://www.w3.org/2000/svg\">", w, h,
	    dash_word(l, W_TREND));
	for (int v = -100; v <= 100; v += 50) {
		double y = y_of(v, top, ph);

		buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%+d</text>", left, left + pw, y, y,
		    v == 0 ? "#777" : "#e2e2e2", left - 4, y + 4, v);
	}
	buf_printf(b, "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" "
	    "transform=\"rotate(-90 12 %d)\">%s</text>", top + ph / 2, top + ph / 2,
	    dash_word(l, W_NPS));
	for (size_t i = 0; i < n; i++) {
		struct report_figures f;
		double x = left + (n > 1 ? step * (double)i : pw / 2.0);

		if (n <= 13 || i % 2 == 0)
			month_label(b, rows[i].bucket, x, top + ph + 16, i == 0, i > 0 && i < 3);
		report_figures(&rows[i], &f);
		if (!f.has_nps) {
			have_prev = 0;
			continue;
		}
		double y = y_of(f.nps, top, ph);
		buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-width=\"4\" opacity=\".7\"><title>\xc2\xb1%.1f</title></line>", x, x,
		    y_of(f.nps + f.moe, top, ph), y_of(f.nps - f.moe, top, ph), C_MOE, f.moe);
		if (have_prev)
			buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
			    "stroke=\"%s\" stroke-width=\"2\"/>", px, x, py, y, C_PROMOTER);
		buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"%s\" "
		    "stroke-width=\"2\"><title>%s %s: %+.1f (n=%lld)</title></circle>", x, y,
		    f.low_sample ? "#fff" : C_PROMOTER, C_PROMOTER, rows[i].bucket,
		    dash_word(l, W_NPS), f.nps, f.responses);
		px = x, py = y, have_prev = 1;
	}
	buf_puts(b, "</svg>");
	buf_printf(b, "<details><summary>%s</summary><table><thead><tr><th>%s</th><th>%s</th>"
	    "<th>n</th><th>\xc2\xb1</th></tr></thead><tbody>", dash_word(l, W_SHOW_TABLE),
	    dash_word(l, W_MONTH), dash_word(l, W_NPS));
	for (size_t i = 0; i < n; i++) {
		struct report_figures f;

		report_figures(&rows[i], &f);
		if (f.has_nps)
			buf_printf(b, "<tr%s><td>%s</td><td class=\"n\">%+.1f</td><td class=\"n\">%lld"
			    "</td><td class=\"n\">%.1f</td></tr>", f.low_sample ? " class=\"low\"" : "",
			    rows[i].bucket, f.nps, f.responses, f.moe);
		else
			buf_printf(b, "<tr class=\"low\"><td>%s</td><td class=\"n\">\xe2\x80\x93</td>"
			    "<td class=\"n\">0</td><td class=\"n\">\xe2\x80\x93</td></tr>",
			    rows[i].bucket);
	}
	buf_puts(b, "</tbody></table></details>");
}

void
dash_distribution(struct buf *b, enum dash_lang l, const struct report_group *g)
{
	const int w = 440, h = 230, left = 12, top = 18, ph = 160, bw = 30;
	long long max = 1;

	for (int s = 0; s <= 10; s++)
		if (g->distribution[s] > max)
			max = g->distribution[s];
	buf_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" font-size=\"13\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">", w, h, dash_word(l, W_DISTRIBUTION));
	buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#777\"/>", left,
	    left + 11 * (bw + 8), top + ph, top + ph);
	for (int s = 0; s <= 10; s++) {
		const char *c = nps_band(s) == NPS_PROMOTER ? C_PROMOTER :
		    nps_band(s) == NPS_PASSIVE ? C_PASSIVE : C_DETRACTOR;
		double bh = (double)g->distribution[s] / (double)max * (ph - 14);
		int x = left + s * (bw + 8);

		buf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
		    "<title>%s %d: %lld</title></rect><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%lld</text><text x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\">%d</text>", x, top + ph - bh, bw, bh, c,
		    dash_word(l, W_SCORE), s, g->distribution[s], x + bw / 2, top + ph - bh - 3,
		    g->distribution[s], x + bw / 2, top + ph + 15, s);
	}
	buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
	    "<text x=\"%d\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
	    "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"10\" "
	    "height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text></svg>",
	    left, h - 16, C_DETRACTOR, left + 16, h - 6, dash_word(l, W_DETRACTORS),
	    left + 90, h - 16, C_PASSIVE, left + 106, h - 6, dash_word(l, W_PASSIVES),
	    left + 180, h - 16, C_PROMOTER, left + 196, h - 6, dash_word(l, W_PROMOTERS));
	buf_printf(b, "<details><summary>%s</summary><table><thead><tr><th>%s</th><th>%s</th>"
	    "</tr></thead><tbody>", dash_word(l, W_SHOW_TABLE), dash_word(l, W_SCORE),
	    dash_word(l, W_COUNT));
	for (int s = 0; s <= 10; s++)
		buf_printf(b, "<tr><td>%d</td><td class=\"n\">%lld</td></tr>", s,
		    g->distribution[s]);
	buf_puts(b, "</tbody></table></details>");
}
