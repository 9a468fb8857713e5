/*
 * model/nic_dma.c — what the simulated NIC may touch by DMA, and the detectors.
 *
 * DMA memory. A driver's rings (and any buffer that is not an mbuf) must lie in a DMA
 * region: memory from mmap(..., MAP_PHYS | MAP_ANON, NOFD, 0) (<sys/mman.h>). Regions are
 * recorded with the site that mapped them and, once unmapped, the site that unmapped them;
 * the record outlives the mapping. Bus addresses (mem_offset64, vtophys) are not host
 * addresses: regions are placed at NIC_BUS_REGION upwards in creation order, a guard page
 * apart, never reusing an address; mbuf slabs at NET_MBUF_BUS by creation order. So what a
 * driver programs into the NIC, and what is traced, is the same in every run.
 *
 * Ownership. When a doorbell hands descriptors to the NIC, each buffer address is looked up
 * once: an mbuf's data (its allocation number is kept, and the mbuf's record counts a DMA
 * reference so that the pool tells us if it is freed meanwhile), a region (its id), or
 * nothing the driver owns. When the NIC really reads or writes the buffer (nic_tx.c,
 * nic_rx.c), the record is checked again:
 *   dma-after-free     the mbuf was freed (or freed and reallocated), or the region
 *                      unmapped, while the NIC owned the descriptor;
 *   dma-bad-address    the address is no memory the driver owns, or the transfer runs past
 *                      the end of the buffer it starts in;
 *   dma-after-shutdown any DMA after io-pkt's shutdown hooks ran, or after the driver let
 *                      the unit go (pci_detach_device), while the engines were left running.
 * Each is a breach (the run stops), counts a DMA error and raises SIMNIC_INT_DMAERR; the
 * unit does no DMA after it. Nothing is ever read or written in memory that failed a check.
 */
#define PKTSIM_NO_REDIRECT
#include "nic_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct {
	struct nic_region *all, *all_tail;   /* every region ever mapped, creation order */
	struct nic_region *last;             /* the last one found */
	struct nic_region *livev[64];        /* the live ones (a driver maps a few) ... */
	int nlive, live_overflow;            /* ... unless more: then every one is searched */
	uint64_t seq;
	uint64_t bus_next;                   /* where the next region goes on the bus */
	sim_world *kw;
	int kind;                            /* trace kind "dma_region" */
	struct { struct net_site alloc, freed; } sites[64];  /* owned mbufs freed (bug path) */
	int nsites;
} D;

static void region_trace(const char *op, const struct nic_region *g, const struct net_site *s)
{
	sim_world *w = model_world();
	char site[300];
	if (!w)
		return;
	if (D.kw != w) {
		D.kw = w;
		D.kind = sim_trace_kind(w, "dma_region", "siis");  /* op, id, bytes, site */
	}
	sim_emit(w, D.kind, op, (int64_t)g->id, (int64_t)(g->end - g->base),
	         net_site_format(s, site, sizeof(site)));
}

struct nic_region *nic_region_at(uintptr_t a, size_t len)
{
	struct nic_region *g = D.last;
	if (g && g->live && a >= g->base && a + len <= g->end && a + len >= a)
		return g;
	if (!D.live_overflow) {           /* unmapped regions are never searched by host address */
		for (int i = 0; i < D.nlive; i++) {
			g = D.livev[i];
			if (a >= g->base && a + len <= g->end && a + len >= a)
				return D.last = g;
		}
		return NULL;
	}
	for (g = D.all; g; g = g->next)
		if (g->live && a >= g->base && a + len <= g->end && a + len >= a) {
			D.last = g;
			return g;
		}
	return NULL;
}

