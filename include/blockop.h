/*
 * include/blockop.h — run a blocking function on "io-pkt main" while the calling
 * pseudo-thread sleeps (the stack context serves others meanwhile).
 */
#ifndef PKTSIM_BLOCKOP_H
#define PKTSIM_BLOCKOP_H

struct bop_dispatch {
	void (*bop_func)(void *arg); /* runs on io-pkt main: may block, must not use the stack */
	void *bop_arg;
	int bop_prio;                /* > 0, usually curproc->p_ctxt.info.priority */
	struct bop_dispatch *bop_next; /* io-pkt's queue */
	int bop_id;                  /* io-pkt's job number */
};

/*
 * From a pseudo-thread of the stack context only (else a breach and EPERM): queue bop to
 * io-pkt main (one job at a time, in order) and sleep until bop_func has returned.
 * Returns the sleep's result (0). bop_prio <= 0: EINVAL, nothing queued.
 */
int blockop_dispatch(struct bop_dispatch *bop);

#endif
