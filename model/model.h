/*
 * model/model.h — the io-pkt model as the harness drives it: create io-pkt in a world,
 * serve management requests (mount, ifconfig, shutdown), send application traffic, read
 * interface and mbuf state. The driver-facing API is in include/, not here.
 *
 * One model per process (like the world). Requests are served in the stack context like
 * io-pkt's resource manager serves them: the calling simulated thread (a scenario
 * thread) blocks, in virtual time, until the request is done.
 *
 * Return convention at this boundary: 0 or a POSITIVE errno, as io-pkt's utilities see
 * it (ENXIO, EINVAL, ...), with a reason in err. A request the stack never answers (a
 * driver that blocks the stack forever) never returns: the stall watchdog or deadlock
 * detection of sim/ ends the run and names who waits on what.
 */
#ifndef PKTSIM_MODEL_H
#define PKTSIM_MODEL_H

#include "sim.h"

#include <stddef.h>
#include <stdint.h>

struct model_if_info;

struct model_config {
	int workers;             /* io-pkt worker threads "io-pkt#0xNN"; 0 = one per CPU */
	const char *driver_dir;  /* where a mount of "devnp-x.so" (no '/') is looked up */
	int hz;                  /* callout ticks per second (io-pkt: 119) */
	/* Which io-pkt: 0 = as the seed documents describe it (a tracked thread whose init
	 * sets no quiesce callback is accepted, and quiesce_all then waits for it forever);
	 * 66 = io-pkt 6.6 (nw_pthread_create refuses such a thread with EINVAL). */
	int version;
	/* quiesce_all (or nw_pthread_reap) waiting longer than this for a thread to reach
	 * quiesce_block is the breach "quiesce-deadlock" naming every thread not there and
	 * why; 0: no limit (the stall watchdog still sees the stack wait). */
	int64_t quiesce_limit;
	/* 1 (default): a trace record for every frame event (mbuf allocation and free,
	 * if_input, ether_input, if_snd enqueue and dequeue). 0: those are counted instead and
	 * traced as one "frames" record at the end of each stack pass; drops, purges, failures
	 * and everything else keep their own records, and the model does the same work. For
	 * long or fast runs, where per-frame records are most of the trace (docs/model.md). */
	int frame_records;
};

void model_config_defaults(struct model_config *cfg);

/*
 * Create io-pkt in w: its main thread "io-pkt main", its workers, the stack context, the
 * mbuf pool. Call once, before sim_world_run (setup phase) or from a simulated thread.
 * Returns 0 or a negative errno with the reason in err; nothing is left on failure.
 */
int model_create(sim_world *w, const struct model_config *cfg, char *err, size_t errlen);

/* ---------------------------------------------- management requests (block) */

/*
 * mount -T io-pkt DRIVER OPTIONS: load the driver (dlopen), find iopkt_drvr_entry, call
 * its entry function in the stack context (which calls dev_attach per device). DRIVER
 * is a path or a file name looked up in driver_dir. 0 or a positive errno.
 */
int model_mount(const char *driver, const char *options, char *err, size_t errlen);

/*
 * ifconfig IFNAME ARGS, ARGS one of: "up", "down", "destroy", "mtu N", an IPv4 address
 * ("10.0.0.1" or "10.0.0.1/24": brings the interface up and calls if_init), "media X".
 * 0 or a positive errno.
 */
int model_ifconfig(const char *ifname, const char *args, char *err, size_t errlen);

/*
 * umount /dev/io-net/IFNAME (or just IFNAME): detach the interface's device, as
 * "ifconfig IFNAME destroy" does. 0 or a positive errno.
 */
int model_umount(const char *path, char *err, size_t errlen);

/*
 * nicinfo IFNAME: the interface's state and counters, read in the stack context like
 * io-pkt's resource manager answers it — so it waits, as the utility would, while a
 * driver holds the stack. 0 (and *out) or a positive errno (ENXIO: no such interface).
 */
int model_nicinfo(const char *ifname, struct model_if_info *out, char *err, size_t errlen);

/* io-pkt exits (or crashes): the shutdown hooks run, newest first, nothing else. */
int model_shutdown(char *err, size_t errlen);

