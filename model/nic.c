/*
 * model/nic.c — simnic units: creation, the engine clock and interrupts.
 *
 * The engine clock. A unit's state is brought up to the current virtual time by
 * nic_sync: transmit completions (nic_tx.c), the far unit's completions (so its frames are
 * on the wire), arrivals (nic_rx.c), then the interrupt output. Afterwards the unit's one
 * checkpoint timer is armed at the earliest time something observable is due:
 *   - an event whose cause is unmasked while no interrupt is asserted (it would raise one),
 *     or, with coalescing (ITR), the event that reaches the count or the time limit;
 *   - the end of a write-back burst: the NIC_WB_BURST-th next completion or arrival that
 *     needs a descriptor, or NIC_WB_DELAY after the first of them (so descriptors polled in
 *     memory are at most a burst or NIC_WB_DELAY late);
 *   - the last frame scheduled (the ring drains).
 * Between checkpoints nothing fires: a ring of frames costs one timer per burst, not one
 * per frame. Register accesses sync first, so software never reads a stale register.
 *
 * Interrupts (docs/simnic.md "Interrupts"). The NIC asserts its IRQ line (model_irq_raise)
 * when (ICR & IMS) becomes non-zero — an edge, like a message-signalled interrupt — and
 * again only after it has returned to zero (ICR read, IMC). With ITR set, coalescable causes
 * (TXDW, RXDW, RXO) wait until ITR.count events or ITR.usec after the first; LSC, TXERR
 * and DMAERR never wait.
 */
#include "nic_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct nic_state nic_g;

struct nic *nic_unit(int n)
{
	return n >= 0 && n < nic_g.n ? nic_g.units[n] : NULL;
}

const char *nic_fmt_ns(sim_ns t, char *buf, size_t n)
{
	return sim_format_ns(t, buf, n);
}

void nic_mac(const struct nic *u, uint8_t mac[6])
{
	mac[0] = (uint8_t)u->mac_lo;
	mac[1] = (uint8_t)(u->mac_lo >> 8);
	mac[2] = (uint8_t)(u->mac_lo >> 16);
	mac[3] = (uint8_t)(u->mac_lo >> 24);
	mac[4] = (uint8_t)u->mac_hi;
	mac[5] = (uint8_t)(u->mac_hi >> 8);
}

sim_ns nic_run_end(sim_ns *bt0, uint64_t *bbits, sim_ns prev_end, sim_ns start, uint64_t bits,
                   int mbps)
{
	if (start != prev_end || *bbits == 0) {  /* a gap: a new back-to-back run */
		*bt0 = start;
		*bbits = 0;
	}
	*bbits += bits;
	return *bt0 + (sim_ns)((*bbits * 1000u + (uint64_t)mbps - 1) / (uint64_t)mbps);
}

/* ------------------------------------------------------------ interrupts */

void nic_cause(struct nic *u, uint32_t cause, sim_ns t)
{
	u->icr |= cause;
	if (!u->asserted && (cause & ~NIC_INT_IMMEDIATE)) {
		u->itr_count++;
		if (t < u->itr_first)
			u->itr_first = t;
	}
}

/* Coalescing allows an interrupt now. */
static int itr_due(struct nic *u, sim_ns now)
{
	uint32_t count = u->itr & SIMNIC_ITR_COUNT_MASK, usec = u->itr >> SIMNIC_ITR_USEC_SHIFT;
	if (!u->itr)
		return 1;
	if (u->itr_first == NIC_FOREVER)
		u->itr_first = now;  /* causes pending without a counted event: time from now */
	if (count && u->itr_count >= count)
		return 1;
	return usec && now >= u->itr_first + (sim_ns)usec * SIM_US;
}

static void irq_raise(struct nic *u, uint32_t pend, int from_ims)
{
	int masked = model_irq_masked(u->irq) > 0;
	u->irqs++;
	if (masked || from_ims)
		u->irqs_held++;
	sim_emit(nic_g.w, nic_g.k.irq, (int64_t)u->unit, (int64_t)pend,
	         masked ? "raise (line masked: held)" : from_ims ? "raise (held by IMS)" : "raise");
	model_irq_raise(u->irq);
}

void nic_irq_eval(struct nic *u, int from_ims)
{
	uint32_t pend = u->icr & u->ims;
	if (!pend) {
		u->asserted = 0;
		return;
	}
	if (u->asserted)
		return;
	if (!(pend & NIC_INT_IMMEDIATE) && !itr_due(u, nic_now()))
		return;
	u->asserted = 1;
	u->itr_count = 0;
	u->itr_first = NIC_FOREVER;
	irq_raise(u, pend, from_ims);
}

