/*
 * model/pthread_shim.c — the pthread synchronisation objects and thread identity, for
 * driver code (include/pthread.h redirects to these): mutexes, condition variables,
 * once, keys, spin locks, read-write locks, barriers, pthread_self and names.
 *
 * An object keeps the C library's type and size; its first 16 bytes hold an overlay
 * {magic, number, pointer to the simulated object}. An all-zero object (the static
 * initialisers) is set up on first use. Locks wait watched (a stall names their holder);
 * condition variables and barriers wait unwatched (waiting for an event is not a stall).
 * A lock its owner takes again returns EDEADLK, as QNX's do.
 */
#include "core_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAGIC_MUTEX 0x6d757478u  /* "mutx" */
#define MAGIC_COND 0x636f6e64u   /* "cond" */
#define MAGIC_RW 0x72776c6bu     /* "rwlk" */
#define MAGIC_BAR 0x62617272u    /* "barr" */

struct overlay {
	uint32_t magic;
	uint32_t number;
	void *obj;
};

_Static_assert(sizeof(pthread_mutex_t) >= sizeof(struct overlay), "mutex overlay");
_Static_assert(sizeof(pthread_cond_t) >= sizeof(struct overlay), "cond overlay");
_Static_assert(sizeof(pthread_rwlock_t) >= sizeof(struct overlay), "rwlock overlay");
_Static_assert(sizeof(pthread_barrier_t) >= sizeof(struct overlay), "barrier overlay");

struct pmutex {
	sim_mutex m;
	int recursive;
	int depth;
};

struct pcond {
	sim_waitq q;
	clockid_t clock;
};

struct prw {
	sim_waitq q;
	int readers;
	sim_thread *writer;
};

struct pbar {
	sim_waitq q;
	unsigned count, arrived, gen;
};

static struct {
	int seq;                       /* object numbers, for names */
	sim_waitq once_q, spin_q;
	int queues_ready;
	struct {
		int used;
		void (*dtor)(void *);
	} keys[MODEL_KEYS];
} P;

static void *overlay_get(const void *obj, uint32_t magic)
{
	struct overlay o;
	memcpy(&o, obj, sizeof(o));
	return o.magic == magic ? o.obj : NULL;
}

static void overlay_set(void *obj, uint32_t magic, void *p)
{
	struct overlay o = { magic, (uint32_t)++P.seq, p };
	memcpy(obj, &o, sizeof(o));
}

/* "mutex 3 sam_init (if_init)": kind, number, the driver function that made it. */
static void object_name(char *buf, size_t n, const char *kind)
{
	const char *where = model_call_where();
	snprintf(buf, n, "%s %d%s%s", kind, P.seq + 1, where[0] ? " " : "", where);
}

static void queues_init(void)
{
	if (P.queues_ready)
		return;
	sim_waitq_init(model_core.w, &P.once_q, "pthread_once");
	sim_waitq_set_watched(&P.once_q, 0);
	sim_waitq_init(model_core.w, &P.spin_q, "spin lock");
	P.queues_ready = 1;
}

static sim_thread *me(void)
{
	return sim_thread_self(model_core.w);
}

/* A timeout from an absolute time on clock clk. */
static sim_ns until(clockid_t clk, const struct timespec *abstime)
{
	sim_ns abs = (sim_ns)abstime->tv_sec * SIM_S + abstime->tv_nsec;
	sim_ns d = abs - pktsim_clock_ns(clk);
	return d > 0 ? d : 0;
}

/* ---------------------------------------------------------------- mutexes */

static struct pmutex *mutex_new(pthread_mutex_t *pm, int recursive)
{
	struct pmutex *m = sim_alloc(model_core.w, sizeof(*m));
	char name[48];
	object_name(name, sizeof(name), "mutex");
	sim_mutex_init(model_core.w, &m->m, name);
	m->recursive = recursive;
	overlay_set(pm, MAGIC_MUTEX, m);
	return m;
}

/* The simulated mutex behind pm, set up on first use (a static initialiser: the C
 * library's kind field tells a recursive one). */
static struct pmutex *mutex_get(pthread_mutex_t *pm)
{
	struct pmutex *m = overlay_get(pm, MAGIC_MUTEX);
	return m ? m : mutex_new(pm, pm->__data.__kind == PTHREAD_MUTEX_RECURSIVE_NP);
}

