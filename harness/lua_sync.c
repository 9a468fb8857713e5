/*
 * harness/lua_sync.c — the kernel's objects as the scenario sees them: wait queues,
 * mutexes, timers and PRNG streams, made by methods of the system (sys:waitq(...), ...).
 *
 * The kernel objects live inside Lua userdata (waitq, mutex) or are pointed to from them
 * (timer, stream); every such userdata is anchored for the life of the world, because the
 * kernel keeps pointers to it that the Lua collector cannot see.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#define MT_WAITQ "pktsim.waitq"
#define MT_MUTEX "pktsim.mutex"
#define MT_TIMER "pktsim.timer"
#define MT_RANDOM "pktsim.random"

struct hwaitq {
	sim_waitq q;
};

struct hmutex {
	sim_mutex m;
};

struct htimer {
	sim_timer *t;
	int fn_ref;   /* the callback */
	int self_ref; /* this userdata: passed to the callback, and kept alive */
	struct harness_scn *s;
	char name[48];
};

struct hrandom {
	sim_rng *r;
	char name[64];
};

static sim_world *world_of(lua_State *L)
{
	return harness_scn_of(L)->w;
}

/* ----------------------------------------------------------- wait queues */

static int sys_waitq(lua_State *L)
{
	static const char *const keys[] = { "watched", NULL };
	const char *name;
	struct hwaitq *q;
	int watched = 1;
	harness_check_sys(L, "waitq");
	name = luaL_checkstring(L, 2);
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		harness_check_keys(L, 3, "waitq()", keys);
		if (lua_getfield(L, 3, "watched") != LUA_TNIL)
			watched = lua_toboolean(L, -1);
	}
	lua_settop(L, 2);
	q = lua_newuserdatauv(L, sizeof(*q), 0);
	sim_waitq_init(world_of(L), &q->q, name);
	sim_waitq_set_watched(&q->q, watched);
	luaL_setmetatable(L, MT_WAITQ);
	harness_anchor(L, -1);
	return 1;
}

static struct hwaitq *check_waitq(lua_State *L)
{
	return luaL_checkudata(L, 1, MT_WAITQ);
}

static int q_wait(lua_State *L)
{
	struct hwaitq *q = check_waitq(L);
	sim_ns timeout = SIM_FOREVER;
	if (!lua_isnoneornil(L, 2))
		timeout = harness_check_duration(L, 2, "wait()");
	harness_check_blocking(L, "wait()");
	lua_pushboolean(L, sim_wait(world_of(L), &q->q, timeout) == 0);
	return 1;
}

static int q_wake(lua_State *L)
{
	struct hwaitq *q = check_waitq(L);
	lua_pushinteger(L, sim_wake_one(world_of(L), &q->q));
	return 1;
}

static int q_wake_all(lua_State *L)
{
	struct hwaitq *q = check_waitq(L);
	lua_pushinteger(L, sim_wake_all(world_of(L), &q->q));
	return 1;
}

static int q_empty(lua_State *L)
{
	lua_pushboolean(L, sim_waitq_empty(&check_waitq(L)->q));
	return 1;
}

static int q_tostring(lua_State *L)
{
	struct hwaitq *q = check_waitq(L);
	lua_pushfstring(L, "waitq %d \"%s\"", (int)q->q.id, q->q.name);
	return 1;
}

/* --------------------------------------------------------------- mutexes */

static int sys_mutex(lua_State *L)
{
	const char *name;
	struct hmutex *m;
	harness_check_sys(L, "mutex");
	name = luaL_checkstring(L, 2);
	m = lua_newuserdatauv(L, sizeof(*m), 0);
	sim_mutex_init(world_of(L), &m->m, name);
	luaL_setmetatable(L, MT_MUTEX);
	harness_anchor(L, -1);
	return 1;
}

static struct hmutex *check_mutex(lua_State *L)
{
	return luaL_checkudata(L, 1, MT_MUTEX);
}

