/*
 * model/wire.c — cables and what is at their far end.
 *
 * A unit's port takes one cable: to another unit (each one's TX is the other's RX), to
 * itself (loopback), or to a traffic peer (a source and sink). A frame a unit transmits
 * leaves at the end of its wire slot; it is checked by the far end (struct nic_check, the
 * unit's peer_* statistics) and, towards a unit, queued in that unit's FIFO with its
 * arrival time (end + propagation delay) — copied, since the sender's buffer goes back to
 * its driver. The peer source's frames are computed on demand: frame n starts at
 *     max(t0 + n / rate, end of frame n-1, when the link last came up)
 * (rate 0: back to back at line rate) and is written straight into the receiving unit.
 *
 * Peer frames (docs/simnic.md "Frames on the wire"): Ethernet type 0x88B5, then "PKTS",
 * stream id (32 bits), sequence number (64), frame length (16), all little-endian, then
 * byte i = (seq + i) mod 256 up to the end. The checker counts a frame as corrupted (bad
 * CRC, wrong length field or pattern, unknown stream), duplicated (that stream's seq seen
 * before), reordered (new, but below the highest seq seen), and lost = sent by its stream
 * minus received, once. An io-pkt application frame (model_app_send: byte i = i mod 256
 * after the header) is recognised and counted as received, not as corrupted.
 */
#include "nic_int.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void peer_mac(const struct nic *u, uint8_t mac[6])
{
	static const uint8_t base[6] = { 0x02, 0x50, 0x53, 0x80, 0x00, 0x00 };
	memcpy(mac, base, 6);
	mac[5] = (uint8_t)u->unit;
}

/* ------------------------------------------------------------ frame format */

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

#define PEER_HDR 32

/* 0, 1, ..., 255, 0, 1, ...: byte patterns "x + i" are slices of it, copied or compared
 * a slice at a time rather than byte by byte. */
static uint8_t RAMP[512];

static const uint8_t *ramp(uint8_t first)
{
	if (!RAMP[1])
		for (int i = 0; i < 512; i++)
			RAMP[i] = (uint8_t)i;
	return RAMP + first;
}

/* Fill / check buf[from..len) with (x + i) mod 256 at index i. */
static void ramp_fill(uint8_t *buf, uint32_t from, uint32_t len, uint64_t x)
{
	while (from < len) {
		uint32_t n = len - from < 256 ? len - from : 256;
		memcpy(buf + from, ramp((uint8_t)(x + from)), n);
		from += n;
	}
}

/* The first index in [from, len) that breaks the ramp, or len. */
static uint32_t ramp_check(const uint8_t *buf, uint32_t from, uint32_t len, uint64_t x)
{
	while (from < len) {
		uint32_t n = len - from < 256 ? len - from : 256;
		if (memcmp(buf + from, ramp((uint8_t)(x + from)), n) != 0) {
			while (buf[from] == (uint8_t)(x + from))
				from++;
			return from;
		}
		from += n;
	}
	return len;
}

void nic_frame_fill(uint8_t *buf, uint32_t len, const uint8_t dst[6], const uint8_t src[6],
                    uint32_t stream, uint64_t seq)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x88;
	buf[13] = 0xb5;
	memcpy(buf + 14, "PKTS", 4);
	wr32(buf + 18, stream);
	wr64(buf + 22, seq);
	wr16(buf + 30, (uint16_t)len);
	ramp_fill(buf, PEER_HDR, len, seq);
}

/* ------------------------------------------------------------ the checker */

static struct nic_seen *seen_of(struct nic_check *c, uint32_t stream)
{
	for (int i = 0; i < c->nseen; i++)
		if (c->seen[i].stream == stream)
			return &c->seen[i];
	if (c->nseen == NIC_CHECK_STREAMS)
		return NULL;
	c->seen[c->nseen].stream = stream;
	c->seen[c->nseen].highest = -1;
	return &c->seen[c->nseen++];
}

/* Mark seq seen: 1 if it was new. */
static int seen_mark(struct nic_seen *s, uint64_t seq)
{
	uint64_t w = seq / 64, bit = 1ull << (seq % 64);
	if (w >= s->words) {
		uint64_t words = s->words ? s->words : 64;
		uint64_t *nb;
		while (words <= w)
			words *= 2;
		nb = sim_alloc(nic_g.w, words * 8);
		if (s->bits) {
			memcpy(nb, s->bits, s->words * 8);
			sim_free(nic_g.w, s->bits, s->words * 8);
		}
		s->bits = nb;
		s->words = words;
	}
	if (s->bits[w] & bit)
		return 0;
	s->bits[w] |= bit;
	return 1;
}

