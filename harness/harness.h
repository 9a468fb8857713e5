/*
 * harness/harness.h — the pktsim command: what its files share.
 *
 * Process model: the parent process (main.c, run.c, replay.c, child.c) parses the
 * command line, forks one child per scenario and prints verdicts; it never initialises
 * SimGrid. The child (scenario.c, sandbox.c, lua_*.c) creates the Lua state and the one
 * sim world of its process, runs the scenario and reports back through a pipe with a
 * few key=value lines (report.c), then exits.
 *
 * Errors are negative errnos inside; the exit codes below exist only at the command
 * boundary (main, the end of a child).
 */
#ifndef PKTSIM_HARNESS_H
#define PKTSIM_HARNESS_H

#include "sim.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lua_State;
struct luaL_Reg;

/* Exit codes of the command (and of a scenario child); documented in --help. */
enum harness_exit {
	HX_OK = 0,       /* every scenario passed / replay identical */
	HX_FAIL = 1,     /* a scenario failed: expectation, deadlock, stall, time limit */
	HX_USAGE = 2,    /* usage or input error: option, file, Lua error, corrupt trace */
	HX_DIFFERS = 3,  /* the replay differs from the recording */
	HX_CRASH = 4,    /* a scenario process died by a signal */
	HX_INTERNAL = 5, /* internal error */
};

#define HARNESS_DEFAULT_OUT "pktsim-out"
#define HARNESS_DEFAULT_MAX_INSTRUCTIONS 200000000ULL
#define HARNESS_DEFAULT_MAX_MEMORY (1ULL << 30)
#define HARNESS_HOOK_STEP 1000 /* the instruction hook runs every this many instructions */
#define HARNESS_DEFAULT_DRIVER "sam" /* the driver under test unless --driver says otherwise */
#define HARNESS_OPT_PATH_MAX 400     /* --driver/--driver-dir: recorded in the trace header */
#define HARNESS_PARAMS_MAX 16        /* -D NAME=VALUE parameters of one run */
#define HARNESS_INCLUDES_MAX 16      /* files one scenario may include() */
#define HARNESS_PARAM_NAME_MAX 32
#define HARNESS_PARAM_VALUE_MAX 64

/* ------------------------------------------------------------ options (options.c) */

/* How to run one scenario: copied into its child by fork. Strings are borrowed. */
struct harness_opts {
	const char *scenario;      /* path as given: also the Lua chunk name and trace header */
	const char *scenario_name; /* replay --scenario: the name the recording used, for the
	                            * chunk name and header (NULL: scenario) */
	int seed_set;              /* 1: seed overrides system{seed=...} */
	uint64_t seed;
	const char *trace_path;    /* the trace file, or NULL: <out_dir>/traces/<name>.seed<N>.trace */
	const char *out_dir;
	uint64_t max_instructions; /* Lua instruction limit over all Lua threads */
	uint64_t max_memory;       /* bytes the scenario's Lua state may hold */
	const char *driver;        /* --driver: NAME (devnp-NAME.so) or a path; NULL: "sam" */
	const char *driver_dir;    /* --driver-dir: where devnp-*.so are looked up; NULL: the
	                            * build's drivers folder (PKTSIM_DRIVER_DIR) */
	char driver_buf[HARNESS_OPT_PATH_MAX + 1];     /* storage when parsed from a trace */
	char driver_dir_buf[HARNESS_OPT_PATH_MAX + 1];
	int quiet;                 /* --quiet: the child prints no report of its own */
	int latency;               /* --latency: print the latency report of every run */
	int nparams;               /* -D NAME=VALUE: scenario parameters, read by param() */
	char param_name[HARNESS_PARAMS_MAX][HARNESS_PARAM_NAME_MAX + 1];
	char param_value[HARNESS_PARAMS_MAX][HARNESS_PARAM_VALUE_MAX + 1];
	int coverage;              /* --coverage: unmap the drivers at the end so that gcov
	                            * writes their counters (not recorded: it changes no run) */
};

void harness_opts_defaults(struct harness_opts *o);

/* Parse a decimal unsigned integer (digits only, no sign, no overflow). 0 or -EINVAL. */
int harness_parse_u64(const char *s, uint64_t *out);

/*
 * The options that change what a run does, as the "key=value ..." words stored in the
 * trace header (sim_config.options). Writes at most n bytes into buf; returns buf.
 */
const char *harness_opts_format(const struct harness_opts *o, char *buf, size_t n);

/* Parse words written by harness_opts_format back into o. On failure returns -EINVAL
 * with the reason in err and leaves o partly updated. */
