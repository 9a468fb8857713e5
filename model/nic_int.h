/*
 * model/nic_int.h — internals of simnic, pktsim's simulated Ethernet controller (its
 * datasheet is <hw/simnic.h>, its behaviour docs/simnic.md), shared between its files:
 *
 *   nic.c        units, the engine clock (sync: bring a unit up to now; the checkpoint
 *                timer), interrupts and coalescing, trace kinds, model_nic_* (model.h)
 *   nic_regs.c   the register file: in8..out32 dispatch, read/write side effects, reset
 *   nic_tx.c     the transmit engine: doorbell, fetch and schedule, completion
 *   nic_rx.c     the receive engine: doorbell, frames from the wire into the RX ring
 *   nic_dma.c    DMA memory (mmap MAP_PHYS, mem_offset64), who owns a buffer the NIC was
 *                given, and the DMA detectors (dma-after-free, dma-bad-address,
 *                dma-after-shutdown)
 *   nic_phy.c    the PHY (MII registers over MDIC), link up/down, speed
 *   wire.c       cables: NIC to NIC, loopback, the traffic peer (source and checker),
 *                the peer frame format, frames in flight
 *   nic_fault.c  fault knobs (model_nic_fault)
 *   pci.c        the simulated PCI bus (<hw/pci.h>), mmap_device_io
 *
 * Time. Hardware lives in the kernel context: a unit is a set of timers, never a thread.
 * Work is batched the way hardware batches it: a doorbell schedules all the frames it
 * hands over, computing each frame's wire slot arithmetically; frames arriving from the
 * wire are known in advance by their arrival times. The visible effects (buffers read or
 * written, descriptors written back, counters, interrupt causes) are *materialised* by
 * nic_sync(u), which brings a unit up to the current virtual time. It runs from the
 * unit's one checkpoint timer, armed at the next moment something observable must happen
 * (an interrupt could be raised; a write-back burst of NIC_WB_BURST descriptors, or one
 * NIC_WB_DELAY old, is due),
 * and before every register access (so software never sees a stale register). Every
 * event is processed with the state it had at its own time, because every change of state
 * (a register write, a link change, a fault) first syncs the unit.
 *
 * Determinism: no wall clock, no randomness, lists in creation order; addresses are only
 * compared, never traced or iterated in address order.
 */
#ifndef PKTSIM_NIC_INT_H
#define PKTSIM_NIC_INT_H

#include "net_int.h"

#include <hw/simnic.h>

#define NIC_UNITS_MAX 16
#define NIC_BAR_BASE 0xfeb00000ull    /* unit N's BAR 0: NIC_BAR_BASE + N * NIC_BAR_STRIDE */
#define NIC_BAR_STRIDE 0x10000ull
#define NIC_IRQ_BASE 32               /* unit N raises IRQ line NIC_IRQ_BASE + N */
#define NIC_RING_MIN 8
#define NIC_RING_MAX 4096
#define NIC_FRAME_MIN 60              /* shortest frame without CRC (TX pads to it) */
#define NIC_FRAME_MAX 16384           /* longest frame the NIC handles */
#define NIC_RXBUF_MIN 256
#define NIC_RXBUF_MAX 16384
#define NIC_RXBUF_RESET 2048
#define NIC_WB_BURST 64               /* descriptors written back per burst (at most late) */
#define NIC_WB_DELAY (40 * SIM_US)    /* ... or at most this late */
#define NIC_WIRE_OVERHEAD 24          /* preamble+SFD 8, CRC 4, inter-frame gap 12 bytes */
#define NIC_MDIO_NS 10000             /* one MII management access */
#define NIC_LOOKAHEAD NIC_WB_BURST    /* events looked at when arming the checkpoint */
#define NIC_FOREVER INT64_MAX

/* Causes that bypass coalescing (ITR): raised as soon as they are unmasked. */
#define NIC_INT_IMMEDIATE (SIMNIC_INT_LSC | SIMNIC_INT_TXERR | SIMNIC_INT_DMAERR)
#define NIC_INT_ALL 0x3fu

/* ------------------------------------------------------------ DMA ownership (nic_dma.c) */

/* DMA memory from mmap(MAP_PHYS | MAP_ANON): kept (as a record) after munmap, so a late
 * DMA into it names where it was unmapped. */
