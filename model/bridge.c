/*
 * model/bridge.c — io-pkt's if_bridge (NetBSD's bridge(4); io-pkt has it: "ifconfig
 * bridge0 create; brconfig bridge0 add sn0 add sn1 up"): Ethernet frames forwarded by
 * the stack between member interfaces, with a learned address table.
 *
 * Members (model/bridge_member.c): Ethernet interfaces, each in one bridge at most, kept
 * in the order added, put in promiscuous mode as io-pkt's ifpromisc does. This file has
 * the frames, the address table and the trace kinds.
 *
 * Frames (net_bridge_input, from the stack's ether_input on proc0, NetBSD's
 * bridge_input and bridge_forward):
 *   - broadcast / multicast destination: the source is learned, a copy is flooded to
 *     every other member that is up and running, the frame itself goes up;
 *   - a member's own address as destination: the source is learned, the frame goes up
 *     on that member; a member's own address as source: its own frame came back, freed;
 *   - otherwise the source is learned and the destination looked up: on the member the
 *     frame came from, freed (filtered); on another member, queued there; unknown, flooded.
 * A flood to n members sends n-1 copies (new io-pkt mbufs, "bridge copy") and the frame
 * itself last. Never back out of the member it came in on. Queuing is ether_output
 * (model/ether.c), the steps of NetBSD's bridge_enqueue: the member's TX mutex,
 * IFQ_ENQUEUE (a full if_snd drops and frees the frame, counted in snd_drops), if_start
 * unless IFF_OACTIVE in if_flags_tx. A member must be IFF_UP and IFF_RUNNING to be sent
 * to (NetBSD looks at IFF_RUNNING only; io-pkt's output path at both, and an interface
 * being detached is down before it stops).
 *
 * The address table: at most NET_BRIDGE_RT_MAX entries per bridge (NetBSD's default
 * cache size, 100), kept in learning order and searched linearly; an entry expires
 * NET_BRIDGE_RT_TIMEOUT after it was last refreshed (NetBSD's 1200 s) and is then as if
 * absent. A full table learns nothing more until an entry expires or goes with its member.
 *
 * What io-pkt itself sends out of a member (ether_output, NetBSD's bridge_output): a
 * unicast destination learned on a member goes there only, anything else to every
 * member up and running, the sending one included.
 *
 * Trace: "bridge" (bridge, operation, member, errno) for create, add, delete, detach,
 * destroy; "bridge_frame" (bridge, in, out, what, bytes) per frame decision with
 * frame_records = "each"; with "batch", "bridge_frames" (forwarded, flooded, delivered,
 * filtered, dropped) at the end of each stack pass that had any.
 *
 * Everything here runs in the stack context (requests in a pseudo-thread, frames on
 * proc0), one simulated thread at a time: nothing locks.
 */
#include "net_int.h"

#include <stdio.h>
#include <string.h>

#define NET_BRIDGE_RT_TIMEOUT (1200 * SIM_S)    /* NetBSD's BRIDGE_RTABLE_TIMEOUT */

/* What a frame decision counts (the batch counters and the "bridge_frame" what). */
enum br_what { BR_FORWARDED, BR_FLOODED, BR_DELIVERED, BR_FILTERED, BR_DROPPED };

struct net_bridge net_bridges[NET_BRIDGE_MAX];

static struct {
	int k_bridge, k_frame, k_frames;
	int64_t batch[5];            /* per br_what, since the last "bridge_frames" record */
} BR;

/* Trace kinds registered once per io-pkt (model_net_create), no bridge yet. */
void net_bridge_init(void)
{
	memset(&BR, 0, sizeof(BR));
	memset(net_bridges, 0, sizeof(net_bridges));
	for (int i = 0; i < NET_BRIDGE_MAX; i++)
		snprintf(net_bridges[i].name, sizeof(net_bridges[i].name), "bridge%d", i);
	/* bridge, operation, member, errno */
	BR.k_bridge = sim_trace_kind(net_w(), "bridge", "sssi");
	/* bridge, member in, member out, what, bytes */
	BR.k_frame = sim_trace_kind(net_w(), "bridge_frame", "ssssi");
	/* forwarded, flooded, delivered, filtered, dropped (per br_what) */
	BR.k_frames = sim_trace_kind(net_w(), "bridge_frames", "iiiii");
}

