/*
 * model/latency.c — how long driver code holds io-pkt's stack context, and what it spent
 * the time on (docs/latency.md).
 *
 * A *span* is one call into driver code made by a thread that holds the stack token
 * (context "stack": attach, if_init, if_ioctl, a callout, ...) or by a worker doing
 * interrupt work (context "intr": process_interrupt, enable_interrupt). report.c's
 * model_call_push/pop open and close spans; stack.c tells us when the token moves, so the
 * time a pseudo-thread spends asleep (ltsleep, blockop, nic_delay) is not counted: a
 * span's `held` is the time its thread held the token inside the call ("intr" spans: the
 * whole call). Costing events (register accesses, delays, mbuf operations, mutex waits,
 * pktsim_cost, ...) report how long they took; each open span of the thread adds them to
 * a small table keyed by (what, innermost driver function).
 *
 * Budgets and blocking checks (model_lat_budget_set) turn a hold that is too long, or a
 * blocking call in the stack context, into a breach that stops the run. A probe thread
 * (model_lat_probe_start) measures what an application sees: how long a status request
 * waits for the stack.
 *
 * Everything is integer nanoseconds of virtual time; tables are kept in first-seen order;
 * nothing depends on addresses or the wall clock, so the numbers repeat exactly.
 */
#include "core_int.h"

#include <errno.h>
#include <pktsim_cost.h>
#include <sys/atomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAT_THREADS 1024   /* per-thread span stacks, by sim thread id (as report.c) */
#define LAT_DEPTH 16
#define LAT_ENTRIES 32     /* distinct entry points */
#define LAT_WORST 10       /* the N worst holds kept with their events */
#define LAT_SAMPLES_MAX (4u << 20)

#define FRAME_EVENTS 32    /* distinct events counted per call; the 7 costliest are named */

enum { CTX_NONE = 0, CTX_STACK, CTX_INTR };

struct frame {
	const char *entry;
	const char *fn;          /* report.c's text for this call: valid until it returns */
	int ctx;                 /* CTX_*: CTX_NONE frames are only counted, never measured */
	sim_ns start, seg_start, held; /* seg_start < 0: the thread does not hold the token */
	int nev;
	struct model_lat_event ev[FRAME_EVENTS];
	const char *ev_what[FRAME_EVENTS], *ev_fn[FRAME_EVENTS]; /* the texts ev[i] was made
	                          * from, as given: the same pointers again match at once */
};

struct durations {
	sim_ns *v;
	size_t n, cap;
};

struct entry_stat {
	const char *entry;
	struct durations d;
	sim_ns total, max;
};

/* Open driver calls per thread slot (id % LAT_THREADS: two threads 1024 ids apart inside
 * driver calls at once would share one). Apart from L: never cleared wholesale, a slot's
 * frames are valid up to its depth. */
static struct frame (*frames[LAT_THREADS])[LAT_DEPTH];

/* The frames of slot s, allocated on its first driver call (most slots never make one). */
static struct frame *slot_frames(int s)
{
	if (!frames[s]) {
		frames[s] = calloc(1, sizeof(*frames[s]));
		if (!frames[s]) {
			fprintf(stderr, "pktsim: out of memory for latency frames\n");
			abort();
		}
	}
	return *frames[s];
}

static struct {
	int init;
	int depth[LAT_THREADS];
	sim_ns costs[MODEL_COST_COUNT];
	/* statistics */
	struct entry_stat entries[LAT_ENTRIES];
	int nentries;
	struct model_lat_hold worst[LAT_WORST];
	int nworst;
	struct durations hold_d;        /* every outermost hold's held time */
	struct model_lat_span *spans;   /* outermost holds longer than 0, in order */
	size_t nspans, capspans;
	uint64_t holds, dropped_spans;
	struct durations probe;
	struct durations probe_at, probe_wait; /* each sample in order (the timeline) */
	sim_ns probe_period;
	int probe_running;
	uint64_t flagged;
	/* budgets */
	int checks;
	sim_ns budget_any, budget_probe, delay_threshold;
	struct { const char *entry; char name[24]; sim_ns limit; } budgets[LAT_ENTRIES];
	int nbudgets;
	int kind_hold, kind_probe, kind_block, kind_cost;
	sim_world *w;
} L;

