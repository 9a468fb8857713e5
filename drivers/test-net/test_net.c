/*
 * test_net.c — devnp-test-net.so, a minimal io-pkt driver for the net half's unit tests
 * (tests/model/test_net.c): loading and unloading, mbuf ownership, and what a driver
 * leaves behind. Not a model to copy: see drivers/sam for that.
 *
 * Interfaces are "tnetN". Options (before dev_attach's own lan=/unit=/name=):
 *   ndev=N     attach N devices (default 1); every device but the last of the mount
 *              gives up its DLL handle, so only the last detach unloads the DLL
 *   nohdl      no device keeps the DLL handle: the DLL stays loaded after destroy
 *   allhdl     every device keeps the handle (the multi-device bug: the first detach
 *              unloads the DLL under the others)
 *   leak=N     allocate N mbufs in attach and never free them
 *   callout    arm a 100 ms callout in attach and leave it armed at detach
 *   hook       establish a shutdown hook in attach and do not remove it at detach
 *
 * and, for the stack-context latency scenarios (scenarios/latency_*.lua), slow work done
 * the right way, which the buggy variants in drivers/buggy/lat-* do the wrong way:
 *   slowinit=MS  if_init waits MS ms for the "hardware" with ltsleep, so the stack
 *                serves others meanwhile (TNET_BUG_BUSY_WAIT: busy-waits with delay())
 *   blockop      ... by handing the wait to io-pkt main with blockop_dispatch
 *   rxthread     an RX thread holds the RX ring mutex for 400 us of every 1 ms; if_start
 *                needs the same mutex: it tries it, and when the thread has it leaves
 *                the frames queued (IFF_OACTIVE) for a callout to retry
 *                (TNET_BUG_START_LOCK: waits for the mutex, holding the stack context)
 */
#include <io-pkt/iopkt_driver.h>
#include <blockop.h>
#include <pthread.h>
#include <sys/callout.h>
#include <sys/kernel.h>
#include <sys/systm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TNET_RX_HOLD_NS	400000	/* the RX thread's burst, holding the RX mutex */
#define TNET_RX_PERIOD_US	600	/* then it sleeps this long */
#define TNET_KICK_MS	1	/* if_start's retry when the RX mutex was busy */

struct tnet_opts {
	int ndev, nohdl, allhdl, leak, callout, hook, intr, intr_nofunc;
	int slowinit, blockop, rxthread;
};

struct tnet_dev {
	struct device sc_dev;
	struct ethercom sc_ec;
	struct tnet_opts opts;
	struct callout sc_callout;
	struct _iopkt_inter sc_inter; /* registered with "intr": never removed (a leak) */
	void *sc_hook;
	int sc_last;             /* the last device of its mount */
	int sc_slow_done;        /* slowinit: the "hardware" is ready */
	pthread_mutex_t sc_rx_mutex;
	pthread_t sc_rx_tid;
	volatile int sc_rx_run;
	struct callout sc_kick;
};

int tnet_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options);
int tnet_attach(struct device *parent, struct device *self, void *aux);
int tnet_detach(struct device *self, int flags);
int tnet_init(struct ifnet *ifp);
void tnet_stop(struct ifnet *ifp, int disable);
void tnet_start(struct ifnet *ifp);
int tnet_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data);
void tnet_tick(void *arg);
int tnet_process_interrupt(void *arg, struct nw_work_thread *wtp);
void tnet_shutdown(void *arg);
void tnet_kick(void *arg);
void *tnet_rx_thread(void *arg);
void tnet_slow_blockop(void *arg);

/* Calls of tnet_tick since the DLL was loaded (the tests read it with dlsym). */
int tnet_ticks;

struct _iopkt_drvr_entry IOPKT_DRVR_ENTRY_SYM(tnet) = IOPKT_DRVR_ENTRY_SYM_INIT(tnet_entry);

CFATTACH_DECL(tnet, sizeof(struct tnet_dev), NULL, tnet_attach, tnet_detach, NULL);