struct nic_region {
	uint64_t id;                 /* 1, 2, ... in creation order */
	uintptr_t base, end;         /* [base, end): what the driver asked for */
	uint64_t bus;                /* its bus address (never reused: see nic_dma.c) */
	size_t maplen;               /* what was mapped (whole pages) */
	int live;
	struct net_site alloc, freed;
	struct nic_region *next;
};

enum nic_own_kind { NIC_OWN_NONE = 0, NIC_OWN_MBUF, NIC_OWN_REGION, NIC_OWN_BAD };

/*
 * A descriptor's buffer, as the NIC recorded it when the descriptor was handed over (the
 * doorbell): which mbuf or region it lies in and which allocation of it (the mbuf's
 * allocation number, the region's id). Checked again whenever the NIC really touches the
 * buffer. While held, an mbuf's record counts a DMA reference (net_mrec.dma_refs), so
 * the pool tells us when such an mbuf is freed (nic_dma_mbuf_freed).
 */
struct nic_own {
	uint8_t kind;                /* enum nic_own_kind */
	uint8_t freed;               /* freed (by the pool's note) while the NIC held it */
	uint8_t cmd;                 /* TX: the descriptor's cmd as fetched */
	int16_t site;                /* freed: index into the side table of sites, -1 */
	uint16_t len;                /* TX: the descriptor's len as fetched */
	uint64_t gen;                /* mbuf allocation number / region id */
	void *obj;                   /* struct net_mrec * / struct nic_region * */
	uint64_t bus;                /* the buffer's bus address as fetched */
	uintptr_t addr;              /* ... and where that is for us (valid only if owned) */
	uintptr_t lo, hi;            /* the owning buffer's extent */
	sim_ns handed;               /* when the doorbell handed it over */
};

/* ------------------------------------------------------------ engines */

struct nic_ring {
	uint32_t bal, bah, len;      /* registers (len: TDLEN/RDLEN) */
	uint32_t head, tail;         /* TDH/RDH (materialised) and TDT/RDT */
	int ok;                      /* base and size valid and the memory owned */
	uintptr_t host;              /* the ring's address */
	struct nic_region *mem;      /* the region holding the ring, and its id */
	uint64_t mem_id;
	struct nic_own *own;         /* [NIC_RING_MAX], by descriptor index */
};

enum nic_txf_how { NIC_TXF_SEND = 0, NIC_TXF_DROP, NIC_TXF_BAD };

/* A TX frame scheduled on the wire: its descriptors and its wire slot. */
struct nic_txf {
	uint32_t first;              /* first descriptor */
	uint16_t ndesc;
	uint8_t rs;                  /* a descriptor asks for status (RS) */
	uint8_t how;                 /* enum nic_txf_how */
	uint32_t len;                /* bytes (without CRC, before padding) */
	sim_ns start, end;           /* on the wire [start, end): end = completion/arrival */
};

struct nic_tx {
	struct nic_ring r;
	uint32_t sched;              /* first descriptor not in a scheduled frame */
	struct nic_txf *f;           /* [NIC_RING_MAX], circular */
	uint32_t fh, fn;             /* oldest frame, frames scheduled and not completed */
	sim_ns last_end;             /* end of the last scheduled frame */
	sim_ns bt0;                  /* back-to-back run: its start and bits so far, so the */
	uint64_t bbits;              /* line rate is exact over a run (no rounding drift) */
	int hang;                    /* fault tx_hang: nothing completes until reset */
	uint32_t nbad;               /* malformed frames among those scheduled */
};

struct nic_rx {
	struct nic_ring r;
	uint32_t bufsz;              /* RXBUFSZ */
};

/* ------------------------------------------------------------ the wire (wire.c) */

/* A frame on the wire towards a unit, copied out of the sender's buffers. */
struct nic_wframe {
	sim_ns at;                   /* arrival (end of the frame at this end) */
	uint32_t len, cap;
	uint8_t bad;                 /* CRC error */
	uint8_t *data;
};

struct nic_fifo {
	struct nic_wframe *q;        /* circular; slots keep their buffers */
	uint32_t cap, head, n;
};

/* Per stream (a source of peer-format frames), what each checker has seen of it. */
struct nic_seen {
	uint32_t stream;
	uint64_t *bits;              /* seq -> seen */
	uint64_t words;
	uint64_t unique;
	int64_t highest;             /* -1: none yet */
};

#define NIC_CHECK_STREAMS 8

