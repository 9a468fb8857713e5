/*
 * model/nwthread.c — the life of the threads a driver creates: tracked threads
 * (nw_pthread_create / nw_pthread_reap) and untracked ones (pthread_create, joined with
 * pthread_join), and how either ends (its function returns, pthread_exit, or
 * quiesce_block with die set).
 *
 * Ending a thread from deep inside it (pthread_exit, quiesce_block(1)) jumps back to the
 * bottom of the thread (longjmp to the trampoline), as a real thread exit abandons its
 * frames; the simulated thread then returns and ends normally.
 */
#include "core_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/systm.h>

static char refusal[320];

const char *model_thread_refusal(void)
{
	static char out[sizeof(refusal)];
	snprintf(out, sizeof(out), "%s", refusal);
	refusal[0] = '\0';
	return out;
}

/*
 * A tracked thread whose init function set no quiesce callback. io-pkt 6.6 refuses it
 * (EINVAL); io-pkt as the seed documents describe it accepts it, and the next quiesce_all
 * waits for it forever (the quiesce-deadlock report names it). Returns the init result.
 */
static int no_quiesce_callback(struct model_thread *t)
{
	char fn[96];
	model_fn_name((const void *)t->init_fn, fn, sizeof(fn));
	if (model_core.version == 66) {
		snprintf(refusal, sizeof(refusal), "nw_pthread_create refused thread %d \"%s\" "
		         "with EINVAL: its init function %s set no quiesce callback (io-pkt 6.6)",
		         t->id, model_thread_name(t), fn);
		nw_log(3, "io-pkt: %s", refusal);
		return EINVAL;
	}
	nw_log(4, "io-pkt: thread %d \"%s\": its init function %s set no quiesce callback; "
	       "accepted, and quiesce_all will wait for it for ever", t->id, model_thread_name(t),
	       fn);
	return EOK;
}

/* Run the tracked thread's init function; 0 when it may go on to its function. */
static int tracked_init(struct model_thread *t)
{
	int rc = ENXIO;
	if (model_core_call_enter("thread_init", (const void *)t->init_fn, t->init_arg)) {
		rc = t->init_fn(t->init_arg);
		model_call_pop();
	}
	if (rc == EOK && !t->wt.quiesce_callout)
		rc = no_quiesce_callback(t);
	t->init_rc = rc;
	t->init_done = 1;
	sim_wake_all(model_core.w, &t->quiesce_q);
	if (rc == EOK)
		model_quiesce_track(t);
	return rc;
}

static void thread_body(struct model_thread *t)
{
	if (t->kind == MT_TRACKED && tracked_init(t) != EOK)
		return;
	if (!model_core_call_enter("thread", (const void *)t->fn, t->arg))
		return;
	t->retval = t->fn(t->arg);
	model_call_pop();
}

static void thread_finish(struct model_thread *t, const char *how)
{
	sim_world *w = model_core.w;
	while (model_call_where()[0]) /* frames abandoned by an exit */
		model_call_pop();
	if (!t->init_done) {
		t->init_rc = ESRCH;
		t->init_done = 1;
	}
	pktsim_tls_destroy(t);
	t->exited = 1;
	model_quiesce_untrack(t);
	sim_emit(w, model_core.k.thread_exit, (int64_t)t->id, how);
	model_quiesce_thread_gone(t);
	sim_wake_all(w, &t->exit_q);
}

/* The trampoline of tracked and untracked threads. */
static void thread_main(sim_world *w, void *arg)
{
	struct model_thread *t = model_thread_self();
	if (setjmp(t->exit_jmp) == 0) {
		thread_body(t);
		thread_finish(t, t->init_rc ? "init failed" : "returned");
	} else {
		thread_finish(t, t->dying ? "reaped" : "exited");
	}
}

void model_thread_exit(struct model_thread *self, void *ret)
{
	if (self->kind == MT_TRACKED || self->kind == MT_UNTRACKED) {
		self->retval = ret;
		longjmp(self->exit_jmp, 1);
	}
	model_breach("thread-exit-not-allowed",
	             "pthread_exit called by io-pkt's own thread \"%s\" (%s): only threads the "
	             "driver created may end",
	             model_thread_name(self), model_thread_kind_name(self->kind));
	for (;;) /* never returns: parked for the rest of the (stopping) run */
		sim_wait(model_core.w, &self->exit_q, SIM_FOREVER);
}

/* ---------------------------------------------------------- tracked threads */