int pktsim_pthread_mutex_init(pthread_mutex_t *pm, const pthread_mutexattr_t *attr)
{
	int type = PTHREAD_MUTEX_NORMAL;
	if (!model_core.w || !pm)
		return EINVAL;
	if (attr)
		pthread_mutexattr_gettype(attr, &type);
	mutex_new(pm, type == PTHREAD_MUTEX_RECURSIVE);
	return 0;
}

int pktsim_pthread_mutex_destroy(pthread_mutex_t *pm)
{
	struct pmutex *m = overlay_get(pm, MAGIC_MUTEX);
	if (!m)
		return 0;
	if (m->m.owner || !sim_waitq_empty(&m->m.q))
		return EBUSY;
	sim_waitq_destroy(model_core.w, &m->m.q);
	sim_free(model_core.w, m, sizeof(*m));
	memset(pm, 0, sizeof(*pm));
	return 0;
}

/* Take m, waiting if another thread holds it; a wait inside a driver call is a costing
 * event (a blocking call when the stack context waits: docs/latency.md). */
static void mutex_lock_timed(struct pmutex *m)
{
	char what[48];
	sim_ns t0;
	if (!m->m.owner) {
		sim_mutex_lock(model_core.w, &m->m);
		return;
	}
	snprintf(what, sizeof(what), "mutex wait (held by \"%s\")", sim_thread_name(m->m.owner));
	t0 = model_lat_mark();
	sim_mutex_lock(model_core.w, &m->m);
	model_lat_event(what, t0, MODEL_LAT_WAIT);
}

int pktsim_pthread_mutex_lock(pthread_mutex_t *pm)
{
	struct pmutex *m;
	if (!pm || model_check_can_block("pthread_mutex_lock"))
		return EINVAL;
	m = mutex_get(pm);
	if (m->m.owner == me()) {
		if (!m->recursive)
			return EDEADLK;
		m->depth++;
		return 0;
	}
	mutex_lock_timed(m);
	m->depth = 1;
	return 0;
}

int pktsim_pthread_mutex_trylock(pthread_mutex_t *pm)
{
	struct pmutex *m;
	if (!model_core.w || !pm)
		return EINVAL;
	m = mutex_get(pm);
	if (m->m.owner && m->m.owner == me() && m->recursive) {
		m->depth++;
		return 0;
	}
	if (sim_mutex_trylock(model_core.w, &m->m) != 0)
		return EBUSY;
	m->depth = 1;
	return 0;
}

int pktsim_pthread_mutex_timedlock(pthread_mutex_t *pm, const struct timespec *abstime)
{
	struct pmutex *m;
	sim_ns timeout;
	if (!pm || !abstime || model_check_can_block("pthread_mutex_timedlock"))
		return EINVAL;
	m = mutex_get(pm);
	if (m->m.owner == me())
		return m->recursive ? (m->depth++, 0) : EDEADLK;
	timeout = until(CLOCK_REALTIME, abstime);
	if (!m->m.owner) {
		sim_mutex_lock(model_core.w, &m->m);
	} else {
		/* on unlock, ownership passes to the first waiter; a timed-out waiter has left */
		sim_wait(model_core.w, &m->m.q, timeout);
		if (m->m.owner != me())
			return ETIMEDOUT;
	}
	m->depth = 1;
	return 0;
}

int pktsim_pthread_mutex_unlock(pthread_mutex_t *pm)
{
	struct pmutex *m;
	if (!model_core.w || !pm || !(m = overlay_get(pm, MAGIC_MUTEX)))
		return EPERM;
	if (!m->m.owner || m->m.owner != me())
		return EPERM;
	if (--m->depth > 0)
		return 0;
	sim_mutex_unlock(model_core.w, &m->m);
	return 0;
}

/* ------------------------------------------------------ condition variables */

static struct pcond *cond_new(pthread_cond_t *pc, clockid_t clock)
{
	struct pcond *c = sim_alloc(model_core.w, sizeof(*c));
	char name[48];
	object_name(name, sizeof(name), "cond");
	sim_waitq_init(model_core.w, &c->q, name);
	sim_waitq_set_watched(&c->q, 0);
	c->clock = clock;
	overlay_set(pc, MAGIC_COND, c);
	return c;
}

