/*
 * model/mbuf_api.c — the driver-facing mbuf allocation calls (<sys/mbuf.h>). Each
 * passes its return address to the pool, so that the mbuf's owner (the driver's DLL)
 * and allocating site are the driver's code, not this file.
 */
#include "net_int.h"

#include <string.h>

#define RA __builtin_return_address(0)

/* Each call costs the driver virtual time (docs/latency.md: mbuf_alloc, mbuf_free). */
static struct mbuf *alloc_charged(struct mbuf *m, const char *api)
{
	model_lat_charge(MODEL_COST_MBUF_ALLOC, api);
	return m;
}

/* Any io-pkt thread or tracked thread; M_WAITOK only in a stack pseudo-thread. NULL if
 * none can be had. */
MODEL_CALLER_SITE struct mbuf *m_get(int how, int type)
{
	return alloc_charged(net_mbuf_alloc(how, type, 0, 0, RA, "m_get"), "m_get");
}

MODEL_CALLER_SITE struct mbuf *m_gethdr(int how, int type)
{
	return alloc_charged(net_mbuf_alloc(how, type, 1, 0, RA, "m_gethdr"), "m_gethdr");
}

/* As m_get, the data area zeroed. */
MODEL_CALLER_SITE struct mbuf *m_getclr(int how, int type)
{
	struct mbuf *m = alloc_charged(net_mbuf_alloc(how, type, 0, 0, RA, "m_getclr"), "m_getclr");
	if (m)
		memset(mtod(m, void *), 0, MLEN);
	return m;
}

/* An mbuf with a cluster (flags: M_PKTHDR for a packet header mbuf). */
MODEL_CALLER_SITE struct mbuf *m_getcl(int how, int type, int flags)
{
	return alloc_charged(net_mbuf_alloc(how, type, (flags & M_PKTHDR) != 0, 1, RA, "m_getcl"),
	                     "m_getcl");
}

/* m_getcl on behalf of the calling thread wtp (which must be the caller's own WTP). */
MODEL_CALLER_SITE struct mbuf *m_getcl_wtp(int how, int type, int flags, struct nw_work_thread *wtp)
{
	if (!net_mbuf_thread_ok("m_getcl_wtp"))
		return NULL;
	if (wtp != WTP) {
		model_breach("mbuf-wrong-wtp", "m_getcl_wtp given %s, not the calling thread's own "
		             "struct nw_work_thread (WTP)", wtp ? "another thread's wtp" : "NULL");
		return NULL;
	}
	return alloc_charged(net_mbuf_alloc(how, type, (flags & M_PKTHDR) != 0, 1, RA,
	                                    "m_getcl_wtp"), "m_getcl_wtp");
}

/* Add a cluster to m; on failure m is unchanged (M_EXT clear): check M_EXT. */
MODEL_CALLER_SITE void m_clget(struct mbuf *m, int how)
{
	if (!net_mbuf_thread_ok("m_clget") || !net_mbuf_check(m, "m_clget"))
		return;
	net_mbuf_add_cluster(m, how, RA);
	model_lat_charge(MODEL_COST_MBUF_ALLOC, "m_clget");
}

/* Free m (and its cluster); returns what followed it in its chain. */
MODEL_CALLER_SITE struct mbuf *m_free(struct mbuf *m)
{
	struct mbuf *next = net_mbuf_free(m, RA, "m_free");
	model_lat_charge(MODEL_COST_MBUF_FREE, "m_free");
	return next;
}

/* Free the chain m (NULL is fine). Stops at the first mbuf that is not a live one. */
MODEL_CALLER_SITE void m_freem(struct mbuf *m)
{
	const void *ra = RA;
	while (m) {
		m = net_mbuf_free(m, ra, "m_freem");
		model_lat_charge(MODEL_COST_MBUF_FREE, "m_freem");
	}
}
