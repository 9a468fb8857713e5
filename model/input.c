/*
 * model/input.c — what drivers hand up to the stack: received frames (if_input, which
 * ether_ifattach points at ether_input) and link-state changes (if_link_state_change).
 *
 * Both are queued for the stack and the stack is kicked; the stack's loop calls
 * model_net_stack_work on proc0, which applies the link changes and delivers the
 * frames to a minimal protocol layer: counted (input_delivered, if_ibytes) and freed.
 * A frame that came in on a bridge member goes through the bridge first (bridge.c):
 * forwarded to other members, or handed back to go up.
 * A link change made in the stack context takes effect at once. A frame for an
 * interface that is not up is dropped (input_dropped), when handed up and again when
 * delivered (the interface may have gone down meanwhile).
 */
#include "net_int.h"

#include <string.h>

#define NET_INPUTQ_MAX 1024 /* frames waiting for the stack, all interfaces */
#define NET_LINKQ_MAX 64    /* link changes waiting for the stack */

struct link_event {
	struct model_ifnet *r;
	int state;
	struct mbuf *carrier;   /* io-pkt carries the change in an mbuf */
};

static struct {
	struct mbuf *head, *tail;
	int len;
	struct link_event link[NET_LINKQ_MAX];
	int nlink;
} IQ;

void net_input_init(void)
{
	memset(&IQ, 0, sizeof(IQ));
}

static void free_chain(struct mbuf *m, const char *why)
{
	while (m)
		m = net_mbuf_free(m, NULL, why);
}

static void trace_input(int kind, const char *ifname, struct mbuf *m, const char *what)
{
	sim_emit(net_w(), kind, ifname, (int64_t)(m ? m->m_pkthdr.len : 0), what);
}

/* 1 if the caller is an io-pkt worker thread (doing interrupt work). */
static int self_is_worker(void)
{
	struct model_thread *t = model_thread_self();
	return t && model_thread_kind(t) == MT_WORKER;
}

/* 1 if the calling thread may hand frames or link changes to io-pkt. */
static int input_thread_ok(const char *api)
{
	static const struct net_thread_rule rule = {
		"if_input-in-isr", "%s from an interrupt handler (kernel context): hand the work to "
		                   "process_interrupt with interrupt_queue",
		NULL, NULL,
		"if_input-untracked-thread", "%s from thread \"%s\", which io-pkt does not track "
		                             "(use nw_pthread_create)",
	};
	return net_thread_ok(&rule, api);
}

/* ------------------------------------------------------------ frames */

void ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct model_ifnet *r = net_if_check(ifp, "if_input");
	if (!r || !net_mbuf_check(m, "if_input"))
		return;
	if (!input_thread_ok("if_input")) {
		free_chain(m, "if_input (refused)");
		return;
	}
	if (!(m->m_flags & M_PKTHDR)) {
		model_breach("if_input-no-pkthdr", "if_input on %s of an mbuf without M_PKTHDR: the "
		             "first mbuf of a received frame must be a packet header (m_gethdr, "
		             "m_getcl(..., M_PKTHDR))", r->name);
		free_chain(m, "if_input (refused)");
		return;
	}
	if (m_length(m) != m->m_pkthdr.len) {
		model_breach("mbuf-bad-pkthdr-len", "if_input on %s: m_pkthdr.len is %d but the chain "
		             "holds %d bytes", r->name, m->m_pkthdr.len, m_length(m));
		free_chain(m, "if_input (refused)");
		return;
	}
	if (!(ifp->if_flags & IFF_UP)) {
		r->input_dropped++;
		trace_input(model_net.k.if_input, r->name, m, "dropped: interface down");
		free_chain(m, "if_input (interface down)");
		return;
	}
	if (IQ.len >= NET_INPUTQ_MAX) {
		r->input_dropped++;
		ifp->if_iqdrops++;
		trace_input(model_net.k.if_input, r->name, m, "dropped: stack input queue full");
		free_chain(m, "if_input (queue full)");
		return;
	}
	m->m_pkthdr.rcvif = ifp;
	m->m_nextpkt = NULL;
	if (IQ.tail)
		IQ.tail->m_nextpkt = m;
	else
		IQ.head = m;
	IQ.tail = m;
	IQ.len++;
	if (net_frame_record())
		trace_input(model_net.k.if_input, r->name, m, "queued");
	else
		model_net.fc.if_input++;
	/* a worker handing frames up from process_interrupt serves the stack itself when its
	 * interrupt work is done, or kicks it after this process_interrupt if more interrupt
	 * work waits (worker.c): a kick per frame would hand each frame to another worker */
	if (!self_is_worker())
		model_stack_kick();
}

