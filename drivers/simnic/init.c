/*
 * init.c — if_init, if_stop and the chip reset.
 *
 * if_init runs again and again ("ifconfig up", an address, "mtu N", a flags change), so it
 * audits: it reads what the chip is doing, compares it with what the interface asks for
 * and changes only the difference. A reset here would cut every flow for a small change
 * (seed 002). if_stop is "ifconfig down": stop TX and RX, drop what is buffered so
 * nothing stale appears after the next up, and keep every structure.
 */
#include "simnic.h"

#include <hw/inout.h>
#include <string.h>

/*
 * Reset the chip: DMA stops, the rings and the interrupt mask are cleared, the station
 * address comes back from the EEPROM. Whatever init programmed must be programmed
 * again. may_sleep: the caller is a pseudo-thread (attach, init, stop) and may wait a
 * tick between polls with nic_delay(); a callout (proc0) may not, and only checks once.
 */
int
simnic_reset(struct simnic_dev *sc, int may_sleep)
{
	int i;

	sc->sc_ims = 0;
	SN_WRITE(sc, SIMNIC_IMC, 0xffffffffu);
	SN_WRITE(sc, SIMNIC_CTRL, SIMNIC_CTRL_RST);
	sc->sc_ctrl = 0;
	sc->sc_hw_rings = 0;
	memset(sc->sc_hwaddr, 0, sizeof(sc->sc_hwaddr));
	sc->sc_hw_txdrop = sc->sc_hw_mpc = sc->sc_hw_crcerrs = 0;

	for (i = 0; i < SIMNIC_RESET_TRIES; i++) {
		if (SN_READ(sc, SIMNIC_STATUS) & SIMNIC_STATUS_RSTDONE)
			return EOK;
		if (!may_sleep)
			break;
		/* polite wait: other requests get the stack meanwhile */
		nic_delay(1);
	}
	log(LOG_ERR, "%s: reset did not complete", sc->sc_dev.dv_xname);
	return EIO;
}

/* Program the ring registers after a reset (the memory was allocated by attach). */
static void
simnic_program_rings(struct simnic_dev *sc)
{
	SN_WRITE(sc, SIMNIC_TDBAL, (uint32_t)sc->sc_txd_phys);
	SN_WRITE(sc, SIMNIC_TDBAH, (uint32_t)((uint64_t)sc->sc_txd_phys >> 32));
	SN_WRITE(sc, SIMNIC_TDLEN, sc->sc_ntxd);
	SN_WRITE(sc, SIMNIC_TDT, sc->sc_tx_prod);

	SN_WRITE(sc, SIMNIC_RXBUFSZ, SIMNIC_RXBUF);
	SN_WRITE(sc, SIMNIC_RDBAL, (uint32_t)sc->sc_rxd_phys);
	SN_WRITE(sc, SIMNIC_RDBAH, (uint32_t)((uint64_t)sc->sc_rxd_phys >> 32));
	SN_WRITE(sc, SIMNIC_RDLEN, sc->sc_nrxd);
	/* every descriptor but one is the NIC's: RDT one past the last we give it */
	SN_WRITE(sc, SIMNIC_RDT, (sc->sc_rx_next + sc->sc_nrxd - 1) & (sc->sc_nrxd - 1));
	/*
	 * Coalesce: one interrupt per 64 events or 50 us after the first, whichever comes
	 * first (about 20 000 interrupts a second at gigabit line rate, the range e1000-class
	 * drivers aim for). An interrupt per frame costs a worker wake-up, process_interrupt and an ICR
	 * read (~1 us of bus time) each; at gigabit rates that is most of the CPU.
	 */
	SN_WRITE(sc, SIMNIC_ITR, (50u << SIMNIC_ITR_USEC_SHIFT) | 64u);
	sc->sc_hw_rings = 1;
}

/*
 * if_init: io-pkt calls this for "ifconfig simnicN up", for an address, for "mtu N", and
 * again whenever the configuration changes while running.
 */
