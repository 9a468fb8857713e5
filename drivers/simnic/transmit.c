/*
 * transmit.c — if_start, the TX harvest and the TX kick callout.
 *
 * The TX ring is a circle of sc_ntxd descriptors. simnic_start() fills descriptors from
 * sc_tx_prod on and tells the NIC with one write of TDT; the NIC works from TDH to TDT
 * and sets DD in the last descriptor of each frame (we ask with RS) when it no longer
 * needs the buffer. simnic_txeof() walks from sc_tx_cons, and frees a frame's mbufs only
 * once its last descriptor has DD: the NIC reads them by DMA until then (seed 002: "a
 * descriptor-based NIC ... release the packet buffer only after the DMA has completed").
 *
 * Everything here runs with the TX mutex (ifp->if_snd_ex) held.
 */
#include "simnic.h"

#include <hw/inout.h>
#include <string.h>

/* Harvest: free the frames the NIC is done with. TX mutex held. */
void
simnic_txeof(struct simnic_dev *sc)
{
	struct ifnet		*ifp = SN_IFP(sc);
	struct simnic_txsoft	*ts;
	int			first, eop, mask = sc->sc_ntxd - 1;

	while (sc->sc_tx_cons != sc->sc_tx_prod) {
		first = sc->sc_tx_cons;
		ts = &sc->sc_txsoft[first];
		eop = ts->eop;
		if ((sc->sc_txd[eop].status & SIMNIC_TXD_STA_DD) == 0)
			break;		/* the NIC still owns this frame */
		m_freem(ts->m);
		ts->m = NULL;
		sc->sc_tx_free += ((eop - first) & mask) + 1;
		sc->sc_tx_cons = (eop + 1) & mask;
		sc->sc_tx_done++;
		ifp->if_opackets++;
	}
}

/*
 * After a reset (stop, detach, hang recovery): the NIC no longer owns anything, so free
 * every frame still in the ring, sent or not. TX mutex held; DMA stopped.
 */
void
simnic_tx_drain(struct simnic_dev *sc)
{
	struct ifnet	*ifp = SN_IFP(sc);
	int		i;

	for (i = 0; i < sc->sc_ntxd; i++) {
		if (sc->sc_txsoft[i].m != NULL) {
			/* DD: it went out before the reset; else it is dropped */
			if (sc->sc_txd[sc->sc_txsoft[i].eop].status & SIMNIC_TXD_STA_DD)
				ifp->if_opackets++;
			else
				ifp->if_oerrors++;
			m_freem(sc->sc_txsoft[i].m);
			sc->sc_txsoft[i].m = NULL;
		}
	}
	memset((void *)sc->sc_txd, 0, sc->sc_txd_size);
	/* the reset cleared TDH and TDT */
	sc->sc_tx_prod = sc->sc_tx_cons = 0;
	sc->sc_tx_free = sc->sc_ntxd - 1;
}

/* Descriptors a chain needs: one per non-empty mbuf. */
static int
simnic_tx_nsegs(struct mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = m->m_next)
		if (m->m_len > 0)
			n++;
	return n;
}

/*
 * A chain of too many pieces: copy it into as few clusters as it takes (seed 002: "you may
 * need to copy badly fragmented packets into a new contiguous buffer"). Returns the new
 * chain (the old one is freed) or NULL if no mbuf was free (the old one is kept).
 */
static struct mbuf *
simnic_defrag(struct mbuf *m0)
{
	struct mbuf	*top = NULL, *m, **mp = &top;
	int		off = 0, chunk, len = m0->m_pkthdr.len, flags = M_PKTHDR;

	while (off < len) {
		m = m_getcl(M_DONTWAIT, MT_DATA, flags);
		if (m == NULL) {
			m_freem(top);
			return NULL;
		}
		chunk = len - off < MCLBYTES ? len - off : MCLBYTES;
		m_copydata(m0, off, chunk, mtod(m, caddr_t));
		m->m_len = chunk;
		*mp = m;
		mp = &m->m_next;
		off += chunk;
		flags = 0;
	}
	top->m_pkthdr.len = len;
	m_freem(m0);
	return top;
}

/* Load one frame into descriptors from sc_tx_prod on (room checked by the caller). */
static void
simnic_tx_load(struct simnic_dev *sc, struct mbuf *m0)
{
	volatile struct simnic_tx_desc	*d = NULL;
	struct mbuf			*m;
	int				first = sc->sc_tx_prod, idx = first, last = first;
	int				mask = sc->sc_ntxd - 1;

	for (m = m0; m != NULL; m = m->m_next) {
		if (m->m_len <= 0)
			continue;
		d = &sc->sc_txd[idx];
		d->addr = simnic_busaddr(mtod(m, void *), m->m_len);
		d->len = (uint16_t)m->m_len;
		d->cmd = 0;
		d->status = 0;
		last = idx;
		idx = (idx + 1) & mask;
		sc->sc_tx_free--;
	}
	/* end of frame, and tell us when done: DD on the last descriptor, TXDW */
	d->cmd = SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS;
	sc->sc_txsoft[first].m = m0;	/* freed by simnic_txeof() once DD */
	sc->sc_txsoft[first].eop = last;
	sc->sc_tx_prod = idx;
}

