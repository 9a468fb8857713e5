/*
 * bench/bench_frames.c — frames per wall-clock second through the simnic driver and the
 * NIC model, and virtual seconds per wall second of every scenario.
 *
 * The workload is bench/frames.lua: a simnic unit at 1 Gbit/s whose traffic peer sends N
 * frames of 60 bytes (64 with the CRC, the shortest Ethernet frame) back to back into the
 * driver (rx), or an application that sends N such frames through the driver to the peer
 * (tx). The scenario checks the counts at both ends, so a run that passes did the work,
 * and prints one line per direction ("BENCH dir=rx frames=N vtime_ns=T irqs=I missed=M").
 *
 * Every run is the pktsim binary in a child process (`pktsim run FILE --out TMP`), timed
 * with CLOCK_MONOTONIC from fork to waitpid; its CPU time comes from getrusage. The
 * variants of frames.lua are copies in a temporary folder with its parameter line
 * (`local DIRECTION, N, RECORDS = ...`) rewritten: "none" (mount, ifconfig, destroy: the fixed
 * cost), "rx" and "tx". A direction's frames per wall second are
 *     N / (median wall(direction) - median wall(none)),
 * its virtual seconds per wall second the virtual time the direction took over the same
 * net wall time. Then every .lua file in scenarios/ runs and its vtime (from the verdict
 * line) is divided by its wall time. Each measurement is repeated R times, the runs interleaved
 * (the order reverses every other repetition), and medians are reported. The goal of the
 * issue is 1.5 million 64-byte frames per wall second (a saturated gigabit link of
 * minimum-size frames, 1 488 095 frames/s, simulated faster than real time).
 *
 * Then (unless --no-profile, and if valgrind is there) a deterministic profile: one run
 * each of none, rx and tx (N = --profile-frames) under `valgrind --tool=callgrind
 * --trace-children=yes`. The scenario's process (pktsim forks one per scenario) leaves a
 * callgrind.out file, which this program reads:
 * each instruction is charged to a component by the object it lies in (and, for the
 * pktsim executable, by its source folder: sim/, model/, harness/); calls from those
 * components into libc, ld.so and libm are charged to the caller (inclusive cost of the
 * call). Per frame = (run with N frames - run with none) / N. It also counts SimGrid
 * context switches (calls of RawContext::swap_into_for_real) and actors blocking
 * (SwappedContext::suspend) per frame, and lists the functions that cost most per frame.
 *
 * The runs write their traces as pktsim always does (--out: a temporary folder in $TMPDIR,
 * default /tmp, emptied before each run, outside its timing, and removed at the end; a
 * 500 000-frame run writes about 200 MB of trace with a record per frame event, 26 MB
 * with batch records). The default of 500 000 frames makes a run last long enough (a
 * fifth of a second and more) that its fixed costs weigh little. Per-run lines go to
 * stderr, the tables to stdout.
 *
 * This is a benchmark, not a test: nothing asserts anything about time. It stops when a
 * frames.lua run does not pass (the work was not proven); a scenario that does not pass
 * is reported as such and measured anyway.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PKTSIM_SOURCE_DIR
#define PKTSIM_SOURCE_DIR "."
#endif

#define DEFAULT_FRAMES 500000
#define DEFAULT_REPS 5
#define DEFAULT_PROFILE_FRAMES 10000
#define MAX_REPS 101
#define MAX_JOBS 64
#define GOAL_FPS 1.5e6
#define LINE_FPS (1e9 / 672.0)  /* 64-byte frames at 1 Gbit/s: 84 bytes with preamble+gap */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench_frames: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAX_REPS];
	if (n <= 0)
		return 0;
	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* ------------------------------------------------------------ parameters */

static struct {
	const char *pktsim;      /* the pktsim executable */
	const char *lua;         /* bench/frames.lua */
	const char *scen_dir;    /* scenarios/ */
	const char *driver;      /* --driver for frames.lua (NULL: its default, simnic) */
	long frames, tx_frames;
	int reps;
	int scenarios;           /* also time every scenarios/NAME.lua */
	int profile;
	long profile_frames;
	const char *valgrind;
	const char *keep;        /* keep callgrind files here */
	const char *records;     /* --frame-records: "each" or "batch" (io-pkt frame_records) */
	char tmp[PATH_MAX];
} P;

/* ------------------------------------------------------------ one run of pktsim */

struct bench_line {
	char dir[8];
	long long frames, vtime_ns, irqs, missed;
};

struct run {
	char verdict[16];        /* PASS, FAIL, ERROR, CRASH, or "?" */
	int exit_code;
	double wall, cpu, sys;   /* seconds: ours (fork to waitpid), CPU of the children, the
	                          * part of it in the Linux kernel (system time) */
	double vtime;            /* seconds, from the verdict line */
	long long events;
	struct bench_line b[2];
	int nb;
	char *out;               /* everything it printed */
};

/* "14.0068ms" -> seconds; -1 if unreadable. */
static double parse_duration(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s)
		return -1;
	if (!strncmp(end, "ns", 2))
		return v * 1e-9;
	if (!strncmp(end, "us", 2))
		return v * 1e-6;
	if (!strncmp(end, "ms", 2))
		return v * 1e-3;
	if (*end == 's')
		return v;
	return -1;
}