int
simnic_init(struct ifnet *ifp)
{
	struct simnic_dev	*sc = ifp->if_softc;
	struct nw_work_thread	*wtp = WTP;
	const uint8_t		*lladdr = (const uint8_t *)LLADDR(ifp->if_sadl);
	uint32_t		ctrl, want;
	int			err;

	/* io-pkt is going away (the shutdown hook silenced the chip): do not wake it up. */
	if (sc->sc_dying)
		return ENXIO;
#ifdef SIMNIC_BUG_INIT_RESET
	/* BUG (drivers/buggy/simnic-init-reset): start from a clean chip on every init */
	if ((err = simnic_reset(sc, 1)) != EOK)
		return err;
#endif

	/* Largest frame the receive side passes up: follows the MTU (a VLAN tag allowed). */
	if (ifp->if_mtu > ETHERMTU_JUMBO)
		return EINVAL;
	sc->sc_maxframe = ifp->if_mtu + ETHER_HDR_LEN + ETHER_VLAN_ENCAP_LEN;
	sc->sc_cfg.mtu = sc->sc_cfg.mru = ifp->if_mtu;

	/*
	 * Audit: what is the chip doing? One register read (1 us) tells whether the engines
	 * are already running with our rings, in which case they are left alone.
	 */
	ctrl = SN_READ(sc, SIMNIC_CTRL);
	if ((ctrl & (SIMNIC_CTRL_TXEN | SIMNIC_CTRL_RXEN)) !=
	    (SIMNIC_CTRL_TXEN | SIMNIC_CTRL_RXEN) || !sc->sc_hw_rings) {
		/* first init, or after a stop: buffers into the RX ring, rings into the chip */
		if (!sc->sc_rx_filled && (err = simnic_rx_fill(sc)) != EOK)
			return err;
		if (!sc->sc_hw_rings)
			simnic_program_rings(sc);
	}

	/* Station address: may have been changed since the last init. */
	if (memcmp(sc->sc_hwaddr, lladdr, ETHER_ADDR_LEN) != 0) {
		memcpy(sc->sc_hwaddr, lladdr, ETHER_ADDR_LEN);
		SN_WRITE(sc, SIMNIC_MAC_LO, lladdr[0] | lladdr[1] << 8 | lladdr[2] << 16 |
		    (uint32_t)lladdr[3] << 24);
		SN_WRITE(sc, SIMNIC_MAC_HI, lladdr[4] | lladdr[5] << 8);
	}
	memcpy(sc->sc_cfg.current_address, lladdr, ETHER_ADDR_LEN);

	/* Engines and receive filter: write CTRL only if it differs from what we want. */
	want = SIMNIC_CTRL_TXEN | SIMNIC_CTRL_RXEN;
	if ((ifp->if_flags & IFF_PROMISC) && !SIMNIC_BUG_NO_PROMISC)
		want |= SIMNIC_CTRL_PROMISC;
	if (sc->sc_ec.ec_multicnt > 0 || (ifp->if_flags & IFF_ALLMULTI))
		want |= SIMNIC_CTRL_ALLMULTI;
	sc->sc_ctrl = want;
	if (ctrl != want)
		SN_WRITE(sc, SIMNIC_CTRL, want);

	/* Interrupt causes: enabled once; enable_interrupt re-enables after each round. */
	if (sc->sc_ims != SIMNIC_INTRS) {
		sc->sc_ims = SIMNIC_INTRS;
		SN_WRITE(sc, SIMNIC_IMS, SIMNIC_INTRS);
	}

	/* The link monitor; callout_msec() restarts it if already armed. */
	sc->sc_mii_run = 1;
	callout_msec(&sc->sc_mii_callout, SIMNIC_MII_MS, simnic_mii_monitor, sc);

	ifp->if_flags |= IFF_RUNNING;

	/*
	 * The TX side keeps its own copy of IFF_RUNNING, under the TX mutex. Then the link:
	 * reporting it may start transmission of frames queued while we were not running
	 * (io-pkt would not call if_start for them until the next frame).
	 */
	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	ifp->if_flags_tx |= IFF_RUNNING;
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	simnic_link_update(sc, wtp);

	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	if (!IFQ_IS_EMPTY(&ifp->if_snd))
		simnic_start(ifp);		/* releases the TX mutex */
	else
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	return EOK;
}

/*
 * if_stop: "ifconfig simnicN down" (disable = 1), and detach. Stop transmitting and
 * receiving and drop buffered frames so nothing stale appears after the next up; keep
 * every structure, since init will run again (seed 002, the three shutdown paths).
 */
void
simnic_stop(struct ifnet *ifp, int disable)
{
	struct simnic_dev	*sc = ifp->if_softc;
	struct nw_work_thread	*wtp = WTP;

	/* Periodic work first: the run flag closes the window callout_stop() leaves. */
	sc->sc_mii_run = 0;
	callout_stop(&sc->sc_mii_callout);

	/* Transmit side, under the TX mutex (seed 000, "the big gun"). */
	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	if (!SIMNIC_BUG_KICK_ARMED && callout_pending(&sc->sc_kick_callout))
		callout_stop(&sc->sc_kick_callout);
	if (sc->sc_tx_stalled) {
		/*
		 * IFF_OACTIVE is set because we left it set (no descriptors, link down), not
		 * because someone is transmitting: we hold the TX mutex, so nobody is in
		 * simnic_start().
		 */
		sc->sc_tx_stalled = 0;
		ifp->if_flags_tx &= ~IFF_OACTIVE;
	}
	IFQ_PURGE(&ifp->if_snd);
	simnic_hwstats(sc);	/* fold the chip's counters in before the reset clears them */
	if ((ifp->if_flags_tx & IFF_OACTIVE) == 0) {
		ifp->if_flags_tx &= ~IFF_RUNNING;
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	} else {
		/*
		 * Someone set IFF_OACTIVE without going through us. Rather than wait for
		 * it, use the big gun: with every io-pkt thread quiesced nobody is in the
		 * transmit path, and whoever calls simnic_start() next finds us stopped.
		 */
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		quiesce_all();
		ifp->if_flags_tx &= ~(IFF_RUNNING | IFF_OACTIVE);
		unquiesce_all();
	}

	/*
	 * The hardware: the reset stops DMA (TX and RX) and masks every cause. Only then
	 * may the mbufs the NIC was given be freed: before, it could still read or write
	 * them.
	 */
	simnic_reset(sc, 1);

	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	simnic_tx_drain(sc);	/* frames given to the NIC but not sent: dropped */
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);

	/* Receive side: frames the NIC wrote but we did not hand up are stale now. */
	pthread_mutex_lock(&sc->sc_rx_mutex);
	if (disable)
		simnic_rx_drain(sc);	/* and give the clusters back: init refills */
	else
		simnic_rx_reset(sc);	/* keep the clusters, forget what they hold */
	pthread_mutex_unlock(&sc->sc_rx_mutex);

	/* The link is ours to report: down until init finds it up again. */
	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	if (sc->sc_link == LINK_STATE_UP) {
		sc->sc_link = LINK_STATE_DOWN;
		sc->sc_cfg.flags |= NIC_FLAG_LINK_DOWN;
		if_link_state_change(ifp, LINK_STATE_DOWN);
	}
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);

	ifp->if_flags &= ~(IFF_RUNNING | IFF_OACTIVE);
}