/* ------------------------------------------------------------ the checkpoint */

static void cand(sim_ns *next, sim_ns t, sim_ns now)
{
	if (t > now && t < *next)
		*next = t;
}

#define TXF(t, i) (&(t)->f[((t)->fh + (uint32_t)(i)) & (NIC_RING_MAX - 1)])

/* The next time something observable is due (see the top of the file). Only a few
 * completion and arrival times are looked at, by index: no lists are built. */
static sim_ns checkpoint(struct nic *u, sim_ns now)
{
	struct nic_tx *t = &u->tx;
	sim_ns next = NIC_FOREVER, lat = u->cfg.dma_latency_ns, ra0 = NIC_FOREVER;
	uint32_t nt = u->dma_broken ? 0 : t->fn, pend = u->icr & u->ims, avail = 0;
	uint32_t k = nt < NIC_LOOKAHEAD ? nt : NIC_LOOKAHEAD;
	int rx_on = (u->ctrl & SIMNIC_CTRL_RXEN) && u->rx.r.ok && !u->dma_broken;

	/* write-back: a burst of NIC_WB_BURST, the end of the schedule, or NIC_WB_DELAY after
	 * the oldest event not written back, whichever comes first */
	if (nt) {
		cand(&next, TXF(t, k - 1)->end, now);
		cand(&next, TXF(t, 0)->end + NIC_WB_DELAY, now);
	}
	if (rx_on && (ra0 = nic_wire_at(u, 0)) != NIC_FOREVER) {
		ra0 += lat;
		if ((avail = nic_rx_avail(u)) != 0) {
			sim_ns x = nic_wire_at(u, (int)(avail < NIC_LOOKAHEAD ? avail : NIC_LOOKAHEAD) - 1);
			cand(&next, ra0 + NIC_WB_DELAY, now);
			if (x != NIC_FOREVER)
				cand(&next, x + lat, now);
		}
	}
	if (u->asserted)
		return next;  /* nothing can raise until software clears ICR or masks */

	if (t->nbad && (u->ims & SIMNIC_INT_TXERR))
		for (uint32_t i = 0; i < nt; i++)
			if (TXF(t, i)->how == NIC_TXF_BAD) {
				cand(&next, TXF(t, i)->end, now);
				break;
			}
	if (!u->itr || !pend) {
		/* the next event whose cause is unmasked: it raises (or starts coalescing) */
		if (u->ims & SIMNIC_INT_TXDW)
			for (uint32_t i = 0; i < k; i++)
				if (TXF(t, i)->rs) {
					cand(&next, TXF(t, i)->end, now);
					break;
				}
		if (ra0 != NIC_FOREVER && (u->ims & (SIMNIC_INT_RXDW | SIMNIC_INT_RXO)))
			cand(&next, ra0, now);
		return next;
	}
	/* coalescing with a cause pending: the count-th event, or the time limit */
	{
		uint32_t count = u->itr & SIMNIC_ITR_COUNT_MASK, usec = u->itr >> SIMNIC_ITR_USEC_SHIFT;
		if (count > u->itr_count) {
			uint32_t need = count - u->itr_count, i = 0, n = 0;
			int j = 0;
			sim_ns last = NIC_FOREVER, ra = ra0;
			while (n < need && n < NIC_LOOKAHEAD) {
				sim_ns te = NIC_FOREVER;
				while (i < k && !TXF(t, i)->rs)
					i++;
				if (i < k)
					te = TXF(t, i)->end;
				if (te == NIC_FOREVER && ra == NIC_FOREVER)
					break;
				if (te <= ra) {
					last = te;
					i++;
				} else {
					last = ra;
					j++;
					ra = j < NIC_LOOKAHEAD ? nic_wire_at(u, j) : NIC_FOREVER;
					if (ra != NIC_FOREVER)
						ra += lat;
				}
				n++;
			}
			if (last != NIC_FOREVER)
				cand(&next, last, now);
		}
		if (usec && u->itr_first != NIC_FOREVER)
			cand(&next, u->itr_first + (sim_ns)usec * SIM_US, now);
	}
	return next;
}

/* Arm the checkpoint timer at next, unless it is armed earlier already: an early
 * checkpoint is harmless (it finds less to do and re-arms), and leaving it costs less than
 * moving the timer at every register access. */
