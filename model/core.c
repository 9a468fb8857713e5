/*
 * model/core.c — creating the core half of io-pkt: its trace kinds, "io-pkt main", the
 * workers "io-pkt#0xNN", the stack context, and the globals io-pkt's API gives drivers
 * (iopkt_selfp, hz, stk_ctl, the system page).
 */
#include "core_int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

struct model_core model_core;

/* Driver-visible globals (io-pkt's names). */
struct _iopkt_self *iopkt_selfp;
int hz = 119;
struct stk_ctl stk_ctl;
struct qtime_entry pktsim_syspage_qtime;
static struct syspage_entry syspage;
struct syspage_entry *_syspage_ptr;

static void register_kinds(sim_world *w, struct model_core_kinds *k)
{
	k->thread = sim_trace_kind(w, "iopkt_thread", "isss");       /* id kind name creator */
	k->thread_exit = sim_trace_kind(w, "iopkt_thread_exit", "is");
	k->stack_acquire = sim_trace_kind(w, "stack_acquire", "iss"); /* thread name for */
	k->stack_release = sim_trace_kind(w, "stack_release", "is");
	k->request_queue = sim_trace_kind(w, "request_queue", "is");
	k->request_start = sim_trace_kind(w, "request_start", "isi"); /* id name queue_ns */
	k->request_done = sim_trace_kind(w, "request_done", "isiii"); /* rc total_ns held_ns */
	k->callout_arm = sim_trace_kind(w, "callout_arm", "isiii");   /* id fn ticks when moved */
	k->callout_fire = sim_trace_kind(w, "callout_fire", "isi");   /* id fn late_ns */
	k->callout_stop = sim_trace_kind(w, "callout_stop", "ii");    /* id was_pending */
	k->irq_raise = sim_trace_kind(w, "irq_raise", "ii");          /* irq masked */
	k->irq_mask = sim_trace_kind(w, "irq_mask", "iii");           /* irq id level */
	k->isr = sim_trace_kind(w, "isr", "iisi");                    /* irq id fn event */
	k->intr_queue = sim_trace_kind(w, "intr_queue", "iiss");      /* entry worker result from */
	k->intr_process = sim_trace_kind(w, "intr_process", "isi");   /* entry fn rc */
	k->intr_enable = sim_trace_kind(w, "intr_enable", "is");
	k->pulse = sim_trace_kind(w, "pulse", "iiii");                /* coid chid code value */
	k->quiesce_begin = sim_trace_kind(w, "quiesce_begin", "i");   /* nesting */
	k->quiesce_end = sim_trace_kind(w, "quiesce_end", "i");
	k->quiesce_wait = sim_trace_kind(w, "quiesce_wait", "isi");   /* thread name die */
	k->quiesce_block = sim_trace_kind(w, "quiesce_block", "ii");  /* die in_quiesce */
	k->thread_reap = sim_trace_kind(w, "thread_reap", "is");
	k->ltsleep = sim_trace_kind(w, "ltsleep", "si");              /* wmesg timeout_ns */
	k->ltsleep_done = sim_trace_kind(w, "ltsleep_done", "si");    /* wmesg result */
	k->ltsleep_on_proc0 = sim_trace_kind(w, "ltsleep_on_proc0", "ss"); /* wmesg where */
	k->wakeup = sim_trace_kind(w, "wakeup", "i");                 /* woken */
	k->blockop = sim_trace_kind(w, "blockop", "is");              /* job fn */
	k->blockop_done = sim_trace_kind(w, "blockop_done", "is");
	k->delay = sim_trace_kind(w, "delay", "i");                   /* ms */
	k->nic_delay = sim_trace_kind(w, "nic_delay", "is");          /* ms how */
}

static void globals_init(const struct model_config *cfg)
{
	hz = cfg->hz;
	model_core.self.magic = MODEL_MAGIC_SELF;
	iopkt_selfp = &model_core.self;
	model_core.proc0.p_ctxt.info.priority = MODEL_PSEUDO_PRIO;
	model_core.proc0.p_id = 0;
	stk_ctl.proc0 = &model_core.proc0;
	syspage.num_cpu = (uint16_t)model_core.ncpus;
	_syspage_ptr = &syspage;
	memset(&pktsim_syspage_qtime, 0, sizeof(pktsim_syspage_qtime));
	pktsim_syspage_qtime.cycles_per_sec = 1000000000ULL;
	pktsim_syspage_qtime.nsec_inc = 1000000;
	pktsim_syspage_qtime.intr = 0;
}

