/*
 * harness/lua_sim.c — the scenario's view of the kernel: system{}, simulated threads and
 * the calls a thread makes on time (sleep, spend, now, fmt), and the at_end callbacks.
 *
 * Each simulated thread runs its Lua function on its own Lua thread (lua_newthread) with
 * lua_pcall, on the SimGrid actor's stack. Only one simulated thread runs at a time (the
 * kernel guarantees it), so they can share one Lua state; a binding that blocks calls
 * into sim/ and simply returns later. No Lua error ever crosses sim/ code: the errors
 * raised here are raised in bindings, under the thread's own lua_pcall.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#define MT_SYSTEM "pktsim.system"
#define MT_THREAD "pktsim.thread"
#define REG_THREADS "pktsim.threads" /* thread id -> handle (also keeps handles alive) */
#define REG_AT_END "pktsim.at_end"   /* array of at_end functions */
#define REG_OBJECTS "pktsim.objects" /* everything the kernel points into, kept alive */

/* A simulated thread created by sys:spawn (the userdata behind its handle). */
struct hthread {
	sim_thread *t;
	lua_State *co;  /* the Lua thread running its function */
	int co_ref;     /* registry reference of co, LUA_NOREF once it has finished */
	int id;
	struct harness_scn *s;
};

/* ------------------------------------------------------------- helpers */

/* Raises a Lua error unless the caller is a simulated thread of the running world:
 * what ("sleep()") names the call in the message. */
void harness_check_blocking(lua_State *L, const char *what)
{
	struct harness_scn *s = harness_scn_of(L);
	if (s->phase == HP_SETUP)
		luaL_error(L, "%s blocks and cannot be called during setup (the top level of the "
		              "scenario); call it in a thread started with sys:spawn()", what);
	if (s->phase == HP_END)
		luaL_error(L, "%s blocks and cannot be called from an at_end callback: the run is "
		              "over", what);
	if (!s->w || !sim_thread_self(s->w))
		luaL_error(L, "%s blocks and cannot be called from a timer callback", what);
}

/* Argument idx as a duration in ns (integer, or a string sim_parse_duration accepts);
 * raises a Lua error naming what for anything else or a negative value. */
sim_ns harness_check_duration(lua_State *L, int idx, const char *what)
{
	sim_ns d;
	int ok;
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		d = (sim_ns)lua_tointegerx(L, idx, &ok);
		if (!ok)
			luaL_error(L, "%s: duration %s is not a whole number of nanoseconds; write it "
			              "as a string such as \"1.5ms\"", what, lua_tostring(L, idx));
		if (d < 0)
			luaL_error(L, "%s: negative duration %I", what, (lua_Integer)d);
		return d;
	case LUA_TSTRING:
		if (sim_parse_duration(lua_tostring(L, idx), &d))
			luaL_error(L, "%s: bad duration \"%s\": use integer nanoseconds or a string "
			              "such as \"250us\", \"1.5ms\", \"2s\"", what, lua_tostring(L, idx));
		return d;
	default:
		luaL_error(L, "%s: duration expected (integer nanoseconds or a string such as "
		              "\"250us\"), got %s", what, luaL_typename(L, idx));
	}
	return 0;
}

/* Keep the value at idx alive as long as the world (the kernel holds pointers into it). */
void harness_anchor(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_getfield(L, LUA_REGISTRYINDEX, REG_OBJECTS);
	lua_pushvalue(L, idx);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

/* Raises a Lua error for the first (byte order) key of table idx not in known. */
void harness_check_keys(lua_State *L, int idx, const char *what, const char *const *known)
{
	const char *bad = NULL;
	idx = lua_absindex(L, idx);
	for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
		const char *k;
		int found = 0;
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "%s: options are written name = value (found a %s key)", what,
			           luaL_typename(L, -2));
		k = lua_tostring(L, -2);
		for (const char *const *p = known; *p; p++)
			found |= !strcmp(*p, k);
		if (!found && (!bad || strcmp(k, bad) < 0))
			bad = k;
	}
	if (bad) {
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		for (const char *const *p = known; *p; p++) {
			luaL_addstring(&b, p == known ? "" : ", ");
			luaL_addstring(&b, *p);
		}
		luaL_pushresult(&b);
		luaL_error(L, "%s: unknown option \"%s\" (known: %s)", what, bad, lua_tostring(L, -1));
	}
}

