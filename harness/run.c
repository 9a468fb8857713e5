/*
 * harness/run.c — `pktsim run FILE.lua... [options]`: run scenarios, one child process
 * each, print one verdict per scenario, exit with the worst scenario's code.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "reports.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PKTSIM_DRIVER_DIR
#define PKTSIM_DRIVER_DIR "drivers"
#endif

/* The help text of `pktsim run`. */
void harness_run_usage(FILE *f)
{
	fprintf(f,
	"usage: pktsim run FILE.lua... [--seed N] [--trace PATH] [--out DIR]\n"
	"                  [--max-instructions N] [--max-memory BYTES] [--quiet] [--latency]\n"
	"                  [--driver NAME|PATH] [--driver-dir DIR] [-D NAME=VALUE]...\n"
	"                  [--junit PATH] [--tap] [--coverage] [--coverage-dir DIR]\n"
	"\n"
	"Run each scenario in its own process, in virtual time, and print its verdict:\n"
	"  PASS|FAIL|ERROR|CRASH FILE  vtime=... events=... digest=... wall=...\n"
	"A scenario that does not pass is followed by the reason, its trace and the command\n"
	"that replays it.\n"
	"\n"
	"options:\n"
	"  --seed N          seed of every PRNG stream (overrides system{seed=...}; default:\n"
	"                    the scenario's seed, else 1)\n"
	"  --trace PATH      write the trace to PATH (only with exactly one scenario)\n"
	"  --out DIR         the report folder: traces go to DIR/traces/NAME.seedN.ID.trace,\n"
	"                    ID being the driver and a hash of the options (default " HARNESS_DEFAULT_OUT ")\n"
	"  --max-instructions N\n"
	"                    stop a scenario whose Lua code runs more than N instructions\n"
	"                    (default %llu; an error, exit code 2)\n"
	"  --max-memory BYTES\n"
	"                    cap the memory of the scenario's Lua state (default 1 GiB;\n"
	"                    going over is Lua's \"not enough memory\" error, exit code 2)\n"
	"  --driver NAME|PATH\n"
	"                    the driver under test, what the scenario's driver() returns:\n"
	"                    NAME means devnp-NAME.so in the driver folder; a path (with a\n"
	"                    '/') or a .so name is used as it is (default: sam). Recorded in\n"
	"                    the trace, so replay loads the same driver\n"
	"  --driver-dir DIR  where devnp-*.so names are looked up (default: the drivers\n"
	"                    folder of this build, %s)\n"
	"  -D NAME=VALUE     set the scenario parameter NAME, what param(\"NAME\", default)\n"
	"                    returns in the scenario (repeatable; recorded in the trace, so\n"
	"                    replay uses the same values)\n"
	"  --quiet           print only the scenarios that did not pass\n"
	"  --latency         print each io-pkt scenario's stack-context latency report (the\n"
	"                    holds of the stack context by driver code; docs/latency.md)\n"
	"  --junit PATH      also write JUnit XML to PATH: one testcase per scenario, with\n"
	"                    the failure message, trace and replay command\n"
	"  --tap             print TAP version 13 instead of the verdict lines\n"
	"  --coverage        driver coverage (the driver built with --coverage, e.g.\n"
	"                    PKTSIM_COVERAGE=1 ./build.sh): counters zeroed first, every\n"
	"                    scenario adds to them, then DIR/coverage/lcov.info, HTML in\n"
	"                    DIR/coverage/html, and a per-file summary is printed\n"
	"  --coverage-dir DIR\n"
	"                    where the driver's gcov files are (implies --coverage;\n"
	"                    default: the drivers folder of this build)\n"
	"  --help            this text\n"
	"\n"
	"exit codes (with several scenarios, the largest of them):\n"
	"  0  every scenario passed\n"
	"  1  a scenario failed (expectation, deadlock, stall, time limit)\n"
	"  2  usage or input error (bad option, missing file, Lua syntax or runtime error,\n"
	"     instruction limit)\n"
	"  4  a scenario process crashed (killed by a signal)\n"
	"  5  internal error\n",
	(unsigned long long)HARNESS_DEFAULT_MAX_INSTRUCTIONS, PKTSIM_DRIVER_DIR);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pktsim run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'pktsim run --help'.\n");
	return HX_USAGE;
}

struct run_args {
	struct harness_opts opts;
	int quiet;
	int tap;
	const char *junit;
	const char *coverage_dir; /* NULL: no coverage */
	int nfiles;
	char **files;
};