static void tnet_parse(const char *p, struct tnet_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ndev = 1;
	while (p && *p) {
		if (!strncmp(p, "ndev=", 5))
			o->ndev = atoi(p + 5);
		else if (!strncmp(p, "leak=", 5))
			o->leak = atoi(p + 5);
		else if (!strncmp(p, "nohdl", 5))
			o->nohdl = 1;
		else if (!strncmp(p, "allhdl", 6))
			o->allhdl = 1;
		else if (!strncmp(p, "callout", 7))
			o->callout = 1;
		else if (!strncmp(p, "hook", 4))
			o->hook = 1;
		else if (!strncmp(p, "intr0", 5))
			o->intr = o->intr_nofunc = 1;
		else if (!strncmp(p, "intr", 4))
			o->intr = 1;
		else if (!strncmp(p, "slowinit=", 9))
			o->slowinit = atoi(p + 9);
		else if (!strncmp(p, "blockop", 7))
			o->blockop = 1;
		else if (!strncmp(p, "rxthread", 8))
			o->rxthread = 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
}

int tnet_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options)
{
	struct tnet_opts o;
	struct device *dev;
	int i, single = 0, err = ENODEV;

	tnet_parse(options, &o);
	for (i = 0; i < o.ndev; i++) {
		dev = NULL;
		err = dev_attach("tnet", options, &tnet_ca, &o, &single, &dev, NULL);
		if (err != EOK)
			break;
		((struct tnet_dev *)dev)->sc_last = i == o.ndev - 1;
		if (!o.nohdl && (o.allhdl || i == o.ndev - 1))
			dev->dv_dll_hdl = dll_hdl;
		if (single)
			break;
	}
	return i > 0 ? EOK : err;
}

int tnet_attach(struct device *parent, struct device *self, void *aux)
{
	struct tnet_dev *sc = (struct tnet_dev *)self;
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	uint8_t enaddr[ETHER_ADDR_LEN] = { 0x02, 't', 'n', 'e', 't', 0 };
	int i;

	sc->opts = *(struct tnet_opts *)aux;
	enaddr[5] = (uint8_t)sc->sc_dev.dv_unit;
	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, sc->sc_dev.dv_xname, IFNAMSIZ);
	ifp->if_flags = IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
	ifp->if_init = tnet_init;
	ifp->if_stop = tnet_stop;
	ifp->if_start = tnet_start;
	ifp->if_ioctl = tnet_ioctl;
	IFQ_SET_READY(&ifp->if_snd);
	if_attach(ifp);
	ether_ifattach(ifp, enaddr);

	for (i = 0; i < sc->opts.leak; i++)
		m_gethdr(M_DONTWAIT, MT_DATA);           /* never freed: a leak owned by us */
	callout_init(&sc->sc_callout);
	if (sc->opts.callout)
		callout_msec(&sc->sc_callout, 100, tnet_tick, sc);
	if (sc->opts.hook)
		sc->sc_hook = shutdownhook_establish(tnet_shutdown, sc);
	/* "intr": an interrupt entry detach never removes (no interrupt_entry_remove);
	 * "intr0": the same, its func not set yet (found only by its place in the softc) */
	if (sc->opts.intr && interrupt_entry_init(&sc->sc_inter, 0, NULL, IRUPT_PRIO_DEFAULT) == EOK) {
		sc->sc_inter.func = sc->opts.intr_nofunc ? NULL : tnet_process_interrupt;
		sc->sc_inter.arg = sc;
	}
	callout_init(&sc->sc_kick);
	if (sc->opts.rxthread) {
		pthread_mutex_init(&sc->sc_rx_mutex, NULL);
		sc->sc_rx_run = 1;
		if (pthread_create(&sc->sc_rx_tid, NULL, tnet_rx_thread, sc) == EOK)
			pthread_setname_np(sc->sc_rx_tid, "tnet rx");
	}
	return EOK;
}

/* The RX thread: takes the ring mutex for a burst of work, then sleeps. */
void *tnet_rx_thread(void *arg)
{
	struct tnet_dev *sc = arg;
	while (sc->sc_rx_run) {
		pthread_mutex_lock(&sc->sc_rx_mutex);
		nanospin_ns(TNET_RX_HOLD_NS);
		pthread_mutex_unlock(&sc->sc_rx_mutex);
		usleep(TNET_RX_PERIOD_US);
	}
	return NULL;
}

