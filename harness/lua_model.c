/*
 * harness/lua_model.c — the io-pkt model as the scenario sees it: sys:iopkt{} creates
 * io-pkt in the system, and the handle it returns mounts drivers, runs ifconfig, sends
 * application traffic and reads interface and mbuf state. Also the global driver(), the
 * driver under test chosen with `pktsim run --driver`.
 *
 * There is one model per process (model/model.h), so the handle holds nothing but marks
 * that io-pkt exists. Errors a user can make with a request (mounting a missing file,
 * configuring an unknown interface) come back as values — nil, the errno's name and
 * io-pkt's message — never as Lua errors; misuse of the API (a blocking request outside
 * a simulated thread, bad argument types) is a Lua error naming the scenario's line.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <string.h>

#define MT_IOPKT HARNESS_MT_IOPKT

#ifndef PKTSIM_DRIVER_DIR
#define PKTSIM_DRIVER_DIR "drivers"
#endif

/* ------------------------------------------------------------ errno names */

/* The symbolic name of a positive errno, as scenarios compare it ("ENXIO"). A table of
 * our own rather than the C library's, so the names never depend on the host. */
const char *harness_errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
		{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" }, { EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ ENETDOWN, "ENETDOWN" }, { ENETUNREACH, "ENETUNREACH" }, { ENETRESET, "ENETRESET" },
		{ ENOBUFS, "ENOBUFS" }, { ETIMEDOUT, "ETIMEDOUT" }, { EHOSTUNREACH, "EHOSTUNREACH" },
		{ EALREADY, "EALREADY" }, { EINPROGRESS, "EINPROGRESS" }, { ECANCELED, "ECANCELED" },
	};
	static char other[24];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e && e != 0)
			return names[i].name;
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

int harness_push_result(lua_State *L, int rc, const char *err)
{
	if (rc == 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (rc < 0)
		rc = -rc;
	lua_pushnil(L);
	lua_pushstring(L, harness_errno_name(rc));
	lua_pushstring(L, err && err[0] ? err : harness_errno_name(rc));
	return 3;
}

/* ------------------------------------------------------------ the driver */

/*
 * The file a scenario mounts as the driver under test: `--driver NAME` gives
 * "devnp-NAME.so" (looked up in the driver directory), a name ending in ".so" or holding a
 * '/' is used as it is (a path is opened as given, relative to the current directory).
 */
static int l_driver(lua_State *L)
{
	const char *d = harness_scn_of(L)->opts->driver;
	size_t n;
	if (!d || !*d)
		d = HARNESS_DEFAULT_DRIVER;
	n = strlen(d);
	if (strchr(d, '/') || (n > 3 && !strcmp(d + n - 3, ".so")))
		lua_pushstring(L, d);
	else
		lua_pushfstring(L, "devnp-%s.so", d);
	return 1;
}

/* ------------------------------------------------------------ sys:iopkt{} */

static int sys_iopkt(lua_State *L)
{
	static const char *const keys[] = { "hz", "workers", "version", "quiesce_limit",
	                                    "frame_records", "costs", NULL };
	struct harness_scn *s = harness_scn_of(L);
	struct model_config cfg;
	char err[512];
	int rc, ok;
	harness_check_sys(L, "iopkt");
	harness_check_not_ended(L, "iopkt()");
	if (s->iopkt_created)
		return luaL_error(L, "iopkt(): io-pkt exists already (one io-pkt per scenario)");
	model_config_defaults(&cfg);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		harness_check_keys(L, 2, "iopkt{}", keys);
		if (lua_getfield(L, 2, "workers") != LUA_TNIL) {
			lua_Integer v = lua_tointegerx(L, -1, &ok);
			if (!ok || v < 0 || v > 64)
				return luaL_error(L, "iopkt{}: workers must be an integer 0..64 (0: one per "
				                     "CPU)");
			cfg.workers = (int)v;
		}
		if (lua_getfield(L, 2, "hz") != LUA_TNIL) {
			lua_Integer v = lua_tointegerx(L, -1, &ok);
			if (!ok || v < 1 || v > 1000000)
				return luaL_error(L, "iopkt{}: hz must be an integer 1..1000000 (io-pkt: 119)");
			cfg.hz = (int)v;
		}
		if (lua_getfield(L, 2, "version") != LUA_TNIL) {
			const char *v = lua_tostring(L, -1);
			if (!v || (strcmp(v, "seeds") && strcmp(v, "6.6")))
				return luaL_error(L, "iopkt{}: version must be \"seeds\" (the documents: "
				                     "a thread without quiesce callback is accepted) or "
				                     "\"6.6\" (refused with EINVAL)");
			cfg.version = strcmp(v, "6.6") ? 0 : 66;
		}
		if (lua_getfield(L, 2, "quiesce_limit") != LUA_TNIL)
			cfg.quiesce_limit = harness_check_duration(L, -1, "iopkt{}: quiesce_limit");
		if (lua_getfield(L, 2, "frame_records") != LUA_TNIL) {
			const char *v = lua_tostring(L, -1);
			if (!v || (strcmp(v, "each") && strcmp(v, "batch")))
				return luaL_error(L, "iopkt{}: frame_records must be \"each\" (a trace record "
				                     "per frame event, the default) or \"batch\" (counted, "
				                     "one \"frames\" record per stack pass)");
			cfg.frame_records = strcmp(v, "batch") != 0;
		}
		lua_settop(L, 2);
	}
	cfg.driver_dir = s->opts->driver_dir ? s->opts->driver_dir : PKTSIM_DRIVER_DIR;
	rc = model_create(harness_world(L), &cfg, err, sizeof(err));
	if (rc)
		return luaL_error(L, "iopkt{}: %s", err);
	s->iopkt_created = 1;
	if (lua_istable(L, 2) && lua_getfield(L, 2, "costs") != LUA_TNIL)
		harness_lua_costs_set(L, lua_gettop(L), "iopkt{}: costs"); /* docs/latency.md */
	lua_settop(L, 1);
	lua_newuserdatauv(L, 1, 0);
	luaL_setmetatable(L, MT_IOPKT);
	return 1;
}

