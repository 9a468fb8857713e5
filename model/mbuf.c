/*
 * model/mbuf.c — io-pkt's mbuf pool as pktsim keeps it: every mbuf has an owner and a
 * history, freed mbufs are poisoned and kept for a while, and allocation can be made to
 * fail on purpose.
 *
 * Records. An mbuf lives inside a record (struct net_mrec) with its cluster and the
 * sites that allocated and freed it. Records come in slabs that are never returned, so
 * any pointer into them stays readable: a freed mbuf is recognised as such (magic
 * "free", and its record), not a crash.
 *
 * Quarantine. A freed record is filled with NET_POISON (its mbuf, and its cluster up to
 * the end of the data it held: rec_used_extent) and queued; it is reused only once
 * NET_QUARANTINE newer frees have happened. So a double free within that window is
 * reported with both sites, and a write to a freed mbuf (its header or data) is found
 * when the record is reused or when the quarantine is scanned (net_mbuf_check_quarantine:
 * at the end of each request and when mbuf statistics are read).
 *
 * Owners. An mbuf belongs to the DLL whose code called m_get (found from the return
 * address), "io-pkt" for the model's own. Statistics are kept per owner, in the order
 * owners first appear: model_mbuf_info("sam") is sam's allocations, wherever freed.
 *
 * Limits and faults. The pool holds at most max_mbufs mbufs and max_clusters clusters
 * in use; beyond that, or when a fault is injected ("let N succeed, then fail M"),
 * an allocation fails: M_NOWAIT returns NULL, M_WAITOK in a pseudo-thread waits (a tick
 * at a time) and retries.
 */
#define _GNU_SOURCE
#include "net_int.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define NET_MBUF_SLAB 64
#define NET_QUARANTINE 1024
#define NET_OWNERS 64
#define NET_DEFAULT_MBUFS 8192
#define NET_DEFAULT_CLUSTERS 4096

struct net_owner {
	char name[NET_OWNER_LEN];
	int mbufs, clusters, allocs, frees;
};

static struct {
	struct net_mrec **slabs;
	int nslabs, slabcap;
	int nrecs;                          /* records handed out of the slabs */
	struct net_mrec *live_head, *live_tail;
	struct net_mrec *q_head, *q_tail;
	int q_len;
	int mbufs, clusters, allocs, frees; /* all owners */
	int max_mbufs, max_clusters;
	uint64_t seq;
	struct net_owner owners[NET_OWNERS];
	int nowners;
	const char *last_owner_name;        /* owner_get's memory: a text pointer and ... */
	struct net_owner *last_owner;       /* ... its owner */
	int fail_after, fail_count;         /* fault injection: fail_after < 0 is off */
	int waiters;                        /* M_WAITOK sleepers */
	unsigned char poison[MCLBYTES];
} P;

void net_mbuf_init(void)
{
	memset(&P, 0, sizeof(P));
	P.max_mbufs = NET_DEFAULT_MBUFS;
	P.max_clusters = NET_DEFAULT_CLUSTERS;
	P.fail_after = -1;
	memset(P.poison, NET_POISON, sizeof(P.poison));
}

/* ------------------------------------------------------------ sites */

/*
 * The code site ("sam_rx+0x4c (devnp-sam.so)") and owner, interned, cached by return
 * address and the DLL record (and its load state) it belongs to: every mbuf allocation
 * and free records its site, and formatting it each time was the largest cost per
 * received frame. Never iterated: its order cannot leak into results.
 */
struct site_cache { const void *ra; const void *d; int state; const char *code, *owner; };
static struct site_cache site_cache[256];
static sim_world *site_cache_w;

