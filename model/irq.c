/*
 * model/irq.c — simulated IRQ lines: InterruptAttach / InterruptAttachEvent, masking,
 * the hardware side's model_irq_raise, and the system timer's line.
 *
 * A raise sets the line pending. An unmasked pending line is delivered in the kernel
 * context: at once when raised from the kernel context (a hardware timer), else through
 * a zero-delay timer (after the running thread blocks). Delivery runs every handler
 * attached to the line, in attach order: an ISR's returned event is delivered; an
 * attached event masks the line and is delivered. A raise while masked stays pending
 * (one, however many raises) and is delivered when the mask count returns to 0.
 */
#include "core_int.h"

#include <errno.h>

#define MODEL_IRQ_LINES 256

struct irq_attach {
	int id;
	int irq;
	const struct sigevent *(*isr)(void *area, int id);
	void *area;
	struct sigevent event;       /* InterruptAttachEvent's copy */
	unsigned flags;
	int masks;                   /* masks this attachment holds (TRK_MSK) */
	struct irq_attach *next;
};

struct irq_line {
	int mask;
	int pending;
	sim_timer *deliver;          /* zero-delay delivery from a thread */
	struct irq_attach *head;
};

static struct {
	struct irq_line line[MODEL_IRQ_LINES];
	int next_id;
	sim_timer *systick;          /* raises the system timer's line every ms */
} I;

static struct irq_line *line_of(int irq)
{
	return irq >= 0 && irq < MODEL_IRQ_LINES ? &I.line[irq] : NULL;
}

static struct irq_attach *attach_by_id(int id)
{
	for (int i = 0; i < MODEL_IRQ_LINES; i++)
		for (struct irq_attach *a = I.line[i].head; a; a = a->next)
			if (a->id == id)
				return a;
	return NULL;
}

static void run_handler(struct irq_line *l, int irq, struct irq_attach *a)
{
	char fn[96];
	const struct sigevent *ev;
	if (a->isr) {
		ev = NULL;
		if (model_core_call_enter("isr", (const void *)a->isr, a->area)) {
			ev = a->isr(a->area, a->id);
			model_call_pop();
		}
		model_fn_name((const void *)a->isr, fn, sizeof(fn));
	} else {
		l->mask++;
		a->masks++;
		ev = &a->event;
		snprintf(fn, sizeof(fn), "(event)");
	}
	sim_emit(model_core.w, model_core.k.isr, (int64_t)irq, (int64_t)a->id, fn,
	         (int64_t)(ev != NULL));
	model_event_deliver(ev, "isr");
}

/* Kernel context: run the line's handlers if it is pending and unmasked. */
static void deliver(int irq)
{
	struct irq_line *l = &I.line[irq];
	struct irq_attach *a, *next;
	if (l->mask > 0 || !l->pending)
		return;
	l->pending = 0;
	for (a = l->head; a; a = next) {
		next = a->next;
		run_handler(l, irq, a);
	}
}

static void deliver_timer(sim_world *w, void *arg)
{
	deliver((int)(intptr_t)arg);
}

static void schedule(int irq)
{
	struct irq_line *l = &I.line[irq];
	if (l->mask > 0 || !l->pending)
		return;
	if (!sim_thread_self(model_core.w)) {
		deliver(irq);
		return;
	}
	if (!l->deliver) {
		char name[32];
		snprintf(name, sizeof(name), "irq %d", irq);
		l->deliver = sim_timer_create(model_core.w, name, deliver_timer, (void *)(intptr_t)irq);
	}
	if (!sim_timer_armed(l->deliver))
		sim_timer_arm(model_core.w, l->deliver, 0);
}

void model_irq_raise(int irq)
{
	struct irq_line *l = line_of(irq);
	if (!l)
		return;
	sim_emit(model_core.w, model_core.k.irq_raise, (int64_t)irq, (int64_t)l->mask);
	l->pending = 1;
	schedule(irq);
}

int model_irq_masked(int irq)
{
	struct irq_line *l = line_of(irq);
	return l ? l->mask : -1;
}

/* ------------------------------------------------------- the system timer */

static void systick_fire(sim_world *w, void *arg)
{
	int irq = pktsim_syspage_qtime.intr;
	if (!I.line[irq].head)
		return;
	sim_timer_arm(w, I.systick, SIM_MS);
	model_irq_raise(irq);
}

static void systick_update(int irq)
{
	if (irq != pktsim_syspage_qtime.intr)
		return;
	if (I.line[irq].head && !sim_timer_armed(I.systick))
		sim_timer_arm(model_core.w, I.systick, SIM_MS);
	else if (!I.line[irq].head)
		sim_timer_cancel(model_core.w, I.systick);
}

