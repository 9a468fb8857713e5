/*
 * bench/bench_sim.c — what the sim kernel costs per event over raw SimGrid.
 *
 * The same workloads run through the pktsim kernel (sim.h) and through raw SimGrid C
 * calls, and the benchmark prints events per wall-clock second for both and the kernel's
 * overhead per event (raw_rate / kernel_rate - 1). Workloads:
 *
 *   timers    K threads each doing N/K sleeps of varying, deterministic durations.
 *             Raw: K actors calling sg_actor_sleep_for. Kernel: K sim_thread_create'd
 *             threads calling sim_sleep. An event is one completed sleep.
 *   timer-cb  The same sleeps as K one-shot sim_timers, each re-armed from its own
 *             callback (one thread waits for them all). Raw side: the same K actors.
 *             An event is one timer expiry (one completed sleep).
 *   pingpong  Two threads handing the CPU to each other. Raw: two actors and two
 *             sg_sem semaphores (release the other's, acquire one's own). Kernel: a turn
 *             variable and two sim_waitq (sim_wake_one, sim_wait). An event is one
 *             hand-off.
 *
 * SimGrid can be initialised once per process, so every measurement runs in a child
 * process of its own: it builds its engine or world and threads, times the simulation
 * alone (CLOCK_MONOTONIC around simgrid_run / sim_world_run), checks it did the expected
 * work (event count and final virtual clock) and sends (events, seconds) up a pipe. Each
 * measurement is repeated R times, raw and kernel interleaved, and the median is reported.
 *
 * This is a benchmark, not a test: nothing here asserts anything about time. The only
 * failures are wrong work (counts or clocks that disagree) and crashed children.
 */
#define _GNU_SOURCE
#include "sim.h"

#include <errno.h>
#include <inttypes.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_EVENTS 500000
#define DEFAULT_REPS 5
#define DEFAULT_THREADS 8
#define MAX_THREADS 64
#define MAX_REPS 101
#define NCPUS 2

/* ------------------------------------------------------------ parameters */

enum impl { IMPL_RAW, IMPL_KERNEL, IMPL_KERNEL_FILE, NIMPL };

static const char *const impl_name[NIMPL] = { "raw", "kernel", "kernel+file" };

struct params {
	uint64_t events;        /* events asked for (rounded down to what the workload does) */
	int threads;            /* K of the timer workloads */
	int reps;
	const char *trace_path; /* NULL: the kernel runs keep a digest only */
	const char *only;       /* run this workload alone; NULL: all */
	int quiet;
};

/* What one measurement (one child) reports. */
struct result {
	int ok;
	uint64_t events;     /* events done */
	double seconds;      /* wall time of the simulation alone */
	double cpu_seconds;  /* CPU time of the same (not stretched by other processes) */
	int64_t vclock_ns;   /* virtual clock at the end, ns (raw: rounded from SimGrid's) */
	uint64_t records;    /* kernel: trace records emitted (0 for raw) */
	char err[200];
};

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Start timing the simulation; stop_timing fills r->seconds and r->cpu_seconds. */
static double t0_wall, t0_cpu;

static void start_timing(void)
{
	t0_cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	t0_wall = clock_s(CLOCK_MONOTONIC);
}

static void stop_timing(struct result *r)
{
	r->seconds = clock_s(CLOCK_MONOTONIC) - t0_wall;
	r->cpu_seconds = clock_s(CLOCK_PROCESS_CPUTIME_ID) - t0_cpu;
}

/* ------------------------------------------------------- the sleep pattern */

/* Duration of sleep i of thread j: varying, deterministic, 1000..1999 ns. */
static sim_ns sleep_ns(int j, uint64_t i)
{
	return 1000 + (sim_ns)((i * 7919 + (uint64_t)j * 104729) % 1000);
}