void net_site_fill(struct net_site *s, const void *ra)
{
	struct model_thread *t = model_thread_self();

	if (site_cache_w != net_w()) { /* interned texts live with their world */
		memset(site_cache, 0, sizeof(site_cache));
		site_cache_w = net_w();
	}
	if (!ra) {
		s->owner = NET_IO_PKT;
		s->code = "io-pkt";
	} else {
		struct net_dll *d = net_dll_of(ra);
		struct site_cache *c = &site_cache[((uintptr_t)ra >> 2) & 255];
		if (c->ra != ra || c->d != d || c->state != (d ? (int)d->state : -1)) {
			struct model_sym info;
			char code[NET_SITE_LEN];
			if (model_dladdr(ra, &info) && info.dli_sname) {
				const char *f = info.dli_fname ? strrchr(info.dli_fname, '/') : NULL;
				snprintf(code, sizeof(code), "%s+0x%lx (%s)", info.dli_sname,
				         (unsigned long)((const char *)ra - (const char *)info.dli_saddr),
				         d ? d->file : f ? f + 1 : info.dli_fname ? info.dli_fname : "?");
			} else {
				net_fn_name(ra, code, sizeof(code));
			}
			c->code = model_intern(code);
			c->owner = d ? model_intern(d->name) : NET_IO_PKT;
			c->ra = ra;
			c->d = d;
			c->state = d ? (int)d->state : -1;
		}
		s->code = c->code;
		s->owner = c->owner;
	}
	s->where = model_call_where();
	s->thread = t ? model_thread_name(t) : "kernel";
	s->t = sim_now(net_w());
}

const char *net_site_format(const struct net_site *s, char *buf, size_t n)
{
	char when[32];
	sim_format_ns(s->t, when, sizeof(when));
	if (!s->code) {
		snprintf(buf, n, "(nowhere recorded)");
		return buf;
	}
	snprintf(buf, n, "%s%s%s, thread \"%s\", t=%s", s->code, s->where[0] ? " in " : "",
	         s->where, s->thread, when);
	return buf;
}

int net_site_of(const struct net_site *s, const char *want)
{
	return !want || strcmp(want, s->owner) == 0;
}

void net_site_export(const struct net_site *s, char *owner, size_t on, char *site, size_t sn,
                     sim_ns *t)
{
	snprintf(owner, on, "%s", s->owner);
	net_site_format(s, site, sn);
	*t = s->t;
}

/* ------------------------------------------------------------ owners */

/* The owner named name, created if new. name is a site's owner text (interned or a
 * literal): the last one asked for is remembered by pointer, since every allocation and
 * free asks. */
static struct net_owner *owner_get(const char *name)
{
	if (name == P.last_owner_name)
		return P.last_owner;
	P.last_owner_name = name;
	for (int i = 0; i < P.nowners; i++)
		if (strcmp(P.owners[i].name, name) == 0)
			return P.last_owner = &P.owners[i];
	if (P.nowners == NET_OWNERS) {
		P.last_owner_name = NULL;
		return &P.owners[NET_OWNERS - 1]; /* the last slot collects the rest */
	}
	P.last_owner = &P.owners[P.nowners];
	snprintf(P.owners[P.nowners].name, NET_OWNER_LEN, "%s", name);
	return &P.owners[P.nowners++];
}

static struct net_owner *owner_find(const char *name)
{
	for (int i = 0; i < P.nowners; i++)
		if (strcmp(P.owners[i].name, name) == 0)
			return &P.owners[i];
	return NULL;
}

/* ------------------------------------------------------------ records */

struct net_mrec *net_mbuf_rec(const struct mbuf *m)
{
	const char *p = (const char *)m;
	size_t sz = sizeof(struct net_mrec);
	if (!m)
		return NULL;
	if (m->m_hdr.mh_magic == NET_MAGIC_MBUF) {
		struct net_mrec *r = (struct net_mrec *)(p - offsetof(struct net_mrec, m));
		if (r->magic == NET_MAGIC_MREC && &r->m == m)
			return r;
	}
	for (int i = 0; i < P.nslabs; i++) {
		const char *s = (const char *)P.slabs[i];
		if (p >= s && p < s + sz * NET_MBUF_SLAB) {
			size_t off = (size_t)(p - s) % sz;
			if (off != offsetof(struct net_mrec, m))
				return NULL;
			return (struct net_mrec *)(p - off);
		}
	}
	return NULL;
}

/* 1 if nothing in r's mbuf (but its magic) or the poisoned part of its cluster changed
 * since it was poisoned. */