/* Defaults: docs/latency.md. Registers cost what their unit says (io:nic{reg_read=}). */
static const struct {
	const char *name;
	sim_ns def;
} cost_def[MODEL_COST_COUNT] = {
	[MODEL_COST_MBUF_ALLOC] = { "mbuf_alloc", 100 },
	[MODEL_COST_MBUF_FREE] = { "mbuf_free", 50 },
	[MODEL_COST_BARRIER] = { "barrier", 20 },
	[MODEL_COST_REG_READ] = { "reg_read", -1 },
	[MODEL_COST_REG_WRITE] = { "reg_write", -1 },
	[MODEL_COST_WAKEUP] = { "wakeup", 0 },
};

static void lat_init(void)
{
	sim_world *w = model_core.w;
	if (L.init && L.w == w)
		return;
	memset(&L, 0, sizeof(L));
	L.init = 1;
	L.w = w;
	for (int i = 0; i < MODEL_COST_COUNT; i++)
		L.costs[i] = cost_def[i].def;
	L.delay_threshold = SIM_MS;
	if (w) {
		L.kind_hold = sim_trace_kind(w, "hold", "sssiiiis");
		L.kind_probe = sim_trace_kind(w, "probe", "ii");
		L.kind_block = sim_trace_kind(w, "stack_block", "ssi");
		L.kind_cost = sim_trace_kind(w, "lat_cost", "si");
	}
}

static int slot_of(sim_thread *st)
{
	return st ? sim_thread_id(st) % LAT_THREADS : 0;
}

static sim_ns now(void)
{
	return sim_now(model_core.w);
}

/* ------------------------------------------------------------ durations */

static void dur_add(struct durations *d, sim_ns v)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		sim_ns *nv;
		if (cap > LAT_SAMPLES_MAX)
			return; /* counted elsewhere; percentiles then cover the first ones */
		nv = realloc(d->v, cap * sizeof(*nv));
		if (!nv)
			return;
		d->v = nv;
		d->cap = cap;
	}
	d->v[d->n++] = v;
}

static int cmp_ns(const void *a, const void *b)
{
	sim_ns x = *(const sim_ns *)a, y = *(const sim_ns *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0..100) of the sorted values. */
static sim_ns rank(const sim_ns *v, size_t n, int p)
{
	size_t k;
	if (!n)
		return 0;
	k = ((size_t)p * n + 99) / 100;
	return v[k ? k - 1 : 0];
}

/* ------------------------------------------------------------ text */

/* Copy src into dst of n bytes, cut if needed (this runs for every driver call: no
 * printf). */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);
	memcpy(dst, src, len);
	dst[len] = 0;
}

/* Append src at buf + *len (n bytes in all), cut if needed. */
static void put_str(char *buf, size_t n, size_t *len, const char *src)
{
	if (*len + 1 < n) {
		copy_str(buf + *len, n - *len, src);
		*len += strlen(buf + *len);
	}
}

static void put_u64(char *buf, size_t n, size_t *len, uint64_t v)
{
	char d[24];
	int i = (int)sizeof(d) - 1;
	d[i] = 0;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	put_str(buf, n, len, d + i);
}

/* ------------------------------------------------------------ events */

/* Count one event in the table ev of *nev rows (at most FRAME_EVENTS: beyond, the last
 * row collects the rest as "other"). */
/*
 * Count one costing event `what` inside fn (an interned text: model_lat_enter) into the
 * events of fr. what_static: `what` is a text that lives as long as the program (a
 * string literal) and may be remembered by its address; other texts (built in a
 * caller's buffer) are always compared by content.
 */
