/*
 * tests/model/test_latency.c — stack-context latency (model/latency.c): a hold of known
 * cost is reported to the nanosecond with its costing events; a sleep inside a driver call
 * is not a hold; mbuf, barrier and pktsim_cost charges; budgets and blocking calls become
 * breaches; the probe sees exactly how long a hold kept it waiting; the numbers repeat.
 */
#include "nic_fixture.h"

#include <pktsim_cost.h>
#include <sys/atomic.h>
#include <sys/mbuf.h>

static struct td TD;

/* The hold of known cost: 3 register reads (1 us each) and delay(2). Global: reports name
 * it by symbol. */
int lat_hold(void *arg)
{
	for (int i = 0; i < 3; i++)
		in32(TD.regs + SIMNIC_STATUS);
	delay(2);
	return 0;
}

/* One read, a tick asleep (the stack is free meanwhile), one read. */
int lat_sleepy(void *arg)
{
	static int ident;
	in32(TD.regs + SIMNIC_STATUS);
	tsleep(&ident, 0, "latsleep", 1);
	in32(TD.regs + SIMNIC_STATUS);
	return 0;
}

/* What the cost model charges besides registers: mbufs, a barrier, pktsim_cost. */
int lat_charges(void *arg)
{
	struct mbuf *m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	m_freem(m);
	membar_producer();
	pktsim_cost(777);
	return 0;
}

/* if_ioctl that calls if_init (as ether_ioctl does): a read in each. */
int lat_inner(void *arg)
{
	in32(TD.regs + SIMNIC_STATUS);
	return 0;
}

int lat_outer(void *arg)
{
	in32(TD.regs + SIMNIC_STATUS);
	model_call_push("if_init", (const void *)lat_inner);
	lat_inner(NULL);
	model_call_pop();
	return 0;
}

static void drv_hold(sim_world *w, void *arg)
{
	ck_assert_int_eq(td_open(&TD, 0, 0, 0, 0), 0);
	drv_request("hold", "if_init", (int (*)(void *))arg, NULL);
}

static void drv_ioctl(sim_world *w, void *arg)
{
	ck_assert_int_eq(td_open(&TD, 0, 0, 0, 0), 0);
	drv_request("ioctl", "if_ioctl", lat_outer, NULL);
}

/* One CPU, io-pkt, one unit with a sink peer; the trace to path (NULL: none). Then the
 * driver thread fn(arg) runs to its end. */
static void lat_run(const char *path, sim_thread_fn fn, void *arg)
{
	setup_iopkt_traced(1, 1, 0, path);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", fn, arg);
	ck_assert_int_eq(run(), SIM_END_DONE);
}

static void lat_world(void)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_sink(0);
}

static struct model_lat_report R;

START_TEST(test_hold_known_cost)
{
	char evs[512];
	lat_run(NULL, drv_hold, (void *)lat_hold);
	ck_no_breach();
	model_lat_report(&R);
	ck_assert_int_eq(R.nentries, 1);
	ck_assert_str_eq(R.entries[0].entry, "if_init");
	ck_assert_int_eq(R.entries[0].dist.n, 1);
	ck_assert_int_eq(R.entries[0].dist.max, 3 * SIM_US + 2 * SIM_MS);
	ck_assert_int_eq(R.nworst, 1);
	ck_assert_str_eq(R.worst[0].fn, "lat_hold");
	ck_assert_str_eq(R.worst[0].ctx, "stack");
	ck_assert_int_eq(R.worst[0].held, 2003000);
	ck_assert_int_eq(R.worst[0].elapsed, 2003000);
	ck_assert_uint_gt(R.worst[0].seq, 0);
	model_lat_events_format(R.worst[0].ev, R.worst[0].nev, evs, sizeof(evs));
	ck_assert_str_eq(evs, "delay(2) x1 = 2.000ms in lat_hold; "
	                      "in32 STATUS x3 = 3.000us in lat_hold");
	ck_assert_int_eq(R.flagged, 1); /* delay(2) is over the 1 ms threshold */
}
END_TEST

/* The hold's trace record: entry, symbol, context, depth, start, held, elapsed, events. */
START_TEST(test_hold_trace_record)
{
	char path[256], got[1024];
	tmp_path(path, sizeof(path), "lat.trace");
	lat_run(path, drv_hold, (void *)lat_hold);
	trace_finish();
	trace_grep(path, "hold", got, sizeof(got));
	ck_assert_str_eq(got, "if_init lat_hold stack 0 1050 2003000 2003000 delay(2) x1 = "
	                      "2.000ms in lat_hold; in32 STATUS x3 = 3.000us in lat_hold; ");
	unlink(path);
}
END_TEST

START_TEST(test_sleep_is_not_held)
{
	lat_run(NULL, drv_hold, (void *)lat_sleepy);
	model_lat_report(&R);
	ck_assert_int_eq(R.worst[0].held, 2 * SIM_US);
	ck_assert_int_ge(R.worst[0].elapsed, SIM_S / 119);
	ck_assert_int_eq(R.flagged, 0);
}
END_TEST

