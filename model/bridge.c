/*
 * model/bridge.c — io-pkt's if_bridge (NetBSD's bridge(4); io-pkt has it: "ifconfig
 * bridge0 create; brconfig bridge0 add sn0 add sn1 up"): Ethernet frames forwarded by
 * the stack between member interfaces, with a learned address table.
 *
 * Members. An Ethernet interface, in one bridge at most, kept in the order added (NetBSD
 * inserts at the head; pktsim keeps the order of the commands, which makes floods go out
 * in that order). Adding one puts it in promiscuous mode the way io-pkt's ifpromisc does:
 * if_pcount goes up, and on 0 -> 1 IFF_PROMISC is set and, if the interface is up, the
 * driver's if_ioctl(SIOCSIFFLAGS) is called from the stack context (an error undoes both,
 * and the member is not added). Deleting it does the reverse (an error is ignored, as
 * NetBSD does). A member being detached (if_detach) leaves the bridge without a call
 * into its driver, and its learned addresses go with it.
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
 * unless IFF_OACTIVE in if_flags_tx. A member must be IFF_UP and IFF_RUNNING to be sent to (NetBSD looks at
 * IFF_RUNNING only; io-pkt's output path at both, and an interface being detached is
 * down before it stops).
 *
 * The address table: at most NET_BRIDGE_RT_MAX entries per bridge (NetBSD's default
 * cache size, 100), kept in learning order and searched linearly; an entry expires
 * NET_BRIDGE_RT_TIMEOUT after it was last refreshed (NetBSD's 1200 s) and is then as if
 * absent. A full table learns nothing more until an entry expires or goes with its member.
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

#define NET_BRIDGE_MAX 4
#define NET_BRIDGE_PORTS MODEL_BRIDGE_PORTS
#define NET_BRIDGE_RT_MAX 100
#define NET_BRIDGE_RT_TIMEOUT (1200 * SIM_S)

struct net_bridge_port {
	struct model_ifnet *r;
	uint64_t rx, tx, drops;
};

struct net_bridge_rt {
	uint8_t mac[ETHER_ADDR_LEN];
	struct model_ifnet *r;       /* the member it was seen on */
	sim_ns expire;
};

struct net_bridge {
	int exists;                  /* 1: created; -1: being destroyed; 0: none */
	char name[IFNAMSIZ];
	int nports;
	struct net_bridge_port port[NET_BRIDGE_PORTS];
	int nrt;
	struct net_bridge_rt rt[NET_BRIDGE_RT_MAX];
	uint64_t forwarded, flooded, delivered, filtered, dropped;
};

/* What a frame decision counts (the batch counters and the "bridge_frame" what). */
enum br_what { BR_FORWARDED, BR_FLOODED, BR_DELIVERED, BR_FILTERED, BR_DROPPED };

static struct {
	struct net_bridge b[NET_BRIDGE_MAX];
	int k_bridge, k_frame, k_frames;
	int64_t batch[5];            /* per br_what, since the last "bridge_frames" record */
} BR;

void net_bridge_init(void)
{
	memset(&BR, 0, sizeof(BR));
	for (int i = 0; i < NET_BRIDGE_MAX; i++)
		snprintf(BR.b[i].name, sizeof(BR.b[i].name), "bridge%d", i);
	BR.k_bridge = sim_trace_kind(net_w(), "bridge", "sssi");        /* bridge, op, if, errno */
	BR.k_frame = sim_trace_kind(net_w(), "bridge_frame", "ssssi");  /* bridge, in, out, what, bytes */
	BR.k_frames = sim_trace_kind(net_w(), "bridge_frames", "iiiii");/* fwd, flood, up, filt, drop */
}

void net_bridge_pass_end(void)
{
	int64_t *c = BR.batch;
	if (!(c[0] | c[1] | c[2] | c[3] | c[4]))
		return;
	sim_emit(net_w(), BR.k_frames, c[0], c[1], c[2], c[3], c[4]);
	memset(BR.batch, 0, sizeof(BR.batch));
}

/* ------------------------------------------------------------ lookups */

