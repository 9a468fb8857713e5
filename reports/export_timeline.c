/*
 * reports/export_timeline.c — a trace file read into tracks, spans, instants and counters
 * (struct report_timeline), which the Chrome export and the HTML page draw.
 *
 * What each record kind becomes is the table `rules` below, and nothing else: a new kind
 * (for example a stack-context "hold" record) is one more line. Kinds the table does not
 * name are counted in the trace but not drawn.
 */
#define _GNU_SOURCE
#include "reports.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum rule_do {
	D_THREAD,     /* a thread's name (and CPU): id arg, name arg, cpu arg or -1 */
	D_BEGIN,      /* open a span */
	D_END,        /* close the innermost open span of the same category */
	D_PAIR_BEGIN, /* remember when the object named by key arg began */
	D_PAIR_END,   /* a span from its D_PAIR_BEGIN to now, on the record's thread */
	D_CPU_SPAN,   /* a span on the record's CPU: start arg, duration arg (value) */
	D_PAST_SPAN,  /* a span on the record's thread that ended now: start arg (value),
	               * its length two arguments later (a "hold": start, held, elapsed) */
	D_INSTANT,
	D_FAILURE,    /* an instant that also explains why the run failed */
	D_COUNT_ADD,  /* counter name += value */
	D_COUNT_DIFF, /* counter name += value arg - the arg after it */
	D_COUNT_SET,  /* counter name (+ suffix arg) = value arg */
	D_RUN_END,
};

#define ON_STACK (-2) /* track arg: the stack-context track */
#define ON_SELF (-1)  /* track arg: the thread that emitted the record */

struct rule {
	const char *kind;
	enum rule_do what;
	const char *cat;
	int track;      /* ON_SELF, ON_STACK, or the index of an int argument holding a thread id */
	int name;       /* argument giving the name, -1: the kind's name */
	int detail;     /* argument giving the detail, -1: every argument */
	int value;      /* D_THREAD: cpu argument; D_COUNT_*: value argument (-1: +1), ... */
	int (*keep)(const struct sim_record *x); /* NULL: every record of the kind */
	int sign;       /* D_COUNT_ADD: +1 or -1 */
};

static int str_is(const struct sim_record *x, int i, const char *s)
{
	return i < x->nargs && x->args[i].type == SIM_ARG_STR && !strcmp(x->args[i].s, s);
}

static int int_pos(const struct sim_record *x, int i)
{
	return i < x->nargs && x->args[i].type == SIM_ARG_INT && x->args[i].i > 0;
}

static int ifq_drop(const struct sim_record *x) { return str_is(x, 0, "drop"); }
static int input_drop(const struct sim_record *x)
{
	return x->nargs > 2 && x->args[2].type == SIM_ARG_STR && !strncmp(x->args[2].s, "dropped", 7);
}
static int nic_tx_drop(const struct sim_record *x) { return int_pos(x, 3) || int_pos(x, 4); }
static int nic_rx_drop(const struct sim_record *x)
{
	return int_pos(x, 3) || int_pos(x, 4) || int_pos(x, 5);
}

static int bridge_drop(const struct sim_record *x) { return str_is(x, 3, "dropped"); }

