/*
 * qdrv.c — devnp-quiesce-pulse.so and devnp-quiesce-flag.so: a driver whose receive path
 * is a tracked thread (nw_pthread_create), the way a driver of a device without an RX
 * interrupt (USB, SDIO) hands frames up. It shows the two quiesce patterns of the io-pkt
 * documents, one per build:
 *
 *   pulse (default)       the thread is a dispatch loop on a channel (MsgReceivePulse);
 *                         the quiesce callback sends it a pulse carrying die, and the
 *                         loop calls quiesce_block(die) (seed 000, "Quiesce handling").
 *   flag (QDRV_PATTERN_FLAG, drivers/quiesce-flag/variant.cmake)
 *                         the thread loops every QDRV_POLL_US; the callback sets
 *                         quiescing and die, and the loop calls quiesce_block(die) when
 *                         it sees quiescing (seed 002, driver threads and quiesce).
 *
 * Frames: if_start copies every frame of if_snd into a private ring of slots and frees it
 * (they are "sent"); the thread takes the slots, builds mbufs and hands them up with
 * if_input (a loopback, like sam). The ring is shared by if_start and the thread (a
 * pthread mutex). if_stop uses the big gun (seed 000): quiesce_all, so the thread is
 * parked in quiesce_block while the ring is emptied, then unquiesce_all. Detach reaps the
 * thread with nw_pthread_reap (its callback runs with die = 1). A periodic callout (with
 * a run flag) counts ticks, so that a stuck stack shows in callouts too.
 *
 * Interfaces "qtN". Options: dev_attach's lan=/unit=/name=.
 *
 * With QDRV_RESET (pulse pattern; drivers/qdrv-reset/variant.cmake) the thread is also
 * the driver's error-recovery thread: a tick that finds new receive errors asks it (a
 * pulse) to reset the device's receive side, which waits for the device and so is no
 * callout's job; the thread stops the tick for the reset — run flag first, since the
 * tick that asked is still running on a worker, reading the device's counters — and
 * starts it again after (seed 002, "Periodic timers": the stop race).
 *
 * The buggy variants of drivers/buggy/quiesce-* build this file with one QDRV_BUG_*
 * defined (docs/bug-catalog.md, section 4; drivers/buggy/stale-rearm: section 5); a
 * correct build defines none.
 */
#include <io-pkt/iopkt_driver.h>
#include <sys/io-pkt.h>
#include <sys/neutrino.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <nw_thread.h>
#include <pthread.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef QDRV_PATTERN_FLAG
#define QDRV_PATTERN_FLAG	0
#endif
#ifndef QDRV_BUG_NO_CALLBACK	/* the thread's init sets no quiesce callback */
#define QDRV_BUG_NO_CALLBACK	0
#endif
#ifndef QDRV_BUG_FLAG_UNREAD	/* flag pattern: the loop never reads the flag */
#define QDRV_BUG_FLAG_UNREAD	0
#endif
#ifndef QDRV_BUG_UNASKED	/* if_stop ends the thread by its own pulse + quiesce_block(1) */
#define QDRV_BUG_UNASKED	0
#endif
#ifndef QDRV_BUG_PTHREAD	/* the thread is a plain pthread_create one */
#define QDRV_BUG_PTHREAD	0
#endif
#ifndef QDRV_RESET		/* the tick hands receive-side resets to the thread */
#define QDRV_RESET		0
#endif
#ifndef QDRV_BUG_REARM_NO_FLAG	/* the tick re-arms itself without its run flag */
#define QDRV_BUG_REARM_NO_FLAG	0
#endif

#define QDRV_SLOTS		64
#define QDRV_FRAME_MAX		1518	/* MTU 1500: frames up to 1514 bytes */
#define QDRV_POLL_US		500	/* flag pattern: how often the loop looks */
#define QDRV_TICK_MS		50
#define QDRV_PULSE_RX		(_PULSE_CODE_MINAVAIL + 1)
#define QDRV_PULSE_QUIESCE	(_PULSE_CODE_MINAVAIL + 2)
#define QDRV_PULSE_EXIT		(_PULSE_CODE_MINAVAIL + 3)	/* QDRV_BUG_UNASKED only */
#define QDRV_PULSE_RESET	(_PULSE_CODE_MINAVAIL + 4)	/* QDRV_RESET only */
#define QDRV_STATS_NS		50000	/* QDRV_RESET: the tick reads the device's counters */
#define QDRV_RESET_US		2000	/* QDRV_RESET: the device's receive-side reset */