static int rec_poison_intact(const struct net_mrec *r)
{
	const unsigned char *m = (const unsigned char *)&r->m;
	size_t mo = offsetof(struct mbuf, m_hdr.mh_magic);
	size_t after = mo + sizeof(r->m.m_hdr.mh_magic);
	return memcmp(m, P.poison, mo) == 0 &&
	       memcmp(m + after, P.poison, sizeof(struct mbuf) - after) == 0 &&
	       r->m.m_hdr.mh_magic == NET_MAGIC_MBUF_FREE &&
	       memcmp(r->cluster, P.poison, r->poison_hi) == 0;
}

/* Poison r's mbuf and, if hi > 0, the first hi bytes of its cluster (hi 0: the cluster
 * was not in use and keeps its poison). The checks look at exactly [0, poison_hi), so
 * bytes left unpoisoned are never mistaken for a write. */
static void rec_poison(struct net_mrec *r, size_t hi)
{
	memset(&r->m, NET_POISON, sizeof(r->m));
	r->m.m_hdr.mh_magic = NET_MAGIC_MBUF_FREE;
	if (hi) {
		memset(r->cluster, NET_POISON, hi);
		r->poison_hi = hi;
	}
}

/*
 * How much of r's cluster to poison when the live mbuf r is freed: from its start to the
 * end of the mbuf's data (at least NET_POISON_MIN bytes), where a stale pointer into a
 * freed buffer writes; the whole cluster if the data pointer is not inside it; 0 for an
 * mbuf without a cluster this time (its cluster is as it was: still poisoned). Poisoning
 * and checking all 2 KiB of every freed cluster cost more than the rest of a 64-byte
 * frame's receive path.
 */
static size_t rec_used_extent(const struct net_mrec *r)
{
	ptrdiff_t off = (const char *)r->m.m_data - r->cluster;
	size_t end;
	if (!r->has_cluster)
		return 0;
	if (off < 0 || off > MCLBYTES || r->m.m_len < 0)
		return MCLBYTES;
	end = (size_t)off + (size_t)r->m.m_len;
	if (end < NET_POISON_MIN)
		end = NET_POISON_MIN;
	return end > MCLBYTES ? MCLBYTES : end;
}

/* Report a freed record written to since its free, and poison it again. */
static void rec_report_uaf(struct net_mrec *r, const char *when)
{
	char a[300], f[300];
	model_breach("mbuf-use-after-free",
	             "mbuf #%llu was written after it was freed (found %s); allocated by %s; "
	             "freed by %s",
	             (unsigned long long)r->seq, when, net_site_format(&r->alloc, a, sizeof(a)),
	             net_site_format(&r->freed, f, sizeof(f)));
	rec_poison(r, MCLBYTES);
}

static struct net_mrec *rec_new(void)
{
	struct net_mrec *slab, *r;
	if (P.nrecs == P.nslabs * NET_MBUF_SLAB) {
		if (P.nslabs == P.slabcap) {
			int cap = P.slabcap ? P.slabcap * 2 : 16;
			struct net_mrec **s = sim_alloc(net_w(), sizeof(*s) * (size_t)cap);
			if (P.slabs) {
				memcpy(s, P.slabs, sizeof(*s) * (size_t)P.nslabs);
				sim_free(net_w(), P.slabs, sizeof(*s) * (size_t)P.slabcap);
			}
			P.slabs = s;
			P.slabcap = cap;
		}
		slab = sim_alloc(net_w(), sizeof(struct net_mrec) * NET_MBUF_SLAB);
		for (int i = 0; i < NET_MBUF_SLAB; i++) {
			slab[i].magic = NET_MAGIC_MREC;
			rec_poison(&slab[i], MCLBYTES);
			/* a cluster never handed out: nobody can hold a pointer into it, so the checks
			 * look at its start only, until it has been used */
			slab[i].poison_hi = NET_POISON_MIN;
		}
		P.slabs[P.nslabs++] = slab;
	}
	r = &P.slabs[P.nrecs / NET_MBUF_SLAB][P.nrecs % NET_MBUF_SLAB];
	P.nrecs++;
	return r;
}

/* A record for a new allocation: the oldest quarantined one once the quarantine is
 * full (checked for writes after its free first), else a fresh one. */
