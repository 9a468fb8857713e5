/*
 * sim/sched.c — simulated threads and the dispatcher (see kernel_int.h for the model).
 */
#include "kernel_int.h"

#include <errno.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ run queue */

void sim_sched_ready(sim_world *w, sim_thread *t)
{
	t->state = SIM_T_READY;
	t->next_ready = NULL;
	if (w->ready_tail)
		w->ready_tail->next_ready = t;
	else
		w->ready_head = t;
	w->ready_tail = t;
}

static sim_thread *ready_pop(sim_world *w)
{
	sim_thread *t = w->ready_head;
	if (t) {
		w->ready_head = t->next_ready;
		if (!w->ready_head)
			w->ready_tail = NULL;
		t->next_ready = NULL;
	}
	return t;
}

/* --------------------------------------------------------- end of a run */

static int blocked_nondaemon(sim_world *w)
{
	for (sim_thread *t = w->all_head; t; t = t->next_all)
		if (t->state == SIM_T_BLOCKED && !t->daemon)
			return 1;
	return 0;
}

void sim_describe_threads(sim_world *w, char *buf, size_t n)
{
	size_t len = 0;
	char since[32], held[96];
	buf[0] = 0;
	for (sim_thread *t = w->all_head; t && len + 1 < n; t = t->next_all) {
		if (t->state == SIM_T_EXITED || t->state == SIM_T_RUNNING)
			continue;
		sim_format_ns(t->blocked_since, since, sizeof(since));
		held[0] = 0;
		if (t->waiting_on && t->waiting_on->holder)
			snprintf(held, sizeof(held), ", held by thread %d \"%s\"",
			         t->waiting_on->holder->id, t->waiting_on->holder->name);
		if (t->state == SIM_T_READY)
			len += snprintf(buf + len, n - len, "  thread %d \"%s\" (cpu %d%s) is ready\n",
			                t->id, t->name, t->cpu, t->daemon ? ", daemon" : "");
		else if (t->waiting_on)
			len += snprintf(buf + len, n - len,
			                "  thread %d \"%s\" (cpu %d%s) waits on \"%s\" (object %u%s) since t=%s\n",
			                t->id, t->name, t->cpu, t->daemon ? ", daemon" : "",
			                t->waiting_on->name, t->waiting_on->id, held, since);
		else
			len += snprintf(buf + len, n - len, "  thread %d \"%s\" (cpu %d%s) in %s since t=%s\n",
			                t->id, t->name, t->cpu, t->daemon ? ", daemon" : "",
			                t->block_what ? t->block_what : "?", since);
	}
}

static void end_deadlock(sim_world *w)
{
	char now[32], list[3500], msg[4000];
	sim_format_ns(w->now, now, sizeof(now));
	sim_describe_threads(w, list, sizeof(list));
	snprintf(msg, sizeof(msg),
	         "deadlock at t=%s: no event is pending and these threads wait forever:\n%s", now,
	         list);
	sim_emit(w, w->k.deadlock, msg);
	sim_world_end(w, SIM_END_DEADLOCK, msg);
}

static void end_time_limit(sim_world *w)
{
	char lim[32], msg[128];
	sim_format_ns(w->cfg.time_limit, lim, sizeof(lim));
	snprintf(msg, sizeof(msg), "time limit reached: the run would pass t=%s", lim);
	sim_world_end(w, SIM_END_TIME_LIMIT, msg);
}

/* ----------------------------------------------------------- dispatcher */

static void fire(sim_world *w, struct sim_event *ev)
{
	sim_thread *t;
	switch (ev->type) {
	case SIM_EV_TIMER:
		w->current = NULL;
		sim_timer_fire(w, ev->owner);
		break;
	case SIM_EV_WAKE:
		t = ev->owner;
		if (t->waiting_on) { /* a wait's timeout */
			sim_waitq_remove(t->waiting_on, t);
			sim_event_cancel(w, &t->watch_ev);
			t->wait_result = -ETIMEDOUT;
			w->current = NULL;
			sim_emit(w, w->k.timeout, (int64_t)t->id, (int64_t)t->waiting_on->id);
			t->waiting_on = NULL;
		}
		sim_sched_ready(w, t);
		break;
	case SIM_EV_WATCHDOG:
		w->current = NULL;
		sim_watchdog_fire(w, ev->owner);
		break;
	}
}

