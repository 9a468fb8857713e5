/*
 * model/app.c — application traffic: a frame written by an application, the way a socket
 * write reaches ether_output in io-pkt: served in the stack context (a request), the
 * frame built in io-pkt's mbufs, then the output path (ether_output: if_snd, if_start).
 *
 * One write request carries up to count frames (an application writing them in one call,
 * like sendmmsg): they are built and output one after the other in the same stack
 * request, each through ether_output (so if_start is called for each, as for single
 * writes), and the request stops at the first frame that fails.
 *
 * The frame: a broadcast Ethernet header (source: the interface's address, type IPv4)
 * and a payload counting up from 0, len bytes in all.
 */
#include "net_int.h"

#include <stdio.h>
#include <string.h>

struct send_req {
	const char *ifname;
	size_t len;
	int count, sent; /* frames asked for, frames queued so far */
};

/* Bytes 0, 1, ..., 255, twice: the payload at offset off is ramp + off % 256. */
static const uint8_t *ramp(void)
{
	static uint8_t r[512];
	if (!r[1])
		for (int i = 0; i < 512; i++)
			r[i] = (uint8_t)i;
	return r;
}

/* Fill n bytes at dst with the payload pattern of frame offset off (byte i = i mod 256). */
static void payload_fill(uint8_t *dst, size_t off, size_t n)
{
	while (n) {
		size_t k = n < 256 ? n : 256;
		memcpy(dst, ramp() + (off & 255), k);
		dst += k, off += k, n -= k;
	}
}

/* A chain holding len bytes of frame, or NULL (ENOBUFS) with nothing allocated. */
static struct mbuf *build_frame(struct ifnet *ifp, size_t len)
{
	struct mbuf *top = NULL, **mp = &top, *m;
	size_t off = 0;
	while (off < len) {
		size_t room;
		int first = top == NULL;
		int cluster = len - off > (size_t)(first ? MHLEN : MLEN);
		m = net_mbuf_alloc(M_NOWAIT, MT_DATA, first, cluster, NULL, "application write");
		if (!m) {
			while (top)
				top = net_mbuf_free(top, NULL, "application write (no mbuf)");
			return NULL;
		}
		room = cluster ? MCLBYTES : (size_t)(first ? MHLEN : MLEN);
		m->m_len = (int)(len - off < room ? len - off : room);
		payload_fill(mtod(m, uint8_t *), off, (size_t)m->m_len);
		off += (size_t)m->m_len;
		*mp = m;
		mp = &m->m_next;
	}
	struct ether_header *eh = mtod(top, struct ether_header *);
	memcpy(eh->ether_dhost, etherbroadcastaddr, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, LLADDR(ifp->if_sadl), ETHER_ADDR_LEN);
	eh->ether_type = htons(ETHERTYPE_IP);
	top->m_pkthdr.len = (int)len;
	return top;
}

static int send_fn(void *arg)
{
	struct send_req *q = arg;
	struct model_ifnet *r = net_if_by_name(q->ifname);
	struct ifnet *ifp;
	struct mbuf *m;
	int rc;
	if (!r)
		return ENXIO;
	ifp = r->ifp;
	if (q->len < ETHER_HDR_LEN)
		return EINVAL;
	if (q->len > ifp->if_mtu + ETHER_HDR_LEN)
		return EMSGSIZE;
	while (q->sent < q->count) {
		if (!(m = build_frame(ifp, q->len)))
			return ENOBUFS;
		if ((rc = ether_output(ifp, m, NULL, NULL)) != 0)
			return rc;
		q->sent++;
	}
	return 0;
}

int model_app_send_n(const char *ifname, size_t len, int count, int *sent)
{
	struct send_req q = { ifname, len, count, 0 };
	char cmd[96];
	int rc;
	*sent = 0;
	if (!model_net.w || !ifname)
		return ENXIO;
	if (count <= 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "write %s %zu bytes x%d", ifname, len, count);
	rc = model_stack_request(cmd, send_fn, &q);
	*sent = q.sent;
	sim_emit(net_w(), model_net.k.app_send, ifname, (int64_t)len, (int64_t)count,
	         (int64_t)q.sent, (int64_t)rc);
	return rc;
}

int model_app_send(const char *ifname, size_t len)
{
	int sent;
	return model_app_send_n(ifname, len, 1, &sent);
}