static struct pcond *cond_get(pthread_cond_t *pc)
{
	struct pcond *c = overlay_get(pc, MAGIC_COND);
	return c ? c : cond_new(pc, CLOCK_REALTIME);
}

int pktsim_pthread_cond_init(pthread_cond_t *pc, const pthread_condattr_t *attr)
{
	clockid_t clock = CLOCK_REALTIME;
	if (!model_core.w || !pc)
		return EINVAL;
	if (attr)
		pthread_condattr_getclock(attr, &clock);
	cond_new(pc, clock);
	return 0;
}

int pktsim_pthread_cond_destroy(pthread_cond_t *pc)
{
	struct pcond *c = overlay_get(pc, MAGIC_COND);
	if (!c)
		return 0;
	if (sim_waitq_destroy(model_core.w, &c->q) != 0)
		return EBUSY;
	sim_free(model_core.w, c, sizeof(*c));
	memset(pc, 0, sizeof(*pc));
	return 0;
}

/* Release pm, wait on c (timeout), take pm back with its recursion depth. */
static int cond_wait_for(struct pcond *c, pthread_mutex_t *pm, sim_ns timeout)
{
	struct pmutex *m = overlay_get(pm, MAGIC_MUTEX);
	int depth, rc;
	if (!m || m->m.owner != me())
		return EPERM;
	depth = m->depth;
	m->depth = 0;
	sim_mutex_unlock(model_core.w, &m->m);
	sim_ns t0 = model_lat_mark();
	rc = sim_wait(model_core.w, &c->q, timeout);
	model_lat_event("pthread_cond_wait", t0, MODEL_LAT_WAIT);
	mutex_lock_timed(m);
	m->depth = depth;
	return rc == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int pktsim_pthread_cond_wait(pthread_cond_t *pc, pthread_mutex_t *pm)
{
	if (!pc || !pm || model_check_can_block("pthread_cond_wait"))
		return EINVAL;
	return cond_wait_for(cond_get(pc), pm, SIM_FOREVER);
}

int pktsim_pthread_cond_timedwait(pthread_cond_t *pc, pthread_mutex_t *pm,
                                  const struct timespec *abstime)
{
	struct pcond *c;
	if (!pc || !pm || !abstime || model_check_can_block("pthread_cond_timedwait"))
		return EINVAL;
	c = cond_get(pc);
	return cond_wait_for(c, pm, until(c->clock, abstime));
}

int pktsim_pthread_cond_signal(pthread_cond_t *pc)
{
	if (!model_core.w || !pc)
		return EINVAL;
	sim_wake_one(model_core.w, &cond_get(pc)->q);
	return 0;
}

int pktsim_pthread_cond_broadcast(pthread_cond_t *pc)
{
	if (!model_core.w || !pc)
		return EINVAL;
	sim_wake_all(model_core.w, &cond_get(pc)->q);
	return 0;
}

/* ----------------------------------------------------------------- once, keys */

/* States of a pthread_once_t: 0 (PTHREAD_ONCE_INIT), 1 running, 2 done. */
int pktsim_pthread_once(pthread_once_t *once, void (*fn)(void))
{
	if (!model_core.w || !once || !fn)
		return EINVAL;
	if (*once == 2)
		return 0;
	queues_init();
	if (*once == 0) {
		*once = 1;
		fn();
		*once = 2;
		sim_wake_all(model_core.w, &P.once_q);
		return 0;
	}
	if (model_check_can_block("pthread_once"))
		return EINVAL;
	while (*once == 1)
		sim_wait(model_core.w, &P.once_q, SIM_FOREVER);
	return 0;
}

int pktsim_pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	for (int i = 0; i < MODEL_KEYS; i++)
		if (!P.keys[i].used) {
			P.keys[i].used = 1;
			P.keys[i].dtor = dtor;
			*key = (pthread_key_t)i;
			return 0;
		}
	return EAGAIN;
}

int pktsim_pthread_key_delete(pthread_key_t key)
{
	if (key >= MODEL_KEYS || !P.keys[key].used)
		return EINVAL;
	P.keys[key].used = 0;
	for (struct model_thread *t = model_core.threads_head; t; t = t->next_all)
		t->keys[key] = NULL;
	return 0;
}

void *pktsim_pthread_getspecific(pthread_key_t key)
{
	struct model_thread *t = model_thread_self();
	return t && key < MODEL_KEYS ? (void *)t->keys[key] : NULL;
}

