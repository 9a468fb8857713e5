/*
 * tests/sim/test_kernel.c — the virtual-time kernel: clock, threads, sleeps, timers,
 * block/wake order at equal timestamps, mutexes, PRNG streams, watchdog, deadlock.
 * Each test runs in its own process (Check's fork mode): SimGrid runs once per process.
 */
#include "sim.h"

#include <simgrid/actor.h>

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <sys/stat.h>

static sim_world *W;
static char logbuf[4096];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(logbuf);
	va_start(ap, fmt);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
}

static sim_world *world(int ncpus, uint64_t seed, sim_ns stall)
{
	struct sim_config cfg;
	char err[256];
	sim_config_defaults(&cfg);
	cfg.ncpus = ncpus;
	cfg.seed = seed;
	cfg.stall_limit = stall;
	ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), 0);
	logbuf[0] = 0;
	return W;
}

/* One thread fn (named name) on a 1-CPU world, run to its end: the log is want. */
static void ck_one_thread(const char *name, void (*fn)(sim_world *, void *), const char *want)
{
	world(1, 1, 0);
	sim_thread_create(W, name, 0, fn, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_str_eq(logbuf, want);
}

/* ------------------------------------------------------------- clock */

static void sleeper(sim_world *w, void *arg)
{
	sim_ns d = *(sim_ns *)arg;
	sim_sleep(w, d);
	logf_("%s@%lld ", sim_thread_name(sim_thread_self(w)), (long long)sim_now(w));
	sim_sleep(w, d);
	logf_("%s@%lld ", sim_thread_name(sim_thread_self(w)), (long long)sim_now(w));
}

START_TEST(test_clock_integer_ns)
{
	/* 1 ns and 333333333 ns steps are exact: no double rounding leaks into our clock */
	static sim_ns a = 1, b = 333333333;
	world(1, 1, 0);
	sim_thread_create(W, "a", 0, sleeper, &a);
	sim_thread_create(W, "b", 0, sleeper, &b);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "a@1 a@2 b@333333333 b@666666666 ");
	ck_assert_int_eq(sim_now(W), 666666666);
}
END_TEST

/* Equal timestamps: threads woken at the same time run in the order their wake-ups were
 * armed (sequence number), not in creation or name order. */
static void at_10(sim_world *w, void *arg)
{
	sim_sleep(w, (sim_ns)(intptr_t)arg);
	sim_sleep(w, 10 - (sim_ns)(intptr_t)arg);
	logf_("%s ", sim_thread_name(sim_thread_self(w)));
}

START_TEST(test_equal_time_order)
{
	world(2, 1, 0);
	/* c arms its t=10 wake first (at t=1), then b (t=2), then a (t=3) */
	sim_thread_create(W, "a", 0, at_10, (void *)(intptr_t)3);
	sim_thread_create(W, "b", 1, at_10, (void *)(intptr_t)2);
	sim_thread_create(W, "c", 0, at_10, (void *)(intptr_t)1);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "c b a ");
	ck_assert_int_eq(sim_now(W), 10);
}
END_TEST

/* ------------------------------------------------------------ wait queues */

static sim_waitq Q;

static void waiter(sim_world *w, void *arg)
{
	int rc = sim_wait(w, &Q, (sim_ns)(intptr_t)arg);
	logf_("%s:%s@%lld ", sim_thread_name(sim_thread_self(w)), rc == 0 ? "woken" : "timeout",
	      (long long)sim_now(w));
}

static void waker(sim_world *w, void *arg)
{
	sim_sleep(w, 100);
	ck_assert_int_eq(sim_wake_one(w, &Q), 1);
	sim_sleep(w, 100);
	ck_assert_int_eq(sim_wake_all(w, &Q), 1); /* w2 timed out at 150 */
	logf_("waker@%lld ", (long long)sim_now(w));
}