/* ------------------------------------------------- application traffic */

/*
 * An application sends one frame of len bytes (a broadcast Ethernet frame with a
 * payload pattern) through IFNAME, the way a socket write reaches ether_output: 0 when
 * queued (if_start is called unless IFF_OACTIVE), ENETDOWN when the interface is not up
 * (the frame is freed), ENOBUFS when if_snd is full or no mbuf is free, ENXIO when there
 * is no such interface. From a simulated thread; may wait for the TX mutex.
 */
int model_app_send(const char *ifname, size_t len);

/*
 * count frames in ONE stack request (an application writing them in one call, like
 * sendmmsg): each as model_app_send would, one after the other, stopping at the first
 * that fails. *sent is how many were queued; returns 0 if all were, else the errno of the
 * first failure (as model_app_send). Batching is what keeps a flood of application frames
 * from costing a request (a pseudo-thread and its context switches) per frame.
 */
int model_app_send_n(const char *ifname, size_t len, int count, int *sent);

/* ------------------------------------------------- the bridge (model/bridge.c) */

/*
 * io-pkt's if_bridge (NetBSD bridge(4)): "ifconfig bridgeN create; brconfig bridgeN add
 * IF ... up". Bridges are named "bridge0".."bridge3" and are up once created; a member
 * is an Ethernet interface, in at most one bridge, at most MODEL_BRIDGE_PORTS per bridge,
 * in the order added. Adding a member puts it in promiscuous mode as io-pkt's ifpromisc
 * does (if_pcount++, IFF_PROMISC, the driver's if_ioctl(SIOCSIFFLAGS) if it is up);
 * deleting it takes it out. Each call is a stack request (traced "net_request" and
 * "bridge"). 0 or a positive errno with the reason in err: EINVAL (a bad bridge name, a
 * member that is not Ethernet), EEXIST (the bridge exists; the interface is a member
 * already), ENXIO (no such bridge or interface), EBUSY (a member of another bridge),
 * ENOSPC (the bridge is full), ENOENT (not a member), or the driver's if_ioctl error
 * (the member is then not added).
 */
#define MODEL_BRIDGE_PORTS 8
int model_bridge_create(const char *bridge, char *err, size_t errlen);
int model_bridge_add(const char *bridge, const char *ifname, char *err, size_t errlen);
int model_bridge_del(const char *bridge, const char *ifname, char *err, size_t errlen);
/* Deletes every member (in order), then the bridge. */
int model_bridge_destroy(const char *bridge, char *err, size_t errlen);

struct model_bridge_port {
	char name[16];
	uint64_t rx;             /* frames that came in on it and the bridge handled */
	uint64_t tx;             /* frames the bridge queued on its if_snd */
	uint64_t drops;          /* frames for it the bridge lost (if_snd full, no mbuf) */
};

struct model_bridge_stats {
	int exists;
	int nports;
	struct model_bridge_port port[MODEL_BRIDGE_PORTS]; /* in the order added */
	uint64_t forwarded;      /* frames queued on a member's if_snd (each copy counts) */
	uint64_t flooded;        /* frames sent to every other member (unknown destination,
	                          * broadcast, multicast) */
	uint64_t delivered;      /* frames that went up to the stack (for a member's own
	                          * address, broadcast, multicast) */
	uint64_t filtered;       /* frames for the side they came from, or with nowhere to go */
	uint64_t dropped;        /* frames lost: if_snd full, no mbuf for a copy, output member
	                          * down, a member's own frame come back */
	int addresses;           /* learned addresses in the table now */
};
/* 0 and *out (out->exists = 0 if there is no such bridge). Any context; never waits. */
int model_bridge_stats(const char *bridge, struct model_bridge_stats *out);

/* ------------------------------------------------------------ state */

