/*
 * harness/sandbox.c — the Lua a scenario sees: only what cannot reach outside the
 * simulation, and nothing whose result differs between two runs of one build.
 *
 *   open:    base, string, table, math, utf8, coroutine (no io, os, package, debug)
 *   removed: dofile, loadfile; load accepts text chunks only
 *   replaced, for determinism:
 *     pairs            iterates in a fixed order (Lua 5.4 seeds its string hash per process)
 *     tostring, print, string.format("%s")
 *                      name tables, functions, threads and userdata by a number given in
 *                      order of first use ("table: #3"), never by address; "%p" is refused
 *     math.random      draws from the world's PRNG stream "lua.math"; randomseed does nothing
 *   and, to stop runaway scripts, an instruction-count hook on every Lua thread.
 *
 * Failed expectations and the instruction limit stop Lua code with an "abort" value that
 * the replaced pcall, xpcall, coroutine.resume and coroutine.close pass on instead of
 * catching, so a scenario cannot swallow its own failure.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REG_IDS "pktsim.ids"
#define MATH_STREAM "lua.math"

static const char abort_tag; /* its address is the abort value (a light userdata) */

/* Raise the abort value: the reason was recorded by the caller. Never returns. */
int harness_abort(lua_State *L)
{
	harness_scn_of(L)->aborting = 1;
	lua_pushlightuserdata(L, (void *)&abort_tag);
	return lua_error(L);
}

/* 1 if the value at idx is the abort value. */
int harness_is_abort(lua_State *L, int idx)
{
	return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == &abort_tag;
}

/* ------------------------------------------------------------ positions */

static void where_of(const lua_Debug *ar, char *buf, size_t n)
{
	const char *src = ar->source && ar->source[0] == '@' ? ar->source + 1 : ar->short_src;
	snprintf(buf, n, "%s:%d", src, ar->currentline);
}

/* "file:line" of the innermost Lua function at or above level ("?" if none), with the
 * full path of the chunk (Lua's own messages may shorten long paths). Frames of files
 * include() loaded are passed over for the scenario's line that called into them (that
 * of the innermost included frame if the scenario has none). */
void harness_where(lua_State *L, int level, char *buf, size_t n)
{
	lua_Debug ar;
	int found = 0;
	for (int lv = level; lua_getstack(L, lv, &ar); lv++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline <= 0)
			continue;
		if (!harness_include_source(L, ar.source)) {
			where_of(&ar, buf, n);
			return;
		}
		if (!found++)
			where_of(&ar, buf, n);
	}
	if (!found)
		snprintf(buf, n, "?");
}

/* --------------------------------------------------- instruction limit */

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct harness_scn *s = harness_scn_of(L);
	char where[320], msg[512];
	s->instructions += HARNESS_HOOK_STEP;
	if (s->instructions <= s->opts->max_instructions)
		return;
	if (!s->input_error) {
		lua_getinfo(L, "Sl", ar);
		where_of(ar, where, sizeof(where));
		snprintf(msg, sizeof(msg),
		         "%s: instruction limit (%" PRIu64 ") exceeded: does the scenario loop forever?",
		         where, s->opts->max_instructions);
		harness_input_error(s, msg);
	}
	harness_abort(L);
}

/* Count L's instructions towards the scenario's limit. Set on every Lua thread made by
 * the harness (Lua 5.4 also copies it to coroutines the scenario creates). */
void harness_sandbox_hook(lua_State *L)
{
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HARNESS_HOOK_STEP);
}

/* ------------------------------------------------ deterministic strings */

static int is_address_type(int t)
{
	return t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TUSERDATA ||
	       t == LUA_TLIGHTUSERDATA;
}

/* The number of the object at idx, given on first use. */
static lua_Integer object_id(lua_State *L, int idx)
{
	lua_Integer id;
	lua_getfield(L, LUA_REGISTRYINDEX, REG_IDS);
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TNUMBER) {
		id = lua_tointeger(L, -1);
	} else {
		id = ++harness_scn_of(L)->next_object_id;
		lua_pushvalue(L, idx);
		lua_pushinteger(L, id);
		lua_rawset(L, -4);
	}
	lua_pop(L, 2);
	return id;
}

/* Push the string form of the value at idx, with tables, functions, threads and userdata
 * named by a number in order of first use instead of their address; returns it. */
const char *harness_tostring(lua_State *L, int idx)
{
	int t;
	idx = lua_absindex(L, idx);
	t = lua_type(L, idx);
	if (is_address_type(t)) {
		const char *kind;
		int named;
		if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
			lua_pop(L, 1);
			return luaL_tolstring(L, idx, NULL);
		}
		named = luaL_getmetafield(L, idx, "__name") != LUA_TNIL;
		if (named && lua_type(L, -1) == LUA_TSTRING)
			kind = lua_tostring(L, -1);
		else
			kind = lua_typename(L, t);
		lua_pushfstring(L, "%s: #%I", kind, (lua_Integer)object_id(L, idx));
		if (named)
			lua_remove(L, -2);
		return lua_tostring(L, -1);
	}
	return luaL_tolstring(L, idx, NULL);
}

