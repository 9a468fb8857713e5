/*
 * model/net_int.h — internals of the io-pkt model's net half, shared between its files:
 *
 *   net.c       the half's state, creation, trace kinds, stack work (model_net_*)
 *   mbuf.c      the mbuf pool: records, quarantine, owners, checks, fault injection
 *   mbuf_api.c  the driver-facing m_get/m_free family; mbuf_chain.c chain helpers
 *   ifnet.c     if_attach/if_detach, the interface list, calls into if_init/if_stop/...
 *   ifq.c       if_snd (the IFQ_ backends); siglock.c the TX mutex and NW_SIGLOCK
 *   ether.c     ether_ifattach/ifdetach, ether_ioctl, multicast; input.c if_input and
 *               link-state changes, queued for the stack; media.c ifmedia
 *   device.c    dev_attach/dev_detach; dll.c loading and unloading drivers
 *   request.c   mount/ifconfig/shutdown requests; app.c application traffic
 *   bridge.c    if_bridge: learning, forwarding between interfaces; bridge_member.c
 *               its members (promiscuous mode) and requests
 *   shutdown.c  shutdown hooks; klog.c log(), panic(), strlcpy
 *
 * Everything runs on simulated threads one at a time (sim/), so nothing here locks.
 * Lists are kept in creation order and searched linearly: the order of everything is
 * decided by creation, never by pointer values.
 */
#ifndef PKTSIM_NET_INT_H
#define PKTSIM_NET_INT_H

#include "model_int.h"

#include <io-pkt/iopkt_driver.h>
#include <net/if_media.h>

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>

/* Magic numbers: live objects, and what a freed one is left with. */
#define NET_MAGIC_MBUF 0x6d627566u      /* "mbuf": mh_magic of a live mbuf */
#define NET_MAGIC_MBUF_FREE 0x66726565u /* "free": mh_magic of a freed mbuf */
#define NET_MAGIC_MREC 0x6d726563u      /* "mrec": the pool record around an mbuf */
#define NET_MAGIC_IFNET 0x69666e74u     /* "ifnt" */
#define NET_MAGIC_DEV 0x64657621u       /* "dev!" */
#define NET_MAGIC_DLL 0x646c6c21u       /* "dll!" */
#define NET_MAGIC_HOOK 0x73686b21u      /* "shk!" */
#define NET_POISON 0xdb                 /* freed mbuf contents */
#define NET_POISON_MIN 256              /* cluster bytes poisoned at least at a free */

#define NET_SITE_LEN 96
#define NET_OWNER_LEN 32
#define NET_IO_PKT "io-pkt"             /* owner of what the model itself allocates */

/* ------------------------------------------------------------ mbufs (mbuf.c) */

/* Where something happened: the code, the driver function running, thread, time. The
 * texts are interned (model_intern) or the thread's own name, never copied: every mbuf
 * allocation and free fills one. All NULL in a site never filled. */
struct net_site {
	const char *owner;           /* "sam" (the DLL of the calling code) or "io-pkt" */
	const char *code;            /* "sam_rx_mbuf+0x3c (devnp-sam.so)" */
	const char *where;           /* model_call_where(): "sam_process_interrupt (...)" */
	const char *thread;          /* the thread's name (as it is when reported), "kernel" */
	sim_ns t;
};

/* The pool's record of one mbuf: the mbuf, its cluster and its history. */
struct net_mrec {
	uint32_t magic;              /* NET_MAGIC_MREC */
	int live;                    /* 1 while allocated */
	uint64_t seq;                /* allocation number (1, 2, ...), 0 never allocated */
	int has_cluster;
	int dma_refs;                /* NIC model: descriptors holding its buffer (nic_dma.c) */
	size_t poison_hi;            /* freed: cluster bytes [0, poison_hi) hold NET_POISON */
	struct net_site alloc, freed;
	struct net_mrec *prev_live, *next_live; /* live list, allocation order */
	struct net_mrec *next_q;     /* quarantine FIFO */
	struct mbuf m;
	char cluster[MCLBYTES];
};

