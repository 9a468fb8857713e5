/*
 * simnic.c — devnp-simnic.so: mount, attach, detach, ioctl and the shutdown hook.
 *
 *   simnic_entry      mount: parse the options, find simnic units on the PCI bus,
 *                     dev_attach() one device per unit
 *   simnic_attach     once per device: map the registers, reset the chip, allocate the
 *                     rings (once: init runs many times), callout_init, interrupt entry
 *                     and ISR, if_attach/ether_ifattach, media, shutdown hook
 *   simnic_ioctl      media, multicast; the rest is ether_ioctl's
 *   simnic_detach     "ifconfig simnicN destroy": undo all of attach
 *   simnic_shutdown   io-pkt exits or crashes: stop DMA, mask interrupts, nothing more
 *
 * Driver options (mount -o): "pci=N" (only the Nth simnic unit; default every unit),
 * "txdesc=N", "rxdesc=N" (ring sizes, powers of two 8..4096), "stale=MS" (purge frames
 * queued while the link has been down this long; 0: never), "verbose[=N]"; dev_attach()
 * takes "lan=N"/"unit=N" (one device, that unit) and "name=X".
 */
#include "simnic.h"

#include <hw/inout.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

struct _iopkt_drvr_entry IOPKT_DRVR_ENTRY_SYM(simnic) = IOPKT_DRVR_ENTRY_SYM_INIT(simnic_entry);

CFATTACH_DECL(simnic,
	sizeof(struct simnic_dev),
	NULL,
	simnic_attach,
	simnic_detach,
	NULL);

/* ------------------------------------------------------------------ options */

static int
simnic_ring_size(const char *what, const char *val, int *out)
{
	char *end;
	long n = strtol(val, &end, 0);

	if (*end != '\0' || n < SIMNIC_DESC_MIN || n > SIMNIC_DESC_MAX || (n & (n - 1)) != 0) {
		log(LOG_ERR, "simnic: %s=%s: a power of two %d..%d expected", what, val,
		    SIMNIC_DESC_MIN, SIMNIC_DESC_MAX);
		return EINVAL;
	}
	*out = (int)n;
	return EOK;
}

/*
 * Our own options. dev_attach() handles lan=, unit= and name=, so those are skipped
 * here; anything unknown is refused, as QNX drivers do, rather than silently ignored.
 */
static int
simnic_parse_options(const char *options, struct simnic_opts *o)
{
	char	buf[256], *opt, *val, *save = NULL;
	char	*end;
	int	err = EOK;

	o->pci = -1;
	o->txdesc = SIMNIC_TXDESC_DEFAULT;
	o->rxdesc = SIMNIC_RXDESC_DEFAULT;
	o->stale_ms = SIMNIC_STALE_DEFAULT;
	o->verbose = 0;
	if (options == NULL)
		return EOK;
	if (strlcpy(buf, options, sizeof(buf)) >= sizeof(buf))
		return E2BIG;

	for (opt = strtok_r(buf, ",", &save); opt != NULL && err == EOK;
	    opt = strtok_r(NULL, ",", &save)) {
		if ((val = strchr(opt, '=')) != NULL)
			*val++ = '\0';
		if (!strcmp(opt, "lan") || !strcmp(opt, "unit") || !strcmp(opt, "name")) {
			continue;
		} else if (!strcmp(opt, "pci") && val != NULL) {
			o->pci = (int)strtol(val, &end, 0);
			if (*end != '\0' || o->pci < 0)
				err = EINVAL;
		} else if (!strcmp(opt, "txdesc") && val != NULL) {
			err = simnic_ring_size(opt, val, &o->txdesc);
		} else if (!strcmp(opt, "rxdesc") && val != NULL) {
			err = simnic_ring_size(opt, val, &o->rxdesc);
		} else if (!strcmp(opt, "stale") && val != NULL) {
			o->stale_ms = (int)strtol(val, &end, 0);
			if (*end != '\0' || o->stale_ms < 0)
				err = EINVAL;
		} else if (!strcmp(opt, "verbose")) {
			o->verbose = val != NULL ? atoi(val) : 1;
		} else {
			log(LOG_ERR, "simnic: unknown option \"%s\"", opt);
			err = EINVAL;
		}
	}
	return err;
}