/* Virtual time at which the last of k threads doing per sleeps each finishes. */
static sim_ns timers_end(int k, uint64_t per)
{
	sim_ns end = 0;
	for (int j = 0; j < k; j++) {
		sim_ns sum = 0;
		for (uint64_t i = 0; i < per; i++)
			sum += sleep_ns(j, i);
		if (sum > end)
			end = sum;
	}
	return end;
}

/* State of the one measurement a child makes. */
static struct {
	uint64_t count;          /* events done so far */
	uint64_t per;            /* timers: sleeps per thread; pingpong: hand-offs per side */
	int k;
	int idx[MAX_THREADS];    /* thread/actor j's index, passed by pointer */
	/* raw pingpong */
	sg_sem_t sem[2];
	/* kernel pingpong and timer-cb */
	sim_waitq q[2];
	int turn;
	sim_timer *timer[MAX_THREADS];
	uint64_t fired[MAX_THREADS];
	int active;
} B;

/* ------------------------------------------------------------- raw SimGrid */

/* One host per simulated CPU, as sim/world.c builds it, loaded from a memory file. */
static int raw_platform(char *err, size_t n)
{
	char path[64];
	int fd = memfd_create("bench-platform", 0);
	FILE *f;
	if (fd < 0 || !(f = fdopen(dup(fd), "w"))) {
		snprintf(err, n, "platform: %s", strerror(errno));
		return -1;
	}
	fprintf(f, "<?xml version='1.0'?>\n"
	           "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
	           "<platform version=\"4.1\">\n<zone id=\"bench\" routing=\"Full\">\n");
	for (int i = 0; i < NCPUS; i++)
		fprintf(f, "<host id=\"cpu%d\" speed=\"1000000000f\"/>\n", i);
	fprintf(f, "</zone>\n</platform>\n");
	fclose(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	simgrid_load_platform(path);
	close(fd);
	return 0;
}

static int raw_init(char *err, size_t n)
{
	static char *argv[] = { "bench_sim", "--cfg=contexts/factory:raw",
	                        "--log=root.thres:warning", "--log=xbt_cfg.thres:warning", NULL };
	int argc = 4;
	simgrid_init(&argc, argv);
	return raw_platform(err, n);
}

static sg_host_t raw_host(int i)
{
	char name[16];
	snprintf(name, sizeof(name), "cpu%d", i % NCPUS);
	return sg_host_by_name(name);
}

static void raw_spawn(const char *name, int i, void (*fn)(int, char **))
{
	sg_actor_t a = sg_actor_init(name, raw_host(i));
	sg_actor_set_data(a, &B.idx[i]);
	sg_actor_start(a, fn, 0, NULL);
}

/* Time simgrid_run and report the count and SimGrid's clock in r. */
static void raw_run(struct result *r)
{
	start_timing();
	simgrid_run();
	stop_timing(r);
	r->events = B.count;
	r->vclock_ns = (int64_t)(simgrid_get_clock() * 1e9 + 0.5);
}

static void raw_timer_actor(int argc, char **argv)
{
	int j = *(int *)sg_actor_self_get_data();
	for (uint64_t i = 0; i < B.per; i++) {
		sg_actor_sleep_for((double)sleep_ns(j, i) * 1e-9);
		B.count++;
	}
}

static void raw_timers(struct result *r)
{
	for (int j = 0; j < B.k; j++) {
		char name[32];
		snprintf(name, sizeof(name), "sleeper%d", j);
		raw_spawn(name, j, raw_timer_actor);
	}
	raw_run(r);
}

/* Side 0 hands off first; each side releases the other's semaphore per hand-off. */
static void raw_pp_actor(int argc, char **argv)
{
	int me = *(int *)sg_actor_self_get_data();
	for (uint64_t i = 0; i < B.per; i++) {
		if (me == 1)
			sg_sem_acquire(B.sem[1]);
		sg_sem_release(B.sem[!me]);
		B.count++;
		if (me == 0)
			sg_sem_acquire(B.sem[0]);
	}
}

static void raw_pingpong(struct result *r)
{
	B.sem[0] = sg_sem_init(0);
	B.sem[1] = sg_sem_init(0);
	raw_spawn("ping", 0, raw_pp_actor);
	raw_spawn("pong", 1, raw_pp_actor);
	raw_run(r);
}

/* ------------------------------------------------------------------ kernel */

static sim_world *kernel_world(const char *trace_path, char *err, size_t n)
{
	struct sim_config cfg;
	sim_world *w = NULL;
	sim_config_defaults(&cfg);
	cfg.ncpus = NCPUS;
	cfg.trace_path = trace_path;
	cfg.options = "bench_sim";
	if (sim_world_create(&cfg, &w, err, n))
		return NULL;
	return w;
}

/* Time sim_world_run and report the count, clock and records in r. */
static void kernel_run(sim_world *w, struct result *r)
{
	enum sim_end end;
	start_timing();
	end = sim_world_run(w);
	stop_timing(r);
	r->events = B.count;
	r->vclock_ns = sim_now(w);
	r->records = sim_world_events(w);
	if (end != SIM_END_DONE) {
		snprintf(r->err, sizeof(r->err), "kernel run ended \"%s\": %s", sim_end_name(end),
		         sim_world_end_message(w));
		r->ok = 0;
	}
	if (sim_world_close_trace(w, r->err, sizeof(r->err)))
		r->ok = 0;
}

static void kernel_spawn(sim_world *w, const char *name, int i, sim_thread_fn fn)
{
	sim_thread_create(w, name, i % NCPUS, fn, &B.idx[i]);
}

static void kernel_timer_thread(sim_world *w, void *arg)
{
	int j = *(int *)arg;
	for (uint64_t i = 0; i < B.per; i++) {
		sim_sleep(w, sleep_ns(j, i));
		B.count++;
	}
}

static void kernel_timers(sim_world *w, struct result *r)
{
	for (int j = 0; j < B.k; j++) {
		char name[32];
		snprintf(name, sizeof(name), "sleeper%d", j);
		kernel_spawn(w, name, j, kernel_timer_thread);
	}
	kernel_run(w, r);
}

/* Timer j expired: count it and re-arm it for its next sleep, or report it done. */
static void kernel_timer_cb(sim_world *w, void *arg)
{
	int j = *(int *)arg;
	B.count++;
	if (++B.fired[j] < B.per)
		sim_timer_arm(w, B.timer[j], sleep_ns(j, B.fired[j]));
	else if (--B.active == 0)
		sim_wake_one(w, &B.q[0]);
}

static void kernel_timer_waiter(sim_world *w, void *arg)
{
	for (int j = 0; j < B.k; j++)
		sim_timer_arm(w, B.timer[j], sleep_ns(j, 0));
	while (B.active > 0)
		sim_wait(w, &B.q[0], SIM_FOREVER);
}

static void kernel_timer_cbs(sim_world *w, struct result *r)
{
	sim_waitq_init(w, &B.q[0], "timers-done");
	B.active = B.per > 0 ? B.k : 0;
	for (int j = 0; j < B.k; j++) {
		char name[32];
		snprintf(name, sizeof(name), "timer%d", j);
		B.timer[j] = sim_timer_create(w, name, kernel_timer_cb, &B.idx[j]);
	}
	kernel_spawn(w, "waiter", 0, kernel_timer_waiter);
	kernel_run(w, r);
}

/* Side me hands the turn to the other side, then waits for it to come back. */
static void kernel_pp_thread(sim_world *w, void *arg)
{
	int me = *(int *)arg;
	for (uint64_t i = 0; i < B.per; i++) {
		while (B.turn != me)
			sim_wait(w, &B.q[me], SIM_FOREVER);
		B.turn = !me;
		B.count++;
		sim_wake_one(w, &B.q[!me]);
	}
}

static void kernel_pingpong(sim_world *w, struct result *r)
{
	sim_waitq_init(w, &B.q[0], "ping");
	sim_waitq_init(w, &B.q[1], "pong");
	B.turn = 0;
	kernel_spawn(w, "ping", 0, kernel_pp_thread);
	kernel_spawn(w, "pong", 1, kernel_pp_thread);
	kernel_run(w, r);
}

/* --------------------------------------------------------------- workloads */

struct workload {
	const char *name;
	const char *event; /* what one event is */
	/* Set B up for p; returns the events the run will do and the final clock in *end. */
	uint64_t (*plan)(const struct params *p, sim_ns *end);
	void (*raw)(struct result *r);
	void (*kernel)(sim_world *w, struct result *r);
};

static uint64_t plan_timers(const struct params *p, sim_ns *end)
{
	B.k = p->threads;
	B.per = p->events / (uint64_t)p->threads;
	*end = timers_end(B.k, B.per);
	return B.per * (uint64_t)B.k;
}

static uint64_t plan_pingpong(const struct params *p, sim_ns *end)
{
	B.per = p->events / 2;
	*end = 0;
	return 2 * B.per;
}

static const struct workload workloads[] = {
	{ "timers", "sleep", plan_timers, raw_timers, kernel_timers },
	{ "timer-cb", "expiry", plan_timers, raw_timers, kernel_timer_cbs },
	{ "pingpong", "hand-off", plan_pingpong, raw_pingpong, kernel_pingpong },
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/*
 * Check the run did the planned work: the planned count, and the planned final clock,
 * exactly for the kernel (integer ns). SimGrid ends a sleep once less than surf/precision
 * (1e-9 s) of it remains, so a raw actor may finish up to 1 ns early per sleep.
 */
static void check_work(struct result *r, uint64_t want, sim_ns end, enum impl impl)
{
	int64_t slack = impl == IMPL_RAW ? (int64_t)B.per + 1 : 0;
	int64_t diff = r->vclock_ns - end;
	if (!r->ok)
		return;
	if (r->events != want) {
		snprintf(r->err, sizeof(r->err), "did %" PRIu64 " events, expected %" PRIu64,
		         r->events, want);
		r->ok = 0;
	} else if (diff > slack || diff < -slack) {
		snprintf(r->err, sizeof(r->err), "ended at t=%" PRId64 " ns, expected %" PRId64 " ns",
		         r->vclock_ns, (int64_t)end);
		r->ok = 0;
	}
}

/* The body of a child: one measurement of workload wl by impl. */
static void measure(const struct workload *wl, enum impl impl, const struct params *p,
                    struct result *r)
{
	sim_ns end;
	uint64_t want;
	memset(r, 0, sizeof(*r));
	memset(&B, 0, sizeof(B));
	for (int j = 0; j < MAX_THREADS; j++)
		B.idx[j] = j;
	want = wl->plan(p, &end);
	r->ok = 1;
	if (impl == IMPL_RAW) {
		if (raw_init(r->err, sizeof(r->err))) {
			r->ok = 0;
			return;
		}
		wl->raw(r);
	} else {
		sim_world *w = kernel_world(impl == IMPL_KERNEL_FILE ? p->trace_path : NULL, r->err,
		                            sizeof(r->err));
		if (!w) {
			r->ok = 0;
			return;
		}
		wl->kernel(w, r);
	}
	check_work(r, want, end, impl);
}

/* ----------------------------------------------------------- child process */

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static size_t read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, p + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return got;
}

/* Run one measurement in a fresh child process (SimGrid runs once per process). */
static void measure_in_child(const struct workload *wl, enum impl impl, const struct params *p,
                             struct result *r)
{
	int fds[2], status = 0;
	size_t got;
	pid_t pid;
	memset(r, 0, sizeof(*r));
	fflush(NULL);
	if (pipe(fds) || (pid = fork()) < 0) {
		snprintf(r->err, sizeof(r->err), "pipe/fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		measure(wl, impl, p, r);
		_exit(write_all(fds[1], r, sizeof(*r)) ? 3 : 0); /* skip SimGrid's teardown */
	}
	close(fds[1]);
	got = read_all(fds[0], r, sizeof(*r));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != sizeof(*r) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (got != sizeof(*r))
			memset(r, 0, sizeof(*r));
		if (r->ok || !r->err[0])
			snprintf(r->err, sizeof(r->err), "the child failed (wait status 0x%x)", status);
		r->ok = 0;
	}
}

/* ------------------------------------------------------------------ report */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_REPS];
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Rates (events per wall second) of every repetition of one workload. */
struct series {
	double rate[NIMPL][MAX_REPS];
	uint64_t events;
	uint64_t records; /* kernel trace records per run */
};