static int app_frame(const uint8_t *d, uint32_t len)
{
	uint32_t i = ramp_check(d, 14, len, 0);  /* after the Ethernet header */
	if (i == len)
		return 1;
	if (len != NIC_FRAME_MIN)  /* else: a short frame the NIC padded with zeros */
		return 0;
	while (i < len && d[i] == 0)
		i++;
	return i == len;
}

void nic_check_frame(struct nic *u, const uint8_t *d, uint32_t len, int bad)
{
	struct nic_check *c = &u->chk;
	c->received++;
	if (!bad && len >= PEER_HDR && d[12] == 0x88 && d[13] == 0xb5 && memcmp(d + 14, "PKTS", 4) == 0) {
		uint32_t stream = rd32(d + 18);
		uint64_t seq = rd64(d + 22);
		struct nic_seen *s;
		if (ramp_check(d, PEER_HDR, len, seq) == len && rd16(d + 30) == len && stream >= 1 && stream <= NIC_UNITS_MAX &&
		    (s = seen_of(c, stream)) != NULL) {
			if (!seen_mark(s, seq)) {
				c->duplicated++;
				c->batch_bad++;
			} else {
				s->unique++;
				if ((int64_t)seq < s->highest) {
					c->reordered++;
					c->batch_bad++;
				} else {
					s->highest = (int64_t)seq;
				}
			}
			return;
		}
	} else if (!bad && len >= 14 && app_frame(d, len)) {
		c->app++;
		return;
	}
	c->corrupted++;
	c->batch_bad++;
}

void nic_check_lost(const struct nic *u, uint64_t *lost)
{
	*lost = 0;
	for (int i = 0; i < u->chk.nseen; i++) {
		const struct nic_seen *s = &u->chk.seen[i];
		int64_t sent = nic_g.stream_sent[s->stream];
		if (sent > (int64_t)s->unique)
			*lost += (uint64_t)(sent - (int64_t)s->unique);
	}
}

/* ------------------------------------------------------------ FIFO */

static void fifo_push(struct nic_fifo *q, const uint8_t *data, uint32_t len, int bad, sim_ns at)
{
	struct nic_wframe *f;
	if (q->n == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 64;
		struct nic_wframe *nq = sim_alloc(nic_g.w, sizeof(*nq) * cap);
		for (uint32_t i = 0; i < q->n; i++)
			nq[i] = q->q[(q->head + i) % q->cap];
		for (uint32_t i = q->n; i < q->cap; i++)   /* free slots keep their buffers */
			nq[i] = q->q[(q->head + i) % q->cap];
		if (q->q)
			sim_free(nic_g.w, q->q, sizeof(*nq) * q->cap);
		q->q = nq;
		q->head = 0;
		q->cap = cap;
	}
	f = &q->q[(q->head + q->n) % q->cap];
	if (f->cap < len) {
		uint32_t cap = len <= 2048 ? 2048 : NIC_FRAME_MAX;
		if (f->data)
			sim_free(nic_g.w, f->data, f->cap);
		f->data = sim_alloc(nic_g.w, cap);
		f->cap = cap;
	}
	memcpy(f->data, data, len);
	f->len = len;
	f->bad = (uint8_t)bad;
	f->at = at;
	q->n++;
}

void nic_wire_deliver(struct nic *u, const uint8_t *data, uint32_t len, int bad, sim_ns end)
{
	nic_check_frame(u, data, len, bad);
	if (u->far)
		fifo_push(&u->far->in, data, len, bad, end + u->prop);
}

/* ------------------------------------------------------------ the peer source */

/* The wire slot of the generator's next frame; advances g. 0: nothing more to send now. */
static int gen_step(const struct nic *u, const struct nic_peer *p, struct nic_gen *g,
                    sim_ns *start, sim_ns *end, uint32_t *len)
{
	sim_ns s;
	if (g->n >= p->count || p->resume_at == NIC_FOREVER)
		return 0;
	s = g->prev_end > p->resume_at ? g->prev_end : p->resume_at;
	if (p->rate_fps > 0) {
		sim_ns when = p->t0 + (sim_ns)floor((double)g->n * 1e9 / p->rate_fps);
		if (when > s)
			s = when;
	}
	*len = (uint32_t)p->sizes[g->n % p->nsizes];
	*start = s;
	*end = nic_run_end(&g->bt0, &g->bbits, g->prev_end, s, nic_wire_bits(*len), u->speed_mbps);
	g->prev_end = *end;
	g->n++;
	return 1;
}

static void la_reset(struct nic_peer *p)
{
	p->la_first = p->g.n;
	p->la_n = 0;
}

/* Arrival of the peer's frame g.n + i (i < NIC_PEER_LA), or NIC_FOREVER: the slow path,
 * which drops taken frames from the look-ahead ring and generates the missing ones. */