void model_irq_init(void)
{
	I.systick = sim_timer_create(model_core.w, "system timer", systick_fire, NULL);
}

/* ------------------------------------------------------ the kernel calls */

static int attach(int irq, const struct sigevent *(*isr)(void *, int), const void *area,
                  const struct sigevent *event, unsigned flags)
{
	struct irq_line *l = line_of(irq);
	struct irq_attach *a, **pp;
	if (!l || (!isr && !event))
		return -EINVAL;
	a = sim_alloc(model_core.w, sizeof(*a));
	a->id = ++I.next_id;
	a->irq = irq;
	a->isr = isr;
	a->area = (void *)area;
	if (event)
		a->event = *event;
	a->flags = flags;
	for (pp = &l->head; *pp; pp = &(*pp)->next)
		;
	*pp = a;
	systick_update(irq);
	return a->id;
}

static int ret_errno(int rc)
{
	if (rc >= 0)
		return rc;
	errno = -rc;
	return -1;
}

int InterruptAttach_r(int intr, const struct sigevent *(*handler)(void *, int), const void *area,
                      int size, unsigned flags)
{
	if (!handler)
		return -EINVAL;
	return model_call_should_fail("InterruptAttach") ? -EAGAIN :
	       attach(intr, handler, area, NULL, flags);
}

int InterruptAttach(int intr, const struct sigevent *(*handler)(void *, int), const void *area,
                    int size, unsigned flags)
{
	return ret_errno(InterruptAttach_r(intr, handler, area, size, flags));
}

int InterruptAttachEvent_r(int intr, const struct sigevent *event, unsigned flags)
{
	if (!event)
		return -EINVAL;
	return model_call_should_fail("InterruptAttach") ? -EAGAIN :
	       attach(intr, NULL, NULL, event, flags);
}

int InterruptAttachEvent(int intr, const struct sigevent *event, unsigned flags)
{
	return ret_errno(InterruptAttachEvent_r(intr, event, flags));
}

/* Detach id; the masks it holds are undone (QNX does so with _NTO_INTR_FLAGS_TRK_MSK;
 * pktsim always does, so a detached driver never leaves its line masked). */
int InterruptDetach_r(int id)
{
	struct irq_attach *a = attach_by_id(id), **pp;
	struct irq_line *l;
	if (!a)
		return -EINVAL;
	l = &I.line[a->irq];
	for (pp = &l->head; *pp != a; pp = &(*pp)->next)
		;
	*pp = a->next;
	l->mask -= a->masks;
	if (l->mask < 0)
		l->mask = 0;
	systick_update(a->irq);
	schedule(a->irq);
	sim_free(model_core.w, a, sizeof(*a));
	return 0;
}

int InterruptDetach(int id) { return ret_errno(InterruptDetach_r(id)); }

int InterruptMask(int intr, int id)
{
	struct irq_line *l = line_of(intr);
	struct irq_attach *a = id > 0 ? attach_by_id(id) : NULL;
	if (!l) {
		errno = EINVAL;
		return -1;
	}
	l->mask++;
	if (a && a->irq == intr)
		a->masks++;
	sim_emit(model_core.w, model_core.k.irq_mask, (int64_t)intr, (int64_t)id, (int64_t)l->mask);
	return l->mask;
}

int InterruptUnmask(int intr, int id)
{
	struct irq_line *l = line_of(intr);
	struct irq_attach *a = id > 0 ? attach_by_id(id) : NULL;
	if (!l) {
		errno = EINVAL;
		return -1;
	}
	if (l->mask > 0)
		l->mask--;
	if (a && a->irq == intr && a->masks > 0)
		a->masks--;
	sim_emit(model_core.w, model_core.k.irq_mask, (int64_t)intr, (int64_t)id, (int64_t)l->mask);
	schedule(intr);
	return l->mask;
}

void InterruptLock(struct intrspin *spin) { spin->value = 1; }
void InterruptUnlock(struct intrspin *spin) { spin->value = 0; }
void InterruptDisable(void) {}
void InterruptEnable(void) {}

int model_irq_leftovers(const struct model_ranges *r, char *buf, size_t n)
{
	char fn[96];
	int count = 0;
	for (int i = 0; i < MODEL_IRQ_LINES; i++)
		for (struct irq_attach *a = I.line[i].head; a; a = a->next) {
			if (!model_in_ranges((const void *)a->isr, r) &&
			    !model_in_ranges(a->area, r))
				continue;
			model_core_append(buf, n, "%s still attached to IRQ %d",
			                  a->isr ? model_fn_name((const void *)a->isr, fn, sizeof(fn))
			                         : "an event", i);
			count++;
		}
	return count;
}
