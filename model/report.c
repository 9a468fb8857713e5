/*
 * model/report.c — which driver function is running, and the report of a broken io-pkt
 * rule ("breach"): a trace record, a message naming the rule, the driver function, the
 * thread and the virtual time, and the end of the run.
 */
#define _GNU_SOURCE
#include "model_int.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define CALL_DEPTH 16
#define CALLED_MAX 256

struct call {
	const char *entry;
	const void *fnp;
	char fn[96];
	const char *where; /* "fn (entry)", interned on first use (model_call_where) */
};

/* One stack of driver calls per simulated thread, indexed by thread id: a thread can
 * block inside a driver call (ltsleep in if_init) while another thread calls the driver.
 * Process-wide, like model_g (one model per process). */
#define CALL_THREADS 1024

static struct {
	struct call calls[CALL_THREADS][CALL_DEPTH];
	int depth[CALL_THREADS];
	int breaches;
	char last[1024];
	char last_rule[64];
	int kind_breach;
	int kind_call;
	int kind_return;
	sim_world *w;
	/* the driver functions called in this run, in first-call order, with their counts */
	char called[CALLED_MAX][96];
	uint64_t ncalls[CALLED_MAX];
	int ncalled;
} R;

/* Register this module's trace kinds in w once (the world changes only in tests). */
static void kinds(sim_world *w)
{
	if (R.w == w)
		return;
	R.w = w;
	R.ncalled = 0;
	R.kind_breach = sim_trace_kind(w, "breach", "sss");
	R.kind_call = sim_trace_kind(w, "drv_call", "ss");    /* entry fn */
	R.kind_return = sim_trace_kind(w, "drv_return", "ss"); /* entry fn */
}

/* Count a call to the driver function fn (linear: a driver has few entry points). */
static void called_add(const char *fn)
{
	int i;
	for (i = 0; i < R.ncalled; i++)
		if (!strcmp(R.called[i], fn))
			break;
	if (i == R.ncalled) {
		if (R.ncalled == CALLED_MAX)
			return;
		snprintf(R.called[i], sizeof(R.called[i]), "%s", fn);
		R.ncalls[i] = 0;
		R.ncalled++;
	}
	R.ncalls[i]++;
}

static int slot(void)
{
	sim_world *w = model_world();
	int id = w ? sim_thread_id(sim_thread_self(w)) : 0;
	return id % CALL_THREADS; /* threads CALL_THREADS ids apart share a slot */
}

/* Open addressing over the address bits; never iterated, so its order does not matter. */
#define DL_CACHE 4096
static struct dl_slot {
	const void *addr;
	int ok;
	struct model_sym info;
} dl_cache[DL_CACHE];

int model_dladdr(const void *addr, struct model_sym *info)
{
	uintptr_t h = ((uintptr_t)addr >> 3) * 0x9e3779b97f4a7c15ULL;
	for (int probe = 0; probe < 8; probe++) {
		struct dl_slot *s = &dl_cache[((h >> 52) + (uintptr_t)probe) & (DL_CACHE - 1)];
		if (s->addr == addr) {
			*info = s->info;
			return s->ok;
		}
		if (!s->addr || probe == 7) {
			Dl_info d;
			s->addr = addr;
			s->ok = dladdr(addr, &d) != 0;
			s->info.dli_fname = s->ok ? d.dli_fname : NULL;
			s->info.dli_sname = s->ok ? d.dli_sname : NULL;
			s->info.dli_fbase = s->ok ? d.dli_fbase : NULL;
			s->info.dli_saddr = s->ok ? d.dli_saddr : NULL;
			*info = s->info;
			return s->ok;
		}
	}
	return 0;
}

void model_dladdr_flush(void)
{
	memset(dl_cache, 0, sizeof(dl_cache));
}

const char *model_symbol_name(const void *fn, char *buf, size_t n)
{
	struct model_sym info;
	if (!fn) {
		snprintf(buf, n, "(null)");
		return buf;
	}
	if (model_dladdr(fn, &info) && info.dli_sname && info.dli_saddr == fn) {
		size_t l = strnlen(info.dli_sname, n - 1); /* snprintf("%s") without its cost */
		memcpy(buf, info.dli_sname, l);
		buf[l] = 0;
		return buf;
	}
	if (model_dladdr(fn, &info) && info.dli_fname) {
		const char *base = strrchr(info.dli_fname, '/');
		/* an offset inside the object: stable for a given build, not an address */
		snprintf(buf, n, "0x%lx in %s", (unsigned long)((const char *)fn - (const char *)info.dli_fbase),
		         base ? base + 1 : info.dli_fname);
		return buf;
	}
	snprintf(buf, n, "(unknown function)");
	return buf;
}