/* Raises a Lua error unless argument 1 is the system (a method call on it). */
void harness_check_sys(lua_State *L, const char *method)
{
	if (!luaL_testudata(L, 1, MT_SYSTEM))
		luaL_error(L, "%s: call it as a method, sys:%s(...), on the value system{} returned",
		           method, method);
}

/* Raises a Lua error if the run is over (at_end callbacks). */
void harness_check_not_ended(lua_State *L, const char *what)
{
	if (harness_scn_of(L)->phase == HP_END)
		luaL_error(L, "%s cannot be called from an at_end callback: the run is over", what);
}

/* ------------------------------------------------------------ system{} */

static int opt_field(lua_State *L, int idx, const char *key)
{
	return lua_getfield(L, idx, key) != LUA_TNIL;
}

static lua_Integer opt_integer(lua_State *L, const char *key)
{
	int ok;
	lua_Integer v = lua_tointegerx(L, -1, &ok);
	if (!ok)
		luaL_error(L, "system{}: %s must be an integer, got %s", key, luaL_typename(L, -1));
	return v;
}

static void system_config(lua_State *L, struct sim_config *cfg)
{
	static const char *const keys[] = { "cpus", "seed", "cpu_hz", "stall_limit",
		                             "time_limit", NULL };
	lua_Integer v;
	sim_config_defaults(cfg);
	if (lua_isnoneornil(L, 1))
		return;
	luaL_checktype(L, 1, LUA_TTABLE);
	harness_check_keys(L, 1, "system{}", keys);
	if (opt_field(L, 1, "cpus")) {
		v = opt_integer(L, "cpus");
		if (v < 1 || v > 64)
			luaL_error(L, "system{}: cpus must be 1..64, got %I", v);
		cfg->ncpus = (int)v;
	}
	if (opt_field(L, 1, "seed")) {
		v = opt_integer(L, "seed");
		if (v < 0)
			luaL_error(L, "system{}: seed must not be negative");
		cfg->seed = (uint64_t)v;
	}
	if (opt_field(L, 1, "cpu_hz")) {
		if (lua_type(L, -1) != LUA_TNUMBER || !(lua_tonumber(L, -1) > 0))
			luaL_error(L, "system{}: cpu_hz must be a positive number");
		cfg->cpu_hz = lua_tonumber(L, -1);
	}
	if (opt_field(L, 1, "stall_limit"))
		cfg->stall_limit = harness_check_duration(L, -1, "system{}: stall_limit");
	if (opt_field(L, 1, "time_limit"))
		cfg->time_limit = harness_check_duration(L, -1, "system{}: time_limit");
	lua_settop(L, 1);
}

static int l_system(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	struct sim_config cfg;
	char err[512];
	if (s->w && s->world_implicit)
		return luaL_error(L, "system{} must come before anything that needs the system "
		                     "(log, expect, math.random): a default system exists already");
	if (s->w)
		return luaL_error(L, "system{} may be called only once");
	system_config(L, &cfg);
	if (harness_world_create(s, &cfg, err, sizeof(err)))
		return luaL_error(L, "system{}: %s", err);
	lua_newuserdatauv(L, 1, 0);
	luaL_setmetatable(L, MT_SYSTEM);
	return 1;
}

static int sys_tostring(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	lua_pushfstring(L, "system (%d CPUs, seed %I)", sim_world_ncpus(s->w),
	                (lua_Integer)sim_world_seed(s->w));
	return 1;
}