/* next_thread's answer when SimGrid's clock must run out to a timed sleeper's wake-up. */
static sim_thread advance_marker;
#define ADVANCE (&advance_marker)

/*
 * Find the next thread to run, firing events until one is ready. Returns that thread,
 * ADVANCE when the earliest event is the wake-up of a thread waiting in a SimGrid timeout
 * (nobody is to be handed the CPU: that thread's timeout will wake it), or NULL when the
 * run is over (the end is recorded in w). Called with no thread running; runner is the
 * thread whose actor runs this (it just blocked), NULL if none will go on in it.
 *
 * SimGrid's clock is advanced to each event (sg_actor_sleep_until) except when the event
 * is runner's own wake-up with nothing before it (a spend or a short sleep of the only
 * thread with anything to do): runner simply goes on and SimGrid's clock stays behind
 * the kernel's until its next timed operation, which always targets an absolute time.
 * The heap alone orders events, so this changes no result, only what SimGrid computes.
 */
static sim_thread *next_thread(sim_world *w, const sim_thread *runner)
{
	w->current = NULL; /* what happens here is the kernel's doing */
	for (;;) {
		sim_thread *t;
		struct sim_event *ev;
		if (w->stop_requested && !w->ending)
			sim_world_end(w, SIM_END_STOPPED, NULL);
		if (w->ending)
			return NULL;
		t = ready_pop(w);
		if (t)
			return t;
		if (w->live == 0 && w->nthreads > 0) {
			sim_world_end(w, SIM_END_DONE, NULL);
			return NULL;
		}
		ev = sim_event_peek(w);
		if (!ev) {
			if (blocked_nondaemon(w))
				end_deadlock(w);
			else
				sim_world_end(w, SIM_END_IDLE, NULL);
			return NULL;
		}
		if (w->cfg.time_limit && ev->when > w->cfg.time_limit) {
			end_time_limit(w);
			return NULL;
		}
		if (ev->when > w->now && ev->type == SIM_EV_WAKE && ((sim_thread *)ev->owner)->timed)
			return ADVANCE;
		if (ev->when > w->now && !(runner && ev == &runner->wake_ev)) {
			/* ev stays the head while SimGrid's clock runs: a timed sleeper that
			 * SimGrid wakes meanwhile (its clock rounds to 1 ns) sees it is not its
			 * turn and waits for a hand-off. */
			w->advancing = 1;
			sg_actor_sleep_until((double)ev->when * 1e-9);
			w->advancing = 0;
		}
		if (ev->when > w->now)
			w->now = ev->when;
		sim_event_pop(w);
		fire(w, ev);
	}
}

/* Hand the CPU to t (which is not the caller). */
static void hand_to(sim_world *w, sim_thread *t)
{
	t->state = SIM_T_RUNNING;
	w->current = t;
	sg_sem_release(t->sem);
}

/*
 * SimGrid's clock reached self's wake-up (the timeout hint fired). Take the CPU if the
 * kernel agrees it is self's turn; return 1 if so.
 */
static int take_own_wakeup(sim_world *w, sim_thread *self)
{
	if (w->current || w->advancing || w->ready_head || w->ending || w->stop_requested ||
	    sim_event_peek(w) != &self->wake_ev)
		return 0;
	sim_event_pop(w);
	w->now = self->wake_ev.when;
	fire(w, &self->wake_ev);
	if (ready_pop(w) != self) /* fire() made self, and only self, ready */
		abort();
	return 1;
}

/* Wait, as a SimGrid actor, until the kernel hands self the CPU. */
static void wait_for_cpu(sim_world *w, sim_thread *self)
{
	if (self->state == SIM_T_BLOCKED && self->wake_ev.heap_idx >= 0 &&
	    self->wake_ev.when > w->now) {
		int timed_out;
		self->timed = 1;
		/* SimGrid's clock may be behind the kernel's (next_thread): aim at the time */
		timed_out = sg_sem_acquire_timeout(self->sem, (double)self->wake_ev.when * 1e-9 -
		                                              simgrid_get_clock());
		self->timed = 0;
		if (!timed_out || take_own_wakeup(w, self))
			goto running;
	}
	sg_sem_acquire(self->sem); /* killed here if the run is over */
running:
	w->current = self;
	self->state = SIM_T_RUNNING;
}

