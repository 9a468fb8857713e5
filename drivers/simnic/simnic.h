/*
 * drivers/simnic/simnic.h — private header of devnp-simnic.so, the io-pkt driver for
 * simnic, pktsim's simulated descriptor-ring Ethernet controller (<hw/simnic.h> is its
 * datasheet). The driver is a sample: it shows the life cycle of a DMA NIC driver the
 * way the io-pkt driver documents recommend it, on top of the structure of the
 * hardware-independent reference driver (drivers/sam/sam.c).
 *
 * Files:
 *   simnic.c     mount (options, PCI scan), attach, detach, ioctl, shutdown hook
 *   init.c       if_init (reentrant: audits the hardware), if_stop, chip reset
 *   transmit.c   if_start, TX harvest (only DD descriptors), TX kick callout
 *   receive.c    ISR, process_interrupt, enable_interrupt, RX ring refill
 *   mii.c        link monitor callout, link changes, stale-queue purge, media
 *
 * Locking, in one place:
 *   - the TX mutex (ifp->if_snd_ex, NW_SIGLOCK) guards if_snd, if_flags_tx, the TX ring
 *     and the link state the driver reports (sc_link*, so that one path reports a change);
 *   - sc_rx_mutex guards the RX ring: process_interrupt (a worker) and if_stop (the
 *     stack) can run at the same time on two io-pkt threads;
 *   - everything else is touched only in the stack context (attach, init, stop, ioctl,
 *     detach, callouts).
 */
#ifndef SIMNIC_PRIV_H
#define SIMNIC_PRIV_H

#include <io-pkt/iopkt_driver.h>
#include <sys/io-pkt.h>
#include <sys/neutrino.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <device_qnx.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/if_media.h>
#include <hw/nicinfo.h>
#include <hw/simnic.h>
#include <hw/pci.h>
#include <hw/inout.h>
#include <sys/mman.h>
#include <time.h>
#include <pthread.h>
#include <stdint.h>

/* Descriptors are little-endian and written as plain fields: this driver is built for
 * little-endian hosts only (a big-endian port would wrap every field in ENDIAN_LE*). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "simnic: little-endian hosts only");

/* ------------------------------------------------------------ tunables */

#define SIMNIC_TXDESC_DEFAULT	256	/* "txdesc=": power of two, 8..4096 */
#define SIMNIC_RXDESC_DEFAULT	256	/* "rxdesc=" */
#define SIMNIC_DESC_MIN		8
#define SIMNIC_DESC_MAX		4096
#define SIMNIC_RXBUF		MCLBYTES	/* one cluster per RX descriptor */
#define SIMNIC_TX_MAXSEGS	8	/* descriptors one frame may use before we defragment */
#define SIMNIC_RX_BUDGET	64	/* descriptors per process_interrupt call (then 0) */
#define SIMNIC_MII_MS		1000	/* link monitor period */
#define SIMNIC_KICK_MS		2	/* TX retry after running out of descriptors */
#define SIMNIC_STALE_DEFAULT	5000	/* "stale=MS": purge if_snd after the link is down so long */
#define SIMNIC_TXHANG_RUNS	3	/* monitor periods without TX progress: reset the chip */
#define SIMNIC_RESET_TRIES	10	/* reads of STATUS.RSTDONE before giving up on a reset */

/* The causes we service; everything else stays masked. */
#define SIMNIC_INTRS	(SIMNIC_INT_TXDW | SIMNIC_INT_RXDW | SIMNIC_INT_LSC | \
			 SIMNIC_INT_RXO | SIMNIC_INT_TXERR | SIMNIC_INT_DMAERR)

/*
 * Deliberate mistakes, for the bug catalog only (drivers/buggy/stale-*: variant.cmake
 * builds these sources with one of them defined; docs/bug-catalog.md section 5). A
 * correct build defines none.
 */