/* Parse the command line into a; returns -1 to go on, else the exit code. */
static int parse(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "trace", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "max-instructions", required_argument, NULL, 'm' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "latency", no_argument, NULL, 'L' },
		{ "driver", required_argument, NULL, 'd' },
		{ "driver-dir", required_argument, NULL, 'R' },
		{ "junit", required_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 'T' },
		{ "coverage", no_argument, NULL, 'C' },
		{ "coverage-dir", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	harness_opts_defaults(&a->opts);
	a->quiet = a->tap = 0;
	a->junit = a->coverage_dir = NULL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hD:", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': {
			char err[256];
			if (harness_opts_param_add(&a->opts, optarg, err, sizeof(err)))
				return usage_error("%s", err);
			break;
		}
		case 's':
			if (harness_parse_u64(optarg, &a->opts.seed))
				return usage_error("--seed wants a non-negative integer, not \"%s\"", optarg);
			a->opts.seed_set = 1;
			break;
		case 't': a->opts.trace_path = optarg; break;
		case 'o': a->opts.out_dir = optarg; break;
		case 'm':
			if (harness_parse_u64(optarg, &a->opts.max_instructions) ||
			    a->opts.max_instructions == 0)
				return usage_error("--max-instructions wants a positive integer, not \"%s\"",
				                   optarg);
			break;
		case 'M':
			if (harness_parse_u64(optarg, &a->opts.max_memory) || a->opts.max_memory == 0)
				return usage_error("--max-memory wants a positive number of bytes, not \"%s\"",
				                   optarg);
			break;
		case 'q': a->quiet = a->opts.quiet = 1; break;
		case 'L': a->opts.latency = 1; break;
		case 'J': a->junit = optarg; break;
		case 'T': a->tap = a->opts.quiet = 1; break; /* nothing else on standard output */
		case 'C':
			if (!a->coverage_dir)
				a->coverage_dir = PKTSIM_DRIVER_DIR;
			break;
		case 'G': a->coverage_dir = optarg; break;
		case 'd':
		case 'R':
			if (!*optarg || strlen(optarg) > HARNESS_OPT_PATH_MAX)
				return usage_error(c == 'd' ? "--driver wants a name or a path of at most 400 "
				                              "bytes, not \"%s\""
				                            : "--driver-dir wants a folder of at most 400 bytes, "
				                              "not \"%s\"", optarg);
			if (c == 'd')
				a->opts.driver = optarg;
			else
				a->opts.driver_dir = optarg;
			break;
		case 'h': harness_run_usage(stdout); return HX_OK;
		case ':': return usage_error("option %s needs a value", argv[optind - 1]);
		default: return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
	if (a->nfiles == 0)
		return usage_error("no scenario file given%s", "");
	if (a->opts.trace_path && a->nfiles != 1)
		return usage_error("--trace needs exactly one scenario (use --out DIR for several)%s",
		                   "");
	return -1;
}

/* The classname CI tools group a scenario under: pktsim.<family>.<driver>, the family
 * being the file name up to its first '_' (ctest's label family/<family>). */
static void classname_of(const struct harness_opts *o, const char *file, char *buf, size_t n)
{
	const char *base = strrchr(file, '/'), *drv = o->driver ? o->driver : HARNESS_DEFAULT_DRIVER;
	const char *d = strrchr(drv, '/');
	base = base ? base + 1 : file;
	d = d ? d + 1 : drv;
	if (!strncmp(d, "devnp-", 6))
		d += 6;
	snprintf(buf, n, "pktsim.%.*s.%.*s", (int)strcspn(base, "_."), base, (int)strcspn(d, "."), d);
}

/* What a CI result needs from one outcome: strings in the outcome's own buffers. */
struct run_result {
	struct harness_outcome out;
	char classname[128];
	char message[512];
	char *details;        /* the verdict as printed, with trace and replay; malloc'd */
};

/* Fill r's CI fields from r->out: classname, first message line, the printed verdict
 * (details stays NULL if memory ran out; case_of then gives ""). */
static void result_fill(const struct run_args *a, const char *file, struct run_result *r)
{
	size_t len = 0;
	FILE *mem = open_memstream(&r->details, &len);
	classname_of(&a->opts, file, r->classname, sizeof(r->classname));
	snprintf(r->message, sizeof(r->message), "%.*s", (int)strcspn(r->out.msgs, "\n"),
	         r->out.msgs);
	if (!r->message[0] && r->out.status == HS_CRASH)
		snprintf(r->message, sizeof(r->message), "the scenario process was killed by signal %d",
		         r->out.signal);
	if (mem) {
		harness_outcome_print(mem, file, &r->out, 1);
		fclose(mem);
	}
}

/* The JUnit/TAP view of a result; its strings point into r. */
static struct report_case case_of(const char *file, const struct run_result *r)
{
	static const enum report_result of[] = {
		[HS_NONE] = RR_ERROR, [HS_PASS] = RR_PASS, [HS_FAIL] = RR_FAIL,
		[HS_ERROR] = RR_ERROR, [HS_CRASH] = RR_CRASH, [HS_INTERNAL] = RR_ERROR,
	};
	struct report_case c = {
		.name = file, .classname = r->classname, .result = of[r->out.status],
		.message = r->message, .details = r->details ? r->details : "", .wall = r->out.wall,
	};
	return c;
}

/* Run one scenario into r; prints its verdict (or its TAP line). Returns its exit code;
 * counts into tally. */
