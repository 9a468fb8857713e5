/*
 * model/posix_shim.c — the C library's sleeps, clocks and semaphores for driver code, in
 * virtual time (include/unistd.h, time.h and semaphore.h redirect to these). Sleeps give
 * up the CPU (sim_sleep); nanospin_ns and delay() keep it (sim_spend).
 */
#include "core_int.h"

#include <errno.h>
#include <semaphore.h>
#include <unistd.h>
#include <string.h>

#define MAGIC_SEM 0x73656d61u /* "sema" */

sim_ns pktsim_clock_ns(clockid_t clk)
{
	sim_ns now = model_core.w ? sim_now(model_core.w) : 0;
	return clk == CLOCK_REALTIME ? PKTSIM_REALTIME_EPOCH * SIM_S + now : now;
}

int pktsim_clock_gettime(clockid_t clk, struct timespec *ts)
{
	sim_ns t = pktsim_clock_ns(clk);
	if (!ts) {
		errno = EFAULT;
		return -1;
	}
	ts->tv_sec = (time_t)(t / SIM_S);
	ts->tv_nsec = (long)(t % SIM_S);
	return 0;
}

static int valid_ts(const struct timespec *ts)
{
	return ts && ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < SIM_S;
}

/* Sleep d of virtual time; 0, or -1 with errno when the caller cannot block. */
static int sleep_for(sim_ns d, const char *call)
{
	sim_ns t0;
	if (model_check_can_block(call)) {
		errno = EPERM;
		return -1;
	}
	t0 = model_lat_mark();
	sim_sleep(model_core.w, d);
	model_lat_event(call, t0, MODEL_LAT_WAIT);
	return 0;
}

unsigned int pktsim_sleep(unsigned int seconds)
{
	return sleep_for((sim_ns)seconds * SIM_S, "sleep") ? seconds : 0;
}

int pktsim_usleep(useconds_t usec)
{
	return sleep_for((sim_ns)usec * SIM_US, "usleep");
}

int pktsim_nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!valid_ts(req)) {
		errno = EINVAL;
		return -1;
	}
	if (rem)
		memset(rem, 0, sizeof(*rem));
	return sleep_for((sim_ns)req->tv_sec * SIM_S + req->tv_nsec, "nanosleep");
}

/* Returns an errno value (not -1), as POSIX says. */
int pktsim_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                           struct timespec *rem)
{
	sim_ns d;
	if (!valid_ts(req))
		return EINVAL;
	d = (sim_ns)req->tv_sec * SIM_S + req->tv_nsec;
	if (flags & TIMER_ABSTIME)
		d = d > pktsim_clock_ns(clk) ? d - pktsim_clock_ns(clk) : 0;
	if (rem)
		memset(rem, 0, sizeof(*rem));
	return sleep_for(d, "clock_nanosleep") ? EPERM : 0;
}

/* Busy-wait. In an ISR (the kernel context) it takes no time: ISRs are instantaneous. */
int nanospin_ns(unsigned long nsec)
{
	if (model_core.w && sim_thread_self(model_core.w)) {
		sim_ns t0 = model_lat_mark();
		sim_spend(model_core.w, (sim_ns)nsec);
		model_lat_event("nanospin_ns", t0, MODEL_LAT_BUSY);
	}
	return 0;
}

pid_t pktsim_gettid(void)
{
	struct model_thread *t = model_thread_self();
	return t ? (pid_t)t->id : 0;
}

/* --------------------------------------------------------------- semaphores */

struct psem {
	sim_waitq q;                 /* waiters (not watched: waiting for an event) */
	unsigned value;
};

struct sem_overlay {
	uint32_t magic;
	uint32_t spare;
	struct psem *s;
};

_Static_assert(sizeof(sem_t) >= sizeof(struct sem_overlay), "sem overlay");

static struct psem *sem_of(sem_t *s)
{
	struct sem_overlay o;
	if (!s)
		return NULL;
	memcpy(&o, s, sizeof(o));
	return o.magic == MAGIC_SEM ? o.s : NULL;
}

static int fail(int e)
{
	errno = e;
	return -1;
}

int pktsim_sem_init(sem_t *s, int pshared, unsigned value)
{
	static int seq;
	struct sem_overlay o = { MAGIC_SEM, 0, NULL };
	char name[48];
	if (!model_core.w || !s)
		return fail(EINVAL);
	o.s = sim_alloc(model_core.w, sizeof(*o.s));
	snprintf(name, sizeof(name), "semaphore %d", ++seq);
	sim_waitq_init(model_core.w, &o.s->q, name);
	sim_waitq_set_watched(&o.s->q, 0);
	o.s->value = value;
	memcpy(s, &o, sizeof(o));
	return 0;
}

int pktsim_sem_destroy(sem_t *s)
{
	struct psem *p = sem_of(s);
	if (!p)
		return fail(EINVAL);
	if (sim_waitq_destroy(model_core.w, &p->q) != 0)
		return fail(EBUSY);
	sim_free(model_core.w, p, sizeof(*p));
	memset(s, 0, sizeof(*s));
	return 0;
}

/* Take one unit: try (EAGAIN when none), or wait up to timeout (ETIMEDOUT). */
static int sem_wait_for(sem_t *s, int try, sim_ns timeout, const char *call)
{
	struct psem *p = sem_of(s);
	if (!p)
		return fail(EINVAL);
	while (p->value == 0) {
		if (try)
			return fail(EAGAIN);
		if (timeout == 0)
			return fail(ETIMEDOUT);
		if (model_check_can_block(call))
			return fail(EPERM);
		if (sim_wait(model_core.w, &p->q, timeout) == -ETIMEDOUT && p->value == 0)
			return fail(ETIMEDOUT);
	}
	p->value--;
	return 0;
}

int pktsim_sem_wait(sem_t *s) { return sem_wait_for(s, 0, SIM_FOREVER, "sem_wait"); }
int pktsim_sem_trywait(sem_t *s) { return sem_wait_for(s, 1, 0, "sem_trywait"); }

int pktsim_sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	sim_ns d;
	if (!valid_ts(abstime))
		return fail(EINVAL);
	d = (sim_ns)abstime->tv_sec * SIM_S + abstime->tv_nsec - pktsim_clock_ns(CLOCK_REALTIME);
	return sem_wait_for(s, 0, d > 0 ? d : 0, "sem_timedwait");
}

int pktsim_sem_post(sem_t *s)
{
	struct psem *p = sem_of(s);
	if (!p)
		return fail(EINVAL);
	p->value++;
	sim_wake_one(model_core.w, &p->q);
	return 0;
}

int pktsim_sem_getvalue(sem_t *s, int *value)
{
	struct psem *p = sem_of(s);
	if (!p)
		return fail(EINVAL);
	*value = (int)p->value;
	return 0;
}