START_TEST(test_wait_fifo_and_timeout)
{
	world(1, 1, 0);
	sim_waitq_init(W, &Q, "q");
	sim_thread_create(W, "w1", 0, waiter, (void *)(intptr_t)SIM_FOREVER);
	sim_thread_create(W, "w2", 0, waiter, (void *)(intptr_t)150);
	sim_thread_create(W, "w3", 0, waiter, (void *)(intptr_t)SIM_FOREVER);
	sim_thread_create(W, "wk", 0, waker, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	/* FIFO: w1 first; w2 times out at 150; w3 woken at 200; the woken run after the waker */
	ck_assert_str_eq(logbuf, "w1:woken@100 w2:timeout@150 waker@200 w3:woken@200 ");
}
END_TEST

/* ------------------------------------------------------------------ timers */

static sim_timer *T1, *T2, *T3;

static void tfire(sim_world *w, void *arg)
{
	logf_("%s@%lld ", (const char *)arg, (long long)sim_now(w));
	ck_assert_ptr_null(sim_thread_self(w)); /* kernel context */
	if (!strcmp(arg, "t1") && sim_now(w) < 50)
		sim_timer_arm(w, T1, 45); /* re-arm from its own callback */
}

static void timer_user(sim_world *w, void *arg)
{
	T1 = sim_timer_create(w, "t1", tfire, "t1");
	T2 = sim_timer_create(w, "t2", tfire, "t2");
	T3 = sim_timer_create(w, "t3", tfire, "t3");
	sim_timer_arm(w, T1, 5);
	sim_timer_arm(w, T2, 20);
	sim_timer_arm(w, T3, 30);
	ck_assert(sim_timer_armed(T2));
	ck_assert_int_eq(sim_timer_cancel(w, T2), 1);    /* cancelled: never fires */
	ck_assert_int_eq(sim_timer_cancel(w, T2), 0);    /* harmless twice */
	sim_timer_arm(w, T3, 40);                         /* moved */
	sim_sleep(w, 100);
	ck_assert(!sim_timer_armed(T1));
	logf_("end@%lld", (long long)sim_now(w));
}

/* Spends of 10 ns with a timer due at 25 and one at exactly 40: the timer callbacks run
 * at their times between the spends (the fast path of sim_spend must not step over an
 * event, nor over one due exactly when a spend ends), and the clock adds up. */
static void short_spender(sim_world *w, void *arg)
{
	T1 = sim_timer_create(w, "t25", tfire, "t25");
	T2 = sim_timer_create(w, "t40", tfire, "t40");
	sim_timer_arm(w, T1, 25);
	sim_timer_arm(w, T2, 40);
	for (int i = 0; i < 6; i++) {
		sim_spend(w, 10);
		logf_("s%lld ", (long long)sim_now(w));
	}
}

START_TEST(test_spend_lets_events_in)
{
	ck_one_thread("spender", short_spender, "s10 s20 t25@25 s30 t40@40 s40 s50 s60 ");
}
END_TEST

START_TEST(test_timers)
{
	ck_one_thread("user", timer_user, "t1@5 t3@40 t1@50 end@100");
}
END_TEST

/* ---------------------------------------------------------------- spend, mutex */

static sim_mutex M;

static void spender(sim_world *w, void *arg)
{
	sim_spend(w, 100);
	logf_("%s@%lld ", sim_thread_name(sim_thread_self(w)), (long long)sim_now(w));
}

START_TEST(test_spend_serialises_on_one_cpu)
{
	world(2, 1, 0);
	sim_thread_create(W, "a", 0, spender, NULL);
	sim_thread_create(W, "b", 0, spender, NULL); /* same CPU: after a */
	sim_thread_create(W, "c", 1, spender, NULL); /* other CPU: in parallel with a */
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "a@100 c@100 b@200 ");
}
END_TEST

static void locker(sim_world *w, void *arg)
{
	sim_mutex_lock(w, &M);
	logf_("%s+%lld ", sim_thread_name(sim_thread_self(w)), (long long)sim_now(w));
	sim_sleep(w, 10);
	ck_assert_int_eq(sim_mutex_unlock(w, &M), 0);
}

START_TEST(test_mutex_fifo)
{
	world(1, 1, 0);
	sim_mutex_init(W, &M, "m");
	sim_thread_create(W, "a", 0, locker, NULL);
	sim_thread_create(W, "b", 0, locker, NULL);
	sim_thread_create(W, "c", 0, locker, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "a+0 b+10 c+20 ");
}
END_TEST

static void bad_unlocker(sim_world *w, void *arg)
{
	ck_assert_int_eq(sim_mutex_unlock(w, &M), -EPERM);
}