int harness_opts_parse(const char *text, struct harness_opts *o, char *err, size_t errlen);

/*
 * Add (or replace) the scenario parameter given as "NAME=VALUE" (-D): NAME is a Lua
 * identifier of at most HARNESS_PARAM_NAME_MAX bytes, VALUE at most
 * HARNESS_PARAM_VALUE_MAX. 0, or -EINVAL with the reason in err (o unchanged).
 */
int harness_opts_param_add(struct harness_opts *o, const char *nv, char *err, size_t errlen);

/* The value of parameter name, or NULL if -D did not give it. */
const char *harness_opts_param(const struct harness_opts *o, const char *name);

/*
 * The time-free id of a run in trace names: the driver's short name ("sam" for
 * devnp-sam.so or a path to it) and the first 8 hex digits of H(options), options being
 * harness_opts_format's text. Writes into buf (n >= 40); returns buf.
 */
const char *harness_run_id(const struct harness_opts *o, const char *options, char *buf,
                           size_t n);

/* mkdir -p. Returns 0 or a negative errno with the reason in err. */
int harness_mkdirs(const char *path, char *err, size_t errlen);

/* ------------------------------------------------------ outcome (report.c) */

enum harness_status { HS_NONE = 0, HS_PASS, HS_FAIL, HS_ERROR, HS_CRASH, HS_INTERNAL };

#define HARNESS_MSG_MAX 16384

/* What the parent learnt about one scenario child. */
struct harness_outcome {
	enum harness_status status;
	int code;                  /* the HX_ code of this scenario */
	int signal;                /* HS_CRASH: the signal */
	char trace[PATH_MAX];      /* "" if the child never opened one */
	int have_stats;
	uint64_t seed;
	sim_ns vtime;
	uint64_t events, digest;
	char end[32];              /* sim_end_name of the run, "" if it never ran */
	char msgs[HARNESS_MSG_MAX];/* message lines, '\n'-terminated each */
	double wall;               /* seconds, measured by the parent */
};

