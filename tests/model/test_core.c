/*
 * tests/model/test_core.c — the core half of the io-pkt model, the stack context:
 * requests served in pseudo-threads, sleeping and waking, callouts and their tick
 * arithmetic, blockop, delays, and a stack blocked by a driver as the stall report shows
 * it. (Interrupts, threads and quiesce: test_core_threads.c; breaches:
 * test_core_breach.c.)
 *
 * The "driver" is this file: its functions are what io-pkt calls. Times are exact virtual
 * nanoseconds with hz = 119: tick k starts at floor(k * 1e9 / 119) ns, so tick 1 starts at
 * 8403361, tick 2 at 16806722, tick 3 at 25210084, tick 10 at 84033613.
 */
#include "core_fixture.h"

/* core_int.h's tick arithmetic (that header is the model's, with pthread redirects off) */
sim_ns model_tick_time(int64_t k);
int64_t model_tick_at(sim_ns t);

#define TICK1 8403361LL

/* ============================================================ requests */

int req_where(void *arg)
{
	struct model_thread *t = model_thread_self();
	note("in_stack=%d proc0=%d kind=%s name=%s own_proc=%d", model_in_stack(), model_is_proc0(),
	     model_thread_kind(t) == MT_PSEUDO ? "pseudo" : "other", model_thread_name(t),
	     curproc != stk_ctl.proc0);
	return 42;
}

static void scn_one_request(sim_world *w, void *arg)
{
	int rc = drv_request("ifconfig sam0 up", "if_init", req_where, NULL);
	note("rc=%d", rc);
}

START_TEST(test_request_runs_in_pseudo_thread)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_one_request, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "in_stack=1 proc0=0 kind=pseudo name=pseudo:ifconfig sam0 up "
	                         "own_proc=1@0 rc=42@0 ");
	ck_no_breach();
}
END_TEST

/* ============================================================ ltsleep / wakeup */

static int sleep_ident;

int req_sleeper(void *arg)
{
	int rc = tsleep(&sleep_ident, 0, "sam_wait", 0);
	note("sleeper_woke=%d", rc);
	return rc;
}

int req_waker(void *arg)
{
	note("waker");
	wakeup(&sleep_ident);
	return 0;
}

static void scn_sleeper(sim_world *w, void *arg)
{
	note("sleeper_rc=%d", drv_request("sleeper", "ioctl", req_sleeper, NULL));
}

static void scn_waker(sim_world *w, void *arg)
{
	sim_sleep(w, 5 * SIM_MS);
	note("waker_rc=%d", drv_request("waker", "ioctl", req_waker, NULL));
}

START_TEST(test_ltsleep_wakeup_across_requests)
{
	/* the sleeper gives the stack up: the waker's request runs at once at 5 ms; the
	 * woken sleeper resumes when a worker hands it the stack again, after the waker's
	 * pseudo-thread has given it back (the waker's requester runs in between) */
	setup_iopkt(1, 0, 0);
	spawn("a", scn_sleeper, NULL);
	spawn("b", scn_waker, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "waker@5000000 waker_rc=0@5000000 sleeper_woke=0@5000000 "
	                         "sleeper_rc=0@5000000 ");
	ck_no_breach();
}
END_TEST

int req_timed_sleeps(void *arg)
{
	int x = 0;
	note("r=%d", tsleep(&x, 0, "ten", 10));
	note("r=%d", ltsleep(&x, 0, "one_s", 119, NULL));
	return 0;
}

static void scn_timed(sim_world *w, void *arg)
{
	drv_request("timed", "ioctl", req_timed_sleeps, NULL);
}

START_TEST(test_ltsleep_timeout_in_ticks)
{
	/* timo ticks = timo * 1e9 / hz ns from the call */
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_timed, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "r=11@84033613 r=11@1084033613 ");
	ck_assert_int_eq(EWOULDBLOCK, 11);
	ck_no_breach();
}
END_TEST

/* ============================================================ callouts */

static struct callout co_a, co_b;

void tick_log(void *arg)
{
	note("%s proc0=%d curproc0=%d", (const char *)arg, model_is_proc0(), curproc == stk_ctl.proc0);
}

int req_arm_10ms(void *arg)
{
	callout_init(&co_a);
	callout_msec(&co_a, 10, tick_log, "a");
	note("pending=%d", callout_pending(&co_a));
	return 0;
}

int req_arm_late(void *arg)
{
	callout_init(&co_b);
	callout_msec(&co_b, 10, tick_log, "b");
	return 0;
}

