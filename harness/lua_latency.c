/*
 * harness/lua_latency.c — stack-context latency as the scenario sees it (docs/latency.md):
 * methods of the io-pkt handle to set costs (io:costs{}), budgets and checks
 * (io:latency{}), start the probe (io:probe(period)) and read the measurements
 * (io:latency_stats()). Misuse (an unknown cost, a bad duration) is a Lua error naming the
 * scenario's line.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>

/* Methods of the io-pkt handle: argument 1 must be it (harness_check_io). */

/* t.name = v on the table on top. */
static void set_int(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

static void set_str(lua_State *L, const char *name, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, name);
}

/* Push the string keys of the table at idx as an array in byte order (lua_next's order
 * changes between processes: the trace must not), an error for any other key. */
static int sorted_keys(lua_State *L, int idx, const char *what)
{
	int n = 0;
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "%s: keys must be names", what);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, ++n);
	}
	for (int i = 2; i <= n; i++) /* insertion sort: a handful of keys */
		for (int j = i; j > 1; j--) {
			lua_rawgeti(L, -1, j - 1);
			lua_rawgeti(L, -2, j);
			if (strcmp(lua_tostring(L, -2), lua_tostring(L, -1)) <= 0) {
				lua_pop(L, 2);
				break;
			}
			lua_rawseti(L, -3, j - 1);
			lua_rawseti(L, -2, j);
		}
	return n;
}

void harness_lua_costs_set(lua_State *L, int idx, const char *what)
{
	char err[256], msg[96];
	int n;
	luaL_argexpected(L, lua_istable(L, idx), idx, "a table of costs");
	n = sorted_keys(L, idx, what);
	for (int i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		lua_pushvalue(L, -1);
		lua_gettable(L, idx);
		snprintf(msg, sizeof(msg), "%s: %s", what, lua_tostring(L, -2));
		if (model_lat_cost_set(lua_tostring(L, -2), harness_check_duration(L, -1, msg), err,
		                       sizeof(err)))
			luaL_error(L, "%s: %s", what, err);
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
}

/* io:costs{ name = duration, ... }: set costs; returns every cost (ns; -1: the unit's). */
static int io_costs(lua_State *L)
{
	sim_ns v;
	harness_check_io(L, "costs");
	if (!lua_isnoneornil(L, 2))
		harness_lua_costs_set(L, 2, "costs{}");
	lua_newtable(L);
	for (int i = 0;; i++) {
		const char *name = model_lat_cost_name(i, &v);
		if (!name)
			break;
		set_int(L, name, v);
	}
	return 1;
}

/* io:latency{ any = "1ms", if_init = "200us", probe = "2ms", delay_threshold = "1ms",
 * report = true, checks = true }: budgets (by entry point or driver symbol), the terminal
 * report, the checks (on once any budget is set). */
static int io_latency(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	char err[256];
	int n, checks = 1;
	harness_check_io(L, "latency");
	luaL_checktype(L, 2, LUA_TTABLE);
	s->latency_report = 1;
	model_lat_checks(1);
	n = sorted_keys(L, 2, "latency{}");
	for (int i = 1; i <= n; i++) {
		const char *k;
		lua_rawgeti(L, -1, i);
		lua_pushvalue(L, -1);
		lua_gettable(L, 2);
		k = lua_tostring(L, -2);
		if (!strcmp(k, "report") || !strcmp(k, "checks")) {
			if (!lua_isboolean(L, -1))
				return luaL_error(L, "latency{}: %s must be true or false", k);
			if (!strcmp(k, "report"))
				s->latency_report = lua_toboolean(L, -1);
			else
				checks = lua_toboolean(L, -1);
		} else {
			char what[80];
			snprintf(what, sizeof(what), "latency{}: %s", k);
			if (model_lat_budget_set(k, harness_check_duration(L, -1, what), err,
			                         sizeof(err)))
				return luaL_error(L, "latency{}: %s", err);
		}
		lua_pop(L, 2);
	}
	model_lat_checks(checks);
	return 0;
}

/* io:probe(period): a status request every period measures the wait for the stack. */
static int io_probe(lua_State *L)
{
	char err[256];
	sim_ns p;
	harness_check_io(L, "probe");
	p = harness_check_duration(L, 2, "probe(period)");
	harness_check_not_ended(L, "probe()");
	harness_world(L);
	if (model_lat_probe_start(p, err, sizeof(err)))
		return luaL_error(L, "probe(): %s", err);
	return 0;
}

static void push_dist(lua_State *L, const struct model_lat_dist *d)
{
	lua_createtable(L, 0, 7);
	set_int(L, "count", (lua_Integer)d->n);
	set_int(L, "min", d->min);
	set_int(L, "avg", d->avg);
	set_int(L, "p50", d->p50);
	set_int(L, "p99", d->p99);
	set_int(L, "max", d->max);
	set_int(L, "total", d->total);
}

/* io:latency_stats(): { holds = dist, entries = { if_init = dist, ... }, worst = { {entry,
 * fn, ctx, start, held, elapsed, seq, events}, ... }, probe = dist, flagged = n }. */
static int io_latency_stats(lua_State *L)
{
	static struct model_lat_report r;
	char evs[1024];
	harness_check_io(L, "latency_stats");
	model_lat_report(&r);
	lua_newtable(L);
	push_dist(L, &r.holds);
	lua_setfield(L, -2, "holds");
	lua_newtable(L);
	for (int i = 0; i < r.nentries; i++) {
		push_dist(L, &r.entries[i].dist);
		lua_setfield(L, -2, r.entries[i].entry);
	}
	lua_setfield(L, -2, "entries");
	lua_createtable(L, r.nworst, 0);
	for (int i = 0; i < r.nworst; i++) {
		const struct model_lat_hold *h = &r.worst[i];
		lua_createtable(L, 0, 8);
		set_str(L, "entry", h->entry);
		set_str(L, "fn", h->fn);
		set_str(L, "ctx", h->ctx);
		set_int(L, "start", h->start);
		set_int(L, "held", h->held);
		set_int(L, "elapsed", h->elapsed);
		set_int(L, "seq", (lua_Integer)h->seq);
		set_str(L, "events", model_lat_events_format(h->ev, h->nev, evs, sizeof(evs)));
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "worst");
	push_dist(L, &r.probe);
	lua_setfield(L, -2, "probe");
	set_int(L, "flagged", (lua_Integer)r.flagged);
	return 1;
}

int harness_lua_latency_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "costs", io_costs }, { "latency", io_latency }, { "probe", io_probe },
		{ "latency_stats", io_latency_stats }, { NULL, NULL },
	};
	harness_io_methods_add(L, methods);
	return 0;
}
