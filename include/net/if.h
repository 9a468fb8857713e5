/*
 * <net/if.h> — io-pkt's network interface (NetBSD's struct ifnet with QNX's additions:
 * if_flags_tx, the TX mutex if_snd_ex, split rx/tx capabilities), its send queue and
 * the IFQ_ and IF_ queue macros, as pktsim models them.
 *
 * This header replaces the host's <net/if.h> for driver code (it never includes it):
 * io-pkt's struct ifreq and IFF_* are BSD's, not Linux's.
 *
 * Interface state (IFF_UP, set by ifconfig) and link state (if_link_state, set by the
 * driver with if_link_state_change) are independent. The driver sets IFF_RUNNING itself
 * (in if_flags, and good drivers in if_flags_tx too). The stack looks only at
 * IFF_OACTIVE in if_flags_tx, which is guarded by the TX mutex if_snd_ex.
 *
 * The IFQ_ macros act on if_snd and are traced by the model; they take no lock: the
 * caller holds the TX mutex (NW_SIGLOCK). The IF_ macros act on a driver's own struct
 * ifqueue and are plain list operations, as in NetBSD.
 */
#ifndef _NET_IF_H_
#define _NET_IF_H_

#include <sys/types_bsd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <pthread.h>
#include <sys/mbuf.h>

#define IFNAMSIZ 16
#define IF_NAMESIZE IFNAMSIZ

struct ifnet;
struct rtentry;
struct sockaddr_dl;
struct model_ifnet;

/* ------------------------------------------------------------ flags */

#define IFF_UP 0x0001          /* interface is up (ifconfig) */
#define IFF_BROADCAST 0x0002
#define IFF_DEBUG 0x0004
#define IFF_LOOPBACK 0x0008
#define IFF_POINTOPOINT 0x0010
#define IFF_NOTRAILERS 0x0020
#define IFF_RUNNING 0x0040     /* resources allocated: set by the driver */
#define IFF_NOARP 0x0080
#define IFF_PROMISC 0x0100
#define IFF_ALLMULTI 0x0200
#define IFF_OACTIVE 0x0400     /* transmission in progress: the stack does not call if_start */
#define IFF_SIMPLEX 0x0800
#define IFF_LINK0 0x1000
#define IFF_LINK1 0x2000
#define IFF_LINK2 0x4000
#define IFF_MULTICAST 0x8000

/* flags ifconfig (SIOCSIFFLAGS) cannot change */
#define IFF_CANTCHANGE \
	(IFF_BROADCAST | IFF_POINTOPOINT | IFF_RUNNING | IFF_OACTIVE | IFF_SIMPLEX | \
	 IFF_MULTICAST | IFF_ALLMULTI | IFF_PROMISC)

/* capabilities (if_capabilities_rx/tx, if_capenable_rx/tx) */
#define IFCAP_CSUM_IPv4 0x0001
#define IFCAP_CSUM_TCPv4 0x0002
#define IFCAP_CSUM_UDPv4 0x0004
#define IFCAP_CSUM_TCPv6 0x0010
#define IFCAP_CSUM_UDPv6 0x0020
#define IFCAP_TSOv4 0x0080
#define IFCAP_TSOv6 0x0100

/* if_link_state */
#define LINK_STATE_UNKNOWN 0
#define LINK_STATE_DOWN 1
#define LINK_STATE_UP 2

/* ------------------------------------------------------------ queues */

#define IFQ_MAXLEN 256

/* A driver's own packet queue (IF_ macros). */
struct ifqueue {
	struct mbuf *ifq_head;
	struct mbuf *ifq_tail;
	int ifq_len;
	int ifq_maxlen;
	int ifq_drops;
};

/* The send queue if_snd (IFQ_ macros): an ifqueue's fields and then some. */
struct ifaltq {
	struct mbuf *ifq_head;
	struct mbuf *ifq_tail;
	int ifq_len;
	int ifq_maxlen;
	int ifq_drops;
	int altq_flags;           /* ALTQF_READY */
	struct ifnet *altq_ifp;   /* set by if_attach */
};

#define ALTQF_READY 0x01

/* ------------------------------------------------------------ statistics */

