/*
 * reports/latency_svg.c — stack-context latency as pictures for the report folder: the
 * histograms of hold durations and probe waits, and a timeline of holds per entry point
 * with the probe's waits under it. Plain SVG 1.1, no script; every shape carries a
 * <title> with its exact figures.
 */
#include "reports.h"

#include <errno.h>
#include <string.h>

#define W 960
#define MAX_RECTS 20000

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static void bucket_label(int i, char *buf, size_t n)
{
	char lo[32];
	sim_format_ns(i ? model_lat_bucket_bound(i - 1) : 0, lo, sizeof(lo));
	snprintf(buf, n, "%s", lo);
}

/* One histogram panel at y0, height 200. */
static void panel(FILE *f, int y0, const char *name, const struct model_lat_dist *d)
{
	uint64_t top = 1;
	int bw = (W - 80) / MODEL_LAT_BUCKETS;
	char lab[32];
	for (int i = 0; i < MODEL_LAT_BUCKETS; i++)
		if (d->hist[i] > top)
			top = d->hist[i];
	fprintf(f, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">", y0 + 16);
	esc(f, name);
	fprintf(f, " (%llu)</text>\n", (unsigned long long)d->n);
	fprintf(f, "<line x1=\"60\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", y0 + 180,
	        W - 20, y0 + 180);
	for (int i = 0; i < MODEL_LAT_BUCKETS; i++) {
		int h = (int)(d->hist[i] * 150 / top);
		int x = 60 + i * bw;
		bucket_label(i, lab, sizeof(lab));
		if (d->hist[i] && h < 1)
			h = 1;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7bd0\">"
		        "<title>from %s: %llu</title></rect>\n",
		        x + 2, y0 + 180 - h, bw - 4, h, lab, (unsigned long long)d->hist[i]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%s</text>\n",
		        x + bw / 2, y0 + 194, lab);
		if (d->hist[i])
			fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%llu"
			        "</text>\n", x + bw / 2, y0 + 176 - h, (unsigned long long)d->hist[i]);
	}
}

int reports_latency_svg_hist(FILE *f, const struct model_lat_report *r, const char *title)
{
	int h = r->probe_period ? 470 : 250;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"10\" y=\"18\">", W, h);
	esc(f, title);
	fprintf(f, ": stack-context latency, histograms (virtual time)</text>\n");
	panel(f, 30, "outermost holds of the stack context", &r->holds);
	if (r->probe_period)
		panel(f, 250, "probe: wait of a status request for the stack context", &r->probe);
	fprintf(f, "</svg>\n");
	return ferror(f) ? -EIO : 0;
}

static int row_of(const struct model_lat_report *r, const char *entry, const char **rows,
                  int *nrows)
{
	for (int i = 0; i < *nrows; i++)
		if (!strcmp(rows[i], entry))
			return i;
	if (*nrows == MODEL_LAT_ENTRIES)
		return *nrows - 1;
	rows[*nrows] = entry;
	return (*nrows)++;
}

/* The holds of one row shorter than a pixel that start in the same pixel column. */
struct column {
	int x;                  /* pixel column, -1: none yet */
	uint64_t n;             /* holds in it */
	sim_ns held;            /* their total */
	const struct model_lat_span *longest;
};

/*
 * The timeline's shapes are written without printf: some library of the process (SimGrid
 * loads libquadmath) registers printf extensions, which sends every printf of the process
 * down glibc's slow path, several thousand instructions a call.
 */
static void out_u(FILE *f, uint64_t v)
{
	char d[24];
	int i = (int)sizeof(d) - 1;
	d[i] = 0;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	fputs(d + i, f);
}

/* v >= 0 with two decimals ("12.34"). */
static void out_x2(FILE *f, double v)
{
	uint64_t c = v > 0 ? (uint64_t)(v * 100.0 + 0.5) : 0;
	out_u(f, c / 100);
	fputc('.', f);
	fputc((int)('0' + c / 10 % 10), f);
	fputc((int)('0' + c % 10), f);
}

static void out_ns(FILE *f, sim_ns t)
{
	char b[32];
	fputs(sim_format_ns(t, b, sizeof(b)), f);
}

/* A rectangle of the timeline for n holds (n > 1: `total` held in all) whose longest is s,
 * with its tooltip. */
static void rect_draw(FILE *f, double x, int y, double w, int h,
                      const struct model_lat_span *s, uint64_t n, sim_ns total)
{
	fputs("<rect x=\"", f);
	out_x2(f, x);
	fputs("\" y=\"", f);
	out_u(f, (uint64_t)y);
	fputs("\" width=\"", f);
	out_x2(f, w);
	fputs("\" height=\"", f);
	out_u(f, (uint64_t)h);
	fputs("\" fill=\"#d0504a\"><title>", f);
	esc(f, s->entry);
	if (n > 1) {
		fputs(": ", f);
		out_u(f, n);
		fputs(" holds, ", f);
		out_ns(f, total);
		fputs(" in all; the longest", f);
	}
	fputs(" at ", f);
	out_ns(f, s->start);
	fputs(": held ", f);
	out_ns(f, s->held);
	fputs(" (trace record #", f);
	out_u(f, s->seq);
	fputs(")</title></rect>\n", f);
}