/* The far end's check of what a unit transmits. */
struct nic_check {
	uint64_t received, corrupted, duplicated, reordered, app;
	struct nic_seen seen[NIC_CHECK_STREAMS];
	int nseen;
	uint64_t batch_bad;          /* anomalies since the last "nic_peer" record */
};

/* The traffic peer's frame generator state (a copy steps ahead for lookahead). */
struct nic_gen {
	int64_t n;                   /* next frame number */
	sim_ns prev_end;             /* end of the previous frame on the wire */
	sim_ns bt0;                  /* back-to-back run start and bits */
	uint64_t bbits;
};

#define NIC_PEER_SIZES 64
#define NIC_PEER_LA 128               /* > NIC_LOOKAHEAD */

struct nic_peer {
	double rate_fps;
	int64_t count;
	int sizes[NIC_PEER_SIZES];
	int nsizes;
	int broadcast;
	int has_dst;                 /* 1: frames go to dst, not the unit's station address */
	uint8_t dst[6];
	uint32_t stream;             /* its stream id */
	sim_ns t0;                   /* when it was attached */
	sim_ns resume_at;            /* NIC_FOREVER while the link is down */
	struct nic_gen g;
	/* lookahead: arrivals of frames la_first, la_first + 1, ... and the generator after
	 * each (a ring of NIC_PEER_LA), so that peeking ahead and taking cost O(1) a frame */
	sim_ns la_at[NIC_PEER_LA];
	struct nic_gen la_g[NIC_PEER_LA];
	int64_t la_first;
	int la_n;
	int64_t sent;                /* frames put on the wire (delivered or lost) */
	int64_t lost;                /* in flight when the cable was pulled */
};

/* ------------------------------------------------------------ a unit */

struct nic_phy {
	uint16_t bmcr, anar;
	int latched_down;            /* BMSR link bit latched low since the last read */
};

struct nic {
	int unit, irq;
	char name[16];               /* "simnic0" */
	uint64_t bar;
	struct model_nic_config cfg;
	int maps;                    /* mmap_device_io mappings in force */
	int pci_attached;            /* pci_attach_device holders */
	int pci_released;            /* a driver attached it and let it go since */
	int pci_command;             /* configuration space command register */

	/* registers */
	uint32_t ctrl, icr, ims, itr, mac_lo, mac_hi, mdic;
	sim_ns mdic_ready;
	uint32_t gptc, gprc, gotc, gorc, mpc, crcerrs, txdrop;

	/* totals since creation (model_nic_stats) */
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes, rx_missed, rx_crc, tx_dropped;
	uint64_t irqs, irqs_held, spurious, dma_errors, rx_filtered, rx_off;
	uint64_t resets;             /* CTRL.RST writes by the driver */

	/* interrupt state */
	int asserted;                /* raised for the current (ICR & IMS) != 0 */
	uint32_t itr_count;          /* coalescable events since the last interrupt */
	sim_ns itr_first;            /* the first of them (NIC_FOREVER: none) */

	struct nic_tx tx;
	struct nic_rx rx;

	/* PHY and link */
	struct nic_phy phy;
	int plugged;                 /* this end of the cable */
	int link_up, speed_mbps, full_duplex;   /* the link as negotiated */
	int phy_speed, phy_fd;       /* what this unit's PHY offers (model_nic_speed) */

	/* the cable */
	int cabled;
	struct nic *far;             /* the unit at the other end (itself: loopback) */
	struct nic_peer *peer;       /* or a traffic peer */
	sim_ns prop;                 /* propagation delay */
	struct nic_fifo in;          /* frames on the wire towards this unit */
	struct nic_check chk;        /* the far end's view of this unit's transmissions */
	uint8_t *scratch;            /* [NIC_FRAME_MAX] */

	/* faults */
	sim_ns exhaust_until, stall_from, stall_until, starve_from, starve_until;
	int64_t flaps_left, spur_left, corrupt_rx, corrupt_tx;
	sim_ns flap_period, spur_gap;
	int flap_down;               /* the flap has the cable out */

	/* engine clock */
	int in_sync, dirty;
	int dma_broken;              /* a DMA breach was reported: no more DMA */
	int shutdown_dma_reported;
	sim_timer *t_engine, *t_exhaust, *t_stall, *t_starve, *t_flap, *t_spur;

	/* batch counters for the trace (one record per batch) */
	uint64_t b_rx, b_rx_bytes, b_rx_missed, b_rx_crc, b_rx_other;
};