static void parse_output(struct run *r)
{
	char *line = r->out;
	strcpy(r->verdict, "?");
	r->vtime = -1;
	r->events = -1;
	r->nb = 0;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (!strncmp(line, "BENCH ", 6) && r->nb < 2) {
			struct bench_line *b = &r->b[r->nb];
			if (sscanf(line, "BENCH dir=%7s frames=%lld vtime_ns=%lld irqs=%lld missed=%lld",
			           b->dir, &b->frames, &b->vtime_ns, &b->irqs, &b->missed) == 5)
				r->nb++;
		} else if (!strncmp(line, "PASS ", 5) || !strncmp(line, "FAIL ", 5) ||
		           !strncmp(line, "ERROR ", 6) || !strncmp(line, "CRASH ", 6)) {
			char *p;
			sscanf(line, "%15s", r->verdict);
			if ((p = strstr(line, " vtime=")))
				r->vtime = parse_duration(p + 7);
			if ((p = strstr(line, " events=")))
				r->events = strtoll(p + 8, NULL, 10);
		}
		if (nl)
			*nl = '\n';
		line = nl ? nl + 1 : NULL;
	}
}

/*
 * Run argv (argv[0] a path) with stdout and stderr into a pipe; time it and keep what it
 * printed. Returns the child's pid.
 */