/* Fill s for the code at return address ra (NULL: the model itself). */
void net_site_fill(struct net_site *s, const void *ra);
/* "sam_rx_mbuf+0x3c (devnp-sam.so) in sam_process_interrupt (process_interrupt), thread
 * io-pkt#0x00, t=1.000ms" */
const char *net_site_format(const struct net_site *s, char *buf, size_t n);
/* For the live lists of model.h (mbufs, heap blocks): 1 if s belongs to owner want (NULL:
 * any); its owner, formatted site and time into the caller's record. */
int net_site_of(const struct net_site *s, const char *want);
void net_site_export(const struct net_site *s, char *owner, size_t on, char *site, size_t sn,
                     sim_ns *t);

/* The record of m if m is one of the pool's mbufs (live or freed), else NULL. */
struct net_mrec *net_mbuf_rec(const struct mbuf *m);
/*
 * Allocate an mbuf (cluster: with a cluster; pkthdr: M_PKTHDR) for the code at ra (NULL:
 * the model itself, which skips the calling-thread rules). how is M_WAITOK/M_NOWAIT.
 * Returns NULL when the pool is exhausted or a fault is injected (after waiting, for
 * M_WAITOK in a pseudo-thread). api names the call for reports ("m_getcl").
 */
struct mbuf *net_mbuf_alloc(int how, int type, int pkthdr, int cluster, const void *ra,
                            const char *api);
/* Give m a cluster (m_clget). 0, or -ENOBUFS with m unchanged. */
int net_mbuf_add_cluster(struct mbuf *m, int how, const void *ra);
/*
 * Free one mbuf; returns its m_next. Checks m (double free, not an mbuf: breach, and
 * returns NULL without touching anything). ra as above.
 */
struct mbuf *net_mbuf_free(struct mbuf *m, const void *ra, const char *api);
/* Check m is a live mbuf; breach naming api otherwise. 1 if live. */
int net_mbuf_check(const struct mbuf *m, const char *api);
/* The calling thread may use the mbuf API (breach otherwise); 1 if so. */
int net_mbuf_thread_ok(const char *api);
/* Scan the quarantine for freed mbufs written after their free. Returns how many. */
int net_mbuf_check_quarantine(void);
void net_mbuf_init(void);
/* Allocation number of the latest mbuf (0 before the first): later ones have higher. */
uint64_t net_mbuf_seq(void);

/* --- for the NIC model's DMA checks (model/nic_dma.c; section at the end of mbuf.c) --- */

/* The record whose data lies at p (its internal data area, or its cluster if it has one)
 * and that area's extent [*lo, *hi); NULL if p is not in an mbuf's data. Freed records are
 * returned too (check live/seq). Any context; O(log slabs). */
struct net_mrec *net_mbuf_rec_at(const void *p, uintptr_t *lo, uintptr_t *hi);
/* Bus addresses of mbuf memory: slab k (creation order) is seen by devices at
 * NET_MBUF_BUS + k * NET_MBUF_BUS_STRIDE, so bus addresses are the same from run to run.
 * net_mbuf_bus_of: p's bus address, 0 if p is not in the pool's slabs; net_mbuf_host_of:
 * the reverse, NULL if bus is no slab's. */
#define NET_MBUF_BUS 0x0000000800000000ull
#define NET_MBUF_BUS_STRIDE 0x100000ull
uint64_t net_mbuf_bus_of(const void *p);
void *net_mbuf_host_of(uint64_t bus);
/* net_mbuf_free calls this for a record with dma_refs > 0, after filling r->freed: the NIC
 * still holds a descriptor pointing into it (model/nic_dma.c). */
void nic_dma_mbuf_freed(struct net_mrec *r);

/* ------------------------------------------------------------ DLLs (dll.c) */

enum net_dll_state {
	NET_DLL_LOADED = 1,   /* open */
	NET_DLL_UNLOADED,     /* io-pkt closed it and it was dlclose()d */
	NET_DLL_ZOMBIE,       /* io-pkt closed it, but something of it was left registered:
	                       * kept mapped, so calls into it are reported, not crashes */
};

