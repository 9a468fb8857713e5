/*
 * model/worker.c — io-pkt's worker threads "io-pkt#0xNN": each serves the interrupt
 * entries queued on it and, when the stack context is free and has work, runs a stack
 * pass. An idle worker waits on its own queue (not watched: idling is not a stall) until
 * an event is delivered to it (interrupt_queue's answer, a pulse) or the stack is kicked.
 */
#include "core_int.h"

/* A process_interrupt that returns 0 ("not finished") costs this much CPU per round, so
 * that a driver which never finishes still lets virtual time (and the watchdog) run. */
#define MODEL_INTR_REQUEUE_COST (1 * SIM_US)

void model_worker_wake(struct model_worker *wk)
{
	if (!wk->idle)
		return;
	wk->idle = 0;
	sim_wake_one(model_core.w, &wk->idle_q);
}

void model_worker_wake_any(void)
{
	for (int i = 0; i < model_core.nworkers; i++)
		if (model_core.workers[i]->idle) {
			model_worker_wake(model_core.workers[i]);
			return;
		}
}

void model_worker_append(struct model_worker *wk, struct _iopkt_inter *ent)
{
	ent->next = NULL;
	if (wk->intr_tail)
		wk->intr_tail->next = ent;
	else
		wk->intr_head = ent;
	wk->intr_tail = ent;
	ent->on_list = 1;
}

void model_worker_unlink(struct _iopkt_inter *ent)
{
	struct model_worker *wk;
	struct _iopkt_inter **pp, *prev = NULL;
	if (ent->tidx < 0 || ent->tidx >= model_core.nworkers)
		return;
	wk = model_core.workers[ent->tidx];
	for (pp = &wk->intr_head; *pp && *pp != ent; pp = &(*pp)->next)
		prev = *pp;
	if (!*pp)
		return;
	*pp = ent->next;
	if (wk->intr_tail == ent)
		wk->intr_tail = prev;
	ent->next = NULL;
	ent->on_list = 0;
}

/* Call ent's process_interrupt; *gone = 1 if it may not be called (reported). */
static int call_process(struct model_worker *wk, struct _iopkt_inter *ent, int internal,
                        int *gone)
{
	int rc;
	*gone = 0;
	if (internal)
		return ent->func(ent->arg, &wk->t->wt);
	if (!model_core_call_enter("process_interrupt", (const void *)ent->func, ent->arg)) {
		*gone = 1;
		return 1;
	}
	rc = ent->func(ent->arg, &wk->t->wt);
	model_call_pop();
	model_intr_trace_process(ent, rc);
	return rc;
}

static void call_enable(struct _iopkt_inter *ent)
{
	char fn[96];
	if (!ent->enable)
		return;
	sim_emit(model_core.w, model_core.k.intr_enable, (int64_t)ent->id,
	         model_fn_name((const void *)ent->enable, fn, sizeof(fn)));
	if (!model_core_call_enter("enable_interrupt", (const void *)ent->enable, ent->arg))
		return;
	ent->enable(ent->arg);
	model_call_pop();
}

/*
 * Process the first entry of wk's list: func returns 1 (any non-zero) -> it leaves the
 * list, then enable is called; 0 -> it goes to the back of the list. An entry removed
 * while func ran (interrupt_entry_remove) is left alone; one whose func may not be called
 * (its driver is gone) leaves the list without enable.
 */
static void process_one(struct model_worker *wk)
{
	struct _iopkt_inter *ent = wk->intr_head;
	int internal = ent == &wk->quiesce_ent, gone;
	int rc = call_process(wk, ent, internal, &gone);
	if (!ent->on_list || wk->intr_head != ent)
		return;
	if (rc == 0) {
		model_worker_unlink(ent);
		model_worker_append(wk, ent);
		sim_spend(model_core.w, MODEL_INTR_REQUEUE_COST);
		return;
	}
	model_worker_unlink(ent);
	if (!internal && !gone)
		call_enable(ent);
}

/*
 * 1 if wk may process its interrupt work now. A worker inside NW_SIGLOCK_P (wt_critical)
 * holds its interrupt work off: it notes it (wt_intr_pending) and the matching unlock
 * lets it run (model_intr_run_deferred).
 */
static int intr_ready(struct model_worker *wk)
{
	if (!wk->intr_head)
		return 0;
	if (wk->t->wt.wt_critical > 0) {
		wk->t->wt.wt_intr_pending = 1;
		return 0;
	}
	return 1;
}

int model_worker_intr_ready(struct model_worker *wk)
{
	return intr_ready(wk);
}

/* NW_SIGUNLOCK_P released the last hold of wtp with interrupt work deferred: the worker
 * runs it when it is back in its loop (at once if it is idle). Any context. */
void model_intr_run_deferred(struct nw_work_thread *wtp)
{
	for (int i = 0; i < model_core.nworkers; i++)
		if (&model_core.workers[i]->t->wt == wtp)
			model_worker_wake(model_core.workers[i]);
}

void model_worker_main(sim_world *w, void *arg)
{
	struct model_worker *wk = arg;
	for (;;) {
		if (intr_ready(wk)) {
			process_one(wk);
			/* frames its if_input queued kicked nobody (input.c): with more interrupt
			 * work to do first, let an idle worker serve the stack meanwhile */
			if (intr_ready(wk) && !model_core.stack.holder && model_stack_has_work())
				model_stack_kick();
			continue;
		}
		if (!model_core.stack.holder && model_stack_has_work() && model_stack_pass(wk) > 0)
			continue;
		wk->idle = 1;
		sim_wait(w, &wk->idle_q, SIM_FOREVER);
		wk->idle = 0;
		/* woken (an interrupt event, a pulse, the stack signalled): the pulse delivery and
		 * the context switch take CPU before the worker looks for work; what is queued
		 * meanwhile is served in the same round (docs/latency.md, "wakeup") */
		if (model_lat_cost(MODEL_COST_WAKEUP) > 0)
			sim_spend(w, model_lat_cost(MODEL_COST_WAKEUP));
	}
}
