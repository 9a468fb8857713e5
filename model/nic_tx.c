/*
 * model/nic_tx.c — simnic's transmit engine.
 *
 * Doorbell (TDT write): the descriptors from the old tail to the new one are handed to
 * the NIC; each buffer's owner is recorded (nic_dma.c). The engine then fetches them (when
 * TXEN is set, the ring usable, and no fault holds it) and schedules whole frames (up to a
 * descriptor with EOP) on the wire, arithmetically: frame i starts at
 *     max(doorbell + dma_latency, end of frame i-1)
 * and occupies the wire for (8 + max(len, 60) + 4 + 12) bytes at the link speed; a run of
 * back-to-back frames is timed exactly (no rounding drift). A frame completes at the end of
 * its slot: its buffers are read (checked), it goes onto the wire, DD is written into each
 * of its descriptors that has RS, TDH moves past it, and TXDW is caused if it had RS.
 * Completion is materialised in batches by nic_sync (nic.c); TDH is always up to date when
 * read. A frame the link cannot carry (link down) completes at once as dropped (TXDROP); a
 * malformed one (a descriptor of length 0, a frame over NIC_FRAME_MAX) completes with
 * TXERR and is not sent.
 */
#include "nic_int.h"

#include <string.h>

#define FMASK (NIC_RING_MAX - 1)

static volatile struct simnic_tx_desc *ring_of(struct nic *u)
{
	return (volatile struct simnic_tx_desc *)u->tx.r.host;
}

void nic_tx_doorbell(struct nic *u, uint32_t tail)
{
	struct nic_ring *r = &u->tx.r;
	uint32_t old = r->tail, mask;
	volatile struct simnic_tx_desc *ring;
	if (!r->ok && !nic_dma_ring_setup(u, r, "TX")) {
		sim_emit(nic_g.w, nic_g.k.doorbell, (int64_t)u->unit, "TX ring not usable (TXERR)",
		         (int64_t)old, (int64_t)tail, (int64_t)0);
		if (!u->dma_broken)
			nic_cause(u, SIMNIC_INT_TXERR, nic_now());
		return;
	}
	mask = r->len - 1;
	if (tail > mask) {
		sim_emit(nic_g.w, nic_g.k.doorbell, (int64_t)u->unit, "TDT beyond the ring (TXERR)",
		         (int64_t)old, (int64_t)tail, (int64_t)0);
		nic_cause(u, SIMNIC_INT_TXERR, nic_now());
		return;
	}
	if (!nic_dma_ring_ok(u, r, "TX"))
		return;
	if (!nic_ring_tail_ok(u, r, "TX", tail))
		return;
	ring = ring_of(u);
	for (uint32_t d = old; d != tail; d = (d + 1) & mask)
		nic_own_take(&r->own[d], ring[d].addr);
	r->tail = tail;
	sim_emit(nic_g.w, nic_g.k.doorbell, (int64_t)u->unit, "TX", (int64_t)old, (int64_t)tail,
	         (int64_t)((tail - old) & mask));
	nic_tx_schedule(u);
}

void nic_tx_schedule(struct nic *u)
{
	struct nic_tx *t = &u->tx;
	struct nic_ring *r = &t->r;
	sim_ns now = nic_now(), avail = now + u->cfg.dma_latency_ns;
	volatile struct simnic_tx_desc *ring;
	uint32_t mask;
	int changed = 0;

	if (!(u->ctrl & SIMNIC_CTRL_TXEN) || !r->ok || t->hang || u->dma_broken ||
	    t->sched == r->tail)
		return;
	if (now < u->exhaust_until || (now >= u->stall_from && now < u->stall_until))
		return;
	if (!nic_dma_ring_ok(u, r, "TX") || !nic_dma_allowed(u, "fetch TX descriptors"))
		return;
	ring = ring_of(u);
	mask = r->len - 1;
	while (t->sched != r->tail) {
		uint32_t d = t->sched, nd = 0, len = 0;
		int eop = 0, rs = 0, bad = 0;
		struct nic_txf *f;
		while (d != r->tail) {
			volatile struct simnic_tx_desc *x = &ring[d];
			struct nic_own *o = &r->own[d];
			uint64_t addr = x->addr;
			if (addr != o->bus || o->kind == NIC_OWN_NONE)
				nic_own_take(o, addr);  /* rewritten after the doorbell */
			o->len = x->len;
			o->cmd = x->cmd;
			nd++;
			len += o->len;
			if (o->len == 0)
				bad = 1;
			if (o->cmd & SIMNIC_TXD_CMD_RS)
				rs = 1;
			d = (d + 1) & mask;
			if (o->cmd & SIMNIC_TXD_CMD_EOP) {
				eop = 1;
				break;
			}
		}
		if (!eop)
			break;  /* the frame's last descriptor is not there yet */
		if (len > NIC_FRAME_MAX)
			bad = 1;
		f = &t->f[(t->fh + t->fn) & FMASK];
		t->fn++;
		f->first = t->sched;
		f->ndesc = (uint16_t)nd;
		f->rs = (uint8_t)rs;
		f->len = len;
		f->start = avail > t->last_end ? avail : t->last_end;
		if (bad || !u->link_up) {
			f->how = bad ? NIC_TXF_BAD : NIC_TXF_DROP;
			f->end = f->start;
			t->nbad += bad;
		} else {
			f->how = NIC_TXF_SEND;
			f->end = nic_run_end(&t->bt0, &t->bbits, t->last_end, f->start, nic_wire_bits(len),
			                     u->speed_mbps);
		}
		t->last_end = f->end;
		t->sched = d;
		changed = 1;
	}
	if (changed)
		nic_far_changed(u);
}

