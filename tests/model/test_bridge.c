/*
 * tests/model/test_bridge.c — io-pkt's bridge (model/bridge.c): learning, flooding (with
 * copies that are tracked mbufs), forwarding to the one member a destination was learned
 * on, never back out of the member a frame came in on, broadcast and frames for a
 * member's own address going up, io-pkt's own output on a member bridged, promiscuous
 * mode on add and off on delete (if_pcount, IFF_PROMISC, the driver's if_ioctl), a
 * driver refusing it, a member detached while bridged, a full if_snd, a driver whose hardware ignores IFF_PROMISC (frames filtered
 * before the bridge sees them), and the trace records in both frame_records modes.
 *
 * The driver "bdev" is in this file: its hardware is a receive filter (its own address,
 * broadcast, everything when the driver programmed promiscuous mode in if_init) and a
 * transmitter that logs what if_start dequeues. Each test runs in its own process.
 */
#include "core_fixture.h"

#include <io-pkt/iopkt_driver.h>
#include <net/if_ether.h>

/* ============================================================ the test driver "bdev" */

struct bdev_cfg {
	int ignore_promisc;        /* if_init never programs promiscuous mode (the bug) */
	int refuse_promisc;        /* if_ioctl(SIOCSIFFLAGS) with IFF_PROMISC fails: EIO */
	int oactive;               /* if_start leaves frames queued (IFF_OACTIVE) */
	int maxlen;                /* IFQ_SET_MAXLEN if > 0 */
};

struct bdev {
	struct device sc_dev;
	struct ethercom sc_ec;
	struct bdev_cfg cfg;
	int hw_promisc;            /* what if_init programmed */
	int filtered;              /* frames the "hardware" refused */
	char txlog[512];           /* "dst/src/len " per frame if_start sent */
};

static struct bdev_cfg CFG;
static struct bdev *DEV[4];

int bdev_attach(struct device *parent, struct device *self, void *aux);
int bdev_detach(struct device *self, int flags);
CFATTACH_DECL(bdev, sizeof(struct bdev), NULL, bdev_attach, bdev_detach, NULL);

int bdev_init(struct ifnet *ifp)
{
	struct bdev *sc = ifp->if_softc;
	sc->hw_promisc = (ifp->if_flags & IFF_PROMISC) && !sc->cfg.ignore_promisc;
	note("%s init promisc=%d", ifp->if_xname, sc->hw_promisc);
	ifp->if_flags |= IFF_RUNNING;
	return EOK;
}

void bdev_stop(struct ifnet *ifp, int disable)
{
	ifp->if_flags &= ~IFF_RUNNING;
}

void bdev_start(struct ifnet *ifp)
{
	struct bdev *sc = ifp->if_softc;
	struct mbuf *m;
	if (sc->cfg.oactive) {
		ifp->if_flags_tx |= IFF_OACTIVE;
	} else {
		while ((m = _ifq_dequeue(&ifp->if_snd)) != NULL) {
			const uint8_t *d = mtod(m, const uint8_t *);
			size_t n = strlen(sc->txlog);
			snprintf(sc->txlog + n, sizeof(sc->txlog) - n, "%02x/%02x/%d ", d[5], d[11],
			         m->m_pkthdr.len);
			ifp->if_opackets++;
			m_freem(m);
		}
	}
	NW_SIGUNLOCK(&ifp->if_snd_ex, iopkt_selfp);
}

int bdev_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data)
{
	struct bdev *sc = ifp->if_softc;
	int error;
	if (cmd == SIOCSIFFLAGS && sc->cfg.refuse_promisc && (ifp->if_flags & IFF_PROMISC))
		return EIO;
	error = ether_ioctl(ifp, cmd, data);
	return error == ENETRESET ? 0 : error;
}

int bdev_attach(struct device *parent, struct device *self, void *aux)
{
	struct bdev *sc = (struct bdev *)self;
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	uint8_t enaddr[ETHER_ADDR_LEN] = { 2, 0, 0, 0, 0, (uint8_t)(0xa0 + self->dv_unit) };
	sc->cfg = *(struct bdev_cfg *)aux;
	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, self->dv_xname, IFNAMSIZ);
	ifp->if_flags = IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
	ifp->if_init = bdev_init;
	ifp->if_stop = bdev_stop;
	ifp->if_start = bdev_start;
	ifp->if_ioctl = bdev_ioctl;
	if (sc->cfg.maxlen)
		IFQ_SET_MAXLEN(&ifp->if_snd, sc->cfg.maxlen);
	IFQ_SET_READY(&ifp->if_snd);
	if_attach(ifp);
	ether_ifattach(ifp, enaddr);
	DEV[self->dv_unit & 3] = sc;
	return EOK;
}

