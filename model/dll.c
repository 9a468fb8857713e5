/*
 * model/dll.c — loading and unloading drivers (devnp-*.so), and guarding every call into
 * them.
 *
 * A mount dlopen()s the driver (RTLD_NOW | RTLD_LOCAL: every io-pkt function it uses
 * must exist in pktsim, or the mount fails with the loader's message) and io-pkt closes
 * it once per device detached with dv_dll_hdl set, or when the mount fails. When no
 * open remains the DLL is unloaded, as io-pkt does, through blockop: the detaching
 * pseudo-thread yields the stack meanwhile.
 *
 * After an unload, any call into the DLL would crash a real io-pkt. pktsim checks every
 * call it makes into a driver (model_driver_callable) against the DLLs it knows, and
 * reports "use-of-unloaded-driver" instead. For that to be safe the DLL is really
 * dlclose()d only when nothing of it is left registered (devices, interfaces, shutdown
 * hooks, and what the core reports: callouts, interrupt entries, threads); otherwise it
 * stays mapped as a "zombie" and the leftovers are recorded. If a zombie's file is
 * mounted again, it is loaded from a private copy, so that the zombie's functions keep
 * their own addresses and stay recognisable.
 */
#define _GNU_SOURCE
#include "net_int.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* ------------------------------------------------------------ names */

const char *net_driver_short(const char *driver, char *buf, size_t n)
{
	const char *b = strrchr(driver, '/');
	size_t len;
	b = b ? b + 1 : driver;
	if (strncmp(b, "devnp-", 6) == 0)
		b += 6;
	len = strlen(b);
	if (len > 3 && strcmp(b + len - 3, ".so") == 0)
		len -= 3;
	snprintf(buf, n, "%.*s", (int)len, b);
	return buf;
}

static int dll_matches(const struct net_dll *d, const char *driver)
{
	char s[64];
	if (strchr(driver, '/'))
		return strcmp(d->path, driver) == 0;
	if (strcmp(d->file, driver) == 0)
		return 1;
	return strcmp(d->name, net_driver_short(driver, s, sizeof(s))) == 0 &&
	       !strstr(driver, ".so");
}

/* ------------------------------------------------------------ lookup */

static struct net_dll *dll_find_addr(uintptr_t a, int want_mapped)
{
	for (struct net_dll *d = model_net.dlls; d; d = d->next) {
		int mapped = d->state != NET_DLL_UNLOADED;
		if (mapped == want_mapped && a >= d->base && a < d->end)
			return d;
	}
	return NULL;
}

/* The mapped DLL found last: every call into a driver asks for the same few, and a
 * mount/destroy loop leaves one unloaded record per cycle on the list. */
static struct net_dll *dll_last;

struct net_dll *net_dll_of(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	struct net_dll *d = dll_last;
	if (d && d->state != NET_DLL_UNLOADED && a >= d->base && a < d->end)
		return d;
	if ((d = dll_find_addr(a, 1)) != NULL)
		return dll_last = d;
	return dll_find_addr(a, 0);
}

struct net_dll *net_dll_by_handle(const void *h)
{
	for (struct net_dll *d = model_net.dlls; d; d = d->next)
		if (d->handle == h && d->state == NET_DLL_LOADED)
			return d;
	for (struct net_dll *d = model_net.dlls; d; d = d->next)
		if (d->handle == h && d->state == NET_DLL_ZOMBIE)
			return d;
	return NULL;
}

const char *net_fn_name(const void *fn, char *buf, size_t n)
{
	struct net_dll *d = net_dll_of(fn);
	if (d && d->state == NET_DLL_UNLOADED) {
		snprintf(buf, n, "0x%lx in %s", (unsigned long)((uintptr_t)fn - d->base), d->file);
		return buf;
	}
	return model_symbol_name(fn, buf, n);
}

/* ------------------------------------------------------------ the mapping */

struct range_query {
	uintptr_t l_addr;
	const char *name;
	uintptr_t lo, hi;
	int found;
};