static void scn_callout_rounding(sim_world *w, void *arg)
{
	drv_request("arm a", "if_init", req_arm_10ms, NULL);
	sim_sleep(w, 9 * SIM_MS); /* in tick 1 (8403361..16806721): expiry is tick 1 + 2 */
	drv_request("arm b", "if_init", req_arm_late, NULL);
	sim_sleep(w, 100 * SIM_MS);
	note("after a=%d b=%d", callout_pending(&co_a), callout_pending(&co_b));
}

START_TEST(test_callout_tick_rounding)
{
	/* 10 ms = 10 * 119 / 1000 + 1 = 2 ticks after the current tick, at the tick's start */
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_callout_rounding, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "pending=1@0 a proc0=1 curproc0=1@16806722 "
	                         "b proc0=1 curproc0=1@25210084 after a=0 b=0@109000000 ");
	ck_assert_int_eq(model_tick_at(TICK1 - 1), 0);
	ck_assert_int_eq(model_tick_at(TICK1), 1);
	ck_assert_int_eq(model_tick_time(119), SIM_S);
	ck_no_breach();
}
END_TEST

static int periodic_runs;

void tick_periodic(void *arg)
{
	note("p");
	if (++periodic_runs < 3)
		callout_msec(&co_a, 10, tick_periodic, NULL);
}

int req_rearm(void *arg)
{
	callout_init(&co_a);
	callout_msec(&co_a, 1000, tick_log, "late");
	callout_msec(&co_a, 10, tick_log, "moved");   /* earlier: moves */
	callout_init(&co_b);
	callout_msec(&co_b, 10, tick_log, "kept");
	callout_msec(&co_b, 1000, tick_log, "kept2"); /* later: keeps the expiry, new function */
	return 0;
}

int req_periodic(void *arg)
{
	callout_msec(&co_a, 10, tick_periodic, NULL);
	return 0;
}

static void scn_rearm(sim_world *w, void *arg)
{
	drv_request("rearm", "if_init", req_rearm, NULL);
	sim_sleep(w, 2 * SIM_S);
	drv_request("periodic", "if_init", req_periodic, NULL);
	sim_sleep(w, SIM_S);
}

START_TEST(test_callout_rearm_and_periodic)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_rearm, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	/* at t=2s (tick 238): p at ticks 240, 242, 244 */
	ck_assert_str_eq(logbuf, "moved proc0=1 curproc0=1@16806722 kept2 proc0=1 curproc0=1@16806722 "
	                         "p@2016806722 p@2033613445 p@2050420168 ");
	ck_assert_int_eq(model_tick_time(240), 2016806722LL);
	ck_no_breach();
}
END_TEST

int req_arm_then_stop(void *arg)
{
	callout_init(&co_a);
	callout_stop(&co_a); /* stopping a stopped callout is harmless */
	callout_msec(&co_a, 10, tick_log, "never");
	callout_stop(&co_a);
	callout_stop(&co_a);
	note("pending=%d", callout_pending(&co_a));
	callout_init(&co_a); /* not pending: a second init is no breach */
	return 0;
}

static void scn_stop(sim_world *w, void *arg)
{
	drv_request("stop", "if_stop", req_arm_then_stop, NULL);
	sim_sleep(w, 100 * SIM_MS);
}

START_TEST(test_callout_stop)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_stop, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "pending=0@0 ");
	ck_no_breach();
}
END_TEST

/* The stop race of the seeds: callout_stop does not wait for a running handler, which
 * re-arms itself unless it checks a run flag of its own. */
static int use_run_flag, run_timer = 1, race_runs;

void tick_slow(void *arg)
{
	note("tick");
	delay(5); /* still running when the stop comes */
	if (++race_runs < 3 && (!use_run_flag || run_timer))
		callout_msec(&co_a, 10, tick_slow, NULL);
}

int req_start_slow(void *arg)
{
	callout_init(&co_a);
	callout_msec(&co_a, 10, tick_slow, NULL);
	return 0;
}

/* The stopper: another thread, in the driver's if_stop (as a driver thread stopping
 * the interface would be). */
void race_stop(void)
{
	run_timer = 0;
	callout_stop(&co_a);
}

/* 0: from if_stop; 1: from if_start (a retry not needed); 2: a thread of the driver's */
static int race_stop_entry;
static const char *const race_stop_entries[] = { "if_stop", "if_start", "thread" };