struct net_dll {
	uint32_t magic;
	int id;                      /* load number, 1, 2, ... */
	enum net_dll_state state;
	char path[PATH_MAX];         /* as resolved */
	char file[64];               /* "devnp-sam.so" */
	char name[NET_OWNER_LEN];    /* "sam" */
	void *handle;                /* dlopen's: what drvr_init receives as dll_hdl */
	uintptr_t base, end;         /* the object's mapping */
	int opens;                   /* mounts that opened it, minus io-pkt's closes */
	sim_ns unloaded_at;
	char leftovers[512];         /* what was left registered when io-pkt closed it */
	int nleftovers;
	char copy_dir[PATH_MAX];     /* loaded from a private copy (see dll.c) */
	int dlclosed;                /* dlclose() done (model_drivers_unmap: not twice) */
	struct net_dll *next;
};

/* "sam" from "devnp-sam.so", "/x/devnp-sam.so", "sam". */
const char *net_driver_short(const char *driver, char *buf, size_t n);
/* The DLL whose mapping holds addr (loaded ones first), or NULL. */
struct net_dll *net_dll_of(const void *addr);
/* The DLL io-pkt loaded with handle h (any state), or NULL. */
struct net_dll *net_dll_by_handle(const void *h);
/*
 * Load a driver for a mount (stack context): dlopen, find iopkt_drvr_entry, check its
 * version. Returns 0 with *out (a new record, or the loaded one opened once more) and
 * *entry, or a positive errno with a reason in err (ENXIO: no file, a loader error, no
 * iopkt_drvr_entry; EINVAL: driver variant mismatch) and nothing loaded.
 */
int net_dll_open(const char *path, struct net_dll **out, struct _iopkt_drvr_entry **entry,
                 char *err, size_t errlen);
/*
 * io-pkt closes d once (a detached device's dv_dll_hdl, a failed mount). When no open
 * remains it is unloaded: checked for leftovers (devices, interfaces, shutdown hooks,
 * and what the core reports), then dlclose()d through blockop_dispatch (so a
 * pseudo-thread yields the stack), or kept as a zombie when something is left.
 */
void net_dll_close(struct net_dll *d, const char *why);
/* Symbol of a driver function for messages, even in an unloaded DLL. */
const char *net_fn_name(const void *fn, char *buf, size_t n);

/*
 * Call into the driver: check fn may be called (model_driver_callable) and push the
 * call attribution. 0: refused (a breach was reported), do not call and do not pop.
 */
int net_call_enter(const char *entry, const void *fn, const void *arg);
void net_call_exit(void);

/* ------------------------------------------------------------ devices (device.c) */

enum net_dev_state { NET_DEV_ATTACHING = 1, NET_DEV_ATTACHED, NET_DEV_DETACHING };

struct net_dev {
	uint32_t magic;
	struct device *dev;
	size_t size;
	char name[16];               /* dv_xname */
	char base[16];               /* the name without its unit ("sam") */
	int unit;
	enum net_dev_state state;
	struct net_dll *dll;         /* the driver's DLL (of ca_attach), NULL if none */
	struct net_dev *next;
};

/* A device structure freed by dev_detach (or a failed attach), kept so that a callout or
 * thread still pointing at it is reported, not a crash. */
struct net_dead_dev {
	void *mem;
	size_t size;
	struct net_dll *dll;         /* the driver it belonged to */
	char name[16];
	sim_ns t;
	struct net_dead_dev *next;
};

/* The live device whose structure holds addr, or NULL. */
struct net_dev *net_dev_holding(const void *addr);
/* The freed device structure holding addr, or NULL. */
struct net_dead_dev *net_dead_dev_holding(const void *addr);
/* Devices still attached whose code lies in d. Appends names to buf. */
int net_dev_count_of_dll(const struct net_dll *d, char *buf, size_t n);
/* The attached device whose structure holds r's ifnet, or NULL (*busy: it is being
 * attached or detached). */