/* -------------------------------------------------------------------- mount */

/*
 * mount -T io-pkt devnp-simnic.so: once per mount, in the stack context. Find our units
 * on the PCI bus by vendor and device id and attach a device for each (or for the one
 * "pci=N" names).
 */
int
simnic_entry(void *dll_hdl, struct _iopkt_self *iopkt, char *options)
{
	struct simnic_opts		opts;
	struct simnic_mount		*mnt;
	struct simnic_attach_args	aa;
	struct pci_dev_info		info;
	struct device			*dev;
	void				*pdev;
	char				devopts[256];
	int				idx, single = 0, err;

	if ((err = simnic_parse_options(options, &opts)) != EOK)
		return err;
	if (options != NULL && strlen(options) >= sizeof(devopts))
		return E2BIG;
	if ((mnt = calloc(1, sizeof(*mnt))) == NULL)
		return ENOMEM;
	if ((mnt->pci_hdl = pci_attach(0)) == -1) {
		err = errno;
		free(mnt);
		return err;
	}

	err = ENODEV;	/* no simnic on the bus */
	for (idx = opts.pci >= 0 ? opts.pci : 0;; idx++) {
		memset(&info, 0, sizeof(info));
		info.VendorId = SIMNIC_VENDOR_ID;
		info.DeviceId = SIMNIC_DEVICE_ID;
		pdev = pci_attach_device(NULL, PCI_SEARCH_VENDEV | PCI_INIT_ALL |
		    PCI_MASTER_ENABLE, idx, &info);
		if (pdev == NULL) {
			if (errno == EBUSY && opts.pci < 0) {
				err = EBUSY;	/* another mount has it: look further */
				continue;
			}
			if (mnt->ndevs == 0) {
				err = errno == EBUSY ? EBUSY : ENODEV;
				if (opts.pci >= 0)
					log(LOG_ERR, "simnic: pci=%d: %s", opts.pci, err == EBUSY ?
					    "unit in use by another driver" : "no such simnic unit");
			}
			break;
		}

		aa.mnt = mnt;
		aa.opts = &opts;
		aa.pci_dev = pdev;
		aa.info = &info;
		aa.pci_index = idx;
		dev = NULL;	/* no parent */
		/* dev_attach() takes lan=/name= out of the string it is given: a fresh copy
		 * for each device, so that the second one is named like the first */
		strlcpy(devopts, options != NULL ? options : "", sizeof(devopts));
		err = dev_attach("simnic", devopts, &simnic_ca, &aa, &single, &dev, NULL);
		if (err != EOK) {
			pci_detach_device(pdev);	/* attach took nothing on failure */
			break;
		}
		/* io-pkt dlclose()s this when the device goes (see simnic_detach) */
		dev->dv_dll_hdl = dll_hdl;
		/* lan=/unit= name exactly one device; so does pci= */
		if (single || opts.pci >= 0)
			break;
	}

	if (mnt->ndevs == 0) {
		pci_detach(mnt->pci_hdl);
		free(mnt);
		return err;
	}
	return EOK;
}

/* ------------------------------------------------------------ DMA memory */

/*
 * Memory the NIC can reach: physically contiguous, uncached, and its bus address. The
 * rings come from here, once per device (attach), never from malloc.
 */
void *
simnic_dma_alloc(size_t size, off64_t *phys)
{
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_NOCACHE,
	    MAP_SHARED | MAP_ANON | MAP_PHYS, NOFD, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mem_offset64(p, NOFD, size, phys, NULL) == -1) {
		munmap(p, size);
		return NULL;
	}
	memset(p, 0, size);
	return p;
}

void
simnic_dma_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size);
}

/* The bus address of mbuf data: the NIC reads TX frames and writes RX frames there. */
uint64_t
simnic_busaddr(const void *p, size_t len)
{
	off64_t phys;

	if (mem_offset64(p, NOFD, len, &phys, NULL) == -1)
		return 0;
	return (uint64_t)phys;
}

/* ----------------------------------------------------------------- attach */