/* Child side: write one "key=value\n" line to fd (the value's newlines become spaces). */
void harness_report(int fd, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Child side: write text as "msg=" lines, one per line of text. */
void harness_report_msg(int fd, const char *text);

/* Parent side: fold the report text (len bytes) into out. Unknown keys are ignored. */
void harness_report_parse(const char *text, size_t len, struct harness_outcome *out);

/* Append one message line (or several, '\n'-separated) to out->msgs, truncating. */
void harness_outcome_msg(struct harness_outcome *out, const char *text);

/*
 * Print the verdict of one scenario to f: "PASS name  vtime=... wall=...", then the
 * messages indented, then (hints != 0) the trace path and the replay command.
 */
void harness_outcome_print(FILE *f, const char *name, const struct harness_outcome *o,
                           int hints);

/* Quote a path for a shell command line if it needs it; returns buf. */
const char *harness_shell_quote(const char *s, char *buf, size_t n);

/* ----------------------------------------------------- the child (child.c) */

/*
 * Run one scenario in a forked child and wait for it. Fills out (status, code, stats,
 * messages, wall time). Returns 0, or a negative errno if no child could be started
 * (out then holds an internal-error message).
 */
int harness_child_run(const struct harness_opts *o, struct harness_outcome *out);

/* ------------------------------------------- inside the child (scenario.c) */

enum harness_phase { HP_SETUP = 0, HP_RUN, HP_END };

/*
 * The child's state: one per process, because a child runs one scenario and SimGrid one
 * world. Lua bindings find it through the Lua state's extra space (harness_scn_of), sim
 * callbacks through their argument; nothing reaches it through a global variable.
 */
struct harness_scn {
	const struct harness_opts *opts;
	struct lua_State *L;       /* the main Lua state */
	sim_world *w;              /* NULL until system{} or first use */
	int world_implicit;        /* 1: created with defaults because the script needed one */
	enum harness_phase phase;
	int report_fd;
	size_t lua_mem;              /* bytes the Lua state holds (capped) */
	char trace_path[PATH_MAX];
	char options[1024];        /* harness_opts_format: the trace header's options field */
	uint64_t instructions;     /* Lua instructions run so far (in HARNESS_HOOK_STEP steps) */
	int nfailed;               /* expectations failed */
	int input_error;           /* a Lua error: the scenario is broken, not failed */
	int internal_error;
	char msgs[HARNESS_MSG_MAX];/* failure and error messages, '\n'-separated */
	int kind_log, kind_expect_fail, kind_lua_error;
	int64_t next_object_id;    /* deterministic ids for tostring of tables, functions */
	int max_thread_id;         /* largest id of a thread spawned from Lua */
	int aborting;              /* harness_abort raised, not yet back at harness_pcall */
	int iopkt_created;         /* sys:iopkt{} has created the io-pkt model */
	int latency_report;        /* io:latency{}: print the latency report at the end */
	int ninc;                  /* files include() loaded (include.c) */
	char inc_path[HARNESS_INCLUDES_MAX][256];
	uint64_t inc_hash[HARNESS_INCLUDES_MAX];
	int kind_include;          /* trace kind "include", 0 until the first */
};

/*
 * Child entry point: run the scenario o->scenario to its verdict, reporting on report_fd.
 * Returns the child's exit code (HX_OK, HX_FAIL, HX_USAGE or HX_INTERNAL).
 */
int harness_scenario_main(const struct harness_opts *o, int report_fd);

struct harness_scn *harness_scn_of(struct lua_State *L);

/*
 * The world, created with defaults (seed: the --seed override or 1) if the script has not
 * called system{}. Raises a Lua error if it cannot be created. Lua context only.
 */
sim_world *harness_world(struct lua_State *L);

/* Create the world from cfg (the --seed override applies). 0, or a negative errno with
 * the reason in err. */
int harness_world_create(struct harness_scn *s, struct sim_config *cfg, char *err,
                         size_t errlen);

/* Record a failed expectation (message complete with file:line and time): traced, and
 * the run is asked to stop. */
void harness_fail(struct harness_scn *s, const char *msg);

/* Record an input error (a Lua error; first one kept first): traced, the run stops. */
void harness_input_error(struct harness_scn *s, const char *msg);

/*
 * Call the function below nargs arguments on Lua thread co, protected, with a traceback
 * for errors. A Lua error is recorded as an input error; an abort (harness_abort) was
 * recorded when it was raised. Returns 0 if the function returned, -1 if it raised.
 */
int harness_pcall(struct harness_scn *s, struct lua_State *co, int nargs);

/* A fresh Lua thread for a callback run from the kernel context: pushed on nothing,
 * anchored in the registry under *ref (release with harness_thread_release). */
struct lua_State *harness_thread_new(struct harness_scn *s, int *ref);
void harness_thread_release(struct harness_scn *s, int ref);

/* ------------------------------------------------------ sandbox (sandbox.c) */

/* Open the allowed libraries and replace what must be deterministic or closed (see
 * docs/scenarios.md). Raises a Lua error on failure (call it protected). */
int harness_sandbox_open(struct lua_State *L);

/* Install the instruction-count hook on a Lua thread. */
void harness_sandbox_hook(struct lua_State *L);

/* Stop the calling Lua code for a reason already recorded (failed expectation,
 * instruction limit): raises a value that the sandbox's pcall and friends re-raise. */
int harness_abort(struct lua_State *L);
int harness_is_abort(struct lua_State *L, int idx);

/* Push the deterministic string form of the value at idx (never an address). */
const char *harness_tostring(struct lua_State *L, int idx);

/* "file:line" of the innermost Lua function on the stack, at or above level. */
void harness_where(struct lua_State *L, int level, char *buf, size_t n);

/* ---------------------------------------------------- bindings (lua_*.c) */

/* lua_sim.c: system{}, sys:spawn/self/at_end, thread handles, sleep, spend, now, fmt. */
int harness_lua_sim_open(struct lua_State *L);
/* Run the at_end callbacks with the result of the run. */
void harness_lua_sim_at_end(struct harness_scn *s, enum sim_end end);
/* Where each unfinished Lua-spawned thread stands ("  thread 2 \"b\": f.lua:7\n"...).
 * After the run only (the threads are not running). */
void harness_lua_sim_where(struct harness_scn *s, char *buf, size_t n);
/* Raise a Lua error unless the caller is a simulated thread of the running world. */
void harness_check_blocking(struct lua_State *L, const char *what);
/* Read a duration argument: integer ns or a string such as "250us". */
sim_ns harness_check_duration(struct lua_State *L, int idx, const char *what);

/* Keep the value at idx alive as long as the world (the kernel points into it). */
void harness_anchor(struct lua_State *L, int idx);
/* Raise a Lua error naming the first (in byte order) key of the table at idx that is not
 * in the NULL-terminated list known; what prefixes the message ("system{}"). */
void harness_check_keys(struct lua_State *L, int idx, const char *what,
                        const char *const *known);
/* Raise a Lua error unless argument 1 is the value system{} returned (method call). */
void harness_check_sys(struct lua_State *L, const char *method);
/* Raise a Lua error if the run is over (at_end): what cannot be done then. */
void harness_check_not_ended(struct lua_State *L, const char *what);
/* Register a userdata class: metatable name, methods (__index), __tostring. */
void harness_lua_class(struct lua_State *L, const char *name, const struct luaL_Reg *methods,
                       int (*tostring)(struct lua_State *L));
/* Add methods to the class of the value system{} returns. */
void harness_lua_sys_methods(struct lua_State *L, const struct luaL_Reg *methods);

/* include.c: the global include(path), Lua code scenarios share (docs/scenarios.md).
 * Lua context, once, before the scenario is loaded. */
int harness_include_open(struct lua_State *L);
/* The world was just created: trace the files included before it. */
void harness_include_world(struct harness_scn *s);
/* 1 if source (a chunk's "@name") is a file include() loaded. */
int harness_include_source(struct lua_State *L, const char *source);

/* lua_sync.c: sys:waitq, sys:mutex, sys:timer, sys:random. */
int harness_lua_sync_open(struct lua_State *L);

/* lua_model.c: sys:iopkt{} and the io-pkt handle (mount, ifconfig, send, info, ...),
 * the global driver(). */
int harness_lua_model_open(struct lua_State *L);
/* The metatable name of the io-pkt handle (lua_model.c's class; lua_nic.c adds to it). */
#define HARNESS_MT_IOPKT "pktsim.iopkt"

/* lua_nic.c: the NIC hardware as methods of the io-pkt handle (io:nic{}, io:wire,
 * io:loopback, io:peer, io:link, io:speed, io:fault, io:nic_stats). Called by
 * harness_lua_model_open once its class exists. */
int harness_lua_nic_open(struct lua_State *L);
/* lua_bridge.c: io-pkt's bridge as methods of the io-pkt handle (io:bridge{},
 * io:bridge_add, io:bridge_del, io:bridge_destroy, io:bridge_stats). Called by
 * harness_lua_model_open once its class exists. */
int harness_lua_bridge_open(struct lua_State *L);
/* The symbolic name of a positive errno ("ENXIO"); "E<n>" for one it does not know. */
const char *harness_errno_name(int e);
/* Lua error unless argument 1 is the io-pkt handle (method: the io: method's name). */
void harness_check_io(struct lua_State *L, const char *method);
/* Push the result of a request: true (rc 0), or nil, the errno's name and err (rc: a
 * negative or positive errno; err "" or NULL: the name again). Returns the count pushed. */
int harness_push_result(struct lua_State *L, int rc, const char *err);
/* io:METHOD(a, b): a request of the model taking two strings (ifconfig, bridge_add, ...),
 * from a scenario thread; its result as harness_push_result pushes it. */
int harness_io_request2(struct lua_State *L, const char *method,
                        int (*fn)(const char *, const char *, char *, size_t));
/* Add methods (a luaL_Reg list) to the io-pkt handle's class. After
 * harness_lua_model_open has made it. */
void harness_io_methods_add(struct lua_State *L, const struct luaL_Reg *methods);

/* lua_latency.c: io:costs{}, io:latency{}, io:probe(), io:latency_stats() (methods of the
 * io-pkt handle). Called by harness_lua_model_open once its class exists. */
int harness_lua_latency_open(struct lua_State *L);
/* Set the costs in the table at idx ({ mbuf_alloc = "100ns", ... }); a Lua error naming
 * what (e.g. "iopkt{}: costs") for an unknown cost or a bad duration. */
void harness_lua_costs_set(struct lua_State *L, int idx, const char *what);
/* latency_out.c: after the run, the latency reports of an io-pkt scenario: JSON and SVG
 * into <out>/latency/, the text on standard output when the scenario asked for it. */
void harness_latency_end(struct harness_scn *s);

/* lua_expect.c: expect, expect_eq, log. */
int harness_lua_expect_open(struct lua_State *L);

/* ---------------------------------------------------------- commands */

int harness_cmd_run(int argc, char **argv);
int harness_cmd_replay(int argc, char **argv);
void harness_run_usage(FILE *f);
void harness_replay_usage(FILE *f);
/* export.c: `pktsim export TRACE --format chrome` and `pktsim report TRACE`. */
int harness_cmd_export(int argc, char **argv);
int harness_cmd_report(int argc, char **argv);
void harness_export_usage(FILE *f);

#endif /* PKTSIM_HARNESS_H */
