/*
 * model/callout.c — io-pkt's callouts: one-shot timers whose function runs on proc0 when
 * the stack next runs at or after the expiry.
 *
 * Ticks: tick k of io-pkt's callout clock starts at floor(k * 1e9 / hz) ns. Arming for n
 * ticks expires at the start of tick (current tick + n); callout_msec(ms) is
 * ms * hz / 1000 + 1 ticks. The model keeps the armed callouts in its own list, ordered
 * by (expiry, arm order), and one sim_timer at the earliest expiry: it only kicks the
 * stack. A pending callout is taken off the list (no longer pending) just before its
 * function runs, so callout_stop from elsewhere cannot stop a handler already running.
 *
 * The list holds the model's own entries, pointing at the driver's struct callout; a
 * callout whose memory is overwritten or freed while pending is noticed (magic and
 * number no longer match) and reported instead of being called.
 */
#include "core_int.h"

#include <string.h>

struct callout_ent {
	struct callout *c;
	void (*fn)(void *);          /* copies of c's function and argument: c's memory may */
	void *arg;                   /* be gone by the expiry (a detached device's softc) */
	uint32_t id;
	int64_t tick;
	sim_ns when;
	uint64_t seq;
	struct callout_ent *next;
};

static struct {
	struct callout_ent *head;
	sim_timer *clock;
	uint32_t next_id;
	uint64_t seq;
} C;

/*
 * The stop race (seed 002): the callout whose handler runs now, and whether another
 * thread stopped it meanwhile from if_stop, detach or a thread of the driver's own (an
 * error-recovery thread stopping the watchdog). A handler that then re-arms itself (no
 * run flag) is the breach "callout-rearmed-after-stop". Stops from elsewhere (if_start
 * cancelling a retry it no longer needs) do not count: re-arming after those is fine.
 */
static struct {
	struct callout *c;
	uint32_t id;
	struct model_thread *runner;
	int stopped;
	sim_ns stop_t;
	char stopper[160];
} R;

/* callout_stop on c: note it if c's handler is running on another thread. */
static void race_note_stop(const struct callout *c)
{
	const char *where = model_call_where();
	struct model_thread *self = model_thread_self();
	if (R.c != c || c->c_id != R.id || self == R.runner ||
	    (!strstr(where, "(if_stop)") && !strstr(where, "(detach)") &&
	     !strstr(where, "(thread)")))
		return;
	R.stopped = 1;
	R.stop_t = sim_now(model_core.w);
	snprintf(R.stopper, sizeof(R.stopper), "%s, thread \"%s\"", where,
	         self ? model_thread_name(self) : "kernel");
}

/* 1 if arming c now is the handler re-arming itself after such a stop (breach). */
static int race_rearmed(const struct callout *c, void (*fn)(void *))
{
	char name[96], t[32];
	if (R.c != c || !R.stopped || model_thread_self() != R.runner)
		return 0;
	model_breach("callout-rearmed-after-stop",
	             "callout %u (%s) re-armed by its own handler after callout_stop at t=%s (in "
	             "%s) while the handler was running: callout_stop does not wait for a "
	             "running handler, so a periodic handler must re-arm only while a run flag "
	             "the stopper clears first is set (seed 002, the stop race)",
	             c->c_id, model_fn_name((const void *)fn, name, sizeof(name)),
	             sim_format_ns(R.stop_t, t, sizeof(t)), R.stopper);
	return 1;
}

sim_ns model_tick_time(int64_t k)
{
	return (sim_ns)((__int128)k * SIM_S / model_core.hz);
}

int64_t model_tick_at(sim_ns t)
{
	int64_t k = (int64_t)((__int128)t * model_core.hz / SIM_S);
	while (model_tick_time(k + 1) <= t)
		k++;
	while (k > 0 && model_tick_time(k) > t)
		k--;
	return k;
}

static void clock_fire(sim_world *w, void *arg)
{
	model_stack_kick();
}

void model_callout_init_clock(void)
{
	C.clock = sim_timer_create(model_core.w, "callout clock", clock_fire, NULL);
}