static void
simnic_rings_free(struct simnic_dev *sc)
{
	simnic_dma_free((void *)sc->sc_txd, sc->sc_txd_size);
	simnic_dma_free((void *)sc->sc_rxd, sc->sc_rxd_size);
	free(sc->sc_txsoft);
	free(sc->sc_rxmbuf);
	sc->sc_txd = NULL;
	sc->sc_rxd = NULL;
	sc->sc_txsoft = NULL;
	sc->sc_rxmbuf = NULL;
}

/* The descriptor rings and their bookkeeping: allocated here, once, for the life of
 * the device. init only (re)programs their addresses into the chip. */
static int
simnic_rings_alloc(struct simnic_dev *sc)
{
	sc->sc_ntxd = sc->sc_opts.txdesc;
	sc->sc_nrxd = sc->sc_opts.rxdesc;
	sc->sc_txd_size = sc->sc_ntxd * sizeof(struct simnic_tx_desc);
	sc->sc_rxd_size = sc->sc_nrxd * sizeof(struct simnic_rx_desc);

	sc->sc_txd = simnic_dma_alloc(sc->sc_txd_size, &sc->sc_txd_phys);
	sc->sc_rxd = simnic_dma_alloc(sc->sc_rxd_size, &sc->sc_rxd_phys);
	sc->sc_txsoft = calloc(sc->sc_ntxd, sizeof(*sc->sc_txsoft));
	sc->sc_rxmbuf = calloc(sc->sc_nrxd, sizeof(*sc->sc_rxmbuf));
	if (sc->sc_txd == NULL || sc->sc_rxd == NULL || sc->sc_txsoft == NULL ||
	    sc->sc_rxmbuf == NULL) {
		simnic_rings_free(sc);
		return ENOMEM;
	}
	/* one descriptor always stays with the driver: TDH == TDT means "empty" */
	sc->sc_tx_free = sc->sc_ntxd - 1;
	return EOK;
}

/*
 * Once per device, in the stack context: claim the hardware and the memory the device
 * needs and hook it into io-pkt. Nothing here enables the hardware: init does, and
 * init runs many times while this runs once (seed 002: attach vs if_init).
 */