static void rearm(struct nic *u, sim_ns now)
{
	sim_ns next = checkpoint(u, now);
	if (next == NIC_FOREVER)
		return;
	if (!sim_timer_armed(u->t_engine) || sim_timer_expiry(u->t_engine) > next)
		sim_timer_arm_at(nic_g.w, u->t_engine, next);
}

/* ------------------------------------------------------------ sync */

static void sync_one(struct nic *u, int pull)
{
	sim_ns now = nic_now();
	int rounds = 0;
	if (u->in_sync) {
		u->dirty = 1;
		return;
	}
	u->in_sync = 1;
	do {
		u->dirty = 0;
		nic_tx_complete(u, now);
		/* the far unit's frames towards us are on the wire by now. Only its completions:
		 * its interrupts are its own checkpoint's business (armed at their times). */
		if (pull && u->far && u->far != u)
			nic_tx_complete(u->far, now);
		nic_rx_process(u, now);
		nic_irq_eval(u, 0);
	} while (u->dirty && ++rounds < 64);
	u->in_sync = 0;
	rearm(u, now);
}

void nic_sync(struct nic *u)
{
	sync_one(u, 1);
}

void nic_far_changed(struct nic *u)
{
	/* u's frames towards the far unit changed: its checkpoint may have to come earlier.
	 * It need not be synced: what it has not materialised is covered by its armed timer. */
	if (u->far && u->far != u && !u->far->in_sync)
		rearm(u->far, nic_now());
}

void nic_settle(struct nic *u)
{
	if (u->in_sync) {
		u->dirty = 1;
		return;
	}
	nic_irq_eval(u, 0);
	rearm(u, nic_now());
}

static void engine_fire(sim_world *w, void *arg)
{
	nic_sync(arg);
}

/* ------------------------------------------------------------ creation */

static void kinds_register(sim_world *w, struct nic_kinds *k)
{
	k->create = sim_trace_kind(w, "nic_create", "iiisis");   /* unit, irq, bar, mac, speed, what */
	k->reg = sim_trace_kind(w, "nic_reg", "isisi");          /* unit, reg, value, how, cost ns */
	k->doorbell = sim_trace_kind(w, "nic_doorbell", "isiii"); /* unit, ring, old tail, new tail, handed */
	k->tx = sim_trace_kind(w, "nic_tx", "iiiiii");           /* unit, frames, bytes, dropped, errors, TDH */
	k->rx = sim_trace_kind(w, "nic_rx", "iiiiiii");          /* unit, frames, bytes, missed, crc, other, RDH */
	k->irq = sim_trace_kind(w, "nic_irq", "iis");            /* unit, causes, what */
	k->link = sim_trace_kind(w, "nic_link", "iiis");         /* unit, up, speed, why */
	k->fault = sim_trace_kind(w, "nic_fault", "isiis");      /* unit, fault, duration, count, phase */
	k->wire = sim_trace_kind(w, "nic_wire", "isi");          /* unit, what, other */
	k->reset = sim_trace_kind(w, "nic_reset", "is");         /* unit, why */
	k->dma = sim_trace_kind(w, "nic_dma", "iss");            /* unit, rule, message */
	k->peer = sim_trace_kind(w, "nic_peer", "iiiiii");       /* unit, received, corrupted, dup, reordered, app */
	k->mdio = sim_trace_kind(w, "nic_mdio", "isii");         /* unit, op, reg, value */
}

void model_nic_config_defaults(struct model_nic_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->speed_mbps = 1000;
	cfg->full_duplex = 1;
	cfg->link_up = 1;
	cfg->reg_read_ns = SIM_US;
	cfg->reg_write_ns = 50;
	cfg->dma_latency_ns = 500;
}

static int speed_ok(int mbps)
{
	return mbps == 10 || mbps == 100 || mbps == 1000 || mbps == 10000;
}