void harness_check_io(lua_State *L, const char *method)
{
	if (!luaL_testudata(L, 1, MT_IOPKT))
		luaL_error(L, "%s: call it as a method, io:%s(...), on the value sys:iopkt{} returned",
		           method, method);
}

static int io_tostring(lua_State *L)
{
	lua_pushliteral(L, "io-pkt");
	return 1;
}

/* ------------------------------------------------------- requests (block) */

static int io_mount(lua_State *L)
{
	const char *drv, *options;
	char err[512] = "";
	harness_check_io(L, "mount");
	drv = luaL_checkstring(L, 2);
	options = luaL_optstring(L, 3, "");
	harness_check_blocking(L, "mount()");
	return harness_push_result(L, model_mount(drv, options, err, sizeof(err)), err);
}

int harness_io_request2(lua_State *L, const char *method,
                        int (*fn)(const char *, const char *, char *, size_t))
{
	const char *a, *b;
	char err[512] = "", call[64];
	harness_check_io(L, method);
	a = luaL_checkstring(L, 2);
	b = luaL_checkstring(L, 3);
	snprintf(call, sizeof(call), "%s()", method);
	harness_check_blocking(L, call);
	return harness_push_result(L, fn(a, b, err, sizeof(err)), err);
}

void harness_io_methods_add(lua_State *L, const luaL_Reg *methods)
{
	luaL_getmetatable(L, MT_IOPKT);
	lua_getfield(L, -1, "__index");
	luaL_setfuncs(L, methods, 0);
	lua_pop(L, 2);
}

static int io_ifconfig(lua_State *L)
{
	return harness_io_request2(L, "ifconfig", model_ifconfig);
}

static int io_umount(lua_State *L)
{
	const char *path;
	char err[512] = "";
	harness_check_io(L, "umount");
	path = luaL_checkstring(L, 2);
	harness_check_blocking(L, "umount()");
	return harness_push_result(L, model_umount(path, err, sizeof(err)), err);
}

static int io_shutdown(lua_State *L)
{
	char err[512] = "";
	harness_check_io(L, "shutdown");
	harness_check_blocking(L, "shutdown()");
	return harness_push_result(L, model_shutdown(err, sizeof(err)), err);
}

/* io:send(ifname, len[, count]): sends count frames (default 1), in one write request
 * (model_app_send_n), and stops at the first that fails; returns how many were sent and the errno's name of the failure, or nil. */
