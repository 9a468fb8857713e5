/*
 * tests/model/test_core_breach.c — every rule breach the core half of the io-pkt model
 * detects: each test has a driver break the rule and checks the rule id, the driver
 * function and the thread named in the report. The correct use of each call is in
 * test_core.c and test_core_threads.c, which assert that nothing was reported.
 */
#include "core_fixture.h"

#define NIC_IRQ 5

static struct callout co_a;
static int sleep_ident;
static pthread_mutex_t shim_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_t victim;

void tick_log(void *arg) {}
void no_quiesce(void *arg, int die) {}

int good_init(void *arg)
{
	WTP->quiesce_callout = no_quiesce;
	return EOK;
}

void *never_runs(void *arg)
{
	return NULL;
}

void *idle_thread(void *arg)
{
	for (;;)
		usleep(1000);
}

void slow_blockop(void *arg)
{
	delay(20);
}

/* ============================================================ breaches */

void *bad_sleeper_thread(void *arg)
{
	int x = 0;
	note("tsleep=%d", tsleep(&x, 0, "bad", 1));
	return NULL;
}

START_TEST(test_breach_sleep_outside_stack)
{
	ck_tracked_breach(bad_sleeper_thread, "sleep-outside-stack", "(in bad_sleeper_thread (thread), thread \"io-pkt#0x01\"");
	ck_assert_str_eq(logbuf, "tsleep=22@0 ");
}
END_TEST

const struct sigevent *bad_wakeup_isr(void *arg, int iid)
{
	wakeup(&sleep_ident);
	return NULL;
}

START_TEST(test_breach_wakeup_outside_stack)
{
	ck_isr_breach(NIC_IRQ, bad_wakeup_isr, "wakeup-outside-stack", "(in bad_wakeup_isr (isr), thread \"kernel\"");
}
END_TEST

void *bad_creator_thread(void *arg)
{
	pthread_t tid;
	note("create=%d", nw_pthread_create(&tid, NULL, never_runs, NULL, 0, good_init, NULL));
	return NULL;
}

static void scn_bad_creator(sim_world *w, void *arg)
{
	pthread_t tid;
	pthread_create(&tid, NULL, bad_creator_thread, NULL);
	pthread_join(tid, NULL);
}

START_TEST(test_breach_nw_pthread_create_outside_stack)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_bad_creator, NULL);
	ck_breach(run(), "nw_pthread_create-outside-stack", "(in bad_creator_thread (thread)");
	ck_assert_str_eq(logbuf, "create=1@0 ");
}
END_TEST

void *bad_reaper_thread(void *arg)
{
	note("reap=%d", nw_pthread_reap(victim));
	return NULL;
}

static void scn_bad_reaper(sim_world *w, void *arg)
{
	pthread_t tid;
	victim = tracked_in_stack(idle_thread);
	pthread_create(&tid, NULL, bad_reaper_thread, NULL);
	pthread_join(tid, NULL);
}

START_TEST(test_breach_nw_pthread_reap_outside_stack)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_bad_reaper, NULL);
	ck_breach(run(), "nw_pthread_reap-outside-stack", "(in bad_reaper_thread (thread)");
	ck_assert_str_eq(logbuf, "reap=1@0 ");
}
END_TEST

void *self_reaper_thread(void *arg)
{
	note("reap=%d", nw_pthread_reap(pthread_self()));
	return NULL;
}

START_TEST(test_breach_reap_self)
{
	ck_tracked_breach(self_reaper_thread, "reap-self", "(in self_reaper_thread (thread)");
	ck_assert_str_eq(logbuf, "reap=35@0 ");
}
END_TEST

int bad_reinit(void *arg)
{
	callout_init(&co_a);
	callout_msec(&co_a, 100, tick_log, "x");
	callout_init(&co_a);
	note("pending=%d", callout_pending(&co_a));
	return 0;
}

static void scn_reinit(sim_world *w, void *arg)
{
	drv_request("ifconfig mtu", "if_init", bad_reinit, NULL);
	sim_sleep(w, SIM_S);
}

START_TEST(test_breach_callout_init_armed)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_reinit, NULL);
	ck_breach(run(), "callout-init-armed", "(in bad_reinit (if_init)");
	ck_assert_msg(strstr(model_breach_last(), "armed for tick_log"), "%s", model_breach_last());
	ck_assert_str_eq(logbuf, "pending=0@0 ");
}
END_TEST

void bad_nic_delay_tick(void *arg)
{
	note("nic_delay=%d", nic_delay(5));
}