static int m_lock(lua_State *L)
{
	struct hmutex *m = check_mutex(L);
	harness_check_blocking(L, "lock()");
	if (m->m.owner && m->m.owner == sim_thread_self(world_of(L)))
		return luaL_error(L, "lock(): mutex \"%s\" is already held by this thread (mutexes "
		                     "are not recursive)", m->m.q.name);
	sim_mutex_lock(world_of(L), &m->m);
	return 0;
}

static int m_trylock(lua_State *L)
{
	struct hmutex *m = check_mutex(L);
	struct harness_scn *s = harness_scn_of(L);
	if (s->phase != HP_RUN || !sim_thread_self(s->w))
		return luaL_error(L, "trylock(): only a simulated thread can hold a mutex");
	if (m->m.owner == sim_thread_self(s->w))
		return luaL_error(L, "trylock(): mutex \"%s\" is already held by this thread",
		                  m->m.q.name);
	lua_pushboolean(L, sim_mutex_trylock(s->w, &m->m) == 0);
	return 1;
}

static int m_unlock(lua_State *L)
{
	struct hmutex *m = check_mutex(L);
	struct harness_scn *s = harness_scn_of(L);
	sim_thread *self = s->phase == HP_RUN ? sim_thread_self(s->w) : NULL;
	if (!self)
		return luaL_error(L, "unlock(): only the simulated thread holding mutex \"%s\" can "
		                     "unlock it", m->m.q.name);
	if (sim_mutex_unlock(s->w, &m->m) == -EPERM)
		return luaL_error(L, "unlock(): mutex \"%s\" is not held by thread \"%s\"",
		                  m->m.q.name, sim_thread_name(self));
	return 0;
}

static int m_locked(lua_State *L)
{
	lua_pushboolean(L, check_mutex(L)->m.owner != NULL);
	return 1;
}

static int m_tostring(lua_State *L)
{
	struct hmutex *m = check_mutex(L);
	lua_pushfstring(L, "mutex %d \"%s\"", (int)m->m.q.id, m->m.q.name);
	return 1;
}

/* ---------------------------------------------------------------- timers */

/* Expiry, in the kernel context: run the callback on a fresh Lua thread. */
static void timer_fire(sim_world *w, void *arg)
{
	struct htimer *tm = arg;
	struct harness_scn *s = tm->s;
	int ref;
	lua_State *co;
	if (s->input_error)
		return;
	co = harness_thread_new(s, &ref);
	lua_rawgeti(co, LUA_REGISTRYINDEX, tm->fn_ref);
	lua_rawgeti(co, LUA_REGISTRYINDEX, tm->self_ref);
	harness_pcall(s, co, 1);
	harness_thread_release(s, ref);
}

static int sys_timer(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	const char *name;
	struct htimer *tm;
	harness_check_sys(L, "timer");
	name = luaL_checkstring(L, 2);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	tm = lua_newuserdatauv(L, sizeof(*tm), 0);
	memset(tm, 0, sizeof(*tm));
	tm->s = s;
	snprintf(tm->name, sizeof(tm->name), "%s", name);
	lua_pushvalue(L, 3);
	tm->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	luaL_setmetatable(L, MT_TIMER);
	lua_pushvalue(L, -1);
	tm->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	tm->t = sim_timer_create(s->w, name, timer_fire, tm);
	return 1;
}

static struct htimer *check_timer(lua_State *L)
{
	return luaL_checkudata(L, 1, MT_TIMER);
}

static int tm_arm(lua_State *L)
{
	struct htimer *tm = check_timer(L);
	sim_ns d = harness_check_duration(L, 2, "arm()");
	harness_check_not_ended(L, "arm()");
	sim_timer_arm(world_of(L), tm->t, d);
	return 0;
}

static int tm_arm_at(lua_State *L)
{
	struct htimer *tm = check_timer(L);
	sim_ns when = harness_check_duration(L, 2, "arm_at()");
	sim_world *w = world_of(L);
	char a[32], b[32];
	harness_check_not_ended(L, "arm_at()");
	if (when < sim_now(w))
		return luaL_error(L, "arm_at(): t=%s is in the past (now t=%s)",
		                  sim_format_ns(when, a, sizeof(a)), sim_format_ns(sim_now(w), b, sizeof(b)));
	sim_timer_arm_at(w, tm->t, when);
	return 0;
}

