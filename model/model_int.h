/*
 * model/model_int.h — the io-pkt model's internal contract, shared by its two halves:
 *
 *   core  (core_int.h, stack.c, worker.c, callout.c, intr.c, sleep.c, quiesce.c,
 *          blockop.c, nwthread.c, pthread_shim.c, qnx_shim.c):
 *          threads, the stack context and pseudo-threads, callouts, interrupts,
 *          ltsleep/tsleep/wakeup, delay/nic_delay, quiesce, blockop, tracked and
 *          untracked threads, the pthread and QNX kernel calls a driver makes.
 *   net   (net_int.h, mbuf.c, ifnet.c, ifq.c, ether.c, device.c, dll.c, request.c,
 *          shutdown.c): mbufs, ifnet and if_snd, ether_input/output, dev_attach and
 *          dev_detach, loading drivers (dlopen), management requests (mount, umount,
 *          ifconfig, statistics), shutdown hooks, the scenario's "application" traffic.
 *
 * plus model.c and report.c (this file's functions): the one model of the process, the
 * record of which driver function is running, and the rule-breach report.
 *
 * Everything here runs on simulated threads of sim/ (or in its kernel context): nothing
 * blocks the real process, nothing reads the wall clock, nothing orders by pointer value.
 *
 * Drivers call io-pkt's functions without a context argument; those functions find the
 * model in model_g. That is the one hidden global io-pkt's API forces on us.
 */
#ifndef PKTSIM_MODEL_INT_H
#define PKTSIM_MODEL_INT_H

#include "model.h"
#include "sim.h"

#include <stdarg.h>
#include <stdint.h>

struct model;
extern struct model *model_g;

/* ------------------------------------------------------------ thread kinds */

/* What kind of io-pkt thread a simulated thread is (iopkt-facts.md "Contexts"). */
enum model_thread_kind {
	MT_APP = 1,     /* outside io-pkt: the scenario, an application, a utility */
	MT_MAIN,        /* "io-pkt main": runs blockop work */
	MT_WORKER,      /* "io-pkt#0xNN": interrupt work; the only kind that runs the stack */
	MT_PSEUDO,      /* a pseudo-thread of the stack context serving a request */
	MT_TRACKED,     /* nw_pthread_create */
	MT_UNTRACKED,   /* plain pthread_create */
};

/*
 * The model's record of a simulated thread (sim_thread_data of its sim_thread). The
 * driver-visible struct nw_work_thread (WTP) is embedded so WTP can point into it.
 * Defined by core (core_int.h); net only uses the accessors below.
 */
struct model_thread;

struct model_thread *model_thread_self(void);            /* NULL in the kernel context */
enum model_thread_kind model_thread_kind(const struct model_thread *t);
const char *model_thread_name(const struct model_thread *t);

/*
 * Where the calling code runs, as io-pkt's rules see it.
 *   model_in_stack: the caller holds the stack context (proc0 or a pseudo-thread).
 *   model_is_proc0: ... and is proc0 (a callout or the stack's own loop): may not sleep.
 */
int model_in_stack(void);
int model_is_proc0(void);

/* ------------------------------------------------------- the stack (core) */

/*
 * Run fn(arg) in the stack context, in a new pseudo-thread, as io-pkt serves a resource
 * manager request; the calling thread (MT_APP, a scenario thread) blocks until fn
 * returns and gets its return value. name labels the request in the trace and in
 * latency records ("ifconfig sam0 up"). Blocks (virtual time).
 */
int model_stack_request(const char *name, int (*fn)(void *arg), void *arg);

/*
 * Ask for the stack's attention: some stack work is pending (a received frame queued by
 * if_input, a link-state change from outside the stack). A worker takes the stack and
 * calls model_net_stack_work. Any context, never blocks.
 */
void model_stack_kick(void);

/* ------------------------------------------------------- hardware -> core */

/*
 * Raise IRQ line irq (0..255) as the simulated hardware does. Unmasked, the handlers
 * attached to it (InterruptAttach/InterruptAttachEvent) run in the kernel context: at
 * once when called from the kernel context (a timer callback of the NIC model), else
 * as soon as the calling thread blocks. Masked (InterruptMask), the raise is held and
 * delivered when the line is unmasked. Line SYSPAGE_ENTRY(qtime)->intr (0) is the
 * system timer's. Any context, never blocks.
 */