struct model_if_info {
	char name[16];
	int exists;
	int flags, flags_tx;     /* IFF_* as the driver left them */
	int up, running;         /* IFF_UP, IFF_RUNNING in if_flags */
	int oactive, running_tx; /* IFF_OACTIVE, IFF_RUNNING in if_flags_tx (the TX side) */
	int link_state;          /* LINK_STATE_UNKNOWN/DOWN/UP */
	char link[8];            /* "up", "down", "unknown" */
	int mtu;
	uint64_t ipackets, opackets, ierrors, oerrors;
	uint64_t input_delivered;/* frames ether_input handed up */
	uint64_t input_dropped;  /* frames ether_input dropped (interface down) */
	int snd_len, snd_maxlen; /* if_snd */
	uint64_t snd_drops;      /* frames dropped because if_snd was full */
	uint64_t init_calls, stop_calls, start_calls;
	/* stale-queue evidence (ns of virtual time, -1: never / empty): io-pkt's last call of
	 * if_start and if_stop, the last frame that left if_snd (sent or purged), and when the
	 * frame at the head of if_snd was allocated (how long it has waited) */
	int64_t start_t, stop_t, deq_t, snd_head_t;
	int callouts;            /* callouts pending whose struct lies in the device */
	char callout_desc[160];  /* "callout 7 (simnic_kick_tx) pending; ..." */
	char start_fn[64], stop_fn[64]; /* the driver's if_start and if_stop, by symbol */
};

/* 0 and *out (out->exists = 0 if there is no such interface). Any context; reads the
 * state directly, without waiting for the stack (model_nicinfo waits). */
int model_if_info(const char *ifname, struct model_if_info *out);

struct model_mbuf_info {
	int mbufs, clusters;     /* in use */
	int allocs, frees;       /* since creation */
};

/* mbufs in use, all of them (owner NULL) or those allocated by one driver ("sam"). */
int model_mbuf_info(const char *driver, struct model_mbuf_info *out);

/* 1 if the driver's DLL ("devnp-sam.so" or its path) is loaded. */
int model_driver_loaded(const char *driver);

/* ------------------------------------------------- mbuf pool: limits, faults, leaks */

/* Pool limits: mbufs and clusters in use at most (0 keeps a limit; defaults 8192 and
 * 4096). Beyond them M_NOWAIT allocations fail and M_WAITOK ones in a pseudo-thread
 * wait. 0 or -EINVAL. */
int model_mbuf_set_limit(int mbufs, int clusters);

/* Fault injection: let the next `after` allocations succeed, then fail `count` of them
 * (count < 0: every one from then on). model_mbuf_fail(-1, 0) turns it off. Each
 * injected failure passes through model_mbuf_fault_hit() (a place for a breakpoint). */
void model_mbuf_fail(int after, int count);
void model_mbuf_fault_hit(void);

/* Fault injection in io-pkt's own calls: let the next `after` calls of `call` succeed,
 * then fail `count` of them (count < 0: every one from then on; 0: off), as the real call
 * fails. call: "interrupt_entry_init" (EAGAIN) or "InterruptAttach" (InterruptAttach_r
 * and InterruptAttachEvent_r, EAGAIN). 0, or -EINVAL for another call or after < 0. */
int model_call_fail(const char *call, int after, int count);

/* One mbuf in use, as model_mbuf_live reports it. */
struct model_mbuf_live {
	uint64_t seq;            /* allocation number */
	int cluster;             /* has a cluster */
	int len;                 /* m_len */
	char owner[32];          /* "sam", "io-pkt" */
	char site[320];          /* "sam_rx_mbuf+0x3c (devnp-sam.so) in sam_process_interrupt
	                          * (process_interrupt), thread \"io-pkt#0x00\", t=1.000ms" */
	sim_ns t;                /* when it was allocated */
};

/* Call fn for each mbuf in use (all, or those of one driver), oldest first; returns how
 * many there are (fn may be NULL to count). Any context. */
int model_mbuf_live(const char *driver, void (*fn)(const struct model_mbuf_live *, void *),
                    void *arg);

/* ------------------------------------------------------- driver heap memory */

/* Driver code's malloc/calloc/realloc/free (include/stdlib.h redirects them): blocks in
 * use now, of all code (driver NULL) or of one driver ("sam"). */