START_TEST(test_mutex_unlock_not_owner)
{
	world(1, 1, 0);
	sim_mutex_init(W, &M, "m");
	sim_thread_create(W, "x", 0, bad_unlocker, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
}
END_TEST

/* ----------------------------------------------------------------- PRNG */

static uint64_t draw_stream(uint64_t seed, int with_other)
{
	uint64_t v = 0;
	sim_rng *a;
	world(1, seed, 0);
	if (with_other) { /* another consumer created first and drawing in between */
		sim_rng *b = sim_rng_stream(W, "other");
		sim_rng_u64(W, b);
	}
	a = sim_rng_stream(W, "mine");
	for (int i = 0; i < 5; i++) {
		if (with_other)
			sim_rng_u64(W, sim_rng_stream(W, "other"));
		v = v * 31 + sim_rng_u64(W, a);
	}
	return v;
}

START_TEST(test_rng_streams_independent)
{
	/* each draw_stream creates a world: run the three in child processes */
	uint64_t plain, mixed, seed2;
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	for (int k = 0; k < 3; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			uint64_t v = draw_stream(k == 2 ? 43 : 42, k == 1);
			write(fds[1], &v, sizeof(v));
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	ck_assert_int_eq(read(fds[0], &plain, 8), 8);
	ck_assert_int_eq(read(fds[0], &mixed, 8), 8);
	ck_assert_int_eq(read(fds[0], &seed2, 8), 8);
	ck_assert_uint_eq(plain, mixed);  /* another stream does not shift mine */
	ck_assert_uint_ne(plain, seed2);  /* the seed does */
}
END_TEST

START_TEST(test_rng_range_bounds)
{
	sim_rng *r;
	int seen[7] = { 0 };
	world(1, 9, 0);
	r = sim_rng_stream(W, "range");
	for (int i = 0; i < 7000; i++) {
		int64_t v = sim_rng_range(W, r, -3, 3);
		ck_assert(v >= -3 && v <= 3);
		seen[v + 3]++;
	}
	for (int i = 0; i < 7; i++)
		ck_assert_int_gt(seen[i], 800); /* roughly uniform: 1000 expected each */
	ck_assert_int_eq(sim_rng_range(W, r, 5, 5), 5);
	for (int i = 0; i < 100; i++) {
		double d = sim_rng_double(W, r);
		ck_assert(d >= 0 && d < 1);
	}
}
END_TEST

/* ----------------------------------------------------- watchdog, deadlock */

static void stuck(sim_world *w, void *arg)
{
	sim_mutex_lock(w, &M); /* held by "holder" for 5 ms */
}

static void holder(sim_world *w, void *arg)
{
	sim_mutex_lock(w, &M);
	sim_sleep(w, 5 * SIM_MS);
	sim_mutex_unlock(w, &M);
}

START_TEST(test_stall_watchdog_names_holder)
{
	world(1, 1, SIM_MS);
	sim_mutex_init(W, &M, "tx-mutex");
	sim_thread_create(W, "holder", 0, holder, NULL);
	sim_thread_create(W, "victim", 0, stuck, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_STALL);
	ck_assert_int_eq(sim_now(W), SIM_MS);
	ck_assert_ptr_nonnull(strstr(sim_world_end_message(W), "thread 2 \"victim\""));
	ck_assert_ptr_nonnull(strstr(sim_world_end_message(W), "\"tx-mutex\""));
	ck_assert_ptr_nonnull(strstr(sim_world_end_message(W), "held by thread 1 \"holder\""));
}
END_TEST

START_TEST(test_stall_not_reported_under_limit)
{
	world(1, 1, 10 * SIM_MS);
	sim_mutex_init(W, &M, "tx-mutex");
	sim_thread_create(W, "holder", 0, holder, NULL);
	sim_thread_create(W, "victim", 0, stuck, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
}
END_TEST

static sim_waitq Q2;

static void forever(sim_world *w, void *arg)
{
	sim_sleep(w, 7);
	sim_wait(w, arg, SIM_FOREVER);
}

START_TEST(test_deadlock_report)
{
	world(2, 1, 0);
	sim_waitq_init(W, &Q, "rx-ring");
	sim_waitq_init(W, &Q2, "link-up");
	sim_thread_create(W, "rx", 1, forever, &Q);
	sim_thread_create(W, "mii", 0, forever, &Q2);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DEADLOCK);
	const char *m = sim_world_end_message(W);
	ck_assert_ptr_nonnull(strstr(m, "deadlock at t=7ns"));
	ck_assert_ptr_nonnull(strstr(m, "thread 1 \"rx\" (cpu 1) waits on \"rx-ring\""));
	ck_assert_ptr_nonnull(strstr(m, "thread 2 \"mii\" (cpu 0) waits on \"link-up\""));
	ck_assert_ptr_nonnull(strstr(m, "since t=7ns"));
}
END_TEST

static void daemon_idle(sim_world *w, void *arg) { sim_wait(w, &Q, SIM_FOREVER); }
static void short_main(sim_world *w, void *arg) { sim_sleep(w, 3); }

START_TEST(test_daemon_not_deadlock)
{
	sim_thread *d;
	world(1, 1, 0);
	sim_waitq_init(W, &Q, "work");
	d = sim_thread_create(W, "worker", 0, daemon_idle, NULL);
	sim_thread_set_daemon(d, 1);
	sim_thread_create(W, "main", 0, short_main, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_int_eq(sim_now(W), 3);
}
END_TEST

static void ticker(sim_world *w, void *arg)
{
	for (;;)
		sim_sleep(w, SIM_MS);
}

START_TEST(test_time_limit)
{
	struct sim_config cfg;
	char err[128];
	sim_config_defaults(&cfg);
	cfg.time_limit = 10 * SIM_MS + 1;
	ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), 0);
	sim_thread_create(W, "tick", 0, ticker, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_TIME_LIMIT);
	ck_assert_int_eq(sim_now(W), 10 * SIM_MS);
}
END_TEST

static void stopper(sim_world *w, void *arg)
{
	sim_sleep(w, 5);
	sim_world_stop(w, "expectation failed");
	sim_sleep(w, 5);
	logf_("not reached");
}

START_TEST(test_stop)
{
	world(1, 1, 0);
	sim_thread_create(W, "s", 0, stopper, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_STOPPED);
	ck_assert_str_eq(sim_world_end_message(W), "expectation failed");
	ck_assert_str_eq(logbuf, "");
	ck_assert_int_eq(sim_now(W), 5);
}
END_TEST

static void joined(sim_world *w, void *arg) { sim_sleep(w, 42); }
static void joiner(sim_world *w, void *arg)
{
	sim_thread_join(w, arg);
	logf_("joined@%lld", (long long)sim_now(w));
}

START_TEST(test_join)
{
	sim_thread *t;
	world(1, 1, 0);
	t = sim_thread_create(W, "j", 0, joined, NULL);
	sim_thread_create(W, "joiner", 0, joiner, t);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "joined@42");
}
END_TEST

