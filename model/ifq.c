/*
 * model/ifq.c — an interface's send queue if_snd, behind the IFQ_ macros: enqueue (or
 * drop when full: the packet is freed), dequeue, poll, purge. Each change is traced
 * ("ifq": operation, interface, packets, queue length after). The queue takes no lock
 * itself: the caller holds the TX mutex (or has quiesced everyone).
 */
#include "net_int.h"

#define RA __builtin_return_address(0)

static const char *ifq_name(struct ifaltq *ifq)
{
	struct ifnet *ifp = ifq->altq_ifp;
	if (ifp && &ifp->if_snd == ifq && ifp->if_magic == NET_MAGIC_IFNET && ifp->if_model)
		return ifp->if_model->name;
	return "?";
}

/* The model's record of the interface whose if_snd is ifq, or NULL. */
static struct model_ifnet *ifq_rec(struct ifaltq *ifq)
{
	struct ifnet *ifp = ifq->altq_ifp;
	if (ifp && &ifp->if_snd == ifq && ifp->if_magic == NET_MAGIC_IFNET)
		return ifp->if_model;
	return NULL;
}

/* A frame left if_snd (sent or purged): the queue is moving. */
static void ifq_moved(struct ifaltq *ifq)
{
	struct model_ifnet *r = ifq_rec(ifq);
	if (r)
		r->deq_t = sim_now(net_w());
}

sim_ns net_ifq_head_time(const struct model_ifnet *r)
{
	struct mbuf *m = r->ifp->if_snd.ifq_head;
	struct net_mrec *rec = m ? net_mbuf_rec(m) : NULL;
	return rec ? rec->alloc.t : -1;
}

static void trace_ifq(struct ifaltq *ifq, const char *op, int n)
{
	sim_emit(net_w(), model_net.k.ifq, op, ifq_name(ifq), (int64_t)n, (int64_t)ifq->ifq_len);
}

/* Free one packet (a chain) on behalf of the code at ra. */
static void free_packet(struct mbuf *m, const void *ra, const char *api)
{
	while (m)
		m = net_mbuf_free(m, ra, api);
}

static void ifq_enqueue_ra(struct ifaltq *ifq, struct mbuf *m, int *errp, const void *ra)
{
	if (!net_mbuf_check(m, "IFQ_ENQUEUE")) {
		*errp = EINVAL;
		return;
	}
	if (IF_QFULL(ifq)) {
		ifq->ifq_drops++;
		free_packet(m, ra, "IFQ_ENQUEUE (queue full)");
		trace_ifq(ifq, "drop", 1);
		*errp = ENOBUFS;
		return;
	}
	IF_ENQUEUE(ifq, m);
	if (net_frame_record())
		trace_ifq(ifq, "enqueue", 1);
	else
		model_net.fc.ifq_enqueue++;
	*errp = 0;
}

MODEL_CALLER_SITE void _ifq_enqueue(struct ifaltq *ifq, struct mbuf *m, int *errp)
{
	ifq_enqueue_ra(ifq, m, errp, RA);
}

struct mbuf *_ifq_dequeue(struct ifaltq *ifq)
{
	struct mbuf *m;
	IF_DEQUEUE(ifq, m);
	if (m) {
		ifq_moved(ifq);
		if (net_frame_record())
			trace_ifq(ifq, "dequeue", 1);
		else
			model_net.fc.ifq_dequeue++;
	}
	return m;
}

struct mbuf *_ifq_poll(struct ifaltq *ifq)
{
	return ifq->ifq_head;
}

static int ifq_purge_ra(struct ifaltq *ifq, const void *ra, const char *api)
{
	struct mbuf *m;
	int n = 0;
	for (;;) {
		IF_DEQUEUE(ifq, m);
		if (!m)
			break;
		free_packet(m, ra, api);
		n++;
	}
	if (n)
		ifq_moved(ifq);
	return n;
}

MODEL_CALLER_SITE void _ifq_purge(struct ifaltq *ifq)
{
	int n = ifq_purge_ra(ifq, RA, "IFQ_PURGE");
	trace_ifq(ifq, "purge", n);
}

int net_ifq_purge(struct model_ifnet *r, const char *why)
{
	struct ifaltq *ifq = &r->ifp->if_snd;
	int n = ifq_purge_ra(ifq, NULL, why);
	trace_ifq(ifq, "purge", n);
	return n;
}

int net_ifq_enqueue(struct model_ifnet *r, struct mbuf *m)
{
	int err;
	ifq_enqueue_ra(&r->ifp->if_snd, m, &err, NULL);
	if (err == ENOBUFS)
		r->snd_drops++;
	return err;
}
