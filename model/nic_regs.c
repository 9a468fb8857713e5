/*
 * model/nic_regs.c — simnic's register file, and the in8..out32 calls drivers reach it
 * with (<hw/inout.h>).
 *
 * An access decodes its address to a unit's BAR 0 (NIC_BAR_BASE + unit * NIC_BAR_STRIDE,
 * SIMNIC_BAR_SIZE bytes) and must come after mmap_device_io of that BAR. It brings the unit
 * up to now (nic_sync) and takes effect at the start of the access; then the calling thread
 * spends the access's cost (cfg.reg_read_ns / reg_write_ns) on its CPU. In the kernel
 * context (an ISR, a timer) time cannot pass: the cost is only written in the trace.
 * Trace: every write ("nic_reg", doorbells as "nic_doorbell"), ICR reads, and every access
 * from the kernel context with the cost it would have had.
 */
#include "nic_int.h"

#include <hw/inout.h>
#include <stdio.h>
#include <string.h>

struct nic *nic_by_addr(uintptr_t a)
{
	uint64_t off;
	if (a < NIC_BAR_BASE)
		return NULL;
	off = (uint64_t)a - NIC_BAR_BASE;
	if (off / NIC_BAR_STRIDE >= (uint64_t)nic_g.n || off % NIC_BAR_STRIDE >= SIMNIC_BAR_SIZE)
		return NULL;
	return nic_g.units[off / NIC_BAR_STRIDE];
}

const char *nic_reg_name(uint32_t off)
{
	switch (off) {
	case SIMNIC_CTRL: return "CTRL";
	case SIMNIC_STATUS: return "STATUS";
	case SIMNIC_ICR: return "ICR";
	case SIMNIC_IMS: return "IMS";
	case SIMNIC_IMC: return "IMC";
	case SIMNIC_ITR: return "ITR";
	case SIMNIC_MAC_LO: return "MAC_LO";
	case SIMNIC_MAC_HI: return "MAC_HI";
	case SIMNIC_TDBAL: return "TDBAL";
	case SIMNIC_TDBAH: return "TDBAH";
	case SIMNIC_TDLEN: return "TDLEN";
	case SIMNIC_TDH: return "TDH";
	case SIMNIC_TDT: return "TDT";
	case SIMNIC_RDBAL: return "RDBAL";
	case SIMNIC_RDBAH: return "RDBAH";
	case SIMNIC_RDLEN: return "RDLEN";
	case SIMNIC_RDH: return "RDH";
	case SIMNIC_RDT: return "RDT";
	case SIMNIC_RXBUFSZ: return "RXBUFSZ";
	case SIMNIC_MDIC: return "MDIC";
	case SIMNIC_GPTC: return "GPTC";
	case SIMNIC_GPRC: return "GPRC";
	case SIMNIC_GOTC: return "GOTC";
	case SIMNIC_GORC: return "GORC";
	case SIMNIC_MPC: return "MPC";
	case SIMNIC_CRCERRS: return "CRCERRS";
	case SIMNIC_TXDROP: return "TXDROP";
	default: return "reserved";
	}
}

/* ------------------------------------------------------------ reset */

static void ring_clear(struct nic_ring *r)
{
	r->bal = r->bah = r->len = 0;
	r->head = r->tail = 0;
	r->ok = 0;
	r->host = 0;
	r->mem = NULL;
	r->mem_id = 0;
}

void nic_reset(struct nic *u, const char *why)
{
	nic_tx_forget(u);
	nic_rx_forget(u);
	u->ctrl = 0;
	u->icr = u->ims = u->itr = 0;
	u->asserted = 0;
	u->itr_count = 0;
	u->itr_first = NIC_FOREVER;
	u->mac_lo = (uint32_t)u->cfg.mac[0] | (uint32_t)u->cfg.mac[1] << 8 |
	            (uint32_t)u->cfg.mac[2] << 16 | (uint32_t)u->cfg.mac[3] << 24;
	u->mac_hi = (uint32_t)u->cfg.mac[4] | (uint32_t)u->cfg.mac[5] << 8;
	u->mdic = 0;
	u->mdic_ready = 0;
	u->gptc = u->gprc = u->gotc = u->gorc = u->mpc = u->crcerrs = u->txdrop = 0;
	ring_clear(&u->tx.r);
	ring_clear(&u->rx.r);
	u->tx.sched = 0;
	u->tx.hang = 0;
	u->rx.bufsz = NIC_RXBUF_RESET;
	sim_emit(nic_g.w, nic_g.k.reset, (int64_t)u->unit, why);
}

