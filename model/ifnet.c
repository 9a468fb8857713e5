/*
 * model/ifnet.c — io-pkt's interfaces: if_attach and if_detach, the list of interfaces
 * (attach order), and the model's calls into a driver's if_init, if_stop, if_ioctl and
 * if_start, each traced with the flags it changed.
 *
 * A struct ifnet lives in the driver's device structure; the model keeps a record
 * (struct model_ifnet) for it, reached through ifp->if_model and checked with
 * ifp->if_magic on every use. A driver callback may sleep (if_init in a pseudo-thread),
 * and the interface may be destroyed meanwhile: after each call the record is used only
 * if ifp still points at it.
 */
#include "net_int.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ lookup */

struct model_ifnet *net_if_by_name(const char *name)
{
	for (struct model_ifnet *r = model_net.ifs; r; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

int net_if_alive(const struct ifnet *ifp, const struct model_ifnet *r)
{
	return ifp->if_magic == NET_MAGIC_IFNET && ifp->if_model == r;
}

struct model_ifnet *net_if_check(struct ifnet *ifp, const char *api)
{
	if (ifp && ifp->if_magic == NET_MAGIC_IFNET && ifp->if_model &&
	    ifp->if_model->magic == NET_MAGIC_IFNET && ifp->if_model->ifp == ifp)
		return ifp->if_model;
	model_breach("ifnet-bad-pointer", "%s on %s", api,
	             ifp ? "an ifnet that is not attached (if_attach not called, or already "
	                   "detached)" : "a NULL ifnet");
	return NULL;
}

struct model_ifnet *net_if_by_txlock(const pthread_mutex_t *exp)
{
	for (struct model_ifnet *r = model_net.ifs; r; r = r->next)
		if (&r->ifp->if_snd_ex == exp)
			return r;
	return NULL;
}

struct ifnet *ifunit(const char *name)
{
	struct model_ifnet *r = name ? net_if_by_name(name) : NULL;
	return r ? r->ifp : NULL;
}

static int fn_in(const void *fn, const struct net_dll *d)
{
	return fn && (uintptr_t)fn >= d->base && (uintptr_t)fn < d->end;
}

int net_if_count_of_dll(const struct net_dll *d, char *buf, size_t n)
{
	int c = 0;
	for (struct model_ifnet *r = model_net.ifs; r; r = r->next) {
		struct ifnet *ifp = r->ifp;
		if (fn_in(ifp->if_init, d) || fn_in(ifp->if_start, d) || fn_in(ifp->if_stop, d) ||
		    fn_in(ifp->if_ioctl, d) || fn_in(ifp->if_watchdog, d)) {
			net_append(buf, n, "interface %s", r->name);
			c++;
		}
	}
	return c;
}

/* ------------------------------------------------------------ attach */

void if_attach(struct ifnet *ifp)
{
	struct model_ifnet *r;
	if (!ifp) {
		model_breach("ifnet-bad-pointer", "if_attach(NULL)");
		return;
	}
	if (ifp->if_magic == NET_MAGIC_IFNET && ifp->if_model) {
		model_breach("if_attach-twice", "if_attach of %s, already attached (attach code "
		             "run again, e.g. from if_init?)", ifp->if_xname);
		return;
	}
	if (!model_in_stack())
		model_breach("if_attach-outside-stack", "if_attach of %s outside the stack context",
		             ifp->if_xname);
	if (!ifp->if_xname[0] || memchr(ifp->if_xname, 0, IFNAMSIZ) == NULL) {
		model_breach("if_attach-no-name", "if_attach of an ifnet without a name: set "
		             "if_xname (from dv_xname) first");
		return;
	}
	if (net_if_by_name(ifp->if_xname)) {
		model_breach("if_attach-duplicate", "if_attach of a second interface named %s",
		             ifp->if_xname);
		return;
	}
	r = sim_alloc(net_w(), sizeof(*r));
	r->magic = NET_MAGIC_IFNET;
	r->start_t = r->stop_t = r->deq_t = -1;
	r->ifp = ifp;
	snprintf(r->name, sizeof(r->name), "%s", ifp->if_xname);
	r->sadl = sim_alloc(net_w(), sizeof(*r->sadl));
	r->sadl->sdl_len = sizeof(*r->sadl);
	r->sadl->sdl_family = AF_LINK;
	r->sadl->sdl_nlen = (u_char)strlen(r->name);
	memcpy(r->sadl->sdl_data, r->name, r->sadl->sdl_nlen);
	net_txlock_init(r);
	ifp->if_sadl = r->sadl;
	ifp->if_index = (u_short)++model_net.if_seq;
	if (ifp->if_snd.ifq_maxlen == 0)
		ifp->if_snd.ifq_maxlen = IFQ_MAXLEN;
	ifp->if_snd.altq_ifp = ifp;
	ifp->if_magic = NET_MAGIC_IFNET;
	ifp->if_model = r;
	r->sadl->sdl_index = ifp->if_index;
	if (model_net.ifs_tail)
		model_net.ifs_tail->next = r;
	else
		model_net.ifs = r;
	model_net.ifs_tail = r;
	sim_emit(net_w(), model_net.k.if_call, r->name, "if_attach", "", (int64_t)0);
}

/* ------------------------------------------------------------ detach */

static void if_unlink(struct model_ifnet *r)
{
	struct model_ifnet **pp = &model_net.ifs, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			if (model_net.ifs_tail == r)
				model_net.ifs_tail = prev;
			break;
		}
}

/* Forget r: its queues, its TX mutex, its record. The ifnet is left marked unattached. */
static void if_forget(struct model_ifnet *r, int ifnet_readable)
{
	struct ifnet *ifp = r->ifp;
	int busy = r->tx.owner || !sim_waitq_empty(&r->tx.q);
	if (busy)
		model_breach("if_detach-tx-mutex-held", "%s detached while its TX mutex is %s",
		             r->name, r->tx.owner ? "held" : "waited for");
	if (r->bridge)
		net_bridge_ifdetach(r, ifnet_readable);
	net_input_forget(r);
	if_unlink(r);
	if (ifnet_readable) {
		ifp->if_magic = 0;
		ifp->if_model = NULL;
		if (ifp->if_sadl == r->sadl)
			ifp->if_sadl = NULL;
	}
	r->magic = 0;
	if (busy)
		return;         /* threads still use its TX mutex: keep the memory */
	sim_free(net_w(), r->sadl, sizeof(*r->sadl));
	sim_free(net_w(), r, sizeof(*r));
}

void if_detach(struct ifnet *ifp)
{
	struct model_ifnet *r = net_if_check(ifp, "if_detach");
	if (!r)
		return;
	if (!model_in_stack())
		model_breach("if_detach-outside-stack", "if_detach of %s outside the stack context",
		             r->name);
	quiesce_all();
	if (!net_if_alive(ifp, r)) {
		unquiesce_all();
		return;
	}
	if (ifp->if_flags & IFF_UP) {
		int of = ifp->if_flags, ot = ifp->if_flags_tx;
		ifp->if_flags &= ~IFF_UP;
		net_if_trace_flags(r, "if_detach", of, ot);
	}
	net_ifq_purge(r, "if_detach");      /* every other thread is quiesced */
	unquiesce_all();
	if (!net_if_alive(ifp, r))
		return;
	if (r->ether && LIST_FIRST(&((struct ethercom *)ifp)->ec_multiaddrs)) {
		sim_emit(net_w(), model_net.k.leftover, r->name,
		         "multicast list not freed: ether_ifdetach was not called");
		net_ether_free_multi((struct ethercom *)ifp);
	}
	sim_emit(net_w(), model_net.k.if_call, r->name, "if_detach", "", (int64_t)0);
	if_forget(r, 1);
}

void net_if_reap_inside(const void *mem, size_t size, const char *devname)
{
	struct model_ifnet *r = model_net.ifs, *next;
	for (; r; r = next) {
		next = r->next;
		if ((const char *)r->ifp < (const char *)mem ||
		    (const char *)r->ifp >= (const char *)mem + size)
			continue;
		model_breach("if_detach-missing", "device %s went away but its interface %s was "
		             "never if_detach()ed: io-pkt keeps it in its list, pointing at freed "
		             "memory", devname, r->name);
		if (r->ether)
			net_ether_free_multi((struct ethercom *)r->ifp);
		if_forget(r, 1);
	}
}

/* ------------------------------------------------------------ state changes */

void net_if_trace_flags(struct model_ifnet *r, const char *cause, int old_flags, int old_tx)
{
	struct ifnet *ifp = r->ifp;
	if (ifp->if_flags == old_flags && ifp->if_flags_tx == old_tx)
		return;
	sim_emit(net_w(), model_net.k.if_flags, r->name, cause, (int64_t)old_flags,
	         (int64_t)ifp->if_flags, (int64_t)old_tx, (int64_t)ifp->if_flags_tx);
}

void net_if_down(struct model_ifnet *r)
{
	struct ifnet *ifp = r->ifp;
	int of = ifp->if_flags, ot = ifp->if_flags_tx;
	ifp->if_flags &= ~IFF_UP;
	net_if_trace_flags(r, "if_down", of, ot);
	net_tx_lock(r);
	if (net_if_alive(ifp, r)) {
		net_ifq_purge(r, "if_down");
		net_tx_unlock(r);
	}
}

/* ------------------------------------------------------------ calls into the driver */

static void trace_call(struct model_ifnet *r, const char *entry, const void *fn, int rc)
{
	char name[96];
	sim_emit(net_w(), model_net.k.if_call, r->name, entry, net_fn_name(fn, name, sizeof(name)),
	         (int64_t)rc);
}

/* The if_init running now that has nothing to change, and on which thread. */
static struct {
	struct model_ifnet *r;
	const struct model_thread *t;
	const char *cause;
	uint64_t nth;
} NL;

static void if_config_now(const struct model_ifnet *r, struct net_if_config *c)
{
	struct ifnet *ifp = r->ifp;
	memset(c, 0, sizeof(*c));
	c->valid = 1;
	c->mtu = (int)ifp->if_mtu;
	c->flags = ifp->if_flags & (IFF_UP | IFF_PROMISC);
	c->addr = r->addr.sin_addr;
	c->mask = r->mask.sin_addr;
	c->multicnt = r->ether ? ((struct ethercom *)ifp)->ec_multicnt : 0;
	if (ifp->if_sadl)
		memcpy(c->lladdr, LLADDR(ifp->if_sadl), sizeof(c->lladdr));
}

int model_net_init_needless(char *buf, size_t n)
{
	if (!NL.r || NL.t != model_thread_self())
		return 0;
	snprintf(buf, n, "if_init #%llu of %s for %s, asked for the address, MTU %d, flags, "
	         "multicast list and station address of its last if_init while running",
	         (unsigned long long)NL.nth, NL.r->name, NL.cause, (int)NL.r->ifp->if_mtu);
	return 1;
}

int net_if_call_init(struct model_ifnet *r, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	int (*fn)(struct ifnet *) = ifp->if_init;
	int of = ifp->if_flags, ot = ifp->if_flags_tx, rc = ENXIO;
	struct net_if_config now;
	if_config_now(r, &now);
	r->init_calls++;
	if ((ifp->if_flags & IFF_RUNNING) && !memcmp(&now, &r->last_init, sizeof(now))) {
		NL.r = r, NL.t = model_thread_self(), NL.cause = cause, NL.nth = r->init_calls;
	}
	if (net_call_enter("if_init", fn, NULL)) {
		rc = fn(ifp);
		net_call_exit();
	}
	if (NL.r == r)
		memset(&NL, 0, sizeof(NL));
	if (!net_if_alive(ifp, r))
		return rc;
	memcpy(&r->last_init, &now, sizeof(now));
	r->last_init.valid = rc == 0;
	trace_call(r, "if_init", fn, rc);
	net_if_trace_flags(r, cause, of, ot);
	return rc;
}

void net_if_call_stop(struct model_ifnet *r, int disable, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	void (*fn)(struct ifnet *, int) = ifp->if_stop;
	int of = ifp->if_flags, ot = ifp->if_flags_tx;
	r->stop_calls++;
	r->stop_t = sim_now(net_w());
	r->last_init.valid = 0;      /* stopped: the next if_init has the hardware to start */
	if (net_call_enter("if_stop", fn, NULL)) {
		fn(ifp, disable);
		net_call_exit();
	}
	if (!net_if_alive(ifp, r))
		return;
	trace_call(r, "if_stop", fn, 0);
	net_if_trace_flags(r, cause, of, ot);
}

int net_if_call_ioctl(struct model_ifnet *r, u_long cmd, caddr_t data, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	int (*fn)(struct ifnet *, u_long, caddr_t) = ifp->if_ioctl;
	int of = ifp->if_flags, ot = ifp->if_flags_tx, rc = ENXIO;
	if (!fn)
		return EOPNOTSUPP;
	if (net_call_enter("if_ioctl", fn, NULL)) {
		rc = fn(ifp, cmd, data);
		net_call_exit();
	}
	if (!net_if_alive(ifp, r))
		return rc;
	trace_call(r, "if_ioctl", fn, rc);
	net_if_trace_flags(r, cause, of, ot);
	return rc;
}

void net_if_call_start(struct model_ifnet *r)
{
	struct ifnet *ifp = r->ifp;
	void (*fn)(struct ifnet *) = ifp->if_start;
	int of = ifp->if_flags, ot = ifp->if_flags_tx;
	r->start_calls++;
	r->start_t = sim_now(net_w());
	if (!net_call_enter("if_start", fn, NULL)) {
		net_tx_unlock(r);
		return;
	}
	fn(ifp);
	if (net_if_alive(ifp, r) && net_tx_held_by_me(r)) {
		model_breach("if_start-kept-tx-mutex", "if_start returned still holding the TX mutex "
		             "of %s (if_snd_ex): it must release it with NW_SIGUNLOCK on every path, "
		             "or every later sender blocks", r->name);
		net_tx_unlock(r);
	}
	net_call_exit();
	if (!net_if_alive(ifp, r))
		return;
	trace_call(r, "if_start", fn, 0);
	net_if_trace_flags(r, "if_start", of, ot);
}

/* ------------------------------------------------------------ public (model.h) */

int model_if_info(const char *ifname, struct model_if_info *out)
{
	struct model_ifnet *r = ifname ? net_if_by_name(ifname) : NULL;
	struct ifnet *ifp;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", ifname ? ifname : "");
	if (!r)
		return 0;
	ifp = r->ifp;
	out->exists = 1;
	out->flags = ifp->if_flags;
	out->flags_tx = ifp->if_flags_tx;
	out->up = (ifp->if_flags & IFF_UP) != 0;
	out->running = (ifp->if_flags & IFF_RUNNING) != 0;
	out->oactive = (ifp->if_flags_tx & IFF_OACTIVE) != 0;
	out->running_tx = (ifp->if_flags_tx & IFF_RUNNING) != 0;
	out->link_state = ifp->if_link_state;
	snprintf(out->link, sizeof(out->link), "%s",
	         ifp->if_link_state == LINK_STATE_UP     ? "up"
	         : ifp->if_link_state == LINK_STATE_DOWN ? "down"
	                                                 : "unknown");
	out->mtu = (int)ifp->if_mtu;
	out->ipackets = ifp->if_ipackets;
	out->opackets = ifp->if_opackets;
	out->ierrors = ifp->if_ierrors;
	out->oerrors = ifp->if_oerrors;
	out->input_delivered = r->input_delivered;
	out->input_dropped = r->input_dropped;
	out->snd_len = ifp->if_snd.ifq_len;
	out->snd_maxlen = ifp->if_snd.ifq_maxlen;
	out->snd_drops = r->snd_drops;
	out->init_calls = r->init_calls;
	out->stop_calls = r->stop_calls;
	out->start_calls = r->start_calls;
	out->start_t = r->start_t;
	out->stop_t = r->stop_t;
	out->deq_t = r->deq_t;
	out->snd_head_t = net_ifq_head_time(r);
	out->callouts = net_if_callouts(r, out->callout_desc, sizeof(out->callout_desc));
	net_fn_name((const void *)ifp->if_start, out->start_fn, sizeof(out->start_fn));
	net_fn_name((const void *)ifp->if_stop, out->stop_fn, sizeof(out->stop_fn));
	return 0;
}

int net_if_callouts(const struct model_ifnet *r, char *buf, size_t n)
{
	struct net_dev *d = net_dev_holding(r->ifp);
	if (n)
		buf[0] = '\0';
	return d ? model_callouts_in(d->dev, (const char *)d->dev + d->size, buf, n) : 0;
}
