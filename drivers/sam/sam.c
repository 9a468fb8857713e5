/*
 * sam.c — pktsim's reference io-pkt driver: a hardware-independent sample NIC.
 *
 * There is no hardware behind "sam": what it transmits is looped back into a small
 * receive ring of its own, and the system timer interrupt stands in for the NIC's
 * receive interrupt, so every frame sent through samN comes back up through samN. That
 * is enough to show every part of the io-pkt driver API the way the io-pkt driver
 * documents recommend using it:
 *
 *   sam_entry           mount: one dev_attach() per device found
 *   sam_attach          once per device: allocate, callout_init, interrupt_entry_init,
 *                       if_attach/ether_ifattach, shutdown hook
 *   sam_init            if_init, called again and again (up, mtu, address changes):
 *                       audits the configuration instead of resetting the hardware
 *   sam_start           if_start, entered with the TX mutex held; releases it on
 *                       every path; IFF_OACTIVE and a TX-kick callout when out of room
 *   sam_isr,            receive: the ISR masks and queues; the work runs on an io-pkt
 *   sam_process_interrupt, sam_enable_interrupt       thread; enable unmasks
 *   sam_monitor         a periodic callout with a run flag against the stop race
 *   sam_ioctl           ether_ioctl, multicast filter reprogramming
 *   sam_stop            ifconfig down: stop TX/RX, drop buffered frames, keep structures
 *   sam_detach          ifconfig destroy: undo all of attach; keep the DLL loaded while
 *                       devices of the same mount remain
 *   sam_shutdown        io-pkt exits or crashes: silence the hardware, nothing more
 *
 * Driver options (mount -o): "ndev=N" attaches N devices (default 1); dev_attach()
 * handles "lan=", "unit=" (one device with that unit) and "name=".
 *
 * The driver's entry points are global, not static, so that io-pkt's tools (and pktsim's
 * reports) can name the driver function that was running when something went wrong.
 *
 * Compiled with SAM_THREAD it also runs a tracked housekeeping thread (nw_pthread_create,
 * reaped in detach: the "flag polled by a looping thread" quiesce pattern). The SAM_BUG_*
 * blocks are the mistakes of the buggy variants in drivers/buggy/ (docs/bug-catalog.md),
 * each compiled only into its variant; the reference driver has none of them.
 */
#include <io-pkt/iopkt_driver.h>
#include <sys/io-pkt.h>
#include <sys/syspage.h>
#include <sys/neutrino.h>
#include <sys/device.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <device_qnx.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <nw_thread.h>
#include <pthread.h>
#ifdef SAM_THREAD
#include <unistd.h>
#endif
#include <stdlib.h>
#include <string.h>

#define SAM_RING_SLOTS	16	/* loopback "receive ring" entries */
#define SAM_RX_BUDGET	8	/* frames handed up per process_interrupt call */
#define SAM_FRAME_MAX	(ETHERMTU_JUMBO + ETHER_HDR_LEN + ETHER_CRC_LEN)
#define SAM_MCAST_MAX	16	/* exact-match multicast filter entries */
#define SAM_MONITOR_MS	2000	/* housekeeping period */
#define SAM_KICK_MS	2	/* TX retry when the ring was full */
#define SAM_STALE_RUNS	2	/* monitor periods without TX progress before a purge */

/* One receive buffer of the loopback "hardware". */
struct sam_slot {
	int		len;
	uint8_t		data[SAM_FRAME_MAX];
};

/*
 * The devices attached by one mount. io-pkt dlclose()s a device's dv_dll_hdl when the
 * device is detached, and each mount opened the DLL once: every device of a mount but
 * the last must give up its handle, or the DLL is unloaded under the others.
 */
struct sam_mount {
	int		ndevs;
};

struct sam_dev {
	struct device		sc_dev;		/* common device: must come first */
	struct ethercom		sc_ec;		/* common ethernet, holds the ifnet */
	struct _iopkt_self	*sc_iopkt;
	struct sam_mount	*sc_mount;

	/* interrupt */
	int			sc_irq;		/* the system timer's, shared */
	int			sc_iid;		/* InterruptAttach_r() id, -1: detached */
	struct _iopkt_inter	sc_inter;

