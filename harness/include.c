/*
 * harness/include.c — include("lib/checks.lua"): Lua code that scenarios share.
 *
 * The path is relative to the folder of the scenario file and stays inside it (letters,
 * digits, "_", "-", ".", "/"; no "..", not absolute; ends in ".lua"). The file is loaded
 * as text (never bytecode) into the scenario's sandbox, run once, and its result kept:
 * a second include of the same path returns the same value, like require.
 *
 * Replay: each included file is traced ("include": path, hash of its bytes), so a replay
 * whose included file changed differs at that record and says which file. The record
 * waits for the world when the include comes before system{}.
 *
 * Positions: expectations and errors raised from included code name the scenario's line
 * that called into it (harness_where skips the frames of included files), since that is
 * the line a user looks at; Lua errors inside the file keep the file's own line.
 */
#include "harness.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>

#define REG_INCLUDES "pktsim.includes"    /* path -> result */
#define REG_INC_SOURCES "pktsim.incsrc"   /* "@chunkname" -> true */

/* The folder part of path ("" if none), with its trailing '/', into buf. */
static void folder_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path + 1) : 0;
	if (len >= n)
		len = n - 1;
	memcpy(buf, path, len);
	buf[len] = 0;
}

/* NULL if path is an acceptable include path, else why not. */
static const char *path_refused(const char *path)
{
	size_t n = strlen(path);
	if (n == 0 || n > 200)
		return "must be 1 to 200 bytes";
	if (path[0] == '/')
		return "must be relative to the scenario's folder";
	if (strstr(path, ".."))
		return "may not leave the scenario's folder (\"..\")";
	if (strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") != n)
		return "may hold only letters, digits, '_', '-', '.' and '/'";
	if (n < 5 || strcmp(path + n - 4, ".lua"))
		return "must name a .lua file";
	return NULL;
}

/* Trace the inclusion of file i of s (the world exists). */
static void trace_include(struct harness_scn *s, int i)
{
	char hash[24];
	if (!s->kind_include)
		s->kind_include = sim_trace_kind(s->w, "include", "ss");
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)s->inc_hash[i]);
	sim_emit(s->w, s->kind_include, s->inc_path[i], hash);
}

void harness_include_world(struct harness_scn *s)
{
	for (int i = 0; i < s->ninc; i++)
		trace_include(s, i);
}

/* include(path): the value the file's chunk returns (see the top of the file). */
static int l_include(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	const char *path = luaL_checkstring(L, 1), *why, *recorded;
	char dir[PATH_MAX], rdir[PATH_MAX], file[PATH_MAX + 256], chunk[PATH_MAX + 260];
	luaL_Buffer b;
	char buf[4096];
	size_t n;
	FILE *f;
	int err;
	if ((why = path_refused(path)))
		return luaL_error(L, "include(\"%s\"): the path %s", path, why);
	lua_getfield(L, LUA_REGISTRYINDEX, REG_INCLUDES);
	if (lua_getfield(L, -1, path) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	if (s->ninc == HARNESS_INCLUDES_MAX)
		return luaL_error(L, "include(\"%s\"): more than %d included files", path,
		                  HARNESS_INCLUDES_MAX);
	folder_of(s->opts->scenario, dir, sizeof(dir));
	recorded = s->opts->scenario_name ? s->opts->scenario_name : s->opts->scenario;
	folder_of(recorded, rdir, sizeof(rdir));
	snprintf(file, sizeof(file), "%s%s", dir, path);
	snprintf(chunk, sizeof(chunk), "@%s%s", rdir, path);
	if (!(f = fopen(file, "rb")))
		return luaL_error(L, "include(\"%s\"): cannot open %s: %s", path, file, strerror(errno));
	luaL_buffinit(L, &b);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		luaL_addlstring(&b, buf, n);
	err = ferror(f);
	fclose(f);
	if (err)
		return luaL_error(L, "include(\"%s\"): cannot read %s", path, file);
	luaL_pushresult(&b);
	snprintf(s->inc_path[s->ninc], sizeof(s->inc_path[0]), "%s", path);
	s->inc_hash[s->ninc] = sim_hash(SIM_HASH_INIT, lua_tostring(L, -1), lua_rawlen(L, -1));
	s->ninc++;
	if (s->w)
		trace_include(s, s->ninc - 1);
	if (luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1), chunk, "t") != LUA_OK)
		return lua_error(L);
	lua_getfield(L, LUA_REGISTRYINDEX, REG_INC_SOURCES);
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, chunk);
	lua_pop(L, 1);
	lua_call(L, 0, 1);
	if (lua_isnil(L, -1)) { /* nothing returned: remember that it ran */
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -4, path); /* REG_INCLUDES[path] */
	return 1;
}

int harness_include_source(lua_State *L, const char *source)
{
	int yes;
	lua_getfield(L, LUA_REGISTRYINDEX, REG_INC_SOURCES);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	lua_getfield(L, -1, source);
	yes = lua_toboolean(L, -1);
	lua_pop(L, 2);
	return yes;
}

int harness_include_open(lua_State *L)
{
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_INCLUDES);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_INC_SOURCES);
	lua_pushcfunction(L, l_include);
	lua_setglobal(L, "include");
	return 0;
}
