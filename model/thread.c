/*
 * model/thread.c — the model's record of each simulated thread (struct model_thread):
 * what kind of io-pkt thread it is, its WTP and curproc, and where the calling code runs
 * (model_in_stack, model_is_proc0).
 *
 * io-pkt's own threads get their record when the model creates them. Any other simulated
 * thread (the scenario's, an application's) gets one of kind MT_APP on first use.
 */
#include "core_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *model_thread_kind_name(enum model_thread_kind k)
{
	switch (k) {
	case MT_APP: return "app";
	case MT_MAIN: return "main";
	case MT_WORKER: return "worker";
	case MT_PSEUDO: return "pseudo";
	case MT_TRACKED: return "tracked";
	case MT_UNTRACKED: return "untracked";
	}
	return "?";
}

static void link_all(struct model_thread *t)
{
	if (model_core.threads_tail)
		model_core.threads_tail->next_all = t;
	else
		model_core.threads_head = t;
	model_core.threads_tail = t;
}

/*
 * A record of kind for st, which has none yet. Any context. The waits every thread may
 * need are set up here; their holder is the thread itself (the stall report then names
 * it as the one others wait for).
 */
struct model_thread *model_thread_new(sim_thread *st, enum model_thread_kind kind)
{
	sim_world *w = model_core.w;
	struct model_thread *t = sim_alloc(w, sizeof(*t));
	char name[48];
	t->magic = MODEL_MAGIC_THREAD;
	t->kind = kind;
	t->st = st;
	t->id = sim_thread_id(st);
	t->wt.tidx = -1;
	t->proc.p_ctxt.info.priority = MODEL_PSEUDO_PRIO;
	t->proc.p_id = t->id;
	snprintf(name, sizeof(name), "exit of thread %d", t->id);
	sim_waitq_init(w, &t->exit_q, name);
	sim_waitq_set_holder(&t->exit_q, st);
	sim_waitq_init(w, &t->quiesce_q, "quiesce");
	sim_waitq_set_holder(&t->quiesce_q, st);
	sim_waitq_init(w, &t->sleep_q, "ltsleep");
	sim_waitq_set_watched(&t->sleep_q, 0);
	sim_waitq_init(w, &t->resume_q, "stack context");
	link_all(t);
	sim_thread_set_data(st, t);
	sim_emit(w, model_core.k.thread, (int64_t)t->id, model_thread_kind_name(kind),
	         sim_thread_name(st), sim_thread_name(sim_thread_self(w)));
	return t;
}

/* Create a simulated daemon thread (io-pkt's threads never keep a run alive) with its
 * record. Any context. */
struct model_thread *model_thread_spawn(enum model_thread_kind kind, const char *name, int cpu,
                                        sim_thread_fn fn, void *arg)
{
	sim_thread *st = sim_thread_create(model_core.w, name, cpu, fn, arg);
	if (!st)
		return NULL;
	sim_thread_set_daemon(st, 1);
	return model_thread_new(st, kind);
}

struct model_thread *model_thread_self(void)
{
	sim_thread *st;
	struct model_thread *t;
	if (!model_core.w)
		return NULL;
	st = sim_thread_self(model_core.w);
	if (!st)
		return NULL;
	t = sim_thread_data(st);
	if (t && t->magic != MODEL_MAGIC_THREAD) {
		/* only the core sets a thread's data: anything else is memory corruption */
		fprintf(stderr, "pktsim: bug: thread %d has a bad model record\n", sim_thread_id(st));
		abort();
	}
	return t ? t : model_thread_new(st, MT_APP);
}

enum model_thread_kind model_thread_kind(const struct model_thread *t) { return t->kind; }
const char *model_thread_name(const struct model_thread *t) { return sim_thread_name(t->st); }

struct model_thread *model_thread_by_id(int id)
{
	for (struct model_thread *t = model_core.threads_head; t; t = t->next_all)
		if (t->id == id)
			return t;
	return NULL;
}

void model_thread_default_name(char *buf, size_t n, int *tidx)
{
	*tidx = model_core.next_tidx++;
	snprintf(buf, n, "io-pkt#0x%02x", *tidx);
}

/* Threads io-pkt creates beyond its workers are spread over the CPUs in turn. */
int model_thread_next_cpu(void)
{
	int cpu = model_core.next_cpu;
	model_core.next_cpu = (cpu + 1) % model_core.ncpus;
	return cpu;
}

int model_in_stack(void)
{
	struct model_thread *t = model_thread_self();
	return t && model_core.stack.holder == t;
}

int model_is_proc0(void)
{
	struct model_thread *t = model_thread_self();
	return t && model_core.stack.holder == t && t->kind == MT_WORKER;
}

/* WTP: NULL in the kernel context (an ISR has no thread). */
struct nw_work_thread *pktsim_wtp(void)
{
	struct model_thread *t = model_thread_self();
	return t ? &t->wt : NULL;
}

/* curproc: a pseudo-thread's own proc; proc0 for the stack's loop and everything else. */
struct proc *pktsim_curproc(void)
{
	struct model_thread *t = model_thread_self();
	return t && t->kind == MT_PSEUDO ? &t->proc : stk_ctl.proc0;
}