static int workers_create(int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		struct model_worker *wk = sim_alloc(model_core.w, sizeof(*wk));
		char name[32];
		wk->index = i;
		snprintf(name, sizeof(name), "io-pkt#0x%02x", i);
		sim_waitq_init(model_core.w, &wk->idle_q, "worker idle");
		sim_waitq_set_watched(&wk->idle_q, 0);
		sim_waitq_init(model_core.w, &wk->handback_q, "pseudo-thread running");
		sim_waitq_set_watched(&wk->handback_q, 0);
		if (model_channel_create_worker(wk) != 0) {
			sim_errf(err, errlen, "cannot create the channel of worker %d", i);
			return -ENOMEM;
		}
		wk->quiesce_ent.func = model_quiesce_entry_func;
		wk->quiesce_ent.tidx = i;
		model_core.workers[i] = wk;
		model_core.nworkers = i + 1;
		wk->t = model_thread_spawn(MT_WORKER, name, i % model_core.ncpus, model_worker_main, wk);
		wk->t->worker = wk;
		wk->t->wt.tidx = i;
	}
	model_core.next_tidx = n;
	model_core.next_cpu = n % model_core.ncpus;
	return 0;
}

int model_core_create(sim_world *w, const struct model_config *cfg, char *err, size_t errlen)
{
	int n;
	memset(&model_core, 0, sizeof(model_core));
	model_core.w = w;
	model_core.hz = cfg->hz;
	model_core.version = cfg->version;
	model_core.quiesce_limit = cfg->quiesce_limit;
	model_core.ncpus = sim_world_ncpus(w);
	n = cfg->workers ? cfg->workers : model_core.ncpus;
	if (n < 1 || n > MODEL_MAX_WORKERS) {
		sim_errf(err, errlen, "io-pkt workers must be 1..%d (got %d)", MODEL_MAX_WORKERS, n);
		return -EINVAL;
	}
	register_kinds(w, &model_core.k);
	globals_init(cfg);
	model_callout_init_clock();
	model_quiesce_init();
	model_irq_init();
	model_blockop_start(); /* "io-pkt main" */
	return workers_create(n, err, errlen);
}

int model_core_call_enter(const char *entry, const void *fn, const void *arg)
{
	if (!model_driver_callable(entry, fn, arg))
		return 0;
	model_call_push(entry, fn);
	return 1;
}

const char *model_fn_name(const void *fn, char *buf, size_t n)
{
	return model_symbol_name(fn, buf, n);
}

int model_check_can_block(const char *call)
{
	if (!model_core.w)
		return 1; /* before io-pkt exists nothing runs in virtual time */
	if (sim_thread_self(model_core.w))
		return 0;
	model_breach("blocking-call-in-isr",
	             "%s would block, but it was called from an interrupt handler (the kernel "
	             "context), which can never block",
	             call);
	return 1;
}

void model_core_append(char *buf, size_t n, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	if (len && len + 2 < n) {
		snprintf(buf + len, n - len, "; ");
		len += 2;
	}
	if (len + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}

void model_ranges_add(struct model_ranges *r, const void *base, const void *end)
{
	if (r->n < MODEL_RANGES_MAX && (uintptr_t)end > (uintptr_t)base) {
		r->base[r->n] = (uintptr_t)base;
		r->end[r->n] = (uintptr_t)end;
		r->n++;
	}
}

int model_core_leftovers_in(const struct model_ranges *r, char *buf, size_t n)
{
	if (!model_core.w)
		return 0;
	return model_callout_leftovers(r, buf, n) + model_intr_leftovers(r, buf, n) +
	       model_irq_leftovers(r, buf, n) + model_thread_leftovers(r, buf, n);
}

int model_core_leftovers(const void *base, const void *end, char *buf, size_t n)
{
	struct model_ranges r = { 0 };
	model_ranges_add(&r, base, end);
	return model_core_leftovers_in(&r, buf, n);
}
