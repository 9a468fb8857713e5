/*
 * sim/sim.h — the pktsim virtual-time kernel: the whole public contract of sim/.
 *
 * The kernel runs simulated threads (each a SimGrid actor placed on a simulated CPU)
 * one at a time, in virtual time measured in integer nanoseconds. Everything that
 * waits, waits here: a simulated thread blocks on a wait queue, a mutex, a sleep or a
 * timeout; timers fire callbacks in the kernel context. Events are ordered by
 * (virtual time, sequence number) and nothing else, so a run is a pure function of
 * (scenario, seed, build).
 *
 * Threading contract: every function here is called from a simulated thread or from a
 * timer callback ("kernel context") of the one world of this process, never from a
 * real OS thread of its own. Functions that block say so; calling one from the kernel
 * context is a bug that the kernel reports and stops the run for.
 *
 * Errors are returned as 0 or a negative errno; a function that can fail says what it
 * leaves behind.
 */
#ifndef PKTSIM_SIM_H
#define PKTSIM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PKTSIM_VERSION "0.1.0"

typedef int64_t sim_ns; /* virtual time, nanoseconds since the start of the run */

#define SIM_US ((sim_ns)1000)
#define SIM_MS ((sim_ns)1000000)
#define SIM_S ((sim_ns)1000000000)
#define SIM_FOREVER ((sim_ns)-1)

typedef struct sim_world sim_world;
typedef struct sim_thread sim_thread;
typedef struct sim_timer sim_timer;
typedef struct sim_rng sim_rng;
typedef struct sim_trace sim_trace;

/* ------------------------------------------------------------------ world */

struct sim_config {
	int ncpus;             /* simulated CPUs, 1..64 */
	double cpu_hz;         /* speed of each CPU, cycles per second (default 1e9) */
	uint64_t seed;         /* root of every PRNG stream */
	sim_ns stall_limit;    /* watchdog: a watched wait longer than this is a stall; 0 = off */
	sim_ns time_limit;     /* stop the run when virtual time would pass this; 0 = none */
	const char *trace_path;/* trace file to write; NULL = digest only, no file */
	/* header fields of the trace (all may be NULL) */
	const char *scenario_path;
	uint64_t scenario_hash;
	const char *options;   /* free text, e.g. "--seed 7" as given on the command line */
};

void sim_config_defaults(struct sim_config *cfg);

/* How a run ended. */
enum sim_end {
	SIM_END_NONE = 0,   /* still running / never ran */
	SIM_END_DONE,       /* every non-daemon thread exited */
	SIM_END_IDLE,       /* nothing left to run and nothing blocked */
	SIM_END_STOPPED,    /* sim_world_stop() was called (e.g. a failed expectation) */
	SIM_END_DEADLOCK,   /* no event left, non-daemon threads blocked forever */
	SIM_END_STALL,      /* the stall watchdog fired */
	SIM_END_TIME_LIMIT, /* the next event lay beyond cfg.time_limit */
};
const char *sim_end_name(enum sim_end e);

/*
 * Create the process's one world: initialises SimGrid (raw contexts), builds the
 * platform from cfg (one SimGrid host per CPU), opens the trace. Only one world per
 * process, ever (SimGrid cannot be re-initialised). On failure returns a negative errno,
 * writes the reason into err and leaves nothing open.
 */
int sim_world_create(const struct sim_config *cfg, sim_world **out, char *err, size_t errlen);

/* Run until the run ends (see enum sim_end). Call once, from the process's main. */
enum sim_end sim_world_run(sim_world *w);

/*
 * Ask the run to stop with reason SIM_END_STOPPED after the current event. why is copied
 * into the world's end message (first caller wins). Any context.
 */
void sim_world_stop(sim_world *w, const char *why);

/* Why the run ended, in words (deadlock report, stall report, stop reason); "" if none. */
const char *sim_world_end_message(const sim_world *w);

/* Close the trace now (footer with count and digest) so it can be read back; digest and
 * event count stay available. Returns 0 or the writer's first error (reason in err). */
int sim_world_close_trace(sim_world *w, char *err, size_t errlen);

/* Close the trace if still open and free everything. */
void sim_world_destroy(sim_world *w);