/* ------------------------------------------------------------ reads */

static uint32_t status(struct nic *u)
{
	uint32_t s = SIMNIC_STATUS_RSTDONE;
	uint32_t sp = u->speed_mbps == 10 ? SIMNIC_SPEED_10 : u->speed_mbps == 100 ? SIMNIC_SPEED_100
	            : u->speed_mbps == 1000 ? SIMNIC_SPEED_1000 : SIMNIC_SPEED_10000;
	if (u->link_up)
		s |= SIMNIC_STATUS_LU;
	s |= sp << SIMNIC_STATUS_SPEED_SHIFT;
	if (u->full_duplex)
		s |= SIMNIC_STATUS_FD;
	if (u->tx.fn || (u->tx.sched != u->tx.r.tail && (u->ctrl & SIMNIC_CTRL_TXEN)) ||
	    (u->tx.hang && u->tx.r.head != u->tx.r.tail))
		s |= SIMNIC_STATUS_TXACT;
	return s;
}

/* The value a register holds, without side effects. */
static uint32_t peek(struct nic *u, uint32_t off)
{
	switch (off) {
	case SIMNIC_CTRL: return u->ctrl;
	case SIMNIC_STATUS: return status(u);
	case SIMNIC_ICR: return u->icr;
	case SIMNIC_IMS: return u->ims;
	case SIMNIC_ITR: return u->itr;
	case SIMNIC_MAC_LO: return u->mac_lo;
	case SIMNIC_MAC_HI: return u->mac_hi;
	case SIMNIC_TDBAL: return u->tx.r.bal;
	case SIMNIC_TDBAH: return u->tx.r.bah;
	case SIMNIC_TDLEN: return u->tx.r.len;
	case SIMNIC_TDH: return u->tx.r.head;
	case SIMNIC_TDT: return u->tx.r.tail;
	case SIMNIC_RDBAL: return u->rx.r.bal;
	case SIMNIC_RDBAH: return u->rx.r.bah;
	case SIMNIC_RDLEN: return u->rx.r.len;
	case SIMNIC_RDH: return u->rx.r.head;
	case SIMNIC_RDT: return u->rx.r.tail;
	case SIMNIC_RXBUFSZ: return u->rx.bufsz;
	case SIMNIC_MDIC:
		return nic_now() >= u->mdic_ready
		           ? u->mdic
		           : u->mdic & ~(SIMNIC_MDIC_READY | SIMNIC_MDIC_ERROR | SIMNIC_MDIC_DATA_MASK);
	case SIMNIC_GPTC: return u->gptc;
	case SIMNIC_GPRC: return u->gprc;
	case SIMNIC_GOTC: return u->gotc;
	case SIMNIC_GORC: return u->gorc;
	case SIMNIC_MPC: return u->mpc;
	case SIMNIC_CRCERRS: return u->crcerrs;
	case SIMNIC_TXDROP: return u->txdrop;
	default: return 0;
	}
}

uint32_t nic_reg_read(struct nic *u, uint32_t off)
{
	uint32_t v;
	nic_sync(u);
	v = peek(u, off);
	if (off == SIMNIC_ICR) {  /* read clears: the interrupt is acknowledged */
		u->icr = 0;
		u->itr_count = 0;
		u->itr_first = NIC_FOREVER;
		nic_settle(u);
	}
	return v;
}

/* ------------------------------------------------------------ writes */

