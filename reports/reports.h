/*
 * reports/reports.h — what pktsim makes for people and CI tools from its runs: the
 * timeline of a trace (Chrome/Perfetto JSON, a self-contained HTML page), JUnit XML and
 * TAP for CI, driver coverage through gcov/lcov, and the stack-context latency report
 * (text, JSON, SVG) of a run.
 *
 * Everything here reads finished (or killed) trace files and the verdicts the harness
 * hands over; nothing runs a simulation. Errors are negative errnos with the reason in
 * an err buffer; a file that could not be written completely is removed.
 */
#ifndef PKTSIM_REPORTS_H
#define PKTSIM_REPORTS_H

#include "model.h"
#include "sim.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------ timeline (export_timeline.c) */

/*
 * A trace seen as a picture: tracks (one per simulated thread and CPU, the kernel context,
 * the stack context), spans on them (driver calls, stack-context holds, requests, CPU
 * time spent by a thread), instants
 * (interrupts, callout fires, link changes, drops, failures) and counters (live mbufs,
 * queue lengths). Which record kind becomes what is one table in export_timeline.c.
 */
enum report_track_kind { RT_KERNEL, RT_THREAD, RT_STACK, RT_CPU };

struct report_track {
	int id;                 /* simulated thread id; REPORT_TRACK_STACK for the stack */
	int cpu;                /* simulated CPU, -1 for none (kernel, stack context) */
	enum report_track_kind kind;
	char name[64];
};

#define REPORT_TRACK_STACK (-1)
#define REPORT_TRACK_CPU(c) (-100 - (c)) /* a CPU's track: modelled computation on it */

struct report_span {
	int track;              /* index into tracks */
	sim_ns t0, t1;
	int depth;              /* nesting on its track, 0 = outermost */
	char cat[24];           /* "driver", "stack", "request" */
	char name[96];          /* the driver function, the holder and what for, ... */
	char detail[96];        /* the io-pkt entry point, ... */
};

struct report_instant {
	int track;
	sim_ns t;
	char cat[24];           /* "irq", "callout", "link", "drop", "failure", ... */
	char name[96];
	char detail[256];
};

struct report_point {
	sim_ns t;
	int64_t v;
};

struct report_counter {
	char name[64];          /* "mbufs live", "queue en0" */
	struct report_point *pts;
	size_t n, cap;
};

struct report_timeline {
	struct sim_trace_header hdr;
	uint64_t events, digest;
	int complete;           /* 1: the trace has its footer; 0: the run was killed/crashed */
	char stop_error[256];   /* why reading stopped early (corruption), "" if it did not */
	sim_ns t_end;           /* time of the last record */
	char end[32];           /* run_end's reason ("done", "stopped", "stall"...), "" if none */
	char failure[4096];     /* failure messages found in the trace, '\n'-separated */
	struct report_track *tracks;
	size_t ntracks;
	struct report_span *spans;
	size_t nspans, spans_cap;
	struct report_instant *instants;
	size_t ninstants, instants_cap;
	struct report_counter *counters;
	size_t ncounters;
	size_t dropped;         /* spans/instants/points not kept (over REPORT_MAX_ITEMS) */
};

#define REPORT_MAX_ITEMS 400000 /* per category: a page stays loadable */

/*
 * Read the trace at path into tl (zeroed first). A trace without a footer (killed run) is
 * read as far as it goes; spans still open at its end end at its last record. Returns 0,
 * or a negative errno with the reason in err (tl freed).
 */
int report_timeline_read(const char *path, struct report_timeline *tl, char *err,
                         size_t errlen);
void report_timeline_free(struct report_timeline *tl);

/*
 * The driver calls still open where the trace at path ends — the innermost of each
 * thread, "crash_entry (drvr_init) on thread \"pseudo:mount ...\"; ..." — into buf ("" if
 * none), and the time of its last record into *t_end. One pass keeping only call stacks
 * (export_running.c). 0, or a negative errno with the reason in err.
 */
int report_trace_running(const char *path, char *buf, size_t n, sim_ns *t_end, char *err,
                         size_t errlen);

/* "PASS", "FAIL" or "INCOMPLETE" (no footer), as the trace tells it. */
const char *report_timeline_verdict(const struct report_timeline *tl);

/* ------------------------------------------------------------ JSON (export_json.c) */

/* Write s as a JSON string literal (quotes included) to f. */
void report_json_str(FILE *f, const char *s);
/* Write virtual time ns as microseconds with three decimals ("1250.000"). */
void report_json_us(FILE *f, sim_ns ns);

/* --------------------------------------------------------- export (export_chrome.c) */

