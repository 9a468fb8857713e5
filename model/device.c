/*
 * model/device.c — io-pkt's devices: dev_attach (from a driver's entry function) and
 * dev_detach ("ifconfig IF destroy").
 *
 * Devices are kept in attach order. A device counts (its unit is taken) from the moment
 * dev_attach allocates it, so an attach that yields the stack cannot lose its unit to
 * another. The structure of a detached device (or of a failed attach) is not handed back
 * to the allocator: it is poisoned and kept, so that a callout or thread still pointing
 * at it is reported ("use-after-detach") rather than reading freed memory.
 */
#include "net_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NET_DEAD_BYTES_MAX (64u << 20) /* beyond this the oldest dead structures go */

/* ------------------------------------------------------------ lookup */

struct net_dev *net_dev_holding(const void *addr)
{
	const char *a = addr;
	for (struct net_dev *d = model_net.devs; d; d = d->next)
		if (a >= (const char *)d->dev && a < (const char *)d->dev + d->size)
			return d;
	return NULL;
}

struct net_dead_dev *net_dead_dev_holding(const void *addr)
{
	const char *a = addr;
	for (struct net_dead_dev *d = model_net.dead; d; d = d->next)
		if (a >= (const char *)d->mem && a < (const char *)d->mem + d->size)
			return d;
	return NULL;
}

static struct net_dev *dev_rec(const struct device *dev)
{
	for (struct net_dev *d = model_net.devs; d; d = d->next)
		if (d->dev == dev)
			return d;
	return NULL;
}

int net_dev_count_of_dll(const struct net_dll *dll, char *buf, size_t n)
{
	int c = 0;
	for (struct net_dev *d = model_net.devs; d; d = d->next)
		if (d->dll == dll) {
			net_append(buf, n, "device %s", d->name);
			c++;
		}
	return c;
}

