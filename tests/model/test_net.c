/*
 * tests/model/test_net.c — the net half of the io-pkt model: mbufs (counts, double free,
 * use after free, leaks, the thread rules, fault injection), dev_attach naming and
 * failure, ifconfig through if_ioctl/ether_ioctl (up, mtu, down, address), the output
 * path (ENETDOWN, a full if_snd, IFF_OACTIVE, an if_start that keeps the TX mutex),
 * if_input and link state, mounting and unloading real driver objects
 * (devnp-test-net.so from drivers/test-net), what an unloaded driver leaves behind, and
 * shutdown hooks.
 *
 * Most drivers are in this file ("tdev"): their functions are global so that breach
 * reports name them. Each test runs in its own process (Check's fork mode).
 */
#include "core_fixture.h"

#include <dlfcn.h>
#include <io-pkt/iopkt_driver.h>
#include <net/if_ether.h>
#include <net/if_media.h>
#include <nw_thread.h>
#include <pthread.h>
#include <sys/callout.h>

#ifndef PKTSIM_DRIVER_DIR
#define PKTSIM_DRIVER_DIR "drivers"
#endif
#define TEST_NET_SO PKTSIM_DRIVER_DIR "/devnp-test-net.so"

/* A world with io-pkt whose driver folder is the build's. */
/* The world and io-pkt of a test, traced to trace (NULL: no file), with
 * model_config.frame_records = frame_records. */
static void net_setup_traced(const char *trace, int frame_records)
{
	struct sim_config cfg;
	struct model_config mc;
	char err[256] = "";
	sim_config_defaults(&cfg);
	cfg.ncpus = 2;
	cfg.time_limit = 60 * SIM_S;
	cfg.trace_path = trace;
	ck_assert_int_eq(sim_world_create(&cfg, &W, err, sizeof(err)), 0);
	model_config_defaults(&mc);
	mc.workers = 1;
	mc.driver_dir = PKTSIM_DRIVER_DIR;
	mc.frame_records = frame_records;
	ck_assert_msg(model_create(W, &mc, err, sizeof(err)) == 0, "%s", err);
	/* these tests pin the net half's times to the nanosecond: mbuf operations free of
	 * cost, as before the cost model (its own tests are tests/model/test_latency.c) */
	ck_assert_int_eq(model_lat_cost_set("mbuf_alloc", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(model_lat_cost_set("mbuf_free", 0, err, sizeof(err)), 0);
	logbuf[0] = 0;
}

static void net_setup(void)
{
	net_setup_traced(NULL, 1);
}

static struct model_mbuf_info mbufs(const char *driver)
{
	struct model_mbuf_info mi;
	model_mbuf_info(driver, &mi);
	return mi;
}

static struct model_if_info ifinfo(const char *name)
{
	struct model_if_info in;
	model_if_info(name, &in);
	return in;
}

/* ============================================================ the test driver "tdev" */

enum tdev_start_mode { START_DRAIN, START_OACTIVE, START_KEEP_MUTEX };

struct tdev_cfg {
	int fail;                  /* attach fails with EIO (2: leaving a callout armed in the
	                            * device, 3: a shutdown hook on it) */
	int maxlen;                /* IFQ_SET_MAXLEN(if_snd) if > 0 */
	enum tdev_start_mode start;
	int jumbo;
	int note_needless;         /* if_init notes model_net_init_needless */
};

struct tdev {
	struct device sc_dev;
	struct ethercom sc_ec;
	struct ifmedia sc_media;
	struct tdev_cfg cfg;
	struct callout sc_tick;
};

void tdev_tick(void *arg) {}
void tdev_hook(void *arg) {}

static struct tdev_cfg CFG;
static struct tdev *LAST;   /* the last device attached */

int tdev_attach(struct device *parent, struct device *self, void *aux);
int tdev_detach(struct device *self, int flags);
CFATTACH_DECL(tdev, sizeof(struct tdev), NULL, tdev_attach, tdev_detach, NULL);

int tdev_init(struct ifnet *ifp)
{
	struct tdev *sc = ifp->if_softc;
	char why[240];
	if (sc->cfg.note_needless)
		note("needless=%d", model_net_init_needless(why, sizeof(why)));
	ifp->if_flags |= IFF_RUNNING;
	return EOK;
}

void tdev_stop(struct ifnet *ifp, int disable)
{
	ifp->if_flags &= ~IFF_RUNNING;
}

void tdev_start(struct ifnet *ifp)
{
	struct tdev *sc = ifp->if_softc;
	struct mbuf *m;
	switch (sc->cfg.start) {
	case START_KEEP_MUTEX:
		return;                               /* the bug: the TX mutex stays held */
	case START_OACTIVE:
		ifp->if_flags_tx |= IFF_OACTIVE;      /* "no room": frames stay queued */
		break;
	case START_DRAIN:
		while ((m = _ifq_dequeue(&ifp->if_snd)) != NULL) {
			ifp->if_opackets++;
			m_freem(m);
		}
		break;
	}
	NW_SIGUNLOCK(&ifp->if_snd_ex, iopkt_selfp);
}

int tdev_ioctl(struct ifnet *ifp, unsigned long cmd, caddr_t data)
{
	struct tdev *sc = ifp->if_softc;
	int error;
	if (cmd == SIOCSIFMEDIA || cmd == SIOCGIFMEDIA)
		return ifmedia_ioctl(ifp, (struct ifreq *)data, &sc->sc_media, cmd);
	error = ether_ioctl(ifp, cmd, data);
	return error == ENETRESET ? 0 : error;
}

int tdev_media_change(struct ifnet *ifp)
{
	struct tdev *sc = ifp->if_softc;
	note("media change 0x%x", sc->sc_media.ifm_media);
	return 0;
}

void tdev_media_status(struct ifnet *ifp, struct ifmediareq *req)
{
	req->ifm_status = IFM_AVALID | IFM_ACTIVE;
}

int tdev_attach(struct device *parent, struct device *self, void *aux)
{
	struct tdev *sc = (struct tdev *)self;
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	uint8_t enaddr[ETHER_ADDR_LEN] = { 2, 0, 0, 0, 0, (uint8_t)self->dv_unit };
	sc->cfg = *(struct tdev_cfg *)aux;
	if (sc->cfg.fail) {
		struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);   /* cleaned up before failing */
		m_freem(m);
		if (sc->cfg.fail == 2) {                           /* ... but not the callout */
			callout_init(&sc->sc_tick);
			callout_msec(&sc->sc_tick, 100, tdev_tick, sc);
		} else if (sc->cfg.fail == 3) {                    /* ... nor the hook */
			shutdownhook_establish(tdev_hook, sc);
		}
		return EIO;
	}
	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, self->dv_xname, IFNAMSIZ);
	ifp->if_flags = IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
	ifp->if_init = tdev_init;
	ifp->if_stop = tdev_stop;
	ifp->if_start = tdev_start;
	ifp->if_ioctl = tdev_ioctl;
	if (sc->cfg.maxlen)
		IFQ_SET_MAXLEN(&ifp->if_snd, sc->cfg.maxlen);
	if (sc->cfg.jumbo)
		sc->sc_ec.ec_capabilities |= ETHERCAP_JUMBO_MTU;
	IFQ_SET_READY(&ifp->if_snd);
	if_attach(ifp);
	ether_ifattach(ifp, enaddr);
	ifmedia_init(&sc->sc_media, 0, tdev_media_change, tdev_media_status);
	ifmedia_add(&sc->sc_media, IFM_ETHER | IFM_AUTO, 0, NULL);
	ifmedia_add(&sc->sc_media, IFM_ETHER | IFM_100_TX | IFM_FDX, 0, NULL);
	ifmedia_set(&sc->sc_media, IFM_ETHER | IFM_AUTO);
	LAST = sc;
	return EOK;
}

