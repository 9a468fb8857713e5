/*
 * harness/lua_nic.c — the NIC hardware as the scenario sees it: methods of the io-pkt
 * handle that create simnic units (io:nic{}), cable them (io:wire, io:loopback, io:peer),
 * pull and plug cables, change speed, inject faults and read the hardware's counters
 * (io:nic_stats). The units are pktsim's simulated Ethernet controllers
 * (<hw/simnic.h>, docs/simnic.md); a driver such as devnp-simnic.so finds them on the
 * simulated PCI bus in creation order.
 *
 * As in lua_model.c: a mistake a user can make with a request (an unknown unit, an
 * unknown fault, a size the peer cannot send) comes back as values — nil, the errno's
 * name and the model's message — never as a Lua error; misuse of the API (a bad argument
 * type, an unknown option, creating a unit from a timer callback or after the run) is a
 * Lua error naming the scenario's line.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/* Argument idx as a unit number (an integer >= 0; whether the unit exists is the
 * model's answer, a value). */
static int check_unit(lua_State *L, int idx, const char *what)
{
	int ok;
	lua_Integer n = lua_tointegerx(L, idx, &ok);
	if (!ok || n < 0 || n > INT32_MAX)
		luaL_error(L, "%s: unit number expected (an integer >= 0, as io:nic{} returned), "
		              "got %s", what, harness_tostring(L, idx));
	return (int)n;
}

/* Push the result of a model call: true, or nil, the errno's name and the message. The
 * model returns 0 or a negative errno (a positive one is taken as the same). */
static int push_result(lua_State *L, int rc, const char *err)
{
	if (rc >= 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	rc = -rc;
	lua_pushnil(L);
	lua_pushstring(L, harness_errno_name(rc));
	lua_pushstring(L, err && err[0] ? err : harness_errno_name(rc));
	return 3;
}

/* A speed: "10M", "100M", "1G", "10G" (case-insensitive M/G), or an integer in Mbit/s.
 * Only the four speeds simnic's PHY knows are accepted. */
static int check_speed(lua_State *L, int idx, const char *what)
{
	static const struct { const char *s; int mbps; } speeds[] = {
		{ "10M", 10 }, { "100M", 100 }, { "1G", 1000 }, { "1000M", 1000 }, { "10G", 10000 },
	};
	if (lua_type(L, idx) == LUA_TNUMBER) {
		int ok;
		lua_Integer v = lua_tointegerx(L, idx, &ok);
		if (ok && (v == 10 || v == 100 || v == 1000 || v == 10000))
			return (int)v;
	} else if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
			if (!strcasecmp(s, speeds[i].s))
				return speeds[i].mbps;
	}
	luaL_error(L, "%s: speed must be \"10M\", \"100M\", \"1G\" or \"10G\" (or 10, 100, 1000, "
	              "10000 Mbit/s), got %s", what, harness_tostring(L, idx));
	return 0;
}

/* "full" -> 1, "half" -> 0. */
static int check_duplex(lua_State *L, int idx, const char *what)
{
	const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	if (s && !strcmp(s, "full"))
		return 1;
	if (s && !strcmp(s, "half"))
		return 0;
	luaL_error(L, "%s: duplex must be \"full\" or \"half\", got %s", what,
	           harness_tostring(L, idx));
	return 0;
}

/* "02:50:53:00:00:01" into mac (what names the call in the error). */
static void check_mac_of(lua_State *L, int idx, uint8_t mac[6], const char *what)
{
	const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	unsigned b[6];
	char end;
	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
	                 &end) != 6 || strlen(s) != 17)
		luaL_error(L, "%s must be six hex bytes \"02:00:00:00:00:01\", got %s", what,
		           harness_tostring(L, idx));
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

/* ------------------------------------------------------------ io:nic{} */

/* io:nic{ speed, duplex, link, reg_read, reg_write, dma_latency, mac } -> unit number, or
 * nil, errname, message. Setup phase or a simulated thread. */
static int io_nic(lua_State *L)
{
	static const char *const keys[] = { "dma_latency", "duplex", "link", "mac", "reg_read",
		                             "reg_write", "speed", NULL };
	struct harness_scn *s = harness_scn_of(L);
	struct model_nic_config cfg;
	char err[512] = "";
	int unit;
	harness_check_io(L, "nic");
	harness_check_not_ended(L, "nic()");
	if (s->phase == HP_RUN && !sim_thread_self(s->w))
		return luaL_error(L, "nic() creates hardware: call it during setup or in a thread, "
		                     "not from a timer callback");
	model_nic_config_defaults(&cfg);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		harness_check_keys(L, 2, "nic{}", keys);
		if (lua_getfield(L, 2, "speed") != LUA_TNIL)
			cfg.speed_mbps = check_speed(L, -1, "nic{}");
		if (lua_getfield(L, 2, "duplex") != LUA_TNIL)
			cfg.full_duplex = check_duplex(L, -1, "nic{}");
		if (lua_getfield(L, 2, "link") != LUA_TNIL) {
			if (!lua_isboolean(L, -1))
				return luaL_error(L, "nic{}: link must be true or false, got %s",
				                  luaL_typename(L, -1));
			cfg.link_up = lua_toboolean(L, -1);
		}
		if (lua_getfield(L, 2, "reg_read") != LUA_TNIL)
			cfg.reg_read_ns = harness_check_duration(L, -1, "nic{}: reg_read");
		if (lua_getfield(L, 2, "reg_write") != LUA_TNIL)
			cfg.reg_write_ns = harness_check_duration(L, -1, "nic{}: reg_write");
		if (lua_getfield(L, 2, "dma_latency") != LUA_TNIL)
			cfg.dma_latency_ns = harness_check_duration(L, -1, "nic{}: dma_latency");
		if (lua_getfield(L, 2, "mac") != LUA_TNIL)
			check_mac_of(L, -1, cfg.mac, "nic{}: mac");
		lua_settop(L, 2);
	}
	unit = model_nic_create(&cfg, err, sizeof(err));
	if (unit < 0)
		return push_result(L, unit, err);
	lua_pushinteger(L, unit);
	return 1;
}

