/*
 * tests/model/nic_fixture.h — a tiny simnic "driver" for the NIC model's tests: it finds a
 * unit on the PCI bus, maps its registers, allocates rings and buffers as DMA memory
 * (mmap MAP_PHYS), attaches an ISR that logs every interrupt, and sends and receives frames,
 * all from a scenario thread with in32/out32 as a real driver does. Results are logged in
 * the td structure and checked after the run (never inside a simulated thread).
 */
#ifndef PKTSIM_NIC_FIXTURE_H
#define PKTSIM_NIC_FIXTURE_H

#include "core_fixture.h"
#include "nic_int.h"

#include <hw/inout.h>
#include <hw/pci.h>
#include <hw/simnic.h>
#include <sys/mman.h>

#define TD_BUF 2048
#define TD_IRQS 512

#define ISR_READ_ICR 1   /* the ISR reads (and so clears) ICR */
#define ISR_MASK 2       /* the ISR masks every cause (IMC) */

struct td {
	int unit;
	void *pdev;
	struct pci_dev_info info;
	uintptr_t regs;
	int ntx, nrx;
	volatile struct simnic_tx_desc *txd;
	volatile struct simnic_rx_desc *rxd;
	uint8_t *txbuf, *rxbuf;      /* ntx / nrx buffers of TD_BUF in DMA memory */
	size_t txlen, rxlen;
	uint32_t tx_prod, tx_cons, rx_next;
	int iid;
	int isr_mode;
	int nirq;
	sim_ns irq_t[TD_IRQS];
	uint32_t irq_icr[TD_IRQS];
	int rx_frames;               /* frames taken by td_rx_poll */
};

FIXTURE uint32_t td_r(struct td *td, uint32_t reg) { return in32(td->regs + reg); }
FIXTURE void td_w(struct td *td, uint32_t reg, uint32_t v) { out32(td->regs + reg, v); }

/* A world of 1 CPU with io-pkt (trace: a file or NULL). */
FIXTURE void nic_world(const char *trace)
{
	setup_iopkt_traced(1, 1, 0, trace);
}

/* A unit with the defaults, changed by the optional hook. */
FIXTURE int nic_add(int speed, sim_ns dma_latency)
{
	struct model_nic_config c;
	char err[256] = "";
	int n;
	model_nic_config_defaults(&c);
	if (speed)
		c.speed_mbps = speed;
	if (dma_latency >= 0)
		c.dma_latency_ns = dma_latency;
	n = model_nic_create(&c, err, sizeof(err));
	ck_assert_msg(n >= 0, "%s", err);
	return n;
}

/* A sink peer (sends nothing). */
FIXTURE void nic_sink(int unit)
{
	struct model_traffic t = { 0 };
	char err[256] = "";
	ck_assert_msg(model_wire_peer(unit, &t, err, sizeof(err)) == 0, "%s", err);
}

static const struct sigevent *td_isr(void *area, int id)
{
	struct td *td = area;
	uint32_t icr = 0;
	if (td->isr_mode & ISR_READ_ICR)
		icr = in32(td->regs + SIMNIC_ICR);
	if (td->isr_mode & ISR_MASK)
		out32(td->regs + SIMNIC_IMC, 0xffffffffu);
	if (td->nirq < TD_IRQS) {
		td->irq_t[td->nirq] = sim_now(W);
		td->irq_icr[td->nirq] = icr;
	}
	td->nirq++;
	return NULL;
}

FIXTURE void *dma_mem(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_NOCACHE,
	               MAP_SHARED | MAP_ANON | MAP_PHYS, NOFD, 0);
	return p == MAP_FAILED ? NULL : p;
}

FIXTURE uint64_t busaddr(const void *p)
{
	off64_t off = 0;
	mem_offset64(p, NOFD, 1, &off, NULL);
	return (uint64_t)off;
}

/* Find unit `unit`, map it, reset it, set up rings of ntx/nrx (0: none) and attach the
 * ISR. Returns 0 or a step number that failed. */
