/*
 * model/bridge_member.c — the bridge's members and requests (model/bridge.c has the
 * frames): "ifconfig bridgeN create/destroy", "brconfig bridgeN add/delete IF" served
 * as stack requests, promiscuous mode as io-pkt's ifpromisc does it, a member leaving
 * when it is detached, and the counters model_bridge_stats reads.
 *
 * Runs in the stack context: requests in a pseudo-thread (the driver's if_ioctl may
 * sleep, and other requests be served meanwhile: every step after it checks again what
 * it relies on), if_detach where it is called.
 */
#include "net_int.h"

#include <stdio.h>
#include <string.h>

/* The bridge named name, existing or not (NULL for a name that is no bridge's). */
static struct net_bridge *bridge_slot(const char *name)
{
	for (int i = 0; name && i < NET_BRIDGE_MAX; i++)
		if (strcmp(net_bridges[i].name, name) == 0)
			return &net_bridges[i];
	return NULL;
}

/* ------------------------------------------------------------ members */

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
	net_bridge_forget(b, r);
	memmove(&b->port[i], &b->port[i + 1], sizeof(b->port[0]) * (size_t)(b->nports - i - 1));
	b->nports--;
	r->bridge = NULL;
}

/* See net_int.h. Called by if_detach (ifnet.c) in the stack context; never sleeps. */
void net_bridge_ifdetach(struct model_ifnet *r, int ifnet_readable)
{
	struct net_bridge *b = r->bridge;
	int i = net_bridge_port_of(b, r);
	if (i < 0)
		return;
	port_unlink(b, i);
	if (ifnet_readable && --r->ifp->if_pcount <= 0) {
		r->ifp->if_pcount = 0;
		r->ifp->if_flags &= ~IFF_PROMISC;
	}
	net_bridge_trace_op(b, "detached", r->name, 0);
}

/* Take r out of b and out of promiscuous mode; r's ifnet is ifp (r may go away while
 * if_ioctl sleeps). Pseudo-thread holding the stack. */
static void port_delete(struct net_bridge *b, struct model_ifnet *r, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	char name[IFNAMSIZ];
	int i = net_bridge_port_of(b, r);
	if (i < 0)
		return;
	snprintf(name, sizeof(name), "%s", r->name);
	port_unlink(b, i);
	net_bridge_trace_op(b, "delete", name, 0);
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

/* The requests' functions, in a pseudo-thread holding the stack: 0 or a positive errno
 * with the reason in q->err; nothing changed on failure. */

/* ifconfig bridgeN create: an empty bridge, counters at 0. */
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
	net_bridge_trace_op(q->b, "create", NULL, 0);
	return 0;
}

/* brconfig bridgeN add IF: a member (last in order) in promiscuous mode. */
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
		port_unlink(b, net_bridge_port_of(b, r));
		sim_errf(q->err, q->errlen, "%s: its driver refused promiscuous mode: if_ioctl"
		         "(SIOCSIFFLAGS) returned %d", r->name, rc);
		net_bridge_trace_op(b, "add", r->name, rc);
		return rc;
	}
	net_bridge_trace_op(b, "add", r->name, 0);
	return 0;
}

/* brconfig bridgeN delete IF: out of the bridge, then out of promiscuous mode. */
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

/* ifconfig bridgeN destroy: every member deleted in order (no member can join while
 * their if_ioctl calls sleep), then the bridge. */
static int destroy_fn(void *arg)
{
	struct bridge_req *q = arg;
	struct net_bridge *b = q->b;
	b->exists = -1;              /* no more members from now on */
	while (b->nports > 0)
		port_delete(b, b->port[0].r, q->cause);
	b->nrt = 0;
	b->exists = 0;
	net_bridge_trace_op(b, "destroy", NULL, 0);
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

/* model.h: scenario threads; each a request, 0 or a positive errno (reason in err). */
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

/* model.h. Reads the state directly (any context). */
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