static void clock_rearm(void)
{
	if (!C.head)
		sim_timer_cancel(model_core.w, C.clock);
	else if (!sim_timer_armed(C.clock) || sim_timer_expiry(C.clock) != C.head->when)
		sim_timer_arm_at(model_core.w, C.clock, C.head->when);
}

static struct callout_ent *ent_of(const struct callout *c)
{
	for (struct callout_ent *e = C.head; e; e = e->next)
		if (e->c == c && e->id == c->c_id)
			return e;
	return NULL;
}

static void list_insert(struct callout_ent *e)
{
	struct callout_ent **pp = &C.head;
	while (*pp && ((*pp)->when < e->when || ((*pp)->when == e->when && (*pp)->seq < e->seq)))
		pp = &(*pp)->next;
	e->next = *pp;
	*pp = e;
}

static void list_remove(struct callout_ent *e)
{
	struct callout_ent **pp = &C.head;
	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (*pp)
		*pp = e->next;
}

/*
 * 1 if c can be used: initialised, or all zero (io-pkt's callout_init only zeroes, so a
 * zeroed callout is an initialised one: it gets its number now). Else a breach.
 */
static int callout_usable(struct callout *c, const char *call)
{
	if (c->c_magic == MODEL_MAGIC_CALLOUT)
		return 1;
	if (c->c_magic == 0 && c->c_flags == 0 && c->c_func == NULL) {
		c->c_magic = MODEL_MAGIC_CALLOUT;
		c->c_id = ++C.next_id;
		return 1;
	}
	model_breach("callout-corrupt",
	             "%s on a callout that was never initialised or has been overwritten "
	             "(callout_init it once, in attach, and keep its memory while it is used)",
	             call);
	return 0;
}

void callout_init(struct callout *c)
{
	struct callout_ent *e = c->c_magic == MODEL_MAGIC_CALLOUT ? ent_of(c) : NULL;
	char fn[96];
	if (e) {
		model_breach("callout-init-armed",
		             "callout_init on callout %u while it is pending (armed for %s): "
		             "io-pkt's timer list is corrupted; initialise a callout once, in attach",
		             c->c_id, model_fn_name((const void *)c->c_func, fn, sizeof(fn)));
		list_remove(e);
		sim_free(model_core.w, e, sizeof(*e));
		clock_rearm();
	}
	memset(c, 0, sizeof(*c));
	c->c_magic = MODEL_MAGIC_CALLOUT;
	c->c_id = ++C.next_id;
}

/* Arm c for ticks ticks (see the top of the file for the rules). */
static void arm(struct callout *c, int64_t ticks, void (*fn)(void *), void *arg,
                const char *call)
{
	sim_ns now = sim_now(model_core.w);
	int64_t k = model_tick_at(now) + ticks;
	sim_ns when = model_tick_time(k);
	struct callout_ent *e;
	int moved = 1;
	char name[96];
	if (!callout_usable(c, call) || race_rearmed(c, fn))
		return;
	c->c_func = fn;
	c->c_arg = arg;
	if ((e = ent_of(c)) && when >= e->when) {
		e->fn = fn;
		e->arg = arg;
		moved = 0; /* io-pkt keeps the earlier expiry */
	} else {
		if (e)
			list_remove(e);
		else
			e = sim_alloc(model_core.w, sizeof(*e));
		e->c = c;
		e->fn = fn;
		e->arg = arg;
		e->id = c->c_id;
		e->tick = k;
		e->when = when;
		e->seq = C.seq++;
		list_insert(e);
		c->c_flags |= CALLOUT_PENDING;
		clock_rearm();
	}
	sim_emit(model_core.w, model_core.k.callout_arm, (int64_t)c->c_id,
	         model_fn_name((const void *)fn, name, sizeof(name)), (int64_t)ticks,
	         (int64_t)e->when, (int64_t)moved);
}

void callout_msec(struct callout *c, int msec, void (*fn)(void *), void *arg)
{
	int64_t ms = msec > 0 ? msec : 0;
	arm(c, ms * model_core.hz / 1000 + 1, fn, arg, "callout_msec");
}

