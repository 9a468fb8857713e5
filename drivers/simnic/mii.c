/*
 * mii.c — the link: the monitor callout, link changes, restarting transmission on
 * link-up, purging frames that went stale while the link was down, the TX hang
 * watchdog, and media (ifconfig -m / media).
 *
 * The chip tells us about link changes twice: at once with the LSC interrupt, and in
 * STATUS, which the monitor callout reads every SIMNIC_MII_MS. Both end in
 * simnic_link_update(), which reports a change to io-pkt exactly once (under the TX
 * mutex) and, on link-up, restarts transmission if frames are waiting (seed 000: "You can
 * also make a similar call when the link is detected up in your MII code").
 */
#include "simnic.h"

#include <hw/inout.h>
#include <time.h>

static int
simnic_speed_mbps(uint32_t status)
{
	switch ((status & SIMNIC_STATUS_SPEED_MASK) >> SIMNIC_STATUS_SPEED_SHIFT) {
	case SIMNIC_SPEED_10:
		return 10;
	case SIMNIC_SPEED_100:
		return 100;
	case SIMNIC_SPEED_1000:
		return 1000;
	default:
		return 10000;
	}
}

static int64_t
simnic_ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * When the monitor should look next: every SIMNIC_MII_MS, but while the link is down
 * no later than when queued frames become stale, and then every "stale=" ms
 * (callout_msec only ever moves a pending callout earlier: arming again is harmless).
 */
static int
simnic_mii_period(struct simnic_dev *sc)
{
	int64_t left;

	if (sc->sc_link == LINK_STATE_UP || sc->sc_opts.stale_ms == 0)
		return SIMNIC_MII_MS;
	left = sc->sc_opts.stale_ms - simnic_ms_since(&sc->sc_down_since);
	if (left < 1)
		left = sc->sc_opts.stale_ms;	/* stale already: purge again a period later */
	return left < SIMNIC_MII_MS ? (int)left : SIMNIC_MII_MS;
}

/*
 * Read the link from STATUS and report a change. Any io-pkt thread: the monitor callout
 * (the stack), process_interrupt (a worker), init. Takes the TX mutex, so that two of
 * them cannot report the same change twice or in the wrong order.
 */
void
simnic_link_update(struct simnic_dev *sc, struct nw_work_thread *wtp)
{
	struct ifnet	*ifp = SN_IFP(sc);
	uint32_t	status = SN_READ(sc, SIMNIC_STATUS);
	int		up = (status & SIMNIC_STATUS_LU) != 0;
	int		state = up ? LINK_STATE_UP : LINK_STATE_DOWN;

	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	if ((ifp->if_flags_tx & IFF_RUNNING) == 0) {
		/* stopped: stop reported the link down itself */
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		return;
	}
	if (up) {
		/* a renegotiation (new speed) keeps the link up: only the figures change */
		sc->sc_speed = simnic_speed_mbps(status);
		sc->sc_duplex = (status & SIMNIC_STATUS_FD) != 0;
		sc->sc_cfg.media_rate = (int64_t)sc->sc_speed * 1000;
		sc->sc_cfg.duplex = sc->sc_duplex;
		ifp->if_baudrate = (uint64_t)sc->sc_speed * 1000000;
	}
	if (state == sc->sc_link) {
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		return;
	}

	sc->sc_link = state;
	if (up) {
		sc->sc_cfg.flags &= ~NIC_FLAG_LINK_DOWN;
	} else {
		sc->sc_cfg.flags |= NIC_FLAG_LINK_DOWN;
		sc->sc_cfg.media_rate = -1;
		sc->sc_cfg.duplex = -1;
		/* the stale-queue clock starts now; the monitor looks again by then */
		clock_gettime(CLOCK_MONOTONIC, &sc->sc_down_since);
		if (sc->sc_mii_run)
			callout_msec(&sc->sc_mii_callout, simnic_mii_period(sc), simnic_mii_monitor,
			    sc);
	}
	if (SN_VERBOSE(sc, 1))
		log(LOG_INFO, "%s: link %s, %d Mbit/s %s duplex", ifp->if_xname,
		    up ? "up" : "down", sc->sc_speed, sc->sc_duplex ? "full" : "half");
	if_link_state_change(ifp, state);

	/*
	 * Link up with frames waiting, in if_snd (held back while the link was down) or in
	 * the ring: io-pkt will not call if_start until its next frame, so start now.
	 */
	if (!SIMNIC_BUG_NO_LINK_RESTART &&
	    up && (!IFQ_IS_EMPTY(&ifp->if_snd) || sc->sc_tx_cons != sc->sc_tx_prod)) {
		if (callout_pending(&sc->sc_kick_callout))
			callout_stop(&sc->sc_kick_callout);	/* not needed: we start now */
		simnic_start(ifp);	/* releases the TX mutex */
		return;
	}
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
}