sim_ns sim_now(const sim_world *w);
int sim_world_ncpus(const sim_world *w);
uint64_t sim_world_seed(const sim_world *w);
/* The running digest and count of every record emitted so far. */
uint64_t sim_world_digest(const sim_world *w);
uint64_t sim_world_events(const sim_world *w);

/* Memory, from the world (counted, so leaks in sim/ and model/ are visible). */
void *sim_alloc(sim_world *w, size_t n);   /* zeroed; aborts the process on ENOMEM */
void sim_free(sim_world *w, void *p, size_t n);
size_t sim_mem_in_use(const sim_world *w);

/* Write a reason into err (size n) like snprintf; does nothing if err is NULL or n is 0. */
void sim_errf(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parse "250us", "10ms", "2s", "1.5ms", "100ns" or a bare integer (ns).
 * Returns 0 and *out, or -EINVAL for anything else (negative, overflow, unknown unit). */
int sim_parse_duration(const char *s, sim_ns *out);
/* Format t as a short human string into buf ("1.250ms"); returns buf. */
const char *sim_format_ns(sim_ns t, char *buf, size_t n);

/* ---------------------------------------------------------------- threads */

typedef void (*sim_thread_fn)(sim_world *w, void *arg);

/*
 * Create a simulated thread named name on CPU cpu, ready to run fn(w, arg) after the
 * threads already ready. Returns NULL (and creates nothing) if cpu is out of range.
 * Callable before sim_world_run or from any context while it runs.
 */
sim_thread *sim_thread_create(sim_world *w, const char *name, int cpu, sim_thread_fn fn, void *arg);

/* A daemon thread does not keep the run alive and is not counted by deadlock detection
 * (an idle worker waiting for work is not a deadlock). */
void sim_thread_set_daemon(sim_thread *t, int daemon);

/* The running simulated thread, or NULL in the kernel context (timer callbacks). */
sim_thread *sim_thread_self(sim_world *w);
int sim_thread_id(const sim_thread *t);     /* 1, 2, ... in creation order; 0 = kernel */
const char *sim_thread_name(const sim_thread *t);
int sim_thread_cpu(const sim_thread *t);
int sim_thread_exited(const sim_thread *t);
/* Rename (pthread_setname_np). Traced. */
void sim_thread_set_name(sim_thread *t, const char *name);
/* Per-thread pointer for the layer above (the model's thread record). */
void sim_thread_set_data(sim_thread *t, void *data);
void *sim_thread_data(const sim_thread *t);

/* Blocks: sleep for d of virtual time (d >= 0; 0 yields to threads ready now). */
void sim_sleep(sim_world *w, sim_ns d);

/*
 * Blocks: occupy this thread's CPU for d of virtual time (modelled computation or busy
 * wait). The CPU is FIFO and non-preemptive: if another thread is spending time on the
 * same CPU, this one starts after it. Traced as "spend".
 */
void sim_spend(sim_world *w, sim_ns d);
/* sim_spend without its "spend" record, for a caller that records the time another way
 * (the latency model's hold records, for the per-frame mbuf costs of a batch trace). */
void sim_spend_untraced(sim_world *w, sim_ns d);

/* Blocks until t has exited (returns at once if it has). */
void sim_thread_join(sim_world *w, sim_thread *t);

/* ------------------------------------------------------------ wait queues */

/*
 * A named object threads block on. Waiters are woken in FIFO order. The holder, if set,
 * is the thread the waiters are waiting for (a mutex owner): the stall watchdog and the
 * deadlock report name it. Embed it in the object it belongs to; init before use.
 */
struct sim_waitq {
	uint32_t magic;
	uint32_t id;               /* world-unique, creation order */
	char name[48];
	int watched;               /* 1: waits on it are watched by the stall watchdog */
	struct sim_thread *holder; /* optional */
	struct sim_thread *head, *tail;
};
typedef struct sim_waitq sim_waitq;

void sim_waitq_init(sim_world *w, sim_waitq *q, const char *name);
/* Set whether waits on q are watched (default 1; idle queues of daemons say 0). */
void sim_waitq_set_watched(sim_waitq *q, int watched);
void sim_waitq_set_holder(sim_waitq *q, sim_thread *holder);
/* Check the queue is empty and invalidate it. Returns -EBUSY if threads still wait. */
int sim_waitq_destroy(sim_world *w, sim_waitq *q);

/*
 * Blocks the calling thread on q until woken or until timeout passes (SIM_FOREVER for
 * none). Returns 0 when woken, -ETIMEDOUT on timeout. Must be called from a simulated
 * thread (the kernel context may not block).
 */
int sim_wait(sim_world *w, sim_waitq *q, sim_ns timeout);
/* Wake the first waiter / every waiter of q. Any context. Return how many were woken. */
int sim_wake_one(sim_world *w, sim_waitq *q);
int sim_wake_all(sim_world *w, sim_waitq *q);
int sim_waitq_empty(const sim_waitq *q);
/* What t is blocked in now: "wait" (then *q is the queue), "sleep", "spend", or NULL when
 * it runs or is ready; *since is when it blocked. For reports (a stuck quiesce). */
const char *sim_thread_blocked(const sim_thread *t, const sim_waitq **q, sim_ns *since);

/* A mutex in virtual time: lock blocks (watched), the owner is the waitq's holder. */
struct sim_mutex {
	sim_waitq q;
	struct sim_thread *owner;
	int depth;                 /* unused for now: mutexes are not recursive */
};
typedef struct sim_mutex sim_mutex;

void sim_mutex_init(sim_world *w, sim_mutex *m, const char *name);
void sim_mutex_lock(sim_world *w, sim_mutex *m);      /* blocks */
int sim_mutex_trylock(sim_world *w, sim_mutex *m);    /* 0 or -EBUSY */
/* Returns -EPERM (and changes nothing) if the caller does not own m. */
int sim_mutex_unlock(sim_world *w, sim_mutex *m);

/* ----------------------------------------------------------------- timers */

typedef void (*sim_timer_fn)(sim_world *w, void *arg);

/*
 * One-shot timers. The callback runs in the kernel context at expiry: it may wake
 * threads, arm timers, emit trace records; it may not block. Arming an armed timer moves
 * it. Cancel of an unarmed timer is harmless. A timer may be re-armed or destroyed from
 * its own callback.
 */
sim_timer *sim_timer_create(sim_world *w, const char *name, sim_timer_fn fn, void *arg);
void sim_timer_arm(sim_world *w, sim_timer *t, sim_ns delay);      /* delay >= 0 */
void sim_timer_arm_at(sim_world *w, sim_timer *t, sim_ns when);    /* when >= now */
int sim_timer_cancel(sim_world *w, sim_timer *t);  /* 1 if it was armed, else 0 */
int sim_timer_armed(const sim_timer *t);
sim_ns sim_timer_expiry(const sim_timer *t);       /* valid while armed */
void sim_timer_destroy(sim_world *w, sim_timer *t);/* cancels first */

/* ------------------------------------------------------------------- PRNG */

/*
 * Independent PRNG streams, one per consumer, keyed by name: the stream "nic0.loss" draws
 * the same numbers for a given seed whatever other streams exist or draw. Created on
 * first use; owned by the world. Every draw is traced.
 */
sim_rng *sim_rng_stream(sim_world *w, const char *name);
uint64_t sim_rng_u64(sim_world *w, sim_rng *r);
/* Uniform in [lo, hi] (inclusive), lo <= hi; unbiased. */
int64_t sim_rng_range(sim_world *w, sim_rng *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1). */
double sim_rng_double(sim_world *w, sim_rng *r);

/* ------------------------------------------------------------------ trace */

/*
 * A trace record: what happened, when, on which thread and CPU, with up to
 * SIM_TRACE_MAX_ARGS small integer or string arguments. Never a pointer value.
 */
#define SIM_TRACE_MAX_ARGS 8
#define SIM_TRACE_MAX_STR 255
#define SIM_CPU_NONE 0xFFFF

enum sim_arg_type { SIM_ARG_INT = 1, SIM_ARG_STR = 2 };

struct sim_arg {
	uint8_t type;
	int64_t i;                         /* SIM_ARG_INT */
	char s[SIM_TRACE_MAX_STR + 1];     /* SIM_ARG_STR, NUL-terminated, truncated */
};

struct sim_record {
	uint64_t seq;      /* 0, 1, 2, ... */
	sim_ns t;
	uint32_t thread;   /* sim_thread_id, 0 = kernel */
	uint16_t cpu;      /* SIM_CPU_NONE for the kernel */
	uint16_t kind;     /* see sim_trace_kind */
	uint8_t nargs;
	struct sim_arg args[SIM_TRACE_MAX_ARGS];
};

/*
 * Event kinds are registered by name (with an argument signature such as "isi": int,
 * string, int) and numbered in registration order; the definition goes into the stream
 * before the first record of that kind, so a trace file describes itself. Returns the
 * kind number; registering an existing name returns its number (with another signature:
 * a bug, the process aborts).
 */
int sim_trace_kind(sim_world *w, const char *name, const char *sig);

/*
 * Emit a record of kind at the current time, attributed to the running thread (or the
 * kernel). Arguments follow the kind's signature: 'i' takes an int64_t, 's' a const char *
 * (NULL is written as ""). Any context.
 */
void sim_emit(sim_world *w, int kind, ...);

/* --- trace files: reading (harness, replay, reports, tests) --- */

struct sim_trace_header {
	uint32_t format;          /* SIM_TRACE_FORMAT */
	char pktsim_version[32];
	char scenario_path[1024];
	uint64_t scenario_hash;
	uint64_t seed;
	char options[1024];
};

#define SIM_TRACE_FORMAT 1

typedef struct sim_trace_reader sim_trace_reader;

/* Open and validate a trace file's header. On failure returns a negative errno and a
 * reason in err ("not a pktsim trace", "format 7 not supported", "header corrupt: ..."). */
int sim_trace_open(const char *path, sim_trace_reader **out, char *err, size_t errlen);
const struct sim_trace_header *sim_trace_reader_header(const sim_trace_reader *r);

/*
 * Read the next event record. Returns 1 with *rec filled, 0 at a clean end (footer read
 * and verified), or a negative errno with the reason in err: -EBADMSG for a corrupt
 * record (names its number and byte offset), -ENODATA for a trace that stops without a
 * footer (killed or crashed run: *rec is untouched, sim_trace_reader_events tells how far
 * it got).
 */
int sim_trace_next(sim_trace_reader *r, struct sim_record *rec, char *err, size_t errlen);
/* Name of a kind number as defined in the stream read so far ("?" if unknown). */
const char *sim_trace_reader_kind_name(const sim_trace_reader *r, int kind);
uint64_t sim_trace_reader_events(const sim_trace_reader *r);   /* records read so far */
uint64_t sim_trace_reader_digest(const sim_trace_reader *r);   /* digest so far */
void sim_trace_close(sim_trace_reader *r);

/* One line for a record, time in integer ns: "#12 t=1250000 thread=3 cpu=1 timer_fire 7 \"tick\"".
 * Strings are escaped so the line stays one line; kind_name NULL prints "kind<N>". */
void sim_record_format(const struct sim_record *rec, const char *kind_name, char *buf, size_t n);
/* 1 if a and b are the same record. */
int sim_record_equal(const struct sim_record *a, const struct sim_record *b);

/* --------------------------------------------------------------- hashing */

/*
 * The digest and content-hash function: a word-at-a-time 64-bit hash, defined in
 * docs/trace-format.md ("The hash function H"). sim_hash(SIM_HASH_INIT, data, n) is H(data);
 * another start h gives another function of the data (a bijection of h). Two inputs of the
 * same length that differ in one byte always hash differently, and so do inputs that
 * differ only by trailing zero bytes inside their last 8-byte word ("a", "a\0": the length
 * is hashed too). Not chainable: hashing a, then b from the result, is not H(a ++ b).
 * Pure, any context, any alignment.
 */
#define SIM_HASH_INIT 0x706b7473696d2d31ULL /* "pktsim-1" in ASCII */
uint64_t sim_hash(uint64_t h, const void *data, size_t n);
/* Hash a whole file's bytes. Returns 0 and *out, or a negative errno. */
int sim_hash_file(const char *path, uint64_t *out);

#endif /* PKTSIM_SIM_H */
