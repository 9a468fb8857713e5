/*
 * harness/lua_bridge.c — io-pkt's bridge (model/bridge.c, NetBSD's bridge(4)) as the
 * scenario sees it, methods of the io-pkt handle:
 *
 *   io:bridge{ "sn0", "sn1" [, name = "bridge0"] }   ifconfig bridge0 create;
 *                                                    brconfig bridge0 add sn0 add sn1 up
 *   io:bridge_add(bridge, ifname)                    brconfig BRIDGE add IF
 *   io:bridge_del(bridge, ifname)                    brconfig BRIDGE delete IF
 *   io:bridge_destroy(bridge)                        ifconfig BRIDGE destroy
 *   io:bridge_stats(bridge)                          its counters (any context)
 *
 * As in lua_model.c: what a user can get wrong with a request (a missing interface, a
 * member of another bridge) comes back as values — nil, the errno's name, the model's
 * message — and misuse of the API (bad argument types, a request outside a simulated
 * thread) is a Lua error naming the scenario's line. io:bridge{} is all or nothing: when
 * a member cannot be added, the bridge is destroyed again (its members leave promiscuous
 * mode) and the error returned.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>

/* io:bridge{ IF, ... [, name = "bridgeN"] }: create the bridge, add the members in
 * order. Scenario thread. */
static int io_bridge(lua_State *L)
{
	static const char *const keys[] = { "name", NULL };
	const char *name = "bridge0";
	char err[512] = "", derr[256], bad[64] = "";
	lua_Integer n;
	int rc;
	harness_check_io(L, "bridge");
	luaL_checktype(L, 2, LUA_TTABLE);
	/* keys other than 1..n: only name (the first bad one in byte order is named) */
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TNUMBER ||
		    (lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), keys[0])))
			continue;
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "bridge{}: keys are member positions and name");
		if (!bad[0] || strcmp(lua_tostring(L, -1), bad) < 0)
			snprintf(bad, sizeof(bad), "%s", lua_tostring(L, -1));
	}
	if (bad[0])
		return luaL_error(L, "bridge{}: unknown key \"%s\" (members in order, and name)", bad);
	if (lua_getfield(L, 2, "name") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "bridge{}: name must be a string (\"bridge0\".. \"bridge3\")");
		name = lua_tostring(L, -1);
	}
	n = (lua_Integer)lua_rawlen(L, 2);
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_rawgeti(L, 2, i) != LUA_TSTRING)
			return luaL_error(L, "bridge{}: member %I must be an interface name, got %s", i,
			                  luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	harness_check_blocking(L, "bridge()");
	if ((rc = model_bridge_create(name, err, sizeof(err))) != 0)
		return harness_push_result(L, rc, err);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, 2, i);
		rc = model_bridge_add(name, lua_tostring(L, -1), err, sizeof(err));
		lua_pop(L, 1);
		if (rc != 0) {
			model_bridge_destroy(name, derr, sizeof(derr));  /* all or nothing */
			return harness_push_result(L, rc, err);
		}
	}
	lua_pushboolean(L, 1);
	return 1;
}

static int io_bridge_add(lua_State *L)
{
	return harness_io_request2(L, "bridge_add", model_bridge_add);
}

static int io_bridge_del(lua_State *L)
{
	return harness_io_request2(L, "bridge_del", model_bridge_del);
}

static int io_bridge_destroy(lua_State *L)
{
	char err[512] = "";
	const char *b;
	harness_check_io(L, "bridge_destroy");
	b = luaL_checkstring(L, 2);
	harness_check_blocking(L, "bridge_destroy()");
	return harness_push_result(L, model_bridge_destroy(b, err, sizeof(err)), err);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* io:bridge_stats(bridge): { exists, forwarded, flooded, delivered, filtered, dropped,
 * addresses, members = { {name, rx, tx, drops}, ... } (in the order added), member =
 * { IF = the same table } }; { exists = false } for a bridge that does not exist. */
static int io_bridge_stats(lua_State *L)
{
	struct model_bridge_stats st;
	harness_check_io(L, "bridge_stats");
	model_bridge_stats(luaL_checkstring(L, 2), &st);
	lua_createtable(L, 0, 9);
	lua_pushboolean(L, st.exists);
	lua_setfield(L, -2, "exists");
	if (!st.exists)
		return 1;
	set_int(L, "forwarded", (lua_Integer)st.forwarded);
	set_int(L, "flooded", (lua_Integer)st.flooded);
	set_int(L, "delivered", (lua_Integer)st.delivered);
	set_int(L, "filtered", (lua_Integer)st.filtered);
	set_int(L, "dropped", (lua_Integer)st.dropped);
	set_int(L, "addresses", st.addresses);
	lua_createtable(L, st.nports, 0);         /* members */
	lua_createtable(L, 0, st.nports);         /* member */
	for (int i = 0; i < st.nports; i++) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, st.port[i].name);
		lua_setfield(L, -2, "name");
		set_int(L, "rx", (lua_Integer)st.port[i].rx);
		set_int(L, "tx", (lua_Integer)st.port[i].tx);
		set_int(L, "drops", (lua_Integer)st.port[i].drops);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, st.port[i].name);
		lua_rawseti(L, -3, i + 1);
	}
	lua_setfield(L, -3, "member");
	lua_setfield(L, -2, "members");
	return 1;
}

/* Adds the bridge methods to the io-pkt handle's class. After harness_lua_model_open. */
int harness_lua_bridge_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "bridge", io_bridge },                 { "bridge_add", io_bridge_add },
		{ "bridge_del", io_bridge_del },         { "bridge_destroy", io_bridge_destroy },
		{ "bridge_stats", io_bridge_stats },     { NULL, NULL },
	};
	harness_io_methods_add(L, methods);
	return 0;
}