/* Gather frame f's bytes (checked) into scratch, or point at its only buffer. */
static const uint8_t *frame_read(struct nic *u, struct nic_txf *f, uint32_t *len)
{
	struct nic_ring *r = &u->tx.r;
	uint32_t mask = r->len - 1, off = 0, d = f->first;
	if (f->ndesc == 1 && f->len >= NIC_FRAME_MIN) {
		struct nic_own *o = &r->own[d];
		if (!nic_dma_check(u, "TX", d, o, o->len, 0))
			return NULL;
		*len = f->len;
		return (const uint8_t *)o->addr;
	}
	for (uint32_t i = 0; i < f->ndesc; i++, d = (d + 1) & mask) {
		struct nic_own *o = &r->own[d];
		if (!nic_dma_check(u, "TX", d, o, o->len, 0))
			return NULL;
		memcpy(u->scratch + off, (const void *)o->addr, o->len);
		off += o->len;
	}
	if (off < NIC_FRAME_MIN) {  /* padded by the NIC */
		memset(u->scratch + off, 0, NIC_FRAME_MIN - off);
		off = NIC_FRAME_MIN;
	}
	*len = off;
	return u->scratch;
}

void nic_tx_complete(struct nic *u, sim_ns lim)
{
	struct nic_tx *t = &u->tx;
	struct nic_ring *r = &t->r;
	volatile struct simnic_tx_desc *ring;
	uint64_t frames = 0, bytes = 0, drops = 0, errors = 0;
	uint32_t mask;

	if (!t->fn || t->f[t->fh].end > lim || u->dma_broken)
		return;
	if (!nic_dma_ring_ok(u, r, "TX") || !nic_dma_allowed(u, "write back TX descriptors"))
		return;
	ring = ring_of(u);
	mask = r->len - 1;
	while (t->fn && t->f[t->fh].end <= lim && !u->dma_broken) {
		struct nic_txf *f = &t->f[t->fh];
		uint32_t d = f->first;
		if (f->how == NIC_TXF_SEND) {
			uint32_t len;
			const uint8_t *data = frame_read(u, f, &len);
			int bad = 0;
			if (!data)
				break;
			if (u->corrupt_tx > 0) {
				u->corrupt_tx--;
				bad = 1;
			}
			nic_wire_deliver(u, data, len, bad, f->end);
			u->tx_frames++;
			u->tx_bytes += f->len;
			u->gptc++;
			u->gotc += len + 4;
			frames++;
			bytes += f->len;
		} else if (f->how == NIC_TXF_DROP) {
			u->txdrop++;
			u->tx_dropped++;
			drops++;
		} else {
			errors++;
			t->nbad--;
			nic_cause(u, SIMNIC_INT_TXERR, f->end);
		}
		for (uint32_t i = 0; i < f->ndesc; i++, d = (d + 1) & mask) {
			struct nic_own *o = &r->own[d];
			if (o->cmd & SIMNIC_TXD_CMD_RS)
				ring[d].status |= SIMNIC_TXD_STA_DD;
			nic_own_release(o);
		}
		r->head = d;
		if (f->rs)
			nic_cause(u, SIMNIC_INT_TXDW, f->end);
		t->fh = (t->fh + 1) & FMASK;
		t->fn--;
	}
	if (frames || drops || errors)
		sim_emit(nic_g.w, nic_g.k.tx, (int64_t)u->unit, (int64_t)frames, (int64_t)bytes,
		         (int64_t)drops, (int64_t)errors, (int64_t)r->head);
	if (u->chk.batch_bad) {  /* the far end found something wrong in this batch */
		const struct nic_check *c = &u->chk;
		sim_emit(nic_g.w, nic_g.k.peer, (int64_t)u->unit, (int64_t)c->received,
		         (int64_t)c->corrupted, (int64_t)c->duplicated, (int64_t)c->reordered,
		         (int64_t)c->app);
		u->chk.batch_bad = 0;
	}
}

void nic_tx_unschedule(struct nic *u, int all)
{
	struct nic_tx *t = &u->tx;
	sim_ns now = nic_now();
	int changed = 0;
	while (t->fn) {
		struct nic_txf *f = &t->f[(t->fh + t->fn - 1) & FMASK];
		if (!all && f->start < now)
			break;  /* on the wire already: it finishes */
		t->sched = f->first;
		t->nbad -= f->how == NIC_TXF_BAD;
		t->fn--;
		changed = 1;
	}
	t->last_end = t->fn ? t->f[(t->fh + t->fn - 1) & FMASK].end : now;
	t->bt0 = t->last_end;
	t->bbits = 0;
	if (changed)
		nic_far_changed(u);
}

void nic_tx_link_down(struct nic *u)
{
	struct nic_tx *t = &u->tx;
	sim_ns now = nic_now();
	for (uint32_t i = 0; i < t->fn; i++) {
		struct nic_txf *f = &t->f[(t->fh + i) & FMASK];
		if (f->how == NIC_TXF_SEND)
			f->how = NIC_TXF_DROP;
		f->start = f->end = now;
	}
	t->last_end = now;
	t->bbits = 0;
	if (t->fn)
		nic_far_changed(u);
}

void nic_tx_forget(struct nic *u)
{
	struct nic_tx *t = &u->tx;
	int had = t->fn != 0;
	for (int i = 0; i < NIC_RING_MAX; i++)
		nic_own_release(&t->r.own[i]);
	t->fn = 0;
	t->fh = 0;
	t->nbad = 0;
	t->sched = t->r.tail;
	t->last_end = 0;
	t->bbits = 0;
	if (had)
		nic_far_changed(u);
}
