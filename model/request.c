/*
 * model/request.c — the management requests of model.h: mount, ifconfig, shutdown.
 *
 * Each is served in the stack context, in a pseudo-thread (model_stack_request), the
 * way io-pkt's resource manager serves mount and ifconfig: the calling scenario thread
 * waits, in virtual time, until it is done. The request is named by its command line
 * ("mount devnp-sam.so lan=0", "ifconfig sam0 up"); its result is traced
 * ("net_request": command, errno, reason). At the end of every request the quarantine
 * of freed mbufs is scanned for writes after free.
 *
 * ifconfig goes through the driver's if_ioctl as in io-pkt (NetBSD's ifioctl): "up" and
 * "down" are SIOCSIFFLAGS (down first purges if_snd), "mtu N" is SIOCSIFMTU, an address
 * is SIOCSIFADDR, "media X" SIOCSIFMEDIA, "addmulti/delmulti MAC" SIOCADDMULTI/DELMULTI;
 * the driver hands them to ether_ioctl, which calls if_init / if_stop. "destroy" is
 * dev_detach of the interface's device.
 */
#include "net_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NET_OPTIONS_MAX 1024

/* ------------------------------------------------------------ helpers */

/* s with the driver folder written "$DRIVER_DIR": a trace must not depend on where the
 * build that ran it lives (replay re-runs it in another build's folder). */
static const char *trace_text(const char *s, char *buf, size_t n)
{
	const char *dir = model_net.driver_dir, *hit;
	size_t dl = strlen(dir), l = 0;
	buf[0] = 0;
	while (dl > 1 && (hit = strstr(s, dir)) != NULL && l < n) {
		l += (size_t)snprintf(buf + l, n - l, "%.*s$DRIVER_DIR", (int)(hit - s), s);
		s = hit + dl;
	}
	if (l < n)
		snprintf(buf + l, n - l, "%s", s);
	return buf;
}

static void finish(const char *cmd, int rc, char *err, size_t errlen)
{
	char t1[PATH_MAX + 64], t2[SIM_TRACE_MAX_STR + 1];
	if (rc && err && errlen && !err[0])
		sim_errf(err, errlen, "%s: %s", cmd, strerror(rc));
	sim_emit(net_w(), model_net.k.request, trace_text(cmd, t1, sizeof(t1)), (int64_t)rc,
	         err && rc ? trace_text(err, t2, sizeof(t2)) : "");
	net_mbuf_check_quarantine();
}

/* The start of every request: err emptied; 0 to go on, or ENXIO (why in err) when there
 * is no io-pkt. */
static int request_begin(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	if (model_net.w)
		return 0;
	sim_errf(err, errlen, "io-pkt is not running (model_create first)");
	return ENXIO;
}

/* The file a mount of driver means: a path as given, "x.so" in the driver folder,
 * "x" as devnp-x.so there. */
static int driver_path(const char *driver, char *out, size_t n)
{
	size_t len = strlen(driver);
	int w;
	if (strchr(driver, '/'))
		w = snprintf(out, n, "%s", driver);
	else if (len > 3 && strcmp(driver + len - 3, ".so") == 0)
		w = snprintf(out, n, "%s/%s", model_net.driver_dir, driver);
	else
		w = snprintf(out, n, "%s/devnp-%s.so", model_net.driver_dir, driver);
	return w < (int)n ? 0 : ENAMETOOLONG;
}

/* ------------------------------------------------------------ mount */

struct mount_req {
	char path[PATH_MAX];
	char options[NET_OPTIONS_MAX];
	char *err;
	size_t errlen;
};

static int mount_fn(void *arg)
{
	struct mount_req *q = arg;
	struct net_dll *d;
	struct _iopkt_drvr_entry *e;
	int rc = net_dll_open(q->path, &d, &e, q->err, q->errlen);
	if (rc)
		return rc;
	rc = ENXIO;
	if (net_call_enter("drvr_init", (const void *)e->drvr_init, NULL)) {
		errno = 0;
		(void)model_thread_refusal(); /* forget a refusal older than this mount */
		rc = e->drvr_init(d->handle, iopkt_selfp, q->options);
		if (rc < 0)                        /* -1 with errno, as some drivers do */
			rc = errno > 0 ? errno : EIO;
		net_call_exit();
	}
	if (rc != EOK) {
		const char *why = model_thread_refusal();
		sim_errf(q->err, q->errlen, "%s: its entry function failed: %s%s%s%s", d->file,
		         strerror(rc), why[0] ? " (" : "", why, why[0] ? ")" : "");
		net_dll_close(d, "its mount failed");
	}
	return rc;
}