/* ------------------------------------------------------------ cables */

/* io:wire(a, b): a cable between units a and b. */
static int io_wire(lua_State *L)
{
	int a, b;
	harness_check_io(L, "wire");
	a = check_unit(L, 2, "wire()");
	b = check_unit(L, 3, "wire()");
	harness_check_not_ended(L, "wire()");
	return push_result(L, model_wire_connect(a, b), NULL);
}

/* io:loopback(n): a loopback plug: what n transmits it receives. */
static int io_loopback(lua_State *L)
{
	int n;
	harness_check_io(L, "loopback");
	n = check_unit(L, 2, "loopback()");
	harness_check_not_ended(L, "loopback()");
	return push_result(L, model_wire_loopback(n), NULL);
}

/* io:peer(n, { rate = fps | "line", count = N, sizes = {...}, broadcast = bool,
 * dst = "MAC" }): a traffic source and sink at the far end of n's cable. */
static int io_peer(lua_State *L)
{
	static const char *const keys[] = { "broadcast", "count", "dst", "rate", "sizes", NULL };
	struct model_traffic t;
	char err[512] = "";
	int n, ok, *sizes = NULL;
	harness_check_io(L, "peer");
	n = check_unit(L, 2, "peer()");
	harness_check_not_ended(L, "peer()");
	memset(&t, 0, sizeof(t));
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		harness_check_keys(L, 3, "peer()", keys);
		switch (lua_getfield(L, 3, "rate")) {
		case LUA_TNIL:
			break;
		case LUA_TSTRING:
			if (strcmp(lua_tostring(L, -1), "line"))
				return luaL_error(L, "peer(): rate must be frames per second (a positive "
				                     "number) or \"line\", got \"%s\"", lua_tostring(L, -1));
			t.rate_fps = 0; /* as fast as the link allows */
			break;
		case LUA_TNUMBER:
			t.rate_fps = lua_tonumber(L, -1);
			if (!(t.rate_fps > 0) || t.rate_fps > 1e12)
				return luaL_error(L, "peer(): rate must be a positive number of frames per "
				                     "second, or \"line\"");
			break;
		default:
			return luaL_error(L, "peer(): rate must be frames per second or \"line\", got %s",
			                  luaL_typename(L, -1));
		}
		if (lua_getfield(L, 3, "count") != LUA_TNIL) {
			lua_Integer c = lua_tointegerx(L, -1, &ok);
			if (!ok || c < 0)
				return luaL_error(L, "peer(): count must be an integer >= 0");
			t.count = (int64_t)c;
		}
		if (lua_getfield(L, 3, "broadcast") != LUA_TNIL) {
			if (!lua_isboolean(L, -1))
				return luaL_error(L, "peer(): broadcast must be true or false");
			t.broadcast = lua_toboolean(L, -1);
		}
		if (lua_getfield(L, 3, "dst") != LUA_TNIL) {
			static const uint8_t zero[6];
			check_mac_of(L, -1, t.dst, "peer(): dst");
			if (!memcmp(t.dst, zero, 6))
				return luaL_error(L, "peer(): dst 00:00:00:00:00:00 is no station's address");
		}
		if (lua_getfield(L, 3, "sizes") != LUA_TNIL) {
			lua_Integer len;
			if (!lua_istable(L, -1) || (len = (lua_Integer)lua_rawlen(L, -1)) < 1 ||
			    len > 4096)
				return luaL_error(L, "peer(): sizes must be an array of 1..4096 frame sizes");
			/* Memory that lives as long as the world, in case the model keeps it. */
			sizes = lua_newuserdatauv(L, sizeof(int) * (size_t)len, 0);
			harness_anchor(L, -1);
			lua_pop(L, 1);
			for (lua_Integer i = 1; i <= len; i++) {
				lua_Integer v;
				lua_rawgeti(L, -1, i);
				v = lua_tointegerx(L, -1, &ok);
				if (!ok || v < 0 || v > INT32_MAX)
					return luaL_error(L, "peer(): sizes[%I] must be a frame size in bytes, "
					                     "got %s", i, harness_tostring(L, -1));
				sizes[i - 1] = (int)v;
				lua_pop(L, 1);
			}
			t.sizes = sizes;
			t.nsizes = (int)len;
		}
		lua_settop(L, 3);
	}
	return push_result(L, model_wire_peer(n, &t, err, sizeof(err)), err);
}