	/* periodic work */
	struct callout		sc_monitor_callout;
	volatile int		sc_monitor_run;	/* 0: the monitor must not re-arm */
	struct callout		sc_kick_callout;	/* TX retry */

	/* the loopback ring: sam_start() produces, sam_process_interrupt() consumes */
	pthread_mutex_t		sc_ring_mutex;
	struct sam_slot		*sc_ring;
	volatile unsigned	sc_ring_prod;	/* free-running indexes */
	volatile unsigned	sc_ring_cons;

	/* configuration as last programmed into the "hardware" by sam_init() */
	uint8_t			sc_hwaddr[ETHER_ADDR_LEN];
	int			sc_hwmtu;
	int			sc_nmulti;
	uint8_t			sc_mcast[SAM_MCAST_MAX][ETHER_ADDR_LEN];
	int			sc_link;	/* LINK_STATE_* last reported */

	/* stale TX queue detection (under the TX mutex) */
	unsigned		sc_tx_done;
	unsigned		sc_tx_seen;
	int			sc_tx_stuck;

	void			*sc_sdhook;
#if defined(SAM_BUG_INIT_ALLOC) || defined(SAM_BUG_LEAK_MBUF)
	struct mbuf		*sc_spare;	/* a spare receive buffer */
#endif
#ifdef SAM_THREAD
	pthread_t		sc_tid;		/* the housekeeping thread */
	volatile int		sc_quiescing, sc_quiesce_die;
	int			sc_thread_up;
#endif
};

int	sam_entry(void *, struct _iopkt_self *, char *);
int	sam_attach(struct device *, struct device *, void *);
int	sam_detach(struct device *, int);
int	sam_init(struct ifnet *);
void	sam_stop(struct ifnet *, int);
void	sam_start(struct ifnet *);
int	sam_ioctl(struct ifnet *, unsigned long, caddr_t);
const struct sigevent *sam_isr(void *, int);
int	sam_process_interrupt(void *, struct nw_work_thread *);
int	sam_enable_interrupt(void *);
void	sam_monitor(void *);
void	sam_kick_tx(void *);
void	sam_shutdown(void *);

/* io-pkt finds the driver by this symbol ("iopkt_drvr_entry") after dlopen(). */
struct _iopkt_drvr_entry IOPKT_DRVR_ENTRY_SYM(sam) = IOPKT_DRVR_ENTRY_SYM_INIT(sam_entry);

CFATTACH_DECL(sam,
	sizeof(struct sam_dev),
	NULL,
	sam_attach,
	sam_detach,
	NULL);

/* ------------------------------------------------------------------ mount */

/* Our own options; the rest (lan, unit, name) are dev_attach()'s. */
static int
sam_parse_ndev(const char *options)
{
	const char *p = options;
	int ndev = 1;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "ndev=", 5) == 0) {
			ndev = atoi(p + 5);
			if (ndev < 1)
				ndev = 1;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return ndev;
}

/*
 * mount -T io-pkt devnp-sam.so: called once per mount, in the stack context. A PCI
 * driver would scan for its devices here; sam "finds" ndev of them.
 */
int
sam_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options)
{
	struct sam_mount	*mnt;
	struct device		*dev;
	char			devopts[256];
	int			i, ndev, single, err;

	ndev = sam_parse_ndev(options);
	if (options != NULL && strlen(options) >= sizeof(devopts))
		return E2BIG;
	mnt = calloc(1, sizeof(*mnt));
	if (mnt == NULL)
		return ENOMEM;

	err = ENODEV;
	single = 0;
	for (i = 0; i < ndev; i++) {
		dev = NULL;	/* no parent */
		/* dev_attach() takes lan=/name= out of the string it is given: a fresh copy
		 * for each device, so that the second one is named like the first */
		strlcpy(devopts, options != NULL ? options : "", sizeof(devopts));
		err = dev_attach("sam", devopts, &sam_ca, mnt, &single, &dev, NULL);
		if (err != EOK)
			break;
		/* io-pkt dlclose()s this when the device goes (see sam_detach) */
		dev->dv_dll_hdl = dll_hdl;
		/* lan= or unit= names exactly one device */
		if (single)
			break;
	}

	if (mnt->ndevs == 0) {
		free(mnt);
		return err;
	}
	return EOK;
}

