/*
 * model/stack.c — the stack context: a token held by at most one thread, the requests it
 * serves in pseudo-threads, and the stack pass a worker runs as proc0.
 *
 * Token moves (and nothing else) change who holds the stack:
 *   free -> worker W          W starts a stack pass (proc0)
 *   W -> pseudo-thread P      W starts a request in a new P, or resumes a ready P, and
 *                             waits (not watched) until P gives the token back
 *   P -> W                    P's request is done, or P sleeps (ltsleep, blockop, nic_delay)
 *   W -> free                 nothing left to do (or W has interrupt work of its own)
 * Whoever waits for the stack waits on a queue named "stack context" whose holder is kept
 * equal to the token's holder (or, for a started request, its pseudo-thread), so a stall
 * report reads "waits on "stack context", held by thread 4 "io-pkt#0x00"".
 */
#include "core_int.h"

#include <errno.h>
#include <string.h>

#define S (model_core.stack)

/* Point every "stack context" wait at whoever it really waits for. */
static void holders_update(void)
{
	sim_thread *h = S.holder ? S.holder->st : NULL;
	for (struct model_request *r = S.active; r; r = r->next_active)
		sim_waitq_set_holder(&r->q, r->pseudo ? r->pseudo->st : h);
	for (struct model_thread *t = S.ready_head; t; t = t->next_ready)
		sim_waitq_set_holder(&t->resume_q, h);
}

/* Move the token to t (NULL: free), tracing the release and the acquisition. */
static void token_set(struct model_thread *t, const char *why)
{
	sim_world *w = model_core.w;
	struct model_thread *old = S.holder;
	model_lat_token(old, t);
	if (old) {
		old->wt.am_stack = 0;
		old->held += sim_now(w) - old->hold_since;
		sim_emit(w, model_core.k.stack_release, (int64_t)old->id, model_thread_name(old));
	}
	S.holder = t;
	if (t) {
		t->wt.am_stack = 1;
		t->hold_since = sim_now(w);
		sim_emit(w, model_core.k.stack_acquire, (int64_t)t->id, model_thread_name(t), why);
	}
	holders_update();
}

int model_stack_has_work(void)
{
	return model_callout_due() || S.req_head || S.ready_head || model_net_has_work();
}

void model_stack_kick(void)
{
	if (!S.holder && model_stack_has_work())
		model_worker_wake_any();
}

/* ------------------------------------------------------------ pseudo-threads */

/* W hands the token to P and waits until P gives it back. */
static void hand_to(struct model_worker *wk, struct model_thread *p, const char *why)
{
	token_set(p, why);
	sim_wake_one(model_core.w, &p->resume_q);
	while (S.holder != wk->t)
		sim_wait(model_core.w, &wk->handback_q, SIM_FOREVER);
}

void model_stack_yield(struct model_thread *self)
{
	struct model_thread *p0 = S.proc0;
	token_set(p0, "proc0");
	sim_wake_one(model_core.w, &p0->worker->handback_q);
}

void model_stack_resume_wait(struct model_thread *self)
{
	self->next_ready = NULL;
	if (S.ready_tail)
		S.ready_tail->next_ready = self;
	else
		S.ready_head = self;
	S.ready_tail = self;
	holders_update();
	model_stack_kick();
	while (S.holder != self)
		sim_wait(model_core.w, &self->resume_q, SIM_FOREVER);
}

static void active_remove(struct model_request *req)
{
	struct model_request **pp = &S.active;
	while (*pp && *pp != req)
		pp = &(*pp)->next_active;
	if (*pp)
		*pp = req->next_active;
}

/* The body of a pseudo-thread: serve one request, give the token back, answer. */
static void pseudo_main(sim_world *w, void *arg)
{
	struct model_request *req = arg;
	struct model_thread *self = model_thread_self();
	int rc = req->fn(req->arg);
	sim_ns now;
	model_stack_yield(self);
	now = sim_now(w);
	sim_emit(w, model_core.k.request_done, (int64_t)req->id, req->name, (int64_t)rc,
	         (int64_t)(now - req->queued_at), (int64_t)self->held);
	req->rc = rc;
	req->done = 1;
	active_remove(req);
	sim_wake_all(w, &req->q);
}

