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

int reports_latency_svg_timeline(FILE *f, const struct model_lat_report *r,
                                 const char *title)
{
	const char *rows[MODEL_LAT_ENTRIES];
	int nrows = 0, h, drawn = 0;
	double scale = r->end > 0 ? (double)(W - 170) / (double)r->end : 0;
	char a[32], b[32];
	sim_ns minw = 0, maxwait = 0;
	for (size_t i = 0; i < r->nspans; i++)
		row_of(r, r->spans[i].entry, rows, &nrows);
	if (r->nspans > MAX_RECTS && scale > 0)
		minw = (sim_ns)(1.0 / scale); /* too many: leave out those under a pixel */
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
	for (size_t i = 0; i < r->nspans; i++) {
		const struct model_lat_span *s = &r->spans[i];
		double x = 160 + (double)s->start * scale, w = (double)s->held * scale;
		if (s->held < minw && drawn >= MAX_RECTS / 2)
			continue;
		drawn++;
		fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"16\" fill=\"#d0504a\">"
		        "<title>%s at %s: held %s (trace record #%llu)</title></rect>\n",
		        x, 38 + row_of(r, s->entry, rows, &nrows) * 24, w < 1 ? 1.0 : w, s->entry,
		        sim_format_ns(s->start, a, sizeof(a)), sim_format_ns(s->held, b, sizeof(b)),
		        (unsigned long long)s->seq);
	}
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