#ifdef SAM_THREAD
/* ------------------------------------------------------ housekeeping thread */

void	*sam_thread(void *);
void	sam_thread_quiesce(void *, int);
int	sam_thread_init(void *);

/*
 * A tracked thread (it may touch mbufs and io-pkt state) that loops, polling the
 * quiesce flag between rounds of work: the "flag polled by a looping thread" pattern.
 * quiesce_block(1) ends it (nw_pthread_reap in detach).
 */
void *
sam_thread(void *arg)
{
	struct sam_dev	*sc = arg;

	for (;;) {
		if (sc->sc_quiescing) {
			sc->sc_quiescing = 0;
			quiesce_block(sc->sc_quiesce_die);
		}
		usleep(1000);	/* a round of housekeeping */
	}
	return NULL;
}

/* From the stack context: ask the thread to reach quiesce_block(die) soon. */
void
sam_thread_quiesce(void *arg, int die)
{
	struct sam_dev	*sc = arg;

	sc->sc_quiesce_die = die;
	sc->sc_quiescing = 1;
}

/* In the new thread, before nw_pthread_create returns: its name and quiesce callback. */
int
sam_thread_init(void *arg)
{
	struct nw_work_thread	*wtp = WTP;

	pthread_setname_np(0, "sam housekeeping");
	wtp->quiesce_callout = sam_thread_quiesce;
	wtp->quiesce_arg = arg;
	return EOK;
}

static int
sam_thread_start(struct sam_dev *sc)
{
	int	err;

	err = nw_pthread_create(&sc->sc_tid, NULL, sam_thread, sc, 0, sam_thread_init, sc);
	if (err == EOK)
		sc->sc_thread_up = 1;
	return err;
}
#endif

/* ----------------------------------------------------------------- attach */

/*
 * Once per device, in the stack context: allocate what the device needs and hook it
 * into io-pkt. Nothing here starts the "hardware": that is sam_init()'s job, and
 * sam_init() runs many times while this runs once.
 */
int
sam_attach(struct device *parent, struct device *self, void *aux)
{
	struct sam_dev	*sc = (struct sam_dev *)self;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;
	uint8_t		enaddr[ETHER_ADDR_LEN];
	int		err;

#ifdef SAM_BUG_ATTACH_YIELD
	/* BUG: waits for the hardware to power up before counting the device (yields) */
	nic_delay(10);
#endif
	/*
	 * Count the device before anything that may yield the stack context: another
	 * device's detach running meanwhile must see that the DLL is still in use.
	 */
	sc->sc_mount = aux;
	sc->sc_mount->ndevs++;

	sc->sc_iopkt = iopkt_selfp;
	sc->sc_iid = -1;
	sc->sc_link = LINK_STATE_UNKNOWN;

	/*
	 * The system timer interrupt plays the NIC's interrupt. It is shared with the
	 * rest of the system, so sam_isr() claims it only when there is work.
	 */
	sc->sc_irq = SYSPAGE_ENTRY(qtime)->intr;

	sc->sc_ring = calloc(SAM_RING_SLOTS, sizeof(*sc->sc_ring));
	if (sc->sc_ring == NULL) {
		err = ENOMEM;
		goto fail;
	}
	if ((err = pthread_mutex_init(&sc->sc_ring_mutex, NULL)) != EOK)
		goto fail_ring;

	/* Once only: initialising a pending callout again corrupts the timer list. */
	callout_init(&sc->sc_monitor_callout);
	callout_init(&sc->sc_kick_callout);

#ifdef SAM_BUG_ATTACH_FAIL_LEAK
	/* BUG: the hook is established early, and the failure paths below forget it */
	sc->sc_sdhook = shutdownhook_establish(sam_shutdown, sc);
#endif
#ifdef SAM_BUG_MTU_ATTACH
	/* BUG: the receiver's frame limit is programmed once, here, and never again */
	sc->sc_hwmtu = ETHERMTU;
#endif
	/* Fill in the interrupt entry, then register it with an io-pkt worker. */
	sc->sc_inter.func = sam_process_interrupt;
	sc->sc_inter.enable = sam_enable_interrupt;
	sc->sc_inter.arg = sc;
	if ((err = interrupt_entry_init(&sc->sc_inter, 0, NULL,
	    IRUPT_PRIO_DEFAULT)) != EOK)
		goto fail_mutex;

	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, sc->sc_dev.dv_xname, IFNAMSIZ);
	ifp->if_flags = IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
	ifp->if_init = sam_init;
	ifp->if_stop = sam_stop;
	ifp->if_start = sam_start;
	ifp->if_ioctl = sam_ioctl;
	IFQ_SET_READY(&ifp->if_snd);
	/* the ring takes jumbo frames: let "ifconfig samN mtu 9000" through */
	sc->sc_ec.ec_capabilities |= ETHERCAP_JUMBO_MTU;

	if_attach(ifp);

	/* A locally administered address that differs per unit: 02:73:61:6d:00:<unit> */
	enaddr[0] = 0x02;
	enaddr[1] = 's';
	enaddr[2] = 'a';
	enaddr[3] = 'm';
	enaddr[4] = (sc->sc_dev.dv_unit >> 8) & 0xff;
	enaddr[5] = sc->sc_dev.dv_unit & 0xff;
	ether_ifattach(ifp, enaddr);