struct qdrv_slot {
	int		len;
	uint8_t		data[QDRV_FRAME_MAX];
};

struct qdrv_dev {
	struct device		sc_dev;		/* must come first */
	struct ethercom		sc_ec;
	struct _iopkt_self	*sc_iopkt;
	pthread_mutex_t		sc_mtx;		/* the ring: if_start and the thread */
	struct qdrv_slot	sc_ring[QDRV_SLOTS];
	int			sc_prod, sc_cons;
	pthread_t		sc_tid;
	int			sc_chid, sc_coid;	/* pulse pattern */
	volatile int		sc_quiescing, sc_die;	/* flag pattern */
	struct callout		sc_tick;
	volatile int		sc_tick_run;
	int			sc_ticks;
	volatile int		sc_up;		/* if_init .. if_stop; set under sc_mtx */
	u_quad_t		sc_ierrors_seen;	/* QDRV_RESET: by the tick */
};

int	qdrv_entry(void *, struct _iopkt_self *, char *);
int	qdrv_attach(struct device *, struct device *, void *);
int	qdrv_detach(struct device *, int);
int	qdrv_init(struct ifnet *);
void	qdrv_stop(struct ifnet *, int);
void	qdrv_start(struct ifnet *);
int	qdrv_ioctl(struct ifnet *, unsigned long, caddr_t);
void	qdrv_tick(void *);
int	qdrv_thread_init(void *);
void	*qdrv_thread(void *);
void	qdrv_quiesce(void *, int);

struct _iopkt_drvr_entry IOPKT_DRVR_ENTRY_SYM(qdrv) = IOPKT_DRVR_ENTRY_SYM_INIT(qdrv_entry);

CFATTACH_DECL(qdrv, sizeof(struct qdrv_dev), NULL, qdrv_attach, qdrv_detach, NULL);

int
qdrv_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options)
{
	struct device	*dev = NULL;
	int		single = 0, err;

	err = dev_attach("qt", options, &qdrv_ca, iopkt, &single, &dev, NULL);
	if (err == EOK)
		dev->dv_dll_hdl = dll_hdl;
	return err;
}

/* ------------------------------------------------------------ the thread */

/* Hand the ring's frames up. The thread (tracked: it may allocate mbufs). */
static void
qdrv_rx(struct qdrv_dev *sc)
{
	struct ifnet	*ifp = &sc->sc_ec.ec_if;
	struct mbuf	*m;

	for (;;) {
		pthread_mutex_lock(&sc->sc_mtx);
		if (sc->sc_cons == sc->sc_prod) {
			pthread_mutex_unlock(&sc->sc_mtx);
			return;
		}
		m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
		if (m != NULL) {
			struct qdrv_slot *s = &sc->sc_ring[sc->sc_cons % QDRV_SLOTS];
			memcpy(mtod(m, uint8_t *), s->data, s->len);
			m->m_len = m->m_pkthdr.len = s->len;
			m->m_pkthdr.rcvif = ifp;
		}
		sc->sc_cons++;
		pthread_mutex_unlock(&sc->sc_mtx);
		if (m == NULL) {
			ifp->if_ierrors++;
			continue;
		}
		ifp->if_ipackets++;
		(*ifp->if_input)(ifp, m);
	}
}

/* In the new thread, before nw_pthread_create returns: name, quiesce callback. */
int
qdrv_thread_init(void *arg)
{
	struct qdrv_dev		*sc = arg;
	struct nw_work_thread	*wtp = WTP;

	pthread_setname_np(0, "qdrv rx");
	if (!QDRV_BUG_NO_CALLBACK) {
		wtp->quiesce_callout = qdrv_quiesce;
		wtp->quiesce_arg = sc;
	}
	return EOK;
}

/* io-pkt asks the thread to reach quiesce_block(die): die 0 park, die 1 end (reap). */
void
qdrv_quiesce(void *arg, int die)
{
	struct qdrv_dev *sc = arg;

	if (QDRV_PATTERN_FLAG) {
		sc->sc_die = die;
		sc->sc_quiescing = 1;
	} else {
		MsgSendPulse(sc->sc_coid, -1, QDRV_PULSE_QUIESCE, die);
	}
}

/*
 * QDRV_RESET, in the thread: reset the device's receive side, as the tick asked. The tick
 * must not read a device being reset, so stop it first: clear its run flag, then
 * callout_stop — the tick that asked may still be running on a worker, and callout_stop
 * does not wait for it (seed 002). Start it again after, unless if_stop came meanwhile
 * (sc_up, under sc_mtx: if_stop clears it, then stops the tick, so either it sees our
 * re-arm and stops it, or we see it down).
 */