int tdev_detach(struct device *self, int flags)
{
	struct tdev *sc = (struct tdev *)self;
	struct ifnet *ifp = &sc->sc_ec.ec_if;
	tdev_stop(ifp, 1);
	ifmedia_delete_instance(&sc->sc_media, IFM_INST_ANY);
	ether_ifdetach(ifp);
	if_detach(ifp);
	return EOK;
}

/* A driver without a detach function: "ifconfig destroy" is refused. */
CFATTACH_DECL(nodet, sizeof(struct tdev), NULL, tdev_attach, NULL, NULL);

int req_attach_nodet(void *arg)
{
	struct device *dev = NULL;
	int single = 0;
	return dev_attach("nodet", NULL, &nodet_ca, &CFG, &single, &dev, NULL);
}

/* dev_attach of a tdev with options opts, as a driver's entry function would. */
int req_attach(void *arg)
{
	char opts[128];
	struct device *dev = NULL;
	int single = 0, rc;
	snprintf(opts, sizeof(opts), "%s", (const char *)arg);
	rc = dev_attach("tdev", opts, &tdev_ca, &CFG, &single, &dev, NULL);
	note("%s rc=%d single=%d opts=\"%s\"", rc == EOK ? dev->dv_xname : "-", rc, single, opts);
	if (rc != EOK)
		ck_assert_ptr_null(dev);
	return rc;
}

static int attach(const char *opts)
{
	return drv_request("attach", "drvr_init", req_attach, (void *)opts);
}

static int ifconfig(const char *ifname, const char *args)
{
	char err[256];
	int rc = model_ifconfig(ifname, args, err, sizeof(err));
	if (rc)
		note("ifconfig %s %s: %s", ifname, args, err);
	return rc;
}

/* ============================================================ mbufs */

int req_mbuf_counts(void *arg)
{
	struct mbuf *a = m_get(M_DONTWAIT, MT_DATA);
	struct mbuf *b = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	struct mbuf *c = m_gethdr(M_WAITOK, MT_DATA);
	struct model_mbuf_info mi = mbufs(NULL);
	note("mbufs=%d clusters=%d allocs=%d", mi.mbufs, mi.clusters, mi.allocs);
	ck_assert(b->m_flags & M_EXT);
	ck_assert(b->m_flags & M_PKTHDR);
	ck_assert_ptr_eq(b->m_data, b->m_ext.ext_buf);
	ck_assert_ptr_eq(c->m_data, c->m_pktdat);
	a->m_next = c;
	m_freem(a);                      /* a chain: a and c */
	m_free(b);
	mi = mbufs(NULL);
	note("mbufs=%d clusters=%d frees=%d", mi.mbufs, mi.clusters, mi.frees);
	return 0;
}

static void scn_mbuf_counts(sim_world *w, void *arg)
{
	drv_request("mbufs", "if_init", req_mbuf_counts, NULL);
}

START_TEST(test_mbuf_alloc_free_counts)
{
	net_setup();
	spawn("scenario", scn_mbuf_counts, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "mbufs=3 clusters=1 allocs=3@0 mbufs=0 clusters=0 frees=3@0 ");
	ck_no_breach();
}
END_TEST

int req_double_free(void *arg)
{
	struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
	m_freem(m);
	m_freem(m);
	return 0;
}

static void scn_double_free(sim_world *w, void *arg)
{
	drv_request("double free", "if_start", req_double_free, NULL);
}

START_TEST(test_mbuf_double_free_names_sites)
{
	net_setup();
	spawn("scenario", scn_double_free, NULL);
	ck_breach(run(), "mbuf-double-free", "allocated by req_double_free+0x");
	ck_assert_msg(strstr(model_breach_last(), "first freed by req_double_free+0x"), "%s",
	              model_breach_last());
	ck_assert_msg(strstr(model_breach_last(), "in req_double_free (if_start)"), "%s",
	              model_breach_last());
}
END_TEST

int req_use_after_free(void *arg)
{
	struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
	m_freem(m);
	m->m_len = 5;           /* the bug: the mbuf is io-pkt's again */
	return 0;
}

/* A write through a stale pointer into the data a freed cluster held (byte 900 of a
 * 1000-byte frame): the part of the cluster that is poisoned at the free. */
int req_cluster_write_after_free(void *arg)
{
	struct mbuf *m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	char *data = mtod(m, char *);
	m->m_len = m->m_pkthdr.len = 1000;
	m_freem(m);
	data[900] = 1;
	return 0;
}

static void scn_use_after_free(sim_world *w, void *arg)
{
	struct model_mbuf_info mi;
	drv_request("uaf", "process_interrupt", arg ? req_cluster_write_after_free :
	            req_use_after_free, NULL);
	note("request done");
	model_mbuf_info(NULL, &mi);   /* scans the freed mbufs */
	note("not reached");
}

START_TEST(test_mbuf_use_after_free_detected)
{
	net_setup();
	spawn("scenario", scn_use_after_free, NULL);
	ck_breach(run(), "mbuf-use-after-free", "mbuf #1 was written after it was freed");
	ck_assert_msg(strstr(model_breach_last(), "allocated by req_use_after_free+0x"), "%s",
	              model_breach_last());
	ck_assert(strstr(logbuf, "request done"));
}
END_TEST

START_TEST(test_mbuf_cluster_write_after_free_detected)
{
	net_setup();
	spawn("scenario", scn_use_after_free, (void *)1);
	ck_breach(run(), "mbuf-use-after-free", "mbuf #1 was written after it was freed");
	ck_assert_msg(strstr(model_breach_last(), "allocated by req_cluster_write_after_free+0x"),
	              "%s", model_breach_last());
}
END_TEST