struct model_mem_info {
	int blocks;
	size_t bytes;
	uint64_t fails;          /* allocations failed by model_mem_fail, all drivers */
	uint64_t seq;            /* allocation number reached (every block counts) */
};
int model_mem_info(const char *driver, struct model_mem_info *out);

/* One block in use, as model_mem_live reports it. */
struct model_mem_live {
	uint64_t seq;            /* allocation number */
	size_t size;
	char owner[32];
	char site[320];          /* "sam_attach+0x5c (devnp-sam.so) in sam_attach (attach), ..." */
	sim_ns t;
};
/* Call fn for each block in use (all, or one driver's), oldest first; returns how many. */
int model_mem_live(const char *driver, void (*fn)(const struct model_mem_live *, void *),
                   void *arg);

/* Fault injection: driver allocations (not io-pkt's) succeed `after` more times, then
 * `count` fail (count < 0: every one); model_mem_fail(-1, 0) turns it off. */
void model_mem_fail(int after, int count);

/* What the driver left registered when io-pkt last unloaded its DLL ("device sam1;
 * callout sam_monitor; ..."), into buf; returns how many items (0: a clean unload or
 * never unloaded). */
int model_driver_leftovers(const char *driver, char *buf, size_t n);

/*
 * Per-cycle leak check of one driver ("devnp-sam.so" or "sam"): its mbufs in use and what
 * io-pkt keeps registered for it (pending callouts, interrupt entries, ISRs, running
 * threads, shutdown hooks, in its DLLs or devices). The first call for a driver records
 * the baseline (cycle is the caller's cycle number, 0 before the first); each later call
 * compares: 0 while nothing grew, 1 with msg "cycle N: ... (growth began in cycle K): ..."
 * naming the oldest mbuf allocated since the baseline and its allocating site, or what is
 * registered now. A negative errno if there is no model (-ENXIO) or too many drivers.
 */
int model_leak_check(const char *driver, int cycle, char *msg, size_t n);

/* How many times io-pkt called the driver function named fn (its symbol, as the trace's
 * drv_call records name it) in this run; 0 if never. Any context. Each call into a
 * driver is traced as drv_call (entry, function) and drv_return (entry, function). */
uint64_t model_driver_calls(const char *fn);
/* The i-th (0, 1, ...) distinct driver function io-pkt called in this run, in first-call
 * order, and how many times (*calls, if not NULL); NULL past the last. */
const char *model_driver_called(int i, uint64_t *calls);

/* After the run, when nothing will call driver code again: dlclose() every driver still
 * mapped, which runs its destructors; a driver built with --coverage writes its gcov
 * counters then (the scenario process ends with _exit, which runs none). */
void model_drivers_unmap(void);

/* ------------------------------------------------------- NIC hardware (simnic) */

/*
 * simnic units: pktsim's simulated Ethernet controllers (<hw/simnic.h>, docs/simnic.md).
 * A unit sits on the simulated PCI bus (a driver finds it with pci_attach_device by
 * vendor/device id, in creation order), has its registers behind mmap_device_io, its own
 * IRQ line, and a PHY. Creation from the setup phase or a simulated thread; every other
 * call from any context. Units are numbered 0, 1, ... in creation order.
 */
struct model_nic_config {
	int speed_mbps;          /* 10, 100, 1000 (default) or 10000 */
	int full_duplex;         /* default 1 */
	int link_up;             /* cable plugged at start (default 1, once a peer exists) */
	sim_ns reg_read_ns;      /* cost of a register read (default 1 us) */
	sim_ns reg_write_ns;     /* cost of a (posted) register write (default 50 ns) */
	sim_ns dma_latency_ns;   /* descriptor fetch / write-back latency (default 500 ns) */
	uint8_t mac[6];          /* station address; all zero: 02:50:53:00:00:<unit> */
};

void model_nic_config_defaults(struct model_nic_config *cfg);
/* Returns the unit number (>= 0) or a negative errno with the reason in err. */
int model_nic_create(const struct model_nic_config *cfg, char *err, size_t errlen);

/* The cable: connect two units, plug a unit into itself, or give it a traffic peer. */
int model_wire_connect(int nic_a, int nic_b);
int model_wire_loopback(int nic);
/* The cable's propagation delay for nic's link (default 0). */
int model_wire_delay(int nic, sim_ns delay);