static int sb_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	harness_tostring(L, 1);
	return 1;
}

static int sb_print(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s;
		harness_tostring(L, i);
		s = lua_tolstring(L, -1, &len);
		if (i > 1)
			fputc('\t', stdout);
		fwrite(s, 1, len, stdout);
		lua_pop(L, 1);
	}
	fputc('\n', stdout);
	return 0;
}

/* string.format with "%s" of tables & co made deterministic and "%p" refused. */
static int sb_format(lua_State *L)
{
	size_t len;
	const char *fmt = luaL_checklstring(L, 1, &len);
	int arg = 1, top = lua_gettop(L);
	for (size_t i = 0; i < len; i++) {
		if (fmt[i] != '%')
			continue;
		if (++i < len && fmt[i] == '%')
			continue;
		arg++;
		while (i < len && fmt[i] && strchr("-+ #0123456789.", fmt[i]))
			i++;
		if (i >= len)
			break;
		if (fmt[i] == 'p')
			return luaL_error(L, "string.format: %%p prints an address, which differs from "
			                     "run to run");
		if (fmt[i] == 's' && arg <= top && is_address_type(lua_type(L, arg))) {
			harness_tostring(L, arg);
			lua_replace(L, arg);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, top, 1);
	return 1;
}

/* ---------------------------------------------------------------- pairs */

enum key_rank { K_NUMBER, K_STRING, K_FALSE, K_TRUE };

struct sorted_key {
	enum key_rank rank;
	int isint;
	lua_Integer i;
	lua_Number f;
	const char *s; /* a key of the table being sorted: alive while it is */
	size_t len;
};

/* int i < float f? f is not integral or lies outside the integers (keys are normalised). */
static int int_before_float(lua_Integer i, lua_Number f)
{
	if (f >= 0x1p63)
		return 1;
	if (f < -0x1p63)
		return 0;
	return i <= (lua_Integer)floor(f); /* floor(f) < f, and floor(f) is exact */
}

static int num_cmp(const struct sorted_key *a, const struct sorted_key *b)
{
	if (a->isint && b->isint)
		return a->i < b->i ? -1 : a->i > b->i;
	if (!a->isint && !b->isint)
		return a->f < b->f ? -1 : a->f > b->f;
	if (a->isint)
		return int_before_float(a->i, b->f) ? -1 : 1;
	return int_before_float(b->i, a->f) ? 1 : -1;
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct sorted_key *a = pa, *b = pb;
	size_t n;
	int c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->rank == K_NUMBER)
		return num_cmp(a, b);
	if (a->rank != K_STRING)
		return 0;
	n = a->len < b->len ? a->len : b->len;
	c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void key_read(lua_State *L, int idx, struct sorted_key *k)
{
	memset(k, 0, sizeof(*k));
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		k->rank = K_NUMBER;
		k->isint = lua_isinteger(L, idx);
		if (k->isint)
			k->i = lua_tointeger(L, idx);
		else
			k->f = lua_tonumber(L, idx);
		break;
	case LUA_TSTRING:
		k->rank = K_STRING;
		k->s = lua_tolstring(L, idx, &k->len);
		break;
	case LUA_TBOOLEAN:
		k->rank = lua_toboolean(L, idx) ? K_TRUE : K_FALSE;
		break;
	default:
		luaL_error(L, "pairs(): keys of type %s have no deterministic order; use an array",
		           luaL_typename(L, idx));
	}
}

static void key_push(lua_State *L, const struct sorted_key *k)
{
	switch (k->rank) {
	case K_NUMBER:
		if (k->isint)
			lua_pushinteger(L, k->i);
		else
			lua_pushnumber(L, k->f);
		break;
	case K_STRING: lua_pushlstring(L, k->s, k->len); break;
	case K_FALSE: lua_pushboolean(L, 0); break;
	case K_TRUE: lua_pushboolean(L, 1); break;
	}
}

/* The iterator: upvalue 1 the sorted keys, upvalue 2 the position. Keys whose value was
 * set to nil during the loop are skipped, as next() would. */
static int pairs_step(lua_State *L)
{
	lua_Integer pos = lua_tointeger(L, lua_upvalueindex(2));
	luaL_checktype(L, 1, LUA_TTABLE);
	for (;;) {
		pos++;
		if (lua_rawgeti(L, lua_upvalueindex(1), pos) == LUA_TNIL)
			return 1;
		lua_pushvalue(L, -1);
		if (lua_rawget(L, 1) != LUA_TNIL) {
			lua_pushinteger(L, pos);
			lua_replace(L, lua_upvalueindex(2));
			return 2;
		}
		lua_pop(L, 2);
	}
}

