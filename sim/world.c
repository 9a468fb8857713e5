/*
 * sim/world.c — the one world of a process: configuration, SimGrid start-up with a
 * platform built from the configuration, the run, the end of the run, memory.
 */
#define _GNU_SOURCE
#include "kernel_int.h"

#include <errno.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int simgrid_started; /* SimGrid can be initialised once per process */

void sim_config_defaults(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ncpus = 1;
	cfg->cpu_hz = 1e9;
	cfg->seed = 1;
}

const char *sim_end_name(enum sim_end e)
{
	switch (e) {
	case SIM_END_NONE: return "none";
	case SIM_END_DONE: return "done";
	case SIM_END_IDLE: return "idle";
	case SIM_END_STOPPED: return "stopped";
	case SIM_END_DEADLOCK: return "deadlock";
	case SIM_END_STALL: return "stall";
	case SIM_END_TIME_LIMIT: return "time-limit";
	}
	return "?";
}

/*
 * Write the platform (one host per CPU, nothing else: CPUs talk through memory, which the
 * kernel models) to an anonymous memory file and load it. No file on disk is involved.
 */
static int platform_load(const struct sim_config *cfg, char *err, size_t errlen)
{
	char path[64];
	int fd = memfd_create("pktsim-platform", 0);
	FILE *f;
	if (fd < 0) {
		sim_errf(err, errlen, "memfd_create: %s", strerror(errno));
		return -errno;
	}
	f = fdopen(dup(fd), "w");
	if (!f) {
		close(fd);
		sim_errf(err, errlen, "fdopen: %s", strerror(errno));
		return -EIO;
	}
	fprintf(f, "<?xml version='1.0'?>\n"
	           "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
	           "<platform version=\"4.1\">\n<zone id=\"pktsim\" routing=\"Full\">\n");
	for (int i = 0; i < cfg->ncpus; i++)
		fprintf(f, "<host id=\"cpu%d\" speed=\"%.0ff\"/>\n", i, cfg->cpu_hz);
	fprintf(f, "</zone>\n</platform>\n");
	fclose(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	simgrid_load_platform(path);
	close(fd);
	return 0;
}

static int simgrid_start(const struct sim_config *cfg, char *err, size_t errlen)
{
	static char *argv[] = { "pktsim", "--cfg=contexts/factory:raw",
	                        "--log=root.thres:warning", "--log=xbt_cfg.thres:warning", NULL };
	int argc = 4;
	if (simgrid_started) {
		sim_errf(err, errlen, "a world was already created in this process (SimGrid runs once)");
		return -EALREADY;
	}
	simgrid_started = 1;
	simgrid_init(&argc, argv);
	return platform_load(cfg, err, errlen);
}

static int config_check(const struct sim_config *cfg, char *err, size_t errlen)
{
	if (cfg->ncpus < 1 || cfg->ncpus > SIM_MAX_CPUS) {
		sim_errf(err, errlen, "cpus must be 1..%d (got %d)", SIM_MAX_CPUS, cfg->ncpus);
		return -EINVAL;
	}
	if (!(cfg->cpu_hz > 0)) {
		sim_errf(err, errlen, "cpu_hz must be positive");
		return -EINVAL;
	}
	if (cfg->stall_limit < 0 || cfg->time_limit < 0) {
		sim_errf(err, errlen, "stall_limit and time_limit must not be negative");
		return -EINVAL;
	}
	return 0;
}

static void header_fill(struct sim_trace_header *h, const struct sim_config *cfg)
{
	memset(h, 0, sizeof(*h));
	h->format = SIM_TRACE_FORMAT;
	snprintf(h->pktsim_version, sizeof(h->pktsim_version), "%s", PKTSIM_VERSION);
	snprintf(h->scenario_path, sizeof(h->scenario_path), "%s",
	         cfg->scenario_path ? cfg->scenario_path : "");
	h->scenario_hash = cfg->scenario_hash;
	h->seed = cfg->seed;
	snprintf(h->options, sizeof(h->options), "%s", cfg->options ? cfg->options : "");
}

int sim_world_create(const struct sim_config *cfg, sim_world **out, char *err, size_t errlen)
{
	struct sim_trace_header h;
	sim_world *w;
	int rc = config_check(cfg, err, errlen);
	if (rc)
		return rc;
	header_fill(&h, cfg);
	w = calloc(1, sizeof(*w));
	if (!w) {
		sim_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->cfg = *cfg;
	w->cfg.trace_path = NULL; /* the caller's strings are not kept */
	w->cfg.scenario_path = NULL;
	w->cfg.options = NULL;
	w->trace = sim_trace_writer_open(cfg->trace_path, &h, err, errlen);
	if (!w->trace) {
		free(w);
		return -EIO;
	}
	rc = simgrid_start(cfg, err, errlen);
	if (rc) {
		sim_trace_writer_close(w->trace, NULL, 0);
		free(w);
		return rc;
	}
	for (int i = 0; i < cfg->ncpus; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu%d", i);
		w->hosts[i] = sg_host_by_name(name);
	}
	w->main_sem = sg_sem_init(0);
	sim_register_kinds(w);
	*out = w;
	return 0;
}

/* The kernel's own actor: starts the first thread, then waits for the end of the run. */
static void main_actor(int argc, char **argv)
{
	sim_world *w = sg_actor_self_get_data();
	sim_sched_leave(w);
	sg_sem_acquire(w->main_sem);
}

enum sim_end sim_world_run(sim_world *w)
{
	sg_actor_t a;
	if (w->ran)
		return w->end;
	w->ran = 1;
	a = sg_actor_init("pktsim-kernel", w->hosts[0]);
	sg_actor_set_data(a, w);
	sg_actor_start(a, main_actor, 0, NULL);
	simgrid_run();
	if (w->end == SIM_END_NONE)
		w->end = SIM_END_IDLE;
	return w->end;
}

/* End the run (first reason wins): record it and let the dispatcher stop. */
void sim_world_end(sim_world *w, enum sim_end why, const char *msg)
{
	if (w->ending)
		return;
	w->ending = 1;
	w->end = why;
	if (msg && !w->end_msg[0])
		snprintf(w->end_msg, sizeof(w->end_msg), "%s", msg);
	sim_emit(w, w->k.run_end, sim_end_name(why));
}

void sim_world_stop(sim_world *w, const char *why)
{
	if (w->stop_requested || w->ending)
		return;
	w->stop_requested = 1;
	if (why && !w->end_msg[0])
		snprintf(w->end_msg, sizeof(w->end_msg), "%s", why);
	sim_emit(w, w->k.stop, why ? why : "");
}

const char *sim_world_end_message(const sim_world *w)
{
	return w->end_msg;
}

void sim_world_destroy(sim_world *w)
{
	if (!w)
		return;
	sim_world_close_trace(w, NULL, 0);
	/* Threads' actors were killed by SimGrid at the end of the run; their records and
	 * the timers still owned by callers are released with the process. */
	free(w->heap);
	while (w->rngs) {
		sim_rng *r = w->rngs;
		w->rngs = r->next;
		free(r);
	}
	free(w);
}

/* Close the trace now (so a caller can read it back before destroying the world).
 * Returns 0 or the writer's first error. */
int sim_world_close_trace(sim_world *w, char *err, size_t errlen)
{
	int rc = 0;
	if (w->trace) {
		w->final_digest = sim_trace_writer_digest(w->trace);
		w->final_events = sim_trace_writer_events(w->trace);
		rc = sim_trace_writer_close(w->trace, err, errlen);
	}
	w->trace = NULL;
	return rc;
}

sim_ns sim_now(const sim_world *w) { return w->now; }
int sim_world_ncpus(const sim_world *w) { return w->cfg.ncpus; }
uint64_t sim_world_seed(const sim_world *w) { return w->cfg.seed; }

uint64_t sim_world_digest(const sim_world *w)
{
	return w->trace ? sim_trace_writer_digest(w->trace) : w->final_digest;
}

uint64_t sim_world_events(const sim_world *w)
{
	return w->trace ? sim_trace_writer_events(w->trace) : w->final_events;
}

void *sim_alloc(sim_world *w, size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fprintf(stderr, "pktsim: out of memory allocating %zu bytes\n", n);
		abort();
	}
	w->mem_in_use += n;
	return p;
}

void sim_free(sim_world *w, void *p, size_t n)
{
	if (!p)
		return;
	w->mem_in_use -= n;
	free(p);
}

size_t sim_mem_in_use(const sim_world *w) { return w->mem_in_use; }