static int io_send(lua_State *L)
{
	const char *ifname;
	lua_Integer len, count;
	int rc = 0, sent = 0;
	harness_check_io(L, "send");
	ifname = luaL_checkstring(L, 2);
	len = luaL_checkinteger(L, 3);
	count = luaL_optinteger(L, 4, 1);
	if (len < 1 || len > 65535)
		return luaL_error(L, "send(): frame length %I out of range 1..65535", len);
	if (count < 0)
		return luaL_error(L, "send(): negative count %I", count);
	harness_check_blocking(L, "send()");
	if (count > INT_MAX)
		return luaL_error(L, "send(): count %I too large", count);
	rc = model_app_send_n(ifname, (size_t)len, (int)count, &sent);
	lua_pushinteger(L, sent);
	if (sent < count)
		lua_pushstring(L, harness_errno_name(rc < 0 ? -rc : rc));
	else
		lua_pushnil(L);
	return 2;
}

/* ------------------------------------------------------------- state */

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

/* Push an interface's state as a table ({exists = false} when there is none). */
static void push_if_info(lua_State *L, const struct model_if_info *in)
{
	lua_createtable(L, 0, 24);
	set_bool(L, "exists", in->exists);
	if (!in->exists)
		return;
	lua_pushstring(L, in->name);
	lua_setfield(L, -2, "name");
	set_bool(L, "up", in->up);
	set_bool(L, "running", in->running);
	/* the stack looks at IFF_OACTIVE in if_flags_tx only (iopkt-facts.md) */
	set_bool(L, "oactive", in->oactive);
	set_bool(L, "running_tx", in->running_tx);
	set_int(L, "flags", in->flags);
	set_int(L, "flags_tx", in->flags_tx);
	lua_pushstring(L, in->link);
	lua_setfield(L, -2, "link");
	set_int(L, "mtu", in->mtu);
	set_int(L, "ipackets", (lua_Integer)in->ipackets);
	set_int(L, "opackets", (lua_Integer)in->opackets);
	set_int(L, "ierrors", (lua_Integer)in->ierrors);
	set_int(L, "oerrors", (lua_Integer)in->oerrors);
	set_int(L, "delivered", (lua_Integer)in->input_delivered);
	set_int(L, "dropped", (lua_Integer)in->input_dropped);
	set_int(L, "snd_len", in->snd_len);
	set_int(L, "snd_maxlen", in->snd_maxlen);
	set_int(L, "snd_drops", (lua_Integer)in->snd_drops);
	set_int(L, "init_calls", (lua_Integer)in->init_calls);
	set_int(L, "stop_calls", (lua_Integer)in->stop_calls);
	set_int(L, "start_calls", (lua_Integer)in->start_calls);
	set_int(L, "start_t", (lua_Integer)in->start_t);
	set_int(L, "stop_t", (lua_Integer)in->stop_t);
	set_int(L, "deq_t", (lua_Integer)in->deq_t);
	set_int(L, "snd_head_t", (lua_Integer)in->snd_head_t);
	set_int(L, "callouts", in->callouts);
	lua_pushstring(L, in->callout_desc);
	lua_setfield(L, -2, "callout_desc");
	lua_pushstring(L, in->start_fn);
	lua_setfield(L, -2, "start_fn");
	lua_pushstring(L, in->stop_fn);
	lua_setfield(L, -2, "stop_fn");
}

/* io:info(ifname): the state now, read directly (any context, never waits). */
static int io_info(lua_State *L)
{
	struct model_if_info in;
	harness_check_io(L, "info");
	model_if_info(luaL_checkstring(L, 2), &in);
	push_if_info(L, &in);
	return 1;
}

/* io:nicinfo(ifname): the same, served in the stack context like the nicinfo utility
 * (blocks while a driver holds the stack); nil, errname, message on failure. */
static int io_nicinfo(lua_State *L)
{
	struct model_if_info in;
	char err[512] = "";
	const char *ifname;
	int rc;
	harness_check_io(L, "nicinfo");
	ifname = luaL_checkstring(L, 2);
	harness_check_blocking(L, "nicinfo()");
	rc = model_nicinfo(ifname, &in, err, sizeof(err));
	if (rc)
		return harness_push_result(L, rc, err);
	push_if_info(L, &in);
	return 1;
}