int
simnic_attach(struct device *parent, struct device *self, void *aux)
{
	struct simnic_dev		*sc = (struct simnic_dev *)self;
	struct simnic_attach_args	*aa = aux;
	struct ifnet			*ifp = SN_IFP(sc);
	uint8_t				enaddr[ETHER_ADDR_LEN];
	uint32_t			lo, hi;
	int				err;

	/* Count the device first: anything below may yield the stack context (seed 002). */
	sc->sc_mount = aa->mnt;
	sc->sc_mount->ndevs++;
	sc->sc_opts = *aa->opts;
	sc->sc_iopkt = iopkt_selfp;
	sc->sc_iid = -1;
	sc->sc_link = LINK_STATE_UNKNOWN;

	/* nic_config_t: what nicinfo shows */
	sc->sc_cfg.lan = sc->sc_dev.dv_unit;
	sc->sc_cfg.vendor_id = aa->info->VendorId;
	sc->sc_cfg.device_id = aa->info->DeviceId;
	sc->sc_cfg.device_index = aa->pci_index;
	sc->sc_cfg.verbose = sc->sc_opts.verbose;
	sc->sc_cfg.num_irqs = 1;
	sc->sc_cfg.irq[0] = sc->sc_irq = aa->info->Irq;
	sc->sc_cfg.num_mem_windows = 1;
	sc->sc_cfg.mem_window_base[0] = PCI_MEM_ADDR(aa->info->CpuBaseAddress[0]);
	sc->sc_cfg.mem_window_size[0] = SIMNIC_BAR_SIZE;
	sc->sc_cfg.mac_length = ETHER_ADDR_LEN;
	sc->sc_cfg.flags = NIC_FLAG_LINK_DOWN;
	strlcpy(sc->sc_cfg.uptype, "en", sizeof(sc->sc_cfg.uptype));
	strlcpy(sc->sc_cfg.device_description, "pktsim simnic",
	    sizeof(sc->sc_cfg.device_description));

	/* The registers: BAR 0. */
	sc->sc_regs = mmap_device_io(SIMNIC_BAR_SIZE, sc->sc_cfg.mem_window_base[0]);
	if (sc->sc_regs == (uintptr_t)MAP_DEVICE_FAILED) {
		err = errno ? errno : ENOMEM;
		goto fail;
	}

	/* A known state: whatever a previous owner left running is stopped. */
	if ((err = simnic_reset(sc, 1)) != EOK)
		goto fail_regs;

	/* The factory address, loaded from the EEPROM by the reset. */
	lo = SN_READ(sc, SIMNIC_MAC_LO);
	hi = SN_READ(sc, SIMNIC_MAC_HI);
	enaddr[0] = lo & 0xff;
	enaddr[1] = (lo >> 8) & 0xff;
	enaddr[2] = (lo >> 16) & 0xff;
	enaddr[3] = (lo >> 24) & 0xff;
	enaddr[4] = hi & 0xff;
	enaddr[5] = (hi >> 8) & 0xff;
	memcpy(sc->sc_cfg.permanent_address, enaddr, ETHER_ADDR_LEN);
	memcpy(sc->sc_hwaddr, enaddr, ETHER_ADDR_LEN);

	if ((err = simnic_rings_alloc(sc)) != EOK)
		goto fail_regs;
	if ((err = pthread_mutex_init(&sc->sc_rx_mutex, NULL)) != EOK)
		goto fail_rings;

	/* Once only: initialising a pending callout again corrupts the timer list. */
	callout_init(&sc->sc_mii_callout);
	callout_init(&sc->sc_kick_callout);

	/* The interrupt's work runs on an io-pkt worker: register the entry ... */
	sc->sc_inter.func = simnic_process_interrupt;
	sc->sc_inter.enable = simnic_enable_interrupt;
	sc->sc_inter.arg = sc;
	if ((err = interrupt_entry_init(&sc->sc_inter, 0, NULL, IRUPT_PRIO_DEFAULT)) != EOK)
		goto fail_mutex;
	/*
	 * ... and the ISR on our line. The chip's IMS is 0 after the reset, so nothing
	 * fires until init enables the causes; the line stays attached until detach.
	 */
	err = InterruptAttach_r(sc->sc_irq, simnic_isr, sc, sizeof(*sc),
	    _NTO_INTR_FLAGS_TRK_MSK);
	if (err < 0) {
		err = -err;
		goto fail_entry;
	}
	sc->sc_iid = err;

	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, sc->sc_dev.dv_xname, IFNAMSIZ);
	ifp->if_flags = IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
	ifp->if_init = simnic_init;
	ifp->if_stop = simnic_stop;
	ifp->if_start = simnic_start;
	ifp->if_ioctl = simnic_ioctl;
	IFQ_SET_READY(&ifp->if_snd);
	/* RX frames may span descriptors and TX frames segments: jumbo frames work */
	sc->sc_ec.ec_capabilities |= ETHERCAP_JUMBO_MTU | ETHERCAP_VLAN_MTU;

	if_attach(ifp);
	ether_ifattach(ifp, enaddr);
	simnic_media_attach(sc);

	/* A missing hook only loses the quiet stop at exit: not worth failing for. */
	sc->sc_sdhook = shutdownhook_establish(simnic_shutdown, sc);

	/* The device owns its PCI function from now on (entry gives it back on failure). */
	sc->sc_pci_dev = aa->pci_dev;
	if (SN_VERBOSE(sc, 1))
		log(LOG_INFO, "%s: simnic unit %d, irq %d, address %s, %d/%d descriptors",
		    ifp->if_xname, aa->pci_index, sc->sc_irq, ether_sprintf(enaddr),
		    sc->sc_ntxd, sc->sc_nrxd);
	return EOK;

fail_entry:
	interrupt_entry_remove(&sc->sc_inter, NULL);
fail_mutex:
	pthread_mutex_destroy(&sc->sc_rx_mutex);
fail_rings:
	simnic_rings_free(sc);
fail_regs:
	munmap_device_io(sc->sc_regs, SIMNIC_BAR_SIZE);
fail:
	sc->sc_mount->ndevs--;
	return err;
}

/* -------------------------------------------------------------------- ioctl */