#ifndef SAM_BUG_ATTACH_FAIL_LEAK
	/* A missing hook only loses the quiet stop at exit: not worth failing for. */
	sc->sc_sdhook = shutdownhook_establish(sam_shutdown, sc);
#endif
#ifdef SAM_BUG_LEAK_MBUF
	/* a spare receive buffer for when the pool runs dry (detach forgets it: the BUG) */
	sc->sc_spare = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
#endif
#ifdef SAM_THREAD
	if ((err = sam_thread_start(sc)) != EOK) {
		if (sc->sc_sdhook != NULL)
			shutdownhook_disestablish(sc->sc_sdhook);
		ether_ifdetach(ifp);
		if_detach(ifp);
		interrupt_entry_remove(&sc->sc_inter, NULL);
		goto fail_mutex;
	}
#endif

	return EOK;

fail_mutex:
	pthread_mutex_destroy(&sc->sc_ring_mutex);
fail_ring:
#ifndef SAM_BUG_FAIL_NO_FREE	/* BUG: the ring is forgotten on the failure path */
	free(sc->sc_ring);
#endif
	sc->sc_ring = NULL;
fail:
	sc->sc_mount->ndevs--;
	return err;
}

/* ------------------------------------------------------------------- init */

/* Program the multicast filter from the ethercom's list (the ioctl path and init). */
static void
sam_set_multicast(struct sam_dev *sc)
{
	struct ethercom		*ec = &sc->sc_ec;
	struct ifnet		*ifp = &ec->ec_if;
	struct ether_multi	*enm;
	struct ether_multistep	step;
	int			n = 0;

	ifp->if_flags &= ~IFF_ALLMULTI;
	ETHER_FIRST_MULTI(step, ec, enm);
	while (enm != NULL) {
		/*
		 * A range of addresses, or more than the filter holds: accept every
		 * multicast frame and let the stack sort them out.
		 */
		if (memcmp(enm->enm_addrlo, enm->enm_addrhi, ETHER_ADDR_LEN) != 0 ||
		    n == SAM_MCAST_MAX) {
			ifp->if_flags |= IFF_ALLMULTI;
			break;
		}
		memcpy(sc->sc_mcast[n++], enm->enm_addrlo, ETHER_ADDR_LEN);
		ETHER_NEXT_MULTI(step, enm);
	}
	sc->sc_nmulti = (ifp->if_flags & IFF_ALLMULTI) ? 0 : n;
}

/*
 * if_init: io-pkt calls this for "ifconfig samN up", for an address, for "mtu N", and
 * again whenever the configuration changes while running. So it compares what is
 * programmed with what is asked and changes only the difference: resetting everything
 * here would interrupt the traffic flowing at the time.
 */