/* ------------------------------------------------------------ the cable's state */

/* io:link(n, up): pull (false) or plug (true) n's cable. Anywhere during the run. */
static int io_link(lua_State *L)
{
	int n;
	harness_check_io(L, "link");
	n = check_unit(L, 2, "link()");
	if (!lua_isboolean(L, 3))
		return luaL_error(L, "link(): true (plug the cable) or false (pull it) expected, "
		                     "got %s", luaL_typename(L, 3));
	harness_check_not_ended(L, "link()");
	return push_result(L, model_nic_link(n, lua_toboolean(L, 3)), NULL);
}

/* io:speed(n, "100M"[, "half"]): the PHY renegotiates to that speed and duplex. */
static int io_speed(lua_State *L)
{
	int n, mbps, fd = 1;
	harness_check_io(L, "speed");
	n = check_unit(L, 2, "speed()");
	mbps = check_speed(L, 3, "speed()");
	if (!lua_isnoneornil(L, 4))
		fd = check_duplex(L, 4, "speed()");
	harness_check_not_ended(L, "speed()");
	return push_result(L, model_nic_speed(n, mbps, fd), NULL);
}

/* io:fault(n, name[, duration[, count]]): inject a hardware fault (docs/scenarios.md
 * lists them); an unknown name is a value (nil, "EINVAL", message). */
static int io_fault(lua_State *L)
{
	const char *name;
	sim_ns d = 0;
	lua_Integer count = 1;
	char err[512] = "";
	int n;
	harness_check_io(L, "fault");
	n = check_unit(L, 2, "fault()");
	name = luaL_checkstring(L, 3);
	if (!lua_isnoneornil(L, 4))
		d = harness_check_duration(L, 4, "fault()");
	if (!lua_isnoneornil(L, 5)) {
		int ok;
		count = lua_tointegerx(L, 5, &ok);
		if (!ok)
			return luaL_error(L, "fault(): count must be an integer, got %s",
			                  luaL_typename(L, 5));
	}
	harness_check_not_ended(L, "fault()");
	return push_result(L, model_nic_fault(n, name, d, (int64_t)count, err, sizeof(err)), err);
}

/* ------------------------------------------------------------ counters */

static void set_u64(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

/* io:nic_stats(n): every field of struct model_nic_stats ({exists = false} for a unit
 * that does not exist). Anywhere, at_end included. */
static int io_nic_stats(lua_State *L)
{
	struct model_nic_stats st;
	int n;
	harness_check_io(L, "nic_stats");
	n = check_unit(L, 2, "nic_stats()");
	memset(&st, 0, sizeof(st));
	if (model_nic_stats(n, &st) != 0)
		st.exists = 0;
	lua_createtable(L, 0, 24);
	set_bool(L, "exists", st.exists);
	if (!st.exists)
		return 1;
	set_bool(L, "link_up", st.link_up);
	set_u64(L, "speed_mbps", (uint64_t)st.speed_mbps);
	set_bool(L, "full_duplex", st.full_duplex);
	set_u64(L, "tx_frames", st.tx_frames);
	set_u64(L, "tx_bytes", st.tx_bytes);
	set_u64(L, "rx_frames", st.rx_frames);
	set_u64(L, "rx_bytes", st.rx_bytes);
	set_u64(L, "rx_missed", st.rx_missed);
	set_u64(L, "rx_crc_errors", st.rx_crc_errors);
	set_u64(L, "tx_dropped", st.tx_dropped);
	set_u64(L, "rx_filtered", st.rx_filtered);
	set_u64(L, "irqs_raised", st.irqs_raised);
	set_u64(L, "resets", st.resets);
	set_u64(L, "irqs_held_masked", st.irqs_held_masked);
	set_u64(L, "spurious_irqs", st.spurious_irqs);
	set_u64(L, "dma_errors", st.dma_errors);
	set_u64(L, "peer_sent", st.peer_sent);
	set_u64(L, "peer_received", st.peer_received);
	set_u64(L, "peer_corrupted", st.peer_corrupted);
	set_u64(L, "peer_duplicated", st.peer_duplicated);
	set_u64(L, "peer_reordered", st.peer_reordered);
	set_u64(L, "peer_lost", st.peer_lost);
	return 1;
}

/* --------------------------------------------------------------- opening */

/* Adds the NIC methods to the io-pkt handle's class. After harness_lua_model_open. */
int harness_lua_nic_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "nic", io_nic },         { "wire", io_wire },   { "loopback", io_loopback },
		{ "peer", io_peer },       { "link", io_link },   { "speed", io_speed },
		{ "fault", io_fault },     { "nic_stats", io_nic_stats }, { NULL, NULL },
	};
	harness_io_methods_add(L, methods);
	return 0;
}