static int sys_cpus(lua_State *L)
{
	harness_check_sys(L, "cpus");
	lua_pushinteger(L, sim_world_ncpus(harness_scn_of(L)->w));
	return 1;
}

static int sys_seed(lua_State *L)
{
	harness_check_sys(L, "seed");
	lua_pushinteger(L, (lua_Integer)sim_world_seed(harness_scn_of(L)->w));
	return 1;
}

/* -------------------------------------------------------------- threads */

static void push_handle(lua_State *L, int id)
{
	lua_getfield(L, LUA_REGISTRYINDEX, REG_THREADS);
	lua_rawgeti(L, -1, id);
	lua_remove(L, -2);
}

/* The body of every simulated thread spawned from Lua (runs on its SimGrid actor). */
static void thread_entry(sim_world *w, void *arg)
{
	struct hthread *ht = arg;
	struct harness_scn *s = ht->s;
	lua_State *co = ht->co;
	push_handle(co, ht->id); /* co's stack: the function, then its argument */
	harness_pcall(s, co, 1);
	lua_settop(co, 0);
	harness_thread_release(s, ht->co_ref); /* through the main state: co is done */
	ht->co_ref = LUA_NOREF;
	ht->co = NULL;
}

static int spawn_cpu(lua_State *L, int opts, int *daemon)
{
	static const char *const keys[] = { "cpu", "daemon", NULL };
	struct harness_scn *s = harness_scn_of(L);
	int cpu = 0, ok;
	*daemon = 0;
	if (lua_isnoneornil(L, opts))
		return 0;
	luaL_checktype(L, opts, LUA_TTABLE);
	harness_check_keys(L, opts, "spawn()", keys);
	if (lua_getfield(L, opts, "cpu") != LUA_TNIL) {
		lua_Integer v = lua_tointegerx(L, -1, &ok);
		if (!ok || v < 0 || v >= sim_world_ncpus(s->w))
			luaL_error(L, "spawn(): cpu must be an integer 0..%d (the system has %d CPUs)",
			           sim_world_ncpus(s->w) - 1, sim_world_ncpus(s->w));
		cpu = (int)v;
	}
	if (lua_getfield(L, opts, "daemon") != LUA_TNIL)
		*daemon = lua_toboolean(L, -1);
	lua_pop(L, 2);
	return cpu;
}

static int sys_spawn(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	struct hthread *ht;
	const char *name;
	int cpu, daemon;
	harness_check_sys(L, "spawn");
	harness_check_not_ended(L, "spawn()");
	name = luaL_checkstring(L, 2);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	cpu = spawn_cpu(L, 4, &daemon);
	ht = lua_newuserdatauv(L, sizeof(*ht), 0);
	memset(ht, 0, sizeof(*ht));
	ht->co_ref = LUA_NOREF;
	luaL_setmetatable(L, MT_THREAD);
	ht->s = s;
	ht->co = lua_newthread(L);
	harness_sandbox_hook(ht->co);
	ht->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, 3);
	lua_xmove(L, ht->co, 1);
	ht->t = sim_thread_create(s->w, name, cpu, thread_entry, ht);
	if (!ht->t)
		return luaL_error(L, "spawn(): cannot create thread \"%s\"", name);
	ht->id = sim_thread_id(ht->t);
	if (ht->id > s->max_thread_id)
		s->max_thread_id = ht->id;
	if (daemon)
		sim_thread_set_daemon(ht->t, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, REG_THREADS);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, ht->id);
	lua_pop(L, 1);
	return 1;
}

static int sys_self(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	sim_thread *t;
	harness_check_sys(L, "self");
	t = s->phase == HP_RUN ? sim_thread_self(s->w) : NULL;
	if (!t)
		lua_pushnil(L);
	else
		push_handle(L, sim_thread_id(t));
	return 1;
}