/* The bridge named name, existing or not (NULL for a name that is no bridge's). */
static struct net_bridge *bridge_slot(const char *name)
{
	for (int i = 0; name && i < NET_BRIDGE_MAX; i++)
		if (strcmp(BR.b[i].name, name) == 0)
			return &BR.b[i];
	return NULL;
}

static int port_index(const struct net_bridge *b, const struct model_ifnet *r)
{
	for (int i = 0; i < b->nports; i++)
		if (b->port[i].r == r)
			return i;
	return -1;
}

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

static void rt_remove(struct net_bridge *b, int i)
{
	memmove(&b->rt[i], &b->rt[i + 1], sizeof(b->rt[0]) * (size_t)(b->nrt - i - 1));
	b->nrt--;
}

/* Forget every address learned on r. */
static void rt_forget(struct net_bridge *b, const struct model_ifnet *r)
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

static const char *const WHAT[] = { "forwarded", "flooded", "delivered", "filtered", "dropped" };

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
	if (ether_output(r->ifp, m, NULL, NULL) != 0) {
		p->drops++;
		frame_note(b, in, r, BR_DROPPED, "if_snd full", len);
		return;
	}
	p->tx++;
	frame_note(b, in, r, BR_FORWARDED, what == BR_FLOODED ? "part of a flood" : NULL, len);
}

/* Send m to every usable member but in: copies to all but the last, m itself last. */
static void flood(struct net_bridge *b, struct model_ifnet *in, struct mbuf *m)
{
	struct net_bridge_port *out[NET_BRIDGE_PORTS];
	int n = 0, len = m->m_pkthdr.len;
	frame_note(b, in, NULL, BR_FLOODED, NULL, len);   /* once per frame */
	for (int i = 0; i < b->nports; i++)
		if (b->port[i].r != in && port_usable(&b->port[i]))
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
	int pi = port_index(b, r), len = m->m_pkthdr.len;
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
				flood(b, r, c);
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
		flood(b, r, m);
		return NULL;
	}
	if (b->rt[k].r == r) {
		frame_note(b, r, r, BR_FILTERED, "destination on the same side", len);
		free_frame(m, "bridge (same side)");
		return NULL;
	}
	pi = port_index(b, b->rt[k].r);
	if (!port_usable(&b->port[pi])) {
		b->port[pi].drops++;
		frame_note(b, r, b->port[pi].r, BR_DROPPED, "member not up and running", len);
		free_frame(m, "bridge (member down)");
		return NULL;
	}
	port_output(b, r, &b->port[pi], m, BR_FORWARDED);
	return NULL;
}

/* ------------------------------------------------------------ members */

static void trace_op(const struct net_bridge *b, const char *op, const char *ifname, int rc)
{
	sim_emit(net_w(), BR.k_bridge, b->name, op, ifname ? ifname : "", (int64_t)rc);
}

/*
 * io-pkt's ifpromisc(ifp, on) for r: stack context (a pseudo-thread: if_ioctl may
 * sleep). 0 or the driver's error, with if_pcount and if_flags as they were.
 */
static int promisc(struct model_ifnet *r, int on, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	int pcount = ifp->if_pcount, flags = ifp->if_flags, rc;
	struct ifreq ifr;
	if (on) {
		if (ifp->if_pcount++ != 0)
			return 0;
		ifp->if_flags |= IFF_PROMISC;
	} else {
		if (--ifp->if_pcount > 0)
			return 0;
		ifp->if_flags &= ~IFF_PROMISC;
	}
	net_if_trace_flags(r, cause, flags, ifp->if_flags_tx);
	if (!(ifp->if_flags & IFF_UP))
		return 0;                /* the driver looks at IFF_PROMISC when brought up */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->name);
	ifr.ifr_flags = (short)ifp->if_flags;
	rc = net_if_call_ioctl(r, SIOCSIFFLAGS, (caddr_t)&ifr, cause);
	if (rc && net_if_alive(ifp, r)) {
		ifp->if_pcount = pcount;
		ifp->if_flags = flags;
	}
	return rc;
}