START_TEST(test_charges)
{
	char evs[512], err[128];
	lat_world();
	ck_assert_int_eq(model_lat_cost_set("barrier", 30, err, sizeof(err)), 0);
	ck_assert_int_eq(model_lat_cost_set("mbuf_alloc", 200, err, sizeof(err)), 0);
	ck_assert_int_eq(model_lat_cost_set("nonsense", 1, err, sizeof(err)), -EINVAL);
	spawn("driver", drv_hold, (void *)lat_charges);
	ck_assert_int_eq(run(), SIM_END_DONE);
	model_lat_report(&R);
	ck_assert_int_eq(R.worst[0].held, 200 + 50 + 30 + 777);
	model_lat_events_format(R.worst[0].ev, R.worst[0].nev, evs, sizeof(evs));
	ck_assert_str_eq(evs, "pktsim_cost x1 = 777ns in lat_charges; m_getcl x1 = 200ns in "
	                      "lat_charges; m_freem x1 = 50ns in lat_charges; membar_producer x1 = "
	                      "30ns in lat_charges");
}
END_TEST

START_TEST(test_budget_breach)
{
	char err[128];
	lat_world();
	ck_assert_int_eq(model_lat_budget_set("if_init", SIM_MS, err, sizeof(err)), 0);
	ck_assert_int_eq(model_lat_budget_set("delay_threshold", 5 * SIM_MS, err, sizeof(err)), 0);
	spawn("driver", drv_hold, (void *)lat_hold);
	ck_breach(run(), "stack-hold-budget",
	          "if_init lat_hold held the stack context for 2.003ms from t=1.050us, over its "
	          "budget if_init = 1.000ms");
}
END_TEST

START_TEST(test_blocking_flagged)
{
	char err[128];
	lat_world();
	ck_assert_int_eq(model_lat_budget_set("any", SIM_S, err, sizeof(err)), 0);
	spawn("driver", drv_hold, (void *)lat_hold);
	ck_breach(run(), "stack-blocked", "delay(2) blocked the stack context for 2.000ms inside "
	                                  "lat_hold (if_init)");
}
END_TEST

/* The probe, every 1 ms, waits exactly as long as the hold keeps the stack. */
static void drv_late_hold(sim_world *w, void *arg)
{
	ck_assert_int_eq(td_open(&TD, 0, 0, 0, 0), 0);
	sim_sleep(w, 2 * SIM_MS - sim_now(w) + 500 * SIM_US); /* the hold starts at 2.5 ms */
	drv_request("hold", "if_init", lat_hold, NULL);
	sim_sleep(w, 3 * SIM_MS);
}

START_TEST(test_probe_measures_wait)
{
	char err[128];
	lat_world();
	ck_assert_int_eq(model_lat_probe_start(SIM_MS, err, sizeof(err)), 0);
	spawn("driver", drv_late_hold, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	model_lat_report(&R);
	ck_assert_int_eq(R.probe_period, SIM_MS);
	ck_assert_int_ge(R.probe.n, 5);
	ck_assert_int_eq(R.probe.min, 0);
	/* the hold runs 2.5 .. 4.503 ms; the probe sent at 3 ms gets the stack at 4.503 ms */
	ck_assert_int_eq(R.probe.max, 1503000);
}
END_TEST

START_TEST(test_probe_budget)
{
	char err[128];
	lat_world();
	ck_assert_int_eq(model_lat_budget_set("probe", SIM_MS, err, sizeof(err)), 0);
	ck_assert_int_eq(model_lat_budget_set("delay_threshold", 5 * SIM_MS, err, sizeof(err)), 0);
	ck_assert_int_eq(model_lat_probe_start(SIM_MS, err, sizeof(err)), 0);
	spawn("driver", drv_late_hold, NULL);
	ck_breach(run(), "stack-probe-budget",
	          "sent at t=3.000ms waited 1.503ms for the stack context, over its budget probe = "
	          "1.000ms; the longest hold so far: if_init lat_hold held 2.003ms (delay(2) x1");
}
END_TEST

/* A nested call counts in its entry point's row and in its caller's hold; only the
 * outermost is a hold of the stack context. */
START_TEST(test_nested)
{
	char path[256], got[1024];
	tmp_path(path, sizeof(path), "nested.trace");
	lat_run(path, drv_ioctl, NULL);
	model_lat_report(&R);
	ck_assert_int_eq(R.nentries, 2);
	ck_assert_str_eq(R.entries[0].entry, "if_init"); /* ends first */
	ck_assert_int_eq(R.entries[0].dist.total, SIM_US);
	ck_assert_str_eq(R.entries[1].entry, "if_ioctl");
	ck_assert_int_eq(R.entries[1].dist.total, 2 * SIM_US);
	ck_assert_int_eq(R.holds.n, 1);
	ck_assert_int_eq(R.holds.total, 2 * SIM_US);
	ck_assert_int_eq(R.nworst, 1);
	ck_assert_str_eq(R.worst[0].fn, "lat_outer");
	trace_finish();
	trace_grep(path, "hold", got, sizeof(got));
	ck_assert_str_eq(got, "if_init lat_inner stack 1 2050 1000 1000 in32 STATUS x1 = 1.000us "
	                      "in lat_inner; if_ioctl lat_outer stack 0 1050 2000 2000 in32 STATUS "
	                      "x1 = 1.000us in lat_outer; in32 STATUS x1 = 1.000us in lat_inner; ");
	unlink(path);
}
END_TEST

static Suite *lat_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("holds");
	tcase_add_test(tc, test_hold_known_cost);
	tcase_add_test(tc, test_hold_trace_record);
	tcase_add_test(tc, test_sleep_is_not_held);
	tcase_add_test(tc, test_charges);
	tcase_add_test(tc, test_nested);
	suite_add_tcase(s, tc);
	tc = tcase_create("checks");
	tcase_add_test(tc, test_budget_breach);
	tcase_add_test(tc, test_blocking_flagged);
	tcase_add_test(tc, test_probe_measures_wait);
	tcase_add_test(tc, test_probe_budget);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(lat_suite());
}