int bdev_detach(struct device *self, int flags)
{
	struct ifnet *ifp = &((struct bdev *)self)->sc_ec.ec_if;
	bdev_stop(ifp, 1);
	ether_ifdetach(ifp);
	if_detach(ifp);
	return EOK;
}

int req_attach(void *arg)
{
	struct device *dev = NULL;
	int single = 0;
	return dev_attach("bdev", NULL, &bdev_ca, &CFG, &single, &dev, NULL);
}

/* A frame on the wire to unit u: dst and src are 02:00:00:00:00:XX (0xff: broadcast). */
struct rx_args {
	int unit, len;
	uint8_t dst, src;
};

/* The unit's "hardware": its receive filter, then if_input (from a pseudo-thread, as a
 * driver's receive path would from process_interrupt). */
int req_rx(void *arg)
{
	struct rx_args *a = arg;
	struct bdev *sc = DEV[a->unit];
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	struct mbuf *m;
	uint8_t *d;
	if (a->dst != 0xff && a->dst != 0xa0 + a->unit && !sc->hw_promisc) {
		sc->filtered++;
		return 0;
	}
	m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	d = mtod(m, uint8_t *);
	memset(d, 0x5a, (size_t)a->len);
	memset(d, a->dst == 0xff ? 0xff : 0, 6);
	memset(d + 6, 0, 6);
	d[0] = a->dst == 0xff ? 0xff : 2;
	d[5] = a->dst;
	d[6] = 2;
	d[11] = a->src;
	d[12] = 0x08;
	d[13] = 0x00;
	m->m_len = m->m_pkthdr.len = a->len;
	m->m_pkthdr.rcvif = ifp;
	ifp->if_ipackets++;
	(*ifp->if_input)(ifp, m);
	return 0;
}

/* Unit u receives a frame dst <- src of len bytes; the stack has a millisecond to serve
 * it. */
static void rx(int unit, uint8_t dst, uint8_t src, int len)
{
	struct rx_args a = { unit, len, dst, src };
	drv_request("rx", "process_interrupt", req_rx, &a);
	sim_sleep(W, SIM_MS);
}

static void attach_up(int n)
{
	char err[256];
	for (int i = 0; i < n; i++) {
		char name[16];
		ck_assert_int_eq(drv_request("attach", "drvr_init", req_attach, NULL), 0);
		snprintf(name, sizeof(name), "bdev%d", i);
		ck_assert_int_eq(model_ifconfig(name, "up", err, sizeof(err)), 0);
	}
}

static int badd(const char *ifname)
{
	char err[256] = "";
	int rc = model_bridge_add("bridge0", ifname, err, sizeof(err));
	if (rc)
		note("add %s: %d %s", ifname, rc, err);
	return rc;
}

static struct model_bridge_stats bstats(void)
{
	struct model_bridge_stats st;
	model_bridge_stats("bridge0", &st);
	return st;
}

static struct model_if_info ifinfo(const char *name)
{
	struct model_if_info in;
	model_if_info(name, &in);
	return in;
}

static int live_mbufs(void)
{
	struct model_mbuf_info mi;
	model_mbuf_info(NULL, &mi);
	return mi.mbufs;
}

/* Three members, bdev0..2, in bridge0. */
static void bridge3(void)
{
	char err[256];
	attach_up(3);
	ck_assert_int_eq(model_bridge_create("bridge0", err, sizeof(err)), 0);
	ck_assert_int_eq(badd("bdev0"), 0);
	ck_assert_int_eq(badd("bdev1"), 0);
	ck_assert_int_eq(badd("bdev2"), 0);
	logbuf[0] = 0;
}

static void note_tx(const char *what)
{
	note("%s: [%s] [%s] [%s]", what, DEV[0]->txlog, DEV[1]->txlog, DEV[2]->txlog);
	for (int i = 0; i < 3; i++)
		DEV[i]->txlog[0] = 0;
}

/* ============================================================ forwarding */