static pid_t run_child(char *const argv[], struct run *r)
{
	int fd[2];
	pid_t pid;
	size_t len = 0, cap = 65536;
	struct rusage ru0, ru1;
	double t0, t1;
	int st;
	if (pipe(fd))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	getrusage(RUSAGE_CHILDREN, &ru0);
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[1]);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	r->out = malloc(cap);
	for (;;) {
		ssize_t n;
		if (len + 1 == cap)
			r->out = realloc(r->out, cap *= 2);
		n = read(fd[0], r->out + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	r->out[len] = 0;
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	t1 = now_s();
	getrusage(RUSAGE_CHILDREN, &ru1);
	r->wall = t1 - t0;
	r->sys = tv_s(ru1.ru_stime) - tv_s(ru0.ru_stime);
	r->cpu = tv_s(ru1.ru_utime) - tv_s(ru0.ru_utime) + r->sys;
	r->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	parse_output(r);
	return pid;
}

/* argv for `pktsim run FILE --out TMP/out [--driver D]`. */
static void pktsim_argv(char **argv, const char *file, int frames_lua)
{
	static char out[PATH_MAX + 8];
	int i = 0;
	snprintf(out, sizeof(out), "%s/out", P.tmp);
	argv[i++] = (char *)P.pktsim;
	argv[i++] = "run";
	argv[i++] = (char *)file;
	argv[i++] = "--out";
	argv[i++] = out;
	if (frames_lua && P.driver) {
		argv[i++] = "--driver";
		argv[i++] = (char *)P.driver;
	}
	argv[i] = NULL;
}

/* ------------------------------------------------------------ the variants of frames.lua */

/* Write TMP/frames-DIR-RECORDS.lua: frames.lua with its parameter line set to (dir, n,
 * records). */
static char *write_variant(const char *dir, long n, const char *records)
{
	static const char key[] = "local DIRECTION, N, RECORDS = ";
	char *path, *text, *p, *eol;
	FILE *f = fopen(P.lua, "r");
	size_t len = 0, cap = 1 << 16;
	if (!f)
		die("%s: %s", P.lua, strerror(errno));
	text = malloc(cap);
	while (!feof(f)) {
		if (len + 4096 > cap)
			text = realloc(text, cap *= 2);
		len += fread(text + len, 1, cap - len - 1, f);
	}
	text[len] = 0;
	fclose(f);
	p = strstr(text, "\nlocal DIRECTION, N, RECORDS = ");
	if (!p)
		die("%s: no line \"%s...\" to set the direction and count", P.lua, key);
	p++;
	eol = strchr(p, '\n');
	if (asprintf(&path, "%s/frames-%s-%s.lua", P.tmp, dir, records) < 0)
		die("out of memory");
	if (!(f = fopen(path, "w")))
		die("%s: %s", path, strerror(errno));
	fwrite(text, 1, (size_t)(p - text), f);
	fprintf(f, "%s\"%s\", %ld, \"%s\"", key, dir, n, records);
	fputs(eol ? eol : "\n", f);
	fclose(f);
	free(text);
	return path;
}

/* ------------------------------------------------------------ jobs */

enum kind { K_NONE, K_RX, K_TX, K_SCENARIO };

struct job {
	enum kind kind;
	const char *records;     /* frames.lua's io-pkt frame_records: "each" or "batch" */
	const char *label;
	char *file;
	long frames;
	struct run runs[MAX_REPS];
	int nruns;
};

static struct job jobs[MAX_JOBS];
static int njobs;

static struct job *add_job(enum kind kind, const char *label, char *file, long frames)
{
	struct job *j;
	if (njobs == MAX_JOBS)
		die("too many scenarios (at most %d)", MAX_JOBS - 5);
	j = &jobs[njobs++];
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->label = label;
	j->file = file;
	j->frames = frames;
	return j;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_scenarios(void)
{
	DIR *d = opendir(P.scen_dir);
	struct dirent *e;
	char *names[MAX_JOBS];
	int n = 0;
	if (!d) {
		fprintf(stderr, "bench_frames: %s: %s (no scenarios timed)\n", P.scen_dir,
		        strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < MAX_JOBS - 3) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".lua"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_str);
	for (int i = 0; i < n; i++) {
		char *path, *label;
		if (asprintf(&path, "%s/%s", P.scen_dir, names[i]) < 0 ||
		    asprintf(&label, "scenarios/%s", names[i]) < 0)
			die("out of memory");
		add_job(K_SCENARIO, label, path, 0);
		free(names[i]);
	}
}

static const char *kind_dir(enum kind k)
{
	return k == K_RX ? "rx" : k == K_TX ? "tx" : "none";
}

/* Check a frames.lua run did what it was asked; else stop the benchmark. */
static void check_frames_run(const struct job *j, const struct run *r)
{
	int want = j->kind == K_NONE ? 0 : 1;
	if (strcmp(r->verdict, "PASS") || r->nb != want ||
	    (want && (strcmp(r->b[0].dir, kind_dir(j->kind)) || r->b[0].frames != j->frames))) {
		fprintf(stderr, "bench_frames: %s (%s, %ld frames) did not do its work (exit %d):\n%s",
		        j->file, kind_dir(j->kind), j->frames, r->exit_code, r->out);
		exit(1);
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static void run_job(struct job *j, int rep)
{
	char *argv[12];
	struct run *r = &j->runs[j->nruns];
	pktsim_argv(argv, j->file, j->kind != K_SCENARIO);
	/* The previous runs' output goes first, outside the timing: else each run would pay
	 * for dropping the trace it replaces (tens of MB of page cache) in its own time. */
	if (nftw(argv[4], rm_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		die("cannot clear %s: %s", argv[4], strerror(errno));
	run_child(argv, r);
	if (j->kind != K_SCENARIO)
		check_frames_run(j, r);
	j->nruns++;
	fprintf(stderr, "rep %d  %-32s %-5s wall %.3fs cpu %.3fs (sys %.3fs) vtime %.6fs events %lld",
	        rep + 1, j->label, r->verdict, r->wall, r->cpu, r->sys, r->vtime, r->events);
	if (r->nb)
		fprintf(stderr, "  %s: %lld frames in %.6fs virtual", r->b[0].dir, r->b[0].frames,
		        (double)r->b[0].vtime_ns * 1e-9);
	fprintf(stderr, "\n");
	if (j->kind == K_SCENARIO && strcmp(r->verdict, "PASS"))
		fprintf(stderr, "%s", r->out);
}

/* Median of one field over a job's runs. */
enum field { F_WALL, F_CPU, F_SYS, F_VTIME, F_EVENTS, F_BVTIME, F_IRQS };

static double job_field(const struct job *j, enum field f, int best)
{
	double v[MAX_REPS];
	for (int i = 0; i < j->nruns; i++) {
		const struct run *r = &j->runs[i];
		v[i] = f == F_WALL ? r->wall : f == F_CPU ? r->cpu : f == F_SYS ? r->sys :
		       f == F_VTIME ? r->vtime :
		       f == F_EVENTS ? (double)r->events : f == F_BVTIME ? (double)r->b[0].vtime_ns * 1e-9 :
		       (double)r->b[0].irqs;
	}
	if (best) { /* the least: the run least disturbed by the rest of the machine */
		double m = j->nruns ? v[0] : 0;
		for (int i = 1; i < j->nruns; i++)
			if (v[i] < m)
				m = v[i];
		return m;
	}
	return median(v, j->nruns);
}

static double job_median(const struct job *j, enum field f)
{
	return job_field(j, f, 0);
}

static const char *fmt_time(double s, char *buf, size_t n)
{
	if (s < 0)
		snprintf(buf, n, "?");
	else if (s < 1e-3)
		snprintf(buf, n, "%.1fus", s * 1e6);
	else if (s < 1)
		snprintf(buf, n, "%.2fms", s * 1e3);
	else
		snprintf(buf, n, "%.3fs", s);
	return buf;
}

static void print_tables(void)
{
	const struct job *none = &jobs[0];
	double w0 = job_median(none, F_WALL), e0 = job_median(none, F_EVENTS);
	char b1[32], b2[32], b3[32];
	printf("\nFrames through the simnic driver: 64-byte frames (60 + CRC), 1 Gbit/s, "
	       "line rate %.0f frames/s; median of %d\n", LINE_FPS, none->nruns);
	printf("fixed cost (frames.lua with no traffic: start, mount, ifconfig, destroy): "
	       "wall %s, %.0f trace records\n\n", fmt_time(w0, b1, sizeof(b1)), e0);
	printf("%-8s %8s %10s %9s %9s %13s %10s %11s %10s %10s %10s %8s %8s\n", "dir", "frames",
	       "vtime", "wall", "net wall", "frames/wall-s", "vs goal", "vsec/wall-s", "best f/s",
	       "rec/frame", "irq/frame", "cpu/wall", "sys/cpu");
	for (int i = 1; i < njobs; i++) {
		const struct job *j = &jobs[i];
		double w, net, vt, fps, best;
		if (j->kind == K_SCENARIO)
			break;
		w = job_median(j, F_WALL);
		net = w - w0;
		if (net <= 0)
			net = w;
		vt = job_median(j, F_BVTIME);
		fps = (double)j->frames / net;
		best = job_field(j, F_WALL, 1) - job_field(none, F_WALL, 1);
		best = best > 0 ? (double)j->frames / best : 0;
		char dir[16];
		snprintf(dir, sizeof(dir), "%s/%s", kind_dir(j->kind), j->records);
		printf("%-8s %8ld %10s %9s %9s %13.0f %9.3fx %11.4f %10.0f %10.1f %10.3f %8.2f %7.0f%%\n",
		       dir, j->frames, fmt_time(vt, b1, sizeof(b1)),
		       fmt_time(w, b2, sizeof(b2)), fmt_time(net, b3, sizeof(b3)), fps,
		       fps / GOAL_FPS, vt / net, best,
		       (job_median(j, F_EVENTS) - e0) / (double)j->frames,
		       job_median(j, F_IRQS) / (double)j->frames,
		       job_median(j, F_CPU) / w, 100.0 * job_median(j, F_SYS) / job_median(j, F_CPU));
	}
	printf("\n(frames/wall-s: from the median walls; best f/s: from the fastest run of the "
	       "direction and of none, the runs least disturbed by other work on the machine; "
	       "vs goal: frames/wall-s over the 1.5 M frames/s of the issue; vsec/wall-s: "
	       "virtual time of the traffic over its net wall time, >= 1.008 means a saturated "
	       "gigabit link of 64-byte frames runs faster than real time; rec/frame: trace "
	       "records; sys/cpu: share of the CPU time spent in the Linux kernel, which "
	       "callgrind does not see.)\n");

	int first = 1;
	while (first < njobs && jobs[first].kind != K_SCENARIO)
		first++;
	if (first < njobs) {
		printf("\n%-34s %-6s %10s %9s %12s %10s %12s\n", "scenario", "result", "vtime",
		       "wall", "vsec/wall-s", "events", "events/wall-s");
		for (int i = first; i < njobs; i++) {
			const struct job *j = &jobs[i];
			double w = job_median(j, F_WALL), vt = job_median(j, F_VTIME);
			int pass = 0;
			for (int k = 0; k < j->nruns; k++)
				pass += !strcmp(j->runs[k].verdict, "PASS");
			printf("%-34s %-6s %10s %9s %12.3f %10.0f %12.0f\n", j->label,
			       pass == j->nruns ? "PASS" : j->runs[0].verdict,
			       fmt_time(vt, b1, sizeof(b1)), fmt_time(w, b2, sizeof(b2)), vt / w,
			       job_median(j, F_EVENTS), job_median(j, F_EVENTS) / w);
		}
		printf("\n(wall includes process start and SimGrid's set-up, about %s: a scenario "
		       "that simulates little shows a low vsec/wall-s.)\n", fmt_time(w0, b1, sizeof(b1)));
	}
	fflush(stdout);
}

/* ------------------------------------------------------------ the profile */

enum comp {
	C_SIMGRID, C_KERNEL, C_TRACE, C_IOPKT, C_NIC, C_DRIVER, C_HARNESS, C_LUA, C_PKTSIM_OTHER,
	C_SHARED, NCOMP
};

static const char *const comp_name[NCOMP] = {
	"SimGrid (libsimgrid, libstdc++, boost)",
	"sim kernel (sim/ but the trace)",
	"trace (sim/emit, trace_*, hash)",
	"io-pkt model (model/)",
	"NIC model (model/nic*, wire, pci)",
	"driver (devnp-simnic.so)",
	"harness (harness/)",
	"Lua (liblua)",
	"pktsim, other",
	"libc/ld.so not charged to a caller",
};

static const char *const comp_short[NCOMP] = {
	"SimGrid", "kernel", "trace", "io-pkt", "NIC", "driver", "harness", "Lua", "pktsim", "libc",
};

static int is_shared(const char *ob)
{
	return strstr(ob, "/libc.so") || strstr(ob, "/ld-linux") || strstr(ob, "/libm.so") ||
	       strstr(ob, "vdso") || !*ob;
}

/* file lies in folder dir ("/model/"): anywhere in an absolute path, or at the start of
 * a relative one (builds that map the source prefix away name "model/mbuf.c"). */
static int in_dir(const char *file, const char *dir)
{
	return strstr(file, dir) || !strncmp(file, dir + 1, strlen(dir) - 1);
}

static enum comp comp_of(const char *ob, const char *file)
{
	const char *b = strrchr(ob, '/');
	b = b ? b + 1 : ob;
	if (is_shared(ob))
		return C_SHARED;
	if (strstr(b, "devnp-"))
		return C_DRIVER;
	if (strstr(b, "liblua"))
		return C_LUA;
	if (!strcmp(b, "pktsim")) {
		if (in_dir(file, "/sim/emit.") || in_dir(file, "/sim/trace") || in_dir(file, "/sim/hash."))
			return C_TRACE;
		if (in_dir(file, "/sim/"))
			return C_KERNEL;
		if (in_dir(file, "/model/nic") || in_dir(file, "/model/wire.") ||
		    in_dir(file, "/model/pci."))
			return C_NIC;
		if (in_dir(file, "/model/") || in_dir(file, "/include/"))
			return C_IOPKT;
		if (in_dir(file, "/harness/"))
			return C_HARNESS;
		return C_PKTSIM_OTHER;
	}
	/* libsimgrid and what it brings: libstdc++, libgcc_s, boost, ns-3, gsl, ... */
	return C_SIMGRID;
}

struct names {
	char **v;
	int n;
};

static const char *names_get(const struct names *t, int id)
{
	return id >= 0 && id < t->n && t->v[id] ? t->v[id] : "";
}

/* "(id) name" defines, "(id)" refers; also a bare name (no compression). Returns the id. */
static int names_ref(struct names *t, char *s)
{
	char *end;
	long id;
	s[strcspn(s, "\n")] = 0;
	if (*s != '(') {   /* uncompressed: store under a fresh id */
		id = t->n;
	} else {
		id = strtol(s + 1, &end, 10);
		if (*end != ')' || id < 0 || id > 10000000)
			return -1;
		s = end + 1;
		while (*s == ' ')
			s++;
		if (!*s)
			return (int)id;
	}
	if (id >= t->n) {
		int n = (int)id + 1024;
		t->v = realloc(t->v, sizeof(char *) * (size_t)n);
		memset(t->v + t->n, 0, sizeof(char *) * (size_t)(n - t->n));
		t->n = n;
	}
	free(t->v[id]);
	t->v[id] = strdup(s);
	return (int)id;
}

struct fnstat {
	int ob, file;
	uint64_t self;
};

struct prof {
	uint64_t total;             /* every instruction */
	int64_t comp[NCOMP];        /* C_SHARED: libc/ld.so/libm's own, less what callers got */
	uint64_t charged;           /* calls into libc/ld.so/libm charged to their callers */
	uint64_t swaps, suspends;   /* SimGrid context switches, actors yielding (suspend) */
	struct names obs, files, fns;
	struct fnstat *fn;          /* by fn id */
	int nfn;
};

static struct fnstat *fn_at(struct prof *p, int id)
{
	if (id < 0)
		return NULL;
	if (id >= p->nfn) {
		int n = id + 4096;
		p->fn = realloc(p->fn, sizeof(*p->fn) * (size_t)n);
		for (int i = p->nfn; i < n; i++)
			p->fn[i] = (struct fnstat){ -1, -1, 0 };
		p->nfn = n;
	}
	return &p->fn[id];
}

/* Read a callgrind.out file (format of valgrind 3.x, one event, Ir). */
static void cg_read(const char *path, struct prof *p)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int ob = -1, fl = -1, cur_file = -1, fn = -1, npos = 1;
	int pend_call = 0, call_ob = -1, call_fn = -1;
	long long call_count = 0;
	memset(p, 0, sizeof(*p));
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char c = line[0];
		if (isdigit((unsigned char)c) || c == '+' || c == '-' || c == '*') {
			char *s = line;
			uint64_t cost;
			for (int i = 0; i < npos; i++) {  /* skip the position columns */
				s += strcspn(s, " \t\n");
				s += strspn(s, " \t");
			}
			cost = strtoull(s, NULL, 10);
			if (pend_call) {
				int cob = call_ob >= 0 ? call_ob : ob;
				const char *callee = names_get(&p->fns, call_fn);
				if (strstr(callee, "RawContext::swap_into_for_real") ||
				    strstr(callee, "UContext::swap_into_for_real") ||
				    strstr(callee, "BoostContext::swap_into_for_real"))
					p->swaps += (uint64_t)call_count;
				if (strstr(callee, "SwappedContext::suspend()"))
					p->suspends += (uint64_t)call_count;
				if (!is_shared(names_get(&p->obs, ob)) && is_shared(names_get(&p->obs, cob)) &&
				    !strstr(callee, "__libc_start") && strcmp(callee, "exit")) {
					p->comp[comp_of(names_get(&p->obs, ob), names_get(&p->files, cur_file))] +=
						(int64_t)cost;
					p->charged += cost;
				}
				pend_call = 0;
				call_ob = call_fn = -1;
			} else {
				struct fnstat *s2 = fn_at(p, fn);
				p->total += cost;
				if (s2)
					s2->self += cost;
				p->comp[comp_of(names_get(&p->obs, ob), names_get(&p->files, cur_file))] +=
					(int64_t)cost;
			}
		} else if (!strncmp(line, "ob=", 3)) {
			ob = names_ref(&p->obs, line + 3);
		} else if (!strncmp(line, "fl=", 3)) {
			fl = cur_file = names_ref(&p->files, line + 3);
		} else if (!strncmp(line, "fi=", 3) || !strncmp(line, "fe=", 3)) {
			cur_file = names_ref(&p->files, line + 3);
		} else if (!strncmp(line, "fn=", 3)) {
			struct fnstat *s2;
			fn = names_ref(&p->fns, line + 3);
			cur_file = fl;
			if ((s2 = fn_at(p, fn)) && s2->ob < 0) {
				s2->ob = ob;
				s2->file = fl;
			}
		} else if (!strncmp(line, "cob=", 4)) {
			call_ob = names_ref(&p->obs, line + 4);
		} else if (!strncmp(line, "cfi=", 4) || !strncmp(line, "cfl=", 4)) {
			names_ref(&p->files, line + 4);
		} else if (!strncmp(line, "cfn=", 4)) {
			call_fn = names_ref(&p->fns, line + 4);
		} else if (!strncmp(line, "calls=", 6)) {
			pend_call = 1;
			call_count = strtoll(line + 6, NULL, 10);
		} else if (!strncmp(line, "positions:", 10)) {
			npos = strstr(line, "instr") && strstr(line, "line") ? 2 : 1;
		} else if (!strncmp(line, "events:", 7)) {
			if (strncmp(line, "events: Ir", 10))
				die("%s: expected one event, Ir (got %s)", path, line);
		}
	}
	free(line);
	fclose(f);
	p->comp[C_SHARED] -= (int64_t)p->charged;
}

/* The profile of the scenario's process of one pktsim run under callgrind. */
static void profile_run(const char *label, const char *file, struct prof *p)
{
	char dir[PATH_MAX + 16], outopt[PATH_MAX + 64], path[PATH_MAX + 300];
	char *argv[24];
	struct run r;
	pid_t pid;
	DIR *d;
	struct dirent *e;
	int i = 0, found = 0;
	snprintf(dir, sizeof(dir), "%s/cg-%s", P.tmp, label);
	if (mkdir(dir, 0700) && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	snprintf(outopt, sizeof(outopt), "--callgrind-out-file=%s/callgrind.out.%%p", dir);
	argv[i++] = (char *)P.valgrind;
	argv[i++] = "--tool=callgrind";
	argv[i++] = "--trace-children=yes";
	argv[i++] = outopt;
	pktsim_argv(argv + i, file, 1);
	memset(&r, 0, sizeof(r));
	fprintf(stderr, "profile: callgrind on %s (%s) ...\n", file, label);
	pid = run_child(argv, &r);
	if (strcmp(r.verdict, "PASS"))
		die("callgrind run of %s did not pass:\n%s", file, r.out);
	fprintf(stderr, "profile: %s done in %.1fs\n", label, r.wall);
	/* Two files: pktsim's own process (pid) and the scenario's process. */
	if (!(d = opendir(dir)))
		die("%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char want[64];
		snprintf(want, sizeof(want), "callgrind.out.%d", (int)pid);
		if (strncmp(e->d_name, "callgrind.out.", 14) || !strcmp(e->d_name, want))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		found++;
	}
	closedir(d);
	if (found != 1)
		die("%s: expected the callgrind file of one scenario process, found %d", dir, found);
	cg_read(path, p);
	if (P.keep) {
		char dst[PATH_MAX + 64];
		if (mkdir(P.keep, 0755) && errno != EEXIST)
			die("%s: %s", P.keep, strerror(errno));
		snprintf(dst, sizeof(dst), "%s/callgrind.frames-%s", P.keep, label);
		if (rename(path, dst)) {
			char cmd[3 * PATH_MAX];
			snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, dst);
			if (system(cmd))
				fprintf(stderr, "bench_frames: could not keep %s\n", path);
		}
		fprintf(stderr, "profile: kept %s\n", dst);
	}
	free(r.out);
}

struct fnrow {
	char *key;      /* name [object] */
	int comp;
	double per;     /* Ir per frame */
};

static int cmp_fnrow(const void *a, const void *b)
{
	double x = ((const struct fnrow *)a)->per, y = ((const struct fnrow *)b)->per;
	return x > y ? -1 : x < y;
}

static char *fn_key(const struct prof *p, int id)
{
	const char *ob = names_get(&p->obs, p->fn[id].ob), *b = strrchr(ob, '/');
	char *k;
	if (asprintf(&k, "%s [%s]", names_get(&p->fns, id), b ? b + 1 : ob) < 0)
		die("out of memory");
	return k;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct fnrow *)a)->key, ((const struct fnrow *)b)->key);
}

/* Functions by self cost per frame: (run - base) / frames, the top n. */
static void top_functions(const struct prof *run, const struct prof *base, long frames, int n)
{
	struct fnrow *rows = calloc((size_t)run->nfn, sizeof(*rows)), *brow;
	int nr = 0, nb = 0;
	brow = calloc((size_t)base->nfn + 1, sizeof(*brow));
	for (int i = 0; i < base->nfn; i++)
		if (base->fn[i].self) {
			brow[nb].key = fn_key(base, i);
			brow[nb++].per = (double)base->fn[i].self;
		}
	qsort(brow, (size_t)nb, sizeof(*brow), cmp_key);
	for (int i = 0; i < run->nfn; i++) {
		struct fnrow key, *hit;
		if (!run->fn[i].self)
			continue;
		rows[nr].key = fn_key(run, i);
		rows[nr].comp = comp_of(names_get(&run->obs, run->fn[i].ob),
		                        names_get(&run->files, run->fn[i].file));
		key.key = rows[nr].key;
		hit = bsearch(&key, brow, (size_t)nb, sizeof(*brow), cmp_key);
		rows[nr].per = ((double)run->fn[i].self - (hit ? hit->per : 0)) / (double)frames;
		nr++;
	}
	qsort(rows, (size_t)nr, sizeof(*rows), cmp_fnrow);
	for (int i = 0; i < nr && i < n; i++) {
		char name[120];
		snprintf(name, sizeof(name), "%s", rows[i].key);
		printf("  %8.1f  %-8s %s\n", rows[i].per, comp_short[rows[i].comp], name);
	}
	for (int i = 0; i < nr; i++)
		free(rows[i].key);
	for (int i = 0; i < nb; i++)
		free(brow[i].key);
	free(rows);
	free(brow);
}

static void profile(void)
{
	struct prof base, rx, tx;
	const char *rec = strcmp(P.records, "both") ? P.records : "batch";
	char *f_none = write_variant("none", 0, rec);
	char *f_rx = write_variant("rx", P.profile_frames, rec);
	char *f_tx = write_variant("tx", P.profile_frames, rec);
	double n = (double)P.profile_frames;
	uint64_t simgrid_run, model_run;
	profile_run("none", f_none, &base);
	profile_run("rx", f_rx, &rx);
	profile_run("tx", f_tx, &tx);

	printf("\nProfile (valgrind --tool=callgrind, instructions, deterministic): the "
	       "scenario's process of frames.lua with %ld frames, minus the same with none\n\n",
	       P.profile_frames);
	printf("%-40s %14s %7s %12s %7s %12s %7s\n", "component", "rx run, Ir", "share",
	       "Ir/rx frame", "share", "Ir/tx frame", "share");
	{
		double prx = (double)rx.total - (double)base.total, ptx = (double)tx.total - (double)base.total;
		for (int c = 0; c < NCOMP; c++) {
			double drx = (double)rx.comp[c] - (double)base.comp[c];
			double dtx = (double)tx.comp[c] - (double)base.comp[c];
			printf("%-40s %14" PRId64 " %6.1f%% %12.1f %6.1f%% %12.1f %6.1f%%\n", comp_name[c],
			       rx.comp[c], 100.0 * (double)rx.comp[c] / (double)rx.total, drx / n,
			       100.0 * drx / prx, dtx / n, 100.0 * dtx / ptx);
		}
		printf("%-40s %14" PRIu64 " %6.1f%% %12.1f %6.1f%% %12.1f %6.1f%%\n", "total", rx.total,
		       100.0, prx / n, 100.0, ptx / n, 100.0);
		simgrid_run = (uint64_t)rx.comp[C_SIMGRID];
		model_run = rx.total - simgrid_run - (uint64_t)rx.comp[C_SHARED];
		printf("\nSimGrid vs the rest, rx: whole run %.1f%% SimGrid / %.1f%% pktsim, driver "
		       "and Lua / %.1f%% start-up libc+ld.so; per frame %.1f%% SimGrid / %.1f%% the "
		       "rest\n", 100.0 * (double)simgrid_run / (double)rx.total,
		       100.0 * (double)model_run / (double)rx.total,
		       100.0 * (double)rx.comp[C_SHARED] / (double)rx.total,
		       100.0 * ((double)rx.comp[C_SIMGRID] - (double)base.comp[C_SIMGRID]) / prx,
		       100.0 - 100.0 * ((double)rx.comp[C_SIMGRID] - (double)base.comp[C_SIMGRID]) / prx);
		printf("SimGrid vs the rest, tx: per frame %.1f%% SimGrid / %.1f%% the rest\n",
		       100.0 * ((double)tx.comp[C_SIMGRID] - (double)base.comp[C_SIMGRID]) / ptx,
		       100.0 - 100.0 * ((double)tx.comp[C_SIMGRID] - (double)base.comp[C_SIMGRID]) / ptx);
		printf("SimGrid context switches per frame (RawContext::swap_into_for_real): rx %.3f, "
		       "tx %.3f; actors blocking (SwappedContext::suspend) per frame: rx %.3f, tx %.3f\n",
		       ((double)rx.swaps - (double)base.swaps) / n, ((double)tx.swaps - (double)base.swaps) / n,
		       ((double)rx.suspends - (double)base.suspends) / n,
		       ((double)tx.suspends - (double)base.suspends) / n);
		printf("(none: %" PRIu64 " Ir, %" PRIu64 " context switches)\n", base.total, base.swaps);
	}
	printf("\nTop functions per rx frame (self Ir per frame; libc: libc, ld.so or libm, whoever "
	       "called it):\n");
	top_functions(&rx, &base, P.profile_frames, 25);
	printf("\nTop functions per tx frame (self Ir per frame):\n");
	top_functions(&tx, &base, P.profile_frames, 25);
	fflush(stdout);
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: bench_frames [--pktsim PATH] [--frames N] [--tx-frames N] [--reps R]\n"
	        "                    [--lua FILE] [--scenarios DIR | --no-scenarios] [--driver D]\n"
	        "                    [--profile | --no-profile | --profile-only] [--profile-frames N]\n"
	        "                    [--valgrind PATH] [--keep DIR] [--frame-records each|batch|both]\n"
	        "  --pktsim PATH       the pktsim executable (default: ../pktsim next to this program)\n"
	        "  --frames N          64-byte frames per rx run (default %d)\n"
	        "  --tx-frames N       per tx run (default: --frames)\n"
	        "  --reps R            repetitions, medians reported (default %d)\n"
	        "  --lua FILE          the workload (default %s/bench/frames.lua)\n"
	        "  --scenarios DIR     time every DIR/*.lua (default %s/scenarios)\n"
	        "  --driver D          the driver frames.lua mounts (default devnp-simnic.so)\n"
	        "  --no-profile        skip the callgrind profile (default: on when valgrind exists)\n"
	        "  --profile-only      only the profile (one run of none, rx and tx under callgrind)\n"
	        "  --valgrind PATH     default /usr/bin/valgrind\n"
	        "  --profile-frames N  frames per profiled run (default %d)\n"
	        "  --keep DIR          keep the callgrind files in DIR\n"
	        "  --frame-records M   io-pkt's frame_records for frames.lua: each (a trace record\n"
	        "                      per frame event), batch (counted, one record per stack pass)\n"
	        "                      or both (default; the profile then uses batch)\n",
	        DEFAULT_FRAMES, DEFAULT_REPS, PKTSIM_SOURCE_DIR, PKTSIM_SOURCE_DIR,
	        DEFAULT_PROFILE_FRAMES);
}

