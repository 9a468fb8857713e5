/*
 * model/ether.c — Ethernet interfaces: ether_ifattach/ether_ifdetach, ether_ioctl (the
 * requests a driver's if_ioctl hands back to io-pkt, which call if_init/if_stop), the
 * multicast list, and ether_output, the path a packet takes to if_snd and if_start.
 */
#include "net_int.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* What a driver without if_init / if_stop gets (io-pkt logs it). */
static int ether_noop_init(struct ifnet *ifp)
{
	(void)ifp;
	return 0;
}

static void ether_noop_stop(struct ifnet *ifp, int disable)
{
	(void)ifp, (void)disable;
}

/* ------------------------------------------------------------ attach / detach */

void ether_ifattach(struct ifnet *ifp, const uint8_t *enaddr)
{
	struct model_ifnet *r = net_if_check(ifp, "ether_ifattach");
	struct ethercom *ec = (struct ethercom *)ifp;
	if (!r)
		return;
	ifp->if_type = IFT_ETHER;
	ifp->if_addrlen = ETHER_ADDR_LEN;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	ifp->if_mtu = ETHERMTU;
	ifp->if_output = ether_output;
	ifp->if_input = ether_input;
	ifp->if_broadcastaddr = etherbroadcastaddr;
	r->sadl->sdl_type = IFT_ETHER;
	r->sadl->sdl_alen = ETHER_ADDR_LEN;
	if (enaddr)
		memcpy(LLADDR(r->sadl), enaddr, ETHER_ADDR_LEN);
	LIST_INIT(&ec->ec_multiaddrs);
	ec->ec_multicnt = 0;
	if (!ifp->if_init) {
		nw_log(LOG_ERR, "%s: no if_init: using a no-op", r->name);
		ifp->if_init = ether_noop_init;
	}
	if (!ifp->if_stop) {
		nw_log(LOG_ERR, "%s: no if_stop: using a no-op", r->name);
		ifp->if_stop = ether_noop_stop;
	}
	r->ether = 1;
	sim_emit(net_w(), model_net.k.if_call, r->name, "ether_ifattach", ether_sprintf(enaddr),
	         (int64_t)0);
}

void net_ether_free_multi(struct ethercom *ec)
{
	struct ether_multi *enm;
	while ((enm = LIST_FIRST(&ec->ec_multiaddrs)) != NULL) {
		LIST_REMOVE(enm, enm_list);
		sim_free(net_w(), enm, sizeof(*enm));
	}
	ec->ec_multicnt = 0;
}

void ether_ifdetach(struct ifnet *ifp)
{
	struct model_ifnet *r = net_if_check(ifp, "ether_ifdetach");
	if (!r)
		return;
	if (r->ether)
		net_ether_free_multi((struct ethercom *)ifp);
	sim_emit(net_w(), model_net.k.if_call, r->name, "ether_ifdetach", "", (int64_t)0);
}

/* ------------------------------------------------------------ multicast */

static struct ether_multi *multi_find(struct ethercom *ec, const uint8_t *lo, const uint8_t *hi)
{
	struct ether_multi *enm;
	LIST_FOREACH(enm, &ec->ec_multiaddrs, enm_list)
		if (!memcmp(enm->enm_addrlo, lo, ETHER_ADDR_LEN) &&
		    !memcmp(enm->enm_addrhi, hi, ETHER_ADDR_LEN))
			return enm;
	return NULL;
}

int ether_addmulti(const uint8_t lo[ETHER_ADDR_LEN], const uint8_t hi[ETHER_ADDR_LEN],
                   struct ethercom *ec)
{
	struct ether_multi *enm;
	if (!ETHER_IS_MULTICAST(lo) || !ETHER_IS_MULTICAST(hi))
		return EINVAL;
	if ((enm = multi_find(ec, lo, hi)) != NULL) {
		enm->enm_refcount++;
		return 0;
	}
	enm = sim_alloc(net_w(), sizeof(*enm));
	memcpy(enm->enm_addrlo, lo, ETHER_ADDR_LEN);
	memcpy(enm->enm_addrhi, hi, ETHER_ADDR_LEN);
	enm->enm_ec = ec;
	enm->enm_refcount = 1;
	LIST_INSERT_HEAD(&ec->ec_multiaddrs, enm, enm_list);
	ec->ec_multicnt++;
	return ENETRESET;     /* the driver must reprogram its filter */
}

int ether_delmulti(const uint8_t lo[ETHER_ADDR_LEN], const uint8_t hi[ETHER_ADDR_LEN],
                   struct ethercom *ec)
{
	struct ether_multi *enm = multi_find(ec, lo, hi);
	if (!enm)
		return ENXIO;
	if (--enm->enm_refcount > 0)
		return 0;
	LIST_REMOVE(enm, enm_list);
	sim_free(net_w(), enm, sizeof(*enm));
	ec->ec_multicnt--;
	return ENETRESET;
}

/* The Ethernet address range of a SIOCADDMULTI/SIOCDELMULTI request (AF_UNSPEC: the
 * address itself; AF_INET: the IPv4 group mapped to 01:00:5e:...). 0 or EAFNOSUPPORT. */