static void spawner(sim_world *w, void *arg)
{
	sim_thread *c = sim_thread_create(w, "child", 0, joined, NULL);
	sim_thread_join(w, c);
	logf_("spawned-joined@%lld", (long long)sim_now(w));
}

/* A running thread creates another (SimGrid 3.32 crashed at the end of such a run when
 * the new actor was daemonized before it was started). */
START_TEST(test_spawn_from_thread)
{
	ck_one_thread("parent", spawner, "spawned-joined@42");
}
END_TEST

static int reuse_ran;
static long reuse_max_pid;

static void short_lived(sim_world *w, void *arg)
{
	reuse_ran += (int)(intptr_t)arg;
	sim_sleep(w, (sim_ns)((intptr_t)arg % 3));
	if (sg_actor_get_pid(sg_actor_self()) > reuse_max_pid) /* pids: one per actor created */
		reuse_max_pid = sg_actor_get_pid(sg_actor_self());
}

static void reuse_spawner(sim_world *w, void *arg)
{
	(void)arg;
	for (intptr_t i = 1; i <= 300; i++) {
		sim_thread *c = sim_thread_create(w, "short", 0, short_lived, (void *)i);
		ck_assert_int_eq(sim_thread_id(c), (int)i + 1);
		if (i % 2)
			sim_thread_join(w, c);
	}
}

/* Threads that end give their SimGrid actor back for the next ones: 300 short-lived
 * threads all run, with their own ids, on a handful of actors. */
START_TEST(test_thread_actors_reused)
{
	world(1, 1, 0);
	sim_thread_create(W, "parent", 0, reuse_spawner, NULL);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_int_eq(reuse_ran, 300 * 301 / 2);
	ck_assert_int_le(reuse_max_pid, 8); /* kernel + parent + a few children at once */
}
END_TEST

START_TEST(test_bad_config)
{
	struct sim_config cfg;
	char err[128];
	sim_config_defaults(&cfg);
	cfg.ncpus = 0;
	ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cpus"));
}
END_TEST

/* ---------------------------------------------------------------- durations */