/*
 * `pktsim export TRACE --format chrome`: write the trace-event JSON that chrome://tracing
 * and ui.perfetto.dev open: a process per simulated CPU with a track per thread, the
 * kernel context and the stack context as tracks of process 0, complete events ("X") for
 * spans, instant events ("i") and counters ("C"). Returns 0 or a negative errno.
 */
int report_chrome_write(const struct report_timeline *tl, FILE *f);

/* ------------------------------------------------------- coverage (coverage*.c) */

struct report_cov_file {
	char path[512];
	unsigned lines, lines_hit, fns, fns_hit;
};

struct report_coverage {
	struct report_cov_file *files;
	size_t nfiles;
	unsigned lines, lines_hit, fns, fns_hit;
	char (*fns_missed)[96];  /* functions never entered, "file:function" */
	size_t nmissed;
};

/* Parse an lcov tracefile (SF/FNF/FNH/LF/LH/FN/FNDA records) into cov (zeroed first).
 * 0, or a negative errno with the reason in err. */
int report_coverage_read(const char *lcov_path, struct report_coverage *cov, char *err,
                         size_t errlen);
void report_coverage_free(struct report_coverage *cov);
/* Print one line per file and a total: "  sam.c  lines 81.2% (95/117)  functions ...". */
void report_coverage_print(FILE *f, const struct report_coverage *cov);

/*
 * Coverage of a run, in dir/coverage: zero the gcov counters found under objdir before
 * the run (report_coverage_begin); after it capture them with lcov into
 * dir/coverage/lcov.info and render dir/coverage/html with genhtml (report_coverage_end).
 * Counters of every scenario run in between add up, so several scenarios merge into one
 * report. 0, or a negative errno with the reason (and the tools' output) in err.
 */
int report_coverage_begin(const char *objdir, char *err, size_t errlen);
int report_coverage_end(const char *objdir, const char *dir, char *err, size_t errlen);

/* ----------------------------------------------------- HTML page (report_html*.c) */

/*
 * `pktsim report TRACE`: one self-contained HTML page (no network access: its script and
 * styles are inline): verdict, failure message, stack-hold table and histogram, a
 * zoomable timeline of the stack context and the threads, live mbufs and queue lengths
 * over virtual time, and the coverage summary when cov is not NULL. When the page's
 * script has run, the document's title starts with "pktsim report" and an element
 * id="pktsim-ready" exists. Returns 0 or a negative errno.
 */
int report_html_write(const struct report_timeline *tl, const struct report_coverage *cov,
                      FILE *f);

/* ------------------------------------------------- CI results (junit.c, tap.c) */

enum report_result { RR_PASS, RR_FAIL, RR_ERROR, RR_CRASH };

/* One scenario's result, as CI tools show it. Strings are borrowed. */
struct report_case {
	const char *name;       /* the scenario, e.g. "scenarios/attach_traffic.lua" */
	const char *classname;  /* its group, e.g. "pktsim.attach.sam" */
	enum report_result result;
	const char *message;    /* first line of the failure, "" for a pass */
	const char *details;    /* every message line, the trace and the replay command */
	double wall;            /* seconds */
};

/* Write JUnit XML (one <testsuite>, one <testcase> per case) to path. 0 or a negative
 * errno with the reason in err; on failure the file is removed. */
int report_junit_write(const char *path, const char *suite, const struct report_case *c,
                       size_t n, char *err, size_t errlen);

/* TAP version 13: the plan ("1..n"), then one "ok"/"not ok" line per case with its
 * details as a YAML block. */
void report_tap_plan(FILE *f, size_t n);
void report_tap_case(FILE *f, size_t number, const struct report_case *c);

/* ------------------------------- stack-context latency (latency_text/json/svg.c) */

/*
 * From what the model measured in this process's run (model_lat_report, docs/latency.md):
 * the per-entry-point table, the worst holds with their costing events, the probe's
 * distribution and histogram. Each writes to f and returns 0, or -EIO when writing
 * failed (the caller names the file).
 */
int reports_latency_text(FILE *f, const struct model_lat_report *r);
/* The same as JSON, schema "pktsim-latency/1" (docs/latency.md); scenario and seed name
 * the run. */
int reports_latency_json(FILE *f, const struct model_lat_report *r, const char *scenario,
                         uint64_t seed);
/* SVG: histograms of hold durations and of the probe's waits (log-spaced buckets). */
int reports_latency_svg_hist(FILE *f, const struct model_lat_report *r, const char *title);
/* SVG: the timeline of holds (one row per entry point) and the probe's waits. */
int reports_latency_svg_timeline(FILE *f, const struct model_lat_report *r,
                                 const char *title);

#endif /* PKTSIM_REPORTS_H */