void model_call_push(const char *entry, const void *fn)
{
	sim_world *w = model_world();
	int s = slot(), d = R.depth[s];
	char name[96];
	model_symbol_name(fn, name, sizeof(name));
	if (d < CALL_DEPTH) {
		R.calls[s][d].entry = entry;
		R.calls[s][d].where = NULL;
		R.calls[s][d].fnp = fn;
		memcpy(R.calls[s][d].fn, name, sizeof(name));
		model_lat_enter(entry, R.calls[s][d].fn); /* docs/latency.md */
	} else {
		model_lat_enter(entry, "(too deep)");
	}
	R.depth[s] = d + 1;
	if (!w)
		return;
	kinds(w);
	called_add(name);
	sim_emit(w, R.kind_call, entry, name);
}

void model_call_pop(void)
{
	sim_world *w = model_world();
	int s = slot(), d = R.depth[s];
	if (d <= 0)
		return;
	model_lat_leave(); /* its hold record, while the call's text is still there */
	R.depth[s] = d - 1;
	if (w && d <= CALL_DEPTH) {
		kinds(w);
		sim_emit(w, R.kind_return, R.calls[s][d - 1].entry, R.calls[s][d - 1].fn);
	}
}

const char *model_driver_called(int i, uint64_t *calls)
{
	if (i < 0 || i >= R.ncalled)
		return NULL;
	if (calls)
		*calls = R.ncalls[i];
	return R.called[i];
}

uint64_t model_driver_calls(const char *fn)
{
	for (int i = 0; i < R.ncalled; i++)
		if (!strcmp(R.called[i], fn))
			return R.ncalls[i];
	return 0;
}

static struct call *call_top(int s)
{
	int d = R.depth[s];
	if (d == 0)
		return NULL;
	return &R.calls[s][(d > CALL_DEPTH ? CALL_DEPTH : d) - 1];
}

static int slot_of(int tid)
{
	return tid >= 0 ? tid % CALL_THREADS : 0; /* as slot() */
}

const char *model_call_where_of(int tid)
{
	struct call *c = call_top(slot_of(tid));
	if (!c)
		return "";
	if (!c->where) { /* every mbuf allocation asks: format once per call */
		char buf[sizeof(c->fn) + 48];
		size_t f = strnlen(c->fn, sizeof(c->fn)), e = strnlen(c->entry, 44);
		memcpy(buf, c->fn, f); /* "fn (entry)" */
		memcpy(buf + f, " (", 2);
		memcpy(buf + f + 2, c->entry, e);
		memcpy(buf + f + 2 + e, ")", 2);
		c->where = model_intern(buf);
	}
	return c->where;
}

const void *model_call_fn_of(int tid)
{
	const struct call *c = call_top(slot_of(tid));
	return c ? c->fnp : NULL;
}

const char *model_call_where(void)
{
	return model_call_where_of(slot());
}


void model_breach(const char *rule, const char *fmt, ...)
{
	sim_world *w = model_world();
	char msg[600], when[32];
	const char *where = model_call_where();
	struct model_thread *t = model_thread_self();
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_format_ns(w ? sim_now(w) : 0, when, sizeof(when));
	snprintf(R.last, sizeof(R.last), "%s: %s (in %s, thread \"%s\", t=%s)", rule, msg,
	         where[0] ? where : "no driver function", t ? model_thread_name(t) : "kernel",
	         when);
	snprintf(R.last_rule, sizeof(R.last_rule), "%s", rule);
	R.breaches++;
	if (!w)
		return;
	kinds(w);
	sim_emit(w, R.kind_breach, rule, msg, where);
	sim_world_stop(w, R.last);
}

int model_breach_count(void) { return R.breaches; }
const char *model_breach_last(void) { return R.last; }
const char *model_breach_last_rule(void) { return R.last_rule; }
int model_breaches(void) { return R.breaches; }