#ifdef SIMNIC_BUG_NEXT_PACKET		/* link down: IFF_OACTIVE cleared, no restart on up */
#define SIMNIC_BUG_NO_LINK_RESTART	1
#else
#define SIMNIC_BUG_NEXT_PACKET		0
#endif
#ifndef SIMNIC_BUG_NO_LINK_RESTART	/* transmission restarts on TX completion only */
#define SIMNIC_BUG_NO_LINK_RESTART	0
#endif
#ifndef SIMNIC_BUG_NO_PURGE		/* frames queued while the link is down never purged */
#define SIMNIC_BUG_NO_PURGE		0
#endif
#ifndef SIMNIC_BUG_KICK_ARMED		/* if_stop leaves the TX kick callout armed */
#define SIMNIC_BUG_KICK_ARMED		0
#endif
#ifndef SIMNIC_BUG_NO_PROMISC		/* IFF_PROMISC never programmed (CTRL.PROMISC) */
#define SIMNIC_BUG_NO_PROMISC		0
#endif

/* ------------------------------------------------------------ state */

/* Driver options, parsed once per mount (simnic_entry). */
struct simnic_opts {
	int	pci;		/* "pci=N": only the Nth simnic on the bus; -1: all */
	int	txdesc, rxdesc;
	int	stale_ms;	/* "stale=MS": 0 disables the purge */
	int	verbose;	/* "verbose" or "verbose=N" */
};

/* What one mount shares between its devices (see sam.c: the DLL handle rule). */
struct simnic_mount {
	int		ndevs;
	int		pci_hdl;	/* pci_attach(): given back with the last device */
};

/* What simnic_entry hands to simnic_attach for one device found on the bus. */
struct simnic_attach_args {
	struct simnic_mount	*mnt;
	struct simnic_opts	*opts;
	void			*pci_dev;	/* pci_attach_device() handle */
	struct pci_dev_info	*info;
	int			pci_index;
};

/* Per TX descriptor, the driver's own bookkeeping (the hardware never sees it). */
struct simnic_txsoft {
	struct mbuf	*m;		/* the frame, on its FIRST descriptor; NULL elsewhere */
	int		eop;		/* on the first descriptor: index of the frame's last */
};

struct simnic_dev {
	struct device		sc_dev;		/* common device: must come first */
	struct ethercom		sc_ec;		/* common ethernet, holds the ifnet */
	struct _iopkt_self	*sc_iopkt;
	struct simnic_mount	*sc_mount;
	nic_config_t		sc_cfg;		/* what nicinfo would show */
	struct simnic_opts	sc_opts;

	/* the PCI function */
	void			*sc_pci_dev;
	uintptr_t		sc_regs;	/* BAR 0, mmap_device_io() */
	int			sc_irq;
	int			sc_iid;		/* InterruptAttach_r() id, -1: none */
	struct _iopkt_inter	sc_inter;
	volatile uint32_t	sc_ims;		/* causes enable_interrupt re-enables; 0 stopped */

	/* TX ring: [sc_tx_cons, sc_tx_prod) belongs to the NIC (TX mutex) */
	volatile struct simnic_tx_desc *sc_txd;
	off64_t			sc_txd_phys;
	size_t			sc_txd_size;
	struct simnic_txsoft	*sc_txsoft;
	int			sc_ntxd;
	int			sc_tx_prod, sc_tx_cons, sc_tx_free;
	int			sc_tx_stalled;	/* we left IFF_OACTIVE set: we must restart */
	uint64_t		sc_tx_done;	/* frames harvested, for the hang watchdog */
	uint64_t		sc_tx_done_seen;
	int			sc_tx_hang_runs;

	/* RX ring: every descriptor holds a cluster; sc_rx_next is the next to look at */
	pthread_mutex_t		sc_rx_mutex;
	volatile struct simnic_rx_desc *sc_rxd;
	off64_t			sc_rxd_phys;
	size_t			sc_rxd_size;
	struct mbuf		**sc_rxmbuf;
	int			sc_nrxd;
	int			sc_rx_next;
	int			sc_rx_filled;	/* clusters are in the ring */
	struct mbuf		*sc_rx_head, *sc_rx_tail;	/* a frame spanning descriptors */
	int			sc_rx_drop;	/* dropping a frame until its EOP */

