/*
 * harness/replay.c — `pktsim replay TRACE [--force]`: run the scenario a trace recorded
 * again, with the recorded seed and options, and compare the new trace with the old one
 * record by record. The first difference is printed in full; the re-run's verdict is
 * printed too, so a recorded failure shows its message again.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The help text of `pktsim replay`. */
void harness_replay_usage(FILE *f)
{
	fprintf(f,
	"usage: pktsim replay TRACE [--force] [--scenario PATH]\n"
	"\n"
	"Check the whole trace file, run the scenario it names again (in its own process, with\n"
	"the recorded seed and options) and compare the two traces record by record.\n"
	"Prints the re-run's verdict, then \"identical: N events, digest D\" or the first record\n"
	"that differs. A trace without a footer (its run was killed or crashed) is compared as\n"
	"far as it goes. The scenario path is taken as recorded (relative to the directory the\n"
	"run was started in); --scenario PATH reads the same file from elsewhere, e.g. on\n"
	"another machine, and the run still names it as recorded.\n"
	"\n"
	"options:\n"
	"  --force    replay even if the scenario file changed since the recording\n"
	"  --scenario PATH\n"
	"             read the scenario from PATH instead of the recorded path\n"
	"  --help     this text\n"
	"\n"
	"exit codes:\n"
	"  0  the replay is identical to the recording\n"
	"  2  usage or input error: corrupt or unreadable trace, scenario missing or changed\n"
	"  3  the replay differs from the recording\n"
	"  5  internal error\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pktsim replay: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'pktsim replay --help'.\n");
	return HX_USAGE;
}

/* What the check of the recorded trace found. */
struct recording {
	struct sim_trace_header hdr;
	uint64_t events, digest;
	int complete; /* 0: no footer (the recorded run was killed or crashed) */
};

/* Read the whole trace at path. Returns 0, or HX_USAGE after printing why. */
static int recording_check(const char *path, struct recording *rec)
{
	sim_trace_reader *r;
	struct sim_record x;
	char err[512];
	int rc = sim_trace_open(path, &r, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "pktsim replay: %s: %s\n", path, err);
		return HX_USAGE;
	}
	rec->hdr = *sim_trace_reader_header(r);
	while ((rc = sim_trace_next(r, &x, err, sizeof(err))) == 1)
		;
	rec->events = sim_trace_reader_events(r);
	rec->digest = sim_trace_reader_digest(r);
	sim_trace_close(r);
	if (rc < 0 && rc != -ENODATA) {
		fprintf(stderr, "pktsim replay: %s: corrupt trace: %s\n", path, err);
		return HX_USAGE;
	}
	rec->complete = rc == 0;
	return 0;
}

/* The recorded scenario must be there and unchanged (unless force). */
static int scenario_check(const struct recording *rec, const char *path, int force)
{
	uint64_t h;
	int rc;
	if (!path[0]) {
		fprintf(stderr, "pktsim replay: the trace names no scenario file: nothing to replay\n");
		return HX_USAGE;
	}
	rc = sim_hash_file(path, &h);
	if (rc) {
		fprintf(stderr, "pktsim replay: cannot read the recorded scenario %s: %s\n"
		                "(a relative path is relative to the directory the run started in; --scenario PATH\n"
		                "reads it from elsewhere)\n",
		        path, strerror(-rc));
		return HX_USAGE;
	}
	if (h != rec->hdr.scenario_hash) {
		fprintf(stderr, "pktsim replay: %s scenario %s changed since the recording "
		                "(hash %016" PRIx64 ", recorded %016" PRIx64 ")%s\n",
		        force ? "warning:" : "refusing:", path, h, rec->hdr.scenario_hash,
		        force ? "; replaying anyway (--force)" : "; --force replays it anyway");
		if (!force)
			return HX_USAGE;
	}
	if (strcmp(rec->hdr.pktsim_version, PKTSIM_VERSION))
		fprintf(stderr, "pktsim replay: note: recorded by pktsim %s, replayed by pktsim %s\n",
		        rec->hdr.pktsim_version, PKTSIM_VERSION);
	return 0;
}

/* ------------------------------------------------------------ comparison */

static void record_line(const sim_trace_reader *r, const struct sim_record *x, char *buf,
                        size_t n)
{
	sim_record_format(x, sim_trace_reader_kind_name(r, x->kind), buf, n);
}

static int records_same(const sim_trace_reader *ra, const struct sim_record *a,
                        const sim_trace_reader *rb, const struct sim_record *b)
{
	return sim_record_equal(a, b) && !strcmp(sim_trace_reader_kind_name(ra, a->kind),
	                                         sim_trace_reader_kind_name(rb, b->kind));
}

static int differs(uint64_t k, const char *recorded, const char *replayed)
{
	printf("differs at record #%" PRIu64 "\n  recorded: %s\n  replayed: %s\n", k, recorded,
	       replayed);
	return HX_DIFFERS;
}

