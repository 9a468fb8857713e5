/*
 * model/mbuf_chain.c — walking and reshaping mbuf chains (NetBSD's m_copydata,
 * m_copyback, m_adj, m_pullup, m_length). Every mbuf touched is checked to be live; a
 * chain shorter than the request is a breach where NetBSD would panic.
 */
#include "net_int.h"

#include <string.h>

/* Copy len bytes from offset off of the chain m into cp. */
void m_copydata(struct mbuf *m, int off, int len, void *cp)
{
	char *out = cp;
	if (off < 0 || len < 0) {
		model_breach("mbuf-bad-range", "m_copydata(off %d, len %d)", off, len);
		return;
	}
	for (; m && off >= 0; m = m->m_next) {
		if (!net_mbuf_check(m, "m_copydata"))
			return;
		if (off < m->m_len)
			break;
		off -= m->m_len;
	}
	while (len > 0) {
		int n;
		if (!m) {
			model_breach("mbuf-short-chain", "m_copydata: the chain ends %d bytes short", len);
			return;
		}
		if (!net_mbuf_check(m, "m_copydata"))
			return;
		n = m->m_len - off < len ? m->m_len - off : len;
		memcpy(out, mtod(m, char *) + off, (size_t)n);
		out += n, len -= n, off = 0;
		m = m->m_next;
	}
}

/* Copy len bytes from cp into the chain m at offset off; the chain must hold them (it
 * may grow into the trailing space of its last mbuf). */
void m_copyback(struct mbuf *m, int off, int len, const void *cp)
{
	const char *in = cp;
	struct mbuf *head = m;
	int done = 0;
	while (len > 0 && m) {
		int n;
		if (!net_mbuf_check(m, "m_copyback"))
			return;
		if (!m->m_next && off + len > m->m_len && off + len - m->m_len <= M_TRAILINGSPACE(m))
			m->m_len = off + len;                  /* grow the last mbuf */
		if (off >= m->m_len) {
			off -= m->m_len;
			m = m->m_next;
			continue;
		}
		n = m->m_len - off < len ? m->m_len - off : len;
		memcpy(mtod(m, char *) + off, in, (size_t)n);
		in += n, len -= n, done += n, off = 0;
		m = m->m_next;
	}
	if (len > 0)
		model_breach("mbuf-short-chain", "m_copyback: %d bytes do not fit in the chain", len);
	if (head && (head->m_flags & M_PKTHDR) && m_length(head) > head->m_pkthdr.len)
		head->m_pkthdr.len = m_length(head);
}

/* Trim req_len bytes from the head (> 0) or the tail (< 0) of the packet. */
void m_adj(struct mbuf *mp, int req_len)
{
	struct mbuf *m;
	int len = req_len < 0 ? -req_len : req_len, total;
	if (!mp || !net_mbuf_check(mp, "m_adj"))
		return;
	if (req_len >= 0) {
		for (m = mp; m && len > 0; m = m->m_next) {
			int n = m->m_len < len ? m->m_len : len;
			m->m_len -= n, m->m_data += n, len -= n;
		}
		if (mp->m_flags & M_PKTHDR)
			mp->m_pkthdr.len -= req_len - len;
		return;
	}
	total = m_length(mp);
	if (len > total)
		len = total;
	total -= len;                                   /* bytes to keep */
	for (m = mp; m; m = m->m_next) {
		if (m->m_len >= total) {
			m->m_len = total;
			for (m = m->m_next; m; m = m->m_next)
				m->m_len = 0;
			break;
		}
		total -= m->m_len;
	}
	if (mp->m_flags & M_PKTHDR)
		mp->m_pkthdr.len = m_length(mp);
}

/* Make the first len bytes of the packet contiguous in its first mbuf. Returns the
 * (possibly new) head, or NULL with the chain freed if it cannot. */
struct mbuf *m_pullup(struct mbuf *m, int len)
{
	struct mbuf *n;
	if (!m || !net_mbuf_check(m, "m_pullup"))
		return NULL;
	if (m->m_len >= len)
		return m;
	if (len > M_BUFSIZE(m) || m_length(m) < len) {
		m_freem(m);
		return NULL;
	}
	/* compact into the first mbuf's own buffer */
	memmove(M_BUFSTART(m), m->m_data, (size_t)m->m_len);
	m->m_data = M_BUFSTART(m);
	while (m->m_len < len && (n = m->m_next) != NULL) {
		int take = len - m->m_len < n->m_len ? len - m->m_len : n->m_len;
		memcpy(m->m_data + m->m_len, n->m_data, (size_t)take);
		m->m_len += take, n->m_data += take, n->m_len -= take;
		if (n->m_len == 0)
			m->m_next = m_free(n);
	}
	return m;
}

/* Bytes in the chain. */
int m_length(struct mbuf *m)
{
	int len = 0;
	for (; m; m = m->m_next)
		len += m->m_len;
	return len;
}
