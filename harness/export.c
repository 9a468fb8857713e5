/*
 * harness/export.c — `pktsim export TRACE --format chrome` and `pktsim report TRACE`:
 * a recorded run as Chrome/Perfetto trace-event JSON, or as one HTML page. Both read the
 * trace with reports/ (report_timeline_read); a trace without a footer (killed or
 * crashed run) is drawn as far as it goes, and the command says so.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "reports.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

void harness_export_usage(FILE *f)
{
	fprintf(f,
	"usage: pktsim export TRACE [--format chrome] [-o OUT.json]\n"
	"       pktsim report TRACE [-o OUT.html] [--coverage LCOV.info]\n"
	"\n"
	"export writes the trace as Chrome trace-event JSON (open it in ui.perfetto.dev or\n"
	"chrome://tracing): a process per simulated CPU with a track per thread, the kernel\n"
	"and the stack context in process 0; spans for driver calls, stack-context holds and\n"
	"requests; instants for interrupts, callouts, link changes, drops and failures;\n"
	"counters for live mbufs and queue lengths. Default output: TRACE with .json.\n"
	"\n"
	"report writes one self-contained HTML page (no network needed): verdict, failure\n"
	"message, stack-hold table and histogram, a zoomable timeline, mbuf and queue plots,\n"
	"and coverage (--coverage, or DIR/coverage/lcov.info when the trace is in\n"
	"DIR/traces/). Default output: TRACE with .html.\n"
	"\n"
	"exit codes: 0 written, 2 usage error or unreadable/corrupt trace, 5 cannot write\n");
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "pktsim %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'pktsim %s --help'.\n", cmd);
	return HX_USAGE;
}

/* out = trace with its .trace suffix (if any) replaced by ext. */
static void default_out(const char *trace, const char *ext, char *out, size_t n)
{
	size_t l = strlen(trace);
	if (l > 6 && !strcmp(trace + l - 6, ".trace"))
		l -= 6;
	snprintf(out, n, "%.*s%s", (int)l, trace, ext);
}

/* DIR/coverage/lcov.info for a trace in DIR/traces/, if it exists. */
static const char *coverage_near(const char *trace, char *buf, size_t n)
{
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", trace);
	snprintf(buf, n, "%s/../coverage/lcov.info", dirname(copy));
	return access(buf, R_OK) ? NULL : buf;
}

static int write_out(const char *cmd, const char *out, const struct report_timeline *tl,
                     const struct report_coverage *cov, int html)
{
	FILE *f = fopen(out, "w");
	int rc;
	if (!f) {
		fprintf(stderr, "pktsim %s: cannot write %s: %s\n", cmd, out, strerror(errno));
		return HX_INTERNAL;
	}
	rc = html ? report_html_write(tl, cov, f) : report_chrome_write(tl, f);
	if (fclose(f) || rc) {
		fprintf(stderr, "pktsim %s: cannot write %s\n", cmd, out);
		unlink(out);
		return HX_INTERNAL;
	}
	return HX_OK;
}

/* `pktsim export` (html = 0) and `pktsim report` (html = 1). */
static int cmd(int argc, char **argv, int html)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "coverage", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = html ? "report" : "export", *out = NULL, *lcov = NULL;
	char outbuf[PATH_MAX], covbuf[PATH_MAX], err[512];
	struct report_timeline tl;
	struct report_coverage cov;
	int c, rc, have_cov = 0;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (html || strcmp(optarg, "chrome"))
				return usage_error(name, "unknown --format \"%s\" (known: chrome)", optarg);
			break;
		case 'o': out = optarg; break;
		case 'c':
			if (!html)
				return usage_error(name, "unknown option %s", "--coverage");
			lcov = optarg;
			break;
		case 'h': harness_export_usage(stdout); return HX_OK;
		case ':': return usage_error(name, "option %s needs a value", argv[optind - 1]);
		default: return usage_error(name, "unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error(name, "%s", argc - optind ? "give exactly one trace file"
		                                              : "no trace file given");
	if (!out) {
		default_out(argv[optind], html ? ".html" : ".json", outbuf, sizeof(outbuf));
		out = outbuf;
	}
	if (report_timeline_read(argv[optind], &tl, err, sizeof(err))) {
		fprintf(stderr, "pktsim %s: %s: %s\n", name, argv[optind], err);
		return HX_USAGE;
	}
	if (html && !lcov)
		lcov = coverage_near(argv[optind], covbuf, sizeof(covbuf));
	if (lcov) {
		if (report_coverage_read(lcov, &cov, err, sizeof(err))) {
			fprintf(stderr, "pktsim %s: %s\n", name, err);
			report_timeline_free(&tl);
			return HX_USAGE;
		}
		have_cov = 1;
	}
	if (tl.stop_error[0])
		fprintf(stderr, "pktsim %s: %s: corrupt after %" PRIu64 " events (%s); drawn up to "
		        "there\n", name, argv[optind], tl.events, tl.stop_error);
	else if (!tl.complete)
		fprintf(stderr, "pktsim %s: %s ends after %" PRIu64 " events without a footer: the "
		        "recorded run was killed or crashed; drawn up to there\n", name, argv[optind],
		        tl.events);
	rc = write_out(name, out, &tl, have_cov ? &cov : NULL, html);
	if (rc == HX_OK)
		printf("%s: %s (%zu spans, %zu instants, %zu counters%s)\n", html ? "report" : "export",
		       out, tl.nspans, tl.ninstants, tl.ncounters, have_cov ? ", coverage" : "");
	report_timeline_free(&tl);
	if (have_cov)
		report_coverage_free(&cov);
	return rc;
}

int harness_cmd_export(int argc, char **argv) { return cmd(argc, argv, 0); }
int harness_cmd_report(int argc, char **argv) { return cmd(argc, argv, 1); }
