/*
 * tests/model/test_leak.c — per-cycle leak checks (model/leak.c), driver heap memory
 * (model/mem.c, through include/stdlib.h) and io-pkt call fault injection
 * (model/callfail.c): what the scenarios alone do not pin down — the cycle a growth began
 * in when the leaked object is older than the check that sees it, a block freed again
 * ending the growth, the C library's own memory freed through the redirected free, and
 * the "after, count" arithmetic of a failing call.
 *
 * Code linked into the test executable allocates as "io-pkt" (it is no driver DLL).
 */
#include "core_fixture.h"

#include <sys/mbuf.h>

static struct mbuf *kept[4];
static void *block;

/* cycle 1: one new mbuf, and the one held since before the baseline freed: no growth */
int req_swap(void *arg)
{
	struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
	m_freem(kept[0]);
	kept[0] = NULL;
	kept[1] = m;
	return 0;
}

int req_hold(void *arg)
{
	kept[(intptr_t)arg] = m_get(M_DONTWAIT, MT_DATA);
	return 0;
}

static void check(int cycle, int want, const char *needle)
{
	char msg[1024] = "";
	int rc = model_leak_check("io-pkt", cycle, msg, sizeof(msg));
	ck_assert_msg(rc == want, "cycle %d: rc %d, want %d: %s", cycle, rc, want, msg);
	if (needle)
		ck_assert_msg(strstr(msg, needle), "cycle %d: \"%s\" lacks \"%s\"", cycle, msg, needle);
	note("c%d=%d", cycle, rc);
}

static void scn_mbuf_growth(sim_world *w, void *arg)
{
	drv_request("hold", "if_init", req_hold, (void *)0);
	check(0, 0, NULL);                       /* baseline: one mbuf */
	drv_request("swap", "if_init", req_swap, NULL);
	check(1, 0, NULL);                       /* still one, but a newer one */
	drv_request("hold", "if_init", req_hold, (void *)2);
	check(2, 1, "cycle 2: io-pkt holds 1 mbuf more than after cycle 0 (growth began in "
	      "cycle 1): the oldest, mbuf #2, was allocated at req_swap+0x");
}

START_TEST(test_leak_growth_began_in_an_earlier_cycle)
{
	setup_iopkt(1, 1, 0);
	spawn("scenario", scn_mbuf_growth, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	/* the times are the mbuf operations' costs (docs/latency.md: 100 ns an allocation,
	 * 50 ns a free) */
	ck_assert_msg(strstr(logbuf, "c0=0@100 c1=0@250 c2=1@350"), "%s", logbuf);
	ck_no_breach();
}
END_TEST

int req_alloc(void *arg)
{
	block = malloc((size_t)(intptr_t)arg);
	return 0;
}

int req_release(void *arg)
{
	free(block);
	block = NULL;
	return 0;
}

static void scn_heap_growth(sim_world *w, void *arg)
{
	struct model_mem_info mi;
	char *libc = strdup("the C library's own");  /* freed through the redirected free */
	check(0, 0, NULL);
	drv_request("alloc", "if_init", req_alloc, (void *)100);
	model_mem_info("io-pkt", &mi);
	note("blocks=%d bytes=%zu", mi.blocks, mi.bytes);
	check(1, 1, "cycle 1: io-pkt holds 1 heap block (100 bytes) more than after cycle 0 "
	      "(growth began in cycle 1): the oldest, block #");
	check(1, 1, "allocated at req_alloc+0x");
	drv_request("release", "detach", req_release, NULL);
	check(2, 0, NULL);                       /* back to the baseline */
	free(libc);
	model_mem_info("io-pkt", &mi);
	note("end=%d", mi.blocks);
}

START_TEST(test_leak_heap_block_named_and_released)
{
	setup_iopkt(1, 1, 0);
	spawn("scenario", scn_heap_growth, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_msg(strstr(logbuf, "blocks=1 bytes=100@0"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "c2=0@0 end=0@0"), "%s", logbuf);
	ck_no_breach();
}
END_TEST

int nop_entry(void *arg, struct nw_work_thread *wtp) { return 1; }
int nop_enable(void *arg) { return 1; }

static struct _iopkt_inter ents[4];

int req_entries(void *arg)
{
	ck_assert_int_eq(model_call_fail("interrupt_entry_init", 1, 2), 0);
	for (int i = 0; i < 4; i++) {
		ents[i].func = nop_entry;
		ents[i].enable = nop_enable;
		note("e%d=%d", i, interrupt_entry_init(&ents[i], 0, NULL, IRUPT_PRIO_DEFAULT));
	}
	for (int i = 0; i < 4; i++)
		if (ents[i].magic)
			interrupt_entry_remove(&ents[i], NULL);
	return 0;
}

static void scn_fail_call(sim_world *w, void *arg)
{
	drv_request("entries", "attach", req_entries, NULL);
}

START_TEST(test_fail_call_after_count)
{
	setup_iopkt(1, 1, 0);
	ck_assert_int_eq(model_call_fail("ltsleep", 0, 1), -EINVAL);
	ck_assert_int_eq(model_call_fail("InterruptAttach", -1, 1), -EINVAL);
	spawn("scenario", scn_fail_call, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_msg(strstr(logbuf, "e0=0@0 e1=11@0 e2=11@0 e3=0@0"), "%s", logbuf);
	ck_no_breach();
}
END_TEST

static Suite *leak_suite(void)
{
	Suite *s = suite_create("model leaks");
	TCase *tc = tcase_create("leaks");
	tcase_add_test(tc, test_leak_growth_began_in_an_earlier_cycle);
	tcase_add_test(tc, test_leak_heap_block_named_and_released);
	tcase_add_test(tc, test_fail_call_after_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(leak_suite());
}