static int range_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct range_query *q = arg;
	(void)size;
	if (info->dlpi_addr != q->l_addr || !info->dlpi_name || strcmp(info->dlpi_name, q->name))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;
		if (ph->p_type != PT_LOAD)
			continue;
		lo = info->dlpi_addr + ph->p_vaddr;
		hi = lo + ph->p_memsz;
		if (!q->found || lo < q->lo)
			q->lo = lo;
		if (!q->found || hi > q->hi)
			q->hi = hi;
		q->found = 1;
	}
	return 1;
}

/* The address range of the object behind handle h. 0 or -ENOENT. */
static int dll_range(void *h, uintptr_t *lo, uintptr_t *hi)
{
	struct link_map *lm = NULL;
	struct range_query q = { 0 };
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
		return -ENOENT;
	q.l_addr = lm->l_addr;
	q.name = lm->l_name;
	dl_iterate_phdr(range_cb, &q);
	if (!q.found)
		return -ENOENT;
	*lo = q.lo, *hi = q.hi;
	return 0;
}

/* ------------------------------------------------------------ private copies */

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int zombie_of_file(const char *path)
{
	for (struct net_dll *d = model_net.dlls; d; d = d->next)
		if (d->state == NET_DLL_ZOMBIE && same_file(d->path, path))
			return 1;
	return 0;
}

/* Copy path into a fresh private folder (same file name). 0, or -errno. */
static int copy_file(const char *path, char *dir, size_t dirlen, char *out, size_t outlen)
{
	const char *tmp = getenv("TMPDIR");
	const char *base = strrchr(path, '/');
	char buf[65536];
	ssize_t n;
	int in, fd, rc = 0;
	snprintf(dir, dirlen, "%s/pktsim-dll-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -errno;
	snprintf(out, outlen, "%s/%s", dir, base ? base + 1 : path);
	if ((in = open(path, O_RDONLY)) < 0)
		return -errno;
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0700)) < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	if (n < 0)
		rc = -errno;
	close(in);
	close(fd);
	return rc;
}

/* ------------------------------------------------------------ open */

static void dll_names(struct net_dll *d, const char *path)
{
	const char *b = strrchr(path, '/');
	snprintf(d->path, sizeof(d->path), "%s", path);
	snprintf(d->file, sizeof(d->file), "%s", b ? b + 1 : path);
	net_driver_short(path, d->name, sizeof(d->name));
}

