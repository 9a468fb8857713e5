/*
 * model/core_int.h — internals of the io-pkt model's core half (threads, the stack
 * context, workers, callouts, interrupts, sleeping, quiesce, blockop, the pthread and
 * QNX shims), shared between its files. The net half uses model_int.h only.
 *
 * The picture, in one paragraph. io-pkt's threads are simulated threads, each with a
 * struct model_thread (its sim_thread_data). The stack context is a token (core.stack)
 * held by at most one thread at a time: a worker running the stack's loop ("proc0"), or
 * a pseudo-thread — a simulated thread created for one request — to which that worker
 * handed the token and for which it waits. A pseudo-thread that sleeps gives the token
 * back to its worker; when woken it queues itself as ready and waits until a worker
 * hands it the token again. Everything runs one simulated thread at a time (sim/), so
 * the model's state needs no locks; what waits, waits on sim_waitq.
 */
#ifndef PKTSIM_CORE_INT_H
#define PKTSIM_CORE_INT_H

#define PKTSIM_NO_REDIRECT /* the model itself calls the C library's pthread functions */

#include "model_int.h"

#include <blockop.h>
#include <nw_thread.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/callout.h>
#include <sys/io-pkt.h>
#include <sys/neutrino.h>
#include <sys/proc.h>
#include <sys/syspage.h>

#define MODEL_MAGIC_THREAD 0x6d746872u  /* "mthr" */
#define MODEL_MAGIC_INTER 0x696e7472u   /* "intr" */
#define MODEL_MAGIC_CALLOUT 0x636f7574u /* "cout" */
#define MODEL_MAGIC_SELF 0x696f706bu    /* "iopk" */

#define MODEL_MAX_WORKERS 64
#define MODEL_PSEUDO_PRIO 10   /* a pseudo-thread's curproc priority: a client's default */
#define MODEL_KEYS 64          /* pthread_key_create slots */

struct model_request;
struct model_worker;

/* ------------------------------------------------------------ threads (thread.c) */

struct model_thread {
	uint32_t magic;
	enum model_thread_kind kind;
	sim_thread *st;
	int id;                          /* sim_thread_id: also its pthread_t */
	struct nw_work_thread wt;        /* WTP points here */
	struct proc proc;                /* curproc of a pseudo-thread */
	struct model_thread *next_all;   /* every record, creation order */
	struct model_worker *worker;     /* MT_WORKER */

	/* MT_PSEUDO */
	struct model_request *req;
	sim_waitq sleep_q;               /* ltsleep: woken by wakeup() (not watched) */
	sim_waitq resume_q;              /* "stack context": ready, waiting for the token */
	const volatile void *sleep_ident;
	char sleep_wmesg[32];            /* what it sleeps in, since when */
	sim_ns sleep_since;
	int sleeping, woken;
	struct model_thread *next_sleeper, *next_ready;
	sim_ns hold_since, held;         /* time holding the token */

	/* MT_TRACKED and MT_UNTRACKED */
	void *(*fn)(void *);
	void *arg;
	void *retval;
	int (*init_fn)(void *);
	void *init_arg;
	int init_done, init_rc;
	int exited, detached;
	jmp_buf exit_jmp;                /* pthread_exit / quiesce_block(1) return here */
	sim_waitq exit_q;                /* joiners, reapers ("thread N ... exit") */

	/* quiesce (workers and tracked threads) */
	int quiesced, dying;
	int asked;                       /* its quiesce callback ran and it is not blocked yet */
	sim_ns asked_at;
	sim_waitq quiesce_q;             /* "quiesce of thread N ...": the quiescer waits */
	struct model_thread *next_tracked;

	const void *keys[MODEL_KEYS];    /* pthread_getspecific */
};

/* A new record of kind for st (which must have none), registered as its data. */
struct model_thread *model_thread_new(sim_thread *st, enum model_thread_kind kind);
/* Create a simulated daemon thread of kind running fn(w, arg), with its record. */
struct model_thread *model_thread_spawn(enum model_thread_kind kind, const char *name, int cpu,
                                        sim_thread_fn fn, void *arg);
/* The record of the live thread whose id (pthread_t) is id, or NULL. */
struct model_thread *model_thread_by_id(int id);
/* io-pkt's next default name "io-pkt#0x%02x" for a thread it creates, and a CPU for it. */
void model_thread_default_name(char *buf, size_t n, int *tidx);
int model_thread_next_cpu(void);
const char *model_thread_kind_name(enum model_thread_kind k);

/* ------------------------------------------------------------ workers (worker.c) */

