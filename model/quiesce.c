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
#include <string.h>

static struct {
	int count;                           /* quiesce_all nesting */
	struct model_thread *head, *tail;    /* tracked threads, creation order */
	sim_waitq release_q;                 /* threads inside quiesce_block (not watched) */
	/* the quiesce-deadlock watchdog (model_core.quiesce_limit): armed while the stack
	 * waits for a thread to reach quiesce_block */
	sim_timer *watch;
	sim_ns since;                        /* when the stack started waiting */
	char who[160];                       /* who quiesces: driver function, thread */
} Q;

static void watch_fire(sim_world *w, void *arg);

void model_quiesce_init(void)
{
	sim_waitq_init(model_core.w, &Q.release_q, "unquiesce");
	sim_waitq_set_watched(&Q.release_q, 0);
	Q.watch = sim_timer_create(model_core.w, "quiesce watchdog", watch_fire, NULL);
}

/* ------------------------------------------------ the quiesce-deadlock report */

/* Why t (tracked thread or worker) is not inside quiesce_block, appended to buf. */
static void why_not_quiet(struct model_thread *t, char *buf, size_t n)
{
	const sim_waitq *q;
	sim_ns since;
	const char *what = sim_thread_blocked(t->st, &q, &since);
	char fn[96], ts[32], tq[32];
	if (t->kind == MT_TRACKED && !t->wt.quiesce_callout) {
		model_core_append(buf, n, "thread %d \"%s\" has no quiesce callback registered "
		                  "(its init function %s set none)", t->id, model_thread_name(t),
		                  model_fn_name((const void *)t->init_fn, fn, sizeof(fn)));
		return;
	}
	if (t->kind == MT_TRACKED && !t->asked) {
		model_core_append(buf, n, "thread %d \"%s\" not asked yet (waits its turn)", t->id,
		                  model_thread_name(t));
		return;
	}
	sim_format_ns(t->asked_at, ts, sizeof(ts));
	sim_format_ns(since, tq, sizeof(tq));
	if (what && !strcmp(what, "wait") && q)
		model_core_append(buf, n, "thread %d \"%s\" is blocked elsewhere: it waits on "
		                  "\"%s\" since t=%s%s%s", t->id, model_thread_name(t), q->name, tq,
		                  q->holder ? ", held by " : "",
		                  q->holder ? sim_thread_name(q->holder) : "");
	else if (t->kind == MT_TRACKED)
		model_core_append(buf, n, "thread %d \"%s\": its quiesce callback %s ran at t=%s "
		                  "but the thread never called quiesce_block (it keeps running%s%s)",
		                  t->id, model_thread_name(t),
		                  model_fn_name((const void *)t->wt.quiesce_callout, fn, sizeof(fn)),
		                  ts, what ? ": in " : "", what ? what : "");
	else
		model_core_append(buf, n, "worker %d \"%s\" is busy (%s)", t->id,
		                  model_thread_name(t), what ? what : "running");
}

/* The stack has waited longer than the limit: name every thread not quiet and what the
 * wait stalls, and stop the run. Kernel context (timer). */
static void watch_fire(sim_world *w, void *arg)
{
	char list[1200] = "", since[32], stalled[32], reqs[96] = "", calls[96] = "", t[32];
	sim_ns now = sim_now(w), oldest;
	int nreq = 0, ncall = model_callouts_overdue(&oldest);
	struct model_request *first = model_core.stack.req_head;
	for (struct model_request *r = first; r; r = r->next)
		nreq++;
	if (nreq)
		snprintf(reqs, sizeof(reqs), " (the oldest, \"%s\", since t=%s)", first->name,
		         sim_format_ns(first->queued_at, t, sizeof(t)));
	if (ncall)
		snprintf(calls, sizeof(calls), " (the oldest due at t=%s)",
		         sim_format_ns(oldest, t, sizeof(t)));
	for (int i = 0; i < model_core.nworkers; i++) {
		struct model_thread *t = model_core.workers[i]->t;
		if (!t->quiesced && t != model_core.stack.proc0 && t != model_thread_self() &&
		    model_core.workers[i]->quiesce_ent.on_list)
			why_not_quiet(t, list, sizeof(list));
	}
	for (struct model_thread *t = Q.head; t; t = t->next_tracked)
		if (!t->exited && !t->quiesced)
			why_not_quiet(t, list, sizeof(list));
	sim_format_ns(Q.since, since, sizeof(since));
	sim_format_ns(now - Q.since, stalled, sizeof(stalled));
	model_breach("quiesce-deadlock",
	             "the stack context is stuck in quiesce_all (%s) since t=%s (%s, longer "
	             "than quiesce_limit): %s; management requests, callouts and traffic stalled "
	             "%s: %d request%s queued%s, %d callout%s overdue%s, %s",
	             Q.who, since, stalled, list[0] ? list : "no thread named", stalled, nreq,
	             nreq == 1 ? "" : "s", reqs, ncall, ncall == 1 ? "" : "s", calls,
	             model_net_has_work() ? "received frames waiting for the stack"
	                                  : "no received frame waiting");
}

/* Arm the watchdog when the stack starts waiting (once per quiesce); 1 if armed here. */
static int watch_arm(void)
{
	if (!model_core.quiesce_limit || sim_timer_armed(Q.watch))
		return 0;
	Q.since = sim_now(model_core.w);
	sim_timer_arm(model_core.w, Q.watch, model_core.quiesce_limit);
	return 1;
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
	int armed = watch_arm();
	while (!t->exited && (die || !t->quiesced))
		sim_wait(w, &t->quiesce_q, SIM_FOREVER);
	if (armed)
		sim_timer_cancel(w, Q.watch);
	model_lat_event(die ? "quiesce wait (reap)" : "quiesce wait", t0, MODEL_LAT_COST);
}

void model_quiesce_one(struct model_thread *t, int die)
{
	void (*cb)(void *, int) = t->wt.quiesce_callout;
	t->asked = 1;
	t->asked_at = sim_now(model_core.w);
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
	const char *where = model_call_where();
	if (Q.count == 0)
		snprintf(Q.who, sizeof(Q.who), "nw_pthread_reap%s%s, thread \"%s\"",
		         where[0] ? " in " : "", where, model_thread_name(model_thread_self()));
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
	struct model_thread *self = model_thread_self();
	const char *where;
	int armed;
	if (!check_stack("quiesce_all"))
		return;
	sim_emit(model_core.w, model_core.k.quiesce_begin, (int64_t)(Q.count + 1));
	if (Q.count++ > 0)
		return;
	where = model_call_where();
	snprintf(Q.who, sizeof(Q.who), "called %s%s, thread \"%s\"", where[0] ? "in " : "by io-pkt",
	         where, model_thread_name(self));
	armed = watch_arm();
	quiesce_workers(self);
	quiesce_tracked();
	if (armed)
		sim_timer_cancel(model_core.w, Q.watch);
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
	if (self->kind == MT_TRACKED && !self->asked && !self->dying) {
		model_breach("quiesce_block-unasked",
		             "tracked thread %d \"%s\" called quiesce_block(%d) without its quiesce "
		             "callback having asked it to: a thread blocks or ends in quiesce_block "
		             "only when io-pkt asks (to end it, call nw_pthread_reap from the stack)",
		             self->id, model_thread_name(self), die);
		return;
	}
	self->asked = 0;
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