static struct net_mrec *rec_take(void)
{
	struct net_mrec *r;
	if (P.q_len < NET_QUARANTINE)
		return rec_new();
	r = P.q_head;
	P.q_head = r->next_q;
	if (!P.q_head)
		P.q_tail = NULL;
	P.q_len--;
	r->next_q = NULL;
	if (!rec_poison_intact(r))
		rec_report_uaf(r, "when the buffer was reused");
	return r;
}

static void live_link(struct net_mrec *r)
{
	r->prev_live = P.live_tail;
	r->next_live = NULL;
	if (P.live_tail)
		P.live_tail->next_live = r;
	else
		P.live_head = r;
	P.live_tail = r;
}

static void live_unlink(struct net_mrec *r)
{
	if (r->prev_live)
		r->prev_live->next_live = r->next_live;
	else
		P.live_head = r->next_live;
	if (r->next_live)
		r->next_live->prev_live = r->prev_live;
	else
		P.live_tail = r->prev_live;
	r->prev_live = r->next_live = NULL;
}

int net_mbuf_check_quarantine(void)
{
	int bad = 0;
	for (struct net_mrec *r = P.q_head; r; r = r->next_q)
		if (!rec_poison_intact(r)) {
			rec_report_uaf(r, "in the quarantine of freed mbufs");
			bad++;
		}
	return bad;
}

/* ------------------------------------------------------------ rules */

int net_mbuf_thread_ok(const char *api)
{
	static const struct net_thread_rule rule = {
		"mbuf-in-isr", "%s called from an interrupt handler (kernel context)",
		"mbuf-in-blockop", "%s called on \"io-pkt main\" (blockop work may not manage buffers)",
		"mbuf-untracked-thread", "%s called from thread \"%s\", which io-pkt does not track "
		                         "(created with pthread_create, not nw_pthread_create): it may "
		                         "not allocate or free mbufs",
	};
	return net_thread_ok(&rule, api);
}

/* The breakpoint of fault injection: every injected failure passes here. */
void model_mbuf_fault_hit(void) __attribute__((noinline));
void model_mbuf_fault_hit(void)
{
	__asm__ volatile("");
}

static int fault_injected(void)
{
	if (P.fail_after < 0)
		return 0;
	if (P.fail_after > 0) {
		P.fail_after--;
		return 0;
	}
	if (P.fail_count == 0) {
		P.fail_after = -1;
		return 0;
	}
	if (P.fail_count > 0)
		P.fail_count--;
	model_mbuf_fault_hit();
	return 1;
}

/* Why an allocation cannot be served now, or NULL if it can. */
static const char *alloc_refused(int cluster)
{
	if (fault_injected())
		return "fault injected";
	if (P.mbufs >= P.max_mbufs)
		return "no mbuf free (pool limit)";
	if (cluster && P.clusters >= P.max_clusters)
		return "no cluster free (pool limit)";
	return NULL;
}

/* ------------------------------------------------------------ alloc and free */

static void rec_setup(struct net_mrec *r, int type, int pkthdr, int cluster)
{
	struct mbuf *m = &r->m;
	memset(m, 0, sizeof(*m));
	m->m_hdr.mh_magic = NET_MAGIC_MBUF;
	m->m_type = (short)type;
	m->m_flags = pkthdr ? M_PKTHDR : 0;
	r->has_cluster = cluster;
	if (cluster) {
		m->m_flags |= M_EXT;
		m->m_ext.ext_buf = r->cluster;
		m->m_ext.ext_size = MCLBYTES;
		m->m_data = r->cluster;
	} else {
		m->m_data = pkthdr ? m->m_pktdat : m->m_dat;
	}
}