int pktsim_pthread_setspecific(pthread_key_t key, const void *value)
{
	struct model_thread *t = model_thread_self();
	if (!t || key >= MODEL_KEYS || !P.keys[key].used)
		return EINVAL;
	t->keys[key] = value;
	return 0;
}

void pktsim_tls_destroy(struct model_thread *t)
{
	for (int i = 0; i < MODEL_KEYS; i++) {
		void *v = (void *)t->keys[i];
		t->keys[i] = NULL;
		if (v && P.keys[i].used && P.keys[i].dtor)
			P.keys[i].dtor(v);
	}
}

/* ---------------------------------------------------------------- spin locks */

/* A spin lock holds its owner's thread id (-1: the kernel context). */
static int spin_owner_id(void)
{
	sim_thread *t = me();
	return t ? sim_thread_id(t) : -1;
}

int pktsim_pthread_spin_init(pthread_spinlock_t *s, int pshared) { *s = 0; return 0; }
int pktsim_pthread_spin_destroy(pthread_spinlock_t *s) { return *s ? EBUSY : 0; }

int pktsim_pthread_spin_trylock(pthread_spinlock_t *s)
{
	if (*s)
		return EBUSY;
	*s = spin_owner_id();
	return 0;
}

int pktsim_pthread_spin_lock(pthread_spinlock_t *s)
{
	int self = spin_owner_id();
	if (!*s) {
		*s = self;
		return 0;
	}
	if (*s == self)
		return EDEADLK;
	if (model_check_can_block("pthread_spin_lock"))
		return EINVAL;
	queues_init();
	while (*s)
		sim_wait(model_core.w, &P.spin_q, SIM_FOREVER);
	*s = self;
	return 0;
}

int pktsim_pthread_spin_unlock(pthread_spinlock_t *s)
{
	*s = 0;
	if (P.queues_ready)
		sim_wake_all(model_core.w, &P.spin_q);
	return 0;
}

/* ------------------------------------------------------------ read-write locks */

static struct prw *rw_new(pthread_rwlock_t *pl)
{
	struct prw *l = sim_alloc(model_core.w, sizeof(*l));
	char name[48];
	object_name(name, sizeof(name), "rwlock");
	sim_waitq_init(model_core.w, &l->q, name);
	overlay_set(pl, MAGIC_RW, l);
	return l;
}

static struct prw *rw_get(pthread_rwlock_t *pl)
{
	struct prw *l = overlay_get(pl, MAGIC_RW);
	return l ? l : rw_new(pl);
}

int pktsim_pthread_rwlock_init(pthread_rwlock_t *pl, const pthread_rwlockattr_t *attr)
{
	if (!model_core.w || !pl)
		return EINVAL;
	rw_new(pl);
	return 0;
}

int pktsim_pthread_rwlock_destroy(pthread_rwlock_t *pl)
{
	struct prw *l = overlay_get(pl, MAGIC_RW);
	if (!l)
		return 0;
	if (l->writer || l->readers || sim_waitq_destroy(model_core.w, &l->q) != 0)
		return EBUSY;
	sim_free(model_core.w, l, sizeof(*l));
	memset(pl, 0, sizeof(*pl));
	return 0;
}

static int rw_lock(pthread_rwlock_t *pl, int write, int try)
{
	struct prw *l;
	if (!model_core.w || !pl)
		return EINVAL;
	l = rw_get(pl);
	while (l->writer || (write && l->readers)) {
		if (l->writer == me())
			return EDEADLK;
		if (try)
			return EBUSY;
		if (model_check_can_block(write ? "pthread_rwlock_wrlock" : "pthread_rwlock_rdlock"))
			return EINVAL;
		sim_wait(model_core.w, &l->q, SIM_FOREVER);
	}
	if (write) {
		l->writer = me();
		sim_waitq_set_holder(&l->q, l->writer);
	} else {
		l->readers++;
	}
	return 0;
}

int pktsim_pthread_rwlock_rdlock(pthread_rwlock_t *pl) { return rw_lock(pl, 0, 0); }
int pktsim_pthread_rwlock_wrlock(pthread_rwlock_t *pl) { return rw_lock(pl, 1, 0); }
int pktsim_pthread_rwlock_tryrdlock(pthread_rwlock_t *pl) { return rw_lock(pl, 0, 1); }
int pktsim_pthread_rwlock_trywrlock(pthread_rwlock_t *pl) { return rw_lock(pl, 1, 1); }