static long arg_long(const char *opt, const char *v, long min)
{
	char *end;
	long n;
	if (!v)
		die("%s needs a value", opt);
	n = strtol(v, &end, 10);
	if (*end || n < min)
		die("%s: %s is not an integer >= %ld", opt, v, min);
	return n;
}

static const char *default_pktsim(void)
{
	static char path[PATH_MAX + 16];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	if (n > 0) {
		self[n] = 0;
		if ((slash = strrchr(self, '/'))) {
			*slash = 0;
			snprintf(path, sizeof(path), "%s/../pktsim", self);
			if (access(path, X_OK) == 0)
				return path;
			snprintf(path, sizeof(path), "%s/pktsim", self);
			if (access(path, X_OK) == 0)
				return path;
		}
	}
#ifdef PKTSIM_EXE
	return PKTSIM_EXE;
#else
	return "pktsim";
#endif
}

int main(int argc, char **argv)
{
	int profile_only = 0;
	const char *tmpdir = getenv("TMPDIR");
	P.lua = PKTSIM_SOURCE_DIR "/bench/frames.lua";
	P.scen_dir = PKTSIM_SOURCE_DIR "/scenarios";
	P.frames = DEFAULT_FRAMES;
	P.tx_frames = -1;
	P.reps = DEFAULT_REPS;
	P.scenarios = 1;
	P.profile_frames = DEFAULT_PROFILE_FRAMES;
	P.valgrind = "/usr/bin/valgrind";
	P.profile = -1;  /* when valgrind is there */
	P.records = "both";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--pktsim") && v)
			P.pktsim = argv[++i];
		else if (!strcmp(a, "--frames"))
			P.frames = arg_long(a, v, 1), i++;
		else if (!strcmp(a, "--tx-frames"))
			P.tx_frames = arg_long(a, v, 1), i++;
		else if (!strcmp(a, "--reps"))
			P.reps = (int)arg_long(a, v, 1), i++;
		else if (!strcmp(a, "--lua") && v)
			P.lua = argv[++i];
		else if (!strcmp(a, "--scenarios") && v)
			P.scen_dir = argv[++i];
		else if (!strcmp(a, "--no-scenarios"))
			P.scenarios = 0;
		else if (!strcmp(a, "--driver") && v)
			P.driver = argv[++i];
		else if (!strcmp(a, "--profile"))
			P.profile = 1;
		else if (!strcmp(a, "--no-profile"))
			P.profile = 0;
		else if (!strcmp(a, "--profile-only"))
			P.profile = profile_only = 1;
		else if (!strcmp(a, "--profile-frames"))
			P.profile_frames = arg_long(a, v, 1), i++;
		else if (!strcmp(a, "--valgrind") && v)
			P.valgrind = argv[++i];
		else if (!strcmp(a, "--keep") && v)
			P.keep = argv[++i];
		else if (!strcmp(a, "--frame-records") && v &&
		         (!strcmp(v, "each") || !strcmp(v, "batch") || !strcmp(v, "both")))
			P.records = argv[++i];
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (P.reps > MAX_REPS)
		die("--reps: at most %d", MAX_REPS);
	if (P.tx_frames < 0)
		P.tx_frames = P.frames;
	if (P.profile < 0 && access(P.valgrind, X_OK))
		P.profile = -2;  /* wanted, but no valgrind */
	else if (P.profile < 0)
		P.profile = 1;
	else if (P.profile && access(P.valgrind, X_OK))
		die("%s: %s (give --valgrind PATH, or --no-profile)", P.valgrind, strerror(errno));
	if (!P.pktsim)
		P.pktsim = default_pktsim();
	if (access(P.pktsim, X_OK))
		die("%s: %s (give --pktsim PATH)", P.pktsim, strerror(errno));
	snprintf(P.tmp, sizeof(P.tmp), "%s/bench_frames.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(P.tmp))
		die("mkdtemp %s: %s", P.tmp, strerror(errno));

	printf("bench_frames: pktsim %s, workload %s, frame_records=%s\n", P.pktsim, P.lua,
	       P.records);
	if (!profile_only) {
		static const char *const modes[] = { "each", "batch" };
		add_job(K_NONE, "frames.lua none", write_variant("none", 0, "each"), 0)->records =
			"each";
		for (int m = 0; m < 2; m++) {
			char *l1, *l2;
			if (strcmp(P.records, "both") && strcmp(P.records, modes[m]))
				continue;
			if (asprintf(&l1, "frames.lua rx/%s", modes[m]) < 0 ||
			    asprintf(&l2, "frames.lua tx/%s", modes[m]) < 0)
				die("out of memory");
			add_job(K_RX, l1, write_variant("rx", P.frames, modes[m]), P.frames)->records =
				modes[m];
			add_job(K_TX, l2, write_variant("tx", P.tx_frames, modes[m]), P.tx_frames)
				->records = modes[m];
		}
		if (P.scenarios)
			add_scenarios();
		for (int rep = 0; rep < P.reps; rep++)
			for (int k = 0; k < njobs; k++)
				run_job(&jobs[rep % 2 ? njobs - 1 - k : k], rep);
		print_tables();
	}
	if (P.profile == 1)
		profile();
	else if (P.profile == -2)
		printf("\n(no profile: %s not found; the SimGrid/model split needs valgrind)\n",
		       P.valgrind);
	{
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", P.tmp);
		if (system(cmd))
			fprintf(stderr, "bench_frames: could not remove %s\n", P.tmp);
	}
	return 0;
}