static int sys_at_end(lua_State *L)
{
	harness_check_sys(L, "at_end");
	harness_check_not_ended(L, "at_end()");
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_getfield(L, LUA_REGISTRYINDEX, REG_AT_END);
	lua_pushvalue(L, 2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static struct hthread *check_thread(lua_State *L)
{
	return luaL_checkudata(L, 1, MT_THREAD);
}

static int th_join(lua_State *L)
{
	struct hthread *ht = check_thread(L);
	struct harness_scn *s = ht->s;
	harness_check_blocking(L, "join()");
	if (ht->t == sim_thread_self(s->w))
		return luaL_error(L, "join(): thread \"%s\" cannot join itself", sim_thread_name(ht->t));
	sim_thread_join(s->w, ht->t);
	return 0;
}

static int th_id(lua_State *L)
{
	lua_pushinteger(L, check_thread(L)->id);
	return 1;
}

static int th_name(lua_State *L)
{
	lua_pushstring(L, sim_thread_name(check_thread(L)->t));
	return 1;
}

static int th_exited(lua_State *L)
{
	lua_pushboolean(L, sim_thread_exited(check_thread(L)->t));
	return 1;
}

static int th_tostring(lua_State *L)
{
	struct hthread *ht = check_thread(L);
	lua_pushfstring(L, "thread %d \"%s\"", ht->id, sim_thread_name(ht->t));
	return 1;
}

/* ----------------------------------------------------- time and globals */

static int l_sleep(lua_State *L)
{
	sim_ns d = harness_check_duration(L, 1, "sleep()");
	harness_check_blocking(L, "sleep()");
	sim_sleep(harness_scn_of(L)->w, d);
	return 0;
}

static int l_spend(lua_State *L)
{
	sim_ns d = harness_check_duration(L, 1, "spend()");
	harness_check_blocking(L, "spend()");
	sim_spend(harness_scn_of(L)->w, d);
	return 0;
}

static int l_now(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	lua_pushinteger(L, s->w ? sim_now(s->w) : 0);
	return 1;
}

/*
 * param(name, default): the scenario parameter set with `pktsim run -D name=value`, else
 * default. The value takes default's type: an integer or a float for a number default
 * (an error naming the parameter if the text is not one), true/false (also 1/0, yes/no)
 * for a boolean, the text otherwise (also when default is nil).
 */
static int l_param(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *v = harness_opts_param(harness_scn_of(L)->opts, name);
	int t = lua_type(L, 2);
	if (!v) {
		lua_settop(L, 2);
		return 1;
	}
	if (t == LUA_TNUMBER) {
		if (!lua_stringtonumber(L, v))
			return luaL_error(L, "parameter %s: -D %s=%s is not a number", name, name, v);
		if (lua_isinteger(L, 2) && !lua_isinteger(L, -1))
			return luaL_error(L, "parameter %s: -D %s=%s is not an integer", name, name, v);
		return 1;
	}
	if (t == LUA_TBOOLEAN) {
		if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
			lua_pushboolean(L, 1);
		else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
			lua_pushboolean(L, 0);
		else
			return luaL_error(L, "parameter %s: -D %s=%s is not true or false", name, name, v);
		return 1;
	}
	lua_pushstring(L, v);
	return 1;
}

static int l_fmt(lua_State *L)
{
	char buf[48];
	lua_pushstring(L, sim_format_ns((sim_ns)luaL_checkinteger(L, 1), buf, sizeof(buf)));
	return 1;
}

/* ------------------------------------------------------------ where */

/* Writes into buf one line per unfinished Lua-spawned thread with the scenario line it
 * stands at; "" if none. Only when no thread runs (after the run). */
void harness_lua_sim_where(struct harness_scn *s, char *buf, size_t n)
{
	lua_State *L = s->L;
	size_t len = 0;
	buf[0] = 0;
	lua_getfield(L, LUA_REGISTRYINDEX, REG_THREADS);
	for (int id = 1; id <= s->max_thread_id && len + 1 < n; id++) {
		struct hthread *ht;
		char where[320];
		lua_rawgeti(L, -1, id);
		ht = luaL_testudata(L, -1, MT_THREAD);
		lua_pop(L, 1);
		if (!ht || !ht->co || sim_thread_exited(ht->t))
			continue;
		harness_where(ht->co, 0, where, sizeof(where));
		len += (size_t)snprintf(buf + len, n - len, "  thread %d \"%s\": %s\n", id,
		                        sim_thread_name(ht->t),
		                        strcmp(where, "?") ? where : "has not started");
	}
	lua_pop(L, 1);
}

/* ---------------------------------------------------------------- at_end */

static void push_result(lua_State *L, struct harness_scn *s, enum sim_end end)
{
	lua_createtable(L, 0, 4);
	lua_pushstring(L, sim_end_name(end));
	lua_setfield(L, -2, "reason");
	lua_pushinteger(L, sim_now(s->w));
	lua_setfield(L, -2, "time");
	lua_pushstring(L, sim_world_end_message(s->w));
	lua_setfield(L, -2, "message");
	lua_pushinteger(L, s->nfailed);
	lua_setfield(L, -2, "failed");
}

/* Runs the at_end callbacks in order, each on a fresh Lua thread, until one raises an
 * error; failures and errors are recorded in s. Main context, after the run. */
void harness_lua_sim_at_end(struct harness_scn *s, enum sim_end end)
{
	lua_State *L = s->L;
	lua_Integer n;
	lua_getfield(L, LUA_REGISTRYINDEX, REG_AT_END);
	n = (lua_Integer)lua_rawlen(L, -1);
	for (lua_Integer i = 1; i <= n && !s->input_error; i++) {
		int ref;
		lua_State *co = harness_thread_new(s, &ref);
		lua_rawgeti(L, -1, i);
		lua_xmove(L, co, 1);
		push_result(co, s, end);
		harness_pcall(s, co, 1);
		harness_thread_release(s, ref);
	}
	lua_pop(L, 1);
}

/* --------------------------------------------------------------- opening */

/* Registers a userdata class under name: methods as __index, tostring as __tostring, the
 * metatable hidden from getmetatable. Lua context. */
void harness_lua_class(lua_State *L, const char *name, const luaL_Reg *methods,
                       lua_CFunction tostring)
{
	luaL_newmetatable(L, name);
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

/* Sets the globals system, sleep, spend, now, fmt and the classes of the system and
 * thread handles. Lua context, once, before the scenario is loaded. */
int harness_lua_sim_open(lua_State *L)
{
	static const luaL_Reg sys_methods[] = {
		{ "spawn", sys_spawn }, { "self", sys_self }, { "at_end", sys_at_end },
		{ "cpus", sys_cpus },   { "seed", sys_seed }, { NULL, NULL },
	};
	static const luaL_Reg th_methods[] = {
		{ "join", th_join }, { "id", th_id }, { "name", th_name }, { "exited", th_exited },
		{ NULL, NULL },
	};
	static const luaL_Reg globals[] = {
		{ "system", l_system }, { "sleep", l_sleep }, { "spend", l_spend },
		{ "now", l_now },       { "fmt", l_fmt },     { "param", l_param },
		{ NULL, NULL },
	};
	harness_lua_class(L, MT_SYSTEM, sys_methods, sys_tostring);
	harness_lua_class(L, MT_THREAD, th_methods, th_tostring);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_THREADS);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_AT_END);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_OBJECTS);
	lua_pushglobaltable(L);
	luaL_setfuncs(L, globals, 0);
	lua_pop(L, 1);
	return 0;
}

/* Adds methods to the system's class (harness_lua_sim_open must have run). */
void harness_lua_sys_methods(lua_State *L, const luaL_Reg *methods)
{
	luaL_getmetatable(L, MT_SYSTEM);
	lua_getfield(L, -1, "__index");
	luaL_setfuncs(L, methods, 0);
	lua_pop(L, 2);
}
