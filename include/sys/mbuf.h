/*
 * <sys/mbuf.h> — io-pkt's packet buffers (NetBSD mbufs), as pktsim models them.
 *
 * The layout and names are NetBSD's: struct mbuf with m_hdr, pkthdr and an external
 * cluster, the m_* field macros, mtod. pktsim adds one field, mh_magic, which drivers
 * never touch: every m_* call checks it, so that freeing an mbuf twice, using one after
 * freeing it, or passing something that is not an mbuf becomes a report naming the
 * allocating and freeing sites, not a crash.
 *
 * Rules (iopkt-facts.md "mbufs"): allocation and freeing use the current tracked
 * thread's context, so an untracked thread (plain pthread_create) may do neither;
 * M_WAITOK may wait only in a stack pseudo-thread and must not be used from a tracked
 * thread; elsewhere an exhausted pool returns NULL. Callers must check for NULL.
 */
#ifndef _SYS_MBUF_H_
#define _SYS_MBUF_H_

#include <sys/types_bsd.h>

struct ifnet;
struct nw_work_thread;

#define MSIZE 256                 /* size of an mbuf */
#define MCLSHIFT 11
#define MCLBYTES (1 << MCLSHIFT)  /* size of a cluster: 2048 */
#define MINCLSIZE (MHLEN + 1)     /* smallest amount to put in a cluster */

/* how: may the allocation wait? */
#define M_WAITOK 0
#define M_WAIT M_WAITOK
#define M_NOWAIT 1
#define M_DONTWAIT M_NOWAIT

/* m_type */
#define MT_FREE 0
#define MT_DATA 1
#define MT_HEADER 2
#define MT_SONAME 3
#define MT_SOOPTS 4
#define MT_FTABLE 5
#define MT_CONTROL 6
#define MT_OOBDATA 7

/* m_flags */
#define M_EXT 0x0001     /* has an external buffer (cluster) */
#define M_PKTHDR 0x0002  /* start of a packet: m_pkthdr is valid */
#define M_EOR 0x0004
#define M_PROTO1 0x0008
#define M_BCAST 0x0100   /* received as a link-level broadcast */
#define M_MCAST 0x0200   /* received as a link-level multicast */
#define M_CANFASTFWD 0x0400
#define M_ANYCAST6 0x0800
#define M_LINK0 0x1000
#define M_LINK1 0x2000
#define M_LINK2 0x4000
#define M_COPYFLAGS (M_PKTHDR | M_EOR | M_BCAST | M_MCAST)

/* m_pkthdr.csum_flags: checksum offload */
#define M_CSUM_TCPv4 0x00000001
#define M_CSUM_UDPv4 0x00000002
#define M_CSUM_TCP_UDP_BAD 0x00000004
#define M_CSUM_DATA 0x00000008
#define M_CSUM_TCPv6 0x00000010
#define M_CSUM_UDPv6 0x00000020
#define M_CSUM_IPv4 0x00000040
#define M_CSUM_IPv4_BAD 0x00000080
#define M_CSUM_TSOv4 0x00000100
#define M_CSUM_TSOv6 0x00000200

struct m_hdr {
	struct mbuf *mh_next;    /* next buffer in this chain */
	struct mbuf *mh_nextpkt; /* next chain in a queue */
	caddr_t mh_data;         /* where the data starts */
	int mh_len;              /* bytes of data in this mbuf */
	int mh_flags;            /* M_* */
	short mh_type;           /* MT_* */
	unsigned short mh_pad;
	uint32_t mh_magic;       /* pktsim: checked on every m_* call; do not touch */
};

struct pkthdr {
	struct ifnet *rcvif;     /* interface a received packet came in on */
	int len;                 /* total length of the packet (sum of m_len) */
	int csum_flags;          /* M_CSUM_* */
	uint32_t csum_data;
	u_int segsz;             /* TSO segment size */
	void *aux;
};