static int multi_range(const struct sockaddr *sa, uint8_t lo[ETHER_ADDR_LEN],
                       uint8_t hi[ETHER_ADDR_LEN])
{
	if (sa->sa_family == AF_UNSPEC) {
		memcpy(lo, sa->sa_data, ETHER_ADDR_LEN);
		memcpy(hi, lo, ETHER_ADDR_LEN);
		return 0;
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		uint32_t a = ntohl(sin->sin_addr.s_addr);
		lo[0] = 0x01, lo[1] = 0x00, lo[2] = 0x5e;
		lo[3] = (a >> 16) & 0x7f, lo[4] = (a >> 8) & 0xff, lo[5] = a & 0xff;
		memcpy(hi, lo, ETHER_ADDR_LEN);
		return 0;
	}
	return EAFNOSUPPORT;
}

/* ------------------------------------------------------------ ioctl */

static int ether_flags_changed(struct model_ifnet *r)
{
	struct ifnet *ifp = r->ifp;
	switch (ifp->if_flags & (IFF_UP | IFF_RUNNING)) {
	case IFF_RUNNING:           /* down, still running: stop it */
		net_if_call_stop(r, 1, "SIOCSIFFLAGS");
		return 0;
	case IFF_UP:                /* up, not running: start it */
		return net_if_call_init(r, "SIOCSIFFLAGS");
	case IFF_UP | IFF_RUNNING:  /* up and running: re-init to pick up other flags */
		return net_if_call_init(r, "SIOCSIFFLAGS");
	default:
		return 0;
	}
}

int ether_ioctl(struct ifnet *ifp, u_long cmd, caddr_t data)
{
	struct model_ifnet *r = net_if_check(ifp, "ether_ioctl");
	struct ethercom *ec = (struct ethercom *)ifp;
	struct ifreq *ifr = (struct ifreq *)data;
	uint8_t lo[ETHER_ADDR_LEN], hi[ETHER_ADDR_LEN];
	int error, max;

	if (!r)
		return ENXIO;
	switch (cmd) {
	case SIOCSIFADDR:
	case SIOCINITIFADDR:
		ifp->if_flags |= IFF_UP;
		return net_if_call_init(r, "SIOCSIFADDR");
	case SIOCSIFMTU:
		max = (ec->ec_capabilities & ETHERCAP_JUMBO_MTU) ? ETHERMTU_JUMBO : ETHERMTU;
		if (!ifr || ifr->ifr_mtu < ETHERMIN || ifr->ifr_mtu > max)
			return EINVAL;
		ifp->if_mtu = (u_quad_t)ifr->ifr_mtu;
		/* make sure the device notices the change */
		return (ifp->if_flags & IFF_UP) ? net_if_call_init(r, "SIOCSIFMTU") : 0;
	case SIOCSIFFLAGS:
		return ether_flags_changed(r);
	case SIOCADDMULTI:
	case SIOCDELMULTI:
		if (!ifr || (error = multi_range(&ifr->ifr_addr, lo, hi)) != 0)
			return ifr ? error : EINVAL;
		return cmd == SIOCADDMULTI ? ether_addmulti(lo, hi, ec) : ether_delmulti(lo, hi, ec);
	default:
		return ENOTTY;
	}
}

/* ------------------------------------------------------------ output */

/*
 * io-pkt's output path for a packet m (a chain with M_PKTHDR) on ifp: not up and
 * running: dropped, ENETDOWN. A bridge member's packet goes to the bridge (bridge.c),
 * which calls back here with rt = NET_BRIDGE_RT for each member it picks. Then, under
 * the TX mutex: if_snd full: dropped, ENOBUFS; else queued, and if_start called unless
 * IFF_OACTIVE is set in if_flags_tx (if_start releases the mutex; otherwise it is
 * released here).
 */
int ether_output(struct ifnet *ifp, struct mbuf *m, struct sockaddr *dst, struct rtentry *rt)
{
	struct model_ifnet *r = net_if_check(ifp, "ether_output");
	int err, len;
	(void)dst, (void)rt;
	if (!r || !net_mbuf_check(m, "ether_output"))
		return ENXIO;
	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING)) {
		while (m)
			m = net_mbuf_free(m, NULL, "ether_output (interface down)");
		return ENETDOWN;
	}
	if (r->bridge && rt != NET_BRIDGE_RT)  /* a bridge member: the bridge decides where */
		return net_bridge_output(r, m);
	net_tx_lock(r);
	if (!net_tx_held_by_me(r))
		return ENXIO;                 /* a breach was reported */
	len = m->m_pkthdr.len;
	if ((err = net_ifq_enqueue(r, m)) != 0) {
		net_tx_unlock(r);
		return err;
	}
	ifp->if_obytes += (u_quad_t)len;
	if (ifp->if_flags_tx & IFF_OACTIVE)
		net_tx_unlock(r);
	else
		net_if_call_start(r);
	return 0;
}

char *ether_sprintf(const u_char *ap)
{
	static char buf[3 * ETHER_ADDR_LEN];
	if (!ap)
		return strcpy(buf, "");
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", ap[0], ap[1], ap[2], ap[3],
	         ap[4], ap[5]);
	return buf;
}