struct model_ifnet;
struct device *net_dev_of_if(const struct model_ifnet *r, int *busy);

/* ------------------------------------------------------------ interfaces (ifnet.c) */

/* What an if_init is asked to apply: equal to the last one's, on a running interface,
 * the init has nothing to change (see net_if_call_init). */
struct net_if_config {
	int valid;                   /* 0: none yet, or if_stop ran since */
	int mtu, flags;              /* if_mtu; if_flags & (IFF_UP | IFF_PROMISC) */
	struct in_addr addr, mask;
	int multicnt;
	uint8_t lladdr[6];
};

struct model_ifnet {
	uint32_t magic;              /* NET_MAGIC_IFNET */
	struct ifnet *ifp;
	char name[IFNAMSIZ];
	int ether;                   /* ether_ifattach done */
	sim_mutex tx;                /* the TX mutex behind if_snd_ex */
	struct sockaddr_dl *sadl;    /* what ifp->if_sadl points at */
	struct sockaddr_in addr, mask;   /* the address ifconfig gave it */
	struct ifaddr ifa;               /* ... as SIOCSIFADDR hands it to the driver */
	int has_addr;
	uint64_t input_delivered, input_dropped, snd_drops;
	uint64_t init_calls, stop_calls, start_calls;
	/* stale-queue evidence: when io-pkt last called if_start / if_stop, and when a frame
	 * last left if_snd (dequeued or purged); -1: never */
	sim_ns start_t, stop_t, deq_t;
	struct net_if_config last_init;  /* what the last successful if_init was asked for */
	struct net_bridge *bridge;       /* the bridge it is a member of, or NULL */
	struct model_ifnet *next;
};

/* The interface named name, or NULL. */
struct model_ifnet *net_if_by_name(const char *name);
/* 1 if ifp is still attached with record r (after a call that may have slept). */
int net_if_alive(const struct ifnet *ifp, const struct model_ifnet *r);
/* The record of ifp; breach naming api (and NULL) if ifp is not an attached ifnet. */
struct model_ifnet *net_if_check(struct ifnet *ifp, const char *api);
/* The interface whose TX mutex is exp, or NULL. */
struct model_ifnet *net_if_by_txlock(const pthread_mutex_t *exp);
/* Interfaces whose driver functions lie in d, appending names to buf. */
int net_if_count_of_dll(const struct net_dll *d, char *buf, size_t n);
/* Interfaces whose struct ifnet lies in [mem, mem+size): unregistered (a breach). */
void net_if_reap_inside(const void *mem, size_t size, const char *devname);

/* Calls into the driver, traced, flag changes recorded. cause labels the trace. */
int net_if_call_init(struct model_ifnet *r, const char *cause);
void net_if_call_stop(struct model_ifnet *r, int disable, const char *cause);
int net_if_call_ioctl(struct model_ifnet *r, u_long cmd, caddr_t data, const char *cause);
/* if_start, entered with the TX mutex held by the caller; afterwards the caller must
 * not hold it (breach "if_start-kept-tx-mutex", then released). */
void net_if_call_start(struct model_ifnet *r);
/* Trace a change of if_flags/if_flags_tx against the values before. */
void net_if_trace_flags(struct model_ifnet *r, const char *cause, int old_flags, int old_tx);
/* io-pkt's if_down: clear IFF_UP and purge if_snd (under the TX mutex). */
void net_if_down(struct model_ifnet *r);

/* ------------------------------------------------------------ TX mutex (siglock.c) */

void net_txlock_init(struct model_ifnet *r);
/* Lock / unlock the TX mutex as the model itself (with the hold, like NW_SIGLOCK). */
void net_tx_lock(struct model_ifnet *r);
void net_tx_unlock(struct model_ifnet *r);
/* 1 if the calling thread holds r's TX mutex. */
int net_tx_held_by_me(struct model_ifnet *r);

/* ------------------------------------------------------------ if_snd (ifq.c) */

