/*
 * model/intr.c — interrupt entries (struct _iopkt_inter): registering them with a
 * worker, queueing their work (interrupt_queue), removing them.
 *
 * Entries live in driver memory; the model keeps a table of the registered ones (by id)
 * so that an entry's own event (a pulse carrying its id) can find it, and so that an
 * unregistered entry handed to interrupt_queue is recognised rather than followed.
 */
#include "core_int.h"

#include <errno.h>

static struct {
	struct _iopkt_inter **tab;  /* tab[id - 1]; NULL once removed */
	int n, cap;
	int rr;                     /* round-robin over the workers */
} E;

struct _iopkt_inter *model_intr_by_id(int id)
{
	return id >= 1 && id <= E.n ? E.tab[id - 1] : NULL;
}

static int registered(const struct _iopkt_inter *ent)
{
	return ent && ent->magic == MODEL_MAGIC_INTER && model_intr_by_id(ent->id) == ent;
}

static int table_add(struct _iopkt_inter *ent)
{
	if (E.n == E.cap) {
		int cap = E.cap ? 2 * E.cap : 16;
		struct _iopkt_inter **t = sim_alloc(model_core.w, (size_t)cap * sizeof(*t));
		for (int i = 0; i < E.n; i++)
			t[i] = E.tab[i];
		sim_free(model_core.w, E.tab, (size_t)E.cap * sizeof(*t));
		E.tab = t;
		E.cap = cap;
	}
	E.tab[E.n++] = ent;
	return E.n;
}

/*
 * Stack context only (EPERM); an entry already registered is refused (EBUSY). func and
 * enable may be filled in later: they are looked at when the work runs (a NULL one is
 * then reported). The entry goes to the workers in turn; no worker is ever added.
 */
int interrupt_entry_init(struct _iopkt_inter *ient, int flags, struct sigevent **evp, int prio)
{
	struct model_worker *wk;
	if (!model_in_stack())
		return EPERM;
	if (!ient)
		return EINVAL;
	if (registered(ient))
		return EBUSY;
	if (model_call_should_fail("interrupt_entry_init"))
		return EAGAIN;
	wk = model_core.workers[E.rr++ % model_core.nworkers];
	ient->next = NULL;
	ient->on_list = 0;
	ient->spurrious = 0;
	ient->tidx = wk->index;
	ient->prio = prio;
	ient->magic = MODEL_MAGIC_INTER;
	ient->id = table_add(ient);
	SIGEV_PULSE_INIT(&ient->ev, wk->coid, prio, MODEL_PULSE_INTR, ient->id);
	if (evp)
		*evp = &ient->ev;
	return EOK;
}

/* Stack context only (EPERM); EINVAL for an entry not registered. Quiesces so that no
 * worker is inside ient->func while it goes. */
int interrupt_entry_remove(struct _iopkt_inter *ient, struct sigevent *evp)
{
	if (!model_in_stack())
		return EPERM;
	if (!registered(ient))
		return EINVAL;
	quiesce_all();
	model_worker_unlink(ient);
	E.tab[ient->id - 1] = NULL;
	ient->magic = 0;
	unquiesce_all();
	return EOK;
}

const struct sigevent *model_intr_queue(struct _iopkt_inter *ent, const char *from)
{
	struct model_worker *wk;
	const struct sigevent *ev = NULL;
	const char *result;
	int was_empty;
	if (!registered(ent)) {
		model_breach("interrupt_queue-unregistered",
		             "interrupt_queue on an interrupt entry that is not registered "
		             "(interrupt_entry_init it first; not after interrupt_entry_remove)");
		return NULL;
	}
	wk = model_core.workers[ent->tidx];
	if (ent->on_list) {
		ent->spurrious++;
		result = "spurious";
	} else {
		was_empty = wk->intr_head == NULL;
		model_worker_append(wk, ent);
		ev = wk->idle && was_empty ? &wk->event : NULL;
		result = ev ? "event" : "queued";
	}
	sim_emit(model_core.w, model_core.k.intr_queue, (int64_t)ent->id, (int64_t)wk->index,
	         result, from);
	return ev;
}

const struct sigevent *interrupt_queue(struct _iopkt_self *iopkt, struct _iopkt_inter *ient)
{
	return model_intr_queue(ient, "interrupt_queue");
}

void model_intr_trace_process(struct _iopkt_inter *ent, int rc)
{
	char fn[96];
	sim_emit(model_core.w, model_core.k.intr_process, (int64_t)ent->id,
	         model_fn_name((const void *)ent->func, fn, sizeof(fn)), (int64_t)rc);
}

int model_intr_leftovers(const struct model_ranges *r, char *buf, size_t n)
{
	char fn[96];
	int count = 0;
	for (int i = 0; i < E.n; i++) {
		struct _iopkt_inter *ent = E.tab[i];
		if (!ent || (!model_in_ranges(ent, r) &&
		             !model_in_ranges((const void *)ent->func, r)))
			continue;
		model_core_append(buf, n, "interrupt entry %d (%s) still registered", ent->id,
		                  model_fn_name((const void *)ent->func, fn, sizeof(fn)));
		count++;
	}
	return count;
}
