/*
 * receive.c — the interrupt path (ISR, process_interrupt, enable_interrupt) and the RX
 * ring.
 *
 * Every RX descriptor holds a cluster the NIC may write a frame into. The NIC fills
 * descriptors from RDH up to RDT and sets DD (and EOP on a frame's last descriptor). We
 * walk from sc_rx_next: a filled cluster goes up to io-pkt only once a fresh one has
 * taken its place, so the ring never has a hole; with no fresh cluster the frame is
 * dropped and its cluster reused (seed 003: "new empty packets are passed down to the
 * hardware, and the filled received packets are passed up").
 */
#include "simnic.h"

#include <hw/inout.h>
#include <string.h>

/* Give descriptor i the cluster m (its bus address) and hand it back to the NIC. */
static void
simnic_rx_setbuf(struct simnic_dev *sc, int i, struct mbuf *m)
{
	volatile struct simnic_rx_desc *d = &sc->sc_rxd[i];

	sc->sc_rxmbuf[i] = m;
	d->addr = simnic_busaddr(mtod(m, void *), SIMNIC_RXBUF);
	d->len = 0;
	d->errors = 0;
	d->status = 0;
}

/*
 * A cluster in every descriptor (init, after attach or a stop that gave them back).
 * init runs in a pseudo-thread, so WTP is ours. ENOBUFS if the pool runs dry: init
 * fails and leaves nothing allocated.
 */
int
simnic_rx_fill(struct simnic_dev *sc)
{
	struct mbuf	*m;
	int		i;

	pthread_mutex_lock(&sc->sc_rx_mutex);
	for (i = 0; i < sc->sc_nrxd; i++) {
		m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
		if (m == NULL) {
			simnic_rx_drain(sc);
			pthread_mutex_unlock(&sc->sc_rx_mutex);
			log(LOG_ERR, "%s: no clusters for the receive ring", sc->sc_dev.dv_xname);
			return ENOBUFS;
		}
		simnic_rx_setbuf(sc, i, m);
	}
	sc->sc_rx_next = 0;
	sc->sc_rx_filled = 1;
	pthread_mutex_unlock(&sc->sc_rx_mutex);
	return EOK;
}

/* Forget a frame whose first descriptors we have seen but not its last. RX mutex. */
static void
simnic_rx_discard_partial(struct simnic_dev *sc)
{
	if (sc->sc_rx_head != NULL) {
		m_freem(sc->sc_rx_head);
		sc->sc_rx_head = sc->sc_rx_tail = NULL;
	}
	sc->sc_rx_drop = 0;
}

/* Give every cluster back (stop with disable, detach). RX mutex held; DMA stopped. */
void
simnic_rx_drain(struct simnic_dev *sc)
{
	int i;

	simnic_rx_discard_partial(sc);
	for (i = 0; i < sc->sc_nrxd; i++) {
		if (sc->sc_rxmbuf[i] != NULL) {
			m_freem(sc->sc_rxmbuf[i]);
			sc->sc_rxmbuf[i] = NULL;
		}
	}
	memset((void *)sc->sc_rxd, 0, sc->sc_rxd_size);
	sc->sc_rx_next = 0;
	sc->sc_rx_filled = 0;
}

/* Keep the clusters but drop what they hold (stop without disable). RX mutex; no DMA. */
void
simnic_rx_reset(struct simnic_dev *sc)
{
	int i;

	simnic_rx_discard_partial(sc);
	if (!sc->sc_rx_filled)
		return;
	for (i = 0; i < sc->sc_nrxd; i++)
		simnic_rx_setbuf(sc, i, sc->sc_rxmbuf[i]);
	sc->sc_rx_next = 0;	/* the reset cleared RDH */
}

/*
 * Up to budget descriptors. Returns 1 when the ring holds nothing more for us, 0 when the
 * budget ran out first. RX mutex held.
 */