static int sb_pairs(lua_State *L)
{
	struct sorted_key *keys;
	lua_Integer n = 0, i = 0;
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1))
		n++;
	keys = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof(*keys), 0);
	for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1))
		key_read(L, -2, &keys[i++]);
	qsort(keys, (size_t)n, sizeof(*keys), key_cmp);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		key_push(L, &keys[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, pairs_step, 2);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* ----------------------------------------------- load, pcall and friends */

static int sb_load(lua_State *L)
{
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0)
		return luaL_error(L, "load(): only text chunks may be loaded (mode \"t\"), not \"%s\"",
		                  mode);
	if (lua_gettop(L) < 3)
		lua_settop(L, 3);
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* An error caught by a protected call of the scenario is an abort (to pass on)? The
 * flag catches aborts that Lua turned into another error on the way (an abort inside an
 * xpcall message handler becomes "error in error handling"). */
static int caught_abort(lua_State *L, int idx)
{
	return harness_is_abort(L, idx) || harness_scn_of(L)->aborting;
}

/* After a protected call: an abort goes on up; other errors become (false, error). */
static int pcall_finish(lua_State *L, int status, lua_KContext extra)
{
	if (status != LUA_OK && status != LUA_YIELD) {
		if (caught_abort(L, -1))
			return harness_abort(L);
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

static int sb_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return pcall_finish(L, lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, pcall_finish), 0);
}

/* xpcall's handler: the user's, except that an abort passes untouched. */
static int xpcall_handler(lua_State *L)
{
	if (caught_abort(L, 1))
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2); /* f, handler, true, f, args... */
	return pcall_finish(L, lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, pcall_finish), 2);
}

/* coroutine.resume / coroutine.close: pass an abort on instead of returning it. */
static int sb_co_passthrough(lua_State *L)
{
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	if (lua_gettop(L) >= 2 && !lua_toboolean(L, 1) && caught_abort(L, 2))
		return harness_abort(L);
	return lua_gettop(L);
}

/* ------------------------------------------------------------ math.random */

static int sb_random(lua_State *L)
{
	sim_world *w = harness_world(L);
	sim_rng *r = sim_rng_stream(w, MATH_STREAM);
	lua_Integer lo, hi;
	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, (lua_Number)sim_rng_double(w, r));
		return 1;
	case 1:
		lo = 1;
		hi = luaL_checkinteger(L, 1);
		if (hi == 0) { /* math.random(0): every bit random, as in Lua 5.4 */
			lua_pushinteger(L, (lua_Integer)sim_rng_u64(w, r));
			return 1;
		}
		break;
	case 2:
		lo = luaL_checkinteger(L, 1);
		hi = luaL_checkinteger(L, 2);
		break;
	default:
		return luaL_error(L, "wrong number of arguments");
	}
	luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
	lua_pushinteger(L, (lua_Integer)sim_rng_range(w, r, lo, hi));
	return 1;
}

static int sb_randomseed(lua_State *L)
{
	return 0; /* every stream derives from the scenario's seed (system{seed}, --seed) */
}

/* -------------------------------------------------------------- opening */

/* Replace t[name] (t at the top of the stack) by a closure over the old value. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction fn)
{
	lua_getfield(L, -1, name);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, -2, name);
}

/* Open the allowed libraries and install the replacements (see the top of this file).
 * Lua context, on the main state, before anything else; raises on memory errors. */
int harness_sandbox_open(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base },         { LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_TABLIBNAME, luaopen_table },   { LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },   { LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL },
	};
	static const luaL_Reg base[] = {
		{ "pairs", sb_pairs },   { "tostring", sb_tostring }, { "print", sb_print },
		{ "pcall", sb_pcall },   { "xpcall", sb_xpcall },     { NULL, NULL },
	};
	for (const luaL_Reg *l = libs; l->name; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	lua_newtable(L); /* object ids: weak keys, so that ids never keep objects alive */
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_IDS);

	lua_pushglobaltable(L);
	lua_pushnil(L);
	lua_setfield(L, -2, "dofile");
	lua_pushnil(L);
	lua_setfield(L, -2, "loadfile");
	wrap_field(L, "load", sb_load);
	luaL_setfuncs(L, base, 0);
	lua_pop(L, 1);

	lua_getglobal(L, LUA_STRLIBNAME);
	wrap_field(L, "format", sb_format);
	lua_pop(L, 1);
	lua_getglobal(L, LUA_COLIBNAME);
	wrap_field(L, "resume", sb_co_passthrough);
	wrap_field(L, "close", sb_co_passthrough);
	lua_pop(L, 1);
	lua_getglobal(L, LUA_MATHLIBNAME);
	lua_pushcfunction(L, sb_random);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, sb_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	return 0;
}