struct nic_region *nic_region_by_bus(uint64_t bus)
{
	struct nic_region *g = D.last;
	if (g && bus >= g->bus && bus < g->bus + (g->end - g->base))
		return g;
	if (bus < NIC_BUS_REGION || bus >= D.bus_next)  /* regions lie in between, in order */
		return NULL;
	for (g = D.all; g; g = g->next)
		if (bus >= g->bus && bus < g->bus + (g->end - g->base)) {
			D.last = g;
			return g;
		}
	return NULL;
}

uint64_t nic_bus_of(const void *p)
{
	struct nic_region *g = nic_region_at((uintptr_t)p, 1);
	uint64_t b;
	if (g)
		return g->bus + ((uintptr_t)p - g->base);
	if ((b = net_mbuf_bus_of(p)) != 0)
		return b;
	return NIC_BUS_NONE;
}

/* ------------------------------------------------------------ <sys/mman.h> */

MODEL_CALLER_SITE void *pktsim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	sim_world *w = model_world();
	struct nic_region *g;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), maplen;
	void *p;
	prot &= ~PROT_NOCACHE;
	if (!(flags & MAP_PHYS))
		return mmap(addr, len, prot, flags, fd, off);
	if (!(flags & MAP_ANONYMOUS))  /* physical memory at off: a device's */
		return mmap_device_memory(addr, len, prot, flags & ~MAP_PHYS, (uint64_t)off);
	if (len == 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	maplen = (len + page - 1) / page * page;
	p = mmap(NULL, maplen, prot | PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || !w)
		return p;
	g = sim_alloc(w, sizeof(*g));
	g->id = ++D.seq;
	g->base = (uintptr_t)p;
	g->end = g->base + len;
	g->maplen = maplen;
	if (!D.bus_next)
		D.bus_next = NIC_BUS_REGION;
	g->bus = D.bus_next;
	D.bus_next += maplen + page;  /* a guard page between regions */
	g->live = 1;
	if (D.nlive < (int)(sizeof(D.livev) / sizeof(D.livev[0])))
		D.livev[D.nlive++] = g;
	else
		D.live_overflow = 1;
	net_site_fill(&g->alloc, __builtin_return_address(0));
	if (D.all_tail)
		D.all_tail->next = g;
	else
		D.all = g;
	D.all_tail = g;
	region_trace("map", g, &g->alloc);
	return p;
}

MODEL_CALLER_SITE int pktsim_munmap(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	for (struct nic_region *g = D.all; g; g = g->next) {
		if (!g->live || a < g->base || a >= g->base + g->maplen)
			continue;
		g->live = 0;
		for (int i = 0; i < D.nlive; i++)
			if (D.livev[i] == g) {
				memmove(&D.livev[i], &D.livev[i + 1],
				        (size_t)(D.nlive - i - 1) * sizeof(D.livev[0]));
				D.nlive--;
				break;
			}
		net_site_fill(&g->freed, __builtin_return_address(0));
		region_trace("unmap", g, &g->freed);
		if (a == g->base)
			return munmap(addr, g->maplen > len ? g->maplen : len);
		return munmap(addr, len);
	}
	return munmap(addr, len);
}

int mem_offset64(const void *addr, int fd, size_t len, off64_t *offset, size_t *contig_len)
{
	(void)fd;
	if (offset)
		*offset = (off64_t)nic_bus_of(addr);
	if (contig_len)
		*contig_len = len;
	return 0;
}

int mem_offset(const void *addr, int fd, size_t len, off_t *offset, size_t *contig_len)
{
	(void)fd;
	if (offset)
		*offset = (off_t)nic_bus_of(addr);
	if (contig_len)
		*contig_len = len;
	return 0;
}

uint64_t pktsim_vtophys(const void *addr)
{
	return nic_bus_of(addr);
}

/* ------------------------------------------------------------ ownership */

/* Keep where a freed mbuf was allocated and freed (its record may be reused later). */
static int site_store(const struct net_mrec *r)
{
	int i = D.nsites < (int)(sizeof(D.sites) / sizeof(D.sites[0])) ? D.nsites++ : D.nsites - 1;
	D.sites[i].alloc = r->alloc;
	D.sites[i].freed = r->freed;
	return i;
}