static int tm_cancel(lua_State *L)
{
	struct htimer *tm = check_timer(L);
	lua_pushboolean(L, sim_timer_cancel(world_of(L), tm->t));
	return 1;
}

static int tm_armed(lua_State *L)
{
	lua_pushboolean(L, sim_timer_armed(check_timer(L)->t));
	return 1;
}

static int tm_expiry(lua_State *L)
{
	struct htimer *tm = check_timer(L);
	if (sim_timer_armed(tm->t))
		lua_pushinteger(L, sim_timer_expiry(tm->t));
	else
		lua_pushnil(L);
	return 1;
}

static int tm_tostring(lua_State *L)
{
	lua_pushfstring(L, "timer \"%s\"", check_timer(L)->name);
	return 1;
}

/* ---------------------------------------------------------- PRNG streams */

static int sys_random(lua_State *L)
{
	const char *name;
	struct hrandom *r;
	harness_check_sys(L, "random");
	name = luaL_checkstring(L, 2);
	r = lua_newuserdatauv(L, sizeof(*r), 0);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->r = sim_rng_stream(world_of(L), name);
	luaL_setmetatable(L, MT_RANDOM);
	return 1;
}

static struct hrandom *check_random(lua_State *L)
{
	return luaL_checkudata(L, 1, MT_RANDOM);
}

static int r_range(lua_State *L)
{
	struct hrandom *r = check_random(L);
	lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
	if (lo > hi)
		return luaL_error(L, "range(): empty interval [%I, %I]", lo, hi);
	lua_pushinteger(L, (lua_Integer)sim_rng_range(world_of(L), r->r, lo, hi));
	return 1;
}

static int r_float(lua_State *L)
{
	struct hrandom *r = check_random(L);
	lua_pushnumber(L, (lua_Number)sim_rng_double(world_of(L), r->r));
	return 1;
}

static int r_u64(lua_State *L)
{
	struct hrandom *r = check_random(L);
	lua_pushinteger(L, (lua_Integer)sim_rng_u64(world_of(L), r->r));
	return 1;
}

static int r_tostring(lua_State *L)
{
	lua_pushfstring(L, "random \"%s\"", check_random(L)->name);
	return 1;
}

/* --------------------------------------------------------------- opening */

/* Adds sys:waitq, sys:mutex, sys:timer, sys:random and their classes. Lua context, once,
 * after harness_lua_sim_open. */
int harness_lua_sync_open(lua_State *L)
{
	static const luaL_Reg sys_methods[] = {
		{ "waitq", sys_waitq }, { "mutex", sys_mutex }, { "timer", sys_timer },
		{ "random", sys_random }, { NULL, NULL },
	};
	static const luaL_Reg q_methods[] = {
		{ "wait", q_wait }, { "wake", q_wake }, { "wake_all", q_wake_all },
		{ "empty", q_empty }, { NULL, NULL },
	};
	static const luaL_Reg m_methods[] = {
		{ "lock", m_lock }, { "trylock", m_trylock }, { "unlock", m_unlock },
		{ "locked", m_locked }, { NULL, NULL },
	};
	static const luaL_Reg tm_methods[] = {
		{ "arm", tm_arm }, { "arm_at", tm_arm_at }, { "cancel", tm_cancel },
		{ "armed", tm_armed }, { "expiry", tm_expiry }, { NULL, NULL },
	};
	static const luaL_Reg r_methods[] = {
		{ "range", r_range }, { "float", r_float }, { "u64", r_u64 }, { NULL, NULL },
	};
	harness_lua_sys_methods(L, sys_methods);
	harness_lua_class(L, MT_WAITQ, q_methods, q_tostring);
	harness_lua_class(L, MT_MUTEX, m_methods, m_tostring);
	harness_lua_class(L, MT_TIMER, tm_methods, tm_tostring);
	harness_lua_class(L, MT_RANDOM, r_methods, r_tostring);
	return 0;
}