void sim_sched_block(sim_world *w)
{
	sim_thread *self = w->current;
	sim_thread *next = next_thread(w, self);
	if (next == self) {
		self->state = SIM_T_RUNNING;
		w->current = self;
		return;
	}
	if (next == ADVANCE)
		w->current = NULL;
	else if (next)
		hand_to(w, next);
	else
		sg_sem_release(w->main_sem); /* the run is over */
	wait_for_cpu(w, self);
}

void sim_sched_leave(sim_world *w)
{
	sim_thread *next = next_thread(w, NULL);
	if (next == NULL)
		sg_sem_release(w->main_sem);
	else if (next != ADVANCE)
		hand_to(w, next);
}

void sim_sched_misuse(sim_world *w, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "%s called outside a simulated thread (kernel context or setup)",
	         what);
	fprintf(stderr, "pktsim: bug: %s\n", msg);
	sim_world_stop(w, msg);
}

/* --------------------------------------------------------------- threads */

static void thread_exit(sim_world *w, sim_thread *t)
{
	sim_emit(w, w->k.thread_exit, (int64_t)t->id);
	t->state = SIM_T_EXITED;
	if (!t->daemon)
		w->live--;
	sim_wake_all(w, &t->exit_q);
	sim_sched_leave(w);
}

/*
 * The body of every thread actor: wait for the CPU, run the carried thread's function,
 * end the thread, and go idle until sim_thread_create hands this carrier a new thread
 * (the same semaphore then wakes it). Killed by SimGrid at the end of the run.
 */
static void carrier_main(int argc, char **argv)
{
	struct sim_carrier *c = sg_actor_self_get_data();
	(void)argc, (void)argv;
	for (;;) {
		sim_thread *t;
		sim_world *w;
		sg_sem_acquire(c->sem);
		t = c->t;
		w = t->w;
		w->current = t;
		t->state = SIM_T_RUNNING;
		t->fn(w, t->arg);
		/* idle before the hand-off: a thread created while the kernel runs events in
		 * thread_exit may take this carrier, and its first hand-off then finds the
		 * semaphore released when this loop comes back to it */
		c->t = NULL;
		c->next_idle = w->idle[t->cpu];
		w->idle[t->cpu] = c;
		thread_exit(w, t);
	}
}

/* A carrier for t on its CPU: an idle one, else a new actor. */
static void carrier_take(sim_world *w, sim_thread *t)
{
	struct sim_carrier *c = w->idle[t->cpu];
	if (c) {
		w->idle[t->cpu] = c->next_idle;
	} else {
		c = sim_alloc(w, sizeof(*c));
		c->sem = sg_sem_init(0);
		c->actor = sg_actor_init(t->name, w->hosts[t->cpu]);
		sg_actor_set_data(c->actor, c);
		sg_actor_start(c->actor, carrier_main, 0, NULL);
		/* Killed when the kernel's actor ends the run. After start: SimGrid 3.32 crashes
		 * at kill time when an actor daemonizes another before starting it. */
		sg_actor_daemonize(c->actor);
		w->ncarriers++;
	}
	c->t = t;
	c->next_idle = NULL;
	t->actor = c->actor;
	t->sem = c->sem;
}

sim_thread *sim_thread_create(sim_world *w, const char *name, int cpu, sim_thread_fn fn, void *arg)
{
	sim_thread *t;
	if (cpu < 0 || cpu >= w->cfg.ncpus || !fn)
		return NULL;
	t = sim_alloc(w, sizeof(*t));
	t->magic = SIM_MAGIC_THREAD;
	t->id = ++w->nthreads;
	sim_copy_name(t->name, sizeof(t->name), name ? name : "thread");
	t->cpu = cpu;
	t->w = w;
	t->fn = fn;
	t->arg = arg;
	sim_event_init(&t->wake_ev, SIM_EV_WAKE, t);
	sim_event_init(&t->watch_ev, SIM_EV_WATCHDOG, t);
	sim_waitq_init(w, &t->exit_q, t->name);
	sim_waitq_set_watched(&t->exit_q, 0);
	sim_waitq_set_holder(&t->exit_q, t);
	if (w->all_tail)
		w->all_tail->next_all = t;
	else
		w->all_head = t;
	w->all_tail = t;
	w->live++;
	sim_emit(w, w->k.thread_create, (int64_t)t->id, t->name, (int64_t)cpu);
	carrier_take(w, t);
	sim_sched_ready(w, t);
	return t;
}