void nic_own_release(struct nic_own *o)
{
	if (o->kind == NIC_OWN_MBUF && o->obj) {
		struct net_mrec *r = o->obj;
		if (r->dma_refs > 0)
			r->dma_refs--;
	}
	o->kind = NIC_OWN_NONE;
	o->obj = NULL;
}

void nic_own_take(struct nic_own *o, uint64_t bus)
{
	struct nic_region *g;
	struct net_mrec *r;
	uintptr_t lo, hi;
	void *host;
	nic_own_release(o);
	o->bus = bus;
	o->addr = 0;
	o->freed = 0;
	o->site = -1;
	o->handed = nic_now();
	if ((g = nic_region_by_bus(bus)) != NULL) {   /* live, or unmapped since */
		o->kind = NIC_OWN_REGION;
		o->obj = g;
		o->gen = g->id;
		o->addr = g->base + (uintptr_t)(bus - g->bus);
		o->lo = g->base;
		o->hi = g->end;
		return;
	}
	if ((host = net_mbuf_host_of(bus)) != NULL &&
	    (r = net_mbuf_rec_at(host, &lo, &hi)) != NULL) {
		o->kind = NIC_OWN_MBUF;
		o->obj = r;
		o->gen = r->seq;
		o->addr = (uintptr_t)host;
		o->lo = lo;
		o->hi = hi;
		r->dma_refs++;
		if (!r->live) {      /* handed over already freed */
			o->freed = 1;
			o->site = (int16_t)site_store(r);
		}
		return;
	}
	o->kind = NIC_OWN_BAD;
	o->obj = NULL;
}

static void note_freed(struct nic_ring *r, struct net_mrec *m, int *site)
{
	uint32_t mask = r->len - 1;
	if (!r->len || (r->len & mask) || r->len > NIC_RING_MAX)
		return;
	for (uint32_t d = r->head; d != r->tail; d = (d + 1) & mask) {
		struct nic_own *o = &r->own[d];
		if (o->kind == NIC_OWN_MBUF && o->obj == m && o->gen == m->seq && !o->freed) {
			if (*site < 0)
				*site = site_store(m);
			o->freed = 1;
			o->site = (int16_t)*site;
		}
	}
}

void nic_dma_mbuf_freed(struct net_mrec *m)
{
	int site = -1;
	for (int i = 0; i < nic_g.n; i++) {
		note_freed(&nic_g.units[i]->tx.r, m, &site);
		note_freed(&nic_g.units[i]->rx.r, m, &site);
	}
}

/* ------------------------------------------------------------ the detectors */

static void dma_fail(struct nic *u, const char *rule, const char *msg)
{
	u->dma_errors++;
	u->dma_broken = 1;
	sim_emit(nic_g.w, nic_g.k.dma, (int64_t)u->unit, rule, msg);
	nic_cause(u, SIMNIC_INT_DMAERR, nic_now());
	model_breach(rule, "%s", msg);
}

int nic_dma_allowed(struct nic *u, const char *what)
{
	char msg[400], when[32];
	if (!model_net.shut_down && !u->pci_released)
		return 1;
	if (u->shutdown_dma_reported)
		return 0;
	u->shutdown_dma_reported = 1;
	snprintf(msg, sizeof(msg), "%s would %s at t=%s, after %s, with CTRL=0x%x (TXEN %s, RXEN %s): "
	         "the %s must stop DMA (CTRL.RST, or clear TXEN/RXEN and wait for STATUS.TXACT "
	         "to clear) before the memory goes", u->name, what,
	         nic_fmt_ns(nic_now(), when, sizeof(when)),
	         model_net.shut_down ? "io-pkt's shutdown hooks ran" :
	                               "the driver let the unit go (pci_detach_device)",
	         u->ctrl, u->ctrl & SIMNIC_CTRL_TXEN ? "on" : "off",
	         u->ctrl & SIMNIC_CTRL_RXEN ? "on" : "off",
	         model_net.shut_down ? "shutdown hook" : "detach");
	dma_fail(u, "dma-after-shutdown", msg);
	return 0;
}