static void ctrl_write(struct nic *u, uint32_t v)
{
	uint32_t old = u->ctrl;
	if (v & SIMNIC_CTRL_RST) {
		char why[240];
		u->resets++;
		if (model_net_init_needless(why, sizeof(why)))
			model_breach("needless-reset", "simnic%d reset by CTRL.RST in an if_init that "
			             "has nothing to change (%s): the reset drops the frames in the "
			             "rings and renegotiates the link; if_init must audit the chip and "
			             "change only what differs", u->unit, why);
		nic_reset(u, "CTRL.RST");
		return;
	}
	u->ctrl = v & (SIMNIC_CTRL_TXEN | SIMNIC_CTRL_RXEN | SIMNIC_CTRL_PROMISC |
	               SIMNIC_CTRL_ALLMULTI);
	if ((old & SIMNIC_CTRL_TXEN) && !(u->ctrl & SIMNIC_CTRL_TXEN))
		nic_tx_unschedule(u, 0);
	if (!(old & SIMNIC_CTRL_TXEN) && (u->ctrl & SIMNIC_CTRL_TXEN))
		nic_tx_schedule(u);
}

/* A ring's base or size changed: it starts empty at 0. If the NIC held descriptors the
 * driver pulled the ring from under it: they are dropped and TXERR is raised. */
static void ring_reprogram(struct nic *u, int tx)
{
	struct nic_ring *r = tx ? &u->tx.r : &u->rx.r;
	if (r->head != r->tail || (tx && u->tx.fn)) {
		sim_emit(nic_g.w, nic_g.k.reg, (int64_t)u->unit, tx ? "TX ring reprogrammed" :
		         "RX ring reprogrammed", (int64_t)((r->tail - r->head) & (r->len ? r->len - 1 : 0)),
		         "while the NIC owned descriptors", (int64_t)0);
		nic_cause(u, SIMNIC_INT_TXERR, nic_now());
	}
	if (tx) {
		nic_tx_forget(u);
		u->tx.sched = 0;
	} else {
		nic_rx_forget(u);
	}
	r->head = r->tail = 0;
	r->ok = 0;
}

static void mdic_write(struct nic *u, uint32_t v)
{
	int phy = (int)((v >> SIMNIC_MDIC_PHY_SHIFT) & 31), reg = (int)((v >> SIMNIC_MDIC_REG_SHIFT) & 31);
	int rd = (v & SIMNIC_MDIC_OP_READ) != 0;
	uint32_t base = v & ~(SIMNIC_MDIC_READY | SIMNIC_MDIC_ERROR | SIMNIC_MDIC_DATA_MASK);
	u->mdic_ready = nic_now() + NIC_MDIO_NS;
	if (phy != SIMNIC_PHY_ADDR) {
		u->mdic = base | SIMNIC_MDIC_READY | SIMNIC_MDIC_ERROR;
		sim_emit(nic_g.w, nic_g.k.mdio, (int64_t)u->unit, "no PHY at that address",
		         (int64_t)phy, (int64_t)0);
		return;
	}
	if (rd) {
		uint16_t d = nic_phy_read(u, reg);
		u->mdic = base | SIMNIC_MDIC_READY | d;
		sim_emit(nic_g.w, nic_g.k.mdio, (int64_t)u->unit, "read", (int64_t)reg, (int64_t)d);
	} else {
		nic_phy_write(u, reg, (uint16_t)(v & SIMNIC_MDIC_DATA_MASK));
		u->mdic = base | SIMNIC_MDIC_READY | (v & SIMNIC_MDIC_DATA_MASK);
		sim_emit(nic_g.w, nic_g.k.mdio, (int64_t)u->unit, "write", (int64_t)reg,
		         (int64_t)(v & SIMNIC_MDIC_DATA_MASK));
	}
}

