/*
 * harness/scenario.c — inside a scenario child: build the sandboxed Lua state, run the
 * scenario's setup (its top-level chunk), create the world, run it, run the at_end
 * callbacks, decide the verdict and report it to the parent.
 *
 * Lua errors never cross sim/ code: every Lua call made from C is protected
 * (harness_pcall), and a binding that blocks calls into sim/ and returns normally.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"

#include <errno.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

/* The child's state, from any Lua thread of the scenario (lua_getextraspace). */
struct harness_scn *harness_scn_of(lua_State *L)
{
	return *(struct harness_scn **)lua_getextraspace(L);
}

static void msgs_add(struct harness_scn *s, const char *msg)
{
	size_t have = strlen(s->msgs), n = strlen(msg);
	if (have + n + 2 >= sizeof(s->msgs))
		n = sizeof(s->msgs) - have - 2 > 0 ? sizeof(s->msgs) - have - 2 : 0;
	memcpy(s->msgs + have, msg, n);
	s->msgs[have + n] = '\n';
	s->msgs[have + n + 1] = 0;
}

/* --------------------------------------------------------------- the world */

/*
 * <out>/traces/<scenario basename without .lua>.seed<N>.<run id>.trace, or the --trace
 * path. The run id is the driver's short name and 8 hex digits of H(options), the trace
 * header's options (driver, -D parameters, limits): runs of one scenario and seed with
 * other drivers or parameters get their own file, the same run always the same name.
 */