static void
qdrv_reset(struct qdrv_dev *sc)
{
	sc->sc_tick_run = 0;
	callout_stop(&sc->sc_tick);
	usleep(QDRV_RESET_US);		/* the device resets its receive pipe */
	pthread_mutex_lock(&sc->sc_mtx);
	if (sc->sc_up) {
		sc->sc_tick_run = 1;
		callout_msec(&sc->sc_tick, QDRV_TICK_MS, qdrv_tick, sc);
	}
	pthread_mutex_unlock(&sc->sc_mtx);
}

void *
qdrv_thread(void *arg)
{
	struct qdrv_dev	*sc = arg;
	struct _pulse	p;

	for (;;) {
		if (QDRV_PATTERN_FLAG) {
			if (sc->sc_quiescing && !QDRV_BUG_FLAG_UNREAD) {
				sc->sc_quiescing = 0;
				quiesce_block(sc->sc_die);	/* die: does not return */
			}
			qdrv_rx(sc);
			usleep(QDRV_POLL_US);
			continue;
		}
		if (MsgReceivePulse(sc->sc_chid, &p, sizeof(p), NULL) == -1)
			break;		/* the channel is gone */
		if (p.code == QDRV_PULSE_QUIESCE)
			quiesce_block(p.value.sival_int);
		else if (p.code == QDRV_PULSE_EXIT)
			quiesce_block(1);	/* the QDRV_BUG_UNASKED mistake */
		else if (p.code == QDRV_PULSE_RX)
			qdrv_rx(sc);
		else if (p.code == QDRV_PULSE_RESET)
			qdrv_reset(sc);
	}
	return NULL;
}

/* ------------------------------------------------------------ attach, detach */

int
qdrv_attach(struct device *parent, struct device *self, void *aux)
{
	struct qdrv_dev	*sc = (struct qdrv_dev *)self;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;
	uint8_t		enaddr[ETHER_ADDR_LEN] = { 0x02, 'q', 'd', 'r', 'v', 0 };
	int		err;

	sc->sc_iopkt = aux;
	enaddr[5] = (uint8_t)sc->sc_dev.dv_unit;
	if ((err = pthread_mutex_init(&sc->sc_mtx, NULL)) != EOK)
		return err;
	if ((sc->sc_chid = ChannelCreate(0)) == -1 ||
	    (sc->sc_coid = ConnectAttach(0, 0, sc->sc_chid, _NTO_SIDE_CHANNEL, 0)) == -1) {
		err = errno;
		if (sc->sc_chid != -1)
			ChannelDestroy(sc->sc_chid);
		pthread_mutex_destroy(&sc->sc_mtx);
		return err;
	}
	if (QDRV_BUG_PTHREAD)
		err = pthread_create(&sc->sc_tid, NULL, qdrv_thread, sc);
	else
		err = nw_pthread_create(&sc->sc_tid, NULL, qdrv_thread, sc, 0, qdrv_thread_init,
		    sc);
	if (err != EOK) {
		ConnectDetach(sc->sc_coid);
		ChannelDestroy(sc->sc_chid);
		pthread_mutex_destroy(&sc->sc_mtx);
		return err;
	}
	callout_init(&sc->sc_tick);

	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, sc->sc_dev.dv_xname, IFNAMSIZ);
	ifp->if_flags = IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
	ifp->if_init = qdrv_init;
	ifp->if_stop = qdrv_stop;
	ifp->if_start = qdrv_start;
	ifp->if_ioctl = qdrv_ioctl;
	IFQ_SET_READY(&ifp->if_snd);
	if_attach(ifp);
	ether_ifattach(ifp, enaddr);
	return EOK;
}

/* io-pkt quiesces around this (no DVF_QUIESCESELF); the reap asks with die = 1. */
int
qdrv_detach(struct device *self, int flags)
{
	struct qdrv_dev	*sc = (struct qdrv_dev *)self;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;

	if (ifp->if_flags & IFF_RUNNING)
		qdrv_stop(ifp, 1);
	nw_pthread_reap(sc->sc_tid);
	ConnectDetach(sc->sc_coid);
	ChannelDestroy(sc->sc_chid);
	ether_ifdetach(ifp);
	if_detach(ifp);
	pthread_mutex_destroy(&sc->sc_mtx);
	return EOK;
}

