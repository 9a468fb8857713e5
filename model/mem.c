/*
 * model/mem.c — the heap of driver code: malloc, calloc, realloc and free as drivers call
 * them (<stdlib.h> in include/ redirects them here). Blocks come from the C library's
 * heap with a 16-byte header in front (a magic bound to the block's address, and the
 * block's record), so a pointer the C library allocated itself (strdup) is recognised as
 * not ours and handed to the real free. Records are kept in allocation order; the owner
 * of a block is the DLL of the code that allocated it (net_site_fill), "io-pkt" for code
 * linked into pktsim. Allocations by drivers can be made to fail (model_mem_fail).
 */
#define PKTSIM_NO_REDIRECT
#include "net_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEM_MAGIC 0x6d656d2170b1ab1eull

struct mem_rec {
	void *p;                     /* the user's pointer */
	size_t size;
	uint64_t seq;
	struct net_site site;
	struct mem_rec *prev, *next; /* live blocks, allocation order */
};

struct mem_hdr {
	uint64_t magic;              /* MEM_MAGIC ^ user pointer */
	struct mem_rec *rec;
};

static struct {
	sim_world *w;
	struct mem_rec *head, *tail;
	uint64_t seq;
	int fail_after, fail_count;  /* fail_after < 0: off */
	uint64_t fails;
	int kind;
} M = { .fail_after = -1 };

static void mem_world(void)
{
	if (M.w == model_net.w)
		return;
	memset(&M, 0, sizeof(M));
	M.w = model_net.w;
	M.fail_after = -1;
	M.kind = sim_trace_kind(M.w, "mem_fail", "s");
}

static struct mem_hdr *hdr_of(void *p)
{
	struct mem_hdr *h = (struct mem_hdr *)p - 1;
	return p && h->magic == (MEM_MAGIC ^ (uintptr_t)p) ? h : NULL;
}

/* 1 if this allocation by the code at s must fail (fault injection; drivers only). */
static int mem_fault(const struct net_site *s)
{
	if (M.fail_after < 0 || strcmp(s->owner, NET_IO_PKT) == 0)
		return 0;
	if (M.fail_after > 0) {
		M.fail_after--;
		return 0;
	}
	if (M.fail_count == 0)
		return 0;
	if (M.fail_count > 0)
		M.fail_count--;
	M.fails++;
	sim_emit(M.w, M.kind, s->code);
	return 1;
}

static void *mem_track(struct mem_hdr *h, size_t size, const struct net_site *s)
{
	struct mem_rec *r = sim_alloc(M.w, sizeof(*r));
	void *p = h + 1;
	r->p = p;
	r->size = size;
	r->seq = ++M.seq;
	r->site = *s;
	r->prev = M.tail;
	if (M.tail)
		M.tail->next = r;
	else
		M.head = r;
	M.tail = r;
	h->magic = MEM_MAGIC ^ (uintptr_t)p;
	h->rec = r;
	return p;
}

static void mem_untrack(struct mem_hdr *h)
{
	struct mem_rec *r = h->rec;
	if (r->prev)
		r->prev->next = r->next;
	else
		M.head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		M.tail = r->prev;
	h->magic = 0;
	sim_free(M.w, r, sizeof(*r));
}

static void *mem_alloc(size_t size, int zero, const void *ra)
{
	struct net_site s;
	struct mem_hdr *h;
	if (!model_net.w)
		return zero ? calloc(1, size) : malloc(size);
	mem_world();
	net_site_fill(&s, ra);
	if (mem_fault(&s) || size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = zero ? calloc(1, sizeof(*h) + size) : malloc(sizeof(*h) + size);
	return h ? mem_track(h, size, &s) : NULL;
}

MODEL_CALLER_SITE void *pktsim_malloc(size_t size)
{
	return mem_alloc(size, 0, __builtin_return_address(0));
}

MODEL_CALLER_SITE void *pktsim_calloc(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		return NULL;
	return mem_alloc(nmemb * size, 1, __builtin_return_address(0));
}

void pktsim_free(void *p)
{
	struct mem_hdr *h = hdr_of(p);
	if (!h) {
		free(p);                /* NULL, or the C library's own */
		return;
	}
	mem_untrack(h);
	free(h);
}

MODEL_CALLER_SITE void *pktsim_realloc(void *p, size_t size)
{
	struct mem_hdr *h = hdr_of(p);
	void *np;
	if (!p)
		return mem_alloc(size, 0, __builtin_return_address(0));
	if (!h)
		return realloc(p, size);
	np = mem_alloc(size, 0, __builtin_return_address(0));
	if (!np)
		return NULL;            /* p stays valid, as realloc leaves it */
	memcpy(np, p, h->rec->size < size ? h->rec->size : size);
	pktsim_free(p);
	return np;
}

/* ------------------------------------------------------------ public (model.h) */

void model_mem_fail(int after, int count)
{
	mem_world();
	M.fail_after = after < 0 ? -1 : after;
	M.fail_count = count;
}

int model_mem_info(const char *driver, struct model_mem_info *out)
{
	char name[NET_OWNER_LEN];
	const char *want = driver ? net_driver_short(driver, name, sizeof(name)) : NULL;
	memset(out, 0, sizeof(*out));
	if (!model_net.w)
		return -ENXIO;
	mem_world();
	for (struct mem_rec *r = M.head; r; r = r->next)
		if (!want || strcmp(want, r->site.owner) == 0) {
			out->blocks++;
			out->bytes += r->size;
		}
	out->fails = M.fails;
	out->seq = M.seq;
	return 0;
}

int model_mem_live(const char *driver, void (*fn)(const struct model_mem_live *, void *),
                   void *arg)
{
	char name[NET_OWNER_LEN];
	const char *want = driver ? net_driver_short(driver, name, sizeof(name)) : NULL;
	int n = 0;
	if (!model_net.w)
		return 0;
	mem_world();
	for (struct mem_rec *r = M.head; r; r = r->next) {
		struct model_mem_live l;
		if (!net_site_of(&r->site, want) || (n++, !fn))
			continue;
		memset(&l, 0, sizeof(l));
		l.seq = r->seq;
		l.size = r->size;
		net_site_export(&r->site, l.owner, sizeof(l.owner), l.site, sizeof(l.site), &l.t);
		fn(&l, arg);
	}
	return n;
}