/* The table: record kind -> what it is on the timeline. */
static const struct rule rules[] = {
	{ "thread_create", D_THREAD, "", 0, 1, -1, 2, NULL, 0 },
	{ "thread_name", D_THREAD, "", 0, 1, -1, -1, NULL, 0 },
	{ "iopkt_thread", D_THREAD, "", 0, 2, -1, -1, NULL, 0 },
	{ "stack_acquire", D_BEGIN, "stack", ON_STACK, 1, 2, -1, NULL, 0 },
	{ "stack_release", D_END, "stack", ON_STACK, -1, -1, -1, NULL, 0 },
	{ "drv_call", D_BEGIN, "driver", ON_SELF, 1, 0, -1, NULL, 0 },
	{ "drv_return", D_END, "driver", ON_SELF, -1, -1, -1, NULL, 0 },
	{ "spend", D_CPU_SPAN, "cpu", ON_SELF, -1, -1, 1, NULL, 0 },
	{ "hold", D_PAST_SPAN, "hold", ON_SELF, 1, 7, 4, NULL, 0 }, /* docs/latency.md */
	{ "request_start", D_PAIR_BEGIN, "request", ON_SELF, 1, -1, 0, NULL, 0 },
	{ "request_done", D_PAIR_END, "request", ON_SELF, 1, -1, 0, NULL, 0 },
	{ "irq_raise", D_INSTANT, "irq", ON_SELF, -1, -1, -1, NULL, 0 },
	{ "isr", D_INSTANT, "irq", ON_SELF, 2, -1, -1, NULL, 0 },
	{ "intr_process", D_INSTANT, "irq", ON_SELF, 1, -1, -1, NULL, 0 },
	{ "callout_fire", D_INSTANT, "callout", ON_SELF, 1, -1, -1, NULL, 0 },
	{ "link_state", D_INSTANT, "link", ON_SELF, -1, -1, -1, NULL, 0 },
	{ "nic_link", D_INSTANT, "link", ON_SELF, -1, -1, -1, NULL, 0 },
	{ "ifq", D_INSTANT, "drop", ON_SELF, -1, -1, -1, ifq_drop, 0 },
	{ "ifq", D_COUNT_SET, "queue", ON_SELF, 1, -1, 3, NULL, 0 },
	{ "if_input", D_INSTANT, "drop", ON_SELF, -1, -1, -1, input_drop, 0 },
	{ "ether_input", D_INSTANT, "drop", ON_SELF, -1, -1, -1, input_drop, 0 },
	{ "nic_tx", D_INSTANT, "drop", ON_SELF, -1, -1, -1, nic_tx_drop, 0 },
	{ "nic_rx", D_INSTANT, "drop", ON_SELF, -1, -1, -1, nic_rx_drop, 0 },
	{ "mbuf_fail", D_INSTANT, "drop", ON_SELF, -1, -1, -1, NULL, 0 },
	{ "mbuf_alloc", D_COUNT_ADD, "mbufs live", ON_SELF, -1, -1, -1, NULL, 1 },
	{ "mbuf_free", D_COUNT_ADD, "mbufs live", ON_SELF, -1, -1, -1, NULL, -1 },
	/* frame_records = "batch": a stack pass's mbuf allocs and frees, counted */
	{ "frames", D_COUNT_DIFF, "mbufs live", ON_SELF, -1, -1, 0, NULL, 0 },
	{ "bridge", D_INSTANT, "bridge", ON_SELF, 1, -1, -1, NULL, 0 },
	{ "bridge_frame", D_INSTANT, "drop", ON_SELF, -1, -1, -1, bridge_drop, 0 },
	{ "breach", D_FAILURE, "failure", ON_SELF, 0, -1, -1, NULL, 0 },
	{ "expect_fail", D_FAILURE, "failure", ON_SELF, -1, 0, -1, NULL, 0 },
	{ "lua_error", D_FAILURE, "failure", ON_SELF, -1, 0, -1, NULL, 0 },
	{ "stall", D_FAILURE, "failure", ON_SELF, -1, 0, -1, NULL, 0 },
	{ "deadlock", D_FAILURE, "failure", ON_SELF, -1, 0, -1, NULL, 0 },
	{ "stop", D_INSTANT, "run", ON_SELF, -1, 0, -1, NULL, 0 },
	{ "run_end", D_RUN_END, "run", ON_SELF, -1, 0, -1, NULL, 0 },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))
#define MAX_OPEN 64   /* spans open at once on one track */
#define MAX_PAIRS 256 /* D_PAIR_BEGIN remembered at once */

struct open_track {
	size_t open[MAX_OPEN];
	int nopen;
};

/* Reading state beside the timeline being built. */
struct builder {
	struct report_timeline *tl;
	const struct rule *by_kind[1024][2]; /* kind number -> up to two rules */
	struct open_track *open;             /* parallel to tl->tracks */
	struct { int64_t key; sim_ns t; int used; } pairs[MAX_PAIRS];
	int stack_owner;                     /* thread holding the open stack span, -1 none */
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 256;
	void *np;
	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	np = realloc(p, c * size);
	if (np)
		*cap = c;
	return np;
}

/* The index of the track for thread id (REPORT_TRACK_STACK: the stack), created on first
 * use; -1 if memory ran out. */