int
sam_init(struct ifnet *ifp)
{
	struct sam_dev		*sc = ifp->if_softc;
	struct nw_work_thread	*wtp = WTP;
	int			ret;

	/* station address: may have been changed since the last init */
	if (memcmp(sc->sc_hwaddr, LLADDR(ifp->if_sadl), ETHER_ADDR_LEN) != 0) {
		memcpy(sc->sc_hwaddr, LLADDR(ifp->if_sadl), ETHER_ADDR_LEN);
		/* a NIC: write the station address registers here */
	}

	/* largest frame the receiver accepts: follows the MTU */
	if (ifp->if_mtu > ETHERMTU_JUMBO)
		return EINVAL;
#ifndef SAM_BUG_MTU_ATTACH
	sc->sc_hwmtu = ifp->if_mtu;
#endif
#ifdef SAM_BUG_INIT_ALLOC
	/* BUG: a spare receive buffer on every init; the one from the last init is lost */
	sc->sc_spare = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
#endif

	sam_set_multicast(sc);

	/*
	 * The interrupt is attached on the first init and after a stop that disabled
	 * the device, never twice.
	 */
#ifndef SAM_BUG_INIT_INTR	/* BUG: attached again on every init, the old one forgotten */
	if (sc->sc_iid == -1)
#endif
	{
		ret = InterruptAttach_r(sc->sc_irq, sam_isr, sc, sizeof(*sc),
		    _NTO_INTR_FLAGS_TRK_MSK);
		if (ret < 0)
			return -ret;
		sc->sc_iid = ret;
	}

#ifdef SAM_BUG_INIT_CALLOUT_INIT
	/* BUG: "make sure the callout is clean" — on a callout that may be armed */
	callout_init(&sc->sc_monitor_callout);
#endif
	/* Periodic housekeeping; callout_msec() restarts it if already armed. */
	sc->sc_monitor_run = 1;
	callout_msec(&sc->sc_monitor_callout, SAM_MONITOR_MS, sam_monitor, sc);

	ifp->if_flags |= IFF_RUNNING;
	if (sc->sc_link != LINK_STATE_UP) {
		sc->sc_link = LINK_STATE_UP;
		if_link_state_change(ifp, LINK_STATE_UP);
	}

	/*
	 * The TX side keeps its own copy of IFF_RUNNING, guarded by the TX mutex. Frames
	 * may have been queued while we were not running: io-pkt will not call
	 * sam_start() for them until the next frame, so start them now.
	 */
	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	ifp->if_flags_tx |= IFF_RUNNING;
	if (!IFQ_IS_EMPTY(&ifp->if_snd) && (ifp->if_flags_tx & IFF_OACTIVE) == 0)
		sam_start(ifp);		/* releases the TX mutex */
	else
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);

	return EOK;
}

/* --------------------------------------------------------------- transmit */

/*
 * "Transmit" one frame: the wire loops it back into our receive ring, where the next
 * interrupt finds it. EOK, ENOBUFS when the ring is full (the frame stays queued), or
 * EMSGSIZE for a frame no buffer can hold.
 */
static int
sam_ring_put(struct sam_dev *sc, struct mbuf *m)
{
	struct sam_slot	*slot;
	int		len = m->m_pkthdr.len;

	if (len > SAM_FRAME_MAX)
		return EMSGSIZE;
	pthread_mutex_lock(&sc->sc_ring_mutex);
	if (sc->sc_ring_prod - sc->sc_ring_cons == SAM_RING_SLOTS) {
		pthread_mutex_unlock(&sc->sc_ring_mutex);
		return ENOBUFS;
	}
	slot = &sc->sc_ring[sc->sc_ring_prod % SAM_RING_SLOTS];
	/* a copying NIC can free the mbuf at once; a DMA one frees it when harvested */
	m_copydata(m, 0, len, (caddr_t)slot->data);
	slot->len = len;
	sc->sc_ring_prod++;
	pthread_mutex_unlock(&sc->sc_ring_mutex);
	return EOK;
}

/*
 * if_start: io-pkt calls this with the TX mutex (if_snd_ex) held, from the stack, a
 * worker or an application's thread. The mutex must be released on every return path,
 * with NW_SIGUNLOCK_P.
 */