static int trace_path_make(struct harness_scn *s, uint64_t seed, char *err, size_t errlen)
{
	const struct harness_opts *o = s->opts;
	char dir[PATH_MAX], id[64];
	const char *base;
	size_t blen;
	int rc;
	if (o->trace_path) {
		if (strlen(o->trace_path) >= sizeof(s->trace_path)) {
			snprintf(err, errlen, "trace path too long");
			return -ENAMETOOLONG;
		}
		strcpy(s->trace_path, o->trace_path);
		return 0;
	}
	base = strrchr(o->scenario, '/');
	base = base ? base + 1 : o->scenario;
	blen = strlen(base);
	if (blen > 4 && !strcmp(base + blen - 4, ".lua"))
		blen -= 4;
	snprintf(dir, sizeof(dir), "%s/traces", o->out_dir);
	rc = harness_mkdirs(dir, err, errlen);
	if (rc)
		return rc;
	if (snprintf(s->trace_path, sizeof(s->trace_path), "%s/%.*s.seed%" PRIu64 ".%s.trace", dir,
	             (int)blen, base, seed, harness_run_id(o, s->options, id, sizeof(id))) >=
	    (int)sizeof(s->trace_path)) {
		snprintf(err, errlen, "trace path too long under %s", dir);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Create the world from cfg with the harness's trace path, header fields and --seed
 * override; registers the harness's trace kinds and reports seed and trace path to the
 * parent. 0, or a negative errno with the reason in err (s->w stays NULL). */
int harness_world_create(struct harness_scn *s, struct sim_config *cfg, char *err, size_t errlen)
{
	uint64_t hash;
	int rc;
	if (s->w) {
		snprintf(err, errlen, "the world exists already");
		return -EEXIST;
	}
	if (s->opts->seed_set)
		cfg->seed = s->opts->seed;
	rc = sim_hash_file(s->opts->scenario, &hash);
	if (rc) {
		snprintf(err, errlen, "cannot read %s: %s", s->opts->scenario, strerror(-rc));
		return rc;
	}
	rc = trace_path_make(s, cfg->seed, err, errlen);
	if (rc)
		return rc;
	cfg->trace_path = s->trace_path;
	cfg->scenario_path = s->opts->scenario_name ? s->opts->scenario_name : s->opts->scenario;
	cfg->scenario_hash = hash;
	cfg->options = s->options;
	rc = sim_world_create(cfg, &s->w, err, errlen);
	if (rc) {
		s->w = NULL;
		return rc;
	}
	harness_report(s->report_fd, "seed", "%" PRIu64, cfg->seed);
	harness_report(s->report_fd, "trace", "%s", s->trace_path);
	/* One "log" kind for the scenario's log() and io-pkt's (model/klog.c: drivers'
	 * log()): same name, so the same signature, level first. */
	s->kind_log = sim_trace_kind(s->w, "log", "is");
	s->kind_expect_fail = sim_trace_kind(s->w, "expect_fail", "s");
	s->kind_lua_error = sim_trace_kind(s->w, "lua_error", "s");
	harness_include_world(s);
	return 0;
}

/* The world, created with defaults if the script has not called system{} yet; raises a
 * Lua error if it cannot be created. */
sim_world *harness_world(lua_State *L)
{
	struct harness_scn *s = harness_scn_of(L);
	struct sim_config cfg;
	char err[512];
	if (s->w)
		return s->w;
	sim_config_defaults(&cfg);
	if (harness_world_create(s, &cfg, err, sizeof(err)))
		luaL_error(L, "cannot create the system: %s", err);
	s->world_implicit = 1;
	return s->w;
}

/* ------------------------------------------------------ failures, errors */

/* A failed expectation: message kept for the verdict, traced, the run asked to stop. */
void harness_fail(struct harness_scn *s, const char *msg)
{
	s->nfailed++;
	msgs_add(s, msg);
	if (!s->w)
		return;
	sim_emit(s->w, s->kind_expect_fail, msg);
	if (s->phase == HP_RUN)
		sim_world_stop(s->w, msg);
}

/* A Lua error: the first message is kept for the verdict; traced; the run stops. */
void harness_input_error(struct harness_scn *s, const char *msg)
{
	char first[SIM_TRACE_MAX_STR + 1];
	if (!s->input_error)
		msgs_add(s, msg);
	s->input_error = 1;
	if (!s->w)
		return;
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(msg, "\n"), msg);
	sim_emit(s->w, s->kind_lua_error, first);
	if (s->phase == HP_RUN)
		sim_world_stop(s->w, first);
}

/* ----------------------------------------------------- protected calls */

/* Message handler: keep an abort as it is, give anything else a traceback. */
static int msgh(lua_State *L)
{
	const char *msg;
	if (harness_is_abort(L, 1))
		return 1;
	msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* Protected call of the function below nargs arguments on co, with a traceback; errors
 * are recorded. Pops function and arguments. 0 if it returned, -1 if it raised. */
int harness_pcall(struct harness_scn *s, lua_State *co, int nargs)
{
	int base = lua_gettop(co) - nargs, rc;
	lua_pushcfunction(co, msgh);
	lua_insert(co, base);
	rc = lua_pcall(co, nargs, 0, base);
	s->aborting = 0; /* an abort ends here, at the outermost call */
	if (rc == LUA_OK) {
		lua_remove(co, base);
		return 0;
	}
	if (!harness_is_abort(co, -1)) {
		const char *m = lua_tostring(co, -1);
		harness_input_error(s, m ? m : "(error without a message)");
	} else if (!s->nfailed && !s->input_error) {
		harness_input_error(s, "the scenario was aborted without a recorded reason");
	}
	lua_pop(co, 2);
	return -1;
}

/* A new Lua thread with the instruction hook, anchored in the registry under *ref.
 * Uses the main state, which is idle whenever this is called (kernel context). */
lua_State *harness_thread_new(struct harness_scn *s, int *ref)
{
	lua_State *co = lua_newthread(s->L);
	*ref = luaL_ref(s->L, LUA_REGISTRYINDEX);
	harness_sandbox_hook(co);
	return co;
}

/* Drop a thread made by harness_thread_new (or any registry reference). */
void harness_thread_release(struct harness_scn *s, int ref)
{
	luaL_unref(s->L, LUA_REGISTRYINDEX, ref);
}

/* ------------------------------------------------------------- the run */

static int open_all(lua_State *L)
{
	harness_sandbox_open(L);
	harness_lua_sim_open(L);
	harness_lua_sync_open(L);
	harness_lua_model_open(L);
	harness_lua_expect_open(L);
	harness_include_open(L);
	return 0;
}

/*
 * Load the scenario file as a text chunk named after the scenario as it was recorded
 * (replay --scenario reads another copy of the same file: its messages must still name
 * file:line as the recording did). Pushes the chunk or an error message; Lua's status.
 */
static int load_scenario(lua_State *L, const struct harness_opts *o)
{
	const char *name = o->scenario_name ? o->scenario_name : o->scenario;
	luaL_Buffer b;
	char chunk[4096];
	size_t n;
	FILE *f;
	int rc;
	if (!o->scenario_name)
		return luaL_loadfilex(L, o->scenario, "t");
	f = fopen(o->scenario, "rb");
	if (!f) {
		lua_pushfstring(L, "cannot open %s: %s", o->scenario, strerror(errno));
		return LUA_ERRFILE;
	}
	luaL_buffinit(L, &b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		luaL_addlstring(&b, chunk, n);
	rc = ferror(f);
	fclose(f);
	if (rc) {
		lua_pushfstring(L, "cannot read %s", o->scenario);
		return LUA_ERRFILE;
	}
	luaL_pushresult(&b);
	lua_pushfstring(L, "@%s", name);
	rc = luaL_loadbufferx(L, lua_tostring(L, -2), lua_rawlen(L, -2), lua_tostring(L, -1), "t");
	lua_replace(L, -3); /* the chunk (or error) where the text was */
	lua_pop(L, 1);      /* the name */
	return rc;
}

/* Load the scenario and run its setup phase. Returns 0 if the run may start. */
static int setup(struct harness_scn *s)
{
	lua_State *L = s->L;
	int rc;
	lua_pushcfunction(L, open_all);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		harness_input_error(s, lua_tostring(L, -1));
		s->internal_error = 1;
		return -1;
	}
	rc = load_scenario(L, s->opts);
	if (rc != LUA_OK) {
		harness_input_error(s, lua_tostring(L, -1));
		return -1;
	}
	if (harness_pcall(s, L, 0))
		return -1;
	if (s->nfailed)
		return -1;
	if (!s->w) { /* no system{} call: an empty default system still runs */
		struct sim_config cfg;
		char err[512];
		sim_config_defaults(&cfg);
		if (harness_world_create(s, &cfg, err, sizeof(err))) {
			harness_input_error(s, err);
			return -1;
		}
		s->world_implicit = 1;
	}
	return 0;
}

static int run_ends_in_failure(enum sim_end end)
{
	return end == SIM_END_DEADLOCK || end == SIM_END_STALL || end == SIM_END_TIME_LIMIT ||
	       end == SIM_END_STOPPED;
}

/* Close the trace (footer written: nothing more may be emitted); a write error, such as
 * a full disk, is an internal error of this run. */
static void trace_close(struct harness_scn *s)
{
	char err[512], msg[PATH_MAX + 600];
	if (!s->w || sim_world_close_trace(s->w, err, sizeof(err)) == 0)
		return;
	snprintf(msg, sizeof(msg), "internal error: cannot write the trace %s: %s", s->trace_path,
	         err);
	msgs_add(s, msg);
	s->internal_error = 1;
}

/* Decide and report the verdict; returns the exit code. */
static int verdict(struct harness_scn *s, enum sim_end end)
{
	const char *status;
	int code;
	trace_close(s);
	if (s->internal_error) {
		status = "internal";
		code = HX_INTERNAL;
	} else if (s->input_error) {
		status = "error";
		code = HX_USAGE;
	} else if (s->nfailed || run_ends_in_failure(end)) {
		status = "fail";
		code = HX_FAIL;
	} else {
		status = "pass";
		code = HX_OK;
	}
	/* the end message says why the run stopped, unless a message here says it already
	 * (a failed expectation stops the run with its own message; a rule breach of the
	 * model stops it with one the scenario's messages do not hold, even when at_end
	 * expectations failed afterwards) */
	const char *why = s->w ? sim_world_end_message(s->w) : "";
	if (code == HX_FAIL && s->nfailed && why[0] && !strstr(s->msgs, why))
		harness_report_msg(s->report_fd, why);
	if (code == HX_FAIL && !s->nfailed) {
		char where[4096];
		if (why[0])
			harness_report_msg(s->report_fd, why);
		else
			harness_report(s->report_fd, "msg", "the run ended: %s", sim_end_name(end));
		harness_lua_sim_where(s, where, sizeof(where));
		if (where[0]) {
			harness_report(s->report_fd, "msg", "where the scenario's threads are:");
			harness_report_msg(s->report_fd, where);
		}
	}
	harness_report_msg(s->report_fd, s->msgs);
	if (s->w) {
		harness_report(s->report_fd, "end", "%s", sim_end_name(end));
		harness_report(s->report_fd, "vtime", "%" PRId64, sim_now(s->w));
		harness_report(s->report_fd, "events", "%" PRIu64, sim_world_events(s->w));
		harness_report(s->report_fd, "digest", "%016" PRIx64, sim_world_digest(s->w));
	}
	harness_report(s->report_fd, "status", "%s", status);
	return code;
}

/* A scenario's Lua state may hold at most opts->max_memory bytes: an allocation bomb
 * becomes Lua's "not enough memory" error (an input error), not a crash. */
static void *lua_alloc_capped(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct harness_scn *s = ud;
	size_t old = ptr ? osize : 0;
	void *p;
	if (nsize == 0) {
		free(ptr);
		s->lua_mem -= old;
		return NULL;
	}
	if (nsize > old && s->lua_mem + (nsize - old) > s->opts->max_memory)
		return NULL;
	p = realloc(ptr, nsize);
	if (p)
		s->lua_mem = s->lua_mem - old + nsize;
	return p;
}

static int lua_panic_report(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "pktsim: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
	return 0; /* Lua aborts */
}

/* Child entry point: run the scenario, report to the parent, return the exit code. */
int harness_scenario_main(const struct harness_opts *o, int report_fd)
{
	struct harness_scn s;
	enum sim_end end = SIM_END_NONE;
	int code;
	memset(&s, 0, sizeof(s));
	s.opts = o;
	s.report_fd = report_fd;
	harness_opts_format(o, s.options, sizeof(s.options));
	setvbuf(stdout, NULL, _IOLBF, 0); /* print() output reaches the terminal as it happens */
	s.L = lua_newstate(lua_alloc_capped, &s);
	if (s.L)
		lua_atpanic(s.L, lua_panic_report);
	if (!s.L) {
		harness_report(report_fd, "msg", "internal error: cannot create a Lua state");
		harness_report(report_fd, "status", "internal");
		return HX_INTERNAL;
	}
	*(struct harness_scn **)lua_getextraspace(s.L) = &s;
	harness_sandbox_hook(s.L);
	if (setup(&s) == 0) {
		s.phase = HP_RUN;
		end = sim_world_run(s.w);
		s.phase = HP_END;
		if (!s.input_error && !s.internal_error)
			harness_lua_sim_at_end(&s, end);
		if (s.iopkt_created)
			harness_latency_end(&s);
	}
	s.phase = HP_END;
	code = verdict(&s, end);
	if (o->coverage)
		model_drivers_unmap(); /* gcov writes a driver's counters at its dlclose: before
		                        * the world (and the model's list of DLLs) goes */
	if (s.w)
		sim_world_destroy(s.w);
	/* The Lua state is not closed: simulated threads that were still blocked when the
	 * run ended sit in the middle of C calls on stacks SimGrid has discarded. */
	return code;
}
