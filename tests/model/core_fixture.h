/*
 * tests/model/core_fixture.h — helpers for the core model tests: one world and one io-pkt
 * per test process (Check's fork mode), a log of what happened at which virtual time,
 * scenario threads, and requests served in the stack context with a driver entry point
 * recorded (so breaches name "fn (entry)").
 *
 * The "driver" functions of the tests are global (not static) so that breach reports can
 * name them by symbol, as they name a real driver's functions.
 */
#ifndef PKTSIM_CORE_FIXTURE_H
#define PKTSIM_CORE_FIXTURE_H

#include "model_int.h"

#include <blockop.h>
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nw_thread.h>
#include <pthread.h>
#include <sys/callout.h>
#include <sys/io-pkt.h>
#include <sys/neutrino.h>
#include <sys/proc.h>
#include <sys/stat.h>
#include <sys/syspage.h>
#include <sys/systm.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE static __attribute__((unused))

static sim_world *W;
static char logbuf[8192];
/* model_config.version and .quiesce_limit of the next setup_iopkt (default 0: the seeds'
 * io-pkt, no quiesce watchdog). */
static int fx_version;
static sim_ns fx_quiesce_limit;

/* Append "what@<now> " to the log. */
FIXTURE void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
FIXTURE void note(const char *fmt, ...)
{
	size_t n = strlen(logbuf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
	n = strlen(logbuf);
	snprintf(logbuf + n, sizeof(logbuf) - n, "@%lld ", (long long)sim_now(W));
}

/* A world of ncpus CPUs (stall limit stall, 0 = off; trace file trace, NULL = none) with
 * io-pkt and workers workers (0 = one per CPU). */
FIXTURE void setup_iopkt_traced(int ncpus, int workers, sim_ns stall, const char *trace)
{
	struct sim_config cfg;
	struct model_config mc;
	char err[256] = "";
	sim_config_defaults(&cfg);
	cfg.ncpus = ncpus;
	cfg.stall_limit = stall;
	cfg.time_limit = 600 * SIM_S;
	cfg.trace_path = trace;
	ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), 0);
	model_config_defaults(&mc);
	mc.workers = workers;
	mc.version = fx_version;
	mc.quiesce_limit = fx_quiesce_limit;
	ck_assert_msg(model_create(W, &mc, err, sizeof(err)) == 0, "%s", err);
	logbuf[0] = 0;
}

FIXTURE void setup_iopkt(int ncpus, int workers, sim_ns stall)
{
	setup_iopkt_traced(ncpus, workers, stall, NULL);
}

/* A temporary file path for this test process: $PKTSIM_TEST_TMP (created) or /tmp. */
FIXTURE void tmp_path(char *buf, size_t n, const char *name)
{
	const char *dir = getenv("PKTSIM_TEST_TMP");
	if (!dir || !*dir)
		dir = "/tmp";
	mkdir(dir, 0755);
	snprintf(buf, n, "%s/test_core_%ld_%s", dir, (long)getpid(), name);
}

/* The world's trace is complete: write its footer so it can be read. */
FIXTURE void trace_finish(void)
{
	char err[256] = "";
	ck_assert_msg(sim_world_close_trace(W, err, sizeof(err)) == 0, "%s", err);
}

/* For each record of kind in the trace file path, append its arguments (space
 * separated, "; " after each record) to out. */
FIXTURE void trace_grep(const char *path, const char *kind, char *out, size_t n)
{
	char err[256] = "";
	sim_trace_reader *r;
	struct sim_record rec;
	ck_assert_msg(sim_trace_open(path, &r, err, sizeof(err)) == 0, "%s", err);
	out[0] = 0;
	while (sim_trace_next(r, &rec, err, sizeof(err)) == 1) {
		size_t len;
		if (strcmp(sim_trace_reader_kind_name(r, rec.kind), kind) != 0)
			continue;
		for (int i = 0; i < rec.nargs; i++) {
			len = strlen(out);
			if (rec.args[i].type == SIM_ARG_INT)
				snprintf(out + len, n - len, "%s%lld", i ? " " : "", (long long)rec.args[i].i);
			else
				snprintf(out + len, n - len, "%s%s", i ? " " : "", rec.args[i].s);
		}
		len = strlen(out);
		snprintf(out + len, n - len, "; ");
	}
	sim_trace_close(r);
}

FIXTURE void spawn(const char *name, sim_thread_fn fn, void *arg)
{
	ck_assert_ptr_nonnull(sim_thread_create(W, name, 0, fn, arg));
}

/* A driver entry point served as a request: fn(arg) runs in a pseudo-thread, recorded as
 * the driver function of entry (e.g. "if_init"). */
struct drv_call {
	const char *entry;
	int (*fn)(void *);
	void *arg;
};

static int drv_call_run(void *p)
{
	struct drv_call *c = p;
	int rc;
	model_call_push(c->entry, (const void *)c->fn);
	rc = c->fn(c->arg);
	model_call_pop();
	return rc;
}