/* ------------------------------------------------------------ nic.c */

struct nic_kinds {
	int create, reg, doorbell, tx, rx, irq, link, fault, wire, reset, dma, peer, mdio;
};

struct nic_state {
	sim_world *w;
	struct nic_kinds k;
	struct nic *units[NIC_UNITS_MAX];
	int n;
	int64_t stream_sent[NIC_UNITS_MAX + 1];      /* frames sent per stream id */
};

extern struct nic_state nic_g;

static inline sim_ns nic_now(void) { return sim_now(nic_g.w); }
/* The unit n, or NULL. */
struct nic *nic_unit(int n);
/* Bring u up to now: completions, arrivals, interrupts; then arm its checkpoint. Any
 * context; re-entrant calls (an ISR reading a register) only mark it dirty. */
void nic_sync(struct nic *u);
/* u's schedule of frames towards its far unit changed: bring that unit up to now and
 * re-arm its checkpoint (without pulling u again). */
void nic_far_changed(struct nic *u);
/* After a register access changed u's state at now: evaluate the interrupt output and
 * re-arm the checkpoint (u was synced before the access). */
void nic_settle(struct nic *u);
/* A cause occurred at time t (coalescing counts it). */
void nic_cause(struct nic *u, uint32_t cause, sim_ns t);
/* Evaluate the interrupt output (called by sync and by register writes). from_ims: an
 * IMS write unmasked causes that were pending (counted as held). */
void nic_irq_eval(struct nic *u, int from_ims);
/* Station address from the registers. */
void nic_mac(const struct nic *u, uint8_t mac[6]);
/* Wire time of a frame of len bytes (without CRC) at mbps, in bits. */
static inline uint64_t nic_wire_bits(uint32_t len)
{
	return (uint64_t)((len < NIC_FRAME_MIN ? NIC_FRAME_MIN : len) + NIC_WIRE_OVERHEAD) * 8u;
}
/* End of a frame of `bits` starting at start after a run (t0, bits so far) at mbps:
 * updates the run. */
sim_ns nic_run_end(sim_ns *bt0, uint64_t *bbits, sim_ns prev_end, sim_ns start, uint64_t bits,
                   int mbps);
const char *nic_fmt_ns(sim_ns t, char *buf, size_t n);

/* ------------------------------------------------------------ nic_regs.c */

uint32_t nic_reg_read(struct nic *u, uint32_t off);
void nic_reg_write(struct nic *u, uint32_t off, uint32_t v);
const char *nic_reg_name(uint32_t off);
/* CTRL.RST: DMA stops at once, rings, causes and mask cleared, address from the EEPROM. */
void nic_reset(struct nic *u, const char *why);
/* The unit that decodes address a (BAR), or NULL. */
struct nic *nic_by_addr(uintptr_t a);

/* ------------------------------------------------------------ nic_tx.c */

void nic_tx_doorbell(struct nic *u, uint32_t tail);
/* Schedule what the engine may take now (after a doorbell, TXEN, a fault's end). */
void nic_tx_schedule(struct nic *u);
/* Complete frames whose slot ended by lim. */
void nic_tx_complete(struct nic *u, sim_ns lim);
/* Take back frames not started by now (TXEN cleared, DMA stall). all: also the frame on
 * the wire (tx_hang). */
void nic_tx_unschedule(struct nic *u, int all);
/* The link went down: everything scheduled is dropped now. */
void nic_tx_link_down(struct nic *u);
/* Forget the ring (reset, ring reprogrammed): no write-back, ownership released. */
void nic_tx_forget(struct nic *u);

/* ------------------------------------------------------------ nic_rx.c */

void nic_rx_doorbell(struct nic *u, uint32_t tail);
/* Take the frames that arrived by now (their DMA time) from the wire. */
void nic_rx_process(struct nic *u, sim_ns now);
void nic_rx_forget(struct nic *u);
/* Descriptors the NIC holds for receiving. */
uint32_t nic_rx_avail(const struct nic *u);
void nic_rx_trace_batch(struct nic *u);

/* ------------------------------------------------------------ nic_dma.c */

/* Bus addresses: DMA regions at NIC_BUS_REGION upwards in creation order (a new region
 * never reuses an old one's), mbuf slabs at NET_MBUF_BUS (net_int.h), anything else at
 * NIC_BUS_NONE, where there is no memory. Deterministic: never a host address. */