/* Take member i out of b's list and table (no call into its driver). */
static void port_unlink(struct net_bridge *b, int i)
{
	struct model_ifnet *r = b->port[i].r;
	rt_forget(b, r);
	memmove(&b->port[i], &b->port[i + 1], sizeof(b->port[0]) * (size_t)(b->nports - i - 1));
	b->nports--;
	r->bridge = NULL;
}

void net_bridge_ifdetach(struct model_ifnet *r, int ifnet_readable)
{
	struct net_bridge *b = r->bridge;
	int i = port_index(b, r);
	if (i < 0)
		return;
	port_unlink(b, i);
	if (ifnet_readable && --r->ifp->if_pcount <= 0) {
		r->ifp->if_pcount = 0;
		r->ifp->if_flags &= ~IFF_PROMISC;
	}
	trace_op(b, "detached", r->name, 0);
}

/* Take r out of b and out of promiscuous mode; r's ifnet is ifp (r may go away while
 * if_ioctl sleeps). Pseudo-thread holding the stack. */
static void port_delete(struct net_bridge *b, struct model_ifnet *r, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	char name[IFNAMSIZ];
	int i = port_index(b, r);
	if (i < 0)
		return;
	snprintf(name, sizeof(name), "%s", r->name);
	port_unlink(b, i);
	trace_op(b, "delete", name, 0);
	if (net_if_alive(ifp, r))
		(void)promisc(r, 0, cause);  /* NetBSD ignores the result */
}

/* ------------------------------------------------------------ requests */

struct bridge_req {
	struct net_bridge *b;
	char ifname[IFNAMSIZ];
	char cause[64];
	char *err;
	size_t errlen;
};

static int create_fn(void *arg)
{
	struct bridge_req *q = arg;
	if (q->b->exists) {
		sim_errf(q->err, q->errlen, "%s exists already%s", q->b->name,
		         q->b->exists < 0 ? " (being destroyed)" : "");
		return EEXIST;
	}
	q->b->exists = 1;
	q->b->nports = q->b->nrt = 0;
	q->b->forwarded = q->b->flooded = q->b->delivered = q->b->filtered = q->b->dropped = 0;
	trace_op(q->b, "create", NULL, 0);
	return 0;
}

static int add_fn(void *arg)
{
	struct bridge_req *q = arg;
	struct net_bridge *b = q->b;
	struct model_ifnet *r = net_if_by_name(q->ifname);
	struct ifnet *ifp;
	int rc;
	if (!r) {
		sim_errf(q->err, q->errlen, "no interface %s", q->ifname);
		return ENXIO;
	}
	if (!r->ether) {
		sim_errf(q->err, q->errlen, "%s is not an Ethernet interface (no ether_ifattach)",
		         r->name);
		return EINVAL;
	}
	if (r->bridge) {
		sim_errf(q->err, q->errlen, "%s is a member of %s already", r->name, r->bridge->name);
		return r->bridge == b ? EEXIST : EBUSY;
	}
	if (b->nports == NET_BRIDGE_PORTS) {
		sim_errf(q->err, q->errlen, "%s has %d members already, the most it takes", b->name,
		         NET_BRIDGE_PORTS);
		return ENOSPC;
	}
	/* a member from now on: a request served while if_ioctl sleeps sees it */
	b->port[b->nports].r = r;
	b->port[b->nports].rx = b->port[b->nports].tx = b->port[b->nports].drops = 0;
	b->nports++;
	r->bridge = b;
	ifp = r->ifp;
	rc = promisc(r, 1, q->cause);
	if (!net_if_alive(ifp, r) || r->bridge != b) {
		sim_errf(q->err, q->errlen, "%s is no longer a member of %s: it went away, or the "
		         "bridge was destroyed, while its driver was put in promiscuous mode",
		         q->ifname, b->name);
		return ENXIO;
	}
	if (rc) {
		port_unlink(b, port_index(b, r));
		sim_errf(q->err, q->errlen, "%s: its driver refused promiscuous mode: if_ioctl"
		         "(SIOCSIFFLAGS) returned %d", r->name, rc);
		trace_op(b, "add", r->name, rc);
		return rc;
	}
	trace_op(b, "add", r->name, 0);
	return 0;
}