static sim_ns peer_at_fill(const struct nic *u, struct nic_peer *p, int i)
{
	int64_t want = p->g.n + i;
	if (p->la_first != p->g.n) {  /* frames were taken: drop them from the ring */
		int64_t d = p->g.n - p->la_first;
		if (d < 0 || d > p->la_n) {
			la_reset(p);
		} else {
			p->la_first = p->g.n;
			p->la_n -= (int)d;
		}
	}
	while (p->la_first + p->la_n <= want) {
		struct nic_gen g = p->la_n ? p->la_g[(p->la_first + p->la_n - 1) % NIC_PEER_LA] : p->g;
		sim_ns start, end;
		uint32_t len;
		int idx;
		if (p->la_n == NIC_PEER_LA || !gen_step(u, p, &g, &start, &end, &len))
			return NIC_FOREVER;
		idx = (int)((p->la_first + p->la_n) % NIC_PEER_LA);
		p->la_at[idx] = end + u->prop;
		p->la_g[idx] = g;
		p->la_n++;
	}
	return p->la_at[want % NIC_PEER_LA];
}

/* Arrival of the peer's frame g.n + i (i < NIC_PEER_LA), or NIC_FOREVER. Called a few
 * times a frame: a frame already in the look-ahead ring is answered here. */
static inline sim_ns peer_at(const struct nic *u, struct nic_peer *p, int i)
{
	int64_t want = p->g.n + i;
	if (p->la_first == p->g.n && want < p->la_first + p->la_n)
		return p->la_at[(uint64_t)want % NIC_PEER_LA];
	return peer_at_fill(u, p, i);
}

int nic_wire_next(struct nic *u, sim_ns *at, uint32_t *len)
{
	if (u->in.n) {
		struct nic_wframe *f = &u->in.q[u->in.head];
		*at = f->at;
		*len = f->len;
		return 1;
	}
	if (u->peer) {
		struct nic_peer *p = u->peer;
		if ((*at = peer_at(u, p, 0)) == NIC_FOREVER)
			return 0;
		*len = (uint32_t)p->sizes[p->g.n % p->nsizes];
		return 1;
	}
	return 0;
}

const uint8_t *nic_wire_take(struct nic *u, uint32_t *len, int *bad)
{
	if (u->in.n) {
		struct nic_wframe *f = &u->in.q[u->in.head];
		u->in.head = (u->in.head + 1) % u->in.cap;
		u->in.n--;
		*len = f->len;
		*bad = f->bad;
		return f->data;
	}
	if (u->peer) {
		struct nic_peer *p = u->peer;
		uint8_t dst[6], src[6];
		uint64_t seq = (uint64_t)p->g.n;
		if (peer_at(u, p, 0) == NIC_FOREVER)
			return NULL;
		*len = (uint32_t)p->sizes[p->g.n % p->nsizes];
		p->g = p->la_g[p->g.n % NIC_PEER_LA];
		if (p->broadcast)
			memcpy(dst, BCAST, 6);
		else if (p->has_dst)
			memcpy(dst, p->dst, 6);      /* traffic.dst: another station's address */
		else
			memcpy(dst, u->cfg.mac, 6);  /* the factory address, as the peer knows it */
		peer_mac(u, src);
		nic_frame_fill(u->scratch, *len, dst, src, p->stream, seq);
		p->sent++;
		nic_g.stream_sent[p->stream]++;
		*bad = 0;
		return u->scratch;
	}
	return NULL;
}

sim_ns nic_wire_at(struct nic *u, int i)
{
	if ((uint32_t)i < u->in.n)
		return u->in.q[(u->in.head + (uint32_t)i) % u->in.cap].at;
	i -= (int)u->in.n;
	if (u->far) {
		const struct nic_tx *t = &u->far->tx;
		if (u->far->dma_broken)
			return NIC_FOREVER;
		if ((uint32_t)i < t->fn)
			return t->f[(t->fh + (uint32_t)i) & (NIC_RING_MAX - 1)].end + u->far->prop;
		return NIC_FOREVER;
	}
	if (u->peer)
		return peer_at(u, u->peer, i);
	return NIC_FOREVER;
}

void nic_wire_link_down(struct nic *u)
{
	sim_ns now = nic_now();
	/* in flight towards u: lost */
	while (u->in.n) {
		struct nic_wframe *f = &u->in.q[(u->in.head + u->in.n - 1) % u->in.cap];
		if (f->at <= now)
			break;
		u->in.n--;
	}
	if (u->peer) {
		struct nic_peer *p = u->peer;
		struct nic_gen g = p->g;
		sim_ns start, end;
		uint32_t len;
		if (gen_step(u, p, &g, &start, &end, &len) && start < now) {
			p->g = g;   /* on the wire when the cable went: lost */
			p->sent++;
			p->lost++;
			nic_g.stream_sent[p->stream]++;
		}
		p->resume_at = NIC_FOREVER;
		la_reset(p);
	}
}

