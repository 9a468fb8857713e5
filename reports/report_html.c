/*
 * reports/report_html.c — `pktsim report`: the timeline (and coverage) as one HTML page.
 *
 * The page is reports/report_html.html, compiled into pktsim (report_html_page, generated
 * by reports/CMakeLists.txt), with the data of the run in place of its marker line as one
 * JSON document; the page's own script draws everything, so it needs no network and no
 * other file.
 */
#include "reports.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

extern const char report_html_page[]; /* generated from report_html.html */

#define MARKER "/*PKTSIM-DATA*/"

static void meta_write(const struct report_timeline *tl, FILE *f)
{
	char seed[32], digest[32], events[32];
	snprintf(seed, sizeof(seed), "%" PRIu64, tl->hdr.seed);
	snprintf(digest, sizeof(digest), "%016" PRIx64, tl->digest);
	snprintf(events, sizeof(events), "%" PRIu64, tl->events);
	fputs("{\"meta\":{\"scenario\":", f);
	report_json_str(f, tl->hdr.scenario_path);
	fputs(",\"seed\":", f);
	report_json_str(f, seed);
	fprintf(f, ",\"verdict\":\"%s\",\"events\":", report_timeline_verdict(tl));
	report_json_str(f, events);
	fputs(",\"digest\":", f);
	report_json_str(f, digest);
	fputs(",\"end\":", f);
	report_json_str(f, tl->end);
	fprintf(f, ",\"t_end\":%" PRId64 ",\"incomplete\":%s,\"dropped\":%zu,\"failure\":",
	        (int64_t)tl->t_end, tl->complete ? "false" : "true", tl->dropped);
	report_json_str(f, tl->failure);
	fputs("},\n", f);
}

static void tracks_write(const struct report_timeline *tl, FILE *f)
{
	static const char *kinds[] = { "kernel", "thread", "stack", "cpu" };
	fputs("\"tracks\":[", f);
	for (size_t i = 0; i < tl->ntracks; i++) {
		char name[96];
		const struct report_track *t = &tl->tracks[i];
		if (t->cpu >= 0)
			snprintf(name, sizeof(name), "%s (cpu %d)", t->name, t->cpu);
		else
			snprintf(name, sizeof(name), "%s", t->name);
		fputs(i ? ",[" : "[", f);
		report_json_str(f, name);
		fprintf(f, ",\"%s\"]", kinds[t->kind]);
	}
	fputs("],\n", f);
}

/* ",\"a\",\"b\",\"c\"]": the three strings that end a span or instant row */
static void strs_end(FILE *f, const char *a, const char *b, const char *c)
{
	fputc(',', f);
	report_json_str(f, a);
	fputc(',', f);
	report_json_str(f, b);
	fputc(',', f);
	report_json_str(f, c);
	fputc(']', f);
}

static void items_write(const struct report_timeline *tl, FILE *f)
{
	fputs("\"spans\":[", f);
	for (size_t i = 0; i < tl->nspans; i++) {
		const struct report_span *s = &tl->spans[i];
		fprintf(f, "%s[%d,%" PRId64 ",%" PRId64 ",%d", i ? ",\n" : "", s->track,
		        (int64_t)s->t0, (int64_t)s->t1, s->depth);
		strs_end(f, s->cat, s->name, s->detail);
	}
	fputs("],\n\"instants\":[", f);
	for (size_t i = 0; i < tl->ninstants; i++) {
		const struct report_instant *in = &tl->instants[i];
		fprintf(f, "%s[%d,%" PRId64, i ? ",\n" : "", in->track, (int64_t)in->t);
		strs_end(f, in->cat, in->name, in->detail);
	}
	fputs("],\n\"counters\":[", f);
	for (size_t i = 0; i < tl->ncounters; i++) {
		const struct report_counter *c = &tl->counters[i];
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		report_json_str(f, c->name);
		fputs(",\"points\":[", f);
		for (size_t k = 0; k < c->n; k++)
			fprintf(f, "%s[%" PRId64 ",%" PRId64 "]", k ? "," : "", (int64_t)c->pts[k].t,
			        c->pts[k].v);
		fputs("]}", f);
	}
	fputs("],\n", f);
}

static void coverage_write(const struct report_coverage *cov, FILE *f)
{
	fputs("\"coverage\":", f);
	if (!cov) {
		fputs("null}", f);
		return;
	}
	fputs("{\"files\":[", f);
	for (size_t i = 0; i < cov->nfiles; i++) {
		const struct report_cov_file *c = &cov->files[i];
		fputs(i ? ",[" : "[", f);
		report_json_str(f, c->path);
		fprintf(f, ",%u,%u,%u,%u]", c->lines, c->lines_hit, c->fns, c->fns_hit);
	}
	fputs("],\"missed\":[", f);
	for (size_t i = 0; i < cov->nmissed; i++) {
		fputs(i ? "," : "", f);
		report_json_str(f, cov->fns_missed[i]);
	}
	fputs("]}}", f);
}

int report_html_write(const struct report_timeline *tl, const struct report_coverage *cov,
                      FILE *f)
{
	const char *mark = strstr(report_html_page, MARKER);
	if (!mark)
		return -EINVAL; /* the page template lost its marker: a build error */
	fwrite(report_html_page, 1, (size_t)(mark - report_html_page), f);
	meta_write(tl, f);
	tracks_write(tl, f);
	items_write(tl, f);
	coverage_write(cov, f);
	fputs(mark + strlen(MARKER), f);
	return ferror(f) ? -EIO : 0;
}