/*
 * The chip's error counters into the interface's (the registers count since the last
 * reset and wrap at 2^32: take the difference), and the TX harvest. The monitor, TX
 * mutex held (if_opackets is the harvest's too).
 */
void
simnic_hwstats(struct simnic_dev *sc)
{
	struct ifnet	*ifp = SN_IFP(sc);
	uint32_t	txdrop = SN_READ(sc, SIMNIC_TXDROP);
	uint32_t	mpc = SN_READ(sc, SIMNIC_MPC);
	uint32_t	crc = SN_READ(sc, SIMNIC_CRCERRS);
	uint32_t	dropped = txdrop - sc->sc_hw_txdrop;

	/*
	 * A frame the NIC dropped because the link went down under it is done (DD) by the
	 * time TXDROP counts it: harvest first, so that it has been counted as sent, then
	 * move it from the sent frames to the errors.
	 */
	simnic_txeof(sc);
	ifp->if_opackets -= dropped;
	ifp->if_oerrors += dropped;
	ifp->if_iqdrops += (uint32_t)(mpc - sc->sc_hw_mpc);
	ifp->if_ierrors += (uint32_t)(mpc - sc->sc_hw_mpc);
	/* CRC errors are counted per frame by the receive path: CRCERRS is only read */
	sc->sc_hw_txdrop = txdrop;
	sc->sc_hw_mpc = mpc;
	sc->sc_hw_crcerrs = crc;
}

/*
 * The link stayed down: frames queued meanwhile are out of date. Purge if_snd once the
 * link has been down for "stale=" ms, and again at every check while it stays down,
 * since io-pkt keeps queueing while the interface is up (seed 000: "periodic purging
 * may be needed if TX hasn't resumed"). TX mutex held.
 */
static void
simnic_purge_stale(struct simnic_dev *sc)
{
	struct ifnet	*ifp = SN_IFP(sc);
	int		n;

	if (SIMNIC_BUG_NO_PURGE || sc->sc_opts.stale_ms == 0 || sc->sc_link == LINK_STATE_UP ||
	    IFQ_IS_EMPTY(&ifp->if_snd) ||
	    simnic_ms_since(&sc->sc_down_since) < sc->sc_opts.stale_ms)
		return;
	n = ifp->if_snd.ifq_len;
	ifp->if_oerrors += n;
	IFQ_PURGE(&ifp->if_snd);
	if (SN_VERBOSE(sc, 1))
		log(LOG_INFO, "%s: link down %lld ms: %d stale frames purged", ifp->if_xname,
		    (long long)simnic_ms_since(&sc->sc_down_since), n);
}

/*
 * TX watchdog: frames in the ring, link up, and not one harvested for SIMNIC_TXHANG_RUNS
 * periods: the transmitter is stuck. Only a reset frees the ring; then reprogram and go
 * on. The monitor runs on proc0, so the reset may not wait (simnic_reset(sc, 0)).
 * Returns with the TX mutex held, as it was entered.
 */