static void scn_learning(sim_world *w, void *arg)
{
	struct model_bridge_stats st;
	bridge3();
	rx(0, 0x0b, 0x0a, 100);     /* X (0a) on bdev0 to unknown Y (0b): flooded, not back */
	note_tx("unknown");
	rx(1, 0x0a, 0x0b, 200);     /* Y on bdev1 to X, learned on bdev0: only there */
	note_tx("known");
	rx(0, 0x0b, 0x0a, 300);     /* X to Y, now learned on bdev1: only there */
	note_tx("learned");
	rx(0, 0x0a, 0x0c, 60);      /* Z on bdev0 to X, which is on bdev0: filtered */
	note_tx("same side");
	st = bstats();
	note("fwd=%llu flood=%llu up=%llu filt=%llu drop=%llu addr=%d rx=%llu,%llu,%llu "
	     "tx=%llu,%llu,%llu delivered=%llu mbufs=%d",
	     (unsigned long long)st.forwarded, (unsigned long long)st.flooded,
	     (unsigned long long)st.delivered, (unsigned long long)st.filtered,
	     (unsigned long long)st.dropped, st.addresses, (unsigned long long)st.port[0].rx,
	     (unsigned long long)st.port[1].rx, (unsigned long long)st.port[2].rx,
	     (unsigned long long)st.port[0].tx, (unsigned long long)st.port[1].tx,
	     (unsigned long long)st.port[2].tx,
	     (unsigned long long)ifinfo("bdev0").input_delivered, live_mbufs());
}