struct if_data {
	u_char ifi_type;
	u_char ifi_addrlen;       /* media address length */
	u_char ifi_hdrlen;        /* media header length */
	int ifi_link_state;       /* LINK_STATE_* */
	u_quad_t ifi_mtu;
	u_quad_t ifi_metric;
	u_quad_t ifi_baudrate;
	u_quad_t ifi_ipackets;
	u_quad_t ifi_ierrors;
	u_quad_t ifi_opackets;
	u_quad_t ifi_oerrors;
	u_quad_t ifi_collisions;
	u_quad_t ifi_ibytes;
	u_quad_t ifi_obytes;
	u_quad_t ifi_imcasts;
	u_quad_t ifi_omcasts;
	u_quad_t ifi_iqdrops;
	u_quad_t ifi_noproto;
	struct timeval ifi_lastchange;
};

/* ------------------------------------------------------------ the interface */

struct ifnet {
	void *if_softc;                 /* the driver's device structure */
	char if_xname[IFNAMSIZ];        /* "sam0" */
	int if_pcount;                  /* promiscuous listeners */
	caddr_t if_bpf;
	u_short if_index;
	short if_timer;                 /* watchdog: seconds until if_watchdog */
	int if_flags;                   /* IFF_*: UP by ifconfig, RUNNING by the driver */
	int if_flags_tx;                /* QNX: IFF_OACTIVE (and RUNNING), under if_snd_ex */
	struct if_data if_data;
	int (*if_output)(struct ifnet *, struct mbuf *, struct sockaddr *, struct rtentry *);
	void (*if_input)(struct ifnet *, struct mbuf *);
	void (*if_start)(struct ifnet *);        /* called with if_snd_ex held: must release it */
	int (*if_ioctl)(struct ifnet *, u_long, caddr_t);
	int (*if_init)(struct ifnet *);          /* called over and over (up, mtu, address) */
	void (*if_stop)(struct ifnet *, int);    /* ifconfig down: (ifp, 1) */
	void (*if_watchdog)(struct ifnet *);
	void (*if_drain)(struct ifnet *);
	struct ifaltq if_snd;                    /* the send queue */
	pthread_mutex_t if_snd_ex;               /* QNX: the TX mutex, created by if_attach */
	struct sockaddr_dl *if_sadl;             /* link-level address: LLADDR(ifp->if_sadl) */
	const uint8_t *if_broadcastaddr;
	int if_capabilities_rx, if_capabilities_tx;  /* IFCAP_* the hardware can do */
	int if_capenable_rx, if_capenable_tx;        /* IFCAP_* enabled */
	int if_csum_flags_rx, if_csum_flags_tx;
	uint32_t if_magic;                       /* pktsim: checked on use; do not touch */
	struct model_ifnet *if_model;            /* pktsim: the model's record */
};

#define if_mtu if_data.ifi_mtu
#define if_type if_data.ifi_type
#define if_addrlen if_data.ifi_addrlen
#define if_hdrlen if_data.ifi_hdrlen
#define if_link_state if_data.ifi_link_state
#define if_metric if_data.ifi_metric
#define if_baudrate if_data.ifi_baudrate
#define if_ipackets if_data.ifi_ipackets
#define if_ierrors if_data.ifi_ierrors
#define if_opackets if_data.ifi_opackets
#define if_oerrors if_data.ifi_oerrors
#define if_collisions if_data.ifi_collisions
#define if_ibytes if_data.ifi_ibytes
#define if_obytes if_data.ifi_obytes
#define if_imcasts if_data.ifi_imcasts
#define if_omcasts if_data.ifi_omcasts
#define if_iqdrops if_data.ifi_iqdrops
#define if_noproto if_data.ifi_noproto
#define if_lastchange if_data.ifi_lastchange

/* ------------------------------------------------------------ ioctl data */

struct ifreq {
	char ifr_name[IFNAMSIZ];
	union {
		struct sockaddr ifru_addr;
		struct sockaddr ifru_dstaddr;
		struct sockaddr ifru_broadaddr;
		short ifru_flags;
		int ifru_metric;
		int ifru_mtu;
		int ifru_media;
		u_int ifru_value;
		caddr_t ifru_data;
	} ifr_ifru;
};
#define ifr_addr ifr_ifru.ifru_addr
#define ifr_dstaddr ifr_ifru.ifru_dstaddr
#define ifr_broadaddr ifr_ifru.ifru_broadaddr
#define ifr_flags ifr_ifru.ifru_flags
#define ifr_metric ifr_ifru.ifru_metric
#define ifr_mtu ifr_ifru.ifru_mtu
#define ifr_media ifr_ifru.ifru_media
#define ifr_value ifr_ifru.ifru_value
#define ifr_data ifr_ifru.ifru_data

