/*
 * model/callfail.c — making io-pkt and kernel calls fail on purpose, so that a scenario
 * can walk a driver through its error paths (attach failing half-way, init failing) the
 * way the mbuf pool's fault injection walks it through a lack of mbufs.
 *
 * Each call that can fail has a counter pair "let `after` calls through, then fail
 * `count`" (count < 0: every one from then on). What a failure looks like is the real
 * call's: interrupt_entry_init returns EAGAIN (no worker left to take the entry),
 * InterruptAttach(_r)/InterruptAttachEvent(_r) EAGAIN (no interrupt vector). Every
 * injected failure passes through model_call_fault_hit() (a place for a breakpoint).
 */
#include "core_int.h"

#include <errno.h>
#include <string.h>

static const char *const fail_names[] = { "interrupt_entry_init", "InterruptAttach" };
#define NFAIL ((int)(sizeof(fail_names) / sizeof(fail_names[0])))

static struct {
	int armed[NFAIL];
	int after[NFAIL], count[NFAIL];
	int kind;
	sim_world *w;
} F;

static int fail_index(const char *call)
{
	for (int i = 0; i < NFAIL; i++)
		if (strcmp(call, fail_names[i]) == 0)
			return i;
	return -1;
}

int model_call_fail(const char *call, int after, int count)
{
	int i = call ? fail_index(call) : -1;
	if (i < 0 || after < 0)
		return -EINVAL;
	F.armed[i] = count != 0;
	F.after[i] = after;
	F.count[i] = count;
	return 0;
}

void model_call_fault_hit(void) __attribute__((noinline));
void model_call_fault_hit(void)
{
	__asm__ volatile("");
}

int model_call_should_fail(const char *call)
{
	int i = fail_index(call);
	if (i < 0 || !F.armed[i])
		return 0;
	if (F.after[i] > 0) {
		F.after[i]--;
		return 0;
	}
	if (F.count[i] > 0 && --F.count[i] == 0)
		F.armed[i] = 0;
	if (F.w != model_core.w) {
		F.w = model_core.w;
		F.kind = sim_trace_kind(F.w, "call_fail", "ss");
	}
	sim_emit(F.w, F.kind, call, model_call_where());
	model_call_fault_hit();
	return 1;
}
