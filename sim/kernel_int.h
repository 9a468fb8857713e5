/*
 * sim/kernel_int.h — the kernel's private structures (world, threads, events), shared by
 * world.c, sched.c, waitq.c, timer.c, rng.c and emit.c. Nothing outside sim/ sees these.
 *
 * The scheduling model, in one paragraph: exactly one simulated thread runs at a time
 * (w->current; NULL while an event callback runs in the kernel context). A thread that
 * blocks hands the CPU on itself: it takes the next ready thread from the FIFO run queue
 * and releases that thread's SimGrid semaphore; if no thread is ready the system is
 * quiescent, and the blocking thread itself pops the earliest event from the (time, seq)
 * heap, advances SimGrid's clock to it with one sg_actor_sleep_until, and fires it —
 * except when that event is the blocking thread's own wake-up (a spend or sleep with
 * nothing due before its end): the thread goes on and SimGrid's clock catches up at the
 * next timed SimGrid operation, which always aims at an absolute time. SimGrid actors
 * carry threads one after another (struct sim_carrier): an ended thread's actor waits for
 * the next sim_thread_create on its CPU.
 *
 * One shortcut keeps a sleep as cheap as in raw SimGrid: a thread with a wake-up pending
 * waits in sg_sem_acquire_timeout until that time. When the earliest event is such a
 * wake-up, the dispatcher lets SimGrid's clock run out (w->current = NULL, nobody handed
 * the CPU) and the sleeper's own timeout wakes it. The timeout is only a hint: a thread
 * woken by SimGrid proceeds only if no thread is running, none is ready and its wake-up is
 * the head of the heap; otherwise it waits for a hand-off like any thread. So the order of
 * everything is decided here, by integers, never by SimGrid's doubles or its actor order.
 */
#ifndef PKTSIM_KERNEL_INT_H
#define PKTSIM_KERNEL_INT_H

#include "sim_int.h"

#include <simgrid/actor.h>
#include <simgrid/semaphore.h>
#include <string.h>

#define SIM_MAGIC_THREAD 0x54485244u /* "THRD" */
#define SIM_MAGIC_TIMER 0x544d4552u  /* "TMER" */
#define SIM_MAGIC_WAITQ 0x57414954u  /* "WAIT" */
#define SIM_MAX_CPUS 64

/* Copy src into dst (n bytes), cut to fit: snprintf("%s") without its cost (every stack
 * request names a wait queue and a thread). */
static inline void sim_copy_name(char *dst, size_t n, const char *src)
{
	size_t l = strnlen(src, n - 1);
	memcpy(dst, src, l);
	dst[l] = 0;
}
#define SIM_MAX_KINDS 512

/* What an event does when it fires. */
enum sim_event_type {
	SIM_EV_TIMER = 1,   /* a sim_timer: run its callback in the kernel context */
	SIM_EV_WAKE,        /* a sleeping thread's wake-up, or a wait's timeout */
	SIM_EV_WATCHDOG,    /* a watched wait lasted stall_limit */
};

struct sim_event {
	sim_ns when;
	uint64_t seq;       /* arm order: ties at equal time fire in this order */
	int heap_idx;       /* -1 when not armed */
	enum sim_event_type type;
	void *owner;        /* the sim_timer or sim_thread */
};

enum sim_thread_state { SIM_T_READY = 1, SIM_T_RUNNING, SIM_T_BLOCKED, SIM_T_EXITED };

struct sim_thread {
	uint32_t magic;
	int id;
	char name[48];
	int cpu;
	int daemon;
	enum sim_thread_state state;
	sim_world *w;
	sg_actor_t actor;
	sg_sem_t sem;               /* released once per hand-off to this thread */
	sim_thread_fn fn;
	void *arg;
	void *data;
	struct sim_thread *next_ready;
	struct sim_thread *next_wait;
	struct sim_thread *next_all;
	sim_waitq *waiting_on;      /* NULL while sleeping or running */
	const char *block_what;     /* "sleep", "spend", "wait" */
	sim_ns blocked_since;
	int wait_result;            /* 0 woken, -ETIMEDOUT */
	int timed;                  /* in sg_sem_acquire_timeout until its wake_ev (a hint) */
	struct sim_event wake_ev;
	struct sim_event watch_ev;
	sim_waitq exit_q;           /* joiners */
};