static void scn_bad_nic_delay(sim_world *w, void *arg)
{
	arm_in_stack(&co_a, 1, bad_nic_delay_tick, NULL);
	sim_sleep(w, SIM_S);
}

START_TEST(test_breach_nic_delay_on_proc0)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_bad_nic_delay, NULL);
	ck_breach(run(), "nic_delay-on-proc0", "(in bad_nic_delay_tick (callout), thread \"io-pkt#0x00\"");
	ck_assert_str_eq(logbuf, "nic_delay=22@8403361 ");
}
END_TEST

void bad_blockop_tick(void *arg)
{
	struct bop_dispatch bop = { .bop_func = slow_blockop, .bop_prio = 10 };
	note("blockop=%d", blockop_dispatch(&bop));
}

static void scn_bad_blockop(sim_world *w, void *arg)
{
	arm_in_stack(&co_a, 1, bad_blockop_tick, NULL);
	sim_sleep(w, SIM_S);
}

START_TEST(test_breach_blockop_outside_pseudo_thread)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_bad_blockop, NULL);
	ck_breach(run(), "blockop-outside-pseudo-thread", "(in bad_blockop_tick (callout)");
	ck_assert_msg(strstr(model_breach_last(), "on proc0"), "%s", model_breach_last());
	ck_assert_str_eq(logbuf, "blockop=1@8403361 ");
}
END_TEST

/* Breaches beyond the list: a pending callout's memory overwritten; interrupt_queue on an
 * entry never registered; quiesce outside the stack; blocking in an ISR. */
static void scn_trash(sim_world *w, void *arg)
{
	arm_in_stack(&co_a, 10, tick_log, NULL);
	memset(&co_a, 0xa5, sizeof(co_a)); /* the driver freed and reused its softc */
	sim_sleep(w, SIM_S);
}

START_TEST(test_breach_callout_corrupt)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_trash, NULL);
	ck_breach(run(), "callout-corrupt", "overwritten or freed while pending");
	ck_assert_str_eq(logbuf, "");
}
END_TEST

static struct _iopkt_inter stray;

const struct sigevent *stray_isr(void *arg, int iid)
{
	return interrupt_queue(iopkt_selfp, &stray);
}

START_TEST(test_breach_interrupt_queue_unregistered)
{
	ck_isr_breach(NIC_IRQ, stray_isr, "interrupt_queue-unregistered", "(in stray_isr (isr)");
}
END_TEST

void *bad_quiescer_thread(void *arg)
{
	quiesce_all();
	return NULL;
}

static void scn_bad_quiescer(sim_world *w, void *arg)
{
	pthread_t tid;
	pthread_create(&tid, NULL, bad_quiescer_thread, NULL);
	pthread_join(tid, NULL);
}

START_TEST(test_breach_quiesce_outside_stack)
{
	setup_iopkt(1, 0, 0);
	spawn("scenario", scn_bad_quiescer, NULL);
	ck_breach(run(), "quiesce-outside-stack", "(in bad_quiescer_thread (thread)");
}
END_TEST

const struct sigevent *blocking_isr(void *arg, int iid)
{
	pthread_mutex_lock(&shim_mutex);
	return NULL;
}

START_TEST(test_breach_blocking_call_in_isr)
{
	ck_isr_breach(NIC_IRQ, blocking_isr, "blocking-call-in-isr", "pthread_mutex_lock would block");
	ck_assert_msg(strstr(model_breach_last(), "(in blocking_isr (isr)"), "%s", model_breach_last());
}
END_TEST

/* ============================================================ suite */

static Suite *core_suite(void)
{
	Suite *s = suite_create("model core: breaches");
	TCase *tc;

	tc = tcase_create("breaches");
	tcase_add_test(tc, test_breach_sleep_outside_stack);
	tcase_add_test(tc, test_breach_wakeup_outside_stack);
	tcase_add_test(tc, test_breach_nw_pthread_create_outside_stack);
	tcase_add_test(tc, test_breach_nw_pthread_reap_outside_stack);
	tcase_add_test(tc, test_breach_reap_self);
	tcase_add_test(tc, test_breach_callout_init_armed);
	tcase_add_test(tc, test_breach_nic_delay_on_proc0);
	tcase_add_test(tc, test_breach_blockop_outside_pseudo_thread);
	tcase_add_test(tc, test_breach_callout_corrupt);
	tcase_add_test(tc, test_breach_interrupt_queue_unregistered);
	tcase_add_test(tc, test_breach_quiesce_outside_stack);
	tcase_add_test(tc, test_breach_blocking_call_in_isr);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(core_suite());
}