struct mbuf *net_mbuf_alloc(int how, int type, int pkthdr, int cluster, const void *ra,
                            const char *api)
{
	struct model_thread *t = model_thread_self();
	int can_wait = 0;
	const char *why;
	struct net_mrec *r;
	struct net_owner *o;
	char site[200];

	if (ra && !net_mbuf_thread_ok(api))
		return NULL;
	if (how == M_WAITOK && t && model_thread_kind(t) == MT_TRACKED) {
		model_breach("mbuf-waitok-tracked",
		             "%s(M_WAITOK) from tracked thread \"%s\": only a stack pseudo-thread "
		             "may wait for memory; use M_NOWAIT", api, model_thread_name(t));
		how = M_NOWAIT;
	}
	can_wait = how == M_WAITOK && t && model_thread_kind(t) == MT_PSEUDO;
	while ((why = alloc_refused(cluster)) != NULL) {
		struct net_site s;
		net_site_fill(&s, ra);
		snprintf(site, sizeof(site), "%s: %s", api, s.code);
		sim_emit(net_w(), model_net.k.mbuf_fail, why, site);
		if (!can_wait)
			return NULL;
		P.waiters++;
		ltsleep(&P, 0, "mbuf", 1, NULL);  /* a tick, then look again */
		P.waiters--;
	}
	r = rec_take();
	r->live = 1;
	r->seq = ++P.seq;
	rec_setup(r, type, pkthdr, cluster);
	net_site_fill(&r->alloc, ra);
	memset(&r->freed, 0, sizeof(r->freed));
	live_link(r);
	o = owner_get(r->alloc.owner);
	P.mbufs++, o->mbufs++, P.allocs++, o->allocs++;
	if (cluster)
		P.clusters++, o->clusters++;
	if (net_frame_record())
		sim_emit(net_w(), model_net.k.mbuf_alloc, (int64_t)r->seq, (int64_t)cluster,
		         r->alloc.owner, r->alloc.code);
	else
		model_net.fc.mbuf_alloc++;
	return &r->m;
}

int net_mbuf_add_cluster(struct mbuf *m, int how, const void *ra)
{
	struct net_mrec *r = net_mbuf_rec(m);
	struct net_owner *o;
	if (!r || !r->live || r->has_cluster)
		return r && r->has_cluster ? 0 : -EINVAL;
	if (fault_injected() || P.clusters >= P.max_clusters) {
		struct net_site s;
		net_site_fill(&s, ra);
		sim_emit(net_w(), model_net.k.mbuf_fail, "no cluster free", s.code);
		return -ENOBUFS;
	}
	r->has_cluster = 1;
	m->m_flags |= M_EXT;
	m->m_ext.ext_buf = r->cluster;
	m->m_ext.ext_size = MCLBYTES;
	m->m_data = r->cluster;
	o = owner_get(r->alloc.owner);
	P.clusters++, o->clusters++;
	return 0;
}

int net_mbuf_check(const struct mbuf *m, const char *api)
{
	struct net_mrec *r = net_mbuf_rec(m);
	char a[300], f[300];
	if (r && r->live && m->m_hdr.mh_magic == NET_MAGIC_MBUF)
		return 1;
	if (r && !r->live && r->seq)
		model_breach("mbuf-use-after-free", "%s on mbuf #%llu, which was freed; allocated by "
		             "%s; freed by %s", api, (unsigned long long)r->seq,
		             net_site_format(&r->alloc, a, sizeof(a)),
		             net_site_format(&r->freed, f, sizeof(f)));
	else if (r && r->live)
		model_breach("mbuf-corrupt", "%s on mbuf #%llu whose header was overwritten; "
		             "allocated by %s", api, (unsigned long long)r->seq,
		             net_site_format(&r->alloc, a, sizeof(a)));
	else
		model_breach("mbuf-bad-pointer", "%s on %s, which is not an mbuf", api,
		             m ? "a pointer" : "NULL");
	return 0;
}

struct mbuf *net_mbuf_free(struct mbuf *m, const void *ra, const char *api)
{
	struct net_mrec *r;
	struct net_owner *o;
	struct mbuf *next;
	char a[300], f[300];