/* An address of an interface, as SIOCSIFADDR hands it to if_ioctl. */
struct ifaddr {
	struct sockaddr *ifa_addr;
	struct sockaddr *ifa_dstaddr;
	struct sockaddr *ifa_netmask;
	struct ifnet *ifa_ifp;
	int ifa_flags;
};

struct ifaliasreq {
	char ifra_name[IFNAMSIZ];
	struct sockaddr ifra_addr;
	struct sockaddr ifra_dstaddr;
	struct sockaddr ifra_mask;
};

/* ------------------------------------------------------------ functions */

/*
 * if_attach: the stack context (attach). Registers ifp, creates the TX mutex if_snd_ex,
 * sets if_snd's length limit to IFQ_MAXLEN unless the driver set one.
 * if_detach: the stack context (detach). Quiesces the tracked threads, brings the
 * interface down (purging if_snd) and unregisters it. May block.
 */
void if_attach(struct ifnet *ifp);
void if_detach(struct ifnet *ifp);

/* The driver's report of its link (LINK_STATE_*): immediate in the stack context,
 * otherwise queued for the stack (dropped if that queue is full). */
void if_link_state_change(struct ifnet *ifp, int link_state);

/* The interface named name, or NULL. */
struct ifnet *ifunit(const char *name);

/* io-pkt's send-queue operations behind the IFQ_ macros (traced). */
void _ifq_enqueue(struct ifaltq *ifq, struct mbuf *m, int *errp);
struct mbuf *_ifq_dequeue(struct ifaltq *ifq);
struct mbuf *_ifq_poll(struct ifaltq *ifq);
void _ifq_purge(struct ifaltq *ifq);

#define IFQ_ENQUEUE(ifq, m, pattr, err) _ifq_enqueue((ifq), (m), &(err))
#define IFQ_DEQUEUE(ifq, m) ((m) = _ifq_dequeue(ifq))
#define IFQ_POLL(ifq, m) ((m) = _ifq_poll(ifq))
#define IFQ_PURGE(ifq) _ifq_purge(ifq)
#define IFQ_IS_EMPTY(ifq) ((ifq)->ifq_len == 0)
#define IFQ_SET_MAXLEN(ifq, len) ((ifq)->ifq_maxlen = (len))
#define IFQ_SET_READY(ifq) ((ifq)->altq_flags |= ALTQF_READY)
#define IFQ_IS_READY(ifq) ((ifq)->altq_flags & ALTQF_READY)
#define IFQ_INC_LEN(ifq) ((ifq)->ifq_len++)
#define IFQ_DEC_LEN(ifq) (--(ifq)->ifq_len)
#define IFQ_INC_DROPS(ifq) ((ifq)->ifq_drops++)
#define IFQ_CLASSIFY(ifq, m, af, pa) ((void)0)

#define IF_QFULL(ifq) ((ifq)->ifq_len >= (ifq)->ifq_maxlen)
#define IF_DROP(ifq) ((ifq)->ifq_drops++)
#define IF_IS_EMPTY(ifq) ((ifq)->ifq_len == 0)
#define IF_POLL(ifq, m) ((m) = (ifq)->ifq_head)
#define IF_ENQUEUE(ifq, m) do { \
	(m)->m_nextpkt = NULL; \
	if ((ifq)->ifq_tail == NULL) \
		(ifq)->ifq_head = (m); \
	else \
		(ifq)->ifq_tail->m_nextpkt = (m); \
	(ifq)->ifq_tail = (m); \
	(ifq)->ifq_len++; \
} while (0)
#define IF_PREPEND(ifq, m) do { \
	(m)->m_nextpkt = (ifq)->ifq_head; \
	if ((ifq)->ifq_tail == NULL) \
		(ifq)->ifq_tail = (m); \
	(ifq)->ifq_head = (m); \
	(ifq)->ifq_len++; \
} while (0)
#define IF_DEQUEUE(ifq, m) do { \
	(m) = (ifq)->ifq_head; \
	if (m) { \
		if (((ifq)->ifq_head = (m)->m_nextpkt) == NULL) \
			(ifq)->ifq_tail = NULL; \
		(m)->m_nextpkt = NULL; \
		(ifq)->ifq_len--; \
	} \
} while (0)
#define IF_PURGE(ifq) do { \
	struct mbuf *__m0; \
	for (;;) { \
		IF_DEQUEUE((ifq), __m0); \
		if (__m0 == NULL) \
			break; \
		m_freem(__m0); \
	} \
} while (0)

#endif