static int
simnic_rx(struct simnic_dev *sc, struct nw_work_thread *wtp, int budget)
{
	struct ifnet			*ifp = SN_IFP(sc);
	volatile struct simnic_rx_desc	*d;
	struct mbuf			*m, *fresh;
	int				i, n, mask = sc->sc_nrxd - 1, done = 0;
	uint8_t				status, errors;

	for (n = 0; n < budget; n++) {
		i = sc->sc_rx_next;
		d = &sc->sc_rxd[i];
		status = d->status;
		if ((status & SIMNIC_RXD_STA_DD) == 0) {
			done = 1;
			break;
		}
		errors = d->errors;
		m = sc->sc_rxmbuf[i];
		m->m_len = d->len;

		/* never M_WAITOK here: a worker is not a stack pseudo-thread */
		fresh = errors || sc->sc_rx_drop ? NULL :
		    m_getcl_wtp(M_DONTWAIT, MT_DATA, M_PKTHDR, wtp);
		if (fresh == NULL) {
			/* bad CRC, or no cluster: drop the whole frame, reuse the buffers */
			simnic_rx_discard_partial(sc);
			simnic_rx_setbuf(sc, i, m);
			sc->sc_rx_drop = (status & SIMNIC_RXD_STA_EOP) == 0;
			if (!sc->sc_rx_drop)
				ifp->if_ierrors++;
			goto next;
		}
		simnic_rx_setbuf(sc, i, fresh);

		/* chain the pieces of a frame longer than one buffer */
		if (sc->sc_rx_head == NULL) {
			m->m_pkthdr.len = 0;
			sc->sc_rx_head = m;
		} else {
			m->m_flags &= ~M_PKTHDR;
			sc->sc_rx_tail->m_next = m;
		}
		sc->sc_rx_tail = m;
		sc->sc_rx_head->m_pkthdr.len += m->m_len;

		if (status & SIMNIC_RXD_STA_EOP) {
			m = sc->sc_rx_head;
			sc->sc_rx_head = sc->sc_rx_tail = NULL;
			if (m->m_pkthdr.len > sc->sc_maxframe) {
				/* longer than the MTU allows: the receiver does not take it */
				m_freem(m);
				ifp->if_ierrors++;
			} else {
				m->m_pkthdr.rcvif = ifp;
				ifp->if_ipackets++;
				(*ifp->if_input)(ifp, m);
			}
		}
next:
		sc->sc_rx_next = (i + 1) & mask;
	}
	if (n > 0) {
		/* the descriptors we refilled go back to the NIC: one register write */
		SN_WRITE(sc, SIMNIC_RDT, (sc->sc_rx_next + mask) & mask);
	}
	return done;
}

/* ---------------------------------------------------------------- interrupts */

/*
 * The ISR, in the kernel's interrupt context: no io-pkt call but interrupt_queue().
 * Mask our causes at the chip (IMC) rather than the whole line: the line may be shared,
 * and a chip-level mask is what a well-behaved PCI driver does (seed 002, the two ISRs).
 * The work (and reading ICR, which costs a microsecond) is process_interrupt's.
 */
const struct sigevent *
simnic_isr(void *arg, int iid)
{
	struct simnic_dev *sc = arg;

	SN_WRITE(sc, SIMNIC_IMC, 0xffffffffu);
	return interrupt_queue(sc->sc_iopkt, &sc->sc_inter);
}

/*
 * The interrupt's work, on an io-pkt worker: why did the chip interrupt (ICR, cleared
 * by reading it)? Link change, frames received, frames sent. Returns 0 after
 * SIMNIC_RX_BUDGET descriptors so that other interfaces get their turn (io-pkt calls us
 * again later without re-enabling), 1 when done (then simnic_enable_interrupt runs).
 */
int
simnic_process_interrupt(void *arg, struct nw_work_thread *wtp)
{
	struct simnic_dev	*sc = arg;
	struct ifnet		*ifp = SN_IFP(sc);
	uint32_t		icr;
	int			done;

	icr = SN_READ(sc, SIMNIC_ICR);

	if (icr & SIMNIC_INT_LSC)
		simnic_link_update(sc, wtp);
	if (icr & (SIMNIC_INT_TXERR | SIMNIC_INT_DMAERR))
		log(LOG_ERR, "%s: hardware reports %s%s", ifp->if_xname,
		    icr & SIMNIC_INT_TXERR ? "a malformed TX descriptor " : "",
		    icr & SIMNIC_INT_DMAERR ? "a DMA error" : "");

	/* Receive: always look, whatever ICR says; DD in the ring is the truth. */
	pthread_mutex_lock(&sc->sc_rx_mutex);
	done = sc->sc_rx_filled ? simnic_rx(sc, wtp, SIMNIC_RX_BUDGET) : 1;
	pthread_mutex_unlock(&sc->sc_rx_mutex);

	/*
	 * Transmit: harvest what the NIC finished and, if we had stopped for want of
	 * descriptors, carry on at once rather than wait for the kick callout.
	 */
	if (sc->sc_tx_cons != sc->sc_tx_prod || sc->sc_tx_stalled) {
		NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		simnic_txeof(sc);
		if (sc->sc_tx_stalled && sc->sc_link == LINK_STATE_UP &&
		    !IFQ_IS_EMPTY(&ifp->if_snd) &&
		    (!SIMNIC_BUG_NO_LINK_RESTART || (icr & SIMNIC_INT_TXDW)))
			simnic_start(ifp);	/* releases the TX mutex */
		else
			NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	}
	return done;
}

/* All the work is done: let the chip interrupt again (not if stop masked it meanwhile). */
int
simnic_enable_interrupt(void *arg)
{
	struct simnic_dev	*sc = arg;
	uint32_t		ims = sc->sc_ims;

	if (ims != 0)
		SN_WRITE(sc, SIMNIC_IMS, ims);
	return 1;
}