static void print_header(const struct params *p, int nimpl)
{
	printf("bench_sim: kernel vs raw SimGrid, %" PRIu64 " events per run, %d timer threads, "
	       "%d CPUs, median of %d runs\n",
	       p->events, p->threads, NCPUS, p->reps);
	if (nimpl > IMPL_KERNEL_FILE)
		printf("kernel trace: digest only (\"kernel\") and written to %s (\"kernel+file\")\n",
		       p->trace_path);
	else
		printf("kernel trace: digest only (no file; --trace PATH also measures with one)\n");
	printf("\n%-9s %9s %8s %13s %13s %10s %17s", "workload", "events", "rec/ev", "raw ev/s",
	       "kernel ev/s", "overhead", "per-rep range");
	if (nimpl > IMPL_KERNEL_FILE)
		printf(" %13s %10s", "k+file ev/s", "overhead");
	printf("\n");
}

/* The kernel's overhead per event over raw SimGrid: raw_rate / rate - 1. */
static double overhead(double raw_rate, double rate)
{
	return raw_rate / rate - 1;
}

static void print_row(const struct workload *wl, const struct series *s, int reps, int nimpl)
{
	double raw = median(s->rate[IMPL_RAW], reps), k = median(s->rate[IMPL_KERNEL], reps);
	double lo = 1e9, hi = -1e9;
	for (int i = 0; i < reps; i++) {
		double o = overhead(s->rate[IMPL_RAW][i], s->rate[IMPL_KERNEL][i]);
		lo = o < lo ? o : lo;
		hi = o > hi ? o : hi;
	}
	printf("%-9s %9" PRIu64 " %8.2f %13.0f %13.0f %+9.1f%% %+7.1f..%+6.1f%%", wl->name,
	       s->events, (double)s->records / (double)s->events, raw, k, 100 * overhead(raw, k),
	       100 * lo, 100 * hi);
	if (nimpl > IMPL_KERNEL_FILE) {
		double kf = median(s->rate[IMPL_KERNEL_FILE], reps);
		printf(" %13.0f %+9.1f%%", kf, 100 * overhead(raw, kf));
	}
	printf("\n");
}

