/*
 * sim/waitq.c — wait queues, mutexes and the stall watchdog.
 */
#include "kernel_int.h"

#include <errno.h>
#include <string.h>

void sim_waitq_init(sim_world *w, sim_waitq *q, const char *name)
{
	memset(q, 0, sizeof(*q));
	q->magic = SIM_MAGIC_WAITQ;
	q->id = ++w->nwaitqs;
	q->watched = 1;
	sim_copy_name(q->name, sizeof(q->name), name ? name : "waitq");
}

void sim_waitq_set_watched(sim_waitq *q, int watched) { q->watched = !!watched; }
void sim_waitq_set_holder(sim_waitq *q, sim_thread *holder) { q->holder = holder; }
int sim_waitq_empty(const sim_waitq *q) { return q->head == NULL; }

int sim_waitq_destroy(sim_world *w, sim_waitq *q)
{
	if (q->head)
		return -EBUSY;
	q->magic = 0;
	return 0;
}

static void enqueue(sim_waitq *q, sim_thread *t)
{
	t->next_wait = NULL;
	if (q->tail)
		q->tail->next_wait = t;
	else
		q->head = t;
	q->tail = t;
}

void sim_waitq_remove(sim_waitq *q, sim_thread *t)
{
	sim_thread **pp = &q->head, *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->next_wait;
	}
	if (!*pp)
		return;
	*pp = t->next_wait;
	if (q->tail == t)
		q->tail = prev;
	t->next_wait = NULL;
}

int sim_wait(sim_world *w, sim_waitq *q, sim_ns timeout)
{
	sim_thread *self = w->current;
	if (!self) {
		sim_sched_misuse(w, "sim_wait");
		return -EPERM;
	}
	if (q->magic != SIM_MAGIC_WAITQ) {
		sim_world_stop(w, "sim_wait on an uninitialised or destroyed wait queue");
		return -EINVAL;
	}
	sim_emit(w, w->k.block, (int64_t)q->id, q->name);
	enqueue(q, self);
	self->state = SIM_T_BLOCKED;
	self->waiting_on = q;
	self->block_what = "wait";
	self->blocked_since = w->now;
	self->wait_result = 0;
	if (timeout >= 0)
		sim_event_arm(w, &self->wake_ev, w->now + timeout);
	if (q->watched && w->cfg.stall_limit > 0)
		sim_event_arm(w, &self->watch_ev, w->now + w->cfg.stall_limit);
	sim_sched_block(w);
	return self->wait_result;
}

static void wake(sim_world *w, sim_waitq *q, sim_thread *t)
{
	sim_waitq_remove(q, t);
	sim_event_cancel(w, &t->wake_ev);
	sim_event_cancel(w, &t->watch_ev);
	t->waiting_on = NULL;
	t->wait_result = 0;
	sim_emit(w, w->k.wake, (int64_t)t->id, (int64_t)q->id);
	sim_sched_ready(w, t);
}

int sim_wake_one(sim_world *w, sim_waitq *q)
{
	if (!q->head)
		return 0;
	wake(w, q, q->head);
	return 1;
}

int sim_wake_all(sim_world *w, sim_waitq *q)
{
	int n = 0;
	while (q->head) {
		wake(w, q, q->head);
		n++;
	}
	return n;
}

void sim_watchdog_fire(sim_world *w, sim_thread *t)
{
	char since[32], now[32], lim[32], list[3000], msg[4000], held[96] = "";
	sim_waitq *q = t->waiting_on;
	sim_format_ns(t->blocked_since, since, sizeof(since));
	sim_format_ns(w->now, now, sizeof(now));
	sim_format_ns(w->cfg.stall_limit, lim, sizeof(lim));
	if (q && q->holder)
		snprintf(held, sizeof(held), ", held by thread %d \"%s\"", q->holder->id,
		         q->holder->name);
	sim_describe_threads(w, list, sizeof(list));
	snprintf(msg, sizeof(msg),
	         "stall at t=%s: thread %d \"%s\" has waited on \"%s\" (object %u%s) since t=%s, "
	         "longer than the stall limit %s\nthreads not running:\n%s",
	         now, t->id, t->name, q ? q->name : "?", q ? q->id : 0, held, since, lim, list);
	sim_emit(w, w->k.stall, msg);
	sim_world_end(w, SIM_END_STALL, msg);
}

/* ---------------------------------------------------------------- mutex */

void sim_mutex_init(sim_world *w, sim_mutex *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	sim_waitq_init(w, &m->q, name);
}

/* Ownership passes directly to the first waiter on unlock (FIFO, no barging). */
void sim_mutex_lock(sim_world *w, sim_mutex *m)
{
	sim_thread *self = w->current;
	if (!self) {
		sim_sched_misuse(w, "sim_mutex_lock");
		return;
	}
	if (!m->owner) {
		m->owner = self;
		m->q.holder = self;
		return;
	}
	while (m->owner != self)
		if (sim_wait(w, &m->q, SIM_FOREVER) != 0)
			return;
}

int sim_mutex_trylock(sim_world *w, sim_mutex *m)
{
	if (!w->current)
		return -EPERM;
	if (m->owner)
		return -EBUSY;
	m->owner = w->current;
	m->q.holder = w->current;
	return 0;
}

int sim_mutex_unlock(sim_world *w, sim_mutex *m)
{
	if (m->owner != w->current || !m->owner)
		return -EPERM;
	m->owner = m->q.head;
	m->q.holder = m->owner;
	if (m->owner)
		sim_wake_one(w, &m->q);
	return 0;
}