static void ev_add(struct frame *fr, const char *what, int what_static, const char *fn,
                   sim_ns cost)
{
	struct model_lat_event *ev = fr->ev;
	int i;
	if (what_static) /* the same texts again (every mbuf charge): their addresses */
		for (i = 0; i < fr->nev; i++)
			if (fr->ev_what[i] == what && fr->ev_fn[i] == fn)
				goto add;
	for (i = 0; i < fr->nev; i++)
		if (ev[i].what[0] == what[0] && ev[i].fn[0] == fn[0] && !strcmp(ev[i].what, what) &&
		    !strcmp(ev[i].fn, fn))
			goto found;
	if (fr->nev == FRAME_EVENTS) {
		i = FRAME_EVENTS - 1;
		copy_str(ev[i].what, sizeof(ev[i].what), "other");
		ev[i].fn[0] = 0;
		fr->ev_what[i] = NULL; /* "other" is matched by content only */
		goto add;
	}
	i = fr->nev++;
	copy_str(ev[i].what, sizeof(ev[i].what), what);
	copy_str(ev[i].fn, sizeof(ev[i].fn), fn);
	ev[i].count = 0;
	ev[i].total = 0;
found:
	fr->ev_what[i] = what_static ? what : NULL;
	fr->ev_fn[i] = fn;
add:
	ev[i].count++;
	ev[i].total += cost;
}