void nic_wire_link_up(struct nic *u)
{
	if (u->peer) {
		u->peer->resume_at = nic_now();
		u->peer->g.bbits = 0;
		la_reset(u->peer);
	}
}

/* ------------------------------------------------------------ model.h: cables */

static int cable_free(struct nic *u)
{
	return u && !u->cabled;
}

int model_wire_connect(int a, int b)
{
	struct nic *ua = nic_unit(a), *ub = nic_unit(b);
	if (!ua || !ub)
		return -ENXIO;
	if (a == b)
		return -EINVAL;   /* model_wire_loopback */
	if (!cable_free(ua) || !cable_free(ub))
		return -EBUSY;
	nic_sync(ua);
	nic_sync(ub);
	ua->cabled = ub->cabled = 1;
	ua->far = ub;
	ub->far = ua;
	sim_emit(nic_g.w, nic_g.k.wire, (int64_t)a, "connect", (int64_t)b);
	nic_link_update(ua, "cable connected");
	return 0;
}

int model_wire_loopback(int n)
{
	struct nic *u = nic_unit(n);
	if (!u)
		return -ENXIO;
	if (!cable_free(u))
		return -EBUSY;
	nic_sync(u);
	u->cabled = 1;
	u->far = u;
	sim_emit(nic_g.w, nic_g.k.wire, (int64_t)n, "loopback", (int64_t)n);
	nic_link_update(u, "loopback plugged");
	return 0;
}

/* Extension (not in model.h yet): the propagation delay of a unit's cable (both ways). */
int model_wire_delay(int n, sim_ns delay)
{
	struct nic *u = nic_unit(n);
	if (!u)
		return -ENXIO;
	if (delay < 0)
		return -EINVAL;
	nic_sync(u);
	u->prop = delay;
	if (u->peer)
		la_reset(u->peer);
	if (u->far && u->far != u) {
		nic_sync(u->far);
		u->far->prop = delay;
	}
	sim_emit(nic_g.w, nic_g.k.wire, (int64_t)n, "propagation delay", (int64_t)delay);
	nic_sync(u);
	return 0;
}

int model_wire_peer(int n, const struct model_traffic *t, char *err, size_t errlen)
{
	struct nic *u = nic_unit(n);
	struct nic_peer *p;
	if (!u) {
		sim_errf(err, errlen, "no simnic unit %d", n);
		return -ENXIO;
	}
	if (!cable_free(u)) {
		sim_errf(err, errlen, "simnic%d already has a cable", n);
		return -EBUSY;
	}
	if (!t || t->count < 0 || !(t->rate_fps >= 0) || isinf(t->rate_fps)) {
		sim_errf(err, errlen, "traffic: count must be >= 0 and rate a number >= 0");
		return -EINVAL;
	}
	if (t->nsizes < 0 || t->nsizes > NIC_PEER_SIZES || (t->count > 0 && t->nsizes < 1) ||
	    (t->nsizes && !t->sizes)) {
		sim_errf(err, errlen, "traffic: 1 to %d frame sizes needed", NIC_PEER_SIZES);
		return -EINVAL;
	}
	for (int i = 0; i < t->nsizes; i++)
		if (t->sizes[i] < NIC_FRAME_MIN || t->sizes[i] > 9018) {
			sim_errf(err, errlen, "traffic: frame size %d out of 60..9018 (without CRC)",
			         t->sizes[i]);
			return -EINVAL;
		}
	nic_sync(u);
	p = sim_alloc(nic_g.w, sizeof(*p));
	p->rate_fps = t->rate_fps;
	p->count = t->count;
	p->nsizes = t->nsizes;
	for (int i = 0; i < t->nsizes; i++)
		p->sizes[i] = t->sizes[i];
	p->broadcast = t->broadcast ? 1 : 0;
	for (int i = 0; i < 6; i++)
		p->has_dst |= t->dst[i] != 0;
	memcpy(p->dst, t->dst, 6);
	p->stream = (uint32_t)u->unit + 1;
	p->t0 = nic_now();
	p->resume_at = NIC_FOREVER;
	p->g.prev_end = p->t0;
	u->peer = p;
	u->cabled = 1;
	sim_emit(nic_g.w, nic_g.k.wire, (int64_t)n, "peer", (int64_t)t->count);
	nic_link_update(u, "peer connected");
	nic_sync(u);
	return 0;
}