void model_irq_raise(int irq);
/* The mask count of line irq (0 = unmasked), -1 for a bad line. Any context. */
int model_irq_masked(int irq);

/*
 * What the core still holds that lies in or points into [base, end) (a driver DLL about to
 * be unloaded): pending callouts, registered interrupt entries, attached ISRs, driver
 * threads still running. Appends "; "-separated descriptions to buf (n bytes) and returns
 * how many. Any context.
 */
int model_core_leftovers(const void *base, const void *end, char *buf, size_t n);

/* Address ranges [base[i], end[i]) that together make up what a driver owns: its DLL's
 * mapping and the memory of its devices. */
/*
 * Marks a driver-facing function that records its caller by __builtin_return_address(0)
 * (mbuf, heap, DMA and if_snd sites): it is never inlined or cloned into a caller, which
 * link-time optimization would otherwise do, naming the caller's caller instead.
 */
#define MODEL_CALLER_SITE __attribute__((noinline, noclone))

#define MODEL_RANGES_MAX 32
struct model_ranges {
	int n;
	uintptr_t base[MODEL_RANGES_MAX], end[MODEL_RANGES_MAX];
};
void model_ranges_add(struct model_ranges *r, const void *base, const void *end);
/* model_core_leftovers over several ranges: each object counted once, however many of
 * its addresses (structure, function) fall in them. */
int model_core_leftovers_in(const struct model_ranges *r, char *buf, size_t n);

/* Pending callouts whose struct callout lies in [base, end) (a device's structure):
 * appends "; "-separated descriptions to buf (n bytes), returns how many. Any context. */
int model_callouts_in(const void *base, const void *end, char *buf, size_t n);

/* Why the last nw_pthread_create was refused ("" if none); reading clears it. For the
 * message of a mount whose attach failed because of it. Any context. */
const char *model_thread_refusal(void);

/* ------------------------------------------------------------ net -> core */

/* Called by the stack's loop on proc0 each pass: deliver queued input frames and
 * deferred link-state changes. Returns how many items it handled. */
int model_net_stack_work(void);
/* 1 if model_net_stack_work has something to do. */
int model_net_has_work(void);
/* The end of a stack pass (stack.c): what the net half batches per pass is traced. */
void model_net_pass_end(void);
/* model_config.frame_records: 1 if frame events are traced one by one. */
int model_frame_records(void);

/* ------------------------------------------------------- net -> core: driver calls */

/*
 * Before the core calls driver code fn(arg, ...) — a callout, process_interrupt or
 * enable_interrupt, an ISR, a quiesce callback, a thread's function — it asks:
 * 1 if fn may be called; 0 if fn lies in a driver DLL io-pkt has unloaded (breach
 * "use-of-unloaded-driver") or arg points into the structure of a detached device
 * (breach "use-after-detach"): the caller must then skip the call. fn NULL: breach
 * "null-driver-function", 0. Any context; never blocks. (net: dll.c)
 */
int model_driver_callable(const char *entry, const void *fn, const void *arg);

/*
 * The NIC model, when the driver resets the chip: if the calling thread is inside an
 * if_init that has nothing to change (a running interface, asked for the same address,
 * MTU, flags, multicast list and station address as at its last if_init), 1 and a
 * description of that if_init in buf; else 0. Any context. (net: ifnet.c)
 */
int model_net_init_needless(char *buf, size_t n);

/*
 * core, optional: run the interrupt work deferred on the thread of wtp while it held an
 * NW_SIGLOCK (wt_intr_pending). net calls it (weakly) when wt_critical returns to 0.
 */
struct nw_work_thread;
void model_intr_run_deferred(struct nw_work_thread *wtp);

/* ------------------------------------------------------------ report.c */

/*
 * The driver code running now, as a stack of calls into the driver: the io-pkt entry
 * point ("if_init", "callout", "process_interrupt", "attach", ...) and the driver
 * function's symbol name found with dladdr ("sam_init"; "0x<offset> in devnp-x.so" when
 * the symbol is not exported). Push before calling a driver function, pop after.
 */
