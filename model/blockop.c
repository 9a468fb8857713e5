/*
 * model/blockop.c — "io-pkt main" and the blockop service: a pseudo-thread hands a
 * blocking function to io-pkt main and sleeps (the stack serves others meanwhile);
 * io-pkt main runs the jobs one at a time, in order, and wakes each caller.
 */
#include "core_int.h"

#include <errno.h>

static struct {
	struct bop_dispatch *head, *tail;
	int next_id;
	sim_waitq q;                 /* io-pkt main idles here (not watched) */
} B;

/* io-pkt main: idle until a job is queued; run it; wake its caller. */
static void main_loop(sim_world *w, void *arg)
{
	char fn[96];
	for (;;) {
		struct bop_dispatch *bop;
		while (!B.head)
			sim_wait(w, &B.q, SIM_FOREVER);
		bop = B.head;
		B.head = bop->bop_next;
		if (!B.head)
			B.tail = NULL;
		model_fn_name((const void *)bop->bop_func, fn, sizeof(fn));
		sim_emit(w, model_core.k.blockop, (int64_t)bop->bop_id, fn);
		if (model_core_call_enter("blockop", (const void *)bop->bop_func, bop->bop_arg)) {
			bop->bop_func(bop->bop_arg);
			model_call_pop();
		}
		sim_emit(w, model_core.k.blockop_done, (int64_t)bop->bop_id, fn);
		model_wakeup(bop);
	}
}

void model_blockop_start(void)
{
	sim_waitq_init(model_core.w, &B.q, "blockop queue");
	sim_waitq_set_watched(&B.q, 0);
	model_core.main = model_thread_spawn(MT_MAIN, "io-pkt main", 0, main_loop, NULL);
}

int blockop_dispatch(struct bop_dispatch *bop)
{
	struct model_thread *self = model_thread_self();
	if (!self || self->kind != MT_PSEUDO || model_core.stack.holder != self) {
		model_breach("blockop-outside-pseudo-thread",
		             "blockop_dispatch called %s; only a pseudo-thread of the stack context "
		             "(serving a request such as ifconfig) can sleep while io-pkt main works",
		             !self ? "in an interrupt handler"
		             : self->kind == MT_WORKER && model_core.stack.holder == self
		                 ? "on proc0 (a callout or the stack's own loop)"
		                 : "outside the stack context");
		return EPERM;
	}
	if (!bop || !bop->bop_func || bop->bop_prio <= 0)
		return EINVAL;
	bop->bop_id = ++B.next_id;
	bop->bop_next = NULL;
	if (B.tail)
		B.tail->bop_next = bop;
	else
		B.head = bop;
	B.tail = bop;
	sim_wake_one(model_core.w, &B.q);
	return model_sleep(self, bop, "blockop", SIM_FOREVER);
}