int nic_dma_check(struct nic *u, const char *ring, uint32_t desc, struct nic_own *o,
                  uint32_t len, int write)
{
	char msg[600], a[200], f[200], when[32], handed[32];
	const char *verb = write ? "write" : "read";
	if (u->dma_broken)
		return 0;
	/* the common case first, without a word of formatting */
	if (o->kind == NIC_OWN_REGION) {
		const struct nic_region *g = o->obj;
		if (g->live && g->id == o->gen && o->addr >= o->lo && o->addr + len <= o->hi)
			return 1;
	} else if (o->kind == NIC_OWN_MBUF) {
		const struct net_mrec *r = o->obj;
		if (!o->freed && r->live && r->seq == o->gen && o->addr >= o->lo && o->addr + len <= o->hi)
			return 1;
	}
	nic_fmt_ns(nic_now(), when, sizeof(when));
	nic_fmt_ns(o->handed, handed, sizeof(handed));
	switch (o->kind) {
	case NIC_OWN_MBUF: {
		struct net_mrec *r = o->obj;
		if (o->freed || !r->live || r->seq != o->gen) {
			const struct net_site *as = o->site >= 0 ? &D.sites[o->site].alloc : &r->alloc;
			const struct net_site *fs = o->site >= 0 ? &D.sites[o->site].freed : &r->freed;
			char reused[64] = "";
			if (r->seq != o->gen)
				snprintf(reused, sizeof(reused), "; its memory is mbuf #%llu's since",
				         (unsigned long long)r->seq);
			snprintf(msg, sizeof(msg), "%s would %s the buffer of descriptor %u of its %s ring at "
			         "t=%s: mbuf #%llu, allocated by %s, was freed by %s while the NIC owned it "
			         "(handed over at t=%s)%s", u->name, verb, desc, ring, when,
			         (unsigned long long)o->gen, net_site_format(as, a, sizeof(a)),
			         net_site_format(fs, f, sizeof(f)), handed, reused);
			dma_fail(u, "dma-after-free", msg);
			return 0;
		}
		break;
	}
	case NIC_OWN_REGION: {
		struct nic_region *g = o->obj;
		if (!g->live || g->id != o->gen) {
			snprintf(msg, sizeof(msg), "%s would %s the buffer of descriptor %u of its %s ring at "
			         "t=%s: it lies in DMA memory #%llu (%zu bytes, mapped by %s) that was "
			         "unmapped by %s while the NIC owned it (handed over at t=%s)", u->name, verb,
			         desc, ring, when, (unsigned long long)g->id, (size_t)(g->end - g->base),
			         net_site_format(&g->alloc, a, sizeof(a)),
			         net_site_format(&g->freed, f, sizeof(f)), handed);
			dma_fail(u, "dma-after-free", msg);
			return 0;
		}
		break;
	}
	default:
		snprintf(msg, sizeof(msg), "%s would %s %u bytes for descriptor %u of its %s ring at t=%s "
		         "at bus address 0x%llx, which is not memory the driver owns (neither an mbuf's "
		         "data nor DMA memory from mmap(MAP_PHYS | MAP_ANON)%s)", u->name, verb, len,
		         desc, ring, when, (unsigned long long)o->bus,
		         o->bus == NIC_BUS_NONE ? "; mem_offset64 gave this address to memory the NIC "
		                                  "cannot reach, e.g. from malloc or a static array" : "");
		dma_fail(u, "dma-bad-address", msg);
		return 0;
	}
	if (o->addr + len > o->hi || o->addr < o->lo) {
		snprintf(msg, sizeof(msg), "%s would %s %u bytes for descriptor %u of its %s ring at t=%s "
		         "at offset %llu of a buffer of %llu bytes (%s): the transfer runs past its end",
		         u->name, verb, len, desc, ring, when,
		         (unsigned long long)(o->addr - o->lo), (unsigned long long)(o->hi - o->lo),
		         o->kind == NIC_OWN_MBUF ? "an mbuf's data" : "DMA memory");
		dma_fail(u, "dma-bad-address", msg);
		return 0;
	}
	return 1;
}