void
sam_start(struct ifnet *ifp)
{
	struct sam_dev		*sc = ifp->if_softc;
	struct nw_work_thread	*wtp = WTP;
	struct mbuf		*m;
	int			err;

	if ((ifp->if_flags_tx & IFF_RUNNING) == 0) {
		/* stopped or stopping: sam_stop() deals with the queue */
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		return;
	}

	/* We are draining the queue now: a retry armed earlier is not needed. */
	if (callout_pending(&sc->sc_kick_callout))
		callout_stop(&sc->sc_kick_callout);
	/* While set, io-pkt queues frames without calling us. */
	ifp->if_flags_tx |= IFF_OACTIVE;

	for (;;) {
		IFQ_POLL(&ifp->if_snd, m);
		if (m == NULL)
			break;

		err = sam_ring_put(sc, m);
		if (err == ENOBUFS) {
			/*
			 * Out of transmit resources. The frame stays on the queue and
			 * IFF_OACTIVE stays set, so nobody calls us until the retry: a
			 * real NIC would restart from its TX-complete interrupt or harvest.
			 */
			callout_msec(&sc->sc_kick_callout, SAM_KICK_MS, sam_kick_tx, sc);
			NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
			return;
		}

		/* committed: the frame leaves the queue either way */
		IFQ_DEQUEUE(&ifp->if_snd, m);
		if (err == EOK) {
			ifp->if_opackets++;
			sc->sc_tx_done++;
		} else {
			ifp->if_oerrors++;
		}
		m_freem(m);
	}

	ifp->if_flags_tx &= ~IFF_OACTIVE;
	NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
}

/* Callout: retry a transmission that ran out of room (seed: restart by callout). */
void
sam_kick_tx(void *arg)
{
	struct sam_dev	*sc = arg;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;

	/* if_start is entered with the TX mutex held */
	NW_SIGLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
	sam_start(ifp);
}

/* ---------------------------------------------------------------- receive */

/*
 * The ISR, in interrupt context: no io-pkt calls but interrupt_queue(). The timer
 * interrupt is not only ours, so an empty ring means "not ours": leave it alone.
 * Otherwise mask it until the work is done and have an io-pkt thread do the work.
 */
const struct sigevent *
sam_isr(void *arg, int iid)
{
	struct sam_dev	*sc = arg;

	if (sc->sc_ring_prod == sc->sc_ring_cons)
		return NULL;

	/*
	 * On SMP this can run before InterruptAttach_r() has returned the id to
	 * sam_init(); sam_enable_interrupt() needs it to unmask.
	 */
	sc->sc_iid = iid;
	InterruptMask(sc->sc_irq, iid);
	return interrupt_queue(sc->sc_iopkt, &sc->sc_inter);
}

/* Copy a received frame into a fresh mbuf chain of clusters; NULL if out of mbufs. */
static struct mbuf *
sam_rx_mbuf(struct ifnet *ifp, const struct sam_slot *slot,
    struct nw_work_thread *wtp)
{
	struct mbuf	*top = NULL, *m, **mp = &top;
	int		off = 0, chunk, flags = M_PKTHDR;

	while (off < slot->len) {
		/* never M_WAITOK here: we are not a stack pseudo-thread */
		m = m_getcl_wtp(M_DONTWAIT, MT_DATA, flags, wtp);
		if (m == NULL) {
			if (top != NULL)
				m_freem(top);
			return NULL;
		}
		chunk = slot->len - off;
		if (chunk > MCLBYTES)
			chunk = MCLBYTES;
		memcpy(mtod(m, uint8_t *), slot->data + off, chunk);
		m->m_len = chunk;
		*mp = m;
		mp = &m->m_next;
		off += chunk;
		flags = 0;
	}
	top->m_pkthdr.len = slot->len;
	top->m_pkthdr.rcvif = ifp;
	return top;
}

/*
 * The interrupt's work, on an io-pkt thread: hand the looped-back frames up. After
 * SAM_RX_BUDGET frames return 0 so that other interfaces get their turn; io-pkt calls
 * us again later, and sam_enable_interrupt() only once we return 1.
 */
int
sam_process_interrupt(void *arg, struct nw_work_thread *wtp)
{
	struct sam_dev	*sc = arg;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;
	struct sam_slot	*slot;
	struct mbuf	*m;
	int		n, giant;

	for (n = 0; n < SAM_RX_BUDGET; n++) {
		pthread_mutex_lock(&sc->sc_ring_mutex);
		if (sc->sc_ring_cons == sc->sc_ring_prod) {
			pthread_mutex_unlock(&sc->sc_ring_mutex);
			return 1;
		}
		slot = &sc->sc_ring[sc->sc_ring_cons % SAM_RING_SLOTS];
		/* the receiver takes what sam_init() programmed, nothing longer */
		giant = slot->len > sc->sc_hwmtu + ETHER_HDR_LEN;
		m = giant ? NULL : sam_rx_mbuf(ifp, slot, wtp);
		sc->sc_ring_cons++;
		pthread_mutex_unlock(&sc->sc_ring_mutex);

		if (m == NULL) {
			/* dropped: too long, or no mbuf free */
			ifp->if_ierrors++;
			continue;
		}
		ifp->if_ipackets++;
		(*ifp->if_input)(ifp, m);
	}
	return sc->sc_ring_cons == sc->sc_ring_prod;
}