struct model_worker {
	int index;                       /* 0, 1, ...: "io-pkt#0x<index>" */
	struct model_thread *t;
	struct _iopkt_inter *intr_head, *intr_tail;
	int idle;                        /* waiting in its loop and not yet woken */
	sim_waitq idle_q;                /* its idle wait (not watched) */
	sim_waitq handback_q;            /* waits for a pseudo-thread to give the token back */
	int chid, coid;                  /* its channel: pulses to it wake it */
	struct sigevent event;           /* interrupt_queue's answer: a pulse on coid */
	struct _iopkt_inter quiesce_ent; /* the fake entry quiesce_all queues on it */
};

/* Wake w if it is idle (any context). */
void model_worker_wake(struct model_worker *w);
/* Wake the first idle worker, if any (stack work is pending). */
void model_worker_wake_any(void);
/* Append ent to w's list (internal use: quiesce). */
void model_worker_append(struct model_worker *w, struct _iopkt_inter *ent);
/* 1 if wk has interrupt work it may run now (not held off by NW_SIGLOCK_P). */
int model_worker_intr_ready(struct model_worker *wk);
/* Take ent off its worker's list if it is there. */
void model_worker_unlink(struct _iopkt_inter *ent);
/* The worker loop (sim thread function). */
void model_worker_main(sim_world *w, void *arg);

/* ------------------------------------------------------------ stack (stack.c) */

struct model_request {
	int id;
	const char *name;
	int (*fn)(void *arg);
	void *arg;
	int rc, done;
	sim_ns queued_at, started_at;
	struct model_thread *requester, *pseudo;
	struct model_request *next, *next_active;
	sim_waitq q;                     /* "stack context": the requester waits here */
};

struct model_stack {
	struct model_thread *holder;     /* who holds the token, NULL if free */
	struct model_thread *proc0;      /* the worker running the current stack pass */
	struct model_request *req_head, *req_tail;       /* not started yet */
	struct model_thread *ready_head, *ready_tail;    /* pseudo-threads to resume */
	struct model_request *active;    /* every request not done (holder updates) */
	int nreq;                        /* requests so far: their ids */
};

/* 1 if the stack has work for a worker (due callouts, net work, requests, ready). */
int model_stack_has_work(void);
/* Worker wk runs one stack pass: takes the free token as proc0 and runs what is due.
 * Returns the number of steps done. */
int model_stack_pass(struct model_worker *wk);
/* The calling pseudo-thread gives the token back to its worker (before sleeping). */
void model_stack_yield(struct model_thread *self);
/* The calling pseudo-thread queues itself as ready and waits for the token. */
void model_stack_resume_wait(struct model_thread *self);

/* ------------------------------------------------------------ callouts (callout.c) */

/* 1 if a callout is due now. */
int model_callout_due(void);
/* How many callouts are due and not run yet, and the expiry of the oldest (*oldest). */
int model_callouts_overdue(sim_ns *oldest);
/* Run every due callout (on proc0). Returns how many ran. */
int model_callout_run_due(void);
/* The tick arithmetic of io-pkt's callout clock (exposed for tests). */
sim_ns model_tick_time(int64_t k);
int64_t model_tick_at(sim_ns t);

/* ------------------------------------------------------------ interrupts */

/* intr.c: queue ent on its worker; returns the worker's event or NULL (interrupt_queue). */
const struct sigevent *model_intr_queue(struct _iopkt_inter *ent, const char *from);
/* The registered entry with id, or NULL. */
struct _iopkt_inter *model_intr_by_id(int id);
/* worker.c calls these around an entry's functions. */
void model_intr_trace_process(struct _iopkt_inter *ent, int rc);

/* irq.c: set up the IRQ lines and the system timer's line. */
void model_irq_init(void);

/* channel.c: deliver an event (from an ISR's return or InterruptAttachEvent). */
void model_event_deliver(const struct sigevent *ev, const char *from);
/* A channel served by a worker: pulses wake it (and queue interrupt entries). */
int model_channel_create_worker(struct model_worker *wk);
/* Pulse codes on a worker's channel. */
#define MODEL_PULSE_WAKE 1       /* interrupt_queue's event: wake up */
#define MODEL_PULSE_INTR 2       /* an entry's own event: value = entry id */

/* ------------------------------------------------------------ sleeping (sleep.c) */

/* Sleep the calling pseudo-thread (which holds the token) on ident for timeout
 * (SIM_FOREVER: none); returns 0 when woken, EWOULDBLOCK on timeout. */
int model_sleep(struct model_thread *self, const volatile void *ident, const char *wmesg,
                sim_ns timeout);