int nic_dma_ring_setup(struct nic *u, struct nic_ring *r, const char *ring)
{
	uint64_t base = (uint64_t)r->bah << 32 | r->bal;
	struct nic_region *g;
	char msg[400], a[200], f[200];
	if (r->len < NIC_RING_MIN || r->len > NIC_RING_MAX || (r->len & (r->len - 1)) || (base & 15))
		return 0;  /* the caller raises TXERR: not a DMA */
	g = nic_region_by_bus(base);
	if (g && g->live && base + (uint64_t)r->len * 16u <= g->bus + (g->end - g->base)) {
		r->host = g->base + (uintptr_t)(base - g->bus);
		r->mem = g;
		r->mem_id = g->id;
		r->ok = 1;
		return 1;
	}
	if (g && !g->live) {
		snprintf(msg, sizeof(msg), "%s would fetch descriptors of its %s ring from DMA memory "
		         "#%llu (mapped by %s) that was unmapped by %s", u->name, ring,
		         (unsigned long long)g->id, net_site_format(&g->alloc, a, sizeof(a)),
		         net_site_format(&g->freed, f, sizeof(f)));
		dma_fail(u, "dma-after-free", msg);
	} else {
		snprintf(msg, sizeof(msg), "%s would fetch descriptors of its %s ring (%u descriptors of "
		         "16 bytes at bus address 0x%llx) from memory that is not DMA memory the driver "
		         "owns: rings come from mmap(MAP_PHYS | MAP_ANON)%s", u->name, ring, r->len,
		         (unsigned long long)base,
		         g ? " (the ring runs past the end of its DMA memory)" : "");
		dma_fail(u, "dma-bad-address", msg);
	}
	return 0;
}

int nic_dma_ring_ok(struct nic *u, struct nic_ring *r, const char *ring)
{
	char msg[400], a[200], f[200];
	if (u->dma_broken)
		return 0;
	if (r->mem && r->mem->live && r->mem->id == r->mem_id)
		return 1;
	snprintf(msg, sizeof(msg), "%s would write back descriptors of its %s ring into DMA memory "
	         "#%llu (mapped by %s) that was unmapped by %s while the ring was in use", u->name,
	         ring, (unsigned long long)(r->mem ? r->mem->id : 0),
	         r->mem ? net_site_format(&r->mem->alloc, a, sizeof(a)) : "?",
	         r->mem ? net_site_format(&r->mem->freed, f, sizeof(f)) : "?");
	dma_fail(u, "dma-after-free", msg);
	return 0;
}

int nic_ring_tail_ok(struct nic *u, const struct nic_ring *r, const char *dir, uint32_t tail)
{
	uint32_t mask = r->len - 1, old = r->tail;
	char x = dir[0]; /* 'T' or 'R': TDH/TDT, RDH/RDT */
	if (((tail - r->head) & mask) >= ((old - r->head) & mask))
		return 1;
	model_breach("nic-ring-overrun", "%s: %cDT written %u while the NIC owned descriptors "
	             "%u..%u (%cDH %u, old %cDT %u): the new tail passes the head, so the driver "
	             "took back %s descriptors the NIC had not finished (a full ring must keep one "
	             "descriptor free)", u->name, x, tail, r->head, (old - 1) & mask, x, r->head, x,
	             old, dir);
	return 0;
}