/* All the interrupt's work is done: let it fire again. */
int
sam_enable_interrupt(void *arg)
{
	struct sam_dev	*sc = arg;

	/* not if sam_stop() detached it meanwhile (detaching undid our masks) */
	if (sc->sc_iid != -1)
		InterruptUnmask(sc->sc_irq, sc->sc_iid);
	return 1;
}

/* -------------------------------------------------------------- housekeeping */

/*
 * Callout, every SAM_MONITOR_MS while running, in the stack context (proc0: it must
 * not sleep). A NIC driver polls its PHY here; sam's link never drops, so the work is
 * the stale queue: frames that could not go out for SAM_STALE_RUNS periods are
 * purged rather than sent late.
 */
void
sam_monitor(void *arg)
{
	struct sam_dev	*sc = arg;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;

	NW_SIGLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
	if (!IFQ_IS_EMPTY(&ifp->if_snd) && sc->sc_tx_done == sc->sc_tx_seen) {
		if (++sc->sc_tx_stuck >= SAM_STALE_RUNS) {
			ifp->if_oerrors += ifp->if_snd.ifq_len;
			IFQ_PURGE(&ifp->if_snd);
			sc->sc_tx_stuck = 0;
		}
	} else {
		sc->sc_tx_stuck = 0;
	}
	sc->sc_tx_seen = sc->sc_tx_done;
	NW_SIGUNLOCK(&ifp->if_snd_ex, sc->sc_iopkt);

	/*
	 * One-shot: re-arm, unless sam_stop() has run since we started. Its
	 * callout_stop() does not wait for us, so without the flag we would re-arm a
	 * callout that is meant to be stopped.
	 */
	if (sc->sc_monitor_run)
		callout_msec(&sc->sc_monitor_callout, SAM_MONITOR_MS, sam_monitor, sc);
}

/* -------------------------------------------------------------------- ioctl */

int
sam_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data)
{
	struct sam_dev	*sc = ifp->if_softc;
	int		error;

	switch (cmd) {
	default:
		error = ether_ioctl(ifp, cmd, data);
		if (error == ENETRESET) {
			/*
			 * The multicast list changed. Running: reprogram the filter
			 * now; stopped: sam_init() will.
			 */
			if (ifp->if_flags & IFF_RUNNING)
				sam_set_multicast(sc);
			error = 0;
		}
		break;
	}
	return error;
}

/* --------------------------------------------------------------------- stop */

/*
 * if_stop: "ifconfig samN down" (disable = 1), and detach. Stop transmitting and
 * receiving and drop buffered frames so nothing stale appears after the next up; keep
 * every structure, since sam_init() will run again.
 */