START_TEST(test_durations)
{
	sim_ns v;
	char buf[32];
	ck_assert_int_eq(sim_parse_duration("250us", &v), 0); ck_assert_int_eq(v, 250000);
	ck_assert_int_eq(sim_parse_duration("10ms", &v), 0); ck_assert_int_eq(v, 10000000);
	ck_assert_int_eq(sim_parse_duration("2s", &v), 0); ck_assert_int_eq(v, 2000000000);
	ck_assert_int_eq(sim_parse_duration("1.5ms", &v), 0); ck_assert_int_eq(v, 1500000);
	ck_assert_int_eq(sim_parse_duration("100ns", &v), 0); ck_assert_int_eq(v, 100);
	ck_assert_int_eq(sim_parse_duration("77", &v), 0); ck_assert_int_eq(v, 77);
	ck_assert_int_eq(sim_parse_duration("0.000000001s", &v), 0); ck_assert_int_eq(v, 1);
	ck_assert_int_eq(sim_parse_duration("1.5ns", &v), -EINVAL);
	ck_assert_int_eq(sim_parse_duration("-1ms", &v), -EINVAL);
	ck_assert_int_eq(sim_parse_duration("5 ms", &v), -EINVAL);
	ck_assert_int_eq(sim_parse_duration("5parsecs", &v), -EINVAL);
	ck_assert_int_eq(sim_parse_duration("99999999999999999999s", &v), -EINVAL);
	ck_assert_str_eq(sim_format_ns(1250000, buf, sizeof(buf)), "1.250ms");
	ck_assert_str_eq(sim_format_ns(1250001, buf, sizeof(buf)), "1.250001ms");
	ck_assert_str_eq(sim_format_ns(999, buf, sizeof(buf)), "999ns");
	ck_assert_str_eq(sim_format_ns(2 * SIM_S, buf, sizeof(buf)), "2.000s");
}
END_TEST

/* -------------------------------------------------------- kernel + trace */

static const char *tmpdir(void)
{
	static char dir[512];
	const char *d = getenv("PKTSIM_TEST_TMP");
	snprintf(dir, sizeof(dir), "%s", d && *d ? d : "/tmp");
	mkdir(dir, 0755);
	return dir;
}

static void traced_run(const char *path, uint64_t seed, uint64_t *digest, uint64_t *events)
{
	struct sim_config cfg;
	char err[256];
	static sim_ns a = 5, b = 7;
	sim_config_defaults(&cfg);
	cfg.ncpus = 2;
	cfg.seed = seed;
	cfg.trace_path = path;
	cfg.scenario_path = "unit";
	ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), 0);
	sim_thread_create(W, "a", 0, sleeper, &a);
	sim_thread_create(W, "b", 1, sleeper, &b);
	sim_rng_u64(W, sim_rng_stream(W, "s"));
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_int_eq(sim_world_close_trace(W, err, sizeof(err)), 0);
	*digest = sim_world_digest(W);
	*events = sim_world_events(W);
}