struct m_ext {
	caddr_t ext_buf;         /* start of the external buffer */
	void (*ext_free)(struct mbuf *, caddr_t, size_t, void *);
	void *ext_arg;
	size_t ext_size;         /* size of the buffer */
};

#define MLEN ((int)(MSIZE - sizeof(struct m_hdr)))     /* data in a plain mbuf */
#define MHLEN ((int)(MLEN - sizeof(struct pkthdr)))    /* data in a packet header mbuf */

struct mbuf {
	struct m_hdr m_hdr;
	union {
		struct {
			struct pkthdr MH_pkthdr;
			union {
				struct m_ext MH_ext;
				char MH_databuf[MSIZE - sizeof(struct m_hdr) - sizeof(struct pkthdr)];
			} MH_dat;
		} MH;
		char M_databuf[MSIZE - sizeof(struct m_hdr)];
	} M_dat;
};

#define m_next m_hdr.mh_next
#define m_len m_hdr.mh_len
#define m_data m_hdr.mh_data
#define m_type m_hdr.mh_type
#define m_flags m_hdr.mh_flags
#define m_nextpkt m_hdr.mh_nextpkt
#define m_act m_nextpkt
#define m_pkthdr M_dat.MH.MH_pkthdr
#define m_ext M_dat.MH.MH_dat.MH_ext
#define m_pktdat M_dat.MH.MH_dat.MH_databuf
#define m_dat M_dat.M_databuf

#define mtod(m, t) ((t)((m)->m_data))

/* Allocation. Each returns NULL when no mbuf (or cluster) can be had. */
struct mbuf *m_get(int how, int type);
struct mbuf *m_gethdr(int how, int type);
struct mbuf *m_getclr(int how, int type);                 /* zeroed data */
struct mbuf *m_getcl(int how, int type, int flags);       /* with a cluster; flags M_PKTHDR */
struct mbuf *m_getcl_wtp(int how, int type, int flags, struct nw_work_thread *wtp);
void m_clget(struct mbuf *m, int how);                    /* add a cluster: check M_EXT */
struct mbuf *m_free(struct mbuf *m);                      /* returns m->m_next */
void m_freem(struct mbuf *m);                             /* the whole chain; NULL is fine */

/* Chain helpers. */
void m_copydata(struct mbuf *m, int off, int len, void *cp);
void m_copyback(struct mbuf *m, int off, int len, const void *cp);
void m_adj(struct mbuf *m, int req_len);
struct mbuf *m_pullup(struct mbuf *m, int len);
int m_length(struct mbuf *m);

#define MGET(m, how, type) ((m) = m_get((how), (type)))
#define MGETHDR(m, how, type) ((m) = m_gethdr((how), (type)))
#define MCLGET(m, how) m_clget((m), (how))
#define MFREE(m, n) ((n) = m_free(m))

/* Room before and after the data, within this mbuf's buffer. */
#define M_BUFSTART(m) \
	((m)->m_flags & M_EXT ? (m)->m_ext.ext_buf : \
	 (m)->m_flags & M_PKTHDR ? (m)->m_pktdat : (m)->m_dat)
#define M_BUFSIZE(m) \
	((m)->m_flags & M_EXT ? (int)(m)->m_ext.ext_size : \
	 (m)->m_flags & M_PKTHDR ? MHLEN : MLEN)
#define M_LEADINGSPACE(m) ((int)((m)->m_data - M_BUFSTART(m)))
#define M_TRAILINGSPACE(m) \
	((int)(M_BUFSTART(m) + M_BUFSIZE(m) - ((m)->m_data + (m)->m_len)))

/* Place len bytes at the end of a fresh mbuf's buffer (long-word aligned). */
#define M_ALIGN(m, len) ((m)->m_data += (MLEN - (len)) & ~(sizeof(long) - 1))
#define MH_ALIGN(m, len) ((m)->m_data += (MHLEN - (len)) & ~(sizeof(long) - 1))

#endif