void
sam_stop(struct ifnet *ifp, int disable)
{
	struct sam_dev		*sc = ifp->if_softc;
	struct nw_work_thread	*wtp = WTP;

	/* Periodic work first: the flag closes the window callout_stop() leaves. */
	sc->sc_monitor_run = 0;
#ifndef SAM_BUG_NO_CALLOUT_STOP	/* BUG: "the run flag is enough" — the callout stays armed */
	callout_stop(&sc->sc_monitor_callout);
#endif

	/* Transmit side, under the TX mutex. */
	NW_SIGLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	if (callout_pending(&sc->sc_kick_callout)) {
		callout_stop(&sc->sc_kick_callout);
		/* we hold its mutex, so sam_start() is not running: nobody is sending */
		ifp->if_flags_tx &= ~IFF_OACTIVE;
	}
	IFQ_PURGE(&ifp->if_snd);
	if ((ifp->if_flags_tx & IFF_OACTIVE) == 0) {
		ifp->if_flags_tx &= ~IFF_RUNNING;
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
	} else {
		/*
		 * A retry fired but its sam_start() has not run yet. Rather than
		 * wait for it, use the big gun: with every io-pkt thread quiesced
		 * nobody is in the transmit path, and when the retry does run it
		 * finds us not running.
		 */
		NW_SIGUNLOCK_P(&ifp->if_snd_ex, sc->sc_iopkt, wtp);
		quiesce_all();
		ifp->if_flags_tx &= ~(IFF_RUNNING | IFF_OACTIVE);
		unquiesce_all();
	}

	/* Receive side: frames looped back but not yet handed up are stale now. */
	pthread_mutex_lock(&sc->sc_ring_mutex);
	sc->sc_ring_cons = sc->sc_ring_prod;
	pthread_mutex_unlock(&sc->sc_ring_mutex);

	if (disable && sc->sc_iid != -1) {
		InterruptDetach(sc->sc_iid);
		sc->sc_iid = -1;
	}

	if (sc->sc_link == LINK_STATE_UP) {
		sc->sc_link = LINK_STATE_DOWN;
		if_link_state_change(ifp, LINK_STATE_DOWN);
	}
	ifp->if_flags &= ~(IFF_RUNNING | IFF_OACTIVE);
}

/* ------------------------------------------------------------------- detach */

/*
 * "ifconfig samN destroy": the device goes, io-pkt stays. Undo everything attach and
 * init did; io-pkt then unloads the DLL unless we keep it.
 */
int
sam_detach(struct device *dev, int flags)
{
	struct sam_dev	*sc = (struct sam_dev *)dev;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;
#ifdef SAM_BUG_DETACH_YIELD
	/*
	 * BUG: the device is uncounted first, then detach waits for the transmitter to
	 * drain (yields the stack context): another device's detach may unload the DLL.
	 */
	int		last = --sc->sc_mount->ndevs == 0;

	if (!last)
		sc->sc_dev.dv_dll_hdl = NULL;
	if (ifp->if_flags & IFF_RUNNING)
		nic_delay(20);
#endif

#ifdef SAM_THREAD
#ifndef SAM_BUG_NO_REAP	/* BUG: the thread outlives its device and the DLL */
	if (sc->sc_thread_up) {
		nw_pthread_reap(sc->sc_tid);
		sc->sc_thread_up = 0;
	}
#endif
#endif
	sam_stop(ifp, 1);		/* callouts stopped, interrupt detached */
#ifndef SAM_BUG_NO_INTR_REMOVE	/* BUG: the entry stays registered with a worker */
	interrupt_entry_remove(&sc->sc_inter, NULL);
#endif
	ether_ifdetach(ifp);
	if_detach(ifp);
#ifndef SAM_BUG_NO_HOOK_DISESTABLISH	/* BUG: the hook outlives the device */
	if (sc->sc_sdhook != NULL)
		shutdownhook_disestablish(sc->sc_sdhook);
#endif
#ifdef SAM_BUG_INIT_ALLOC
	if (sc->sc_spare != NULL)
		m_freem(sc->sc_spare);
#endif

	pthread_mutex_destroy(&sc->sc_ring_mutex);
#ifndef SAM_BUG_DETACH_NO_FREE	/* BUG: the receive ring outlives the device */
	free(sc->sc_ring);
#endif
	sc->sc_ring = NULL;

#ifdef SAM_BUG_DETACH_YIELD
	if (last)
		free(sc->sc_mount);
	return EOK;
#endif
	/*
	 * Last, and nothing after it may yield the stack context: once we stop
	 * counting this device, another detach may unload the DLL. While devices of
	 * this mount remain, give up our handle so the DLL stays loaded.
	 */
	if (--sc->sc_mount->ndevs > 0)
		sc->sc_dev.dv_dll_hdl = NULL;
	else
		free(sc->sc_mount);
	return EOK;
}

/* ----------------------------------------------------------------- shutdown */

/*
 * io-pkt is exiting, perhaps crashing: make the hardware quiet (no DMA, no
 * interrupts) and do nothing else. Freeing or locking here could turn one crash into
 * another and hide the first.
 */
void
sam_shutdown(void *arg)
{
	struct sam_dev	*sc = arg;

	if (sc->sc_iid != -1)
		InterruptMask(sc->sc_irq, sc->sc_iid);
}
