/*
 * model/sleep.c — sleeping and waking pseudo-threads (ltsleep, tsleep, wakeup), and the
 * delays (delay, nic_delay).
 *
 * A sleeping pseudo-thread gives the stack token back to its worker and waits on its own
 * queue, named after the wmesg ("ltsleep "sam_wait"", not watched: the requester's
 * "stack context" wait is). Woken or timed out, it queues itself as ready and waits for
 * a worker to hand it the token again.
 */
#include "core_int.h"

#include <errno.h>
#include <stdio.h>

static struct {
	struct model_thread *head, *tail;   /* sleepers in the order they slept */
} SL;

static void sleeper_add(struct model_thread *t)
{
	t->next_sleeper = NULL;
	if (SL.tail)
		SL.tail->next_sleeper = t;
	else
		SL.head = t;
	SL.tail = t;
	t->sleeping = 1;
}

static void sleeper_remove(struct model_thread *t)
{
	struct model_thread **pp = &SL.head, *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->next_sleeper;
	}
	if (!*pp)
		return;
	*pp = t->next_sleeper;
	if (SL.tail == t)
		SL.tail = prev;
	t->sleeping = 0;
}

int model_sleep(struct model_thread *self, const volatile void *ident, const char *wmesg,
                sim_ns timeout)
{
	sim_world *w = model_core.w;
	sim_ns slept_at = sim_now(w);
	char name[48];
	int result;
	snprintf(name, sizeof(name), "ltsleep \"%s\"", wmesg ? wmesg : "");
	sim_waitq_init(w, &self->sleep_q, name);
	sim_waitq_set_watched(&self->sleep_q, 0);
	self->sleep_ident = ident;
	snprintf(self->sleep_wmesg, sizeof(self->sleep_wmesg), "%s", wmesg ? wmesg : "");
	self->sleep_since = slept_at;
	self->woken = 0;
	sleeper_add(self);
	sim_emit(w, model_core.k.ltsleep, wmesg, (int64_t)(timeout == SIM_FOREVER ? 0 : timeout));
	model_stack_yield(self);
	sim_wait(w, &self->sleep_q, timeout);
	if (!self->woken)
		sleeper_remove(self);
	result = self->woken ? 0 : EWOULDBLOCK;
	model_stack_resume_wait(self);
	sim_emit(w, model_core.k.ltsleep_done, wmesg, (int64_t)result);
	return result;
}

int model_core_sleepers_in(const struct model_ranges *r, char *buf, size_t n)
{
	struct model_thread *self = model_thread_self();
	char since[32];
	int count = 0;
	for (struct model_thread *t = model_core.threads_head; t; t = t->next_all) {
		const void *fn;
		if (t->kind != MT_PSEUDO || t == self)
			continue;
		fn = model_call_fn_of(t->id);
		if (!fn || !model_in_ranges(fn, r))
			continue;
		sim_format_ns(t->sleep_since, since, sizeof(since));
		model_core_append(buf, n, "%s in thread \"%s\", %s the stack context (ltsleep "
		                  "\"%s\") since t=%s", model_call_where_of(t->id), model_thread_name(t),
		                  t->sleeping ? "yielding" : "waiting to resume after yielding",
		                  t->sleep_wmesg, since);
		count++;
	}
	return count;
}

int model_wakeup(const volatile void *ident)
{
	struct model_thread *t = SL.head, *next;
	int n = 0;
	for (; t; t = next) {
		next = t->next_sleeper;
		if (t->sleep_ident != ident)
			continue;
		sleeper_remove(t);
		t->woken = 1;
		sim_wake_one(model_core.w, &t->sleep_q);
		n++;
	}
	return n;
}

/* Where the caller runs, for a breach message. */
static const char *context_desc(const struct model_thread *t)
{
	if (!t)
		return "in an interrupt handler";
	switch (t->kind) {
	case MT_WORKER: return "by an io-pkt worker outside the stack context (interrupt work)";
	case MT_TRACKED: return "by a tracked thread (nw_pthread_create)";
	case MT_UNTRACKED: return "by an untracked thread (pthread_create)";
	case MT_MAIN: return "by io-pkt main (a blockop function)";
	case MT_APP: return "by a thread outside io-pkt";
	case MT_PSEUDO: return "by a pseudo-thread not holding the stack";
	}
	return "outside the stack context";
}

int ltsleep(const volatile void *ident, int pri, const char *wmesg, int timo, void *slock)
{
	struct model_thread *self = model_thread_self();
	sim_ns timeout;
	if (!self || model_core.stack.holder != self) {
		model_breach("sleep-outside-stack",
		             "ltsleep(\"%s\") called %s; only a pseudo-thread of the stack context "
		             "may sleep",
		             wmesg ? wmesg : "", context_desc(self));
		return EINVAL;
	}
	if (self->kind == MT_WORKER) {
		sim_emit(model_core.w, model_core.k.ltsleep_on_proc0, wmesg, model_call_where());
		return 0;
	}
	if (timo < 0)
		return EINVAL;
	timeout = timo ? (sim_ns)((__int128)timo * SIM_S / model_core.hz) : SIM_FOREVER;
	return model_sleep(self, ident, wmesg, timeout);
}

int tsleep(const volatile void *ident, int pri, const char *wmesg, int timo)
{
	return ltsleep(ident, pri, wmesg, timo, NULL);
}

void wakeup(const volatile void *ident)
{
	struct model_thread *self = model_thread_self();
	if (!self || model_core.stack.holder != self) {
		model_breach("wakeup-outside-stack",
		             "wakeup called %s; only the stack context may wake pseudo-threads",
		             context_desc(self));
		return;
	}
	sim_emit(model_core.w, model_core.k.wakeup, (int64_t)model_wakeup(ident));
}

/* ------------------------------------------------------------------ delays */

unsigned int delay(unsigned int ms)
{
	char what[32];
	sim_ns t0;
	if (model_check_can_block("delay"))
		return 0;
	sim_emit(model_core.w, model_core.k.delay, (int64_t)ms);
	t0 = model_lat_mark();
	sim_spend(model_core.w, (sim_ns)ms * SIM_MS);
	snprintf(what, sizeof(what), "delay(%u)", ms);
	model_lat_event(what, t0, MODEL_LAT_BUSY);
	return 0;
}

int nic_delay(int ms)
{
	struct model_thread *self = model_thread_self();
	int64_t ticks;
	char ident;
	if (!self || model_core.stack.holder != self) {
		sim_emit(model_core.w, model_core.k.nic_delay, (int64_t)ms, "delay");
		delay(ms > 0 ? (unsigned)ms : 0);
		return 0;
	}
	if (self->kind == MT_WORKER) {
		model_breach("nic_delay-on-proc0",
		             "nic_delay(%d) called on proc0 (a callout or the stack's own loop), "
		             "which cannot sleep: io-pkt panics; arm a callout to continue later",
		             ms);
		return EINVAL;
	}
	if (ms <= 0)
		return 0;
	ticks = ((int64_t)ms * model_core.hz + 999) / 1000;
	sim_emit(model_core.w, model_core.k.nic_delay, (int64_t)ms, "ltsleep");
	model_sleep(self, &ident, "nic_delay", (sim_ns)((__int128)ticks * SIM_S / model_core.hz));
	return 0;
}