static void print_final(const struct workload *wl, const struct series *s, int reps)
{
	double raw = median(s->rate[IMPL_RAW], reps), k = median(s->rate[IMPL_KERNEL], reps);
	printf("%s: kernel overhead over raw SimGrid %+.1f%% per %s (raw %.0f ns/%s, kernel "
	       "%.0f ns/%s)\n",
	       wl->name, 100 * overhead(raw, k), wl->event, 1e9 / raw, wl->event, 1e9 / k,
	       wl->event);
}

/* ------------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_sim [--events N] [--reps R] [--threads K] [--trace PATH]\n"
	           "                 [--workload timers|timer-cb|pingpong] [--quiet]\n"
	           "  --events N   events per run (default %d)\n"
	           "  --reps R     runs per measurement, median reported (default %d, max %d)\n"
	           "  --threads K  threads/timers of the timer workloads (default %d, max %d)\n"
	           "  --trace PATH also measure the kernel writing its trace to PATH (rewritten\n"
	           "               by every such run; default: digest only, no file)\n"
	           "  --workload W run only workload W\n"
	           "  --quiet      print only the final line of each workload\n",
	        DEFAULT_EVENTS, DEFAULT_REPS, MAX_REPS, DEFAULT_THREADS, MAX_THREADS);
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct workload *workload_named(const char *name)
{
	for (size_t w = 0; w < NWORKLOADS; w++)
		if (!strcmp(name, workloads[w].name))
			return &workloads[w];
	return NULL;
}

static int parse_args(int argc, char **argv, struct params *p)
{
	uint64_t v;
	p->events = DEFAULT_EVENTS;
	p->reps = DEFAULT_REPS;
	p->threads = DEFAULT_THREADS;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--quiet")) {
			p->quiet = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!val)
			return -1;
		i++;
		if (!strcmp(a, "--events") && !parse_u64(val, 2, UINT64_C(1) << 40, &v))
			p->events = v;
		else if (!strcmp(a, "--reps") && !parse_u64(val, 1, MAX_REPS, &v))
			p->reps = (int)v;
		else if (!strcmp(a, "--threads") && !parse_u64(val, 1, MAX_THREADS, &v))
			p->threads = (int)v;
		else if (!strcmp(a, "--trace"))
			p->trace_path = val;
		else if (!strcmp(a, "--workload"))
			p->only = val;
		else
			return -1;
	}
	if (p->events < (uint64_t)p->threads) {
		fprintf(stderr, "bench_sim: --events must be at least --threads\n");
		return -1;
	}
	if (p->only && !workload_named(p->only)) {
		fprintf(stderr, "bench_sim: no workload \"%s\"\n", p->only);
		return -1;
	}
	return 0;
}

static int selected(const struct params *p, size_t w)
{
	return !p->only || !strcmp(p->only, workloads[w].name);
}

/* One repetition of every implementation of wl, alternating which goes first. */
static int run_rep(const struct workload *wl, const struct params *p, int rep, int nimpl,
                   struct series *s)
{
	for (int n = 0; n < nimpl; n++) {
		enum impl impl = (enum impl)(rep % 2 ? nimpl - 1 - n : n);
		struct result r;
		measure_in_child(wl, impl, p, &r);
		if (!r.ok) {
			fprintf(stderr, "bench_sim: %s/%s: %s\n", wl->name, impl_name[impl], r.err);
			return -1;
		}
		s->rate[impl][rep] = (double)r.events / r.seconds;
		s->events = r.events;
		if (impl != IMPL_RAW)
			s->records = r.records;
		if (!p->quiet)
			fprintf(stderr,
			        "  run %d/%d %-9s %-11s %9" PRIu64 " events %.3f s (cpu %.3f s) %11.0f ev/s\n",
			        rep + 1, p->reps, wl->name, impl_name[impl], r.events, r.seconds,
			        r.cpu_seconds, s->rate[impl][rep]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct series series[NWORKLOADS];
	struct params p = { 0 };
	int nimpl;
	if (parse_args(argc, argv, &p)) {
		usage(stderr);
		return 2;
	}
	nimpl = p.trace_path ? IMPL_KERNEL_FILE + 1 : IMPL_KERNEL + 1;
	for (int rep = 0; rep < p.reps; rep++)
		for (size_t w = 0; w < NWORKLOADS; w++)
			if (selected(&p, w))
				if (run_rep(&workloads[w], &p, rep, nimpl, &series[w]))
					return 1;
	if (!p.quiet) {
		print_header(&p, nimpl);
		for (size_t w = 0; w < NWORKLOADS; w++)
			if (selected(&p, w))
				print_row(&workloads[w], &series[w], p.reps, nimpl);
		printf("\n");
	}
	for (size_t w = 0; w < NWORKLOADS; w++)
		if (selected(&p, w))
			print_final(&workloads[w], &series[w], p.reps);
	return 0;
}