void model_call_push(const char *entry, const void *fn);
void model_call_pop(void);
/* The innermost driver function running, "" if none ("sam_init (if_init)"); the text is
 * interned (model_intern): the pointer stays valid as long as the world. */
const char *model_call_where(void);

/* The interned copy of s (intern.c): equal texts give one pointer, valid as long as the
 * world; NULL is "". Without a world, s itself. */
const char *model_intern(const char *s);
/* The same for the thread whose id is tid (a pseudo-thread that yielded the stack), and
 * the address of that function (NULL if none), to ask which DLL it lies in. */
const char *model_call_where_of(int tid);
const void *model_call_fn_of(int tid);
/*
 * Pseudo-threads other than the caller that are inside a driver function lying in the
 * ranges r — they yielded the stack context there (asleep, or woken and waiting for the
 * stack): appends "sam_detach (detach) in thread ..., yielding the stack context (ltsleep
 * "nic_delay") since t=..." to buf; returns how many. Any context. (core)
 */
int model_core_sleepers_in(const struct model_ranges *r, char *buf, size_t n);
/*
 * dladdr() through a cache keyed by address (interrupts, callouts and mbuf sites ask for
 * the same few addresses millions of times). 1 and *info, or 0. Any code that dlclose()s
 * must call model_dladdr_flush() after, since another object may then map there.
 * info's strings stay valid while the object stays loaded.
 */
struct model_sym {
	const char *dli_fname, *dli_sname; /* object file and symbol (NULL if none) */
	void *dli_fbase, *dli_saddr;       /* their start addresses */
};
int model_dladdr(const void *addr, struct model_sym *info);
void model_dladdr_flush(void);

/* Symbol name of a driver function pointer (never a raw address). */
const char *model_symbol_name(const void *fn, char *buf, size_t n);

/*
 * A rule of io-pkt was broken. Records a "breach" trace record (rule, message, driver
 * function, thread) and fails the scenario: the run stops with the message
 *   "<rule>: <message> (in <driver function>, thread <name>, t=<time>)".
 * rule is a short stable identifier, e.g. "sleep-outside-stack", "mbuf-double-free".
 * Returns so the caller can leave things in a defined state (e.g. refuse the call).
 */
void model_breach(const char *rule, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Breaches recorded so far (tests read these). */
int model_breach_count(void);
const char *model_breach_last(void);    /* the last message, "" if none */
const char *model_breach_last_rule(void);

/* The world the model lives in (NULL before model_create). */
sim_world *model_world(void);

/* ------------------------------------------------------------ latency.c */

/*
 * Hold accounting (docs/latency.md). report.c calls enter/leave around every driver call,
 * stack.c calls token when the stack token moves; costing code marks the time before a
 * cost and reports it after: t0 = model_lat_mark(); ...; model_lat_event("in32 STATUS",
 * t0, MODEL_LAT_COST). A WAIT (mutex, sleep, message) or a BUSY wait longer than the
 * threshold made while holding the stack context is a blocking call. Any context; the
 * kernel context and threads outside a driver call are ignored.
 */
enum model_lat_block { MODEL_LAT_COST, MODEL_LAT_BUSY, MODEL_LAT_WAIT };
/* entry and fn must stay valid until the matching model_lat_leave. */
void model_lat_enter(const char *entry, const char *fn);
void model_lat_leave(void);
void model_lat_token(struct model_thread *from, struct model_thread *to);
sim_ns model_lat_mark(void);
/* 1 if the calling thread is inside a measured driver call (worth formatting an event). */
int model_lat_measuring(void);
void model_lat_event(const char *what, sim_ns since, enum model_lat_block block);
/* The configured cost c. */
sim_ns model_lat_cost(enum model_cost c);
/* Inside a driver call on a thread: spend cost c and record it as `what`, a text that
 * lives as long as the program (a string literal: it is remembered by its address). */
void model_lat_charge(enum model_cost c, const char *what);

/* ------------------------------------------------------------ creation */

/* Each half creates its part of the model; called by model_create in this order, core
 * first. Return 0 or a negative errno with the reason in err. */
int model_core_create(sim_world *w, const struct model_config *cfg, char *err, size_t errlen);
int model_net_create(sim_world *w, const struct model_config *cfg, char *err, size_t errlen);

#endif