static int track_of(struct builder *b, int id, int cpu)
{
	struct report_timeline *tl = b->tl;
	struct report_track *nt;
	struct open_track *no;
	for (size_t i = 0; i < tl->ntracks; i++)
		if (tl->tracks[i].id == id)
			return (int)i;
	nt = realloc(tl->tracks, (tl->ntracks + 1) * sizeof(*nt));
	if (!nt)
		return -1;
	tl->tracks = nt;
	no = realloc(b->open, (tl->ntracks + 1) * sizeof(*no));
	if (!no)
		return -1;
	b->open = no;
	memset(&nt[tl->ntracks], 0, sizeof(*nt));
	memset(&no[tl->ntracks], 0, sizeof(*no));
	nt[tl->ntracks].id = id;
	nt[tl->ntracks].cpu = (id > 0 || id <= REPORT_TRACK_CPU(0)) && cpu != SIM_CPU_NONE ? cpu : -1;
	nt[tl->ntracks].kind = id == REPORT_TRACK_STACK ? RT_STACK : id == 0 ? RT_KERNEL
	                       : id < 0 ? RT_CPU : RT_THREAD;
	snprintf(nt[tl->ntracks].name, sizeof(nt->name), "%s",
	         id == REPORT_TRACK_STACK ? "stack context" : id == 0 ? "kernel" : "thread");
	if (id > 0)
		snprintf(nt[tl->ntracks].name, sizeof(nt->name), "thread %d", id % 100000000);
	if (id <= REPORT_TRACK_CPU(0))
		snprintf(nt[tl->ntracks].name, sizeof(nt->name), "CPU %d", cpu % 100000);
	return (int)tl->ntracks++;
}

/* Argument i as text into buf ("" when absent). */
static const char *arg_text(const struct sim_record *x, int i, char *buf, size_t n)
{
	if (i < 0 || i >= x->nargs)
		buf[0] = 0;
	else if (x->args[i].type == SIM_ARG_INT)
		snprintf(buf, n, "%" PRId64, x->args[i].i);
	else
		snprintf(buf, n, "%.*s", (int)n - 1, x->args[i].s);
	return buf;
}

/* Every argument, space-separated. */
static const char *args_text(const struct sim_record *x, char *buf, size_t n)
{
	size_t l = 0;
	buf[0] = 0;
	for (int i = 0; i < x->nargs && l < n; i++) {
		char a[SIM_TRACE_MAX_STR + 1];
		l += (size_t)snprintf(buf + l, n - l, "%s%s", i ? " " : "", arg_text(x, i, a, sizeof(a)));
	}
	return buf;
}

static int rule_track(struct builder *b, const struct rule *r, const struct sim_record *x)
{
	if (r->track == ON_STACK)
		return track_of(b, REPORT_TRACK_STACK, SIM_CPU_NONE);
	if (r->track >= 0 && r->track < x->nargs && x->args[r->track].type == SIM_ARG_INT)
		return track_of(b, (int)x->args[r->track].i, SIM_CPU_NONE);
	return track_of(b, (int)x->thread, x->cpu);
}