static void scn_race(sim_world *w, void *arg)
{
	drv_request("start", "if_init", req_start_slow, NULL);
	sim_sleep(w, 18 * SIM_MS); /* the handler runs 16.8 .. 21.8 ms */
	model_call_push(race_stop_entries[race_stop_entry], (const void *)race_stop);
	race_stop();
	model_call_pop();
	note("stopped pending=%d", callout_pending(&co_a));
	sim_sleep(w, 100 * SIM_MS);
}

START_TEST(test_callout_stop_race_without_flag)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_race, NULL);
	run();
	/* the stop came from if_stop while tick ran, and tick re-armed itself at its end
	 * (21.8 ms): the stop race */
	ck_assert_str_eq(logbuf, "tick@16806722 stopped pending=0@18000000 ");
	ck_assert_str_eq(model_breach_last_rule(), "callout-rearmed-after-stop");
	ck_assert_msg(strstr(model_breach_last(), "(tick_slow) re-armed by its own handler after "
	                     "callout_stop at t=18.000ms (in race_stop (if_stop), thread "
	                     "\"scenario\")"), "%s", model_breach_last());
}
END_TEST

START_TEST(test_callout_stop_race_from_driver_thread)
{
	/* an error-recovery thread of the driver stopping the watchdog is a stop for good */
	race_stop_entry = 2;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_race, NULL);
	run();
	ck_assert_str_eq(model_breach_last_rule(), "callout-rearmed-after-stop");
	ck_assert_msg(strstr(model_breach_last(), "callout_stop at t=18.000ms (in race_stop "
	                     "(thread), thread \"scenario\")"), "%s", model_breach_last());
}
END_TEST

START_TEST(test_callout_stop_race_outside_stop_is_fine)
{
	/* a stop from if_start (cancelling a retry) is not a stop for good: the handler may
	 * re-arm (ends at 21.8 ms, in tick 2: + 2 -> tick 4), and again (38.6 ms -> tick 6) */
	race_stop_entry = 1;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_race, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "tick@16806722 stopped pending=0@18000000 tick@33613445 "
	                         "tick@50420168 ");
	ck_no_breach();
}
END_TEST

START_TEST(test_callout_stop_race_with_flag)
{
	use_run_flag = 1;
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_race, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "tick@16806722 stopped pending=0@18000000 ");
	ck_no_breach();
}
END_TEST

/* ============================================================ blockop, delays */

void slow_blockop(void *arg)
{
	struct model_thread *t = model_thread_self();
	note("bop on %s", model_thread_name(t));
	delay(20);
	note("bop done");
}

int req_blockop(void *arg)
{
	struct bop_dispatch bop = { .bop_func = slow_blockop, .bop_arg = NULL,
	                            .bop_prio = curproc->p_ctxt.info.priority };
	int rc = blockop_dispatch(&bop);
	note("blockop=%d", rc);
	return rc;
}

int req_quick(void *arg)
{
	note("quick");
	return 0;
}

static void scn_blockop(sim_world *w, void *arg)
{
	drv_request("firmware", "if_init", req_blockop, NULL);
}

static void scn_quick_at_1ms(sim_world *w, void *arg)
{
	sim_sleep(w, SIM_MS);
	drv_request("quick", "ioctl", req_quick, NULL);
}

START_TEST(test_blockop_runs_on_main_while_stack_serves)
{
	setup_iopkt(1, 0, 0);
	spawn("a", scn_blockop, NULL);
	spawn("b", scn_quick_at_1ms, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "bop on io-pkt main@0 quick@1000000 bop done@20000000 "
	                         "blockop=0@20000000 ");
	ck_no_breach();
}
END_TEST

int req_delay(void *arg)
{
	delay(50);
	note("delayed");
	return 0;
}

static void scn_delay(sim_world *w, void *arg)
{
	drv_request("slow init", "if_init", req_delay, NULL);
}

START_TEST(test_delay_in_request_holds_stack)
{
	/* the second request waits exactly as long as the first one's delay; the trace
	 * records each request's queue wait, and its total time and time holding the stack */
	char path[512], recs[512];
	tmp_path(path, sizeof(path), "delay.trace");
	setup_iopkt_traced(1, 0, 0, path);
	spawn("a", scn_delay, NULL);
	spawn("b", scn_quick_at_1ms, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "delayed@50000000 quick@50000000 ");
	ck_no_breach();
	trace_finish();
	trace_grep(path, "request_start", recs, sizeof(recs)); /* id name queue_ns */
	ck_assert_str_eq(recs, "1 slow init 0; 2 quick 49000000; ");
	trace_grep(path, "request_done", recs, sizeof(recs));  /* id name rc total held */
	ck_assert_str_eq(recs, "1 slow init 0 50000000 50000000; 2 quick 0 49000000 0; ");
	unlink(path);
}
END_TEST