int model_mount(const char *driver, const char *options, char *err, size_t errlen)
{
	struct mount_req q;
	char cmd[PATH_MAX + NET_OPTIONS_MAX + 16];
	int rc;
	if ((rc = request_begin(err, errlen)))
		return rc;
	memset(&q, 0, sizeof(q));
	q.err = err, q.errlen = errlen;
	if (!driver || !*driver || driver_path(driver, q.path, sizeof(q.path)) != 0) {
		sim_errf(err, errlen, "bad driver name");
		return EINVAL;
	}
	if (options && strlen(options) >= sizeof(q.options)) {
		sim_errf(err, errlen, "options too long");
		return EINVAL;
	}
	snprintf(q.options, sizeof(q.options), "%s", options ? options : "");
	snprintf(cmd, sizeof(cmd), "mount %s%s%s", driver, q.options[0] ? " " : "", q.options);
	rc = model_stack_request(cmd, mount_fn, &q);
	finish(cmd, rc, err, errlen);
	return rc;
}

/* ------------------------------------------------------------ ifconfig */

enum if_op { OP_UP, OP_DOWN, OP_DESTROY, OP_MTU, OP_ADDR, OP_MEDIA, OP_ADDMULTI, OP_DELMULTI };

struct ifconfig_req {
	char ifname[IFNAMSIZ];
	enum if_op op;
	int mtu, media;
	struct sockaddr_in addr, mask;
	uint8_t mac[ETHER_ADDR_LEN];
	char *err;
	size_t errlen;
};

/* NetBSD's SIOCSIFFLAGS: down purges first (if_down), up marks up (if_up), then the
 * driver's if_ioctl (which hands it to ether_ioctl: if_init / if_stop). */
static int set_flags(struct model_ifnet *r, int up, const char *cause)
{
	struct ifnet *ifp = r->ifp;
	int newf = up ? ifp->if_flags | IFF_UP : ifp->if_flags & ~IFF_UP;
	int of, ot;
	struct ifreq ifr;
	if (!ifp->if_ioctl)
		return EOPNOTSUPP;
	if ((ifp->if_flags & IFF_UP) && !up) {
		net_if_down(r);               /* may wait for the TX mutex */
		if (!net_if_alive(ifp, r))
			return ENXIO;
	}
	of = ifp->if_flags, ot = ifp->if_flags_tx;
	ifp->if_flags = (ifp->if_flags & IFF_CANTCHANGE) | (newf & ~IFF_CANTCHANGE);
	net_if_trace_flags(r, cause, of, ot);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->name);
	ifr.ifr_flags = (short)newf;
	return net_if_call_ioctl(r, SIOCSIFFLAGS, (caddr_t)&ifr, cause);
}

static int set_addr(struct model_ifnet *r, struct ifconfig_req *q)
{
	int rc;
	r->addr = q->addr;
	r->mask = q->mask;
	memset(&r->ifa, 0, sizeof(r->ifa));
	r->ifa.ifa_addr = (struct sockaddr *)&r->addr;
	r->ifa.ifa_netmask = (struct sockaddr *)&r->mask;
	r->ifa.ifa_ifp = r->ifp;
	if (!r->ifp->if_ioctl)
		return EOPNOTSUPP;
	rc = net_if_call_ioctl(r, SIOCSIFADDR, (caddr_t)&r->ifa, "ifconfig address");
	if (rc == 0 && net_if_by_name(q->ifname) == r)
		r->has_addr = 1;
	return rc;
}