/* Run the scenario fn on a fresh io-pkt (2 CPUs, 1 worker) to its end, without breach. */
static void run_clean(void (*fn)(sim_world *, void *))
{
	setup_iopkt(2, 1, 0);
	spawn("scenario", fn, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_no_breach();
}

/* The log holds text (the whole log in the failure message). */
#define CK_LOGGED(text) ck_assert_msg(strstr(logbuf, (text)), "%s", logbuf)

START_TEST(test_learning_flooding_no_reflection)
{
	run_clean(scn_learning);
	CK_LOGGED("unknown: [] [0b/0a/100 ] [0b/0a/100 ]");
	CK_LOGGED("known: [0a/0b/200 ] [] []");
	CK_LOGGED("learned: [] [0b/0a/300 ] []");
	CK_LOGGED("same side: [] [] []");
	CK_LOGGED("fwd=4 flood=1 up=0 filt=1 drop=0 addr=3 rx=3,1,0 tx=1,2,1 "
	                             "delivered=0 mbufs=0");
}
END_TEST

static void scn_broadcast(sim_world *w, void *arg)
{
	struct model_bridge_stats st;
	bridge3();
	rx(0, 0xff, 0x0a, 64);      /* broadcast: to bdev1 and bdev2, and up on bdev0 */
	note_tx("broadcast");
	rx(0, 0xa1, 0x0a, 64);      /* for bdev1's own address, in on bdev0: up on bdev1 */
	note_tx("for bdev1");
	rx(1, 0x0b, 0xa2, 64);      /* bdev2's own address as source: its frame came back */
	note_tx("own source");
	st = bstats();
	note("up=%llu fwd=%llu drop=%llu delivered=%llu,%llu,%llu mbufs=%d",
	     (unsigned long long)st.delivered, (unsigned long long)st.forwarded,
	     (unsigned long long)st.dropped, (unsigned long long)ifinfo("bdev0").input_delivered,
	     (unsigned long long)ifinfo("bdev1").input_delivered,
	     (unsigned long long)ifinfo("bdev2").input_delivered, live_mbufs());
}

START_TEST(test_broadcast_up_and_flooded_own_address_up)
{
	run_clean(scn_broadcast);
	CK_LOGGED("broadcast: [] [ff/0a/64 ] [ff/0a/64 ]");
	CK_LOGGED("for bdev1: [] [] []");
	CK_LOGGED("own source: [] [] []");
	CK_LOGGED("up=2 fwd=2 drop=1 delivered=1,1,0 mbufs=0");
}
END_TEST

/* io-pkt sends a frame to 02:00:00:00:00:<dst> out of unit 0 (its if_output, in the
 * stack context, as a protocol would). */
int req_output(void *arg)
{
	struct ifnet *ifp = &DEV[0]->sc_ec.ec_if;
	struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
	uint8_t *d = mtod(m, uint8_t *);
	memset(d, 0, 60);
	d[0] = 2;
	d[5] = (uint8_t)(uintptr_t)arg;
	memcpy(d + 6, LLADDR(ifp->if_sadl), 6);
	m->m_len = m->m_pkthdr.len = 60;
	note("output=%d", (*ifp->if_output)(ifp, m, NULL, NULL));
	return 0;
}

static void scn_output(sim_world *w, void *arg)
{
	struct model_bridge_stats st;
	bridge3();
	note("send=%d", model_app_send("bdev0", 100));   /* broadcast: every member, bdev0 too */
	note_tx("app broadcast");
	drv_request("output", "if_init", req_output, (void *)0x0b);   /* unknown: flooded */
	note_tx("unknown");
	rx(1, 0xa0, 0x0b, 60);      /* 0b learned on bdev1 (for bdev0: goes up) */
	drv_request("output", "if_init", req_output, (void *)0x0b);   /* known: bdev1 only */
	note_tx("known");
	st = bstats();
	note("fwd=%llu flood=%llu up=%llu mbufs=%d", (unsigned long long)st.forwarded,
	     (unsigned long long)st.flooded, (unsigned long long)st.delivered, live_mbufs());
}

/* What io-pkt itself sends out of a member goes through the bridge (NetBSD's
 * bridge_output): to the member a destination was learned on, else to every member. */
START_TEST(test_output_of_a_member_is_bridged)
{
	run_clean(scn_output);
	ck_assert_msg(strstr(logbuf, "send=0@") && strstr(logbuf, "app broadcast: [ff/a0/100 ] "
	                             "[ff/a0/100 ] [ff/a0/100 ]"), "%s", logbuf);
	CK_LOGGED("output=0@");
	CK_LOGGED("unknown: [0b/a0/60 ] [0b/a0/60 ] [0b/a0/60 ]");
	CK_LOGGED("known: [] [0b/a0/60 ] []");
	CK_LOGGED("fwd=7 flood=2 up=1 mbufs=0");
}
END_TEST

/* ============================================================ members */

static void note_promisc(const char *name)
{
	struct model_if_info i = ifinfo(name);
	note("%s pcount=%d promisc=%d", name, DEV[name[4] - '0']->sc_ec.ec_if.if_pcount,
	     !!(i.flags & IFF_PROMISC));
}

static void scn_promisc(sim_world *w, void *arg)
{
	char err[256];
	attach_up(2);
	/* bdev2, left down */
	ck_assert_int_eq(drv_request("attach", "drvr_init", req_attach, NULL), 0);
	logbuf[0] = 0;
	note("create=%d", model_bridge_create("bridge0", err, sizeof(err)));
	note("again=%d", model_bridge_create("bridge0", err, sizeof(err)));
	note("add=%d", badd("bdev0"));            /* up: if_ioctl -> if_init, promiscuous */
	note_promisc("bdev0");
	note("add=%d", badd("bdev2"));            /* down: the flag only, no driver call */
	note_promisc("bdev2");
	note("twice=%d", badd("bdev0"));
	note("none=%d", badd("bdev9"));
	note("other=%d", model_bridge_create("bridge1", err, sizeof(err)));
	note("busy=%d", model_bridge_add("bridge1", "bdev0", err, sizeof(err)));
	note("bad=%d", model_bridge_create("br0", err, sizeof(err)));
	note("nobridge=%d", model_bridge_add("bridge2", "bdev1", err, sizeof(err)));
	note("notmember=%d", model_bridge_del("bridge0", "bdev1", err, sizeof(err)));
	note("del=%d", model_bridge_del("bridge0", "bdev0", err, sizeof(err)));
	note_promisc("bdev0");
	note("destroy=%d", model_bridge_destroy("bridge0", err, sizeof(err)));
	note_promisc("bdev2");
	note("exists=%d", bstats().exists);
}

START_TEST(test_promisc_on_add_off_on_delete)
{
	run_clean(scn_promisc);
	ck_assert_str_eq(logbuf,
	    "create=0@0 again=17@0 "
	    "bdev0 init promisc=1@0 add=0@0 bdev0 pcount=1 promisc=1@0 "
	    "add=0@0 bdev2 pcount=1 promisc=1@0 "
	    "add bdev0: 17 bdev0 is a member of bridge0 already@0 twice=17@0 "
	    "add bdev9: 6 no interface bdev9@0 none=6@0 "
	    "other=0@0 busy=16@0 bad=22@0 nobridge=6@0 notmember=2@0 "
	    "bdev0 init promisc=0@0 del=0@0 bdev0 pcount=0 promisc=0@0 "
	    "destroy=0@0 bdev2 pcount=0 promisc=0@0 exists=0@0 ");
}
END_TEST

static void scn_refused(sim_world *w, void *arg)
{
	char err[256];
	CFG.refuse_promisc = 1;
	attach_up(1);
	model_bridge_create("bridge0", err, sizeof(err));
	logbuf[0] = 0;
	note("add=%d", badd("bdev0"));
	note_promisc("bdev0");
	note("members=%d", bstats().nports);
}

START_TEST(test_driver_refusing_promisc_is_not_added)
{
	run_clean(scn_refused);
	ck_assert_str_eq(logbuf, "add bdev0: 5 bdev0: its driver refused promiscuous mode: "
	                         "if_ioctl(SIOCSIFFLAGS) returned 5@0 add=5@0 "
	                         "bdev0 pcount=0 promisc=0@0 members=0@0 ");
}
END_TEST

static void scn_detach(sim_world *w, void *arg)
{
	char err[256];
	struct model_bridge_stats st;
	bridge3();
	rx(1, 0x0a, 0x0b, 100);     /* Y learned on bdev1 */
	rx(2, 0x0b, 0x0c, 100);     /* Z learned on bdev2 */
	note_tx("learn");
	note("destroy=%d", model_ifconfig("bdev1", "destroy", err, sizeof(err)));
	st = bstats();
	note("members=%d %s,%s addr=%d", st.nports, st.port[0].name, st.port[1].name,
	     st.addresses);
	rx(2, 0x0b, 0x0c, 100);     /* to Y, gone with bdev1: unknown, flooded to bdev0 only */
	note("flooded: [%s] [%s]", DEV[0]->txlog, DEV[2]->txlog);
	note("destroy=%d", model_bridge_destroy("bridge0", err, sizeof(err)));
	note("mbufs=%d", live_mbufs());
}

START_TEST(test_member_detached_while_bridged)
{
	run_clean(scn_detach);
	CK_LOGGED("learn: [0a/0b/100 ] [0b/0c/100 ] [0a/0b/100 ]");
	CK_LOGGED("members=2 bdev0,bdev2 addr=1@");
	CK_LOGGED("flooded: [0b/0c/100 ] []");
	CK_LOGGED("bdev0 init promisc=0@3000300 bdev2 init promisc=0@3000300 "
	                             "destroy=0@3000300 mbufs=0@");
}
END_TEST

static void scn_snd_full(sim_world *w, void *arg)
{
	char err[256];
	struct model_bridge_stats st;
	attach_up(1);
	CFG.oactive = 1;            /* bdev1 keeps what it is given: a queue of 2 */
	CFG.maxlen = 2;
	ck_assert_int_eq(drv_request("attach", "drvr_init", req_attach, NULL), 0);
	ck_assert_int_eq(model_ifconfig("bdev1", "up", err, sizeof(err)), 0);
	model_bridge_create("bridge0", err, sizeof(err));
	badd("bdev0");
	badd("bdev1");
	for (int k = 0; k < 3; k++)
		rx(0, 0x0b, 0x0a, 100);
	st = bstats();
	note("fwd=%llu drop=%llu tx=%llu drops=%llu snd_len=%d snd_drops=%llu mbufs=%d",
	     (unsigned long long)st.forwarded, (unsigned long long)st.dropped,
	     (unsigned long long)st.port[1].tx, (unsigned long long)st.port[1].drops,
	     ifinfo("bdev1").snd_len, (unsigned long long)ifinfo("bdev1").snd_drops, live_mbufs());
}

START_TEST(test_snd_full_drops_counted_and_freed)
{
	setup_iopkt(2, 1, 0);
	spawn("scenario", scn_snd_full, NULL);
	run();
	CK_LOGGED("fwd=2 drop=1 tx=2 drops=1 snd_len=2 snd_drops=1 mbufs=2");
}
END_TEST

static void scn_ignored(sim_world *w, void *arg)
{
	struct model_bridge_stats st;
	CFG.ignore_promisc = 1;
	bridge3();
	rx(0, 0x0b, 0x0a, 100);
	rx(1, 0x0a, 0x0b, 100);
	st = bstats();
	note("filtered=%d,%d rx=%llu,%llu fwd=%llu promisc=%d", DEV[0]->filtered,
	     DEV[1]->filtered, (unsigned long long)st.port[0].rx,
	     (unsigned long long)st.port[1].rx, (unsigned long long)st.forwarded,
	     !!(ifinfo("bdev0").flags & IFF_PROMISC));
}

/* The negative proof behind simnic_forward: a driver that does not program IFF_PROMISC
 * leaves the frames for other stations in its hardware's filter; the bridge gets none. */
START_TEST(test_hardware_without_promisc_filters_everything)
{
	run_clean(scn_ignored);
	CK_LOGGED("filtered=1,1 rx=0,0 fwd=0 promisc=1");
}
END_TEST

/* ============================================================ trace records */

static void scn_traffic(sim_world *w, void *arg)
{
	bridge3();
	rx(0, 0x0b, 0x0a, 100);     /* flooded: 2 forwarded */
	rx(1, 0x0a, 0x0b, 100);     /* forwarded */
	rx(0, 0xff, 0x0a, 100);     /* broadcast: flooded, 2 forwarded, up */
}

START_TEST(test_frame_records_each_and_batch)
{
	char path[2][1024], txt[8192];
	for (int mode = 1; mode >= 0; mode--) {
		pid_t pid;
		int st;
		tmp_path(path[mode], sizeof(path[mode]), mode ? "br_each.trace" : "br_batch.trace");
		if ((pid = fork()) == 0) {
			struct sim_config cfg;
			struct model_config mc;
			char err[256];
			sim_config_defaults(&cfg);
			cfg.ncpus = 2;
			cfg.trace_path = path[mode];
			ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), 0);
			model_config_defaults(&mc);
			mc.workers = 1;
			mc.frame_records = mode;
			ck_assert_int_eq(model_create(W, &mc, err, sizeof(err)), 0);
			spawn("scenario", scn_traffic, NULL);
			_exit(run() == SIM_END_DONE && model_breach_count() == 0 &&
			      (trace_finish(), 1) ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mode %d: status %d", mode, st);
	}
	trace_grep(path[1], "bridge", txt, sizeof(txt));
	ck_assert_str_eq(txt, "bridge0 create  0; bridge0 add bdev0 0; bridge0 add bdev1 0; "
	                      "bridge0 add bdev2 0; ");
	trace_grep(path[1], "bridge_frame", txt, sizeof(txt));
	ck_assert_str_eq(txt,
	    "bridge0 bdev0  flooded 100; "
	    "bridge0 bdev0 bdev1 forwarded: part of a flood 100; "
	    "bridge0 bdev0 bdev2 forwarded: part of a flood 100; "
	    "bridge0 bdev1 bdev0 forwarded 100; "
	    "bridge0 bdev0  flooded 100; "
	    "bridge0 bdev0 bdev1 forwarded: part of a flood 100; "
	    "bridge0 bdev0 bdev2 forwarded: part of a flood 100; "
	    "bridge0 bdev0  delivered 100; ");
	trace_grep(path[1], "bridge_frames", txt, sizeof(txt));
	ck_assert_str_eq(txt, "");
	trace_grep(path[0], "bridge_frame", txt, sizeof(txt));
	ck_assert_str_eq(txt, "");
	trace_grep(path[0], "bridge_frames", txt, sizeof(txt));
	ck_assert_str_eq(txt, "2 1 0 0 0; 1 0 0 0 0; 2 1 1 0 0; ");
	unlink(path[0]);
	unlink(path[1]);
}
END_TEST

/* ============================================================ suite */

static Suite *bridge_suite(void)
{
	Suite *s = suite_create("model bridge");
	TCase *tc = tcase_create("frames");
	tcase_add_test(tc, test_learning_flooding_no_reflection);
	tcase_add_test(tc, test_broadcast_up_and_flooded_own_address_up);
	tcase_add_test(tc, test_snd_full_drops_counted_and_freed);
	tcase_add_test(tc, test_hardware_without_promisc_filters_everything);
	tcase_add_test(tc, test_output_of_a_member_is_bridged);
	tcase_add_test(tc, test_frame_records_each_and_batch);
	suite_add_tcase(s, tc);
	tc = tcase_create("members");
	tcase_add_test(tc, test_promisc_on_add_off_on_delete);
	tcase_add_test(tc, test_driver_refusing_promisc_is_not_added);
	tcase_add_test(tc, test_member_detached_while_bridged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(bridge_suite());
}