/* Short holds of a column: a bar a pixel wide, as high as the share of the column's time
 * they held the stack (at least 2 pixels, so that one is seen). */
static void column_draw(FILE *f, const struct column *c, double px_ns, int y)
{
	int hh;
	if (!c->n)
		return;
	hh = px_ns > 0 ? (int)((double)c->held * 16.0 / px_ns + 0.5) : 16;
	hh = c->n == 1 ? 16 : hh < 2 ? 2 : hh > 16 ? 16 : hh;
	rect_draw(f, 160 + c->x, y + 16 - hh, 1.0, hh, c->longest, c->n, c->held);
}

/*
 * The timeline: a row per entry point, its holds over virtual time. A hold of a pixel or
 * more is a rectangle of its own; shorter ones are summed per pixel column (a bar whose
 * height is the share of that column's time they held the stack), so a run of a million
 * frames stays a small file: at most about a rectangle per pixel and row.
 */
int reports_latency_svg_timeline(FILE *f, const struct model_lat_report *r,
                                 const char *title)
{
	const char *rows[MODEL_LAT_ENTRIES];
	struct column col[MODEL_LAT_ENTRIES];
	int nrows = 0, h;
	double scale = r->end > 0 ? (double)(W - 170) / (double)r->end : 0;
	double px_ns = scale > 0 ? 1.0 / scale : 0;
	char a[32], b[32];
	sim_ns maxwait = 0;
	for (size_t i = 0; i < r->nspans; i++)
		row_of(r, r->spans[i].entry, rows, &nrows);
	for (size_t i = 0; i < r->nprobe; i++)
		if (r->probe_wait[i] > maxwait)
			maxwait = r->probe_wait[i];
	h = 60 + nrows * 24 + (r->nprobe ? 140 : 0);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"10\" y=\"18\">", W, h);
	esc(f, title);
	fprintf(f, ": holds of the stack context over virtual time, 0 .. %s</text>\n",
	        sim_format_ns(r->end, a, sizeof(a)));
	for (int i = 0; i < nrows; i++) {
		fprintf(f, "<text x=\"10\" y=\"%d\">", 50 + i * 24);
		esc(f, rows[i]);
		fprintf(f, "</text>\n<line x1=\"160\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>\n",
		        54 + i * 24, W - 10, 54 + i * 24);
	}
	memset(col, 0, sizeof(col));
	for (size_t i = 0; i < r->nspans; i++) {
		const struct model_lat_span *s = &r->spans[i];
		int row = row_of(r, s->entry, rows, &nrows), y = 38 + row * 24;
		struct column *c = &col[row];
		double x = (double)s->start * scale, w = (double)s->held * scale;
		if (w >= 1.0 || scale <= 0) {
			rect_draw(f, 160 + x, y, w < 1 ? 1.0 : w, 16, s, 1, s->held);
			continue;
		}
		if (!c->n || (int)x != c->x) {
			column_draw(f, c, px_ns, y);
			c->x = (int)x;
			c->n = 0;
			c->held = 0;
			c->longest = s;
		}
		c->n++;
		c->held += s->held;
		if (s->held > c->longest->held)
			c->longest = s;
	}
	for (int i = 0; i < nrows; i++)
		column_draw(f, &col[i], px_ns, 38 + i * 24);
	if (r->nprobe) {
		int y0 = 60 + nrows * 24;
		fprintf(f, "<text x=\"10\" y=\"%d\">probe wait (max %s)</text>\n", y0 + 20,
		        sim_format_ns(maxwait, a, sizeof(a)));
		fprintf(f, "<line x1=\"160\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		        y0 + 120, W - 10, y0 + 120);
		for (size_t i = 0; i < r->nprobe && i < MAX_RECTS; i++) {
			double x = 160 + (double)r->probe_at[i] * scale;
			int hh = maxwait ? (int)((double)r->probe_wait[i] * 100.0 / (double)maxwait) : 0;
			fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"1.5\" height=\"%d\" fill=\"#4a7bd0\">"
			        "<title>sent at %s, waited %s</title></rect>\n",
			        x, y0 + 120 - (hh < 1 ? 1 : hh), hh < 1 ? 1 : hh,
			        sim_format_ns(r->probe_at[i], a, sizeof(a)),
			        sim_format_ns(r->probe_wait[i], b, sizeof(b)));
		}
	}
	fprintf(f, "</svg>\n");
	return ferror(f) ? -EIO : 0;
}