int req_leaky(void *arg)
{
	m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	m_get(M_DONTWAIT, MT_DATA);
	return 0;
}

static void list_live(const struct model_mbuf_live *l, void *arg)
{
	note("#%llu cluster=%d owner=%s site=%.40s", (unsigned long long)l->seq, l->cluster,
	     l->owner, l->site);
}

static void scn_leak(sim_world *w, void *arg)
{
	drv_request("leaky", "if_init", req_leaky, NULL);
	note("live=%d", model_mbuf_live(NULL, list_live, NULL));
}

START_TEST(test_mbuf_leak_listed_with_site)
{
	net_setup();
	spawn("scenario", scn_leak, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_msg(strstr(logbuf, "#1 cluster=1 owner=io-pkt site=req_leaky+0x"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "#2 cluster=0 owner=io-pkt site=req_leaky+0x"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "live=2@0"), "%s", logbuf);
	ck_assert_int_eq(mbufs(NULL).mbufs, 2);
	ck_no_breach();
}
END_TEST

int req_fault(void *arg)
{
	struct mbuf *a, *b, *c;
	model_mbuf_fail(1, 1);           /* the second allocation fails, then all succeed */
	a = m_get(M_DONTWAIT, MT_DATA);
	b = m_get(M_DONTWAIT, MT_DATA);
	c = m_get(M_DONTWAIT, MT_DATA);
	note("a=%d b=%d c=%d", a != NULL, b != NULL, c != NULL);
	m_freem(a);
	m_freem(c);
	model_mbuf_set_limit(1, 0);      /* one mbuf at most */
	a = m_get(M_DONTWAIT, MT_DATA);
	b = m_get(M_DONTWAIT, MT_DATA);
	note("limited a=%d b=%d", a != NULL, b != NULL);
	m_freem(a);
	return 0;
}

static void scn_fault(sim_world *w, void *arg)
{
	drv_request("fault", "if_init", req_fault, NULL);
}

START_TEST(test_mbuf_fault_injection_and_limit)
{
	net_setup();
	spawn("scenario", scn_fault, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "a=1 b=0 c=1@0 limited a=1 b=0@0 ");
	ck_no_breach();
}
END_TEST

/* M_WAITOK in a pseudo-thread waits (a tick at a time) until an mbuf is free. */
static struct mbuf *HELD;

int req_hold(void *arg)
{
	model_mbuf_set_limit(1, 0);
	HELD = m_get(M_DONTWAIT, MT_DATA);
	return 0;
}

int req_waitok(void *arg)
{
	struct mbuf *m = m_get(M_WAITOK, MT_DATA);
	note("got=%d", m != NULL);
	m_freem(m);
	return 0;
}

int req_release(void *arg)
{
	m_freem(HELD);
	note("released");
	return 0;
}

static void scn_waitok_a(sim_world *w, void *arg)
{
	drv_request("hold", "if_init", req_hold, NULL);
	drv_request("waitok", "if_init", req_waitok, NULL);
}

static void scn_waitok_b(sim_world *w, void *arg)
{
	sim_sleep(w, 20 * SIM_MS);
	drv_request("release", "if_init", req_release, NULL);
}

START_TEST(test_mbuf_waitok_waits_in_pseudo_thread)
{
	net_setup();
	spawn("a", scn_waitok_a, NULL);
	spawn("b", scn_waitok_b, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "released@20000000 got=1@20000000 ");
	ck_no_breach();
}
END_TEST

/* ------------------------------------------------------------ thread rules */

void tracked_quiesce(void *arg, int die)
{
	(void)arg, (void)die;
}

int tracked_init(void *arg)
{
	WTP->quiesce_callout = tracked_quiesce;
	WTP->quiesce_arg = NULL;
	return EOK;
}

void *tracked_waitok(void *arg)
{
	struct mbuf *m = m_get(M_WAITOK, MT_DATA);   /* the bug: a tracked thread may not wait */
	m_freem(m);
	return NULL;
}

int req_tracked(void *arg)
{
	pthread_t tid;
	return nw_pthread_create(&tid, NULL, tracked_waitok, NULL, 0, tracked_init, NULL);
}

static void scn_tracked(sim_world *w, void *arg)
{
	note("create=%d", drv_request("create", "attach", req_tracked, NULL));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_mbuf_waitok_from_tracked_thread)
{
	net_setup();
	spawn("scenario", scn_tracked, NULL);
	ck_breach(run(), "mbuf-waitok-tracked", "m_get(M_WAITOK) from tracked thread");
}
END_TEST

void *untracked_alloc(void *arg)
{
	struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);  /* the bug: io-pkt does not know us */
	m_freem(m);
	return NULL;
}

static void scn_untracked(sim_world *w, void *arg)
{
	pthread_t tid;
	ck_assert_int_eq(pthread_create(&tid, NULL, untracked_alloc, NULL), 0);
	pthread_join(tid, NULL);
}

START_TEST(test_mbuf_from_untracked_thread)
{
	net_setup();
	spawn("scenario", scn_untracked, NULL);
	ck_breach(run(), "mbuf-untracked-thread", "m_get called from thread");
}
END_TEST

/* ============================================================ dev_attach */

static void scn_naming(sim_world *w, void *arg)
{
	attach("");
	attach("");
	attach("name=foo");
	attach("speed=100,lan=3,verbose");
	attach("unit=3");
	attach("name=abcdefghijklmn");    /* "abcdefghijklmn0": 15 characters */
	attach("name=abcdefghijklmno");   /* "abcdefghijklmno0": 16 */
	attach("unit=x");
}

START_TEST(test_dev_attach_naming)
{
	net_setup();
	spawn("scenario", scn_naming, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf,
	    "tdev0 rc=0 single=0 opts=\"\"@0 "
	    "tdev1 rc=0 single=0 opts=\"\"@0 "
	    "foo0 rc=0 single=0 opts=\"\"@0 "
	    "tdev3 rc=0 single=1 opts=\"speed=100,verbose\"@0 "
	    "- rc=114 single=1 opts=\"\"@0 "
	    "abcdefghijklmn0 rc=0 single=0 opts=\"\"@0 "
	    "- rc=36 single=0 opts=\"\"@0 "
	    "- rc=22 single=0 opts=\"unit=x\"@0 ");
	ck_assert_int_eq(ifinfo("tdev3").exists, 1);
	ck_assert_int_eq(ifinfo("foo0").exists, 1);
	ck_no_breach();
}
END_TEST

static void scn_attach_fails(sim_world *w, void *arg)
{
	CFG.fail = 1;
	attach("");
	CFG.fail = 0;
	attach("");
}