static int del_fn(void *arg)
{
	struct bridge_req *q = arg;
	struct model_ifnet *r = net_if_by_name(q->ifname);
	if (!r || r->bridge != q->b) {
		sim_errf(q->err, q->errlen, "%s is not a member of %s", q->ifname, q->b->name);
		return ENOENT;
	}
	port_delete(q->b, r, q->cause);
	return 0;
}

static int destroy_fn(void *arg)
{
	struct bridge_req *q = arg;
	struct net_bridge *b = q->b;
	b->exists = -1;              /* no more members from now on */
	while (b->nports > 0)
		port_delete(b, b->port[0].r, q->cause);
	b->nrt = 0;
	b->exists = 0;
	trace_op(b, "destroy", NULL, 0);
	return 0;
}

/* Serve "what" on bridge name (for member ifname) as a request; 0 or a positive errno. */
static int bridge_request(const char *what, const char *name, const char *ifname,
                          int (*fn)(void *), char *err, size_t errlen)
{
	struct bridge_req q;
	char cmd[96];
	if (err && errlen)
		err[0] = 0;
	memset(&q, 0, sizeof(q));
	q.err = err, q.errlen = errlen;
	q.b = bridge_slot(name);
	if (!q.b) {
		sim_errf(err, errlen, "bad bridge name \"%s\" (bridge0..bridge%d)", name ? name : "",
		         NET_BRIDGE_MAX - 1);
		return EINVAL;
	}
	if (fn != create_fn && q.b->exists != 1) {
		sim_errf(err, errlen, "no bridge %s (create it first)", q.b->name);
		return ENXIO;
	}
	if (ifname && (strlen(ifname) >= sizeof(q.ifname) || !*ifname)) {
		sim_errf(err, errlen, "bad interface name \"%s\"", ifname);
		return ENXIO;
	}
	snprintf(q.ifname, sizeof(q.ifname), "%s", ifname ? ifname : "");
	if (fn == create_fn || fn == destroy_fn)
		snprintf(cmd, sizeof(cmd), "ifconfig %s %s", q.b->name, what);
	else
		snprintf(cmd, sizeof(cmd), "brconfig %s %s %s", q.b->name, what, q.ifname);
	snprintf(q.cause, sizeof(q.cause), "%s", cmd);
	return net_request(cmd, fn, &q, err, errlen);
}

int model_bridge_create(const char *bridge, char *err, size_t errlen)
{
	return bridge_request("create", bridge, NULL, create_fn, err, errlen);
}

int model_bridge_add(const char *bridge, const char *ifname, char *err, size_t errlen)
{
	return bridge_request("add", bridge, ifname ? ifname : "", add_fn, err, errlen);
}

int model_bridge_del(const char *bridge, const char *ifname, char *err, size_t errlen)
{
	return bridge_request("delete", bridge, ifname ? ifname : "", del_fn, err, errlen);
}

int model_bridge_destroy(const char *bridge, char *err, size_t errlen)
{
	return bridge_request("destroy", bridge, NULL, destroy_fn, err, errlen);
}

int model_bridge_stats(const char *bridge, struct model_bridge_stats *out)
{
	struct net_bridge *b = bridge_slot(bridge);
	memset(out, 0, sizeof(*out));
	if (!b || b->exists != 1 || !model_net.w)
		return 0;
	out->exists = 1;
	out->nports = b->nports;
	for (int i = 0; i < b->nports; i++) {
		snprintf(out->port[i].name, sizeof(out->port[i].name), "%s", b->port[i].r->name);
		out->port[i].rx = b->port[i].rx;
		out->port[i].tx = b->port[i].tx;
		out->port[i].drops = b->port[i].drops;
	}
	out->forwarded = b->forwarded;
	out->flooded = b->flooded;
	out->delivered = b->delivered;
	out->filtered = b->filtered;
	out->dropped = b->dropped;
	for (int i = 0; i < b->nrt; i++)
		out->addresses += b->rt[i].expire > sim_now(net_w());
	return 0;
}