void callout_reset(struct callout *c, int ticks, void (*fn)(void *), void *arg)
{
	arm(c, ticks > 0 ? ticks : 1, fn, arg, "callout_reset");
}

void callout_stop(struct callout *c)
{
	struct callout_ent *e;
	if (!callout_usable(c, "callout_stop"))
		return;
	race_note_stop(c);
	e = ent_of(c);
	if (e) {
		list_remove(e);
		sim_free(model_core.w, e, sizeof(*e));
		clock_rearm();
	}
	c->c_flags &= ~CALLOUT_PENDING;
	sim_emit(model_core.w, model_core.k.callout_stop, (int64_t)c->c_id, (int64_t)(e != NULL));
}

int callout_pending(struct callout *c)
{
	return c->c_magic == MODEL_MAGIC_CALLOUT && ent_of(c) != NULL;
}

int model_callout_due(void)
{
	return C.head && C.head->when <= sim_now(model_core.w);
}

/* Take the first due entry off the list into *out; 0 if none is due. */
static int pop_due(struct callout_ent *out)
{
	struct callout_ent *e = C.head;
	if (!e || e->when > sim_now(model_core.w))
		return 0;
	C.head = e->next;
	*out = *e;
	sim_free(model_core.w, e, sizeof(*e));
	return 1;
}

/*
 * 1 if the due callout e may run. Its driver must still be there (model_driver_callable
 * reports an unloaded driver or a detached device's argument), and its struct callout
 * intact: one overwritten or freed while pending is reported, not followed.
 */
static int due_callable(const struct callout_ent *e)
{
	if (!model_driver_callable("callout", (const void *)e->fn, e->arg))
		return 0;
	if (e->c->c_magic == MODEL_MAGIC_CALLOUT && e->c->c_id == e->id)
		return 1;
	model_breach("callout-corrupt",
	             "callout %u was overwritten or freed while pending (callout_stop it before "
	             "its memory goes)",
	             e->id);
	return 0;
}

int model_callout_run_due(void)
{
	sim_world *w = model_core.w;
	struct callout_ent e;
	char name[96];
	int n = 0;
	while (pop_due(&e)) {
		n++;
		if (!due_callable(&e))
			continue;
		e.c->c_flags &= ~CALLOUT_PENDING;
		sim_emit(w, model_core.k.callout_fire, (int64_t)e.id,
		         model_fn_name((const void *)e.fn, name, sizeof(name)),
		         (int64_t)(sim_now(w) - e.when));
		model_call_push("callout", (const void *)e.fn);
		R.c = e.c;
		R.id = e.id;
		R.runner = model_thread_self();
		R.stopped = 0;
		e.fn(e.arg);
		R.c = NULL;
		model_call_pop();
	}
	clock_rearm();
	return n;
}

int model_callout_leftovers(const struct model_ranges *r, char *buf, size_t n)
{
	char fn[96];
	int count = 0;
	for (struct callout_ent *e = C.head; e; e = e->next) {
		if (!model_in_ranges(e->c, r) && !model_in_ranges((const void *)e->fn, r))
			continue;
		model_core_append(buf, n, "callout %u (%s) still pending", e->id,
		                  model_fn_name((const void *)e->fn, fn, sizeof(fn)));
		count++;
	}
	return count;
}

int model_callouts_in(const void *base, const void *end, char *buf, size_t n)
{
	struct model_ranges r = { 0 };
	char fn[96];
	int count = 0;
	model_ranges_add(&r, base, end);
	for (struct callout_ent *e = C.head; e; e = e->next) {
		if (!model_in_ranges(e->c, &r))
			continue;
		model_core_append(buf, n, "callout %u (%s) pending", e->id,
		                  model_fn_name((const void *)e->fn, fn, sizeof(fn)));
		count++;
	}
	return count;
}

int model_callouts_overdue(sim_ns *oldest)
{
	int n = 0;
	*oldest = 0;
	for (struct callout_ent *e = C.head; e && e->when <= sim_now(model_core.w); e = e->next)
		if (n++ == 0)
			*oldest = e->when;
	return n;
}