static void
simnic_tx_watchdog(struct simnic_dev *sc, struct nw_work_thread *wtp)
{
	struct ifnet *ifp = SN_IFP(sc);

	if (sc->sc_tx_cons == sc->sc_tx_prod || sc->sc_link != LINK_STATE_UP ||
	    sc->sc_tx_done != sc->sc_tx_done_seen || sc->sc_dying) {
		sc->sc_tx_hang_runs = 0;
		sc->sc_tx_done_seen = sc->sc_tx_done;
		return;
	}
	if (++sc->sc_tx_hang_runs < SIMNIC_TXHANG_RUNS)
		return;
	log(LOG_ERR, "%s: transmitter hung: resetting", ifp->if_xname);
	sc->sc_tx_hang_runs = 0;

	/* RX too: the reset clears both rings. No frame is handed up meanwhile. */
	simnic_hwstats(sc);
	pthread_mutex_lock(&sc->sc_rx_mutex);
	simnic_reset(sc, 0);
	simnic_tx_drain(sc);
	simnic_rx_reset(sc);
	pthread_mutex_unlock(&sc->sc_rx_mutex);
	/* init, run again, audits the chip and programs what the reset cleared */
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	simnic_init(ifp);
	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
}

/*
 * Callout, every SIMNIC_MII_MS while running, in the stack context on proc0 (it must
 * not sleep). Polls the link (the LSC interrupt may have been missed, or coalesced),
 * folds in the hardware's error counters, purges stale frames, watches for a hung
 * transmitter, and re-arms itself unless stop has run meanwhile.
 */
void
simnic_mii_monitor(void *arg)
{
	struct simnic_dev	*sc = arg;
	struct ifnet		*ifp = SN_IFP(sc);
	struct nw_work_thread	*wtp = WTP;

#ifdef SIMNIC_BUG_POLL_LINK
	/* BUG (drivers/buggy/lat-callout-poll): waits for the link, polling in the callout */
	for (int i = 0; i < SIMNIC_BUG_POLL_LINK &&
	    !(SN_READ(sc, SIMNIC_STATUS) & SIMNIC_STATUS_LU); i++)
		;
#endif
	simnic_link_update(sc, wtp);

	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	simnic_hwstats(sc);	/* harvests too */
	simnic_purge_stale(sc);
	simnic_tx_watchdog(sc, wtp);
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);

	/*
	 * One-shot: re-arm, unless simnic_stop() has run since we started. Its
	 * callout_stop() does not wait for us (seed 002, the stop race).
	 */
	if (sc->sc_mii_run)
		callout_msec(&sc->sc_mii_callout, simnic_mii_period(sc), simnic_mii_monitor, sc);
}

/* -------------------------------------------------------------------- media */

/* What ifconfig -m lists: autoselect only, the PHY negotiates with its partner. */
void
simnic_media_attach(struct simnic_dev *sc)
{
	ifmedia_init(&sc->sc_media, 0, simnic_media_change, simnic_media_status);
	ifmedia_add(&sc->sc_media, IFM_ETHER | IFM_AUTO, 0, NULL);
	ifmedia_set(&sc->sc_media, IFM_ETHER | IFM_AUTO);
}

/* SIOCSIFMEDIA: only autoselect exists, and it is what the PHY does already. */
int
simnic_media_change(struct ifnet *ifp)
{
	struct simnic_dev *sc = ifp->if_softc;

	if (IFM_SUBTYPE(sc->sc_media.ifm_media) != IFM_AUTO)
		return EINVAL;
	return 0;
}

/* SIOCGIFMEDIA: link, speed and duplex as the chip has them now. */
void
simnic_media_status(struct ifnet *ifp, struct ifmediareq *ifmr)
{
	struct simnic_dev	*sc = ifp->if_softc;
	uint32_t		status = SN_READ(sc, SIMNIC_STATUS);
	int			sub;

	ifmr->ifm_status = IFM_AVALID;
	ifmr->ifm_active = IFM_ETHER;
	if ((status & SIMNIC_STATUS_LU) == 0) {
		ifmr->ifm_active |= IFM_NONE;
		return;
	}
	ifmr->ifm_status |= IFM_ACTIVE;
	switch (simnic_speed_mbps(status)) {
	case 10:
		sub = IFM_10_T;
		break;
	case 100:
		sub = IFM_100_TX;
		break;
	case 1000:
		sub = IFM_1000_T;
		break;
	default:
		sub = IFM_10G_T;
		break;
	}
	ifmr->ifm_active |= sub | ((status & SIMNIC_STATUS_FD) ? IFM_FDX : IFM_HDX);
}
