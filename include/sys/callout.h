/*
 * include/sys/callout.h — io-pkt's one-shot timers. The function runs in the stack
 * context, on proc0 (it must not sleep: ltsleep there returns at once), when the stack
 * next runs at or after the expiry.
 *
 * Time is in ticks of io-pkt's callout clock (hz = 119): tick k starts at
 * floor(k * 1e9 / hz) ns of virtual time. callout_msec(c, ms, ...) expires
 * ms * hz / 1000 + 1 ticks after the current tick, at that tick's start.
 */
#ifndef PKTSIM_SYS_CALLOUT_H
#define PKTSIM_SYS_CALLOUT_H

#include <stdint.h>
#include <sys/kernel.h>

struct callout {
	uint32_t c_magic;          /* pktsim: set by callout_init; a zeroed callout is fine too */
	uint32_t c_id;             /* pktsim: callout number in the trace */
	int c_flags;               /* CALLOUT_PENDING while armed */
	void (*c_func)(void *arg);
	void *c_arg;
};

#define CALLOUT_PENDING 0x0002

/* Initialise c (zeroes it). Once per callout: calling it on a pending callout corrupts
 * io-pkt's timer list, and pktsim reports it (breach "callout-init-armed"). */
void callout_init(struct callout *c);

/* Arm c to call fn(arg) after msec ms (rounded to ticks as above). If c is already
 * pending it moves only if the new expiry is earlier; fn and arg are replaced either
 * way. Any context. */
void callout_msec(struct callout *c, int msec, void (*fn)(void *), void *arg);

/* NetBSD's form: ticks (<= 0 counts as 1) instead of ms; same rules. */
void callout_reset(struct callout *c, int ticks, void (*fn)(void *), void *arg);

/* Disarm c. Harmless on a stopped callout. Does NOT wait for fn if it is running now:
 * a handler that re-arms itself needs a run flag of its own. */
void callout_stop(struct callout *c);

/* 1 while c is armed and has not started to run. */
int callout_pending(struct callout *c);

#endif