static int io_mbufs(lua_State *L)
{
	struct model_mbuf_info mi;
	const char *drv;
	harness_check_io(L, "mbufs");
	drv = luaL_optstring(L, 2, NULL);
	memset(&mi, 0, sizeof(mi));
	model_mbuf_info(drv, &mi);
	lua_createtable(L, 0, 4);
	set_int(L, "mbufs", mi.mbufs);
	set_int(L, "clusters", mi.clusters);
	set_int(L, "allocs", mi.allocs);
	set_int(L, "frees", mi.frees);
	return 1;
}

/* io:live_mbufs([driver]): the mbufs in use, oldest first, each {seq, cluster, len,
 * owner, site, t}. */
static void live_one(const struct model_mbuf_live *ml, void *arg)
{
	lua_State *L = arg;
	lua_createtable(L, 0, 6);
	set_int(L, "seq", (lua_Integer)ml->seq);
	set_bool(L, "cluster", ml->cluster);
	set_int(L, "len", ml->len);
	lua_pushstring(L, ml->owner);
	lua_setfield(L, -2, "owner");
	lua_pushstring(L, ml->site);
	lua_setfield(L, -2, "site");
	set_int(L, "t", ml->t);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

static int io_live_mbufs(lua_State *L)
{
	const char *drv;
	harness_check_io(L, "live_mbufs");
	drv = luaL_optstring(L, 2, NULL);
	lua_newtable(L);
	model_mbuf_live(drv, live_one, L);
	return 1;
}

/* io:mbuf_limit{ mbufs = N, clusters = N }: cap the pool (a field left out keeps its
 * limit). */
static int io_mbuf_limit(lua_State *L)
{
	static const char *const keys[] = { "clusters", "mbufs", NULL };
	lua_Integer v[2] = { 0, 0 };
	const char *names[2] = { "mbufs", "clusters" };
	int ok;
	harness_check_io(L, "mbuf_limit");
	luaL_checktype(L, 2, LUA_TTABLE);
	harness_check_keys(L, 2, "mbuf_limit{}", keys);
	for (int i = 0; i < 2; i++) {
		if (lua_getfield(L, 2, names[i]) != LUA_TNIL) {
			v[i] = lua_tointegerx(L, -1, &ok);
			if (!ok || v[i] < 1 || v[i] > 1000000)
				return luaL_error(L, "mbuf_limit{}: %s must be an integer 1..1000000",
				                  names[i]);
		}
		lua_pop(L, 1);
	}
	model_mbuf_set_limit((int)v[0], (int)v[1]);
	return 0;
}

/* io:mbuf_fail(after, count): the next `after` allocations succeed, then `count` fail
 * (count < 0: all of them); io:mbuf_fail(false) turns fault injection off. */
static int io_mbuf_fail(lua_State *L)
{
	lua_Integer after, count;
	harness_check_io(L, "mbuf_fail");
	if (lua_isboolean(L, 2) && !lua_toboolean(L, 2)) {
		model_mbuf_fail(-1, 0);
		return 0;
	}
	after = luaL_checkinteger(L, 2);
	count = luaL_optinteger(L, 3, -1);
	if (after < 0 || after > INT32_MAX || count > INT32_MAX || count < INT32_MIN)
		return luaL_error(L, "mbuf_fail(): after must be 0..2^31-1, count an int (<0: "
		                     "every allocation)");
	model_mbuf_fail((int)after, (int)count);
	return 0;
}

/* io:leftovers(driver): how many things the driver left registered when io-pkt last
 * unloaded it (0: a clean unload, or never unloaded), and what they were. */
static int io_leftovers(lua_State *L)
{
	char buf[2048];
	int n;
	harness_check_io(L, "leftovers");
	n = model_driver_leftovers(luaL_checkstring(L, 2), buf, sizeof(buf));
	lua_pushinteger(L, n);
	lua_pushstring(L, buf);
	return 2;
}

/* io:mem([driver]): the driver code's heap blocks in use { blocks, bytes, fails }. */
static int io_mem(lua_State *L)
{
	struct model_mem_info mi;
	harness_check_io(L, "mem");
	model_mem_info(luaL_optstring(L, 2, NULL), &mi);
	lua_createtable(L, 0, 3);
	set_int(L, "blocks", mi.blocks);
	set_int(L, "bytes", (lua_Integer)mi.bytes);
	set_int(L, "fails", (lua_Integer)mi.fails);
	return 1;
}

/* io:mem_fail(after[, count]): driver heap allocations succeed `after` more times, then
 * `count` fail (default, or negative: all); io:mem_fail(false) turns it off. */
static int io_mem_fail(lua_State *L)
{
	lua_Integer after, count;
	harness_check_io(L, "mem_fail");
	if (lua_isboolean(L, 2) && !lua_toboolean(L, 2)) {
		model_mem_fail(-1, 0);
		return 0;
	}
	after = luaL_checkinteger(L, 2);
	count = luaL_optinteger(L, 3, -1);
	if (after < 0 || after > INT32_MAX || count > INT32_MAX || count < INT32_MIN)
		return luaL_error(L, "mem_fail(): after must be 0..2^31-1, count an int (<0: every "
		                     "allocation)");
	model_mem_fail((int)after, (int)count);
	return 0;
}

/* io:leak_check(driver, cycle): true while nothing the driver holds grew since its first
 * check (the baseline), else false and what grew, where it was allocated and in which
 * cycle the growth began (model_leak_check). */
static int io_leak_check(lua_State *L)
{
	char msg[1024] = "";
	int rc;
	harness_check_io(L, "leak_check");
	rc = model_leak_check(luaL_checkstring(L, 2), (int)luaL_checkinteger(L, 3), msg,
	                      sizeof(msg));
	if (rc < 0)
		return luaL_error(L, "leak_check(): %s", rc == -ENOSPC ? "too many drivers tracked"
		                                                         : "no io-pkt");
	lua_pushboolean(L, rc == 0);
	if (rc == 0)
		return 1;
	lua_pushstring(L, msg);
	return 2;
}

/* io:fail_call(call, after[, count]): io-pkt's call `call` ("interrupt_entry_init",
 * "InterruptAttach") succeeds `after` more times, then fails `count` times (default 1;
 * negative: always) as the real call fails (EAGAIN). */
static int io_fail_call(lua_State *L)
{
	const char *call;
	lua_Integer after, count;
	harness_check_io(L, "fail_call");
	call = luaL_checkstring(L, 2);
	after = luaL_checkinteger(L, 3);
	count = luaL_optinteger(L, 4, 1);
	if (after < 0 || after > INT32_MAX || count > INT32_MAX || count < INT32_MIN ||
	    model_call_fail(call, (int)after, (int)count) != 0)
		return luaL_error(L, "fail_call(): unknown call \"%s\" (interrupt_entry_init, "
		                     "InterruptAttach) or after not 0..2^31-1", call);
	return 0;
}

static int io_loaded(lua_State *L)
{
	harness_check_io(L, "loaded");
	lua_pushboolean(L, model_driver_loaded(luaL_checkstring(L, 2)));
	return 1;
}

static int io_breaches(lua_State *L)
{
	harness_check_io(L, "breaches");
	lua_pushinteger(L, model_breaches());
	return 1;
}

/* --------------------------------------------------------------- opening */

/* Adds sys:iopkt, the io-pkt handle's class and the global driver(). Lua context, once,
 * after harness_lua_sim_open. */
int harness_lua_model_open(lua_State *L)
{
	static const luaL_Reg sys_methods[] = { { "iopkt", sys_iopkt }, { NULL, NULL } };
	static const luaL_Reg io_methods[] = {
		{ "mount", io_mount },   { "ifconfig", io_ifconfig }, { "shutdown", io_shutdown },
		{ "send", io_send },     { "info", io_info },         { "mbufs", io_mbufs },
		{ "loaded", io_loaded }, { "breaches", io_breaches }, { "leftovers", io_leftovers },
		{ "live_mbufs", io_live_mbufs }, { "mbuf_limit", io_mbuf_limit },
		{ "mbuf_fail", io_mbuf_fail }, { "umount", io_umount }, { "nicinfo", io_nicinfo },
		{ "leak_check", io_leak_check }, { "fail_call", io_fail_call },
		{ "mem", io_mem }, { "mem_fail", io_mem_fail },
		{ NULL, NULL },
	};
	harness_lua_sys_methods(L, sys_methods);
	harness_lua_class(L, MT_IOPKT, io_methods, io_tostring);
	harness_lua_nic_open(L); /* the NIC hardware's methods on the same handle */
	harness_lua_bridge_open(L);
	harness_lua_latency_open(L);
	lua_pushcfunction(L, l_driver);
	lua_setglobal(L, "driver");
	return 0;
}