/* A traffic source/sink peer at the far end of a unit's cable. */
struct model_traffic {
	double rate_fps;         /* frames per second offered (0: as fast as the link allows) */
	int64_t count;           /* frames to send (0: none, only sink) */
	const int *sizes;        /* frame sizes in bytes (60..9018, no CRC), used in turn */
	int nsizes;
	int broadcast;           /* 1: broadcast destination; 0: the unit's station address */
	uint8_t dst[6];          /* not all zero (and broadcast 0): this destination instead
	                          * (another peer's address, through a bridge) */
};
/* Attach a peer to nic: it sends t->count frames into nic (with a sequence number and a
 * checked payload pattern) and receives and checks every frame nic transmits. */
int model_wire_peer(int nic, const struct model_traffic *t, char *err, size_t errlen);

/* Pull (up = 0) or plug (1) the cable; change speed/duplex (the PHY renegotiates). */
int model_nic_link(int nic, int up);
int model_nic_speed(int nic, int mbps, int full_duplex);

/*
 * Fault knobs, each traced: "tx_desc_exhaust" (the NIC stops taking TX descriptors for
 * duration), "rx_starve" (RX descriptors are ignored: frames are missed), "dma_stall" (no
 * DMA for duration), "tx_hang" (TX never completes until reset), "link_flap" (count
 * pull/plug cycles, period duration each), "spurious_irq" (count interrupts with no cause),
 * "corrupt" (the next count frames received get a bad CRC), "corrupt_tx" (the next count
 * frames the unit sends reach the far end with a bad CRC). 0 or a negative errno.
 */
int model_nic_fault(int nic, const char *fault, sim_ns duration, int64_t count, char *err,
                    size_t errlen);

struct model_nic_stats {
	int exists;
	int link_up, speed_mbps, full_duplex;
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;
	uint64_t rx_missed, rx_crc_errors, tx_dropped;
	uint64_t rx_filtered;    /* frames the receive filter refused: for another station
	                          * without PROMISC, multicast without ALLMULTI */
	uint64_t irqs_raised, irqs_held_masked, spurious_irqs;
	uint64_t dma_errors;     /* DMA to memory the driver no longer owns (reported) */
	uint64_t resets;         /* chip resets the driver asked for (CTRL.RST writes) */
	/* the peer's end-to-end view */
	uint64_t peer_sent, peer_received, peer_corrupted, peer_duplicated, peer_reordered,
		peer_lost;
};
int model_nic_stats(int nic, struct model_nic_stats *out);

/* ------------------------------------------- stack-context latency (latency.c) */

/*
 * How long driver code holds the stack context, what it spends the time on, and what an
 * application waiting for the stack sees (docs/latency.md). Always measured; budgets,
 * blocking checks and the probe are what a scenario turns on.
 */

/* The costs a driver's own actions charge in virtual time (docs/latency.md has the
 * defaults). Register costs of -1 mean "what each simnic unit was created with". */
enum model_cost {
	MODEL_COST_MBUF_ALLOC,   /* m_get, m_gethdr, m_getcl, m_clget ... in driver code */
	MODEL_COST_MBUF_FREE,    /* m_free, each mbuf of m_freem */
	MODEL_COST_BARRIER,      /* membar_producer/consumer/sync (<sys/atomic.h>) */
	MODEL_COST_REG_READ,     /* in8/16/32 of a simnic register (-1: the unit's own) */
	MODEL_COST_REG_WRITE,    /* out8/16/32 (-1: the unit's own) */
	MODEL_COST_WAKEUP,       /* an idle io-pkt worker woken: CPU before it looks for work */
	MODEL_COST_COUNT
};

/* Set cost `name` ("mbuf_alloc", ...) to ns. 0, or -EINVAL with the reason in err. */
int model_lat_cost_set(const char *name, sim_ns ns, char *err, size_t errlen);
/* Name and value of cost i (0..MODEL_COST_COUNT-1), NULL past the end. */
const char *model_lat_cost_name(int i, sim_ns *ns);

