/*
 * harness/run.c — `pktsim run FILE.lua... [options]`: run scenarios, one child process
 * each, print one verdict per scenario, exit with the worst scenario's code.
 */
#define _GNU_SOURCE
#include "harness.h"

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
	"  --out DIR         traces go to DIR/traces/NAME.seedN.trace (default " HARNESS_DEFAULT_OUT ")\n"
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	harness_opts_defaults(&a->opts);
	a->quiet = 0;
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

/* Run one scenario; prints its verdict. Returns its exit code; counts into tally. */
static int run_one(const struct run_args *a, const char *file, int tally[6])
{
	struct harness_opts o = a->opts;
	struct harness_outcome out;
	o.scenario = file;
	if (access(file, R_OK)) {
		char msg[PATH_MAX + 64];
		memset(&out, 0, sizeof(out));
		snprintf(msg, sizeof(msg), "cannot read %s: %s", file, strerror(errno));
		harness_outcome_msg(&out, msg);
		out.status = HS_ERROR;
		out.code = HX_USAGE;
	} else {
		harness_child_run(&o, &out);
	}
	if (!a->quiet || out.status != HS_PASS)
		harness_outcome_print(stdout, file, &out, 1);
	fflush(stdout);
	tally[out.status <= HS_INTERNAL ? out.status : 0]++;
	return out.code;
}

/* `pktsim run`: argv[0] is "run". Returns the largest exit code of the scenarios, or 2
 * for a usage error. */
int harness_cmd_run(int argc, char **argv)
{
	struct run_args a;
	int rc = parse(argc, argv, &a), worst = HX_OK, tally[6] = { 0 };
	if (rc >= 0)
		return rc;
	if (!a.opts.trace_path) {
		char dir[PATH_MAX], err[PATH_MAX + 64];
		snprintf(dir, sizeof(dir), "%s/traces", a.opts.out_dir);
		if (harness_mkdirs(dir, err, sizeof(err))) {
			fprintf(stderr, "pktsim run: %s\n", err);
			return HX_USAGE;
		}
	}
	for (int i = 0; i < a.nfiles; i++) {
		int code = run_one(&a, a.files[i], tally);
		if (code > worst)
			worst = code;
	}
	if (a.nfiles > 1 && !a.quiet)
		printf("%d scenarios: %d passed, %d failed, %d errors, %d crashed\n", a.nfiles,
		       tally[HS_PASS], tally[HS_FAIL], tally[HS_ERROR] + tally[HS_INTERNAL],
		       tally[HS_CRASH]);
	return worst;
}