/* The end of a stack pass (batch mode): what the pass's frames became, one record. */
void net_bridge_pass_end(void)
{
	int64_t *c = BR.batch;
	if (!(c[0] | c[1] | c[2] | c[3] | c[4]))
		return;
	sim_emit(net_w(), BR.k_frames, c[0], c[1], c[2], c[3], c[4]);
	memset(BR.batch, 0, sizeof(BR.batch));
}

/* ------------------------------------------------------------ lookups */

int net_bridge_port_of(const struct net_bridge *b, const struct model_ifnet *r)
{
	for (int i = 0; i < b->nports; i++)
		if (b->port[i].r == r)
			return i;
	return -1;
}

/* r's station address (as the stack knows it: if_sadl). */
static const uint8_t *lladdr_of(const struct model_ifnet *r)
{
	return (const uint8_t *)LLADDR(r->sadl);
}

/* A member frames may be sent to: up and running. */
static int port_usable(const struct net_bridge_port *p)
{
	int f = p->r->ifp->if_flags;
	return (f & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
}

/* ------------------------------------------------------------ the address table */

/* Remove entry i of b's table, keeping the others in order. */
static void rt_remove(struct net_bridge *b, int i)
{
	memmove(&b->rt[i], &b->rt[i + 1], sizeof(b->rt[0]) * (size_t)(b->nrt - i - 1));
	b->nrt--;
}

void net_bridge_forget(struct net_bridge *b, const struct model_ifnet *r)
{
	for (int i = 0; i < b->nrt;)
		if (b->rt[i].r == r)
			rt_remove(b, i);
		else
			i++;
}

/* The entry for mac, or -1; an expired one is removed on the way. */
static int rt_find(struct net_bridge *b, const uint8_t *mac)
{
	for (int i = 0; i < b->nrt; i++) {
		if (memcmp(b->rt[i].mac, mac, ETHER_ADDR_LEN) != 0)
			continue;
		if (b->rt[i].expire <= sim_now(net_w())) {
			rt_remove(b, i);
			return -1;
		}
		return i;
	}
	return -1;
}

/* Learn that mac is on member r (a unicast, non-zero source only). */
static void rt_learn(struct net_bridge *b, const uint8_t *mac, struct model_ifnet *r)
{
	static const uint8_t zero[ETHER_ADDR_LEN];
	sim_ns now = sim_now(net_w());
	int i;
	if (ETHER_IS_MULTICAST(mac) || memcmp(mac, zero, ETHER_ADDR_LEN) == 0)
		return;
	if ((i = rt_find(b, mac)) < 0) {
		for (int k = 0; k < b->nrt && b->nrt == NET_BRIDGE_RT_MAX;)
			if (b->rt[k].expire <= now)
				rt_remove(b, k);
			else
				k++;
		if (b->nrt == NET_BRIDGE_RT_MAX)
			return;             /* full: NetBSD's ENOSPC, nothing learned */
		i = b->nrt++;
		memcpy(b->rt[i].mac, mac, ETHER_ADDR_LEN);
	}
	b->rt[i].r = r;
	b->rt[i].expire = now + NET_BRIDGE_RT_TIMEOUT;
}

/* ------------------------------------------------------------ frames */

static const char *const WHAT[] = {
	"forwarded", "flooded", "delivered", "filtered", "dropped",
};

/* Count a decision about a frame of len bytes from in (to out, if any), and trace it
 * (one record in "each" mode, counted for the pass's "bridge_frames" in "batch"). */
static void frame_note(struct net_bridge *b, const struct model_ifnet *in,
                       const struct model_ifnet *out, enum br_what what, const char *why,
                       int len)
{
	char buf[64];
	uint64_t *c[] = { &b->forwarded, &b->flooded, &b->delivered, &b->filtered, &b->dropped };
	(*c[what])++;
	if (!net_frame_record()) {
		BR.batch[what]++;
		return;
	}
	if (why)
		snprintf(buf, sizeof(buf), "%s: %s", WHAT[what], why);
	sim_emit(net_w(), BR.k_frame, b->name, in->name, out ? out->name : "",
	         why ? buf : WHAT[what], (int64_t)len);
}

/* Free the chain m as io-pkt (why names the freeing site). */
static void free_frame(struct mbuf *m, const char *why)
{
	while (m)
		m = net_mbuf_free(m, NULL, why);
}

/* A copy of frame m in new io-pkt mbufs (m_copypacket's result, as deep copies): NULL,
 * with nothing allocated, when the pool has none. */
static struct mbuf *frame_copy(struct mbuf *m)
{
	struct mbuf *top = NULL, **mp = &top, *c;
	const struct mbuf *s = m;
	int len = m->m_pkthdr.len, off = 0, soff = 0;
	while (off < len) {
		int first = top == NULL, room, n;
		int cluster = len - off > (first ? MHLEN : MLEN);
		c = net_mbuf_alloc(M_NOWAIT, MT_DATA, first, cluster, NULL, "bridge copy");
		if (!c) {
			free_frame(top, "bridge copy (no mbuf)");
			return NULL;
		}
		room = cluster ? MCLBYTES : (first ? MHLEN : MLEN);
		c->m_len = len - off < room ? len - off : room;
		for (n = 0; n < c->m_len;) {       /* copy from the source chain */
			int k;
			while (s && soff == s->m_len)
				s = s->m_next, soff = 0;
			k = s->m_len - soff < c->m_len - n ? s->m_len - soff : c->m_len - n;
			memcpy(mtod(c, uint8_t *) + n, mtod(s, const uint8_t *) + soff, (size_t)k);
			n += k, soff += k;
		}
		off += c->m_len;
		*mp = c;
		mp = &c->m_next;
	}
	top->m_pkthdr.len = len;
	top->m_pkthdr.rcvif = m->m_pkthdr.rcvif;
	return top;
}

/* Queue m on member p through ether_output (the TX mutex, IFQ_ENQUEUE: a full if_snd
 * frees m and counts snd_drops; if_start unless IFF_OACTIVE): counted as forwarded (what:
 * BR_FLOODED for one of a flood's frames) or dropped. p is up and running. */
static void port_output(struct net_bridge *b, const struct model_ifnet *in,
                        struct net_bridge_port *p, struct mbuf *m, enum br_what what)
{
	struct model_ifnet *r = p->r;
	int len = m->m_pkthdr.len;
	int rc = ether_output(r->ifp, m, NULL, NET_BRIDGE_RT);   /* frees m on failure */
	if (rc != 0) {
		p->drops++;
		frame_note(b, in, r, BR_DROPPED, rc == ENOBUFS ? "if_snd full" : "member went down",
		           len);
		return;
	}
	p->tx++;
	frame_note(b, in, r, BR_FORWARDED, what == BR_FLOODED ? "part of a flood" : NULL, len);
}

/* Send m (from member in) to every usable member but skip (NULL: to all): copies to all
 * but the last, m itself last. */
static void flood(struct net_bridge *b, struct model_ifnet *in, struct model_ifnet *skip,
                  struct mbuf *m)
{
	struct net_bridge_port *out[NET_BRIDGE_PORTS];
	int n = 0, len = m->m_pkthdr.len;
	frame_note(b, in, NULL, BR_FLOODED, NULL, len);   /* once per frame */
	for (int i = 0; i < b->nports; i++)
		if (b->port[i].r != skip && port_usable(&b->port[i]))
			out[n++] = &b->port[i];
	if (n == 0) {
		frame_note(b, in, NULL, BR_FILTERED, "no other member up", len);
		free_frame(m, "bridge (nowhere to flood)");
		return;
	}
	for (int i = 0; i < n; i++) {
		struct mbuf *c = i == n - 1 ? m : frame_copy(m);
		if (!c) {
			out[i]->drops++;
			frame_note(b, in, out[i]->r, BR_DROPPED, "no mbuf for a copy", len);
			continue;
		}
		port_output(b, in, out[i], c, BR_FLOODED);
	}
}

/* 1 if some member other than in can be sent to. */
static int others_usable(const struct net_bridge *b, const struct model_ifnet *in)
{
	for (int i = 0; i < b->nports; i++)
		if (b->port[i].r != in && port_usable(&b->port[i]))
			return 1;
	return 0;
}

struct mbuf *net_bridge_input(struct model_ifnet *r, struct mbuf *m)
{
	struct net_bridge *b = r->bridge;
	int pi = net_bridge_port_of(b, r), len = m->m_pkthdr.len;
	const struct ether_header *eh = mtod(m, const struct ether_header *);
	int k;
	if (pi < 0)
		return m;
	b->port[pi].rx++;
	if (ETHER_IS_MULTICAST(eh->ether_dhost)) {
		rt_learn(b, eh->ether_shost, r);
		if (others_usable(b, r)) {
			struct mbuf *c = frame_copy(m);
			if (c)
				flood(b, r, r, c);
			else
				frame_note(b, r, NULL, BR_DROPPED, "no mbuf for a copy", len);
		}
		frame_note(b, r, NULL, BR_DELIVERED, NULL, len);
		return m;
	}
	for (int i = 0; i < b->nports; i++) {
		struct model_ifnet *p = b->port[i].r;
		if (memcmp(lladdr_of(p), eh->ether_dhost, ETHER_ADDR_LEN) == 0) {
			rt_learn(b, eh->ether_shost, r);
			m->m_pkthdr.rcvif = p->ifp;      /* it goes up on the member it is for */
			frame_note(b, r, p, BR_DELIVERED, NULL, len);
			return m;
		}
		if (memcmp(lladdr_of(p), eh->ether_shost, ETHER_ADDR_LEN) == 0) {
			frame_note(b, r, p, BR_DROPPED, "a member's own frame came back", len);
			free_frame(m, "bridge (own frame)");
			return NULL;
		}
	}
	rt_learn(b, eh->ether_shost, r);
	if ((k = rt_find(b, eh->ether_dhost)) < 0) {
		flood(b, r, r, m);
		return NULL;
	}
	if (b->rt[k].r == r) {
		frame_note(b, r, r, BR_FILTERED, "destination on the same side", len);
		free_frame(m, "bridge (same side)");
		return NULL;
	}
	pi = net_bridge_port_of(b, b->rt[k].r);
	if (!port_usable(&b->port[pi])) {
		b->port[pi].drops++;
		frame_note(b, r, b->port[pi].r, BR_DROPPED, "member not up and running", len);
		free_frame(m, "bridge (member down)");
		return NULL;
	}
	port_output(b, r, &b->port[pi], m, BR_FORWARDED);
	return NULL;
}

/* See net_int.h. */
int net_bridge_output(struct model_ifnet *r, struct mbuf *m)
{
	struct net_bridge *b = r->bridge;
	const struct ether_header *eh = mtod(m, const struct ether_header *);
	int k, pi;
	if (m->m_len < ETHER_HDR_LEN)           /* no header to look at: out of r itself */
		return ether_output(r->ifp, m, NULL, NET_BRIDGE_RT);
	if (ETHER_IS_MULTICAST(eh->ether_dhost) || (k = rt_find(b, eh->ether_dhost)) < 0) {
		flood(b, r, NULL, m);
		return 0;
	}
	pi = net_bridge_port_of(b, b->rt[k].r);
	if (!port_usable(&b->port[pi])) {
		b->port[pi].drops++;
		frame_note(b, r, b->port[pi].r, BR_DROPPED, "member not up and running",
		           m->m_pkthdr.len);
		free_frame(m, "bridge output (member down)");
		return 0;
	}
	port_output(b, r, &b->port[pi], m, BR_FORWARDED);
	return 0;
}

/* ------------------------------------------------------------ trace */

void net_bridge_trace_op(const struct net_bridge *b, const char *op, const char *ifname,
                         int rc)
{
	sim_emit(net_w(), BR.k_bridge, b->name, op, ifname ? ifname : "", (int64_t)rc);
}