static int run_one(const struct run_args *a, int index, const char *file,
                   struct run_result *r, int tally[6])
{
	struct harness_opts o = a->opts;
	struct harness_outcome *out = &r->out;
	o.scenario = file;
	if (access(file, R_OK)) {
		char msg[PATH_MAX + 64];
		memset(out, 0, sizeof(*out));
		snprintf(msg, sizeof(msg), "cannot read %s: %s", file, strerror(errno));
		harness_outcome_msg(out, msg);
		out->status = HS_ERROR;
		out->code = HX_USAGE;
	} else {
		harness_child_run(&o, out);
	}
	result_fill(a, file, r);
	if (a->tap) {
		struct report_case c = case_of(file, r);
		report_tap_case(stdout, (size_t)index + 1, &c);
	} else if (!a->quiet || out->status != HS_PASS) {
		harness_outcome_print(stdout, file, out, 1);
	}
	fflush(stdout);
	tally[out->status <= HS_INTERNAL ? out->status : 0]++;
	return out->code;
}

/* With several scenarios, the output ends with the replay command of each failure. */
static void replay_recap(const struct run_args *a, const struct run_result *res)
{
	char q[PATH_MAX + 64];
	int n = 0;
	for (int i = 0; i < a->nfiles; i++) {
		if (res[i].out.status == HS_PASS || !res[i].out.trace[0])
			continue;
		if (!n++)
			printf("replay what did not pass:\n");
		printf("  pktsim replay %s\n", harness_shell_quote(res[i].out.trace, q, sizeof(q)));
	}
}

/* After the scenarios: JUnit file and coverage report. Returns an exit code (HX_OK, or
 * HX_USAGE / HX_INTERNAL after printing why). */
static int run_outputs(const struct run_args *a, struct run_result *res)
{
	char err[4096];
	int code = HX_OK;
	if (a->junit) {
		struct report_case *cs = calloc((size_t)(unsigned)a->nfiles, sizeof(*cs));
		for (int i = 0; cs && i < a->nfiles; i++)
			cs[i] = case_of(a->files[i], &res[i]);
		if (!cs || report_junit_write(a->junit, "pktsim", cs, (size_t)a->nfiles, err,
		                              sizeof(err))) {
			fprintf(stderr, "pktsim run: %s\n", cs ? err : "out of memory");
			code = HX_INTERNAL;
		}
		free(cs);
	}
	if (a->coverage_dir) {
		struct report_coverage cov;
		char info[PATH_MAX];
		if (report_coverage_end(a->coverage_dir, a->opts.out_dir, err, sizeof(err))) {
			fprintf(stderr, "pktsim run: coverage: %s\n", err);
			return HX_USAGE;
		}
		snprintf(info, sizeof(info), "%s/coverage/lcov.info", a->opts.out_dir);
		if (report_coverage_read(info, &cov, err, sizeof(err))) {
			fprintf(stderr, "pktsim run: coverage: %s\n", err);
			return HX_INTERNAL;
		}
		report_coverage_print(a->tap ? stderr : stdout, &cov);
		fprintf(a->tap ? stderr : stdout, "coverage: %s, HTML %s/coverage/html/index.html\n",
		        info, a->opts.out_dir);
		report_coverage_free(&cov);
	}
	return code;
}

/* `pktsim run`: argv[0] is "run". Returns the largest exit code of the scenarios, or 2
 * for a usage error. */
int harness_cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct run_result *res;
	char err[PATH_MAX + 64];
	int rc = parse(argc, argv, &a), worst = HX_OK, tally[6] = { 0 };
	if (rc >= 0)
		return rc;
	if (!a.opts.trace_path || a.coverage_dir) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/traces", a.opts.out_dir);
		if (harness_mkdirs(dir, err, sizeof(err))) {
			fprintf(stderr, "pktsim run: %s\n", err);
			return HX_USAGE;
		}
	}
	if (a.coverage_dir && report_coverage_begin(a.coverage_dir, err, sizeof(err))) {
		fprintf(stderr, "pktsim run: coverage: %s\n", err);
		return HX_USAGE;
	}
	a.opts.coverage = a.coverage_dir != NULL;
	res = calloc((size_t)(unsigned)a.nfiles, sizeof(*res));
	if (!res) {
		fprintf(stderr, "pktsim run: out of memory\n");
		return HX_INTERNAL;
	}
	if (a.tap)
		report_tap_plan(stdout, (size_t)a.nfiles);
	for (int i = 0; i < a.nfiles; i++) {
		int code = run_one(&a, i, a.files[i], &res[i], tally);
		if (code > worst)
			worst = code;
	}
	if (a.nfiles > 1 && (!a.quiet || a.tap))
		printf("%s%d scenarios: %d passed, %d failed, %d errors, %d crashed\n", a.tap ? "# " : "",
		       a.nfiles, tally[HS_PASS], tally[HS_FAIL], tally[HS_ERROR] + tally[HS_INTERNAL],
		       tally[HS_CRASH]);
	if (a.nfiles > 1 && !a.tap)
		replay_recap(&a, res);
	rc = run_outputs(&a, res);
	for (int i = 0; i < a.nfiles; i++)
		free(res[i].details);
	free(res);
	return rc > worst ? rc : worst;
}