static int ifconfig_fn(void *arg)
{
	struct ifconfig_req *q = arg;
	struct model_ifnet *r = net_if_by_name(q->ifname);
	struct ifreq ifr;
	struct device *dev;
	int busy;
	if (!r) {
		sim_errf(q->err, q->errlen, "no interface %s", q->ifname);
		return ENXIO;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->name);
	switch (q->op) {
	case OP_UP:
		return set_flags(r, 1, "ifconfig up");
	case OP_DOWN:
		return set_flags(r, 0, "ifconfig down");
	case OP_ADDR:
		return set_addr(r, q);
	case OP_MTU:
		ifr.ifr_mtu = q->mtu;
		return net_if_call_ioctl(r, SIOCSIFMTU, (caddr_t)&ifr, "ifconfig mtu");
	case OP_MEDIA:
		ifr.ifr_media = q->media;
		return net_if_call_ioctl(r, SIOCSIFMEDIA, (caddr_t)&ifr, "ifconfig media");
	case OP_ADDMULTI:
	case OP_DELMULTI:
		ifr.ifr_addr.sa_family = AF_UNSPEC;
		memcpy(ifr.ifr_addr.sa_data, q->mac, ETHER_ADDR_LEN);
		return net_if_call_ioctl(r, q->op == OP_ADDMULTI ? SIOCADDMULTI : SIOCDELMULTI,
		                         (caddr_t)&ifr, "ifconfig multicast");
	case OP_DESTROY:
		if (!(dev = net_dev_of_if(r, &busy))) {
			sim_errf(q->err, q->errlen, busy ? "%s is being attached or detached" :
			         "%s belongs to no device io-pkt can detach", q->ifname);
			return busy ? EBUSY : EOPNOTSUPP;
		}
		return dev_detach(dev, 0);
	}
	return EINVAL;
}

static int parse_mac(const char *s, uint8_t mac[ETHER_ADDR_LEN])
{
	unsigned v[ETHER_ADDR_LEN];
	char tail;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return EINVAL;
	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		if (v[i] > 0xff)
			return EINVAL;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

/* "auto", "10baseT", "100baseTX", "1000baseT", "10GbaseT", optionally followed by
 * "full-duplex" / "half-duplex". */
static int parse_media(const char *s, int *out)
{
	static const struct { const char *name; int sub; } types[] = {
		{ "auto", IFM_AUTO }, { "none", IFM_NONE }, { "10baseT", IFM_10_T },
		{ "100baseTX", IFM_100_TX }, { "1000baseT", IFM_1000_T }, { "10GbaseT", IFM_10G_T },
	};
	char word[32], opt[32];
	int n = sscanf(s, "%31s %31s", word, opt);
	if (n < 1)
		return EINVAL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(word, types[i].name) != 0)
			continue;
		*out = IFM_ETHER | types[i].sub;
		if (n == 2 && (!strcmp(opt, "full-duplex") || !strcmp(opt, "fdx")))
			*out |= IFM_FDX;
		else if (n == 2 && (!strcmp(opt, "half-duplex") || !strcmp(opt, "hdx")))
			*out |= IFM_HDX;
		else if (n == 2)
			return EINVAL;
		return 0;
	}
	return EINVAL;
}

/* An IPv4 address with an optional prefix length: "10.0.0.1", "10.0.0.1/24". */
static int parse_addr(const char *s, struct sockaddr_in *addr, struct sockaddr_in *mask)
{
	char ip[32];
	const char *slash = strchr(s, '/');
	int plen = 24;
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	if (len >= sizeof(ip))
		return EINVAL;
	memcpy(ip, s, len);
	ip[len] = 0;
	memset(addr, 0, sizeof(*addr));
	memset(mask, 0, sizeof(*mask));
	addr->sin_family = mask->sin_family = AF_INET;
	if (inet_pton(AF_INET, ip, &addr->sin_addr) != 1)
		return EINVAL;
	if (slash) {
		char *end;
		long v = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || v < 0 || v > 32)
			return EINVAL;
		plen = (int)v;
	}
	mask->sin_addr.s_addr = htonl(plen ? 0xffffffffu << (32 - plen) : 0);
	return 0;
}

static int parse_ifconfig(const char *args, struct ifconfig_req *q)
{
	while (isspace((unsigned char)*args))
		args++;
	if (!strcmp(args, "up"))
		q->op = OP_UP;
	else if (!strcmp(args, "down"))
		q->op = OP_DOWN;
	else if (!strcmp(args, "destroy"))
		q->op = OP_DESTROY;
	else if (!strncmp(args, "mtu ", 4)) {
		char *end;
		long v = strtol(args + 4, &end, 10);
		if (*end || end == args + 4 || v < 0 || v > 65535)
			return EINVAL;
		q->op = OP_MTU, q->mtu = (int)v;
	} else if (!strncmp(args, "media ", 6)) {
		q->op = OP_MEDIA;
		return parse_media(args + 6, &q->media);
	} else if (!strncmp(args, "addmulti ", 9) || !strncmp(args, "delmulti ", 9)) {
		q->op = args[0] == 'a' ? OP_ADDMULTI : OP_DELMULTI;
		return parse_mac(args + 9, q->mac);
	} else if (isdigit((unsigned char)*args)) {
		q->op = OP_ADDR;
		return parse_addr(args, &q->addr, &q->mask);
	} else {
		return EINVAL;
	}
	return 0;
}