START_TEST(test_trace_of_a_run_reads_back)
{
	char path[600], err[256];
	uint64_t digest, events, n = 0;
	sim_trace_reader *r;
	struct sim_record rec;
	int rc, saw_create = 0;
	snprintf(path, sizeof(path), "%s/kernel-run.trace", tmpdir());
	traced_run(path, 3, &digest, &events);
	ck_assert_uint_gt(events, 10);
	ck_assert_int_eq(sim_trace_open(path, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(sim_trace_reader_header(r)->seed, 3);
	while ((rc = sim_trace_next(r, &rec, err, sizeof(err))) == 1) {
		ck_assert_uint_eq(rec.seq, n++);
		if (!strcmp(sim_trace_reader_kind_name(r, rec.kind), "thread_create") &&
		    rec.args[0].i == 2) {
			ck_assert_str_eq(rec.args[1].s, "b");
			ck_assert_int_eq(rec.args[2].i, 1);
			saw_create = 1;
		}
	}
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert(saw_create);
	ck_assert_uint_eq(n, events);
	ck_assert_uint_eq(sim_trace_reader_digest(r), digest);
	sim_trace_close(r);
}
END_TEST

/* The same run in two processes gives byte-identical files; another seed does not. */
START_TEST(test_trace_deterministic)
{
	char p[3][600], cmd[2000];
	for (int k = 0; k < 3; k++) {
		pid_t pid;
		snprintf(p[k], sizeof(p[k]), "%s/det%d.trace", tmpdir(), k);
		pid = fork();
		if (pid == 0) {
			uint64_t d, e;
			traced_run(p[k], k == 2 ? 4 : 3, &d, &e);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", p[0], p[1]);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", p[0], p[2]);
	ck_assert_int_ne(system(cmd), 0);
}
END_TEST

/* ----------------------------------------------- stress: ties and 1 ns gaps */

#define NSTRESS 40
static sim_ns last_seen;
static int stress_bad;
static uint64_t stress_sum;
static sim_timer *stress_timers[4];

static void stress_check(sim_world *w, sim_ns expected)
{
	if (sim_now(w) != expected || sim_now(w) < last_seen)
		stress_bad++;
	last_seen = sim_now(w);
}

static void stress_tick(sim_world *w, void *arg)
{
	intptr_t i = (intptr_t)arg;
	sim_ns d = sim_rng_range(w, sim_rng_stream(w, "timers"), 0, 3);
	stress_check(w, sim_now(w));
	stress_sum = stress_sum * 3 + (uint64_t)i;
	if (sim_now(w) < 2000)
		sim_timer_arm(w, stress_timers[i], d);
}

static void stress_thread(sim_world *w, void *arg)
{
	char name[16];
	sim_rng *r;
	snprintf(name, sizeof(name), "s%d", (int)(intptr_t)arg);
	r = sim_rng_stream(w, name);
	for (int i = 0; i < 150; i++) {
		sim_ns d = sim_rng_range(w, r, 0, 3), at = sim_now(w) + d;
		if (sim_rng_range(w, r, 0, 4) == 0)
			sim_spend(w, d ? d : 1), at = -1;
		else if (sim_rng_range(w, r, 0, 3) == 0)
			sim_wait(w, &Q, d), at = -1; /* times out unless woken */
		else
			sim_sleep(w, d);
		if (at >= 0)
			stress_check(w, at);
		else
			stress_check(w, sim_now(w));
		if (sim_rng_range(w, r, 0, 7) == 0)
			sim_wake_one(w, &Q);
		stress_sum = stress_sum * 31 + (uint64_t)(intptr_t)arg + (uint64_t)sim_now(w);
	}
}

static uint64_t stress_run(void)
{
	world(3, 77, 0);
	sim_waitq_init(W, &Q, "stress");
	for (intptr_t i = 0; i < 4; i++) {
		stress_timers[i] = sim_timer_create(W, "tick", stress_tick, (void *)i);
		sim_timer_arm(W, stress_timers[i], i);
	}
	for (intptr_t i = 0; i < NSTRESS; i++)
		sim_thread_create(W, "s", (int)(i % 3), stress_thread, (void *)i);
	ck_assert_int_eq(sim_world_run(W), SIM_END_DONE);
	ck_assert_int_eq(stress_bad, 0);
	return stress_sum ^ sim_world_digest(W);
}

START_TEST(test_stress_exact_times_and_reproducible)
{
	uint64_t v[2];
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	for (int k = 0; k < 2; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			uint64_t x = stress_run();
			write(fds[1], &x, sizeof(x));
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	ck_assert_int_eq(read(fds[0], &v[0], 8), 8);
	ck_assert_int_eq(read(fds[0], &v[1], 8), 8);
	ck_assert_uint_eq(v[0], v[1]);
	ck_assert_uint_ne(v[0], 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kernel");
	TCase *tc = tcase_create("kernel");
	tcase_add_test(tc, test_clock_integer_ns);
	tcase_add_test(tc, test_equal_time_order);
	tcase_add_test(tc, test_wait_fifo_and_timeout);
	tcase_add_test(tc, test_timers);
	tcase_add_test(tc, test_spend_serialises_on_one_cpu);
	tcase_add_test(tc, test_mutex_fifo);
	tcase_add_test(tc, test_mutex_unlock_not_owner);
	tcase_add_test(tc, test_rng_streams_independent);
	tcase_add_test(tc, test_rng_range_bounds);
	tcase_add_test(tc, test_stall_watchdog_names_holder);
	tcase_add_test(tc, test_stall_not_reported_under_limit);
	tcase_add_test(tc, test_deadlock_report);
	tcase_add_test(tc, test_daemon_not_deadlock);
	tcase_add_test(tc, test_time_limit);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_spawn_from_thread);
	tcase_add_test(tc, test_thread_actors_reused);
	tcase_add_test(tc, test_spend_lets_events_in);
	tcase_add_test(tc, test_bad_config);
	tcase_add_test(tc, test_durations);
	tcase_add_test(tc, test_trace_of_a_run_reads_back);
	tcase_add_test(tc, test_trace_deterministic);
	tcase_add_test(tc, test_stress_exact_times_and_reproducible);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