void nic_reg_write(struct nic *u, uint32_t off, uint32_t v)
{
	nic_sync(u);
	switch (off) {
	case SIMNIC_CTRL:
		ctrl_write(u, v);
		break;
	case SIMNIC_ICR:  /* writing 1s clears those causes */
		u->icr &= ~v;
		nic_irq_eval(u, 0);
		break;
	case SIMNIC_IMS: {
		uint32_t was = u->icr & u->ims;
		u->ims |= v & NIC_INT_ALL;
		nic_irq_eval(u, !was && (u->icr & u->ims) && !u->asserted);
		break;
	}
	case SIMNIC_IMC:
		u->ims &= ~v;
		nic_irq_eval(u, 0);
		break;
	case SIMNIC_ITR:
		u->itr = v;
		nic_irq_eval(u, 0);
		break;
	case SIMNIC_MAC_LO:
		u->mac_lo = v;
		break;
	case SIMNIC_MAC_HI:
		u->mac_hi = v & 0xffffu;
		break;
	case SIMNIC_TDBAL:
	case SIMNIC_TDBAH:
	case SIMNIC_TDLEN:
		ring_reprogram(u, 1);
		if (off == SIMNIC_TDBAL)
			u->tx.r.bal = v;
		else if (off == SIMNIC_TDBAH)
			u->tx.r.bah = v;
		else
			u->tx.r.len = v;
		break;
	case SIMNIC_RDBAL:
	case SIMNIC_RDBAH:
	case SIMNIC_RDLEN:
		ring_reprogram(u, 0);
		if (off == SIMNIC_RDBAL)
			u->rx.r.bal = v;
		else if (off == SIMNIC_RDBAH)
			u->rx.r.bah = v;
		else
			u->rx.r.len = v;
		break;
	case SIMNIC_TDT:
		nic_tx_doorbell(u, v);
		break;
	case SIMNIC_RDT:
		nic_rx_doorbell(u, v);
		break;
	case SIMNIC_RXBUFSZ:
		u->rx.bufsz = v;
		break;
	case SIMNIC_MDIC:
		mdic_write(u, v);
		break;
	default:  /* read-only or reserved: ignored */
		break;
	}
	nic_settle(u);
}

/* ------------------------------------------------------------ in / out */

/* The unit and register offset of port, or NULL (reported). */
static struct nic *decode(uintptr_t port, uint32_t *off, const char *op)
{
	struct nic *u = nic_by_addr(port);
	if (!u) {
		model_breach("io-bad-address", "%s of an address no device decodes (not inside the "
		             "BAR of any simnic unit): the register base is what mmap_device_io "
		             "returned for PCI_MEM_ADDR(CpuBaseAddress[0])", op);
		return NULL;
	}
	*off = (uint32_t)((uint64_t)port - u->bar);
	if (!u->maps) {
		model_breach("io-unmapped", "%s of %s register %s (0x%03x): its BAR is not mapped "
		             "(no mmap_device_io, or after munmap_device_io)", op, u->name,
		             nic_reg_name(*off & ~3u), *off);
		return NULL;
	}
	return u;
}

/* Trace an access: every one from the kernel context (with the cost it would have had:
 * no time passes there), and from a thread those that matter (traced: writes, ICR). */
/* What an access costs: the scenario's io:costs{reg_read=, reg_write=} when set (not -1),
 * else the unit's own (io:nic{reg_read=}). */
static sim_ns reg_cost(const struct nic *u, int write)
{
	sim_ns c = model_lat_cost(write ? MODEL_COST_REG_WRITE : MODEL_COST_REG_READ);
	return c >= 0 ? c : write ? u->cfg.reg_write_ns : u->cfg.reg_read_ns;
}

static void trace_access(struct nic *u, uint32_t off, uint32_t v, int write, int traced)
{
	sim_ns cost = reg_cost(u, write);
	int kctx = !sim_thread_self(nic_g.w);
	if (!kctx && !traced)
		return;
	sim_emit(nic_g.w, nic_g.k.reg, (int64_t)u->unit, nic_reg_name(off), (int64_t)v,
	         kctx ? (write ? "write (kernel context: no time)" : "read (kernel context: no time)")
	              : (write ? "write" : "read"),
	         (int64_t)cost);
}