int net_dll_open(const char *path, struct net_dll **out, struct _iopkt_drvr_entry **entry,
                 char *err, size_t errlen)
{
	char copy[PATH_MAX + 80], dir[PATH_MAX];
	const char *load = path;
	struct net_dll *d;
	void *h;
	struct stat st;

	dir[0] = 0;
	if (stat(path, &st) != 0) {
		sim_errf(err, errlen, "no driver file %s: %s", path, strerror(errno));
		return ENXIO;
	}
	if (zombie_of_file(path)) {
		if (copy_file(path, dir, sizeof(dir), copy, sizeof(copy)) != 0) {
			sim_errf(err, errlen, "cannot copy %s to load it again", path);
			return ENXIO;
		}
		load = copy;
	}
	h = dlopen(load, RTLD_NOW | RTLD_LOCAL);
	if (dir[0]) {
		unlink(copy);
		rmdir(dir);
	}
	if (!h) {
		const char *e = dlerror();
		sim_errf(err, errlen, "dlopen %s: %s", path, e ? e : "failed");
		return ENXIO;
	}
	*entry = dlsym(h, "iopkt_drvr_entry");
	if (!*entry) {
		dlclose(h);
		model_dladdr_flush();
		sim_errf(err, errlen, "%s has no iopkt_drvr_entry symbol: not an io-pkt driver", path);
		return ENXIO;
	}
	if ((*entry)->version != IOPKT_VERSION || !(*entry)->drvr_init) {
		int v = (*entry)->version;
		dlclose(h);
		model_dladdr_flush();
		sim_errf(err, errlen, "driver variant mismatch: %s has iopkt_drvr_entry version %d "
		         "(io-pkt wants %d)%s", path, v, IOPKT_VERSION,
		         v == IOPKT_VERSION ? " and no drvr_init" : "");
		return EINVAL;
	}
	d = net_dll_by_handle(h);
	if (d && d->state == NET_DLL_LOADED) {
		/* mounted again: d->opens counts the mounts, and the loader keeps the one
		 * reference of the first dlopen, which dll_dlclose_bop gives back with the last
		 * mount (else the DLL would stay mapped after its unload, its static data alive
		 * into the next load, and gcov would never write its counters) */
		dlclose(h);
		d->opens++;
		*out = d;
		sim_emit(net_w(), model_net.k.dll_load, d->file, (int64_t)d->id, "opened again");
		return 0;
	}
	d = sim_alloc(net_w(), sizeof(*d));
	d->magic = NET_MAGIC_DLL;
	d->id = ++model_net.dll_seq;
	d->state = NET_DLL_LOADED;
	d->handle = h;
	d->opens = 1;
	dll_names(d, path);
	if (dll_range(h, &d->base, &d->end) != 0)
		d->base = d->end = 0;
	if (model_net.dlls_tail)
		model_net.dlls_tail->next = d;
	else
		model_net.dlls = d;
	model_net.dlls_tail = d;
	*out = d;
	sim_emit(net_w(), model_net.k.dll_load, d->file, (int64_t)d->id, dir[0] ? "private copy" : "");
	return 0;
}

/* ------------------------------------------------------------ close */

static void dll_dlclose_bop(void *arg)
{
	struct net_dll *d = arg;
	dlclose(d->handle);
	d->dlclosed = 1;
	model_dladdr_flush();
}

/* What of d is still registered; descriptions into d->leftovers. */
static int dll_leftovers(struct net_dll *d)
{
	char buf[sizeof(d->leftovers)] = "";
	int n = 0;
	n += net_dev_count_of_dll(d, buf, sizeof(buf));
	n += net_if_count_of_dll(d, buf, sizeof(buf));
	n += net_hook_count_of_dll(d, buf, sizeof(buf));
	{
		/* what the core holds in the DLL's code and data, or inside the memory of its
		 * detached devices (a callout or interrupt entry left in a softc) */
		char core[sizeof(d->leftovers)] = "";
		struct model_ranges r = { 0 };
		int c;
		model_ranges_add(&r, (const void *)d->base, (const void *)d->end);
		for (struct net_dead_dev *dd = model_net.dead; dd; dd = dd->next)
			if (dd->dll == d)
				model_ranges_add(&r, dd->mem, (const char *)dd->mem + dd->size);
		c = model_core_leftovers_in(&r, core, sizeof(core));
		if (c > 0) {
			net_append(buf, sizeof(buf), "%s", core);
			n += c;
		}
	}
	snprintf(d->leftovers, sizeof(d->leftovers), "%s", buf);
	d->nleftovers = n;
	return n;
}

/*
 * io-pkt unloads d now: a pseudo-thread that yielded the stack context inside d's code (an
 * attach before it counted its device, a detach after it uncounted it) would resume in
 * unloaded code. Breach "use-of-unloaded-driver" naming it.
 */
static void dll_check_sleepers(struct net_dll *d, const char *why)
{
	char buf[400] = "";
	struct model_ranges r = { 0 };
	model_ranges_add(&r, (const void *)d->base, (const void *)d->end);
	if (model_core_sleepers_in(&r, buf, sizeof(buf)) == 0)
		return;
	model_breach("use-of-unloaded-driver", "io-pkt unloads %s now (%s) while %s: it will "
	             "resume in unloaded code, a real io-pkt crashes then; a device must be "
	             "counted before attach yields, and uncounted only after detach's last yield",
	             d->file, why, buf);
}

