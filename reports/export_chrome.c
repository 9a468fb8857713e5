/*
 * reports/export_chrome.c — a timeline as Chrome trace-event JSON (the "JSON Array
 * Format" with metadata, which chrome://tracing and ui.perfetto.dev open).
 *
 * Processes are simulated CPUs (pid = CPU + 1, named "CPU n"); each simulated thread is
 * a track of its CPU's process, and the CPU has a track of its own (tid 0) with the
 * modelled computation (sim_spend) of each thread on it. Process 0 ("io-pkt") holds the kernel context (tid 0,
 * timer callbacks, the NIC, ISRs) and the stack context (a track of its own, one span per
 * hold, named by the first driver function its holder called). Times are microseconds
 * of virtual time.
 */
#include "reports.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define STACK_TID 999999 /* the stack context's track in process 0 */

static void pid_tid(const struct report_track *t, int *pid, int *tid)
{
	if (t->kind == RT_STACK) {
		*pid = 0;
		*tid = STACK_TID;
	} else if (t->kind == RT_CPU) {
		*pid = t->cpu + 1;
		*tid = 0;  /* the CPU's own track, first in its process */
	} else if (t->kind == RT_KERNEL || t->cpu < 0) {
		*pid = 0;
		*tid = t->id;
	} else {
		*pid = t->cpu + 1;
		*tid = t->id;
	}
}

static void meta(FILE *f, const char *what, int pid, int tid, const char *name, int *first)
{
	fprintf(f, "%s\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":",
	        *first ? "" : ",", what, pid, tid);
	report_json_str(f, name);
	fputs("}}", f);
	*first = 0;
}

static void tracks_write(const struct report_timeline *tl, FILE *f, int *first)
{
	int cpus_named[256] = { 0 };
	meta(f, "process_name", 0, 0, "io-pkt (kernel and stack context)", first);
	for (size_t i = 0; i < tl->ntracks; i++) {
		const struct report_track *t = &tl->tracks[i];
		int pid, tid;
		pid_tid(t, &pid, &tid);
		if (pid > 0 && pid < 256 && !cpus_named[pid]) {
			char cpu[32];
			snprintf(cpu, sizeof(cpu), "CPU %d", pid - 1);
			meta(f, "process_name", pid, 0, cpu, first);
			cpus_named[pid] = 1;
		}
		meta(f, "thread_name", pid, tid, t->name, first);
	}
}

/* The start of one event, up to its "ts" value included, on the track of t. */
static void event_head(FILE *f, const char *ph, const char *name, const char *cat,
                       const struct report_track *t, sim_ns ts)
{
	int pid, tid;
	pid_tid(t, &pid, &tid);
	fprintf(f, ",\n{\"ph\":\"%s\",\"name\":", ph);
	report_json_str(f, name);
	fprintf(f, ",\"cat\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":", cat, pid, tid);
	report_json_us(f, ts);
}

static void detail_end(FILE *f, const char *detail)
{
	fputs(",\"args\":{\"detail\":", f);
	report_json_str(f, detail);
	fputs("}}", f);
}

int report_chrome_write(const struct report_timeline *tl, FILE *f)
{
	int first = 1;
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"scenario\":", f);
	report_json_str(f, tl->hdr.scenario_path);
	fprintf(f, ",\"seed\":\"%" PRIu64 "\",\"verdict\":\"%s\",\"events\":\"%" PRIu64
	        "\",\"digest\":\"%016" PRIx64 "\"},\n\"traceEvents\":[", tl->hdr.seed,
	        report_timeline_verdict(tl), tl->events, tl->digest);
	tracks_write(tl, f, &first);
	for (size_t i = 0; i < tl->nspans; i++) {
		const struct report_span *s = &tl->spans[i];
		event_head(f, "X", s->name, s->cat, &tl->tracks[s->track], s->t0);
		fputs(",\"dur\":", f);
		report_json_us(f, s->t1 - s->t0);
		detail_end(f, s->detail);
	}
	for (size_t i = 0; i < tl->ninstants; i++) {
		const struct report_instant *in = &tl->instants[i];
		event_head(f, "i", in->name, in->cat, &tl->tracks[in->track], in->t);
		fputs(",\"s\":\"t\"", f);
		detail_end(f, in->detail);
	}
	for (size_t i = 0; i < tl->ncounters; i++) {
		const struct report_counter *c = &tl->counters[i];
		for (size_t k = 0; k < c->n; k++) {
			fputs(",\n{\"ph\":\"C\",\"name\":", f);
			report_json_str(f, c->name);
			fputs(",\"pid\":0,\"ts\":", f);
			report_json_us(f, c->pts[k].t);
			fprintf(f, ",\"args\":{\"value\":%" PRId64 "}}", c->pts[k].v);
		}
	}
	fputs("\n]}\n", f);
	return ferror(f) ? -EIO : 0;
}