/* ------------------------------------------------------------ the interface */

int
qdrv_init(struct ifnet *ifp)
{
	struct qdrv_dev *sc = ifp->if_softc;

	pthread_mutex_lock(&sc->sc_mtx);
	sc->sc_up = 1;
	pthread_mutex_unlock(&sc->sc_mtx);
	sc->sc_tick_run = 1;
	callout_msec(&sc->sc_tick, QDRV_TICK_MS, qdrv_tick, sc);
	ifp->if_flags |= IFF_RUNNING;
	NW_SIGLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
	ifp->if_flags_tx |= IFF_RUNNING;
	NW_SIGUNLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
	return EOK;
}

/*
 * if_stop: the big gun. The thread reads the ring without the TX mutex, so quiesce
 * everyone (the thread parks in quiesce_block) while the ring is emptied and the TX side
 * marked stopped.
 */
void
qdrv_stop(struct ifnet *ifp, int disable)
{
	struct qdrv_dev *sc = ifp->if_softc;

	pthread_mutex_lock(&sc->sc_mtx);	/* against the thread's restart (QDRV_RESET) */
	sc->sc_up = 0;
	sc->sc_tick_run = 0;
	pthread_mutex_unlock(&sc->sc_mtx);
	callout_stop(&sc->sc_tick);
	quiesce_all();
	sc->sc_cons = sc->sc_prod;
	IFQ_PURGE(&ifp->if_snd);
	ifp->if_flags_tx &= ~(IFF_RUNNING | IFF_OACTIVE);
	unquiesce_all();
	ifp->if_flags &= ~(IFF_RUNNING | IFF_OACTIVE);
	if (QDRV_BUG_UNASKED)	/* "the interface is down: end the RX thread" */
		MsgSendPulse(sc->sc_coid, -1, QDRV_PULSE_EXIT, 0);
}

/* if_start, TX mutex held: "send" every frame into the ring, tell the thread. */
void
qdrv_start(struct ifnet *ifp)
{
	struct qdrv_dev	*sc = ifp->if_softc;
	struct mbuf	*m;
	int		n = 0;

	if ((ifp->if_flags_tx & IFF_RUNNING) == 0) {
		NW_SIGUNLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
		return;
	}
	for (;;) {
		IFQ_DEQUEUE(&ifp->if_snd, m);
		if (m == NULL)
			break;
		pthread_mutex_lock(&sc->sc_mtx);
		if (sc->sc_prod - sc->sc_cons < QDRV_SLOTS &&
		    m->m_pkthdr.len <= (int)sizeof(sc->sc_ring[0].data)) {
			struct qdrv_slot *s = &sc->sc_ring[sc->sc_prod % QDRV_SLOTS];
			m_copydata(m, 0, m->m_pkthdr.len, (caddr_t)s->data);
			s->len = m->m_pkthdr.len;
			sc->sc_prod++;
			ifp->if_opackets++;
			n++;
		} else {
			ifp->if_oerrors++;
		}
		pthread_mutex_unlock(&sc->sc_mtx);
		m_freem(m);
	}
	NW_SIGUNLOCK(&ifp->if_snd_ex, sc->sc_iopkt);
	if (n && !QDRV_PATTERN_FLAG)
		MsgSendPulse(sc->sc_coid, -1, QDRV_PULSE_RX, 0);
}

int
qdrv_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data)
{
	int error = ether_ioctl(ifp, cmd, data);

	return error == ENETRESET ? 0 : error;
}

/*
 * Periodic callout (proc0), re-armed only while running. QDRV_RESET: receive errors since
 * the last tick ask the thread for a reset (the tick goes on meanwhile, reading counters).
 */
void
qdrv_tick(void *arg)
{
	struct qdrv_dev *sc = arg;
	struct ifnet	*ifp = &sc->sc_ec.ec_if;

	sc->sc_ticks++;
	if (QDRV_RESET) {
		if (ifp->if_ierrors != sc->sc_ierrors_seen) {
			sc->sc_ierrors_seen = ifp->if_ierrors;
			MsgSendPulse(sc->sc_coid, -1, QDRV_PULSE_RESET, 0);
		}
		nanospin_ns(QDRV_STATS_NS);
	}
	/* QDRV_BUG_REARM_NO_FLAG: "a periodic timer re-arms itself" — even once stopped */
	if (sc->sc_tick_run || QDRV_BUG_REARM_NO_FLAG)
		callout_msec(&sc->sc_tick, QDRV_TICK_MS, qdrv_tick, sc);
}