/* Wake every sleeper on ident (no context check). Returns how many. */
int model_wakeup(const volatile void *ident);

/* ------------------------------------------------------------ quiesce (quiesce.c) */

/* A tracked thread or worker is gone: wake whoever waits for it to be quiet. */
void model_quiesce_thread_gone(struct model_thread *t);
/* Register a tracked thread (creation order) / remove it. */
void model_quiesce_track(struct model_thread *t);
void model_quiesce_untrack(struct model_thread *t);
/* The quiesce callout of t with die, from the stack; then wait until t is quiet (die 0)
 * or gone (die 1). */
void model_quiesce_one(struct model_thread *t, int die);
/* End tracked thread t (nw_pthread_reap): mark it dying, ask it, wait until it is gone. */
void model_quiesce_reap(struct model_thread *t);
/* The handler of a worker's fake quiesce entry. */
int model_quiesce_entry_func(void *arg, struct nw_work_thread *wtp);
void model_quiesce_init(void);

/* ------------------------------------------------------------ threads (nwthread.c) */

/* End the calling tracked or untracked thread (pthread_exit, quiesce_block(1)). */
void model_thread_exit(struct model_thread *self, void *ret) __attribute__((noreturn));

/* ------------------------------------------------------------ the core */

/* Trace kinds of the core (registered by model_core_create). */
struct model_core_kinds {
	int thread, thread_exit, stack_acquire, stack_release, request_queue, request_start,
	    request_done, callout_arm, callout_fire, callout_stop, irq_raise, irq_mask, isr,
	    intr_queue, intr_process, intr_enable, pulse, quiesce_begin, quiesce_end,
	    quiesce_wait, quiesce_block, thread_reap, ltsleep, ltsleep_done, ltsleep_on_proc0,
	    wakeup, blockop, blockop_done, delay, nic_delay;
};

struct _iopkt_self {
	uint32_t magic;
};

struct model_core {
	sim_world *w;
	int hz;
	int ncpus;
	struct model_core_kinds k;
	struct model_thread *threads_head, *threads_tail;
	struct model_thread *main;       /* "io-pkt main" */
	struct model_worker *workers[MODEL_MAX_WORKERS];
	int nworkers;
	int next_tidx;                   /* io-pkt#0x.. numbering after the workers */
	int next_cpu;
	struct model_stack stack;
	struct _iopkt_self self;
	struct proc proc0;
	int version;                     /* model_config: 0 seeds, 66 io-pkt 6.6 */
	sim_ns quiesce_limit;            /* model_config: 0 none */
};

extern struct model_core model_core;

/* Before calling driver function fn(arg) as io-pkt entry point entry: 1 (and the call is
 * recorded with model_call_push; model_call_pop after it) if it may be called, 0 if not
 * (a breach was reported: the driver is unloaded, arg is a detached device's). */
int model_core_call_enter(const char *entry, const void *fn, const void *arg);
/* Name of a driver function for the trace (its symbol, never an address). */
const char *model_fn_name(const void *fn, char *buf, size_t n);
/* Breach "blocking-call-in-isr" if the caller is the kernel context; returns 1 then. */
int model_check_can_block(const char *call);

/* The value of clock clk in ns (virtual time; CLOCK_REALTIME adds a fixed epoch). */
sim_ns pktsim_clock_ns(clockid_t clk);
/* Run the pthread_key destructors of a thread that ends. */
void pktsim_tls_destroy(struct model_thread *t);

/* Append "; "-separated text to buf (n bytes). */
void model_core_append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* model_core_leftovers_in, file by file: what each still holds in the ranges r. */
int model_callout_leftovers(const struct model_ranges *r, char *buf, size_t n);
int model_intr_leftovers(const struct model_ranges *r, char *buf, size_t n);
int model_irq_leftovers(const struct model_ranges *r, char *buf, size_t n);
int model_thread_leftovers(const struct model_ranges *r, char *buf, size_t n);
static inline int model_in_range(const void *p, uintptr_t base, uintptr_t end)
{
	return (uintptr_t)p >= base && (uintptr_t)p < end;
}
static inline int model_in_ranges(const void *p, const struct model_ranges *r)
{
	for (int i = 0; i < r->n; i++)
		if (model_in_range(p, r->base[i], r->end[i]))
			return 1;
	return 0;
}

/* callfail.c: 1 if this call of `call` ("interrupt_entry_init", "InterruptAttach") must
 * fail (model_call_fail armed it); traced. */
int model_call_should_fail(const char *call);

/* Per-file set-up, called by model_core_create. */
void model_callout_init_clock(void);
void model_blockop_start(void);

#endif
