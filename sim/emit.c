/*
 * sim/emit.c — trace kinds and record emission: every observable event goes through
 * sim_emit, which stamps it with (virtual time, thread, CPU) and hands it with its
 * arguments to the trace writer (which numbers it, encodes it in place and keeps the
 * running digest).
 */
#include "kernel_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int sim_trace_kind(sim_world *w, const char *name, const char *sig)
{
	struct sim_kind *k;
	for (int i = 0; i < w->nkinds; i++) {
		if (strcmp(w->kinds[i].name, name))
			continue;
		if (strcmp(w->kinds[i].sig, sig)) {
			/* two layers mean different records by one name: every reader would
			 * decode one of them wrongly */
			fprintf(stderr, "pktsim: bug: trace kind \"%s\" registered as \"%s\" and "
			        "again as \"%s\"\n", name, w->kinds[i].sig, sig);
			abort();
		}
		return i;
	}
	if (w->nkinds == SIM_MAX_KINDS || strlen(sig) > SIM_TRACE_MAX_ARGS ||
	    strspn(sig, "is") != strlen(sig)) {
		fprintf(stderr, "pktsim: bug: cannot register trace kind \"%s\" (sig \"%s\")\n", name,
		        sig);
		abort();
	}
	k = &w->kinds[w->nkinds];
	snprintf(k->name, sizeof(k->name), "%s", name);
	snprintf(k->sig, sizeof(k->sig), "%s", sig);
	if (w->trace)
		sim_trace_writer_kind(w->trace, (uint16_t)w->nkinds, k->name, k->sig);
	return w->nkinds++;
}

/*
 * Emit a record of kind (see sim.h): stamped with the current time, thread and CPU, and
 * encoded by the writer straight from the arguments, following the kind's signature (its
 * NUL ends the arguments: no length to compute). No-op without a trace or for a kind that
 * is not registered.
 */
void sim_emit(sim_world *w, int kind, ...)
{
	const sim_thread *cur = w->current;
	va_list ap;

	if (!w->trace || kind < 0 || kind >= w->nkinds)
		return;
	va_start(ap, kind);
	sim_trace_writer_emitv(w->trace, w->now, cur ? (uint32_t)cur->id : 0,
			       cur ? (uint16_t)cur->cpu : SIM_CPU_NONE, (uint16_t)kind,
			       w->kinds[kind].sig, ap);
	va_end(ap);
}

void sim_register_kinds(sim_world *w)
{
	struct sim_kinds *k = &w->k;
	k->thread_create = sim_trace_kind(w, "thread_create", "isi");
	k->thread_exit = sim_trace_kind(w, "thread_exit", "i");
	k->thread_name = sim_trace_kind(w, "thread_name", "is");
	k->block = sim_trace_kind(w, "block", "is");
	k->sleep = sim_trace_kind(w, "sleep", "i");
	k->spend = sim_trace_kind(w, "spend", "ii");
	k->wake = sim_trace_kind(w, "wake", "ii");
	k->timeout = sim_trace_kind(w, "timeout", "ii");
	k->timer_arm = sim_trace_kind(w, "timer_arm", "isi");
	k->timer_fire = sim_trace_kind(w, "timer_fire", "is");
	k->timer_cancel = sim_trace_kind(w, "timer_cancel", "is");
	k->rng_stream = sim_trace_kind(w, "rng_stream", "is");
	k->rng = sim_trace_kind(w, "rng", "ii");
	k->stall = sim_trace_kind(w, "stall", "s");
	k->deadlock = sim_trace_kind(w, "deadlock", "s");
	k->stop = sim_trace_kind(w, "stop", "s");
	k->run_end = sim_trace_kind(w, "run_end", "s");
}
