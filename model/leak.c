/*
 * model/leak.c — per-cycle leak tracking: what one driver holds, checked after every cycle
 * of a scenario that repeats something (if_init over and over, mount/destroy loops).
 *
 * A driver's holdings are the mbufs and heap blocks it allocated and has not freed, and
 * what io-pkt and the kernel keep registered for it: pending callouts, interrupt entries, ISRs, threads
 * still running, shutdown hooks — anything whose function lies in one of the driver's
 * DLLs (loaded or kept as a zombie) or whose structure lies in one of its devices.
 *
 * The first check of a driver is its baseline; every later one compares. More mbufs than
 * at the baseline (or heap blocks) names the oldest allocated since, with its allocating site and
 * the cycle it was allocated in (the cycle where the growth began: each check records the
 * allocation number reached, so an mbuf's number places it in a cycle). More registered
 * things names what is registered now and what was then.
 */
#include "net_int.h"

#include <stdio.h>
#include <string.h>

#define LEAK_DRIVERS 8

struct leak_mark {
	int cycle;
	uint64_t seq;               /* mbuf allocation number reached at this check */
	uint64_t mem_seq;           /* heap block allocation number reached */
};

struct leak_tracker {
	char name[NET_OWNER_LEN];
	int base_cycle, base_mbufs, base_reg, base_blocks;
	size_t base_bytes;
	char base_what[512];         /* what was registered at the baseline */
	struct leak_mark *marks;
	int nmarks, cap;
};

static struct {
	sim_world *w;
	struct leak_tracker t[LEAK_DRIVERS];
	int n;
} LK;

/* What the core and the hooks hold for the DLLs of driver `name`; descriptions to buf. */
static int leak_registered(const char *name, char *buf, size_t n)
{
	int count = 0;
	for (struct net_dll *d = model_net.dlls; d; d = d->next) {
		struct model_ranges r = { 0 };
		if (d->state == NET_DLL_UNLOADED || strcmp(d->name, name) != 0)
			continue;
		model_ranges_add(&r, (const void *)d->base, (const void *)d->end);
		for (struct net_dev *v = model_net.devs; v; v = v->next)
			if (v->dll == d)
				model_ranges_add(&r, v->dev, (const char *)v->dev + v->size);
		for (struct net_dead_dev *dd = model_net.dead; dd; dd = dd->next)
			if (dd->dll == d)
				model_ranges_add(&r, dd->mem, (const char *)dd->mem + dd->size);
		count += model_core_leftovers_in(&r, buf, n);
		count += net_hook_count_of_dll(d, buf, n);
	}
	return count;
}

static struct leak_tracker *leak_tracker(const char *name)
{
	for (int i = 0; i < LK.n; i++)
		if (strcmp(LK.t[i].name, name) == 0)
			return &LK.t[i];
	return NULL;
}

static uint64_t mem_seq(void)
{
	struct model_mem_info mi;
	model_mem_info(NULL, &mi);
	return mi.seq;
}

static void leak_mark(struct leak_tracker *t, int cycle)
{
	if (t->nmarks == t->cap) {
		int cap = t->cap ? t->cap * 2 : 64;
		struct leak_mark *m = sim_alloc(net_w(), (size_t)cap * sizeof(*m));
		if (t->marks) {
			memcpy(m, t->marks, (size_t)t->nmarks * sizeof(*m));
			sim_free(net_w(), t->marks, (size_t)t->cap * sizeof(*m));
		}
		t->marks = m;
		t->cap = cap;
	}
	t->marks[t->nmarks].cycle = cycle;
	t->marks[t->nmarks].seq = net_mbuf_seq();
	t->marks[t->nmarks].mem_seq = mem_seq();
	t->nmarks++;
}

/* The cycle whose check first reached allocation number seq (of mbufs, or of heap
 * blocks with mem set). */
static int leak_cycle_of(const struct leak_tracker *t, uint64_t seq, int mem)
{
	for (int i = 0; i < t->nmarks; i++)
		if (seq <= (mem ? t->marks[i].mem_seq : t->marks[i].seq))
			return t->marks[i].cycle;
	return t->nmarks ? t->marks[t->nmarks - 1].cycle : 0;
}

struct leak_since_mbuf {
	uint64_t after;
	int count;
	struct model_mbuf_live *oldest;
};

static void leak_since_mbuf_one(const struct model_mbuf_live *ml, void *arg)
{
	struct leak_since_mbuf *q = arg;
	if (ml->seq > q->after && q->count++ == 0)
		*q->oldest = *ml;
}