void net_dll_close(struct net_dll *d, const char *why)
{
	if (d->state != NET_DLL_LOADED || d->opens <= 0) {
		model_breach("dll-closed-twice", "io-pkt would close %s again (%s): it was already "
		             "unloaded; a device's dv_dll_hdl still named it", d->file, why);
		return;
	}
	if (--d->opens > 0)
		return;
	d->unloaded_at = sim_now(net_w());
	dll_check_sleepers(d, why);
	if (dll_leftovers(d) > 0) {
		d->state = NET_DLL_ZOMBIE;
		sim_emit(net_w(), model_net.k.leftover, d->file, d->leftovers);
		sim_emit(net_w(), model_net.k.dll_unload, d->file, (int64_t)d->id,
		         "kept mapped: something of it is still registered");
		return;
	}
	d->state = NET_DLL_UNLOADED;
	sim_emit(net_w(), model_net.k.dll_unload, d->file, (int64_t)d->id, why);
	if (model_in_stack() && !model_is_proc0()) {
		struct bop_dispatch bop;
		int prio = curproc ? curproc->p_ctxt.info.priority : 0;
		memset(&bop, 0, sizeof(bop));
		bop.bop_func = dll_dlclose_bop;
		bop.bop_arg = d;
		bop.bop_prio = prio > 0 ? prio : 10;
		blockop_dispatch(&bop);        /* the stack serves others meanwhile */
	} else {
		dll_dlclose_bop(d);
	}
}

/* ------------------------------------------------------------ calls into drivers */

int model_driver_callable(const char *entry, const void *fn, const void *arg)
{
	char name[128], when[32];
	struct net_dll *d;
	if (!model_net.w)
		return 1;
	if (!fn) {
		model_breach("null-driver-function", "io-pkt would call a NULL %s function", entry);
		return 0;
	}
	d = net_dll_of(fn);
	if (d && d->state != NET_DLL_LOADED) {
		sim_format_ns(d->unloaded_at, when, sizeof(when));
		model_breach("use-of-unloaded-driver",
		             "io-pkt would call %s %s of %s, which it unloaded at t=%s (a real "
		             "io-pkt crashes here)%s%s", entry, net_fn_name(fn, name, sizeof(name)),
		             d->file, when, d->leftovers[0] ? "; left registered at unload: " : "",
		             d->leftovers);
		return 0;
	}
	if (arg && !net_dev_holding(arg)) {
		struct net_dead_dev *dd = net_dead_dev_holding(arg);
		if (dd) {
			sim_format_ns(dd->t, when, sizeof(when));
			model_breach("use-after-detach", "io-pkt would call %s %s with the device "
			             "structure of %s, freed when it was detached at t=%s", entry,
			             net_fn_name(fn, name, sizeof(name)), dd->name, when);
			return 0;
		}
	}
	return 1;
}

int net_call_enter(const char *entry, const void *fn, const void *arg)
{
	if (!model_driver_callable(entry, fn, arg))
		return 0;
	model_call_push(entry, fn);
	return 1;
}

void net_call_exit(void)
{
	model_call_pop();
}

/* ------------------------------------------------------------ public (model.h) */

void model_drivers_unmap(void)
{
	for (struct net_dll *d = model_net.dlls; d; d = d->next)
		if (!d->dlclosed)
			dll_dlclose_bop(d);
}

int model_driver_loaded(const char *driver)
{
	for (struct net_dll *d = model_net.dlls; d; d = d->next)
		if (d->state == NET_DLL_LOADED && dll_matches(d, driver))
			return 1;
	return 0;
}

int model_driver_leftovers(const char *driver, char *buf, size_t n)
{
	struct net_dll *last = NULL;
	for (struct net_dll *d = model_net.dlls; d; d = d->next)
		if (d->state != NET_DLL_LOADED && dll_matches(d, driver))
			last = d;
	if (buf && n)
		snprintf(buf, n, "%s", last ? last->leftovers : "");
	return last ? last->nleftovers : 0;
}