/* slowinit with blockop: io-pkt main waits for the "hardware"; the stack is free. */
void tnet_slow_blockop(void *arg)
{
	struct tnet_dev *sc = arg;
	delay((unsigned)sc->opts.slowinit);
	sc->sc_slow_done = 1;
}

/* slowinit: if_init waits once for the "hardware" to come ready. */
static void tnet_slow_wait(struct tnet_dev *sc)
{
	if (sc->sc_slow_done || sc->opts.slowinit <= 0)
		return;
#ifdef TNET_BUG_BUSY_WAIT
	/* BUG (docs/bug-catalog.md, 6): a busy wait in if_init holds the stack context */
	delay((unsigned)sc->opts.slowinit);
#else
	if (sc->opts.blockop) {
		struct bop_dispatch bop;
		memset(&bop, 0, sizeof(bop));
		bop.bop_func = tnet_slow_blockop;
		bop.bop_arg = sc;
		bop.bop_prio = 1;
		blockop_dispatch(&bop);
	} else {
		int ticks = (sc->opts.slowinit * hz + 999) / 1000;
		tsleep(&sc->sc_slow_done, 0, "tnetinit", ticks ? ticks : 1);
	}
#endif
	sc->sc_slow_done = 1;
}

int tnet_detach(struct device *self, int flags)
{
	struct tnet_dev *sc = (struct tnet_dev *)self;
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	callout_stop(&sc->sc_kick);
	sc->sc_rx_run = 0;
	tnet_stop(ifp, 1);
	ether_ifdetach(ifp);
	if_detach(ifp);
	return EOK;
}

int tnet_process_interrupt(void *arg, struct nw_work_thread *wtp)
{
	return 1;
}

int tnet_init(struct ifnet *ifp)
{
	tnet_slow_wait(ifp->if_softc);
	ifp->if_flags |= IFF_RUNNING;
	return EOK;
}

void tnet_stop(struct ifnet *ifp, int disable)
{
	ifp->if_flags &= ~IFF_RUNNING;
}

void tnet_start(struct ifnet *ifp)
{
	struct tnet_dev *sc = ifp->if_softc;
	struct mbuf *m;
	if (sc->opts.rxthread) {
#ifdef TNET_BUG_START_LOCK
		/* BUG (docs/bug-catalog.md, 6): waits for the RX thread in the stack context */
		pthread_mutex_lock(&sc->sc_rx_mutex);
#else
		if (pthread_mutex_trylock(&sc->sc_rx_mutex) != EOK) {
			/* the RX thread has the ring: leave the frames queued, retry later */
			ifp->if_flags_tx |= IFF_OACTIVE;
			callout_msec(&sc->sc_kick, TNET_KICK_MS, tnet_kick, sc);
			NW_SIGUNLOCK(&ifp->if_snd_ex, iopkt_selfp);
			return;
		}
#endif
		ifp->if_flags_tx &= ~IFF_OACTIVE;
	}
	for (;;) {
		IFQ_DEQUEUE(&ifp->if_snd, m);
		if (!m)
			break;
		ifp->if_opackets++;
		m_freem(m);
	}
	if (sc->opts.rxthread)
		pthread_mutex_unlock(&sc->sc_rx_mutex);
	NW_SIGUNLOCK(&ifp->if_snd_ex, iopkt_selfp);
}

/* Callout: retry a transmission the RX mutex held up (entered with the TX mutex). */
void tnet_kick(void *arg)
{
	struct tnet_dev *sc = arg;
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	NW_SIGLOCK(&ifp->if_snd_ex, iopkt_selfp);
	tnet_start(ifp);
}

int tnet_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data)
{
	int error = ether_ioctl(ifp, cmd, data);
	return error == ENETRESET ? 0 : error;
}

void tnet_tick(void *arg)
{
	tnet_ticks++;
}

void tnet_shutdown(void *arg)
{
}