void sim_thread_set_daemon(sim_thread *t, int daemon)
{
	daemon = !!daemon;
	if (t->daemon == daemon || t->state == SIM_T_EXITED)
		return;
	t->daemon = daemon;
	t->w->live += daemon ? -1 : 1;
}

sim_thread *sim_thread_self(sim_world *w) { return w->current; }
int sim_thread_id(const sim_thread *t) { return t ? t->id : 0; }
const char *sim_thread_name(const sim_thread *t) { return t ? t->name : "kernel"; }
int sim_thread_cpu(const sim_thread *t) { return t ? t->cpu : -1; }
int sim_thread_exited(const sim_thread *t) { return t->state == SIM_T_EXITED; }

const char *sim_thread_blocked(const sim_thread *t, const sim_waitq **q, sim_ns *since)
{
	*q = t->waiting_on;
	*since = t->blocked_since;
	return t->state == SIM_T_BLOCKED ? t->block_what : NULL;
}
void sim_thread_set_data(sim_thread *t, void *data) { t->data = data; }
void *sim_thread_data(const sim_thread *t) { return t->data; }

void sim_thread_set_name(sim_thread *t, const char *name)
{
	sim_copy_name(t->name, sizeof(t->name), name ? name : "");
	sim_emit(t->w, t->w->k.thread_name, (int64_t)t->id, t->name);
}

/* Block the current thread until its wake event at `until`. */
static void sleep_until(sim_world *w, sim_thread *self, sim_ns until, const char *what)
{
	self->state = SIM_T_BLOCKED;
	self->waiting_on = NULL;
	self->block_what = what;
	self->blocked_since = w->now;
	sim_event_arm(w, &self->wake_ev, until);
	sim_sched_block(w);
}

void sim_sleep(sim_world *w, sim_ns d)
{
	sim_thread *self = w->current;
	if (!self) {
		sim_sched_misuse(w, "sim_sleep");
		return;
	}
	if (d < 0)
		d = 0;
	sim_emit(w, w->k.sleep, (int64_t)(w->now + d));
	if (d == 0) { /* yield to the threads ready now */
		sim_sched_ready(w, self);
		sim_sched_block(w);
		return;
	}
	sleep_until(w, self, w->now + d, "sleep");
}

static void spend(sim_world *w, sim_ns d, int traced)
{
	sim_thread *self = w->current;
	sim_ns start;
	if (!self) {
		sim_sched_misuse(w, "sim_spend");
		return;
	}
	if (d <= 0)
		return;
	start = w->cpu_busy_until[self->cpu];
	if (start < w->now)
		start = w->now;
	w->cpu_busy_until[self->cpu] = start + d;
	if (traced)
		sim_emit(w, w->k.spend, (int64_t)start, (int64_t)d);
	if (start == w->now && !w->ready_head && !w->stop_requested && !w->ending &&
	    !(w->cfg.time_limit && start + d > w->cfg.time_limit)) {
		struct sim_event *ev = sim_event_peek(w);
		if (!ev || ev->when > start + d) {
			/* nothing else can happen before the spend ends: what blocking would do
			 * (the wake-up fires first, self runs on), without the heap and the
			 * dispatcher; drivers spend a little on every register and mbuf */
			w->now = start + d;
			return;
		}
	}
	sleep_until(w, self, start + d, "spend");
}

void sim_spend(sim_world *w, sim_ns d)
{
	spend(w, d, 1);
}

void sim_spend_untraced(sim_world *w, sim_ns d)
{
	spend(w, d, 0);
}

void sim_thread_join(sim_world *w, sim_thread *t)
{
	if (!w->current) {
		sim_sched_misuse(w, "sim_thread_join");
		return;
	}
	while (t->state != SIM_T_EXITED)
		sim_wait(w, &t->exit_q, SIM_FOREVER);
}