/* The calling thread holds its CPU for the access (nothing in the kernel context); inside
 * a driver call the access is a costing event ("in32 STATUS"). */
static void charge(struct nic *u, int write, const char *op, uint32_t off)
{
	char what[40];
	sim_ns t0;
	if (!sim_thread_self(nic_g.w))
		return;
	t0 = model_lat_mark();
	sim_spend(nic_g.w, reg_cost(u, write));
	if (!model_lat_measuring())
		return;
	{ /* "in32 STATUS", without printf: this runs for every access */
		const char *name = nic_reg_name(off);
		size_t a = strnlen(op, 8), b = strnlen(name, sizeof(what) - a - 2);
		memcpy(what, op, a);
		what[a] = ' ';
		memcpy(what + a + 1, name, b);
		what[a + 1 + b] = 0;
	}
	model_lat_event(what, t0, MODEL_LAT_COST);
}

static uint32_t rd32(uintptr_t port, const char *op)
{
	uint32_t off, v;
	struct nic *u = decode(port, &off, op);
	if (!u)
		return 0xffffffffu;
	off &= ~3u;
	v = nic_reg_read(u, off);
	trace_access(u, off, v, 0, off == SIMNIC_ICR);
	charge(u, 0, op, off);
	return v;
}

/* Write bytes [shift/8, shift/8 + width) of the register holding port. */
static void wr(uintptr_t port, uint32_t val, int width, const char *op)
{
	uint32_t off, v, mask, shift;
	struct nic *u = decode(port, &off, op);
	if (!u)
		return;
	shift = (off & 3u) * 8u;
	off &= ~3u;
	mask = width == 32 ? 0xffffffffu : ((1u << width) - 1u) << shift;
	v = (val << shift) & mask;
	if (width != 32 && off != SIMNIC_ICR && off != SIMNIC_IMS && off != SIMNIC_IMC &&
	    off != SIMNIC_CTRL) {
		nic_sync(u);
		v |= peek(u, off) & ~mask;
	}
	/* doorbells have their own record (nic_doorbell) */
	trace_access(u, off, v, 1, off != SIMNIC_TDT && off != SIMNIC_RDT);
	nic_reg_write(u, off, v);
	charge(u, 1, op, off);
}

uint32_t in32(uintptr_t port) { return rd32(port, "in32"); }
uint16_t in16(uintptr_t port) { return (uint16_t)(rd32(port & ~(uintptr_t)3, "in16") >> ((port & 2) * 8)); }
uint8_t in8(uintptr_t port) { return (uint8_t)(rd32(port & ~(uintptr_t)3, "in8") >> ((port & 3) * 8)); }
void out32(uintptr_t port, uint32_t val) { wr(port, val, 32, "out32"); }
void out16(uintptr_t port, uint16_t val) { wr(port, val, 16, "out16"); }
void out8(uintptr_t port, uint8_t val) { wr(port, val, 8, "out8"); }

void *in8s(void *buff, unsigned len, uintptr_t port)
{
	uint8_t *p = buff;
	while (len--)
		*p++ = in8(port);
	return p;
}

void *in16s(void *buff, unsigned len, uintptr_t port)
{
	uint16_t *p = buff;
	while (len--)
		*p++ = in16(port);
	return p;
}

void *in32s(void *buff, unsigned len, uintptr_t port)
{
	uint32_t *p = buff;
	while (len--)
		*p++ = in32(port);
	return p;
}

void const *out8s(const void *buff, unsigned len, uintptr_t port)
{
	const uint8_t *p = buff;
	while (len--)
		out8(port, *p++);
	return p;
}

void const *out16s(const void *buff, unsigned len, uintptr_t port)
{
	const uint16_t *p = buff;
	while (len--)
		out16(port, *p++);
	return p;
}

void const *out32s(const void *buff, unsigned len, uintptr_t port)
{
	const uint32_t *p = buff;
	while (len--)
		out32(port, *p++);
	return p;
}
