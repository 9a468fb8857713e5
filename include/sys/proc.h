/*
 * include/sys/proc.h — the stack context's pseudo-threads as a driver sees them: curproc,
 * proc0, and sleeping (ltsleep/tsleep) and waking (wakeup).
 *
 * curproc is the calling pseudo-thread's struct proc in the stack context, and
 * stk_ctl.proc0 on proc0 (the stack's own loop: callouts) and in every thread outside the
 * stack context. So `curproc == stk_ctl.proc0` tells code that may not sleep.
 */
#ifndef PKTSIM_SYS_PROC_H
#define PKTSIM_SYS_PROC_H

#include <sys/kernel.h>
#include <sys/neutrino.h>

struct proc {
	struct {
		struct _msg_info info;     /* info.priority: the client's priority (blockop) */
	} p_ctxt;
	int p_id;                      /* pktsim: the pseudo-thread's thread id, 0 for proc0 */
};

struct stk_ctl {
	struct proc *proc0;
};
extern struct stk_ctl stk_ctl;

struct proc *pktsim_curproc(void);
#define curproc (pktsim_curproc())

/* ltsleep's pri flags (accepted, not acted on). */
#define PCATCH 0x100
#define PNORELOCK 0x200

/*
 * Sleep the calling pseudo-thread on ident, giving the stack context to others, until
 * wakeup(ident) (returns 0) or until timo ticks have passed (timo * 1e9 / hz ns; returns
 * EWOULDBLOCK); timo 0 = no timeout. Only in the stack context: elsewhere it is a breach
 * ("sleep-outside-stack") and returns EINVAL at once. On proc0 (a callout) it returns 0 at
 * once without sleeping, as io-pkt does. slock is not supported and must be NULL.
 */
int ltsleep(const volatile void *ident, int pri, const char *wmesg, int timo, void *slock);
int tsleep(const volatile void *ident, int pri, const char *wmesg, int timo);

/* Wake every pseudo-thread sleeping on ident (they run again when the stack next runs
 * them). Stack context only: elsewhere a breach ("wakeup-outside-stack"). */
void wakeup(const volatile void *ident);

#endif