FIXTURE int td_open(struct td *td, int unit, int ntx, int nrx, int isr_mode)
{
	memset(td, 0, sizeof(*td));
	td->unit = unit;
	td->ntx = ntx;
	td->nrx = nrx;
	td->isr_mode = isr_mode;
	td->info.VendorId = SIMNIC_VENDOR_ID;
	td->info.DeviceId = SIMNIC_DEVICE_ID;
	td->pdev = pci_attach_device(NULL, PCI_SEARCH_VENDEV | PCI_INIT_ALL | PCI_MASTER_ENABLE,
	                             (uint16_t)unit, &td->info);
	if (!td->pdev)
		return 1;
	td->regs = mmap_device_io(SIMNIC_BAR_SIZE, PCI_MEM_ADDR(td->info.CpuBaseAddress[0]));
	if (td->regs == MAP_DEVICE_FAILED)
		return 2;
	td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_RST);
	if (!(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_RSTDONE))
		return 3;
	if (ntx) {
		td->txd = dma_mem(sizeof(struct simnic_tx_desc) * (size_t)ntx);
		td->txlen = (size_t)ntx * TD_BUF;
		td->txbuf = dma_mem(td->txlen);
		if (!td->txd || !td->txbuf)
			return 4;
		td_w(td, SIMNIC_TDBAL, (uint32_t)busaddr((const void *)td->txd));
		td_w(td, SIMNIC_TDBAH, (uint32_t)(busaddr((const void *)td->txd) >> 32));
		td_w(td, SIMNIC_TDLEN, (uint32_t)ntx);
	}
	if (nrx) {
		td->rxd = dma_mem(sizeof(struct simnic_rx_desc) * (size_t)nrx);
		td->rxlen = (size_t)nrx * TD_BUF;
		td->rxbuf = dma_mem(td->rxlen);
		if (!td->rxd || !td->rxbuf)
			return 5;
		td_w(td, SIMNIC_RDBAL, (uint32_t)busaddr((const void *)td->rxd));
		td_w(td, SIMNIC_RDBAH, (uint32_t)(busaddr((const void *)td->rxd) >> 32));
		td_w(td, SIMNIC_RDLEN, (uint32_t)nrx);
		td_w(td, SIMNIC_RXBUFSZ, TD_BUF);
	}
	td->iid = InterruptAttach_r((int)td->info.Irq, td_isr, td, sizeof(*td), 0);
	return td->iid > 0 ? 0 : 6;
}

/* Give the NIC every RX descriptor but one (buffers from the DMA memory). */
FIXTURE void td_rx_fill(struct td *td)
{
	for (int i = 0; i < td->nrx; i++) {
		td->rxd[i].addr = busaddr(td->rxbuf + (size_t)i * TD_BUF);
		td->rxd[i].status = 0;
	}
	td_w(td, SIMNIC_RDT, (uint32_t)(td->nrx - 1));
}

FIXTURE void td_enable(struct td *td, uint32_t ims)
{
	td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_TXEN | SIMNIC_CTRL_RXEN);
	if (ims)
		td_w(td, SIMNIC_IMS, ims);
}

/* Queue one frame (no doorbell): bytes from data, or a peer-format frame if data is NULL. */
FIXTURE uint32_t td_queue(struct td *td, const uint8_t *data, uint32_t len, uint8_t cmd,
                          uint32_t stream, uint64_t seq)
{
	uint32_t d = td->tx_prod;
	uint8_t *buf = td->txbuf + (size_t)d * TD_BUF;
	static const uint8_t dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t src[6] = { 0x02, 0x50, 0x53, 0x00, 0x00, 0x77 };
	if (data)
		memcpy(buf, data, len);
	else
		nic_frame_fill(buf, len, dst, src, stream, seq);
	td->txd[d].addr = busaddr(buf);
	td->txd[d].len = (uint16_t)len;
	td->txd[d].cmd = cmd;
	td->txd[d].status = 0;
	td->tx_prod = (d + 1) % (uint32_t)td->ntx;
	return d;
}

FIXTURE void td_kick(struct td *td)
{
	td_w(td, SIMNIC_TDT, td->tx_prod);
}

/* Take every received frame (DD), hand its descriptor back; fn (may be NULL) sees each. */
FIXTURE int td_rx_poll(struct td *td, void (*fn)(struct td *, const uint8_t *, uint32_t, uint8_t))
{
	int n = 0;
	while (td->rxd[td->rx_next].status & SIMNIC_RXD_STA_DD) {
		uint32_t d = td->rx_next;
		if (fn)
			fn(td, td->rxbuf + (size_t)d * TD_BUF, td->rxd[d].len, td->rxd[d].errors);
		td->rxd[d].status = 0;
		td->rx_next = (d + 1) % (uint32_t)td->nrx;
		n++;
	}
	if (n)
		td_w(td, SIMNIC_RDT, (td->rx_next + (uint32_t)td->nrx - 1) % (uint32_t)td->nrx);
	td->rx_frames += n;
	return n;
}

FIXTURE struct model_nic_stats nstats(int unit)
{
	struct model_nic_stats s;
	model_nic_stats(unit, &s);
	return s;
}

/* Wire time of a frame of len bytes at mbps, ns (one frame alone). */
FIXTURE sim_ns slot_ns(uint32_t len, int mbps)
{
	uint64_t bits = (uint64_t)((len < 60 ? 60 : len) + 24) * 8;
	return (sim_ns)((bits * 1000 + (uint64_t)mbps - 1) / (uint64_t)mbps);
}

#endif