/*
 * A budget: `what` is "any" (every outermost hold), "probe" (the probe's wait), an entry
 * point ("if_init", "callout", "process_interrupt", ...) or a driver symbol ("sam_init"),
 * or "delay_threshold" (a busy wait longer than this in the stack context is a blocking
 * call). Setting any budget turns the checks on: an exceeded budget is the breach
 * "stack-hold-budget" / "stack-probe-budget", a blocking call in the stack context
 * "stack-blocked". 0, or -EINVAL with the reason in err.
 */
int model_lat_budget_set(const char *what, sim_ns limit, char *err, size_t errlen);
/* Turn the checks on or off (budgets kept). */
void model_lat_checks(int on);

/* Start the probe: every period, a status request that waits for the stack context like
 * "ifconfig" does; its wait is sampled. From the setup or a thread. 0 or -errno. */
int model_lat_probe_start(sim_ns period, char *err, size_t errlen);

#define MODEL_LAT_FN 96
#define MODEL_LAT_EVENTS 8       /* rows per hold: the 7 costliest events, then "other" */
#define MODEL_LAT_BUCKETS 22     /* histogram: < 1us, 1-2us, 2-5us, ..., 2-5s, >= 5s */
#define MODEL_LAT_WORST 10
#define MODEL_LAT_ENTRIES 32

/* What cost time inside a hold: `what` ("delay(50)", "in32 STATUS", "mutex wait") done
 * by driver function fn, count times, total ns together. */
struct model_lat_event {
	char what[48];
	char fn[MODEL_LAT_FN];
	uint64_t count;
	sim_ns total;
};

/* One call into the driver that held the stack context (or a worker). */
struct model_lat_hold {
	char entry[24];          /* io-pkt entry point: "if_init", "callout", ... */
	char fn[MODEL_LAT_FN];   /* driver symbol: "sam_init" */
	char ctx[8];             /* "stack", or "intr" (a worker's interrupt work) */
	int depth;               /* 0: outermost; 1: called inside another driver call */
	sim_ns start, held, elapsed; /* held: time holding the token inside the call */
	uint64_t seq;            /* its "hold" trace record (0 when held was 0: none) */
	int open;                /* 1: still running when the report was made (no record) */
	int nev;
	struct model_lat_event ev[MODEL_LAT_EVENTS];
};

struct model_lat_span {          /* an outermost hold on the timeline */
	char entry[24];
	sim_ns start, held;
	uint64_t seq;
};

struct model_lat_dist {          /* a distribution of durations, exact */
	uint64_t n;
	sim_ns min, avg, p50, p99, max, total;
	uint64_t hist[MODEL_LAT_BUCKETS];
};

struct model_lat_report {
	int nentries;            /* per entry point, first-seen order, nested calls too */
	struct { char entry[24]; struct model_lat_dist dist; } entries[MODEL_LAT_ENTRIES];
	struct model_lat_dist holds;      /* outermost holds */
	int nworst;
	struct model_lat_hold worst[MODEL_LAT_WORST];
	const struct model_lat_span *spans; /* valid until the model goes */
	size_t nspans;
	sim_ns probe_period;     /* 0: no probe ran */
	struct model_lat_dist probe;
	const sim_ns *probe_at, *probe_wait; /* each sample: when sent, how long it waited */
	size_t nprobe;
	uint64_t flagged;        /* blocking calls seen in the stack context */
	int checks;
	sim_ns budget_any, budget_probe;
	sim_ns end;              /* virtual time of the report */
};

/* Fill out with the measurements so far. Any context; 0. */
int model_lat_report(struct model_lat_report *out);
/* Upper bound (exclusive) of histogram bucket i, -1 for the last (open) one. */
sim_ns model_lat_bucket_bound(int i);
/* "delay(50) x10 = 500.000ms in sam_stop; ..." into buf; returns buf. */
const char *model_lat_events_format(const struct model_lat_event *ev, int nev, char *buf,
                                    size_t n);

/* Rule breaches detected so far (see include/ and docs: sleep outside the stack, ...). */
int model_breaches(void);

#endif