int pktsim_pthread_rwlock_unlock(pthread_rwlock_t *pl)
{
	struct prw *l = model_core.w && pl ? overlay_get(pl, MAGIC_RW) : NULL;
	if (!l)
		return EPERM;
	if (l->writer && l->writer == me()) {
		l->writer = NULL;
		sim_waitq_set_holder(&l->q, NULL);
	} else if (l->readers > 0) {
		l->readers--;
	} else {
		return EPERM;
	}
	sim_wake_all(model_core.w, &l->q);
	return 0;
}

/* ----------------------------------------------------------------- barriers */

int pktsim_pthread_barrier_init(pthread_barrier_t *pb, const pthread_barrierattr_t *attr,
                                unsigned count)
{
	struct pbar *b;
	char name[48];
	if (!model_core.w || !pb || count == 0)
		return EINVAL;
	b = sim_alloc(model_core.w, sizeof(*b));
	object_name(name, sizeof(name), "barrier");
	sim_waitq_init(model_core.w, &b->q, name);
	sim_waitq_set_watched(&b->q, 0);
	b->count = count;
	overlay_set(pb, MAGIC_BAR, b);
	return 0;
}

int pktsim_pthread_barrier_destroy(pthread_barrier_t *pb)
{
	struct pbar *b = overlay_get(pb, MAGIC_BAR);
	if (!b)
		return EINVAL;
	if (sim_waitq_destroy(model_core.w, &b->q) != 0)
		return EBUSY;
	sim_free(model_core.w, b, sizeof(*b));
	memset(pb, 0, sizeof(*pb));
	return 0;
}

int pktsim_pthread_barrier_wait(pthread_barrier_t *pb)
{
	struct pbar *b = model_core.w && pb ? overlay_get(pb, MAGIC_BAR) : NULL;
	unsigned gen;
	if (!b || model_check_can_block("pthread_barrier_wait"))
		return EINVAL;
	if (++b->arrived == b->count) {
		b->arrived = 0;
		b->gen++;
		sim_wake_all(model_core.w, &b->q);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	gen = b->gen;
	while (b->gen == gen)
		sim_wait(model_core.w, &b->q, SIM_FOREVER);
	return 0;
}

/* ------------------------------------------------------- identity, scheduling */

pthread_t pktsim_pthread_self(void)
{
	struct model_thread *t = model_thread_self();
	return t ? (pthread_t)t->id : 0;
}

static struct model_thread *thread_arg(pthread_t tid)
{
	if (tid == 0)
		return model_thread_self();
	return tid <= (pthread_t)INT32_MAX ? model_thread_by_id((int)tid) : NULL;
}

int pktsim_pthread_setname_np(pthread_t tid, const char *name)
{
	struct model_thread *t = thread_arg(tid);
	if (!t || !name)
		return ESRCH;
	sim_thread_set_name(t->st, name);
	return 0;
}

int pktsim_pthread_getname_np(pthread_t tid, char *buf, size_t len)
{
	struct model_thread *t = thread_arg(tid);
	if (!t)
		return ESRCH;
	if (snprintf(buf, len, "%s", model_thread_name(t)) >= (int)len)
		return ERANGE;
	return 0;
}

int pktsim_pthread_cancel(pthread_t tid) { return ENOSYS; }

int pktsim_pthread_kill(pthread_t tid, int sig)
{
	if (!thread_arg(tid))
		return ESRCH;
	return sig == 0 ? 0 : ENOSYS;
}

int pktsim_pthread_setschedparam(pthread_t tid, int policy, const struct sched_param *p)
{
	return thread_arg(tid) ? 0 : ESRCH;
}

int pktsim_pthread_getschedparam(pthread_t tid, int *policy, struct sched_param *p)
{
	if (!thread_arg(tid))
		return ESRCH;
	*policy = SCHED_RR;
	p->sched_priority = MODEL_PSEUDO_PRIO;
	return 0;
}

int pktsim_pthread_setschedprio(pthread_t tid, int prio) { return thread_arg(tid) ? 0 : ESRCH; }

int pktsim_sched_yield(void)
{
	if (model_core.w && me())
		sim_sleep(model_core.w, 0);
	return 0;
}