	if (ra && !net_mbuf_thread_ok(api))
		return NULL;
	r = net_mbuf_rec(m);
	if (r && !r->live && r->seq) {
		struct net_site now;
		net_site_fill(&now, ra);
		model_breach("mbuf-double-free", "%s of mbuf #%llu, already freed; allocated by %s; "
		             "first freed by %s", api, (unsigned long long)r->seq,
		             net_site_format(&r->alloc, a, sizeof(a)),
		             net_site_format(&r->freed, f, sizeof(f)));
		return NULL;
	}
	if (!r || !r->live || m->m_hdr.mh_magic != NET_MAGIC_MBUF) {
		net_mbuf_check(m, api);
		return NULL;
	}
	next = m->m_next;
	net_site_fill(&r->freed, ra);
	if (r->dma_refs)
		nic_dma_mbuf_freed(r);  /* the NIC still owns it: noted for its DMA check */
	live_unlink(r);
	r->live = 0;
	o = owner_get(r->alloc.owner);
	P.mbufs--, o->mbufs--, P.frees++, o->frees++;
	if (r->has_cluster)
		P.clusters--, o->clusters--;
	rec_poison(r, rec_used_extent(r));
	r->has_cluster = 0;
	r->next_q = NULL;
	if (P.q_tail)
		P.q_tail->next_q = r;
	else
		P.q_head = r;
	P.q_tail = r;
	P.q_len++;
	if (net_frame_record())
		sim_emit(net_w(), model_net.k.mbuf_free, (int64_t)r->seq, r->alloc.owner,
		         r->freed.code);
	else
		model_net.fc.mbuf_free++;
	if (P.waiters && model_in_stack())
		wakeup(&P);
	return next;
}

/* ------------------------------------------------------------ public (model.h) */

int model_mbuf_info(const char *driver, struct model_mbuf_info *out)
{
	char name[NET_OWNER_LEN];
	memset(out, 0, sizeof(*out));
	if (!model_net.w)
		return -ENXIO;
	net_mbuf_check_quarantine();
	if (!driver) {
		out->mbufs = P.mbufs, out->clusters = P.clusters;
		out->allocs = P.allocs, out->frees = P.frees;
		return 0;
	}
	struct net_owner *o = owner_find(net_driver_short(driver, name, sizeof(name)));
	if (o) {
		out->mbufs = o->mbufs, out->clusters = o->clusters;
		out->allocs = o->allocs, out->frees = o->frees;
	}
	return 0;
}

uint64_t net_mbuf_seq(void)
{
	return P.seq;
}

int model_mbuf_set_limit(int mbufs, int clusters)
{
	if (mbufs < 0 || clusters < 0)
		return -EINVAL;
	if (mbufs)
		P.max_mbufs = mbufs;
	if (clusters)
		P.max_clusters = clusters;
	return 0;
}

void model_mbuf_fail(int after, int count)
{
	P.fail_after = after < 0 ? -1 : after;
	P.fail_count = count;
}

int model_mbuf_live(const char *driver, void (*fn)(const struct model_mbuf_live *, void *),
                    void *arg)
{
	char name[NET_OWNER_LEN];
	const char *want = driver ? net_driver_short(driver, name, sizeof(name)) : NULL;
	int n = 0;
	for (struct net_mrec *r = P.live_head; r; r = r->next_live) {
		struct model_mbuf_live l;
		if (!net_site_of(&r->alloc, want) || (n++, !fn))
			continue;
		memset(&l, 0, sizeof(l));
		l.seq = r->seq;
		l.cluster = r->has_cluster;
		l.len = r->m.m_len;
		net_site_export(&r->alloc, l.owner, sizeof(l.owner), l.site, sizeof(l.site), &l.t);
		fn(&l, arg);
	}
	return n;
}

/* ============================================================ for the NIC model
 *
 * model/nic_dma.c checks, when the simulated NIC reads or writes a buffer by DMA, that the
 * buffer still belongs to the allocation it was handed with. It needs to go from an address
 * to the record around it quickly (once per descriptor): a sorted index of the slabs, kept
 * here because the slabs are this file's. Sorting by address only serves the search; no
 * output ever depends on the order. Devices see the slabs at bus addresses given by their
 * creation order (net_mbuf_bus_of), never at host addresses, so nothing traced depends on
 * where the C library put them.
 */

static struct {
	uintptr_t *base;            /* slab start addresses, ascending */
	int *idx;                   /* ... and each one's creation index */
	int n, cap;                 /* slabs indexed (== P.nslabs once up to date) */
	int last;                   /* the last slab found */
} SX;

_Static_assert(sizeof(struct net_mrec) * NET_MBUF_SLAB <= NET_MBUF_BUS_STRIDE,
               "a slab must fit its bus window");