#define NIC_BUS_REGION 0x0000000100000000ull
#define NIC_BUS_NONE 0x000000ff00000000ull
uint64_t nic_bus_of(const void *p);
/* The region (live or unmapped) whose bus range holds bus, or NULL. */
struct nic_region *nic_region_by_bus(uint64_t bus);
/* Record who owns the buffer at bus address bus (a descriptor handed over). */
void nic_own_take(struct nic_own *o, uint64_t bus);
void nic_own_release(struct nic_own *o);
/*
 * The NIC is about to read (write = 0) or write len bytes of the buffer of descriptor desc
 * of ring ("TX"/"RX") of u, at o->addr: 1 if allowed. Otherwise the breach is reported
 * (dma-after-free, dma-bad-address), DMAERR caused, the unit stops DMA; 0.
 */
int nic_dma_check(struct nic *u, const char *ring, uint32_t desc, struct nic_own *o,
                  uint32_t len, int write);
/* The ring's own memory (descriptors) may be touched: 1, else reported as above. */
int nic_dma_ring_ok(struct nic *u, struct nic_ring *r, const char *ring);
/*
 * The driver moves ring r's tail from r->tail to tail (dir "TX" or "RX"): 1 if that only
 * hands the NIC descriptors it did not own; 0 after reporting "nic-ring-overrun" when the
 * new tail passes the head (the driver took back descriptors the NIC still owns).
 */
int nic_ring_tail_ok(struct nic *u, const struct nic_ring *r, const char *dir, uint32_t tail);
/* Check the ring registers and memory at a doorbell: 1 if usable (r->ok). */
int nic_dma_ring_setup(struct nic *u, struct nic_ring *r, const char *ring);
/* Any DMA now: 0 (and reported once) after io-pkt's shutdown hooks ran or after the
 * driver let the unit go. what: "read TX descriptor 3" ... */
int nic_dma_allowed(struct nic *u, const char *what);
/* The live region holding host memory [a, a+len), or NULL. */
struct nic_region *nic_region_at(uintptr_t a, size_t len);

/* ------------------------------------------------------------ nic_phy.c */

uint16_t nic_phy_read(struct nic *u, int reg);
void nic_phy_write(struct nic *u, int reg, uint16_t v);
/* Recompute the link from the cable and the PHYs; apply a change (LSC). */
void nic_link_update(struct nic *u, const char *why);
void nic_phy_reset(struct nic *u);

/* ------------------------------------------------------------ wire.c */

/* A frame u transmitted left its port at end: checked by the far end, and queued for
 * the far unit if there is one. */
void nic_wire_deliver(struct nic *u, const uint8_t *data, uint32_t len, int bad, sim_ns end);
/* The next frame arriving at u (from the FIFO or the peer): 1 with *at and *len, 0 if
 * none known. */
int nic_wire_next(struct nic *u, sim_ns *at, uint32_t *len);
/* Take that frame: its bytes (valid until the next call) and CRC state. */
const uint8_t *nic_wire_take(struct nic *u, uint32_t *len, int *bad);
/* Arrival time of the i-th next frame towards u (i < NIC_LOOKAHEAD): in the FIFO, then
 * scheduled by the far unit (every frame it scheduled counts: an early guess is harmless),
 * then from the peer; NIC_FOREVER if none is known. */
sim_ns nic_wire_at(struct nic *u, int i);
/* The link to u went down at now: frames in flight are lost; the peer pauses. */
void nic_wire_link_down(struct nic *u);
void nic_wire_link_up(struct nic *u);
/* Fill a peer-format frame (docs/simnic.md "Frames on the wire"). */
void nic_frame_fill(uint8_t *buf, uint32_t len, const uint8_t dst[6], const uint8_t src[6],
                    uint32_t stream, uint64_t seq);
void nic_check_frame(struct nic *u, const uint8_t *data, uint32_t len, int bad);
void nic_check_lost(const struct nic *u, uint64_t *lost);

/* Extension proposed for model.h: the propagation delay of unit n's cable, both ways
 * (default 0). 0, -ENXIO, -EINVAL. */
int model_wire_delay(int n, sim_ns delay);

/* ------------------------------------------------------------ nic_fault.c */

void nic_fault_timers(struct nic *u);
int nic_rx_faulted(const struct nic *u, sim_ns t);   /* starve or stall at t: missed */

#endif
