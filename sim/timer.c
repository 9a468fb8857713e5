/*
 * sim/timer.c — the event heap, ordered by (virtual time, arm sequence), and one-shot
 * timers on top of it.
 */
#include "kernel_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ heap */

static int before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

static void place(sim_world *w, int i, struct sim_event *ev)
{
	w->heap[i] = ev;
	ev->heap_idx = i;
}

static void sift_up(sim_world *w, int i)
{
	struct sim_event *ev = w->heap[i];
	while (i > 0) {
		int parent = (i - 1) / 2;
		if (!before(ev, w->heap[parent]))
			break;
		place(w, i, w->heap[parent]);
		i = parent;
	}
	place(w, i, ev);
}

static void sift_down(sim_world *w, int i)
{
	struct sim_event *ev = w->heap[i];
	for (;;) {
		int c = 2 * i + 1;
		if (c >= w->heap_len)
			break;
		if (c + 1 < w->heap_len && before(w->heap[c + 1], w->heap[c]))
			c++;
		if (!before(w->heap[c], ev))
			break;
		place(w, i, w->heap[c]);
		i = c;
	}
	place(w, i, ev);
}

static void heap_remove(sim_world *w, int i)
{
	struct sim_event *last = w->heap[--w->heap_len];
	w->heap[i]->heap_idx = -1;
	if (i == w->heap_len)
		return;
	place(w, i, last);
	sift_down(w, i);
	sift_up(w, last->heap_idx);
}

void sim_event_init(struct sim_event *ev, enum sim_event_type type, void *owner)
{
	memset(ev, 0, sizeof(*ev));
	ev->heap_idx = -1;
	ev->type = type;
	ev->owner = owner;
}

/* Arm (or move) ev to fire at when; ties fire in arm order. */
void sim_event_arm(sim_world *w, struct sim_event *ev, sim_ns when)
{
	if (ev->heap_idx >= 0)
		heap_remove(w, ev->heap_idx);
	if (w->heap_len == w->heap_cap) {
		w->heap_cap = w->heap_cap ? 2 * w->heap_cap : 64;
		w->heap = realloc(w->heap, (size_t)w->heap_cap * sizeof(*w->heap));
		if (!w->heap) {
			fprintf(stderr, "pktsim: out of memory growing the event heap\n");
			abort();
		}
	}
	ev->when = when < w->now ? w->now : when;
	ev->seq = w->ev_seq++;
	place(w, w->heap_len++, ev);
	sift_up(w, ev->heap_idx);
}

int sim_event_cancel(sim_world *w, struct sim_event *ev)
{
	if (ev->heap_idx < 0)
		return 0;
	heap_remove(w, ev->heap_idx);
	return 1;
}

struct sim_event *sim_event_peek(sim_world *w)
{
	return w->heap_len ? w->heap[0] : NULL;
}

struct sim_event *sim_event_pop(sim_world *w)
{
	struct sim_event *ev = sim_event_peek(w);
	if (ev)
		heap_remove(w, 0);
	return ev;
}

/* ---------------------------------------------------------------- timers */

sim_timer *sim_timer_create(sim_world *w, const char *name, sim_timer_fn fn, void *arg)
{
	sim_timer *t = sim_alloc(w, sizeof(*t));
	t->magic = SIM_MAGIC_TIMER;
	t->id = ++w->ntimers;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "timer");
	t->fn = fn;
	t->arg = arg;
	sim_event_init(&t->ev, SIM_EV_TIMER, t);
	return t;
}

void sim_timer_arm_at(sim_world *w, sim_timer *t, sim_ns when)
{
	if (when < w->now)
		when = w->now;
	sim_event_arm(w, &t->ev, when);
	sim_emit(w, w->k.timer_arm, (int64_t)t->id, t->name, (int64_t)when);
}

void sim_timer_arm(sim_world *w, sim_timer *t, sim_ns delay)
{
	sim_timer_arm_at(w, t, w->now + (delay > 0 ? delay : 0));
}

int sim_timer_cancel(sim_world *w, sim_timer *t)
{
	if (!sim_event_cancel(w, &t->ev))
		return 0;
	sim_emit(w, w->k.timer_cancel, (int64_t)t->id, t->name);
	return 1;
}

int sim_timer_armed(const sim_timer *t) { return t->ev.heap_idx >= 0; }
sim_ns sim_timer_expiry(const sim_timer *t) { return t->ev.when; }

void sim_timer_destroy(sim_world *w, sim_timer *t)
{
	if (!t)
		return;
	sim_event_cancel(w, &t->ev);
	t->magic = 0;
	sim_free(w, t, sizeof(*t));
}

void sim_timer_fire(sim_world *w, sim_timer *t)
{
	sim_emit(w, w->k.timer_fire, (int64_t)t->id, t->name);
	t->fn(w, t->arg);
}