static int unit_taken(const char *base, int unit)
{
	for (struct net_dev *d = model_net.devs; d; d = d->next)
		if (d->unit == unit && strcmp(d->base, base) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ list */

static void dev_link(struct net_dev *d)
{
	if (model_net.devs_tail)
		model_net.devs_tail->next = d;
	else
		model_net.devs = d;
	model_net.devs_tail = d;
}

static void dev_unlink(struct net_dev *d)
{
	struct net_dev **pp = &model_net.devs, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			if (model_net.devs_tail == d)
				model_net.devs_tail = prev;
			return;
		}
}

/*
 * The device structure is gone for the driver, but its memory is kept as it was (not
 * poisoned): what the core may still link inside it (a callout or interrupt entry the
 * driver forgot) stays consistent, so its next use is reported by model_driver_callable
 * ("use-after-detach") instead of following garbage.
 */
static void dev_bury(struct net_dev *d)
{
	struct net_dead_dev *dd = sim_alloc(net_w(), sizeof(*dd));
	dd->mem = d->dev;
	dd->size = d->size;
	dd->dll = d->dll;
	snprintf(dd->name, sizeof(dd->name), "%s", d->name);
	dd->t = sim_now(net_w());
	if (model_net.dead_tail)
		model_net.dead_tail->next = dd;
	else
		model_net.dead = dd;
	model_net.dead_tail = dd;
	model_net.dead_bytes += d->size;
	while (model_net.dead_bytes > NET_DEAD_BYTES_MAX && model_net.dead != dd) {
		struct net_dead_dev *old = model_net.dead;
		model_net.dead = old->next;
		model_net.dead_bytes -= old->size;
		sim_free(net_w(), old->mem, old->size);
		sim_free(net_w(), old, sizeof(*old));
	}
	d->magic = 0;
	sim_free(net_w(), d, sizeof(*d));
}

/* ------------------------------------------------------------ options */

/* Parse a unit number ("0".."999999"); -1 if it is not one. */
static int parse_unit(const char *s, size_t len)
{
	int v = 0;
	if (len == 0 || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Take lan=/unit= and name= out of options (in place). *unit is the unit (-1 if none),
 * name the name= value ("" if none). 0, or EINVAL for a bad unit or an over-long name.
 */
static int strip_options(char *options, int *unit, char *name, size_t namelen)
{
	char *out, *p;
	*unit = -1;
	name[0] = 0;
	if (!options)
		return 0;
	out = options;
	p = options;
	while (*p) {
		char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int lan = len > 4 && strncmp(p, "lan=", 4) == 0;
		int un = len > 5 && strncmp(p, "unit=", 5) == 0;
		int nm = len > 5 && strncmp(p, "name=", 5) == 0;
		if (lan || un) {
			size_t k = lan ? 4 : 5;
			if ((*unit = parse_unit(p + k, len - k)) < 0)
				return EINVAL;
		} else if (nm) {
			if (len - 5 >= namelen)
				return ENAMETOOLONG;
			memcpy(name, p + 5, len - 5);
			name[len - 5] = 0;
		} else if (len > 0) {
			if (out != options)
				*out++ = ',';
			memmove(out, p, len);
			out += len;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	*out = 0;
	return 0;
}

/* ------------------------------------------------------------ attach */

/*
 * The attach function of d returned rc (not EOK): io-pkt frees the device structure, so
 * anything the attach left registered in it — a pending callout, an interrupt entry, an
 * ISR, a shutdown hook — or any mbuf or heap block it allocated (after mbuf number seq,
 * block number mseq) and kept is left behind, pointing into freed memory or lost. Breach "attach-failed-leftovers" naming
 * them. Called inside the attach's call attribution, so the report names the function.
 */
static void attach_check_undone(struct net_dev *d, int rc, uint64_t seq, uint64_t mseq)
{
	char buf[512] = "";
	struct model_ranges r = { 0 };
	struct model_mbuf_live mb;
	struct model_mem_live hb;
	int n, nm = 0, nh = 0;
	model_ranges_add(&r, d->dev, (const char *)d->dev + d->size);
	n = model_core_leftovers_in(&r, buf, sizeof(buf));
	n += net_hook_count_in(d->dev, d->size, buf, sizeof(buf));
	if (d->dll && (nm = net_leak_mbufs_since(d->dll->name, seq, &mb)) > 0)
		net_append(buf, sizeof(buf), "%d mbuf%s, the first allocated at %s", nm,
		           nm == 1 ? "" : "s", mb.site);
	if (d->dll && (nh = net_leak_mem_since(d->dll->name, mseq, &hb)) > 0)
		net_append(buf, sizeof(buf), "%d heap block%s, the first of %zu bytes allocated at %s",
		           nh, nh == 1 ? "" : "s", hb.size, hb.site);
	if (n + nm + nh == 0)
		return;
	model_breach("attach-failed-leftovers", "the attach of %s failed (%s) but left behind: %s "
	             "(a failed attach must undo all it did: io-pkt frees the device structure)",
	             d->name, strerror(rc), buf);
}

static void trace_attach(const char *name, int rc, const struct net_dll *dll)
{
	sim_emit(net_w(), model_net.k.dev_attach, name, (int64_t)rc, dll ? dll->name : NET_IO_PKT);
}

int dev_attach(char *drvr, char *options, struct cfattach *ca, void *cfat_arg, int *single,
               struct device **devp, int (*print)(void *, const char *))
{
	char name[16], base[16], opt_name[16];
	struct device *parent = devp ? *devp : NULL;
	struct net_dev *d;
	const char *b;
	int unit, rc;

	if (!model_in_stack()) {
		trace_attach(drvr ? drvr : "?", EPERM, NULL);
		return EPERM;
	}
	if (!drvr || !ca || !ca->ca_attach || ca->ca_devsize < sizeof(struct device) || !devp)
		return EINVAL;
	if ((rc = strip_options(options, &unit, opt_name, sizeof(opt_name))) != 0)
		return rc;
	b = opt_name[0] ? opt_name : drvr;
	if (strlen(b) >= sizeof(base)) {
		trace_attach(drvr, ENAMETOOLONG, net_dll_of(ca->ca_attach));
		return ENAMETOOLONG;
	}
	snprintf(base, sizeof(base), "%s", b);
	if (unit >= 0 && single)
		*single = 1;
	if (unit >= 0 && unit_taken(base, unit)) {
		trace_attach(base, EALREADY, net_dll_of(ca->ca_attach));
		return EALREADY;
	}
	if (unit < 0)
		for (unit = 0; unit_taken(base, unit); unit++)
			;
	if (snprintf(name, sizeof(name), "%s%d", base, unit) >= (int)sizeof(name)) {
		trace_attach(base, ENAMETOOLONG, net_dll_of(ca->ca_attach));
		return ENAMETOOLONG;
	}

	d = sim_alloc(net_w(), sizeof(*d));
	d->magic = NET_MAGIC_DEV;
	d->size = ca->ca_devsize;
	d->dev = sim_alloc(net_w(), d->size);
	d->unit = unit;
	d->state = NET_DEV_ATTACHING;
	d->dll = net_dll_of(ca->ca_attach);
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->base, sizeof(d->base), "%s", base);
	d->dev->dv_class = DV_IFNET;
	snprintf(d->dev->dv_xname, sizeof(d->dev->dv_xname), "%s", name);
	d->dev->dv_unit = unit;
	d->dev->dv_parent = parent;
	d->dev->dv_cfattach = ca;
	d->dev->dv_flags = DVF_ACTIVE;
	d->dev->dv_magic = NET_MAGIC_DEV;
	dev_link(d);
	*devp = d->dev;

	if (print && net_call_enter("print", print, NULL)) {
		print(cfat_arg, NULL);
		net_call_exit();
	}
	rc = ENXIO;
	if (net_call_enter("attach", ca->ca_attach, NULL)) {
		struct model_mem_info mi;
		uint64_t seq = net_mbuf_seq();
		model_mem_info(NULL, &mi);
		rc = ca->ca_attach(parent, d->dev, cfat_arg);
		if (rc != EOK)
			attach_check_undone(d, rc, seq, mi.seq);
		net_call_exit();
	}
	trace_attach(name, rc, d->dll);
	if (rc == EOK) {
		d->state = NET_DEV_ATTACHED;
		return EOK;
	}
	/* Failed: nothing of the device may remain. */
	*devp = parent;
	dev_unlink(d);
	net_if_reap_inside(d->dev, d->size, name);
	dev_bury(d);
	return rc;
}

/* ------------------------------------------------------------ detach */

int dev_detach(struct device *dev, int flags)
{
	struct net_dev *d;
	struct cfattach *ca;
	void *hdl;
	int rc = ENXIO, quiesce;
	char name[16];

	if (!model_in_stack())
		return EPERM;
	d = dev ? dev_rec(dev) : NULL;
	if (!d || dev->dv_magic != NET_MAGIC_DEV) {
		model_breach("dev-bad-pointer", "dev_detach of something that is not an attached "
		             "device");
		return EINVAL;
	}
	if (d->state != NET_DEV_ATTACHED)
		return EBUSY;
	ca = dev->dv_cfattach;
	snprintf(name, sizeof(name), "%s", d->name);
	if (!ca || !ca->ca_detach) {
		sim_emit(net_w(), model_net.k.dev_detach, name, (int64_t)EOPNOTSUPP, "no detach function");
		return EOPNOTSUPP;
	}
	quiesce = !(dev->dv_flags & DVF_QUIESCESELF);
	d->state = NET_DEV_DETACHING;
	if (quiesce)
		quiesce_all();
	if (net_call_enter("detach", ca->ca_detach, NULL)) {
		rc = ca->ca_detach(dev, flags);
		net_call_exit();
	}
	if (quiesce)
		unquiesce_all();
	if (rc != EOK) {
		d->state = NET_DEV_ATTACHED;
		sim_emit(net_w(), model_net.k.dev_detach, name, (int64_t)rc, "detach failed: kept");
		return rc;
	}
	hdl = dev->dv_dll_hdl;
	dev_unlink(d);
	net_if_reap_inside(d->dev, d->size, name);
	sim_emit(net_w(), model_net.k.dev_detach, name, (int64_t)EOK,
	         hdl ? "detached; closing its DLL" : "detached; DLL handle cleared: kept loaded");
	dev_bury(d);
	if (hdl) {
		struct net_dll *dll = net_dll_by_handle(hdl);
		if (dll)
			net_dll_close(dll, "its device was detached");
		else
			model_breach("dev-bad-dll-handle", "%s was detached with dv_dll_hdl set to "
			             "something that is not a loaded driver's handle", name);
	}
	return EOK;
}

/* The attached device whose interface is r (its ifnet lies in the device structure). */
struct device *net_dev_of_if(const struct model_ifnet *r, int *busy)
{
	struct net_dev *d = net_dev_holding(r->ifp);
	*busy = d && d->state != NET_DEV_ATTACHED;
	return d && d->state == NET_DEV_ATTACHED ? d->dev : NULL;
}