static void pseudo_start(struct model_worker *wk, struct model_request *req)
{
	sim_world *w = model_core.w;
	char name[48];
	struct model_thread *p;
	snprintf(name, sizeof(name), "pseudo:%s", req->name);
	p = model_thread_spawn(MT_PSEUDO, name, sim_thread_cpu(wk->t->st), pseudo_main, req);
	p->req = req;
	req->pseudo = p;
	req->started_at = sim_now(w);
	sim_emit(w, model_core.k.request_start, (int64_t)req->id, req->name,
	         (int64_t)(req->started_at - req->queued_at));
	hand_to(wk, p, req->name);
}

/* --------------------------------------------------------------- the pass */

/* One step of a stack pass; 0 when nothing was left to do. */
static int pass_step(struct model_worker *wk)
{
	struct model_request *req;
	struct model_thread *p;
	if (model_callout_run_due())
		return 1;
	if (model_net_has_work() && model_net_stack_work() > 0)
		return 1;
	if ((req = S.req_head)) {
		S.req_head = req->next;
		if (!S.req_head)
			S.req_tail = NULL;
		pseudo_start(wk, req);
		return 1;
	}
	if ((p = S.ready_head)) {
		S.ready_head = p->next_ready;
		if (!S.ready_head)
			S.ready_tail = NULL;
		hand_to(wk, p, p->req ? p->req->name : "resume");
		return 1;
	}
	return 0;
}

/*
 * Run one stack pass on worker wk (the token must be free). Stops when nothing is left,
 * or early when wk has interrupt work of its own (another idle worker is then woken if
 * stack work remains). Returns the number of steps done.
 */
int model_stack_pass(struct model_worker *wk)
{
	int steps = 0, interrupted = 0;
	token_set(wk->t, "proc0");
	S.proc0 = wk->t;
	for (;;) {
		if (model_worker_intr_ready(wk)) {
			interrupted = 1;
			break;
		}
		if (!pass_step(wk))
			break;
		steps++;
	}
	S.proc0 = NULL;
	model_net_pass_end();
	token_set(NULL, NULL);
	if (interrupted && model_stack_has_work())
		model_worker_wake_any();
	return steps;
}

/* ------------------------------------------------------------- requests */

static void request_enqueue(struct model_request *req)
{
	req->next = NULL;
	if (S.req_tail)
		S.req_tail->next = req;
	else
		S.req_head = req;
	S.req_tail = req;
	req->next_active = S.active;
	S.active = req;
}

/*
 * Serve fn(arg) in a new pseudo-thread and wait for its return value. The request lives
 * on the caller's stack: the caller waits until it is done. A caller already holding the
 * stack runs fn directly. EPERM from the kernel context; EDEADLK from a worker (it would
 * wait for itself).
 */
int model_stack_request(const char *name, int (*fn)(void *arg), void *arg)
{
	sim_world *w = model_core.w;
	struct model_thread *self = model_thread_self();
	struct model_request req;
	if (!self)
		return EPERM;
	if (S.holder == self)
		return fn(arg);
	if (self->kind == MT_WORKER || self->kind == MT_PSEUDO)
		return EDEADLK;
	memset(&req, 0, sizeof(req));
	req.id = ++S.nreq;
	req.name = name;
	req.fn = fn;
	req.arg = arg;
	req.queued_at = sim_now(w);
	req.requester = self;
	sim_waitq_init(w, &req.q, "stack context");
	request_enqueue(&req);
	sim_emit(w, model_core.k.request_queue, (int64_t)req.id, name);
	holders_update();
	model_stack_kick();
	while (!req.done)
		sim_wait(w, &req.q, SIM_FOREVER);
	sim_waitq_destroy(w, &req.q);
	return req.rc;
}