int req_nic_delay(void *arg)
{
	nic_delay(10); /* 2 ticks, sleeping: the stack serves others meanwhile */
	note("nic_delayed");
	return 0;
}

static void scn_nic_delay(sim_world *w, void *arg)
{
	drv_request("init", "if_init", req_nic_delay, NULL);
}

void *untracked_nic_delay(void *arg)
{
	nic_delay(3); /* outside the stack: a plain delay */
	note("untracked delayed");
	return NULL;
}

static void scn_untracked_delay(sim_world *w, void *arg)
{
	pthread_t tid;
	void *ret = &tid;
	sim_sleep(w, 2 * SIM_MS);
	ck_assert_int_eq(pthread_create(&tid, NULL, untracked_nic_delay, NULL), 0);
	ck_assert_int_eq(pthread_join(tid, &ret), 0);
	ck_assert_ptr_null(ret);
}

START_TEST(test_nic_delay_sleeps_in_stack_and_delays_outside)
{
	setup_iopkt(1, 0, 0);
	spawn("a", scn_nic_delay, NULL);
	spawn("b", scn_quick_at_1ms, NULL);
	spawn("c", scn_untracked_delay, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "quick@1000000 untracked delayed@5000000 nic_delayed@16806722 ");
	ck_no_breach();
}
END_TEST

/* ltsleep on proc0 (a callout) returns success at once, as io-pkt does: no breach. */
void tick_sleeps(void *arg)
{
	int x = 0;
	note("ltsleep=%d", ltsleep(&x, 0, "in callout", 100, NULL));
}

static void scn_sleepy_callout(sim_world *w, void *arg)
{
	arm_in_stack(&co_a, 1, tick_sleeps, NULL);
	sim_sleep(w, 100 * SIM_MS);
}

START_TEST(test_ltsleep_on_proc0_returns_at_once)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_sleepy_callout, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "ltsleep=0@8403361 ");
	ck_no_breach();
}
END_TEST

/* A callout that blocks the stack (delay): a request waits on "stack context", held by
 * the worker running the callout, and the stall watchdog says so. */
void tick_blocks(void *arg)
{
	delay(1000);
}

static void scn_blocked_stack(sim_world *w, void *arg)
{
	arm_in_stack(&co_a, 10, tick_blocks, NULL);
	sim_sleep(w, 20 * SIM_MS);
	drv_request("ifconfig", "ioctl", req_quick, NULL);
}

START_TEST(test_blocked_stack_names_its_holder)
{
	const char *msg;
	setup_iopkt(1, 0, 100 * SIM_MS);
	spawn("scenario", scn_blocked_stack, NULL);
	ck_assert_int_eq(run(), SIM_END_STALL);
	msg = sim_world_end_message(W);
	ck_assert_msg(strstr(msg, "has waited on \"stack context\"") &&
	                  strstr(msg, "held by thread") && strstr(msg, "\"io-pkt#0x00\""),
	              "%s", msg);
	ck_assert_msg(strstr(msg, "stall at t=120.000ms"), "%s", msg);
}
END_TEST

/* ============================================================ suite */

static Suite *core_suite(void)
{
	Suite *s = suite_create("model core: stack context");
	TCase *tc;

	tc = tcase_create("stack");
	tcase_add_test(tc, test_request_runs_in_pseudo_thread);
	tcase_add_test(tc, test_ltsleep_wakeup_across_requests);
	tcase_add_test(tc, test_ltsleep_timeout_in_ticks);
	tcase_add_test(tc, test_blockop_runs_on_main_while_stack_serves);
	tcase_add_test(tc, test_delay_in_request_holds_stack);
	tcase_add_test(tc, test_nic_delay_sleeps_in_stack_and_delays_outside);
	tcase_add_test(tc, test_ltsleep_on_proc0_returns_at_once);
	tcase_add_test(tc, test_blocked_stack_names_its_holder);
	suite_add_tcase(s, tc);
	tc = tcase_create("callouts");
	tcase_add_test(tc, test_callout_tick_rounding);
	tcase_add_test(tc, test_callout_rearm_and_periodic);
	tcase_add_test(tc, test_callout_stop);
	tcase_add_test(tc, test_callout_stop_race_without_flag);
	tcase_add_test(tc, test_callout_stop_race_with_flag);
	tcase_add_test(tc, test_callout_stop_race_outside_stop_is_fine);
	tcase_add_test(tc, test_callout_stop_race_from_driver_thread);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(core_suite());
}