/* Multicast or promiscuous changed while running: reprogram the receive filter. The
 * datasheet has no multicast table, so any multicast address means ALLMULTI. */
static void
simnic_set_filter(struct simnic_dev *sc)
{
	struct ifnet	*ifp = SN_IFP(sc);
	uint32_t	ctrl = sc->sc_ctrl & ~(SIMNIC_CTRL_PROMISC | SIMNIC_CTRL_ALLMULTI);

	if ((ifp->if_flags & IFF_PROMISC) && !SIMNIC_BUG_NO_PROMISC)
		ctrl |= SIMNIC_CTRL_PROMISC;
	if (sc->sc_ec.ec_multicnt > 0 || (ifp->if_flags & IFF_ALLMULTI))
		ctrl |= SIMNIC_CTRL_ALLMULTI;
	if (ctrl != sc->sc_ctrl) {
		sc->sc_ctrl = ctrl;
		SN_WRITE(sc, SIMNIC_CTRL, ctrl);
	}
}

int
simnic_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data)
{
	struct simnic_dev	*sc = ifp->if_softc;
	int			error;

	switch (cmd) {
	case SIOCSIFMEDIA:
	case SIOCGIFMEDIA:
		error = ifmedia_ioctl(ifp, (struct ifreq *)data, &sc->sc_media, cmd);
		break;
	default:
		error = ether_ioctl(ifp, cmd, data);
		if (error == ENETRESET) {
			/* the multicast list changed: running, reprogram now; else init will */
			if (ifp->if_flags & IFF_RUNNING)
				simnic_set_filter(sc);
			error = 0;
		}
		break;
	}
	return error;
}

/* ------------------------------------------------------------------- detach */

/*
 * "ifconfig simnicN destroy": the device goes, io-pkt stays. Reset the hardware and give
 * back everything attach and init took (seed 002: detach must leave no leak, so that
 * mount/destroy can loop for ever).
 */
int
simnic_detach(struct device *dev, int flags)
{
	struct simnic_dev	*sc = (struct simnic_dev *)dev;
	struct ifnet		*ifp = SN_IFP(sc);

	/* stops the callouts, resets the chip (no DMA from here on), frees the mbufs */
	simnic_stop(ifp, 1);

	if (sc->sc_iid != -1) {
		InterruptDetach(sc->sc_iid);
		sc->sc_iid = -1;
	}
	interrupt_entry_remove(&sc->sc_inter, NULL);
	ifmedia_delete_instance(&sc->sc_media, IFM_INST_ANY);
	ether_ifdetach(ifp);
	if_detach(ifp);
	if (sc->sc_sdhook != NULL)
		shutdownhook_disestablish(sc->sc_sdhook);

	pthread_mutex_destroy(&sc->sc_rx_mutex);
	simnic_rings_free(sc);
	munmap_device_io(sc->sc_regs, SIMNIC_BAR_SIZE);
	pci_detach_device(sc->sc_pci_dev);
	sc->sc_pci_dev = NULL;

	/*
	 * Last, and nothing after it may yield the stack context: once we stop counting
	 * this device, another detach may unload the DLL. While devices of this mount
	 * remain, give up our handle so the DLL stays loaded.
	 */
	if (--sc->sc_mount->ndevs > 0) {
		sc->sc_dev.dv_dll_hdl = NULL;
	} else {
		pci_detach(sc->sc_mount->pci_hdl);
		free(sc->sc_mount);
	}
	return EOK;
}

/* ----------------------------------------------------------------- shutdown */

/*
 * io-pkt is exiting, perhaps crashing (from its SIGSEGV handler): stop DMA and mask the
 * interrupt, and nothing else. No lock, no m_free, no callout: if memory is corrupt,
 * touching it could fault again and hide the first crash (seeds 002 and 003).
 */
void
simnic_shutdown(void *arg)
{
	struct simnic_dev *sc = arg;

	sc->sc_dying = 1;	/* nothing may start the chip again (init, the watchdog) */
	sc->sc_ims = 0;		/* a late enable_interrupt must not unmask again */
	SN_WRITE(sc, SIMNIC_IMC, 0xffffffffu);
	SN_WRITE(sc, SIMNIC_CTRL, SIMNIC_CTRL_RST);
}