const char *model_lat_events_format(const struct model_lat_event *ev, int nev, char *buf,
                                    size_t n)
{
	size_t len = 0;
	char t[32];
	buf[0] = 0;
	for (int i = 0; i < nev && len + 1 < n; i++) {
		if (i)
			put_str(buf, n, &len, "; ");
		put_str(buf, n, &len, ev[i].what);
		put_str(buf, n, &len, " x");
		put_u64(buf, n, &len, ev[i].count);
		put_str(buf, n, &len, " = ");
		put_str(buf, n, &len, sim_format_ns(ev[i].total, t, sizeof(t)));
		if (ev[i].fn[0]) {
			put_str(buf, n, &len, " in ");
			put_str(buf, n, &len, ev[i].fn);
		}
	}
	if (len + 1 >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
	return buf;
}

/* ------------------------------------------------------------ spans */

static struct entry_stat *entry_stat(const char *entry)
{
	for (int i = 0; i < L.nentries; i++)
		if (!strcmp(L.entries[i].entry, entry))
			return &L.entries[i];
	if (L.nentries == LAT_ENTRIES)
		return &L.entries[LAT_ENTRIES - 1];
	L.entries[L.nentries].entry = entry;
	return &L.entries[L.nentries++];
}

static sim_ns budget_for(const struct frame *f, int depth, const char **which)
{
	for (int i = 0; i < L.nbudgets; i++)
		if (!strcmp(L.budgets[i].name, f->entry) || !strcmp(L.budgets[i].name, f->fn)) {
			*which = L.budgets[i].name;
			return L.budgets[i].limit;
		}
	*which = "any";
	return depth == 0 ? L.budget_any : 0;
}

/* Insert h into the list w of *n holds (at most LAT_WORST), longest first. */
static void worst_insert_in(struct model_lat_hold *w, int *n, const struct model_lat_hold *h)
{
	int i;
	if (h->held <= 0)
		return;
	if (*n < LAT_WORST) {
		i = (*n)++;
	} else {
		if (w[LAT_WORST - 1].held >= h->held)
			return; /* an equal hold seen earlier stays ahead */
		i = LAT_WORST - 1;
	}
	while (i > 0 && w[i - 1].held < h->held) {
		w[i] = w[i - 1];
		i--;
	}
	w[i] = *h;
}

static void worst_insert(const struct model_lat_hold *h)
{
	worst_insert_in(L.worst, &L.nworst, h);
}

static void spans_add(const struct model_lat_hold *h)
{
	if (L.nspans == L.capspans) {
		size_t cap = L.capspans ? L.capspans * 2 : 256;
		struct model_lat_span *ns;
		if (cap > LAT_SAMPLES_MAX || !(ns = realloc(L.spans, cap * sizeof(*ns)))) {
			L.dropped_spans++;
			return;
		}
		L.spans = ns;
		L.capspans = cap;
	}
	L.spans[L.nspans].start = h->start;
	L.spans[L.nspans].held = h->held;
	L.spans[L.nspans].seq = h->seq;
	copy_str(L.spans[L.nspans].entry, sizeof(L.spans[L.nspans].entry), h->entry);
	L.nspans++;
}

static void budget_check(const struct model_lat_hold *h, const struct frame *f, int depth)
{
	const char *which;
	char lim[32], held[32], start[32], evs[700];
	sim_ns limit = L.checks ? budget_for(f, depth, &which) : 0;
	if (!limit || h->held <= limit)
		return;
	sim_format_ns(limit, lim, sizeof(lim));
	sim_format_ns(h->held, held, sizeof(held));
	sim_format_ns(h->start, start, sizeof(start));
	model_lat_events_format(h->ev, h->nev, evs, sizeof(evs));
	model_breach("stack-hold-budget",
	             "%s %s held the %s %s from t=%s, over its budget %s = %s (trace record "
	             "#%llu); costing events: %s",
	             h->entry, h->fn, f->ctx == CTX_STACK ? "stack context for" : "worker for",
	             held, start, which, lim, (unsigned long long)h->seq, evs[0] ? evs : "none");
}

/* 1 if a goes after b: the costliest events first, the "other" row last (stable). */
static int ev_after(const struct model_lat_event *a, const struct model_lat_event *b)
{
	int ao = !a->fn[0] && !strcmp(a->what, "other"), bo = !b->fn[0] && !strcmp(b->what, "other");
	return ao != bo ? ao : a->total < b->total;
}

static void ev_sort(struct model_lat_event *ev, int nev);

/* The events of f into h: the costliest first; beyond MODEL_LAT_EVENTS, the last row is
 * "other", the rest together. */
static void ev_top(struct model_lat_hold *h, struct frame *f)
{
	int n = f->nev;
	ev_sort(f->ev, n);
	if (n <= MODEL_LAT_EVENTS) {
		memcpy(h->ev, f->ev, (size_t)n * sizeof(h->ev[0]));
		h->nev = n;
		return;
	}
	memcpy(h->ev, f->ev, (MODEL_LAT_EVENTS - 1) * sizeof(h->ev[0]));
	copy_str(h->ev[MODEL_LAT_EVENTS - 1].what, sizeof(h->ev[0].what), "other");
	h->ev[MODEL_LAT_EVENTS - 1].fn[0] = 0;
	h->ev[MODEL_LAT_EVENTS - 1].count = 0;
	h->ev[MODEL_LAT_EVENTS - 1].total = 0;
	for (int i = MODEL_LAT_EVENTS - 1; i < n; i++) {
		h->ev[MODEL_LAT_EVENTS - 1].count += f->ev[i].count;
		h->ev[MODEL_LAT_EVENTS - 1].total += f->ev[i].total;
	}
	h->nev = MODEL_LAT_EVENTS;
}

static void ev_sort(struct model_lat_event *ev, int nev)
{
	for (int i = 1; i < nev; i++) {
		struct model_lat_event e = ev[i];
		int j = i;
		while (j > 0 && ev_after(&ev[j - 1], &e)) {
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = e;
	}
}

/* h = what frame f (at depth) has held until t. */
static void hold_fill(struct model_lat_hold *h, struct frame *f, int depth, sim_ns held,
                      sim_ns t)
{
	copy_str(h->entry, sizeof(h->entry), f->entry);
	copy_str(h->fn, sizeof(h->fn), f->fn);
	strcpy(h->ctx, f->ctx == CTX_STACK ? "stack" : "intr");
	h->depth = depth;
	h->start = f->start;
	h->held = held;
	h->elapsed = t - f->start;
	h->open = 0;
	h->seq = 0;
	ev_top(h, f);
}

/* The statistics of a span that ended holding for `held`. */
static void span_count(const struct frame *f, int depth, sim_ns held)
{
	struct entry_stat *e = entry_stat(f->entry);
	dur_add(&e->d, held);
	e->total += held;
	if (held > e->max)
		e->max = held;
	if (depth == 0) {
		L.holds++;
		dur_add(&L.hold_d, held);
	}
}

/* A span ends: statistics; if it held the token at all, its trace record, its place
 * among the worst and its budget. */
static void span_close(struct frame *f, int depth)
{
	sim_world *w = model_core.w;
	struct model_lat_hold h;
	char evs[700];
	sim_ns t = now();
	if (f->ctx == CTX_STACK && f->seg_start >= 0)
		f->held += t - f->seg_start;
	if (f->ctx == CTX_INTR)
		f->held = t - f->start;
	span_count(f, depth, f->held);
	if (f->held <= 0)
		return; /* nothing to draw, rank or check */
	hold_fill(&h, f, depth, f->held, t);
	h.seq = sim_world_events(w);
	model_lat_events_format(h.ev, h.nev, evs, sizeof(evs));
	sim_emit(w, L.kind_hold, h.entry, h.fn, h.ctx, (int64_t)depth, (int64_t)h.start,
	         (int64_t)h.held, (int64_t)h.elapsed, evs);
	if (depth == 0) {
		spans_add(&h);
		worst_insert(&h);
	}
	budget_check(&h, f, depth);
}

void model_lat_enter(const char *entry, const char *fn)
{
	struct model_thread *self;
	struct frame *f;
	int s, d, ctx = CTX_NONE;
	lat_init();
	if (!model_core.w)
		return;
	s = slot_of(sim_thread_self(model_core.w));
	d = L.depth[s]++;
	if (d >= LAT_DEPTH)
		return;
	self = model_thread_self();
	if (d > 0)
		ctx = (*frames[s])[d - 1].ctx;
	else if (self && model_core.stack.holder == self)
		ctx = CTX_STACK;
	else if (self && self->kind == MT_WORKER)
		ctx = CTX_INTR;
	f = &slot_frames(s)[d];
	f->entry = entry;
	f->fn = model_intern(fn); /* one address per text: ev_add compares addresses */
	f->ctx = ctx;
	f->start = now();
	f->seg_start = ctx == CTX_STACK && model_core.stack.holder == self ? f->start : -1;
	f->held = 0;
	f->nev = 0;
}

void model_lat_leave(void)
{
	int s, d;
	if (!model_core.w || !L.init)
		return;
	s = slot_of(sim_thread_self(model_core.w));
	if (L.depth[s] == 0)
		return;
	d = --L.depth[s];
	if (d < LAT_DEPTH && (*frames[s])[d].ctx != CTX_NONE)
		span_close(&(*frames[s])[d], d);
}

/* The stack token moves from thread `from` to thread `to` (either may be NULL). */
void model_lat_token(struct model_thread *from, struct model_thread *to)
{
	sim_ns t;
	if (!L.init || !model_core.w)
		return;
	t = now();
	if (from) {
		int s = slot_of(from->st), n = L.depth[s] < LAT_DEPTH ? L.depth[s] : LAT_DEPTH;
		for (int i = 0; i < n; i++) {
			struct frame *f = &(*frames[s])[i];
			if (f->ctx == CTX_STACK && f->seg_start >= 0) {
				f->held += t - f->seg_start;
				f->seg_start = -1;
			}
		}
	}
	if (to) {
		int s = slot_of(to->st), n = L.depth[s] < LAT_DEPTH ? L.depth[s] : LAT_DEPTH;
		for (int i = 0; i < n; i++)
			if ((*frames[s])[i].ctx == CTX_STACK)
				(*frames[s])[i].seg_start = t;
	}
}

/* ------------------------------------------------------------ costing events */

sim_ns model_lat_mark(void)
{
	return model_core.w ? now() : 0;
}

/* The innermost measured frame of the calling thread, or NULL. */
static struct frame *current(int *sp, int *dp)
{
	sim_thread *st;
	int s, d;
	if (!L.init || !model_core.w || !(st = sim_thread_self(model_core.w)))
		return NULL;
	s = slot_of(st);
	d = L.depth[s] < LAT_DEPTH ? L.depth[s] : LAT_DEPTH;
	if (d == 0 || (*frames[s])[d - 1].ctx == CTX_NONE)
		return NULL;
	*sp = s;
	*dp = d;
	return &(*frames[s])[d - 1];
}

static void flag_blocking(struct frame *f, const char *what, sim_ns cost)
{
	char c[32];
	sim_emit(model_core.w, L.kind_block, what, f->fn, (int64_t)cost);
	L.flagged++;
	if (!L.checks)
		return;
	sim_format_ns(cost, c, sizeof(c));
	model_breach("stack-blocked",
	             "%s blocked the stack context for %s inside %s (%s): a driver must not "
	             "block there; sleep with ltsleep, hand the work to blockop, or continue "
	             "from a re-armed callout",
	             what, c, f->fn, f->entry);
}

int model_lat_measuring(void)
{
	int s, d;
	return current(&s, &d) != NULL;
}

static void lat_event(const char *what, int what_static, sim_ns since,
                      enum model_lat_block block)
{
	int s, d;
	struct frame *f = current(&s, &d);
	sim_ns cost;
	if (!f)
		return;
	cost = now() - since;
	if (cost <= 0 && block == MODEL_LAT_COST)
		return;
	for (int i = 0; i < d; i++)
		if ((*frames[s])[i].ctx != CTX_NONE)
			ev_add(&(*frames[s])[i], what, what_static, f->fn, cost);
	if (f->ctx != CTX_STACK || model_core.stack.holder != model_thread_self())
		return;
	if ((block == MODEL_LAT_WAIT && cost > 0) ||
	    (block == MODEL_LAT_BUSY && cost > L.delay_threshold))
		flag_blocking(f, what, cost);
}

void model_lat_event(const char *what, sim_ns since, enum model_lat_block block)
{
	lat_event(what, 0, since, block);
}

sim_ns model_lat_cost(enum model_cost c)
{
	if (!L.init || L.w != model_core.w)
		lat_init();
	return L.costs[c];
}

void model_lat_charge(enum model_cost c, const char *what)
{
	sim_ns t0, ns = model_lat_cost(c);
	sim_thread *st;
	if (ns <= 0 || !model_core.w || !(st = sim_thread_self(model_core.w)) ||
	    !L.depth[slot_of(st)])
		return; /* only driver code pays: not io-pkt's own work, not an ISR */
	t0 = now();
	/* per-frame mbuf costs in a batch trace: the hold record has them, counted */
	if ((c == MODEL_COST_MBUF_ALLOC || c == MODEL_COST_MBUF_FREE) && !model_frame_records())
		sim_spend_untraced(model_core.w, ns);
	else
		sim_spend(model_core.w, ns);
	lat_event(what, 1, t0, MODEL_LAT_COST);
}

/* ------------------------------------------------------------ settings (model.h) */

int model_lat_cost_set(const char *name, sim_ns ns, char *err, size_t errlen)
{
	lat_init();
	for (int i = 0; i < MODEL_COST_COUNT; i++)
		if (!strcmp(cost_def[i].name, name)) {
			if (ns < 0 && !(ns == -1 && cost_def[i].def < 0)) {
				sim_errf(err, errlen, "cost %s must not be negative", name);
				return -EINVAL;
			}
			L.costs[i] = ns;
			if (model_core.w)
				sim_emit(model_core.w, L.kind_cost, name, (int64_t)ns);
			return 0;
		}
	sim_errf(err, errlen, "no cost named \"%s\" (known: mbuf_alloc, mbuf_free, barrier, "
	         "reg_read, reg_write, wakeup)", name);
	return -EINVAL;
}

const char *model_lat_cost_name(int i, sim_ns *ns)
{
	lat_init();
	if (i < 0 || i >= MODEL_COST_COUNT)
		return NULL;
	*ns = L.costs[i];
	return cost_def[i].name;
}

int model_lat_budget_set(const char *what, sim_ns limit, char *err, size_t errlen)
{
	lat_init();
	L.checks = 1;
	if (limit < 0) {
		sim_errf(err, errlen, "budget %s must not be negative", what);
		return -EINVAL;
	}
	if (!strcmp(what, "any")) {
		L.budget_any = limit;
		return 0;
	}
	if (!strcmp(what, "probe")) {
		L.budget_probe = limit;
		return 0;
	}
	if (!strcmp(what, "delay_threshold")) {
		L.delay_threshold = limit;
		return 0;
	}
	for (int i = 0; i < L.nbudgets; i++)
		if (!strcmp(L.budgets[i].name, what)) {
			L.budgets[i].limit = limit;
			return 0;
		}
	if (L.nbudgets == LAT_ENTRIES || strlen(what) >= sizeof(L.budgets[0].name)) {
		sim_errf(err, errlen, "too many budgets, or a name too long: %s", what);
		return -EINVAL;
	}
	snprintf(L.budgets[L.nbudgets].name, sizeof(L.budgets[0].name), "%s", what);
	L.budgets[L.nbudgets++].limit = limit;
	return 0;
}

void model_lat_checks(int on)
{
	lat_init();
	L.checks = on;
}

/* ------------------------------------------------------------ the probe */

static int probe_fn(void *arg)
{
	return 0; /* "ifconfig" with no argument: io-pkt answers from the stack, no driver */
}

/* The probe waited too long: name the longest hold so far (the likely culprit). */
static void probe_breach(sim_ns sent, sim_ns waited)
{
	char t[32], lat[32], per[32], held[32], evs[600];
	const struct model_lat_hold *h = L.nworst ? &L.worst[0] : NULL;
	sim_format_ns(sent, t, sizeof(t));
	sim_format_ns(waited, lat, sizeof(lat));
	sim_format_ns(L.budget_probe, per, sizeof(per));
	sim_format_ns(h ? h->held : 0, held, sizeof(held));
	if (h)
		model_lat_events_format(h->ev, h->nev, evs, sizeof(evs));
	model_breach("stack-probe-budget",
	             "a status request (the probe) sent at t=%s waited %s for the stack context, "
	             "over its budget probe = %s; the longest hold so far: %s %s held %s (%s)",
	             t, lat, per, h ? h->entry : "none", h ? h->fn : "", held,
	             h && h->nev ? evs : "no costing events");
}

static void probe_main(sim_world *w, void *arg)
{
	for (;;) {
		sim_ns t0, d;
		sim_sleep(w, L.probe_period);
		t0 = sim_now(w);
		model_stack_request("probe: ifconfig", probe_fn, NULL);
		d = sim_now(w) - t0;
		dur_add(&L.probe, d);
		dur_add(&L.probe_at, t0);
		dur_add(&L.probe_wait, d);
		sim_emit(w, L.kind_probe, (int64_t)t0, (int64_t)d);
		if (L.checks && L.budget_probe && d > L.budget_probe)
			probe_breach(t0, d);
	}
}

int model_lat_probe_start(sim_ns period, char *err, size_t errlen)
{
	struct model_thread *t;
	lat_init();
	if (!model_core.w) {
		sim_errf(err, errlen, "no io-pkt");
		return -EINVAL;
	}
	if (period <= 0) {
		sim_errf(err, errlen, "the probe's period must be positive");
		return -EINVAL;
	}
	if (L.probe_running) {
		sim_errf(err, errlen, "the probe runs already");
		return -EBUSY;
	}
	L.probe_period = period;
	t = model_thread_spawn(MT_APP, "probe", 0, probe_main, NULL);
	if (!t) {
		sim_errf(err, errlen, "cannot create the probe thread");
		return -ENOMEM;
	}
	L.probe_running = 1;
	return 0;
}

/* ------------------------------------------------------------ the report (model.h) */

static const sim_ns bucket_bounds[MODEL_LAT_BUCKETS - 1] = {
	1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000,
	1000000, 2000000, 5000000, 10000000, 20000000, 50000000, 100000000, 200000000, 500000000,
	1000000000, 2000000000, 5000000000,
};

sim_ns model_lat_bucket_bound(int i)
{
	return i >= 0 && i < MODEL_LAT_BUCKETS - 1 ? bucket_bounds[i] : -1;
}

static int bucket_of(sim_ns v)
{
	int i = 0;
	while (i < MODEL_LAT_BUCKETS - 1 && v >= bucket_bounds[i])
		i++;
	return i;
}

static void summarize(struct durations *d, struct model_lat_dist *out)
{
	__int128 sum = 0;
	memset(out, 0, sizeof(*out));
	if (!d->n)
		return;
	qsort(d->v, d->n, sizeof(sim_ns), cmp_ns);
	for (size_t i = 0; i < d->n; i++) {
		sum += d->v[i];
		out->hist[bucket_of(d->v[i])]++;
	}
	out->n = d->n;
	out->min = d->v[0];
	out->max = d->v[d->n - 1];
	out->p50 = rank(d->v, d->n, 50);
	out->p99 = rank(d->v, d->n, 99);
	out->total = (sim_ns)sum;
	out->avg = (sim_ns)(sum / (__int128)d->n);
}

/* Outermost driver calls still running (a driver stuck in the stack context when the run
 * ended: a stall, a deadlock, the time limit) join the worst list, marked open. */
static void open_holds(struct model_lat_report *out)
{
	sim_ns t = model_core.w ? now() : 0;
	for (int s = 0; s < LAT_THREADS; s++) {
		struct frame *f;
		struct model_lat_hold h;
		sim_ns held;
		if (!L.depth[s] || !frames[s] || (f = &(*frames[s])[0])->ctx == CTX_NONE)
			continue;
		held = f->ctx == CTX_INTR ? t - f->start
		                          : f->held + (f->seg_start >= 0 ? t - f->seg_start : 0);
		hold_fill(&h, f, 0, held, t);
		h.open = 1;
		worst_insert_in(out->worst, &out->nworst, &h);
	}
}

int model_lat_report(struct model_lat_report *out)
{
	lat_init();
	memset(out, 0, sizeof(*out));
	out->nentries = L.nentries;
	for (int i = 0; i < L.nentries; i++) {
		snprintf(out->entries[i].entry, sizeof(out->entries[i].entry), "%s",
		         L.entries[i].entry);
		summarize(&L.entries[i].d, &out->entries[i].dist);
	}
	summarize(&L.hold_d, &out->holds);
	out->nworst = L.nworst;
	memcpy(out->worst, L.worst, sizeof(L.worst));
	open_holds(out);
	out->spans = L.spans;
	out->nspans = L.nspans;
	out->probe_period = L.probe_period;
	summarize(&L.probe, &out->probe);
	out->probe_at = L.probe_at.v;
	out->probe_wait = L.probe_wait.v;
	out->nprobe = L.probe_at.n < L.probe_wait.n ? L.probe_at.n : L.probe_wait.n;
	out->flagged = L.flagged;
	out->checks = L.checks;
	out->budget_any = L.budget_any;
	out->budget_probe = L.budget_probe;
	out->end = model_core.w ? sim_now(model_core.w) : 0;
	return 0;
}

/* ------------------------------------------------------------ driver-facing costs */

void pktsim_cost(unsigned long ns)
{
	sim_ns t0;
	if (!model_core.w || !sim_thread_self(model_core.w) || !ns)
		return;
	t0 = now();
	sim_spend(model_core.w, (sim_ns)ns);
	model_lat_event("pktsim_cost", t0, MODEL_LAT_COST);
}

static void barrier(const char *what)
{
	__sync_synchronize();
	model_lat_charge(MODEL_COST_BARRIER, what);
}

void membar_producer(void) { barrier("membar_producer"); }
void membar_consumer(void) { barrier("membar_consumer"); }
void membar_sync(void) { barrier("membar_sync"); }
void membar_enter(void) { barrier("membar_enter"); }
void membar_exit(void) { barrier("membar_exit"); }
