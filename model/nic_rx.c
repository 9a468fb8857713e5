/*
 * model/nic_rx.c — simnic's receive engine.
 *
 * Doorbell (RDT write): the descriptors from the old tail to the new one are the NIC's to
 * fill; each buffer's owner is recorded (nic_dma.c). A frame that arrives from the wire
 * (its last bit at time a) is written at a + dma_latency, in arrival order:
 *   - RXEN clear or the ring not usable: dropped (not counted as missed);
 *   - not for us (destination neither the station address nor broadcast, multicast without
 *     ALLMULTI, unless PROMISC): filtered;
 *   - rx_starve or dma_stall in force, or fewer free descriptors than the frame needs
 *     (ceil(len / RXBUFSZ)): missed — MPC counts it and RXO is caused;
 *   - otherwise written into the buffers of descriptors RDH, RDH+1, ... (checked), each
 *     descriptor gets len, status DD (+ EOP on the last) and errors CRC for a frame that was
 *     corrupted on the wire (counted in CRCERRS, not GPRC); RDH moves; RXDW is caused.
 * Arrivals are materialised in batches by nic_sync (nic.c): one trace record per batch.
 */
#include "nic_int.h"

#include <string.h>

static volatile struct simnic_rx_desc *ring_of(struct nic *u)
{
	return (volatile struct simnic_rx_desc *)u->rx.r.host;
}

uint32_t nic_rx_avail(const struct nic *u)
{
	const struct nic_ring *r = &u->rx.r;
	if (!r->ok)
		return 0;
	return (r->tail - r->head) & (r->len - 1);
}

void nic_rx_doorbell(struct nic *u, uint32_t tail)
{
	struct nic_ring *r = &u->rx.r;
	uint32_t old = r->tail, mask;
	volatile struct simnic_rx_desc *ring;
	if (!r->ok && !nic_dma_ring_setup(u, r, "RX")) {
		sim_emit(nic_g.w, nic_g.k.doorbell, (int64_t)u->unit, "RX ring not usable",
		         (int64_t)old, (int64_t)tail, (int64_t)0);
		return;
	}
	mask = r->len - 1;
	if (tail > mask) {
		sim_emit(nic_g.w, nic_g.k.doorbell, (int64_t)u->unit, "RDT beyond the ring: ignored",
		         (int64_t)old, (int64_t)tail, (int64_t)0);
		return;
	}
	if (!nic_dma_ring_ok(u, r, "RX"))
		return;
	if (!nic_ring_tail_ok(u, r, "RX", tail))
		return;
	ring = ring_of(u);
	for (uint32_t d = old; d != tail; d = (d + 1) & mask)
		nic_own_take(&r->own[d], ring[d].addr);
	r->tail = tail;
	sim_emit(nic_g.w, nic_g.k.doorbell, (int64_t)u->unit, "RX", (int64_t)old, (int64_t)tail,
	         (int64_t)((tail - old) & mask));
}

void nic_rx_forget(struct nic *u)
{
	for (int i = 0; i < NIC_RING_MAX; i++)
		nic_own_release(&u->rx.r.own[i]);
}

/* The frame is for this station. */
static int rx_accept(const struct nic *u, const uint8_t *d)
{
	uint8_t mac[6];
	if (u->ctrl & SIMNIC_CTRL_PROMISC)
		return 1;
	if (d[0] & 1) {  /* group address */
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		return memcmp(d, bcast, 6) == 0 || (u->ctrl & SIMNIC_CTRL_ALLMULTI);
	}
	nic_mac(u, mac);
	return memcmp(d, mac, 6) == 0;
}

static void missed(struct nic *u, sim_ns t)
{
	u->mpc++;
	u->rx_missed++;
	u->b_rx_missed++;
	nic_cause(u, SIMNIC_INT_RXO, t);
}

void nic_rx_trace_batch(struct nic *u)
{
	if (!(u->b_rx | u->b_rx_missed | u->b_rx_crc | u->b_rx_other))
		return;
	sim_emit(nic_g.w, nic_g.k.rx, (int64_t)u->unit, (int64_t)u->b_rx, (int64_t)u->b_rx_bytes,
	         (int64_t)u->b_rx_missed, (int64_t)u->b_rx_crc, (int64_t)u->b_rx_other,
	         (int64_t)u->rx.r.head);
	u->b_rx = u->b_rx_bytes = u->b_rx_missed = u->b_rx_crc = u->b_rx_other = 0;
}

/* Write one accepted frame into the ring: 1, or 0 if DMA failed (reported). */
static int write_frame(struct nic *u, const uint8_t *data, uint32_t len, int bad)
{
	struct nic_ring *r = &u->rx.r;
	volatile struct simnic_rx_desc *ring = ring_of(u);
	uint32_t mask = r->len - 1, off = 0, bufsz = u->rx.bufsz;
	while (off < len) {
		uint32_t d = r->head, n = len - off < bufsz ? len - off : bufsz;
		struct nic_own *o = &r->own[d];
		volatile struct simnic_rx_desc *x = &ring[d];
		if (!nic_dma_check(u, "RX", d, o, n, 1))
			return 0;
		memcpy((void *)o->addr, data + off, n);
		off += n;
		x->len = (uint16_t)n;
		x->errors = bad ? SIMNIC_RXD_ERR_CRC : 0;
		x->status = (uint8_t)(SIMNIC_RXD_STA_DD | (off == len ? SIMNIC_RXD_STA_EOP : 0));
		nic_own_release(o);
		r->head = (d + 1) & mask;
	}
	return 1;
}

void nic_rx_process(struct nic *u, sim_ns now)
{
	sim_ns at, lat = u->cfg.dma_latency_ns;
	uint32_t len;
	int ring_checked = 0;
	while (nic_wire_next(u, &at, &len) && at + lat <= now) {
		sim_ns t = at + lat;
		uint32_t bufsz = u->rx.bufsz, need;
		int bad;
		const uint8_t *data = nic_wire_take(u, &len, &bad);
		if (u->corrupt_rx > 0) {
			u->corrupt_rx--;
			bad = 1;
		}
		if (!(u->ctrl & SIMNIC_CTRL_RXEN) || !u->rx.r.ok || u->dma_broken ||
		    bufsz < NIC_RXBUF_MIN || bufsz > NIC_RXBUF_MAX) {
			u->rx_off++;
			u->b_rx_other++;
			continue;
		}
		if (!rx_accept(u, data)) {
			u->rx_filtered++;
			u->b_rx_other++;
			continue;
		}
		need = (len + bufsz - 1) / bufsz;
		if (nic_rx_faulted(u, t) || nic_rx_avail(u) < need) {
			missed(u, t);
			continue;
		}
		if (!ring_checked) {
			if (!nic_dma_ring_ok(u, &u->rx.r, "RX"))
				continue;
			ring_checked = 1;
		}
		if (!nic_dma_allowed(u, "write a received frame into memory"))
			continue;
		if (!write_frame(u, data, len, bad))
			continue;
		if (bad) {
			u->crcerrs++;
			u->rx_crc++;
			u->b_rx_crc++;
		} else {
			u->gprc++;
			u->gorc += len + 4;
			u->rx_frames++;
			u->rx_bytes += len;
			u->b_rx++;
			u->b_rx_bytes += len;
		}
		nic_cause(u, SIMNIC_INT_RXDW, t);
	}
	nic_rx_trace_batch(u);
}