static int span_open(struct builder *b, int tr, const struct rule *r, const struct sim_record *x,
                     sim_ns t0, const char *kind_name)
{
	struct report_timeline *tl = b->tl;
	struct open_track *o = &b->open[tr];
	struct report_span *s, *ns;
	char a[SIM_TRACE_MAX_STR + 1];
	if (tl->nspans >= REPORT_MAX_ITEMS) {
		tl->dropped++;
		return 0;
	}
	ns = grow(tl->spans, &tl->spans_cap, tl->nspans + 1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	tl->spans = ns;
	s = &tl->spans[tl->nspans];
	memset(s, 0, sizeof(*s));
	s->track = tr;
	s->t0 = t0;
	s->t1 = -1;
	s->depth = o->nopen;
	snprintf(s->cat, sizeof(s->cat), "%s", r->cat);
	snprintf(s->name, sizeof(s->name), "%s", r->name >= 0 ? arg_text(x, r->name, a, sizeof(a))
	                                                       : kind_name);
	if (r->detail >= 0)
		snprintf(s->detail, sizeof(s->detail), "%s", arg_text(x, r->detail, a, sizeof(a)));
	if (o->nopen < MAX_OPEN)
		o->open[o->nopen++] = tl->nspans;
	tl->nspans++;
	return 0;
}

/* Close the innermost open span of r's category on track tr at t. */
static void span_close(struct builder *b, int tr, const char *cat, sim_ns t)
{
	struct open_track *o = &b->open[tr];
	for (int k = o->nopen - 1; k >= 0; k--) {
		struct report_span *s = &b->tl->spans[o->open[k]];
		if (strcmp(s->cat, cat))
			continue;
		s->t1 = t;
		memmove(&o->open[k], &o->open[k + 1], (size_t)(o->nopen - k - 1) * sizeof(o->open[0]));
		o->nopen--;
		return;
	}
}

/* A stack hold is named by the first driver function its holder calls during it. */
static void stack_name_from_call(struct builder *b, const struct sim_record *x)
{
	int st = -1;
	for (size_t i = 0; i < b->tl->ntracks; i++)
		if (b->tl->tracks[i].id == REPORT_TRACK_STACK)
			st = (int)i;
	if (st < 0 || b->open[st].nopen == 0 || b->stack_owner != (int)x->thread)
		return;
	struct report_span *s = &b->tl->spans[b->open[st].open[b->open[st].nopen - 1]];
	if (!strchr(s->detail, '|') && x->nargs > 1) {
		char d[sizeof(s->detail)];
		snprintf(d, sizeof(d), "%.40s|%.50s", s->name, s->detail);
		memcpy(s->detail, d, sizeof(d));
		snprintf(s->name, sizeof(s->name), "%.*s", (int)sizeof(s->name) - 1, x->args[1].s);
	}
}

static int instant_add(struct builder *b, int tr, const struct rule *r, const struct sim_record *x,
                       const char *kind_name)
{
	struct report_timeline *tl = b->tl;
	struct report_instant *in, *ni;
	char a[SIM_TRACE_MAX_STR + 1];
	if (tl->ninstants >= REPORT_MAX_ITEMS) {
		tl->dropped++;
		return 0;
	}
	ni = grow(tl->instants, &tl->instants_cap, tl->ninstants + 1, sizeof(*ni));
	if (!ni)
		return -ENOMEM;
	tl->instants = ni;
	in = &tl->instants[tl->ninstants++];
	in->track = tr;
	in->t = x->t;
	snprintf(in->cat, sizeof(in->cat), "%s", r->cat);
	snprintf(in->name, sizeof(in->name), "%s", r->name >= 0 ? arg_text(x, r->name, a, sizeof(a))
	                                                         : kind_name);
	if (r->detail >= 0)
		arg_text(x, r->detail, in->detail, sizeof(in->detail));
	else
		args_text(x, in->detail, sizeof(in->detail));
	return 0;
}

static struct report_counter *counter_of(struct report_timeline *tl, const char *name)
{
	struct report_counter *nc;
	for (size_t i = 0; i < tl->ncounters; i++)
		if (!strcmp(tl->counters[i].name, name))
			return &tl->counters[i];
	nc = realloc(tl->counters, (tl->ncounters + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	tl->counters = nc;
	memset(&nc[tl->ncounters], 0, sizeof(*nc));
	snprintf(nc[tl->ncounters].name, sizeof(nc->name), "%s", name);
	return &nc[tl->ncounters++];
}

/* Set counter name to v at t (one point per time: a later value at the same t wins). */
static int counter_set(struct report_timeline *tl, const char *name, sim_ns t, int64_t v,
                       int add)
{
	struct report_counter *c = counter_of(tl, name);
	struct report_point *np;
	if (!c)
		return -ENOMEM;
	if (add)
		v += c->n ? c->pts[c->n - 1].v : 0;
	if (c->n && c->pts[c->n - 1].t == t) {
		c->pts[c->n - 1].v = v;
		return 0;
	}
	if (c->n >= REPORT_MAX_ITEMS) {
		tl->dropped++;
		return 0;
	}
	np = grow(c->pts, &c->cap, c->n + 1, sizeof(*np));
	if (!np)
		return -ENOMEM;
	c->pts = np;
	c->pts[c->n].t = t;
	c->pts[c->n++].v = v;
	return 0;
}

/* Append a failure message; a trace string argument keeps SIM_TRACE_MAX_STR bytes, so a
 * message of that length was cut: say so (the run's own output, and a replay, have it
 * whole). */
static void failure_add(struct report_timeline *tl, const char *text)
{
	size_t have = strlen(tl->failure), len = strlen(text);
	const char *cut = len >= SIM_TRACE_MAX_STR ? " [...: cut at 255 bytes in the trace; "
	                                             "pktsim replay prints it whole]" : "";
	if (have + len + strlen(cut) + 2 < sizeof(tl->failure))
		snprintf(tl->failure + have, sizeof(tl->failure) - have, "%s%s\n", text, cut);
}

static int pair_slot(struct builder *b, int64_t key, int create)
{
	int free_slot = -1;
	for (int i = 0; i < MAX_PAIRS; i++) {
		if (b->pairs[i].used && b->pairs[i].key == key)
			return i;
		if (!b->pairs[i].used && free_slot < 0)
			free_slot = i;
	}
	return create ? free_slot : -1;
}

/* Apply rule r to record x. 0 or -ENOMEM. */
static int apply(struct builder *b, const struct rule *r, const struct sim_record *x,
                 const char *kind_name)
{
	char a[SIM_TRACE_MAX_STR + 1], name[128];
	int tr, k;
	if (r->keep && !r->keep(x))
		return 0;
	switch (r->what) {
	case D_THREAD:
		tr = rule_track(b, r, x);
		if (tr < 0)
			return -ENOMEM;
		snprintf(b->tl->tracks[tr].name, sizeof(b->tl->tracks[tr].name), "%s",
		         arg_text(x, r->name, a, sizeof(a)));
		if (r->value >= 0 && r->value < x->nargs && x->args[r->value].type == SIM_ARG_INT &&
		    b->tl->tracks[tr].id > 0)
			b->tl->tracks[tr].cpu = (int)x->args[r->value].i;
		return 0;
	case D_BEGIN:
		if ((tr = rule_track(b, r, x)) < 0)
			return -ENOMEM;
		if (r->track == ON_STACK)
			b->stack_owner = x->nargs > 0 ? (int)x->args[0].i : -1;
		else if (!strcmp(r->cat, "driver"))
			stack_name_from_call(b, x);
		return span_open(b, tr, r, x, x->t, kind_name);
	case D_END:
		if ((tr = rule_track(b, r, x)) < 0)
			return -ENOMEM;
		if (r->track == ON_STACK)
			b->stack_owner = -1;
		span_close(b, tr, r->cat, x->t);
		return 0;
	case D_PAIR_BEGIN:
		k = pair_slot(b, x->args[r->value].i, 1);
		if (k >= 0) {
			b->pairs[k].used = 1;
			b->pairs[k].key = x->args[r->value].i;
			b->pairs[k].t = x->t;
		}
		return 0;
	case D_PAIR_END: {
		int rc;
		k = pair_slot(b, x->args[r->value].i, 0);
		if (k < 0 || (tr = rule_track(b, r, x)) < 0)
			return k < 0 ? 0 : -ENOMEM;
		b->pairs[k].used = 0;
		rc = span_open(b, tr, r, x, b->pairs[k].t, kind_name);
		if (!rc)
			span_close(b, tr, r->cat, x->t);
		return rc;
	}
	case D_CPU_SPAN: {
		int rc, th = track_of(b, (int)x->thread, x->cpu);
		if (x->cpu == SIM_CPU_NONE || x->nargs < 2)
			return 0;
		tr = track_of(b, REPORT_TRACK_CPU(x->cpu), x->cpu);
		if (tr < 0 || th < 0)
			return -ENOMEM;
		rc = span_open(b, tr, r, x, x->args[0].i, kind_name);
		if (!rc && b->open[tr].nopen) {
			struct report_span *s = &b->tl->spans[b->open[tr].open[--b->open[tr].nopen]];
			s->t1 = x->args[0].i + x->args[1].i;
			snprintf(s->name, sizeof(s->name), "%s", b->tl->tracks[th].name);
		}
		return rc;
	}
	case D_PAST_SPAN: {
		size_t before = b->tl->nspans;
		int rc;
		if (r->value + 2 >= x->nargs || x->args[r->value].type != SIM_ARG_INT ||
		    x->args[r->value + 2].type != SIM_ARG_INT)
			return 0;
		if ((tr = rule_track(b, r, x)) < 0)
			return -ENOMEM;
		rc = span_open(b, tr, r, x, x->args[r->value].i, kind_name);
		if (!rc && b->tl->nspans > before && b->open[tr].nopen) /* not dropped: close it */
			b->tl->spans[b->open[tr].open[--b->open[tr].nopen]].t1 =
				x->args[r->value].i + x->args[r->value + 2].i;
		return rc;
	}
	case D_FAILURE:
		if (!strcmp(kind_name, "breach") && x->nargs >= 3) {
			char text[800];
			snprintf(text, sizeof(text), "%s: %s (in %s)", x->args[0].s, x->args[1].s,
			         x->args[2].s[0] ? x->args[2].s : "no driver function");
			failure_add(b->tl, text);
		} else {
			failure_add(b->tl, args_text(x, a, sizeof(a)));
		}
		__attribute__((fallthrough)); /* a failure is also an instant */
	case D_INSTANT:
		if ((tr = rule_track(b, r, x)) < 0)
			return -ENOMEM;
		return instant_add(b, tr, r, x, kind_name);
	case D_COUNT_ADD:
		return counter_set(b->tl, r->cat, x->t, r->sign, 1);
	case D_COUNT_DIFF:
		if (x->nargs <= r->value + 1 || x->args[r->value].type != SIM_ARG_INT ||
		    x->args[r->value + 1].type != SIM_ARG_INT)
			return 0;
		return counter_set(b->tl, r->cat, x->t,
		                   x->args[r->value].i - x->args[r->value + 1].i, 1);
	case D_COUNT_SET:
		snprintf(name, sizeof(name), "%s %s", r->cat, arg_text(x, r->name, a, sizeof(a)));
		return x->nargs > r->value ? counter_set(b->tl, name, x->t, x->args[r->value].i, 0) : 0;
	case D_RUN_END:
		arg_text(x, 0, b->tl->end, sizeof(b->tl->end));
		return 0;
	}
	return 0;
}

/* The rules of the kind just seen (looked up once per kind number). */
static void rules_bind(struct builder *b, const sim_trace_reader *r, int kind)
{
	const char *name = sim_trace_reader_kind_name(r, kind);
	int n = 0;
	b->by_kind[kind][0] = b->by_kind[kind][1] = NULL;
	for (size_t i = 0; i < NRULES && n < 2; i++)
		if (!strcmp(rules[i].kind, name))
			b->by_kind[kind][n++] = &rules[i];
}

int report_timeline_read(const char *path, struct report_timeline *tl, char *err, size_t errlen)
{
	struct builder *b = calloc(1, sizeof(*b));
	unsigned char bound[1024] = { 0 };
	sim_trace_reader *r;
	struct sim_record x;
	int rc;
	memset(tl, 0, sizeof(*tl));
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->tl = tl;
	b->stack_owner = -1;
	rc = sim_trace_open(path, &r, err, errlen);
	if (rc) {
		free(b);
		return rc;
	}
	tl->hdr = *sim_trace_reader_header(r);
	track_of(b, REPORT_TRACK_STACK, SIM_CPU_NONE);
	track_of(b, 0, SIM_CPU_NONE);
	while ((rc = sim_trace_next(r, &x, err, errlen)) == 1) {
		const char *kn = sim_trace_reader_kind_name(r, x.kind);
		if (x.kind >= 1024)
			continue;
		if (!bound[x.kind]) {
			rules_bind(b, r, x.kind);
			bound[x.kind] = 1;
		}
		tl->t_end = x.t;
		for (int i = 0; i < 2 && b->by_kind[x.kind][i]; i++)
			if ((rc = apply(b, b->by_kind[x.kind][i], &x, kn)) < 0)
				break;
		if (rc < 0)
			break;
	}
	tl->events = sim_trace_reader_events(r);
	tl->digest = sim_trace_reader_digest(r);
	sim_trace_close(r);
	tl->complete = rc == 0;
	if (rc == -ENOMEM) {
		snprintf(err, errlen, "out of memory reading %s", path);
		free(b->open);
		free(b);
		report_timeline_free(tl);
		return rc;
	}
	if (rc < 0 && rc != -ENODATA)
		snprintf(tl->stop_error, sizeof(tl->stop_error), "%s", err);
	for (size_t i = 0; i < tl->nspans; i++)
		if (tl->spans[i].t1 < 0)
			tl->spans[i].t1 = tl->t_end; /* still open when the trace ends */
	free(b->open);
	free(b);
	return 0;
}

void report_timeline_free(struct report_timeline *tl)
{
	for (size_t i = 0; i < tl->ncounters; i++)
		free(tl->counters[i].pts);
	free(tl->counters);
	free(tl->tracks);
	free(tl->spans);
	free(tl->instants);
	memset(tl, 0, sizeof(*tl));
}

const char *report_timeline_verdict(const struct report_timeline *tl)
{
	if (!tl->complete)
		return "INCOMPLETE";
	if (tl->failure[0] || (tl->end[0] && strcmp(tl->end, "done") && strcmp(tl->end, "idle")))
		return "FAIL";
	return "PASS";
}