/* Serve "ifconfig IFNAME ARGS" under the request name cmd. */
static int ifconfig_request(const char *ifname, const char *args, const char *cmd, char *err,
                            size_t errlen)
{
	struct ifconfig_req q;
	int rc;
	if ((rc = request_begin(err, errlen)))
		return rc;
	memset(&q, 0, sizeof(q));
	q.err = err, q.errlen = errlen;
	if (!ifname || strlen(ifname) >= sizeof(q.ifname) || !args) {
		sim_errf(err, errlen, "bad interface name");
		return EINVAL;
	}
	snprintf(q.ifname, sizeof(q.ifname), "%s", ifname);
	if (parse_ifconfig(args, &q) != 0) {
		sim_errf(err, errlen, "ifconfig: cannot understand \"%s\" (up, down, destroy, mtu N, "
		         "an IPv4 address[/len], media TYPE [full-duplex], addmulti/delmulti MAC)", args);
		finish(cmd, EINVAL, err, errlen);
		return EINVAL;
	}
	rc = model_stack_request(cmd, ifconfig_fn, &q);
	finish(cmd, rc, err, errlen);
	return rc;
}

int model_ifconfig(const char *ifname, const char *args, char *err, size_t errlen)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "ifconfig %s %s", ifname ? ifname : "", args ? args : "");
	return ifconfig_request(ifname, args, cmd, err, errlen);
}

/* umount /dev/io-net/IFNAME: io-pkt detaches the interface's device, like destroy. */
int model_umount(const char *path, char *err, size_t errlen)
{
	const char *name = path ? strrchr(path, '/') : NULL;
	char cmd[160];
	name = name ? name + 1 : path;
	snprintf(cmd, sizeof(cmd), "umount %s", path ? path : "");
	return ifconfig_request(name, "destroy", cmd, err, errlen);
}

/* ------------------------------------------------------------ others' requests */

int net_request(const char *cmd, int (*fn)(void *), void *arg, char *err, size_t errlen)
{
	int rc;
	if ((rc = request_begin(err, errlen)))
		return rc;
	rc = model_stack_request(cmd, fn, arg);
	finish(cmd, rc, err, errlen);
	return rc;
}

/* ------------------------------------------------------------ nicinfo */

struct nicinfo_req {
	const char *ifname;
	struct model_if_info *out;
	char *err;
	size_t errlen;
};

static int nicinfo_fn(void *arg)
{
	struct nicinfo_req *q = arg;
	model_if_info(q->ifname, q->out);
	if (!q->out->exists) {
		sim_errf(q->err, q->errlen, "no interface %s", q->ifname);
		return ENXIO;
	}
	return 0;
}

int model_nicinfo(const char *ifname, struct model_if_info *out, char *err, size_t errlen)
{
	struct nicinfo_req q = { ifname, out, err, errlen };
	char cmd[64];
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = request_begin(err, errlen)))
		return rc;
	if (!ifname || !*ifname) {
		sim_errf(err, errlen, "nicinfo: no interface named");
		return EINVAL;
	}
	snprintf(cmd, sizeof(cmd), "nicinfo %s", ifname);
	rc = model_stack_request(cmd, nicinfo_fn, &q);
	finish(cmd, rc, err, errlen);
	return rc;
}

/* ------------------------------------------------------------ shutdown */

static int shutdown_fn(void *arg)
{
	(void)arg;
	net_shutdown_run();
	model_net.shut_down = 1;
	return 0;
}

int model_shutdown(char *err, size_t errlen)
{
	int rc;
	if ((rc = request_begin(err, errlen)))
		return rc;
	rc = model_stack_request("shutdown", shutdown_fn, NULL);
	finish("shutdown", rc, err, errlen);
	return rc;
}