/* The stack's ether_input proper: count and free. */
static void deliver(struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct model_ifnet *r = ifp->if_model;
	if (!(ifp->if_flags & IFF_UP) || m->m_len < ETHER_HDR_LEN) {
		r->input_dropped++;
		trace_input(model_net.k.ether_input, r->name, m,
		            (ifp->if_flags & IFF_UP) ? "dropped: runt" : "dropped: interface down");
		free_chain(m, "ether_input (dropped)");
		return;
	}
	if (ETHER_IS_MULTICAST(mtod(m, const uint8_t *)))
		ifp->if_imcasts++;
	ifp->if_ibytes += (u_quad_t)m->m_pkthdr.len;
	if (r->bridge) {            /* a bridge member: bridge.c forwards or hands it back */
		if (!(m = net_bridge_input(r, m)))
			return;
		r = m->m_pkthdr.rcvif->if_model;
	}
	r->input_delivered++;
	if (net_frame_record())
		trace_input(model_net.k.ether_input, r->name, m, "delivered");
	else
		model_net.fc.ether_input++;
	free_chain(m, "ether_input");
}

/* ------------------------------------------------------------ link state */

static void link_apply(struct model_ifnet *r, int state, const char *how)
{
	struct ifnet *ifp = r->ifp;
	if (ifp->if_link_state == state)
		return;
	ifp->if_link_state = state;
	sim_emit(net_w(), model_net.k.link_state, r->name, (int64_t)state, how);
}

void if_link_state_change(struct ifnet *ifp, int link_state)
{
	struct model_ifnet *r = net_if_check(ifp, "if_link_state_change");
	struct mbuf *carrier;
	if (!r)
		return;
	if (model_in_stack()) {
		link_apply(r, link_state, "immediate");
		return;
	}
	if (!input_thread_ok("if_link_state_change"))
		return;
	carrier = net_mbuf_alloc(M_NOWAIT, MT_DATA, 1, 0, NULL, "if_link_state_change");
	if (!carrier || IQ.nlink == NET_LINKQ_MAX) {
		if (carrier)
			net_mbuf_free(carrier, NULL, "if_link_state_change");
		sim_emit(net_w(), model_net.k.link_state, r->name, (int64_t)link_state,
		         "dropped: no mbuf or queue full");
		return;
	}
	IQ.link[IQ.nlink].r = r;
	IQ.link[IQ.nlink].state = link_state;
	IQ.link[IQ.nlink].carrier = carrier;
	IQ.nlink++;
	sim_emit(net_w(), model_net.k.link_state, r->name, (int64_t)link_state, "queued");
	model_stack_kick();
}

/* ------------------------------------------------------------ the stack's side */

int model_net_has_work(void)
{
	return IQ.len > 0 || IQ.nlink > 0;
}

int model_net_stack_work(void)
{
	int n = 0;
	while (IQ.nlink > 0) {
		struct link_event ev = IQ.link[0];
		memmove(&IQ.link[0], &IQ.link[1], sizeof(IQ.link[0]) * (size_t)--IQ.nlink);
		link_apply(ev.r, ev.state, "delivered");
		net_mbuf_free(ev.carrier, NULL, "if_link_state_change");
		n++;
	}
	while (IQ.head) {
		struct mbuf *m = IQ.head;
		IQ.head = m->m_nextpkt;
		if (!IQ.head)
			IQ.tail = NULL;
		IQ.len--;
		m->m_nextpkt = NULL;
		deliver(m);
		n++;
	}
	return n;
}

void net_input_forget(struct model_ifnet *r)
{
	struct mbuf **pp = &IQ.head, *m, *last = NULL;
	int i = 0;
	while ((m = *pp) != NULL) {
		if (m->m_pkthdr.rcvif == r->ifp) {
			*pp = m->m_nextpkt;
			IQ.len--;
			m->m_nextpkt = NULL;
			free_chain(m, "if_detach (queued input)");
			continue;
		}
		last = m;
		pp = &m->m_nextpkt;
	}
	IQ.tail = last;
	while (i < IQ.nlink) {
		if (IQ.link[i].r != r) {
			i++;
			continue;
		}
		net_mbuf_free(IQ.link[i].carrier, NULL, "if_detach (queued link change)");
		memmove(&IQ.link[i], &IQ.link[i + 1], sizeof(IQ.link[0]) * (size_t)(IQ.nlink - i - 1));
		IQ.nlink--;
	}
}