int nw_pthread_create(pthread_t *tidp, const pthread_attr_t *attr, void *(*fn)(void *),
                      void *arg, int flags, int (*init_fn)(void *), void *init_arg)
{
	sim_world *w = model_core.w;
	struct model_thread *self = model_thread_self(), *t;
	char name[48], qname[48];
	int tidx, rc;
	if (!model_in_stack()) {
		model_breach("nw_pthread_create-outside-stack",
		             "nw_pthread_create called outside the stack context (by thread \"%s\"); "
		             "tracked threads are created from the stack context only",
		             self ? model_thread_name(self) : "kernel");
		return EPERM;
	}
	if (!tidp || !fn || !init_fn)
		return EINVAL;
	quiesce_all();
	model_thread_default_name(name, sizeof(name), &tidx);
	t = model_thread_spawn(MT_TRACKED, name, model_thread_next_cpu(), thread_main, NULL);
	t->wt.tidx = tidx;
	t->fn = fn;
	t->arg = arg;
	t->init_fn = init_fn;
	t->init_arg = init_arg;
	snprintf(qname, sizeof(qname), "init of thread %d", t->id);
	sim_waitq_init(w, &t->quiesce_q, qname);
	sim_waitq_set_holder(&t->quiesce_q, t->st);
	sim_ns t0 = model_lat_mark();
	while (!t->init_done)
		sim_wait(w, &t->quiesce_q, SIM_FOREVER);
	model_lat_event("nw_pthread_create wait", t0, MODEL_LAT_COST);
	rc = t->init_rc;
	unquiesce_all();
	if (rc == EOK)
		*tidp = (pthread_t)t->id;
	return rc;
}

int nw_pthread_reap(pthread_t tid)
{
	struct model_thread *self = model_thread_self(), *t;
	if (self && (pthread_t)self->id == tid) {
		model_breach("reap-self", "nw_pthread_reap(%lu) called by that thread itself: a "
		             "thread cannot reap itself", (unsigned long)tid);
		return EDEADLK;
	}
	if (!model_in_stack()) {
		model_breach("nw_pthread_reap-outside-stack",
		             "nw_pthread_reap(%lu) called outside the stack context (by thread "
		             "\"%s\"); tracked threads are reaped from the stack context only",
		             (unsigned long)tid, self ? model_thread_name(self) : "kernel");
		return EPERM;
	}
	t = tid <= (pthread_t)INT32_MAX ? model_thread_by_id((int)tid) : NULL;
	if (!t || t->kind != MT_TRACKED || t->exited)
		return ESRCH;
	sim_emit(model_core.w, model_core.k.thread_reap, (int64_t)t->id, model_thread_name(t));
	model_quiesce_reap(t);
	sim_thread_join(model_core.w, t->st);
	return EOK;
}

/* -------------------------------------------------------- untracked threads */

static int untracked_seq;

int pktsim_pthread_create(pthread_t *tidp, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg)
{
	struct model_thread *t;
	char name[32];
	int detached = 0;
	if (!tidp || !fn)
		return EINVAL;
	if (attr)
		pthread_attr_getdetachstate(attr, &detached);
	snprintf(name, sizeof(name), "pthread#%d", ++untracked_seq);
	t = model_thread_spawn(MT_UNTRACKED, name, model_thread_next_cpu(), thread_main, NULL);
	if (!t)
		return EAGAIN;
	t->fn = fn;
	t->arg = arg;
	t->init_done = 1;
	t->detached = detached == PTHREAD_CREATE_DETACHED;
	*tidp = (pthread_t)t->id;
	return 0;
}

static struct model_thread *driver_thread(pthread_t tid)
{
	struct model_thread *t = tid <= (pthread_t)INT32_MAX ? model_thread_by_id((int)tid) : NULL;
	return t && (t->kind == MT_TRACKED || t->kind == MT_UNTRACKED) ? t : NULL;
}

/* Blocks until tid has ended (watched: the joiner waits for that thread). */
int pktsim_pthread_join(pthread_t tid, void **ret)
{
	struct model_thread *self = model_thread_self(), *t = driver_thread(tid);
	if (!t)
		return ESRCH;
	if (t == self)
		return EDEADLK;
	if (t->detached)
		return EINVAL;
	if (model_check_can_block("pthread_join"))
		return EPERM;
	sim_ns t0 = model_lat_mark();
	while (!t->exited)
		sim_wait(model_core.w, &t->exit_q, SIM_FOREVER);
	model_lat_event("pthread_join", t0, MODEL_LAT_WAIT);
	sim_thread_join(model_core.w, t->st);
	if (ret)
		*ret = t->retval;
	t->detached = 1; /* joined once */
	return 0;
}

int pktsim_pthread_detach(pthread_t tid)
{
	struct model_thread *t = driver_thread(tid);
	if (!t)
		return ESRCH;
	if (t->detached)
		return EINVAL;
	t->detached = 1;
	return 0;
}

void pktsim_pthread_exit(void *ret)
{
	struct model_thread *self = model_thread_self();
	if (!self) {
		model_breach("thread-exit-not-allowed", "pthread_exit called in an interrupt handler");
		abort();
	}
	model_thread_exit(self, ret);
}

int model_thread_leftovers(const struct model_ranges *r, char *buf, size_t n)
{
	int count = 0;
	for (struct model_thread *t = model_core.threads_head; t; t = t->next_all) {
		if ((t->kind != MT_TRACKED && t->kind != MT_UNTRACKED) || t->exited ||
		    !model_in_ranges((const void *)t->fn, r))
			continue;
		model_core_append(buf, n, "%s thread %d \"%s\" still running",
		                  model_thread_kind_name(t->kind), t->id, model_thread_name(t));
		count++;
	}
	return count;
}