static void slab_index_update(void)
{
	if (SX.n > P.nslabs)     /* the pool was created again (net_mbuf_init) */
		memset(&SX, 0, sizeof(SX));
	while (SX.n < P.nslabs) {
		uintptr_t b = (uintptr_t)P.slabs[SX.n];
		int i;
		if (SX.n == SX.cap) {
			int cap = SX.cap ? SX.cap * 2 : 64;
			uintptr_t *nb = sim_alloc(net_w(), sizeof(*nb) * (size_t)cap);
			int *ni = sim_alloc(net_w(), sizeof(*ni) * (size_t)cap);
			if (SX.base) {
				memcpy(nb, SX.base, sizeof(*nb) * (size_t)SX.n);
				memcpy(ni, SX.idx, sizeof(*ni) * (size_t)SX.n);
				sim_free(net_w(), SX.base, sizeof(*nb) * (size_t)SX.cap);
				sim_free(net_w(), SX.idx, sizeof(*ni) * (size_t)SX.cap);
			}
			SX.base = nb;
			SX.idx = ni;
			SX.cap = cap;
		}
		for (i = SX.n; i > 0 && SX.base[i - 1] > b; i--) {
			SX.base[i] = SX.base[i - 1];
			SX.idx[i] = SX.idx[i - 1];
		}
		SX.base[i] = b;
		SX.idx[i] = SX.n;
		SX.n++;
	}
}

/* The index (in SX) of the slab holding a, or -1. */
static int slab_find(uintptr_t a)
{
	const size_t slab = sizeof(struct net_mrec) * NET_MBUF_SLAB;
	int s = -1, l = 0, h;
	if (SX.n != P.nslabs)
		slab_index_update();
	if (SX.n && a >= SX.base[SX.last] && a < SX.base[SX.last] + slab)
		return SX.last;
	h = SX.n - 1;
	while (l <= h) {  /* the last slab starting at or below a */
		int m = (l + h) / 2;
		if (SX.base[m] <= a)
			s = m, l = m + 1;
		else
			h = m - 1;
	}
	if (s < 0 || a >= SX.base[s] + slab)
		return -1;
	SX.last = s;
	return s;
}

uint64_t net_mbuf_bus_of(const void *p)
{
	int s = slab_find((uintptr_t)p);
	if (s < 0)
		return 0;
	return NET_MBUF_BUS + (uint64_t)SX.idx[s] * NET_MBUF_BUS_STRIDE + ((uintptr_t)p - SX.base[s]);
}

void *net_mbuf_host_of(uint64_t bus)
{
	uint64_t k, off;
	if (bus < NET_MBUF_BUS)
		return NULL;
	k = (bus - NET_MBUF_BUS) / NET_MBUF_BUS_STRIDE;
	off = (bus - NET_MBUF_BUS) % NET_MBUF_BUS_STRIDE;
	if (k >= (uint64_t)P.nslabs || off >= sizeof(struct net_mrec) * NET_MBUF_SLAB)
		return NULL;
	return (char *)P.slabs[k] + off;
}

struct net_mrec *net_mbuf_rec_at(const void *p, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t a = (uintptr_t)p;
	struct net_mrec *r;
	int s = slab_find(a);
	if (s < 0)
		return NULL;
	r = (struct net_mrec *)(SX.base[s] + (a - SX.base[s]) / sizeof(struct net_mrec) *
	                                         sizeof(struct net_mrec));
	if (!r->seq)
		return NULL;             /* never allocated */
	if (a >= (uintptr_t)r->cluster && a < (uintptr_t)r->cluster + MCLBYTES) {
		if (r->live && !r->has_cluster)
			return NULL;         /* the mbuf has no cluster: not its buffer */
		*lo = (uintptr_t)r->cluster;
		*hi = *lo + MCLBYTES;
		return r;
	}
	if (a >= (uintptr_t)&r->m.M_dat && a < (uintptr_t)(&r->m + 1)) {
		*lo = (uintptr_t)&r->m.M_dat;
		*hi = (uintptr_t)(&r->m + 1);
		return r;
	}
	return NULL;
}