FIXTURE int drv_request(const char *name, const char *entry, int (*fn)(void *), void *arg)
{
	struct drv_call c = { entry, fn, arg };
	return model_stack_request(name, drv_call_run, &c);
}

/* In the stack context (a request "arm", entry if_init): callout_init c and arm it for
 * ms to call fn(arg). */
struct fx_arm_args {
	struct callout *c;
	int ms;
	void (*fn)(void *);
	void *arg;
};

static int fx_arm_run(void *p)
{
	struct fx_arm_args *a = p;
	callout_init(a->c);
	callout_msec(a->c, a->ms, a->fn, a->arg);
	return 0;
}

FIXTURE void arm_in_stack(struct callout *c, int ms, void (*fn)(void *), void *arg)
{
	struct fx_arm_args a = { c, ms, fn, arg };
	ck_assert_int_eq(drv_request("arm", "if_init", fx_arm_run, &a), 0);
}

/* Attach isr to IRQ line irq in the stack context (entry attach), raise the line once
 * and wait a millisecond. */
struct fx_isr_args {
	int irq;
	const struct sigevent *(*isr)(void *, int);
};

static int fx_isr_attach_run(void *p)
{
	struct fx_isr_args *a = p;
	return InterruptAttach_r(a->irq, a->isr, NULL, 0, 0) > 0 ? 0 : -1;
}

FIXTURE void raise_once_with(int irq, const struct sigevent *(*isr)(void *, int))
{
	struct fx_isr_args a = { irq, isr };
	ck_assert_int_eq(drv_request("attach", "attach", fx_isr_attach_run, &a), 0);
	model_irq_raise(irq);
	sim_sleep(W, SIM_MS);
}

static __attribute__((unused)) const struct sigevent *(*fx_isr)(void *, int);
static __attribute__((unused)) int fx_irq;

FIXTURE void fx_scn_isr(sim_world *w, void *arg)
{
	raise_once_with(fx_irq, fx_isr);
}

/* A 1-CPU io-pkt where isr runs once, on IRQ irq: the run must end in the breach rule
 * with want in its message. */
#define ck_isr_breach(irq, isr, rule, want)                                                \
	do {                                                                               \
		setup_iopkt(1, 0, 0);                                                      \
		fx_irq = (irq);                                                            \
		fx_isr = (isr);                                                            \
		spawn("scenario", fx_scn_isr, NULL);                                       \
		ck_breach(run(), rule, want);                                              \
	} while (0)

/* In the stack context (request "attach"): create a tracked thread running fn(NULL),
 * whose quiesce callback does nothing (for tests that never quiesce it); its id. */
static void fx_ignore_quiesce(void *arg, int die) {}

static int fx_tracked_init(void *arg)
{
	WTP->quiesce_callout = fx_ignore_quiesce;
	return EOK;
}

struct fx_tracked_args {
	void *(*fn)(void *);
	pthread_t tid;
};

static int fx_tracked_run(void *p)
{
	struct fx_tracked_args *a = p;
	return nw_pthread_create(&a->tid, NULL, a->fn, NULL, 0, fx_tracked_init, NULL);
}

FIXTURE pthread_t tracked_in_stack(void *(*fn)(void *))
{
	struct fx_tracked_args a = { fn, 0 };
	ck_assert_int_eq(drv_request("attach", "attach", fx_tracked_run, &a), 0);
	return a.tid;
}

static __attribute__((unused)) void *(*fx_thread_fn)(void *);

FIXTURE void fx_scn_tracked(sim_world *w, void *arg)
{
	tracked_in_stack(fx_thread_fn);
	sim_sleep(w, SIM_MS);
}

/* A 1-CPU io-pkt where a tracked thread runs fn: the run must end in the breach rule
 * with want in its message. */
#define ck_tracked_breach(fn, rule, want)                                                  \
	do {                                                                               \
		setup_iopkt(1, 0, 0);                                                      \
		fx_thread_fn = (fn);                                                       \
		spawn("scenario", fx_scn_tracked, NULL);                                   \
		ck_breach(run(), rule, want);                                              \
	} while (0)


/* The main of a test file: run the suite (Check's fork mode), 0 if every test passed. */
FIXTURE int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

/* Run the world; return how it ended. */
FIXTURE enum sim_end run(void)
{
	return sim_world_run(W);
}

/* The run stopped on a breach of rule, whose report contains want (e.g. the function). */
#define ck_breach(end, rule, want)                                                        \
	do {                                                                               \
		ck_assert_int_eq((end), SIM_END_STOPPED);                                      \
		ck_assert_str_eq(model_breach_last_rule(), (rule));                            \
		ck_assert_msg(strstr(model_breach_last(), (want)) != NULL, "breach \"%s\" lacks \"%s\"", \
		              model_breach_last(), (want));                                    \
	} while (0)

#define ck_no_breach()                                                                    \
	ck_assert_msg(model_breach_count() == 0, "unexpected breach: %s", model_breach_last())

#endif