	/* what init last programmed (a reset clears it: init programs it again) */
	int			sc_hw_rings;	/* ring registers programmed since the reset */
	uint8_t			sc_hwaddr[ETHER_ADDR_LEN];
	uint32_t		sc_ctrl;	/* last value written to CTRL */
	int			sc_maxframe;	/* longest frame accepted: MTU + headers */

	/* link, as last reported to io-pkt (TX mutex) */
	int			sc_link;	/* LINK_STATE_* */
	int			sc_speed;	/* Mbit/s */
	int			sc_duplex;	/* 1 full */
	struct timespec		sc_down_since;	/* when the link went down (stale purge) */

	/* periodic work */
	struct callout		sc_mii_callout;
	volatile int		sc_mii_run;	/* 0: the monitor must not re-arm */
	struct callout		sc_kick_callout;	/* TX retry */

	/* hardware statistics last read (the registers are cumulative since reset) */
	uint32_t		sc_hw_txdrop, sc_hw_mpc, sc_hw_crcerrs;

	struct ifmedia		sc_media;
	void			*sc_sdhook;
	volatile int		sc_dying;	/* the shutdown hook ran: never restart the chip */
};

/* Register access: every access costs the hardware's time (docs/simnic.md). */
#define SN_READ(sc, reg)	in32((sc)->sc_regs + (reg))
#define SN_WRITE(sc, reg, v)	out32((sc)->sc_regs + (reg), (v))

#define SN_IFP(sc)		(&(sc)->sc_ec.ec_if)
#define SN_VERBOSE(sc, n)	((sc)->sc_opts.verbose >= (n))

/* ------------------------------------------------------------ entry points */

/* Global, not static, so that io-pkt's tools (and pktsim's reports) can name them. */
int	simnic_entry(void *, struct _iopkt_self *, char *);
int	simnic_attach(struct device *, struct device *, void *);
int	simnic_detach(struct device *, int);
int	simnic_init(struct ifnet *);
void	simnic_stop(struct ifnet *, int);
void	simnic_start(struct ifnet *);
int	simnic_ioctl(struct ifnet *, unsigned long, caddr_t);
const struct sigevent *simnic_isr(void *, int);
int	simnic_process_interrupt(void *, struct nw_work_thread *);
int	simnic_enable_interrupt(void *);
void	simnic_mii_monitor(void *);
void	simnic_kick_tx(void *);
void	simnic_shutdown(void *);
int	simnic_media_change(struct ifnet *);
void	simnic_media_status(struct ifnet *, struct ifmediareq *);

/* ------------------------------------------------------------ between the files */

/* init.c */
int	simnic_reset(struct simnic_dev *, int may_sleep);

/* transmit.c (TX mutex held) */
void	simnic_txeof(struct simnic_dev *);
void	simnic_tx_drain(struct simnic_dev *);

/* receive.c */
int	simnic_rx_fill(struct simnic_dev *);
void	simnic_rx_drain(struct simnic_dev *);
void	simnic_rx_reset(struct simnic_dev *);

/* mii.c */
void	simnic_link_update(struct simnic_dev *, struct nw_work_thread *);
void	simnic_media_attach(struct simnic_dev *);
void	simnic_hwstats(struct simnic_dev *);

/* DMA-able memory for the rings and its bus address (simnic.c). */
void	*simnic_dma_alloc(size_t size, off64_t *phys);
void	simnic_dma_free(void *p, size_t size);
/* The bus address of len bytes of mbuf data at p (simnic.c). */
uint64_t simnic_busaddr(const void *p, size_t len);

#endif /* SIMNIC_PRIV_H */