/* When the frame at the head of if_snd was allocated (ns), -1 if if_snd is empty. */
sim_ns net_ifq_head_time(const struct model_ifnet *r);
/* Callouts pending whose struct callout lies in r's device (descriptions into buf). */
int net_if_callouts(const struct model_ifnet *r, char *buf, size_t n);

/* Free everything in if_snd (the caller holds the TX mutex or has quiesced). */
int net_ifq_purge(struct model_ifnet *r, const char *why);
/* Enqueue for the stack's output path: 0, or ENOBUFS (dropped: m freed, counted). */
int net_ifq_enqueue(struct model_ifnet *r, struct mbuf *m);

/* ------------------------------------------------------------ Ethernet (ether.c) */

/* Free the multicast list (ether_ifdetach, or a forgotten one at if_detach). */
void net_ether_free_multi(struct ethercom *ec);

/* ------------------------------------------------------------ input (input.c) */

/* Drop queued input and link events of r (its interface is going). */
void net_input_forget(struct model_ifnet *r);

/* ------------------------------------------------------------ bridge (bridge*.c) */

#define NET_BRIDGE_MAX 4                       /* bridge0 .. bridge3 */
#define NET_BRIDGE_PORTS MODEL_BRIDGE_PORTS    /* members per bridge */
#define NET_BRIDGE_RT_MAX 100                  /* learned addresses (NetBSD's default) */

struct net_bridge_port {
	struct model_ifnet *r;
	uint64_t rx, tx, drops;      /* model_bridge_port's */
};

struct net_bridge_rt {
	uint8_t mac[ETHER_ADDR_LEN];
	struct model_ifnet *r;       /* the member it was seen on */
	sim_ns expire;
};

struct net_bridge {
	int exists;                  /* 1: created; -1: being destroyed; 0: none */
	char name[IFNAMSIZ];
	int nports;
	struct net_bridge_port port[NET_BRIDGE_PORTS];  /* in the order added */
	int nrt;
	struct net_bridge_rt rt[NET_BRIDGE_RT_MAX];     /* in learning order */
	uint64_t forwarded, flooded, delivered, filtered, dropped;
};

/* Every bridge, existing or not ("bridge0" is [0]); bridge.c owns them. */
extern struct net_bridge net_bridges[NET_BRIDGE_MAX];

/* The index of member r in b, or -1. */
int net_bridge_port_of(const struct net_bridge *b, const struct model_ifnet *r);
/* Forget every address b learned on member r. */
void net_bridge_forget(struct net_bridge *b, const struct model_ifnet *r);
/* Trace a "bridge" record: bridge, operation, member (NULL: none), errno. */
void net_bridge_trace_op(const struct net_bridge *b, const char *op, const char *ifname,
                         int rc);
/*
 * The bridge's ether_input step (NetBSD's bridge_input) for a frame delivered on r, a
 * member (r->bridge set): stack context (proc0), frame at least an Ethernet header.
 * Returns the frame to deliver up (its rcvif may now be the member it is addressed to),
 * or NULL when the bridge took it (forwarded, flooded or freed). May call members'
 * if_start (with their TX mutex, as ether_output does).
 */
struct mbuf *net_bridge_input(struct model_ifnet *r, struct mbuf *m);
/*
 * The bridge's ether_output step (NetBSD's bridge_output) for a frame io-pkt sends out
 * of member r (r->bridge set, r up and running): stack context. A known unicast
 * destination goes to its member only; anything else to every member that is up and
 * running, r included. Always 0 (as NetBSD: losses are the bridge's counters); m is
 * queued or freed.
 */
int net_bridge_output(struct model_ifnet *r, struct mbuf *m);
/* The rt argument of the bridge's own ether_output calls: queue on this member, do not
 * bridge again. */
#define NET_BRIDGE_RT ((struct rtentry *)(void *)net_bridges)
/* r is being detached (if_detach): it leaves its bridge without a call into its driver
 * (if_pcount and IFF_PROMISC are dropped as ifpromisc would); its learned addresses go.
 * (bridge_member.c) */