int net_leak_mbufs_since(const char *owner, uint64_t after, struct model_mbuf_live *oldest)
{
	struct leak_since_mbuf q = { after, 0, oldest };
	model_mbuf_live(owner, leak_since_mbuf_one, &q);
	return q.count;
}

struct leak_since_mem {
	uint64_t after;
	int count;
	struct model_mem_live *oldest;
};

static void leak_since_mem_one(const struct model_mem_live *ml, void *arg)
{
	struct leak_since_mem *q = arg;
	if (ml->seq > q->after && q->count++ == 0)
		*q->oldest = *ml;
}

int net_leak_mem_since(const char *owner, uint64_t after, struct model_mem_live *oldest)
{
	struct leak_since_mem q = { after, 0, oldest };
	model_mem_live(owner, leak_since_mem_one, &q);
	return q.count;
}

/*
 * The items of now ("; "-separated) that are not in base, counting repeats: an item that
 * appears twice now and once in base is listed once. Into out (n bytes).
 */
static void leak_added(const char *now, const char *base, char *out, size_t n)
{
	char left[512];
	const char *p = now;
	snprintf(left, sizeof(left), "%s", base);
	out[0] = 0;
	while (*p) {
		const char *end = strstr(p, "; ");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[256], *hit;
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		hit = item[0] ? strstr(left, item) : NULL;
		if (hit)
			memset(hit, '\x01', strlen(item));    /* matched once: not again */
		else if (item[0])
			net_append(out, n, "%s", item);
		p += len;
		if (*p)
			p += 2;
	}
}

int model_leak_check(const char *driver, int cycle, char *msg, size_t n)
{
	char name[NET_OWNER_LEN], what[512] = "";
	struct model_mbuf_info mi;
	struct model_mem_info hi;
	struct leak_tracker *t;
	int reg;
	if (!model_net.w)
		return -ENXIO;
	if (LK.w != model_net.w)
		memset(&LK, 0, sizeof(LK)), LK.w = model_net.w;
	net_driver_short(driver, name, sizeof(name));
	model_mbuf_info(name, &mi);
	model_mem_info(name, &hi);
	reg = leak_registered(name, what, sizeof(what));
	if (!(t = leak_tracker(name))) {
		if (LK.n == LEAK_DRIVERS)
			return -ENOSPC;
		t = &LK.t[LK.n++];
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->base_cycle = cycle;
		t->base_mbufs = mi.mbufs;
		t->base_reg = reg;
		t->base_blocks = hi.blocks;
		t->base_bytes = hi.bytes;
		snprintf(t->base_what, sizeof(t->base_what), "%s", what);
		leak_mark(t, cycle);
		return 0;
	}
	leak_mark(t, cycle);
	if (mi.mbufs > t->base_mbufs) {
		struct model_mbuf_live o = { 0 };
		int found = net_leak_mbufs_since(name, t->marks[0].seq, &o) > 0;
		snprintf(msg, n, "cycle %d: %s holds %d mbuf%s more than after cycle %d (growth began "
		         "in cycle %d): the oldest, mbuf #%llu, was allocated at %s", cycle, name,
		         mi.mbufs - t->base_mbufs, mi.mbufs - t->base_mbufs == 1 ? "" : "s",
		         t->base_cycle, found ? leak_cycle_of(t, o.seq, 0) : cycle,
		         (unsigned long long)o.seq, found ? o.site : "(not found)");
		return 1;
	}
	if (hi.blocks > t->base_blocks) {
		struct model_mem_live o = { 0 };
		int found = net_leak_mem_since(name, t->marks[0].mem_seq, &o) > 0;
		snprintf(msg, n, "cycle %d: %s holds %d heap block%s (%zu bytes) more than after cycle "
		         "%d (growth began in cycle %d): the oldest, block #%llu of %zu bytes, was "
		         "allocated at %s", cycle, name, hi.blocks - t->base_blocks,
		         hi.blocks - t->base_blocks == 1 ? "" : "s", hi.bytes - t->base_bytes,
		         t->base_cycle, found ? leak_cycle_of(t, o.seq, 1) : cycle,
		         (unsigned long long)o.seq, o.size, found ? o.site : "(not found)");
		return 1;
	}
	if (reg > t->base_reg) {
		char added[512];
		leak_added(what, t->base_what, added, sizeof(added));
		snprintf(msg, n, "cycle %d: %s has %d thing%s more registered with io-pkt than after "
		         "cycle %d (growth began in cycle %d); registered now and not then: %s", cycle,
		         name, reg - t->base_reg, reg - t->base_reg == 1 ? "" : "s", t->base_cycle,
		         cycle, added);
		return 1;
	}
	return 0;
}
