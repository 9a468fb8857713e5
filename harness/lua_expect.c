/*
 * harness/lua_expect.c — how a scenario states what must be true (expect, expect_eq) and
 * leaves marks in the trace (log).
 *
 * A failed expectation is a scenario failure, not an error: its message names the place
 * ("file:line"), the virtual time and what failed; it goes into the trace (kind
 * "expect_fail"), the failing Lua code stops (harness_abort) and the run is asked to stop.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The level of the scenario's log() records: syslog's LOG_INFO, as a driver's
 * log(LOG_INFO, ...) would write it (the "log" kind is shared with io-pkt's log()). */
#define HARNESS_LOG_LEVEL 6

/* Record the failure described by what (at the caller's place and time) and stop. */
static int expect_failed(lua_State *L, const char *what)
{
	struct harness_scn *s = harness_scn_of(L);
	char where[320], t[32];
	const char *msg;
	sim_world *w = harness_world(L);
	harness_where(L, 1, where, sizeof(where));
	msg = lua_pushfstring(L, "%s: t=%s: expectation failed: %s", where,
	                      sim_format_ns(sim_now(w), t, sizeof(t)), what);
	harness_fail(s, msg);
	return harness_abort(L);
}

static int l_expect(lua_State *L)
{
	luaL_checkany(L, 1);
	if (lua_toboolean(L, 1))
		return 0;
	return expect_failed(L, lua_isnoneornil(L, 2) ? "expect()" : harness_tostring(L, 2));
}

/* Push a value as an expectation message shows it: strings quoted, floats exact. */
static const char *repr(lua_State *L, int idx)
{
	char buf[64];
	if (lua_type(L, idx) == LUA_TSTRING)
		return lua_pushfstring(L, "\"%s\"", lua_tostring(L, idx));
	if (lua_type(L, idx) == LUA_TNUMBER && !lua_isinteger(L, idx)) {
		double v = lua_tonumber(L, idx);
		snprintf(buf, sizeof(buf), "%.14g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, sizeof(buf), "%.17g", v);
		return lua_pushstring(L, buf);
	}
	return harness_tostring(L, idx);
}

static int l_expect_eq(lua_State *L)
{
	const char *got, *want, *what;
	luaL_checkany(L, 2);
	if (lua_compare(L, 1, 2, LUA_OPEQ))
		return 0;
	got = repr(L, 1);
	want = repr(L, 2);
	what = lua_isnoneornil(L, 3) ? "values differ" : harness_tostring(L, 3);
	return expect_failed(L, lua_pushfstring(L, "%s (got %s, expected %s)", what, got, want));
}

/* Push and return the driver functions called so far, "a, b, c" (at most 12, then
 * "..."), or "none". */
static const char *called_list(lua_State *L)
{
	luaL_Buffer b;
	const char *fn;
	int i;
	luaL_buffinit(L, &b);
	for (i = 0; (fn = model_driver_called(i, NULL)) != NULL; i++) {
		if (i == 12) {
			luaL_addstring(&b, ", ...");
			break;
		}
		luaL_addstring(&b, i ? ", " : "");
		luaL_addstring(&b, fn);
	}
	if (i == 0)
		luaL_addstring(&b, "none");
	luaL_pushresult(&b);
	return lua_tostring(L, -1);
}

/*
 * expect_covered{"sam_init", "sam_start", ...}: every named driver function has been
 * called by io-pkt so far in this run (the model counts each call into the driver by
 * symbol: model_driver_calls). Names must be the driver's exported symbols, as the
 * trace's drv_call records show them; functions reached only from inside the driver are
 * seen by coverage (pktsim run --coverage), not here.
 */
static int l_expect_covered(lua_State *L)
{
	luaL_Buffer b;
	const char *never;
	int missing = 0;
	lua_Integer n;
	luaL_checktype(L, 1, LUA_TTABLE);
	n = luaL_len(L, 1);
	if (n == 0)
		return luaL_error(L, "expect_covered{}: give the driver functions to check, e.g. "
		                     "expect_covered{\"sam_init\"}");
	luaL_buffinit(L, &b);
	for (lua_Integer i = 1; i <= n; i++) {
		const char *fn;
		if (lua_geti(L, 1, i) != LUA_TSTRING)
			return luaL_error(L, "expect_covered{}: entry %d is not a function name",
			                  (int)i);
		fn = lua_tostring(L, -1);
		lua_pop(L, 1);
		if (model_driver_calls(fn))
			continue;
		luaL_addstring(&b, missing++ ? ", " : "");
		luaL_addstring(&b, fn);
	}
	luaL_pushresult(&b);
	if (!missing)
		return 0;
	never = lua_tostring(L, -1); /* stays on the stack below the list */
	return expect_failed(L, lua_pushfstring(L, "driver function%s never called: %s (called: %s)",
	                                        missing > 1 ? "s" : "", never, called_list(L)));
}

static int l_log(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	int n = lua_gettop(L);
	luaL_Buffer b;
	sim_world *w = harness_world(L);
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, ' ');
		harness_tostring(L, i);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	sim_emit(w, s->kind_log, (int64_t)HARNESS_LOG_LEVEL, lua_tostring(L, -1));
	return 0;
}

/* Set the globals expect, expect_eq, expect_covered and log. Lua context; raises on memory errors. */
int harness_lua_expect_open(lua_State *L)
{
	static const luaL_Reg globals[] = {
		{ "expect", l_expect }, { "expect_eq", l_expect_eq }, { "log", l_log },
		{ "expect_covered", l_expect_covered }, { NULL, NULL },
	};
	lua_pushglobaltable(L);
	luaL_setfuncs(L, globals, 0);
	lua_pop(L, 1);
	return 0;
}