/* Compare the recording with the replay's trace; prints the result, returns the code. */
static int compare(const char *path, const struct recording *rec, const char *tmp)
{
	sim_trace_reader *ra = NULL, *rb = NULL;
	struct sim_record x, y;
	char err[512], la[1024], lb[1024];
	int code = HX_INTERNAL;
	uint64_t k;
	if (sim_trace_open(path, &ra, err, sizeof(err))) {
		fprintf(stderr, "pktsim replay: %s: %s\n", path, err);
		return HX_USAGE;
	}
	if (sim_trace_open(tmp, &rb, err, sizeof(err)))
		rb = NULL; /* the re-run made no trace (it failed before its world existed) */
	for (k = 0;; k++) {
		int a = sim_trace_next(ra, &x, err, sizeof(err));
		int b = rb ? sim_trace_next(rb, &y, err, sizeof(err)) : 0;
		if (b < 0 && b != -ENODATA) {
			fprintf(stderr, "pktsim replay: internal error: the replay's trace %s: %s\n", tmp,
			        err);
			break;
		}
		if (a == 1 && b == 1) {
			if (records_same(ra, &x, rb, &y))
				continue;
			record_line(ra, &x, la, sizeof(la));
			record_line(rb, &y, lb, sizeof(lb));
			code = differs(k, la, lb);
		} else if (a == 1) {
			record_line(ra, &x, la, sizeof(la));
			code = differs(k, la, "(no record: the replay ends here)");
		} else if (b == 1 && rec->complete) {
			record_line(rb, &y, lb, sizeof(lb));
			code = differs(k, "(no record: the recording ends here)", lb);
		} else if (rec->complete && b == -ENODATA) {
			code = differs(k, "(the recording ends here, with its footer)",
			               "(the replay ends here without a footer: its run crashed)");
		} else if (rec->complete && b == 0 &&
		           sim_trace_reader_digest(rb) != rec->digest) {
			printf("differs: every record matches but the digests do not (%016" PRIx64
			       " recorded, %016" PRIx64 " replayed)\n", rec->digest,
			       sim_trace_reader_digest(rb));
			code = HX_DIFFERS;
		} else {
			printf("identical: %" PRIu64 " events, digest %016" PRIx64 "\n", rec->events,
			       rec->digest);
			if (!rec->complete)
				printf("  the recording has no footer (its run was killed or crashed): it got "
				       "as far as %" PRIu64 " events%s\n", rec->events,
				       b == 1 ? "; the replay went further" : "");
			code = HX_OK;
		}
		break;
	}
	sim_trace_close(ra);
	if (rb)
		sim_trace_close(rb);
	return code;
}

/* ----------------------------------------------------------------- command */

static int make_temp(char *buf, size_t n)
{
	const char *dir = getenv("TMPDIR");
	int fd;
	snprintf(buf, n, "%s/pktsim-replay-XXXXXX.trace", dir && *dir ? dir : "/tmp");
	fd = mkstemps(buf, 6);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int replay(const char *path, const char *scenario, int force)
{
	struct recording rec;
	struct harness_opts o;
	struct harness_outcome out;
	char err[512], tmp[PATH_MAX];
	struct stat st;
	int code = recording_check(path, &rec);
	if (code || (code = scenario_check(&rec, scenario ? scenario : rec.hdr.scenario_path, force)))
		return code;
	harness_opts_defaults(&o);
	if (harness_opts_parse(rec.hdr.options, &o, err, sizeof(err))) {
		fprintf(stderr, "pktsim replay: %s: recorded options \"%s\": %s\n", path,
		        rec.hdr.options, err);
		return HX_USAGE;
	}
	o.scenario = scenario ? scenario : rec.hdr.scenario_path;
	o.scenario_name = scenario ? rec.hdr.scenario_path : NULL;
	o.seed_set = 1;
	o.seed = rec.hdr.seed;
	if (make_temp(tmp, sizeof(tmp))) {
		fprintf(stderr, "pktsim replay: cannot create a temporary file in %s: %s\n",
		        getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
		return HX_INTERNAL;
	}
	o.trace_path = tmp;
	printf("replaying %s: scenario %s, seed %" PRIu64 ", options \"%s\"\n", path, o.scenario,
	       o.seed, rec.hdr.options);
	fflush(stdout);
	harness_child_run(&o, &out);
	harness_outcome_print(stdout, o.scenario, &out, 0);
	code = compare(path, &rec, tmp);
	if (code == HX_OK || stat(tmp, &st) || st.st_size == 0)
		unlink(tmp); /* identical, or the re-run never wrote a trace */
	else
		printf("the replay's trace is kept: %s\n", tmp);
	return code;
}

/* `pktsim replay`: argv[0] is "replay". Returns the exit code (0, 2, 3 or 5). */
int harness_cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "scenario", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, force = 0;
	const char *scenario = NULL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 's': scenario = optarg; break;
		case ':': return usage_error("option %s needs a value", argv[optind - 1]);
		case 'h': harness_replay_usage(stdout); return HX_OK;
		default: return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error("%s", argc - optind ? "give exactly one trace file"
		                                        : "no trace file given");
	return replay(argv[optind], scenario, force);
}