/*
 * A SimGrid actor that carries simulated threads, one after the other: when a thread's
 * function returns, its carrier goes back to its CPU's idle list and the next
 * sim_thread_create on that CPU reuses it. Creating and ending an actor (its stack's
 * mmap, guard page and unwinding) cost more than most threads' whole lives: io-pkt
 * starts a pseudo-thread per stack request.
 */
struct sim_carrier {
	sg_actor_t actor;
	sg_sem_t sem;               /* the carried thread's semaphore (sim_thread.sem) */
	sim_thread *t;              /* the thread carried now, NULL while idle */
	struct sim_carrier *next_idle;
};

struct sim_timer {
	uint32_t magic;
	int id;
	char name[48];
	sim_timer_fn fn;
	void *arg;
	struct sim_event ev;
};

struct sim_rng {
	int id;
	char name[64];
	uint64_t s[4];              /* xoshiro256** state */
	struct sim_rng *next;
};

struct sim_kind {
	char name[48];
	char sig[SIM_TRACE_MAX_ARGS + 1];
};

/* The sim's own trace kinds, registered at world creation. */
struct sim_kinds {
	int thread_create, thread_exit, thread_name, block, sleep, spend, wake, timeout;
	int timer_arm, timer_fire, timer_cancel, rng_stream, rng, stall, deadlock, stop, run_end;
};

struct sim_world {
	struct sim_config cfg;
	sim_ns now;
	sim_thread *current;        /* NULL: kernel context */
	sim_thread *all_head, *all_tail;
	sim_thread *ready_head, *ready_tail;
	int nthreads;               /* ids handed out */
	int live;                   /* non-daemon threads not yet exited */
	struct sim_event **heap;
	int heap_len, heap_cap;
	uint64_t ev_seq;
	int ntimers, nwaitqs;
	sim_ns cpu_busy_until[SIM_MAX_CPUS];
	sg_host_t hosts[SIM_MAX_CPUS];
	struct sim_carrier *idle[SIM_MAX_CPUS]; /* carriers without a thread, per CPU (LIFO) */
	int ncarriers;              /* actors created for threads */
	sg_sem_t main_sem;
	int ending;                 /* the run is over: nothing more is dispatched */
	int advancing;              /* the dispatcher is in sg_actor_sleep_until */
	int stop_requested;
	enum sim_end end;
	char end_msg[4096];
	sim_trace *trace;
	uint64_t final_digest, final_events; /* kept when the trace is closed */
	char trace_err[256];
	struct sim_kind kinds[SIM_MAX_KINDS];
	int nkinds;
	struct sim_kinds k;
	sim_rng *rngs;
	int nrngs;
	size_t mem_in_use;
	int ran;
};

/* sched.c */
void sim_sched_ready(sim_world *w, sim_thread *t);
/* Block the current thread (state already set by the caller) until handed the CPU. */
void sim_sched_block(sim_world *w);
/* Dispatch from a context that will not continue (main actor or an exiting thread). */
void sim_sched_leave(sim_world *w);
/* The calling code runs in the kernel context or setup phase: complain and stop. */
void sim_sched_misuse(sim_world *w, const char *what);

/* timer.c: the event heap */
void sim_event_init(struct sim_event *ev, enum sim_event_type type, void *owner);
void sim_event_arm(sim_world *w, struct sim_event *ev, sim_ns when);
int sim_event_cancel(sim_world *w, struct sim_event *ev); /* 1 if it was armed */
struct sim_event *sim_event_peek(sim_world *w);
struct sim_event *sim_event_pop(sim_world *w);
/* Fire a popped timer event (kernel context). */
void sim_timer_fire(sim_world *w, sim_timer *t);

/* waitq.c */
void sim_waitq_remove(sim_waitq *q, sim_thread *t);
/* The watchdog of t fired: report the stall and end the run. */
void sim_watchdog_fire(sim_world *w, sim_thread *t);

/* world.c */
void sim_world_end(sim_world *w, enum sim_end why, const char *msg);
void sim_register_kinds(sim_world *w);
/* Describe every thread that is not running (deadlock and stall reports). */
void sim_describe_threads(sim_world *w, char *buf, size_t n);

#endif