/*
 * Give up for now, leaving IFF_OACTIVE set so that io-pkt does not call us: we restart
 * ourselves (seed 000). Release the TX mutex, as on every path out of if_start.
 */
static void
simnic_tx_stall(struct simnic_dev *sc, int kick, struct nw_work_thread *wtp)
{
	struct ifnet *ifp = SN_IFP(sc);

	sc->sc_tx_stalled = 1;
	if (kick)
		callout_msec(&sc->sc_kick_callout, SIMNIC_KICK_MS, simnic_kick_tx, sc);
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
}

/*
 * if_start: io-pkt calls this with the TX mutex held (from the stack, a worker, or an
 * application's thread), and so do our own restart paths (kick callout, TX completion,
 * link up, init). Fill descriptors until if_snd is empty or the ring is full; the
 * mutex is released on every path.
 */
void
simnic_start(struct ifnet *ifp)
{
	struct simnic_dev	*sc = ifp->if_softc;
	struct nw_work_thread	*wtp = WTP;
	struct mbuf		*m;
	int			nsegs, loaded = 0;

	if ((ifp->if_flags_tx & IFF_RUNNING) == 0) {
		/* stopped or stopping: simnic_stop() deals with the queue */
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		return;
	}

	/* We are draining the queue now: a retry armed earlier is not needed. */
	if (callout_pending(&sc->sc_kick_callout))
		callout_stop(&sc->sc_kick_callout);
	sc->sc_tx_stalled = 0;
	/* While set, io-pkt queues frames without calling us. */
	ifp->if_flags_tx |= IFF_OACTIVE;

	if (sc->sc_link != LINK_STATE_UP) {
		/*
		 * Link down: leave the frames queued rather than hand them to a NIC that
		 * would drop them. The MII code restarts us when the link comes back, and
		 * purges the queue if it stays down too long (seed 000).
		 */
		if (SIMNIC_BUG_NEXT_PACKET)
			ifp->if_flags_tx &= ~IFF_OACTIVE;	/* the bug: io-pkt's next frame restarts */
		simnic_tx_stall(sc, 0, wtp);
		return;
	}

	/* Reclaim what the NIC has finished before looking for room. */
	simnic_txeof(sc);

	for (;;) {
		IFQ_POLL(&ifp->if_snd, m);
		if (m == NULL)
			break;

		nsegs = simnic_tx_nsegs(m);
		if (nsegs > SIMNIC_TX_MAXSEGS) {
			struct mbuf *n;

			/* room for the copy first, so the frame never leaves the queue in vain */
			if ((m->m_pkthdr.len + MCLBYTES - 1) / MCLBYTES > sc->sc_tx_free)
				goto full;
			IFQ_DEQUEUE(&ifp->if_snd, m);
			if ((n = simnic_defrag(m)) == NULL) {
				/* no mbuf to copy into: drop this one frame, not the queue */
				m_freem(m);
				ifp->if_oerrors++;
				continue;
			}
			m = n;
			nsegs = simnic_tx_nsegs(m);
		} else {
			if (nsegs > sc->sc_tx_free)
				goto full;
			IFQ_DEQUEUE(&ifp->if_snd, m);
		}
		if (nsegs == 0) {
			/* an empty frame: nothing to send */
			m_freem(m);
			ifp->if_oerrors++;
			continue;
		}
		simnic_tx_load(sc, m);
		loaded++;
	}

	/* One doorbell for the whole batch: each register write costs bus time. */
	if (loaded)
		SN_WRITE(sc, SIMNIC_TDT, sc->sc_tx_prod);
	ifp->if_flags_tx &= ~IFF_OACTIVE;
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	return;

full:
	/*
	 * Out of descriptors. The TX completion interrupt restarts us as soon as the NIC
	 * hands some back; the kick callout covers a NIC that stops taking them (seed 000:
	 * "a timer can be enabled ... to execute the if_start() callback").
	 */
	if (loaded)
		SN_WRITE(sc, SIMNIC_TDT, sc->sc_tx_prod);
	simnic_tx_stall(sc, 1, wtp);
}

/* Callout: retry a transmission that ran out of descriptors (proc0: must not sleep). */
void
simnic_kick_tx(void *arg)
{
	struct simnic_dev	*sc = arg;
	struct ifnet		*ifp = SN_IFP(sc);

	/* if_start is entered with the TX mutex held */
	NW_SIGLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
	simnic_start(ifp);
}