START_TEST(test_dev_attach_failure_leaves_nothing)
{
	net_setup();
	spawn("scenario", scn_attach_fails, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	/* the unit of the failed attach is free again; no mbuf is left */
	ck_assert_str_eq(logbuf, "- rc=5 single=0 opts=\"\"@0 tdev0 rc=0 single=0 opts=\"\"@0 ");
	ck_assert_int_eq(mbufs(NULL).mbufs, 0);
	ck_no_breach();
}
END_TEST

static void scn_attach_fails_leaving(sim_world *w, void *arg)
{
	CFG.fail = (int)(intptr_t)arg;
	attach("");
	CFG.fail = 0;
}

/* _i = 0: a callout left armed in the freed device; 1: a shutdown hook on it */
START_TEST(test_dev_attach_failure_leftovers_reported)
{
	net_setup();
	spawn("scenario", scn_attach_fails_leaving, (void *)(intptr_t)(_i + 2));
	ck_breach(run(), "attach-failed-leftovers",
	          _i == 0 ? "the attach of tdev0 failed (Input/output error) but left behind: "
	                    "callout 1 (tdev_tick) still pending"
	                  : "but left behind: shutdown hook tdev_hook");
	ck_assert_msg(strstr(model_breach_last(), "(in tdev_attach (attach)"), "%s",
	              model_breach_last());
}
END_TEST

static void scn_no_detach(sim_world *w, void *arg)
{
	note("attach=%d", drv_request("attach", "drvr_init", req_attach_nodet, NULL));
	note("destroy=%d", ifconfig("nodet0", "destroy"));
	note("exists=%d", ifinfo("nodet0").exists);
}

START_TEST(test_destroy_without_detach_function)
{
	net_setup();
	spawn("scenario", scn_no_detach, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "attach=0@0 ifconfig nodet0 destroy: ifconfig nodet0 destroy: "
	                         "Operation not supported@0 destroy=95@0 exists=1@0 ");
	ck_no_breach();
}
END_TEST

static void scn_attach_outside_stack(sim_world *w, void *arg)
{
	struct device *dev = NULL;
	int single = 0;
	note("rc=%d", dev_attach("tdev", NULL, &tdev_ca, &CFG, &single, &dev, NULL));
}

START_TEST(test_dev_attach_outside_stack_eperm)
{
	net_setup();
	spawn("scenario", scn_attach_outside_stack, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "rc=1@0 ");
}
END_TEST

/* ============================================================ ifconfig */

static void scn_up_mtu_down(sim_world *w, void *arg)
{
	struct model_if_info i;
	CFG.start = START_OACTIVE;
	attach("");
	i = ifinfo("tdev0");
	note("attached up=%d mtu=%d init=%llu", !!(i.flags & IFF_UP), i.mtu,
	     (unsigned long long)i.init_calls);
	ifconfig("tdev0", "up");
	i = ifinfo("tdev0");
	note("up=%d running=%d init=%llu", !!(i.flags & IFF_UP), !!(i.flags & IFF_RUNNING),
	     (unsigned long long)i.init_calls);
	ifconfig("tdev0", "mtu 1400");
	i = ifinfo("tdev0");
	note("mtu=%d init=%llu", i.mtu, (unsigned long long)i.init_calls);
	note("jumbo=%d", ifconfig("tdev0", "mtu 9000"));
	/* frames stay queued: if_start sets IFF_OACTIVE and leaves them */
	for (int k = 0; k < 3; k++)
		model_app_send("tdev0", 100);
	i = ifinfo("tdev0");
	note("snd_len=%d start=%llu io-pkt mbufs=%d", i.snd_len, (unsigned long long)i.start_calls,
	     mbufs("io-pkt").mbufs);
	ifconfig("tdev0", "down");
	i = ifinfo("tdev0");
	note("down up=%d running=%d stop=%llu snd_len=%d mbufs=%d", !!(i.flags & IFF_UP),
	     !!(i.flags & IFF_RUNNING), (unsigned long long)i.stop_calls, i.snd_len,
	     mbufs(NULL).mbufs);
}

START_TEST(test_ifconfig_up_mtu_down)
{
	net_setup();
	spawn("scenario", scn_up_mtu_down, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf,
	    "tdev0 rc=0 single=0 opts=\"\"@0 "
	    "attached up=0 mtu=1500 init=0@0 "
	    "up=1 running=1 init=1@0 "
	    "mtu=1400 init=2@0 "
	    "ifconfig tdev0 mtu 9000: ifconfig tdev0 mtu 9000: Invalid argument@0 jumbo=22@0 "
	    "snd_len=3 start=1 io-pkt mbufs=3@0 "
	    "down up=0 running=0 stop=1 snd_len=0 mbufs=0@0 ");
	ck_no_breach();
}
END_TEST

static void scn_address(sim_world *w, void *arg)
{
	struct model_if_info i;
	attach("");
	note("rc=%d", ifconfig("tdev0", "10.0.0.1/24"));
	i = ifinfo("tdev0");
	note("up=%d running=%d init=%llu", !!(i.flags & IFF_UP), !!(i.flags & IFF_RUNNING),
	     (unsigned long long)i.init_calls);
	note("bad=%d", ifconfig("tdev0", "frobnicate"));
	note("none=%d", ifconfig("tdev9", "up"));
}

START_TEST(test_ifconfig_address_brings_up)
{
	net_setup();
	spawn("scenario", scn_address, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_msg(strstr(logbuf, "rc=0@0 up=1 running=1 init=1@0"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "bad=22@0"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "no interface tdev9@0 none=6@0"), "%s", logbuf);
	ck_no_breach();
}
END_TEST

static void scn_media(sim_world *w, void *arg)
{
	attach("");
	note("rc=%d", ifconfig("tdev0", "media 100baseTX full-duplex"));
	note("rc=%d", ifconfig("tdev0", "media 1000baseT"));
	note("destroy=%d", ifconfig("tdev0", "destroy"));
}

START_TEST(test_ifconfig_media_through_ifmedia)
{
	net_setup();
	spawn("scenario", scn_media, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "tdev0 rc=0 single=0 opts=\"\"@0 media change 0x100026@0 rc=0@0 "
	                         "ifconfig tdev0 media 1000baseT: ifconfig tdev0 media 1000baseT: "
	                         "No such device or address@0 rc=6@0 destroy=0@0 ");
	ck_no_breach();
}
END_TEST

/* ============================================================ output path */

static void scn_send_down(sim_world *w, void *arg)
{
	struct model_mbuf_info mi;
	attach("");
	note("rc=%d", model_app_send("tdev0", 100));
	mi = mbufs(NULL);
	note("mbufs=%d allocs=%d frees=%d", mi.mbufs, mi.allocs, mi.frees);
	ifconfig("tdev0", "up");
	note("rc=%d", model_app_send("tdev0", 1514));
	note("opackets=%llu", (unsigned long long)ifinfo("tdev0").opackets);
	note("big=%d", model_app_send("tdev0", 1515));
}

START_TEST(test_send_when_down_enetdown_and_freed)
{
	net_setup();
	spawn("scenario", scn_send_down, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "tdev0 rc=0 single=0 opts=\"\"@0 rc=100@0 mbufs=0 allocs=1 frees=1@0 "
	                         "rc=0@0 opackets=1@0 big=90@0 ");
	ck_no_breach();
}
END_TEST

static void scn_send_batch(sim_world *w, void *arg)
{
	int sent;
	attach("");
	ifconfig("tdev0", "up");
	note("rc=%d", model_app_send_n("tdev0", 100, 7, &sent));
	note("sent=%d opackets=%llu", sent, (unsigned long long)ifinfo("tdev0").opackets);
}

/* The sum of the counts (argument k) of every "frames" record, and how many records of
 * kind there are, in the trace text trace_grep gave. */
static long count_records(const char *text)
{
	long n = 0;
	for (const char *p = text; (p = strstr(p, "; ")); p += 2)
		n++;
	return n;
}

static long sum_field(const char *text, int k)
{
	long sum = 0;
	for (const char *p = text; *p;) {
		long v[6] = { 0 };
		if (sscanf(p, "%ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) < 6)
			break;
		sum += v[k];
		if (!(p = strstr(p, "; ")))
			break;
		p += 2;
	}
	return sum;
}

/* frame_records: "each" traces every mbuf allocation and free and if_snd enqueue and
 * dequeue; "batch" traces none of them but counts them in "frames" records, whose sums
 * are the same numbers, and the run is otherwise the same. */
START_TEST(test_frame_records_batch_counts)
{
	char path[2][1024], each[4][8192], frames[8192], log_each[8192];
	for (int mode = 1; mode >= 0; mode--) {
		pid_t pid;
		int st;
		tmp_path(path[mode], sizeof(path[mode]), mode ? "each.trace" : "batch.trace");
		if ((pid = fork()) == 0) { /* one world per process */
			net_setup_traced(path[mode], mode);
			spawn("scenario", scn_send_batch, NULL);
			ck_assert_int_eq(run(), SIM_END_DONE);
			trace_finish();
			ck_no_breach();
			printf("%s\n", logbuf);
			_exit(strstr(logbuf, "rc=0@0 sent=7 opackets=7@0") ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mode %d: status %d", mode, st);
	}
	trace_grep(path[1], "mbuf_alloc", each[0], sizeof(each[0]));
	trace_grep(path[1], "mbuf_free", each[1], sizeof(each[1]));
	trace_grep(path[1], "ifq", each[2], sizeof(each[2]));
	trace_grep(path[1], "frames", each[3], sizeof(each[3]));
	ck_assert_int_eq(count_records(each[0]), 7);
	ck_assert_int_eq(count_records(each[1]), 7);
	ck_assert_int_eq(count_records(each[3]), 0);
	trace_grep(path[0], "frames", frames, sizeof(frames));
	ck_assert_int_gt(count_records(frames), 0);
	ck_assert_int_eq(sum_field(frames, 0), 7);   /* mbuf allocations */
	ck_assert_int_eq(sum_field(frames, 1), 7);   /* frees */
	ck_assert_int_eq(sum_field(frames, 4), 7);   /* if_snd enqueues */
	ck_assert_int_eq(sum_field(frames, 5), 7);   /* dequeues */
	ck_assert_ptr_nonnull(strstr(each[2], "enqueue tdev0"));
	trace_grep(path[0], "mbuf_alloc", log_each, sizeof(log_each));
	ck_assert_str_eq(log_each, "");
	trace_grep(path[0], "ifq", log_each, sizeof(log_each));
	ck_assert_str_eq(log_each, "");
	unlink(path[0]);
	unlink(path[1]);
}
END_TEST

static void scn_snd_full(sim_world *w, void *arg)
{
	struct model_if_info i;
	CFG.start = START_OACTIVE;
	CFG.maxlen = 2;
	attach("");
	ifconfig("tdev0", "up");
	for (int k = 0; k < 3; k++)
		note("send=%d", model_app_send("tdev0", 64));
	i = ifinfo("tdev0");
	note("snd_len=%d max=%d drops=%llu start=%llu mbufs=%d", i.snd_len, i.snd_maxlen,
	     (unsigned long long)i.snd_drops, (unsigned long long)i.start_calls, mbufs(NULL).mbufs);
}

START_TEST(test_snd_full_enobufs_and_oactive_skips_start)
{
	net_setup();
	spawn("scenario", scn_snd_full, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	/* the first send calls if_start, which sets IFF_OACTIVE: the second does not */
	ck_assert_msg(strstr(logbuf, "send=0@0 send=0@0 send=105@0 "
	                             "snd_len=2 max=2 drops=1 start=1 mbufs=2@0"), "%s", logbuf);
	ck_no_breach();
}
END_TEST

/* The stale-queue evidence of model_if_info: when if_start/if_stop last ran, when a frame
 * last left if_snd, how old the head frame is, and the device's pending callouts. */
static void note_evidence(const char *what)
{
	struct model_if_info i = ifinfo("tdev0");
	note("%s len=%d start=%lld stop=%lld deq=%lld head=%lld", what, i.snd_len,
	     (long long)i.start_t, (long long)i.stop_t, (long long)i.deq_t,
	     (long long)i.snd_head_t);
}

static void scn_stale_evidence(sim_world *w, void *arg)
{
	CFG.start = START_OACTIVE;
	attach("");
	ifconfig("tdev0", "up");
	note_evidence("up");
	sim_sleep(w, SIM_MS);
	model_app_send("tdev0", 64);                /* if_start, which sets IFF_OACTIVE */
	sim_sleep(w, SIM_MS);
	model_app_send("tdev0", 64);                /* queued without if_start */
	sim_sleep(w, SIM_MS);
	note_evidence("queued");
	ifconfig("tdev0", "down");                  /* if_stop; io-pkt purges if_snd */
	note_evidence("down");
}

START_TEST(test_stale_queue_evidence)
{
	net_setup();
	spawn("scenario", scn_stale_evidence, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "tdev0 rc=0 single=0 opts=\"\"@0 up len=0 start=-1 stop=-1 deq=-1 head=-1@0 "
	                         "queued len=2 start=1000000 stop=-1 deq=-1 head=1000000@3000000 "
	                         "down len=0 start=1000000 stop=3000000 deq=3000000 head=-1@3000000 ");
	ck_no_breach();
}
END_TEST

static void scn_device_callouts(sim_world *w, void *arg)
{
	char err[256];
	struct model_if_info i;
	model_mount(TEST_NET_SO, "callout", err, sizeof(err));
	i = ifinfo("tnet0");
	note("callouts=%d %s", i.callouts, i.callout_desc);
	model_ifconfig("tnet0", "destroy", err, sizeof(err));
	sim_sleep(w, SIM_S);
}

START_TEST(test_device_callouts_listed)
{
	net_setup();
	spawn("scenario", scn_device_callouts, NULL);
	run();
	ck_assert_msg(strstr(logbuf, "callouts=1 callout ") && strstr(logbuf, "(tnet_tick) pending"),
	              "%s", logbuf);
}
END_TEST

static void scn_keep_mutex(sim_world *w, void *arg)
{
	CFG.start = START_KEEP_MUTEX;
	attach("");
	ifconfig("tdev0", "up");
	model_app_send("tdev0", 64);
}

START_TEST(test_if_start_keeping_tx_mutex)
{
	net_setup();
	spawn("scenario", scn_keep_mutex, NULL);
	ck_breach(run(), "if_start-kept-tx-mutex", "in tdev_start (if_start)");
}
END_TEST

/* ============================================================ input, link state */

int req_input(void *arg)
{
	struct ifnet *ifp = &LAST->sc_ec.ec_if;
	struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
	memset(mtod(m, void *), 0xff, 60);
	m->m_len = m->m_pkthdr.len = 60;
	m->m_pkthdr.rcvif = ifp;
	(*ifp->if_input)(ifp, m);
	return 0;
}

int req_link_up(void *arg)
{
	if_link_state_change(&LAST->sc_ec.ec_if, LINK_STATE_UP);
	return 0;
}

static void scn_input(sim_world *w, void *arg)
{
	struct model_if_info i;
	attach("");
	drv_request("rx", "process_interrupt", req_input, NULL);
	i = ifinfo("tdev0");
	note("down: dropped=%llu delivered=%llu mbufs=%d", (unsigned long long)i.input_dropped,
	     (unsigned long long)i.input_delivered, mbufs(NULL).mbufs);
	ifconfig("tdev0", "up");
	drv_request("rx", "process_interrupt", req_input, NULL);
	drv_request("link", "if_init", req_link_up, NULL);
	sim_sleep(w, SIM_MS);
	i = ifinfo("tdev0");
	note("up: dropped=%llu delivered=%llu mbufs=%d link=%d", (unsigned long long)i.input_dropped,
	     (unsigned long long)i.input_delivered, mbufs(NULL).mbufs, i.link_state);
}

START_TEST(test_if_input_dropped_when_down)
{
	net_setup();
	spawn("scenario", scn_input, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_msg(strstr(logbuf, "down: dropped=1 delivered=0 mbufs=0@0"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "up: dropped=1 delivered=1 mbufs=0 link=2@1000000"), "%s",
	              logbuf);
	ck_no_breach();
}
END_TEST

void *untracked_link(void *arg)
{
	if_link_state_change(&LAST->sc_ec.ec_if, LINK_STATE_DOWN);
	return NULL;
}

static void scn_link_untracked(sim_world *w, void *arg)
{
	pthread_t tid;
	attach("");
	pthread_create(&tid, NULL, untracked_link, NULL);
	pthread_join(tid, NULL);
}

START_TEST(test_link_change_from_untracked_thread)
{
	net_setup();
	spawn("scenario", scn_link_untracked, NULL);
	ck_breach(run(), "if_input-untracked-thread", "if_link_state_change from thread");
}
END_TEST

/* ============================================================ loading drivers */

static void scn_mount_missing(sim_world *w, void *arg)
{
	char err[256];
	note("rc=%d", model_mount("devnp-no-such.so", "", err, sizeof(err)));
	note("%s", err);
	note("rc=%d", model_mount(PKTSIM_DRIVER_DIR "/../CMakeCache.txt", "", err, sizeof(err)));
	note("%.60s", err);
}

START_TEST(test_mount_missing_file_enxio)
{
	net_setup();
	spawn("scenario", scn_mount_missing, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_msg(strstr(logbuf, "rc=6@0 no driver file " PKTSIM_DRIVER_DIR
	                             "/devnp-no-such.so: No such file or directory@0"), "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "rc=6@0 dlopen "), "%s", logbuf);
	ck_no_breach();
}
END_TEST

static void scn_mount_destroy(sim_world *w, void *arg)
{
	const char *opts = arg;
	char err[256];
	int rc = model_mount(TEST_NET_SO, opts, err, sizeof(err));
	note("mount=%d %s loaded=%d tnet0=%d owned=%d", rc, err, model_driver_loaded("test-net"),
	     ifinfo("tnet0").exists, mbufs("test-net").mbufs);
	rc = model_ifconfig("tnet0", "destroy", err, sizeof(err));
	note("destroy=%d loaded=%d tnet0=%d", rc, model_driver_loaded("devnp-test-net.so"),
	     ifinfo("tnet0").exists);
}

START_TEST(test_mount_destroy_unloads)
{
	net_setup();
	spawn("scenario", scn_mount_destroy, "");
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "mount=0  loaded=1 tnet0=1 owned=0@0 destroy=0 loaded=0 tnet0=0@0 ");
	ck_no_breach();
}
END_TEST

static void scn_mount_twice(sim_world *w, void *arg)
{
	char err[256];
	note("mount=%d", model_mount(TEST_NET_SO, "", err, sizeof(err)));
	note("mount=%d", model_mount(TEST_NET_SO, "", err, sizeof(err)));
	note("tnet0=%d tnet1=%d", ifinfo("tnet0").exists, ifinfo("tnet1").exists);
	note("destroy=%d", model_ifconfig("tnet0", "destroy", err, sizeof(err)));
	note("loaded=%d", model_driver_loaded("test-net"));
	note("destroy=%d", model_ifconfig("tnet1", "destroy", err, sizeof(err)));
	note("loaded=%d", model_driver_loaded("test-net"));
}

/* A driver mounted twice is one DLL, unmapped for real with its last device: its static
 * data does not live on into a later load (and gcov writes its counters at the unmap). */
START_TEST(test_mount_twice_unmaps_at_last_unload)
{
	void *h;
	net_setup();
	spawn("scenario", scn_mount_twice, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "mount=0@0 mount=0@0 tnet0=1 tnet1=1@0 destroy=0@0 loaded=1@0 "
	                         "destroy=0@0 loaded=0@0 ");
	h = dlopen(TEST_NET_SO, RTLD_NOW | RTLD_NOLOAD);
	ck_assert_msg(h == NULL, "%s is still mapped after its last unload", TEST_NET_SO);
	ck_no_breach();
}
END_TEST

START_TEST(test_destroy_keeps_dll_when_handle_cleared)
{
	net_setup();
	spawn("scenario", scn_mount_destroy, "nohdl");
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "mount=0  loaded=1 tnet0=1 owned=0@0 destroy=0 loaded=1 tnet0=0@0 ");
	ck_no_breach();
}
END_TEST

START_TEST(test_driver_leak_owned_by_driver)
{
	net_setup();
	spawn("scenario", scn_mount_destroy, "leak=2");
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "mount=0  loaded=1 tnet0=1 owned=2@0 destroy=0 loaded=0 tnet0=0@0 ");
	ck_assert_int_eq(mbufs("test-net").mbufs, 2);
	ck_assert_int_eq(mbufs("io-pkt").mbufs, 0);
	logbuf[0] = 0;
	model_mbuf_live("devnp-test-net.so", list_live, NULL);
	ck_assert_msg(strstr(logbuf, "#1 cluster=0 owner=test-net site=tnet_attach+0x"), "%s",
	              logbuf);
	ck_no_breach();
}
END_TEST

/* Every device keeps the DLL handle: the first destroy unloads the DLL under the second,
 * and the second destroy would call into unloaded code. */
static void scn_allhdl(sim_world *w, void *arg)
{
	char err[256], left[512];
	note("mount=%d", model_mount(TEST_NET_SO, "ndev=2,allhdl", err, sizeof(err)));
	note("destroy0=%d", model_ifconfig("tnet0", "destroy", err, sizeof(err)));
	note("loaded=%d", model_driver_loaded("test-net"));
	note("left=%d %s", model_driver_leftovers("test-net", left, sizeof(left)), left);
	model_ifconfig("tnet1", "destroy", err, sizeof(err));
}

START_TEST(test_multi_device_unload_under_other_device)
{
	net_setup();
	spawn("scenario", scn_allhdl, NULL);
	ck_breach(run(), "use-of-unloaded-driver", "detach tnet_detach of devnp-test-net.so");
	ck_assert_msg(strstr(logbuf, "destroy0=0@0 loaded=0@0 left=2 device tnet1; interface tnet1@0"),
	              "%s", logbuf);
}
END_TEST

/* A callout the driver left armed when its DLL went: reported when it would fire. */
static void scn_callout_left(sim_world *w, void *arg)
{
	char err[256], left[512];
	model_mount(TEST_NET_SO, "callout", err, sizeof(err));
	note("destroy=%d", model_ifconfig("tnet0", "destroy", err, sizeof(err)));
	note("left=%d %s", model_driver_leftovers("test-net", left, sizeof(left)), left);
	sim_sleep(w, SIM_S);
}

START_TEST(test_callout_of_unloaded_driver)
{
	net_setup();
	spawn("scenario", scn_callout_left, NULL);
	ck_breach(run(), "use-of-unloaded-driver", "callout tnet_tick of devnp-test-net.so");
	ck_assert_msg(strstr(logbuf, "destroy=0@0 left=1 callout"), "%s", logbuf);
}
END_TEST

/* An interrupt entry left registered in the softc by a detach that forgot
 * interrupt_entry_remove is a leftover, whether or not its func points into the DLL. */
static void scn_intr_left(sim_world *w, void *arg)
{
	char err[256], left[512];
	note("destroy=%d", (model_mount(TEST_NET_SO, arg, err, sizeof(err)),
	                    model_ifconfig("tnet0", "destroy", err, sizeof(err))));
	note("left=%d %s", model_driver_leftovers("test-net", left, sizeof(left)), left);
	note("loaded=%d", model_driver_loaded(TEST_NET_SO));
}

START_TEST(test_intr_entry_left_in_softc)
{
	static const char *opts[] = { "intr", "intr0" };
	net_setup();
	spawn("scenario", scn_intr_left, (void *)opts[_i]);
	run();
	ck_assert_msg(strstr(logbuf, "destroy=0@0 left=1 interrupt entry"), "%s: %s", opts[_i],
	              logbuf);
	ck_assert_msg(strstr(logbuf, "still registered"), "%s", logbuf);
}
END_TEST

/* The driver is mounted again while its unloaded code is still referenced (a zombie):
 * the new mount gets a copy of its own, and the zombie's callout is still reported. */
static void scn_remount_zombie(sim_world *w, void *arg)
{
	char err[256];
	model_mount(TEST_NET_SO, "callout", err, sizeof(err));
	model_ifconfig("tnet0", "destroy", err, sizeof(err));
	note("loaded=%d", model_driver_loaded("test-net"));
	note("mount=%d", model_mount(TEST_NET_SO, "", err, sizeof(err)));
	note("loaded=%d", model_driver_loaded("test-net"));
	note("up=%d", model_ifconfig("tnet0", "up", err, sizeof(err)));
	sim_sleep(w, SIM_S);
}

START_TEST(test_remount_while_zombie)
{
	net_setup();
	spawn("scenario", scn_remount_zombie, NULL);
	ck_breach(run(), "use-of-unloaded-driver", "callout tnet_tick of devnp-test-net.so");
	ck_assert_str_eq(logbuf, "loaded=0@0 mount=0@0 loaded=1@0 up=0@0 ");
}
END_TEST

/* The DLL stays loaded (another device remains) but a detached device's callout is still
 * armed: its argument is the freed device structure. */
static void scn_callout_after_detach(sim_world *w, void *arg)
{
	char err[256];
	model_mount(TEST_NET_SO, "ndev=2,callout", err, sizeof(err));
	note("destroy=%d", model_ifconfig("tnet0", "destroy", err, sizeof(err)));
	note("loaded=%d", model_driver_loaded("test-net"));
	sim_sleep(w, SIM_S);
}

START_TEST(test_callout_of_detached_device)
{
	net_setup();
	spawn("scenario", scn_callout_after_detach, NULL);
	ck_breach(run(), "use-after-detach", "callout tnet_tick with the device structure of tnet0");
	ck_assert_str_eq(logbuf, "destroy=0@0 loaded=1@0 ");
}
END_TEST

/* A mount/destroy loop of a clean driver leaves nothing and reloads every time. */
static void scn_loop(sim_world *w, void *arg)
{
	char err[256];
	for (int k = 0; k < 20; k++) {
		ck_assert_int_eq(model_mount(TEST_NET_SO, "", err, sizeof(err)), 0);
		ck_assert_int_eq(model_ifconfig("tnet0", "10.0.0.1", err, sizeof(err)), 0);
		ck_assert_int_eq(model_app_send("tnet0", 200), 0);
		ck_assert_int_eq(model_ifconfig("tnet0", "destroy", err, sizeof(err)), 0);
		ck_assert_int_eq(model_driver_loaded("test-net"), 0);
	}
	note("done mbufs=%d", mbufs(NULL).mbufs);
}

START_TEST(test_mount_destroy_loop)
{
	net_setup();
	spawn("scenario", scn_loop, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "done mbufs=0@0 ");
	ck_no_breach();
}
END_TEST

/* ============================================================ shutdown hooks */

void hook_a(void *arg) { note("a"); }
void hook_b(void *arg) { note("b"); }
void hook_c(void *arg) { note("c"); }

int req_hooks(void *arg)
{
	void *b;
	shutdownhook_establish(hook_a, NULL);
	b = shutdownhook_establish(hook_b, NULL);
	shutdownhook_establish(hook_c, NULL);
	shutdownhook_establish(hook_b, NULL);
	shutdownhook_disestablish(b);          /* the first hook_b goes */
	return 0;
}

static void scn_hooks(sim_world *w, void *arg)
{
	char err[64];
	drv_request("hooks", "attach", req_hooks, NULL);
	note("shutdown=%d", model_shutdown(err, sizeof(err)));
	note("again=%d", model_shutdown(err, sizeof(err)));
}

START_TEST(test_shutdown_hooks_newest_first_once)
{
	net_setup();
	spawn("scenario", scn_hooks, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf, "b@0 c@0 a@0 shutdown=0@0 again=0@0 ");
	ck_no_breach();
}
END_TEST

int req_unhook_twice(void *arg)
{
	void *h = shutdownhook_establish(hook_a, NULL);
	shutdownhook_disestablish(h);
	shutdownhook_disestablish(h);
	return 0;
}

static void scn_unhook_twice(sim_world *w, void *arg)
{
	drv_request("unhook", "detach", req_unhook_twice, NULL);
}

START_TEST(test_shutdown_hook_removed_twice)
{
	net_setup();
	spawn("scenario", scn_unhook_twice, NULL);
	ck_breach(run(), "shutdownhook-unknown", "in req_unhook_twice (detach)");
}
END_TEST

/* An if_init with nothing to change: a running interface asked for the address, MTU,
 * flags, multicast list and station address of its last if_init (model/ifnet.c). */
static void scn_needless(sim_world *w, void *arg)
{
	CFG.note_needless = 1;
	attach("");
	ifconfig("tdev0", "10.0.0.1/24");               /* first: not running */
	ifconfig("tdev0", "10.0.0.1/24");               /* the same again */
	ifconfig("tdev0", "mtu 1400");                  /* the MTU changed */
	ifconfig("tdev0", "10.0.0.1/24");
	ifconfig("tdev0", "10.0.0.2/24");               /* another address */
	ifconfig("tdev0", "addmulti 01:00:5e:00:00:01");
	ifconfig("tdev0", "10.0.0.2/24");               /* the multicast list changed */
	ifconfig("tdev0", "down");
	ifconfig("tdev0", "up");                        /* after a stop */
	ifconfig("tdev0", "up");                        /* up and running: again */
	CFG.note_needless = 0;
}

START_TEST(test_if_init_with_nothing_to_change)
{
	net_setup();
	spawn("scenario", scn_needless, NULL);
	ck_assert_int_eq(run(), SIM_END_DONE);
	ck_assert_str_eq(logbuf,
	    "tdev0 rc=0 single=0 opts=\"\"@0 needless=0@0 needless=1@0 needless=0@0 "
	    "needless=1@0 needless=0@0 needless=0@0 needless=0@0 needless=1@0 ");
	ck_no_breach();
}
END_TEST

/* ============================================================ suite */

static Suite *net_suite(void)
{
	Suite *s = suite_create("model net");
	TCase *tc = tcase_create("mbufs");
	tcase_add_test(tc, test_mbuf_alloc_free_counts);
	tcase_add_test(tc, test_mbuf_double_free_names_sites);
	tcase_add_test(tc, test_mbuf_use_after_free_detected);
	tcase_add_test(tc, test_mbuf_cluster_write_after_free_detected);
	tcase_add_test(tc, test_frame_records_batch_counts);
	tcase_add_test(tc, test_mbuf_leak_listed_with_site);
	tcase_add_test(tc, test_mbuf_fault_injection_and_limit);
	tcase_add_test(tc, test_mbuf_waitok_waits_in_pseudo_thread);
	tcase_add_test(tc, test_mbuf_waitok_from_tracked_thread);
	tcase_add_test(tc, test_mbuf_from_untracked_thread);
	suite_add_tcase(s, tc);

	tc = tcase_create("devices");
	tcase_add_test(tc, test_dev_attach_naming);
	tcase_add_test(tc, test_dev_attach_failure_leaves_nothing);
	tcase_add_loop_test(tc, test_dev_attach_failure_leftovers_reported, 0, 2);
	tcase_add_test(tc, test_dev_attach_outside_stack_eperm);
	tcase_add_test(tc, test_destroy_without_detach_function);
	suite_add_tcase(s, tc);

	tc = tcase_create("interfaces");
	tcase_add_test(tc, test_ifconfig_up_mtu_down);
	tcase_add_test(tc, test_ifconfig_address_brings_up);
	tcase_add_test(tc, test_ifconfig_media_through_ifmedia);
	tcase_add_test(tc, test_send_when_down_enetdown_and_freed);
	tcase_add_test(tc, test_snd_full_enobufs_and_oactive_skips_start);
	tcase_add_test(tc, test_stale_queue_evidence);
	tcase_add_test(tc, test_device_callouts_listed);
	tcase_add_test(tc, test_if_start_keeping_tx_mutex);
	tcase_add_test(tc, test_if_input_dropped_when_down);
	tcase_add_test(tc, test_link_change_from_untracked_thread);
	tcase_add_test(tc, test_if_init_with_nothing_to_change);
	suite_add_tcase(s, tc);

	tc = tcase_create("loading");
	tcase_add_test(tc, test_mount_missing_file_enxio);
	tcase_add_test(tc, test_mount_destroy_unloads);
	tcase_add_test(tc, test_mount_twice_unmaps_at_last_unload);
	tcase_add_test(tc, test_destroy_keeps_dll_when_handle_cleared);
	tcase_add_test(tc, test_driver_leak_owned_by_driver);
	tcase_add_test(tc, test_multi_device_unload_under_other_device);
	tcase_add_test(tc, test_callout_of_unloaded_driver);
	tcase_add_loop_test(tc, test_intr_entry_left_in_softc, 0, 2);
	tcase_add_test(tc, test_remount_while_zombie);
	tcase_add_test(tc, test_callout_of_detached_device);
	tcase_add_test(tc, test_mount_destroy_loop);
	suite_add_tcase(s, tc);

	tc = tcase_create("shutdown");
	tcase_add_test(tc, test_shutdown_hooks_newest_first_once);
	tcase_add_test(tc, test_shutdown_hook_removed_twice);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
