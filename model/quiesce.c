/*
 * model/quiesce.c — quiesce_all / unquiesce_all / quiesce_block: stopping every other
 * io-pkt thread for an exclusive operation, and ending a tracked thread (reap).
 *
 * The quiescer holds the stack and waits for each thread in turn, with no timeout, on
 * that thread's queue named "quiesce of thread N "name"" (watched, held by that thread):
 * a thread whose quiesce callback does not bring it to quiesce_block leaves the stack
 * waiting forever, and the stall watchdog names it. Workers are stopped by a fake
 * interrupt entry queued on each, whose handler calls quiesce_block.
 */
#include "core_int.h"

#include <errno.h>

static struct {
	int count;                           /* quiesce_all nesting */
	struct model_thread *head, *tail;    /* tracked threads, creation order */
	sim_waitq release_q;                 /* threads inside quiesce_block (not watched) */
} Q;

void model_quiesce_init(void)
{
	sim_waitq_init(model_core.w, &Q.release_q, "unquiesce");
	sim_waitq_set_watched(&Q.release_q, 0);
}

void model_quiesce_track(struct model_thread *t)
{
	t->next_tracked = NULL;
	if (Q.tail)
		Q.tail->next_tracked = t;
	else
		Q.head = t;
	Q.tail = t;
}

void model_quiesce_untrack(struct model_thread *t)
{
	struct model_thread **pp = &Q.head, *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->next_tracked;
	}
	if (!*pp)
		return;
	*pp = t->next_tracked;
	if (Q.tail == t)
		Q.tail = prev;
}

void model_quiesce_thread_gone(struct model_thread *t)
{
	sim_wake_all(model_core.w, &t->quiesce_q);
}

/* Wait, holding the stack, until t is quiet (die 0) or gone (die 1). */
static void wait_quiet(struct model_thread *t, int die)
{
	sim_world *w = model_core.w;
	char name[48];
	snprintf(name, sizeof(name), "quiesce of thread %d \"%s\"", t->id, model_thread_name(t));
	sim_waitq_init(w, &t->quiesce_q, name);
	sim_waitq_set_holder(&t->quiesce_q, t->st);
	sim_ns t0 = model_lat_mark();
	sim_emit(w, model_core.k.quiesce_wait, (int64_t)t->id, model_thread_name(t), (int64_t)die);
	while (!t->exited && (die || !t->quiesced))
		sim_wait(w, &t->quiesce_q, SIM_FOREVER);
	model_lat_event(die ? "quiesce wait (reap)" : "quiesce wait", t0, MODEL_LAT_COST);
}

void model_quiesce_one(struct model_thread *t, int die)
{
	void (*cb)(void *, int) = t->wt.quiesce_callout;
	if (cb && model_core_call_enter("quiesce_callout", (const void *)cb, t->wt.quiesce_arg)) {
		cb(t->wt.quiesce_arg, die);
		model_call_pop();
	}
	wait_quiet(t, die);
}

/* Mark t dying and wait until it has ended (its callback is asked unless it is already
 * inside quiesce_block, where it is simply released to die). */
void model_quiesce_reap(struct model_thread *t)
{
	t->dying = 1;
	if (t->quiesced) {
		sim_wake_all(model_core.w, &Q.release_q);
		wait_quiet(t, 1);
	} else {
		model_quiesce_one(t, 1);
	}
}

/* The fake entry's handler: the worker stops in quiesce_block until unquiesce. */
int model_quiesce_entry_func(void *arg, struct nw_work_thread *wtp)
{
	quiesce_block(0);
	return 1;
}

static void quiesce_workers(struct model_thread *self)
{
	for (int i = 0; i < model_core.nworkers; i++) {
		struct model_worker *wk = model_core.workers[i];
		if (wk->t == self || wk->t == model_core.stack.proc0)
			continue; /* the stack's own worker is stopped already: it runs us */
		if (!wk->quiesce_ent.on_list) {
			model_worker_append(wk, &wk->quiesce_ent);
			model_worker_wake(wk);
		}
		wait_quiet(wk->t, 0);
	}
}

static void quiesce_tracked(void)
{
	int n = 0, i = 0;
	struct model_thread **snap;
	for (struct model_thread *t = Q.head; t; t = t->next_tracked)
		n++;
	if (!n)
		return;
	snap = sim_alloc(model_core.w, (size_t)n * sizeof(*snap));
	for (struct model_thread *t = Q.head; t; t = t->next_tracked)
		snap[i++] = t;
	for (i = 0; i < n; i++)
		if (!snap[i]->exited && !snap[i]->quiesced)
			model_quiesce_one(snap[i], 0);
	sim_free(model_core.w, snap, (size_t)n * sizeof(*snap));
}

static int check_stack(const char *call)
{
	if (model_in_stack())
		return 1;
	model_breach("quiesce-outside-stack",
	             "%s called outside the stack context; io-pkt quiesces from the stack only",
	             call);
	return 0;
}

void quiesce_all(void)
{
	if (!check_stack("quiesce_all"))
		return;
	sim_emit(model_core.w, model_core.k.quiesce_begin, (int64_t)(Q.count + 1));
	if (Q.count++ > 0)
		return;
	quiesce_workers(model_thread_self());
	quiesce_tracked();
}

void unquiesce_all(void)
{
	if (!check_stack("unquiesce_all") || Q.count == 0)
		return;
	sim_emit(model_core.w, model_core.k.quiesce_end, (int64_t)(Q.count - 1));
	if (--Q.count == 0)
		sim_wake_all(model_core.w, &Q.release_q);
}

void quiesce_block(int die)
{
	sim_world *w = model_core.w;
	struct model_thread *self = model_thread_self();
	if (!self || (self->kind != MT_TRACKED && self->kind != MT_WORKER))
		return;
	sim_emit(w, model_core.k.quiesce_block, (int64_t)die, (int64_t)Q.count);
	if (self->kind == MT_TRACKED && (die || self->dying))
		model_thread_exit(self, NULL);
	if (Q.count == 0)
		return;
	self->quiesced = 1;
	sim_wake_all(w, &self->quiesce_q);
	while (Q.count > 0 && !self->dying)
		sim_wait(w, &Q.release_q, SIM_FOREVER);
	self->quiesced = 0;
	if (self->dying)
		model_thread_exit(self, NULL);
}