void net_bridge_ifdetach(struct model_ifnet *r, int ifnet_readable);
/* Set-up (trace kinds, no bridge); the end of a stack pass (batched frame counts). */
void net_bridge_init(void);
void net_bridge_pass_end(void);

/* ------------------------------------------------------------ requests (request.c) */

/* Serve cmd as a management request: fn(arg) in a pseudo-thread holding the stack,
 * traced ("net_request") and followed by the quarantine check, as mount and ifconfig
 * are. Scenario thread; 0 or a positive errno (reason in err). */
int net_request(const char *cmd, int (*fn)(void *), void *arg, char *err, size_t errlen);

/* ------------------------------------------------------------ leaks (leak.c) */

/* How many mbufs (heap blocks) of owner allocated after number `after` are in use; the
 * oldest into *oldest when there is one. Any context. */
int net_leak_mbufs_since(const char *owner, uint64_t after, struct model_mbuf_live *oldest);
int net_leak_mem_since(const char *owner, uint64_t after, struct model_mem_live *oldest);

/* ------------------------------------------------------------ hooks (shutdown.c) */

int net_hook_count_of_dll(const struct net_dll *d, char *buf, size_t n);
/* Hooks whose argument lies in [mem, mem+size) (a device structure), appending to buf. */
int net_hook_count_in(const void *mem, size_t size, char *buf, size_t n);
/* Run the hooks, newest first, once per io-pkt; how many ran. */
int net_shutdown_run(void);

/* ------------------------------------------------------------ the half (net.c) */

struct net_kinds {
	int mbuf_alloc, mbuf_free, mbuf_fail, ifq, if_flags, if_call, link_state, if_input,
	    ether_input, request, dev_attach, dev_detach, dll_load, dll_unload, leftover,
	    shutdown_hook, log, app_send, media, frames;
};

/* Frame events counted instead of traced (model_config.frame_records == 0). */
struct net_frame_counts {
	int64_t mbuf_alloc, mbuf_free, if_input, ether_input, ifq_enqueue, ifq_dequeue;
};

struct model_net {
	sim_world *w;
	char driver_dir[PATH_MAX];
	struct net_kinds k;
	struct net_dll *dlls, *dlls_tail;
	struct net_dev *devs, *devs_tail;
	struct net_dead_dev *dead, *dead_tail;
	size_t dead_bytes;
	struct model_ifnet *ifs, *ifs_tail;
	int dll_seq;
	int if_seq;                  /* if_index of the next interface */
	int shut_down;               /* model_shutdown ran */
	int frame_records;           /* model_config.frame_records */
	struct net_frame_counts fc;  /* frame events not traced one by one, since the last
	                              * "frames" record (frame_records == 0) */
};

extern struct model_net model_net;

/* 1 if frame events are traced one by one; else the caller counts the event in
 * model_net.fc and does not trace it (net_frames_flush traces the counts). */
static inline int net_frame_record(void) { return model_net.frame_records; }
/* Trace the frame events counted since the last call as one "frames" record, if any. */
void net_frames_flush(void);

/* The world (never NULL after model_net_create). */
static inline sim_world *net_w(void) { return model_net.w; }
/* Append "; " separated text to buf (n bytes). */
void net_append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * io-pkt's rule "only its own threads may do this": an io-pkt worker, a pseudo-thread or a
 * tracked thread may; from the kernel context (an ISR) the breach isr_rule, from io-pkt
 * main the breach main_rule (if set; else main counts as untracked), from any other
 * thread untracked_rule. The messages are the rule's formats with what (and the thread's
 * name for untracked_fmt). 1 if the caller may go on.
 */
struct net_thread_rule {
	const char *isr_rule, *isr_fmt;             /* "%s" = what */
	const char *main_rule, *main_fmt;           /* "%s" = what; NULL: as untracked */
	const char *untracked_rule, *untracked_fmt; /* "%s" = what, then the thread's name */
};
int net_thread_ok(const struct net_thread_rule *rule, const char *what);

/* Set-up of the files that keep state. */
void net_input_init(void);
void net_shutdown_init(void);

#endif