int model_nic_create(const struct model_nic_config *cfg, char *err, size_t errlen)
{
	sim_world *w = model_world();
	struct model_nic_config def;
	struct nic *u;
	char name[48], mac[24];
	static const uint8_t zero[6];

	if (!w) {
		sim_errf(err, errlen, "no io-pkt model: create it first");
		return -ENXIO;
	}
	if (!cfg) {
		model_nic_config_defaults(&def);
		cfg = &def;
	}
	if (nic_g.w != w) {
		memset(&nic_g, 0, sizeof(nic_g));
		nic_g.w = w;
		kinds_register(w, &nic_g.k);
	}
	if (nic_g.n == NIC_UNITS_MAX) {
		sim_errf(err, errlen, "at most %d simnic units", NIC_UNITS_MAX);
		return -ENOSPC;
	}
	if (!speed_ok(cfg->speed_mbps)) {
		sim_errf(err, errlen, "speed %d Mbit/s: simnic runs at 10, 100, 1000 or 10000",
		         cfg->speed_mbps);
		return -EINVAL;
	}
	if (cfg->reg_read_ns < 0 || cfg->reg_write_ns < 0 || cfg->dma_latency_ns < 0) {
		sim_errf(err, errlen, "register and DMA costs must not be negative");
		return -EINVAL;
	}
	u = sim_alloc(w, sizeof(*u));
	u->unit = nic_g.n;
	u->irq = NIC_IRQ_BASE + u->unit;
	snprintf(u->name, sizeof(u->name), "simnic%d", u->unit);
	u->bar = NIC_BAR_BASE + (uint64_t)u->unit * NIC_BAR_STRIDE;
	u->cfg = *cfg;
	if (memcmp(u->cfg.mac, zero, 6) == 0) {
		static const uint8_t base[6] = { 0x02, 0x50, 0x53, 0x00, 0x00, 0x00 };
		memcpy(u->cfg.mac, base, 6);
		u->cfg.mac[5] = (uint8_t)u->unit;
	}
	u->tx.r.own = sim_alloc(w, sizeof(struct nic_own) * NIC_RING_MAX);
	u->rx.r.own = sim_alloc(w, sizeof(struct nic_own) * NIC_RING_MAX);
	u->tx.f = sim_alloc(w, sizeof(struct nic_txf) * NIC_RING_MAX);
	u->scratch = sim_alloc(w, NIC_FRAME_MAX);
	u->itr_first = NIC_FOREVER;
	u->phy_speed = cfg->speed_mbps;
	u->phy_fd = cfg->full_duplex ? 1 : 0;
	u->speed_mbps = u->phy_speed;
	u->full_duplex = u->phy_fd;
	u->plugged = cfg->link_up ? 1 : 0;
	u->exhaust_until = u->stall_until = u->starve_until = 0;
	u->pci_command = 0;
	snprintf(name, sizeof(name), "%s engine", u->name);
	u->t_engine = sim_timer_create(w, name, engine_fire, u);
	nic_g.units[nic_g.n++] = u;
	nic_fault_timers(u);
	nic_phy_reset(u);
	nic_reset(u, "power-on");
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", u->cfg.mac[0], u->cfg.mac[1],
	         u->cfg.mac[2], u->cfg.mac[3], u->cfg.mac[4], u->cfg.mac[5]);
	sim_emit(w, nic_g.k.create, (int64_t)u->unit, (int64_t)u->irq, (int64_t)u->bar, mac,
	         (int64_t)u->phy_speed, u->plugged ? "plugged" : "unplugged");
	return u->unit;
}

/* ------------------------------------------------------------ statistics */

int model_nic_stats(int n, struct model_nic_stats *out)
{
	struct nic *u = nic_unit(n);
	memset(out, 0, sizeof(*out));
	if (!u)
		return -ENXIO;
	nic_sync(u);
	out->exists = 1;
	out->link_up = u->link_up;
	out->speed_mbps = u->speed_mbps;
	out->full_duplex = u->full_duplex;
	out->tx_frames = u->tx_frames;
	out->tx_bytes = u->tx_bytes;
	out->rx_frames = u->rx_frames;
	out->rx_bytes = u->rx_bytes;
	out->rx_missed = u->rx_missed;
	out->rx_crc_errors = u->rx_crc;
	out->tx_dropped = u->tx_dropped;
	out->rx_filtered = u->rx_filtered;
	out->irqs_raised = u->irqs;
	out->irqs_held_masked = u->irqs_held;
	out->spurious_irqs = u->spurious;
	out->dma_errors = u->dma_errors;
	out->resets = u->resets;
	if (u->peer)
		out->peer_sent = (uint64_t)u->peer->sent;
	else if (u->far)
		out->peer_sent = u->far->tx_frames;
	out->peer_received = u->chk.received;
	out->peer_corrupted = u->chk.corrupted;
	out->peer_duplicated = u->chk.duplicated;
	out->peer_reordered = u->chk.reordered;
	nic_check_lost(u, &out->peer_lost);
	return 0;
}
