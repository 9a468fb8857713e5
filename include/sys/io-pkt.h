/*
 * include/sys/io-pkt.h — io-pkt's process object, its work threads and the interrupt
 * entries a driver registers: the interrupt half of an io-pkt driver.
 *
 * How an interrupt reaches the driver in pktsim (as in io-pkt):
 *   1. the simulated NIC raises its IRQ line; the driver's ISR runs in the kernel
 *      context, typically masks the line and returns interrupt_queue(iopkt, &entry);
 *   2. interrupt_queue puts the entry on its worker thread's list and returns the
 *      worker's wake-up event if that worker was idle (else NULL); the kernel delivers
 *      the event, waking the worker;
 *   3. the worker calls entry->func (process_interrupt) in its own thread: 1 = done,
 *      the entry leaves the list and entry->enable (enable_interrupt, which unmasks) is
 *      called; 0 = not finished, the entry goes to the back of the list.
 * A driver thread without an ISR calls interrupt_queue itself and must send the returned
 * event with MsgSendPulse (see the seeds, "Driver doesn't use an RX interrupt").
 */
#ifndef PKTSIM_SYS_IO_PKT_H
#define PKTSIM_SYS_IO_PKT_H

#include <errno.h>
#include <stdint.h>
#include <sys/siginfo.h>

/* The io-pkt process. Opaque to drivers: they pass the pointer they were given
 * (drvr_init's argument, or iopkt_selfp) back to io-pkt. */
struct _iopkt_self;
extern struct _iopkt_self *iopkt_selfp;

/*
 * The io-pkt part of a thread io-pkt knows (worker, tracked thread). WTP is the calling
 * thread's. A tracked thread's init function must set quiesce_callout (and quiesce_arg):
 * quiesce_all() calls quiesce_callout(quiesce_arg, die) from the stack context, and the
 * callback must make the thread call quiesce_block(die) soon.
 */
struct nw_work_thread {
	void (*quiesce_callout)(void *arg, int die);
	void *quiesce_arg;
	int tidx;          /* io-pkt's index of the thread ("io-pkt#0x<tidx>") */
	int am_stack;      /* 1 while this thread holds the stack context (read-only) */
	int wt_critical;   /* nesting of NW_SIGLOCK_P: interrupt work held off meanwhile */
	int wt_intr_pending; /* interrupt work deferred while wt_critical was set */
	void *wt_zone_mbuf; /* the mbuf layer's per-thread state (reserved) */
	void *wt_spare[4];
};

/* The calling thread's struct nw_work_thread; NULL in an ISR (the kernel context). */
struct nw_work_thread *pktsim_wtp(void);
#define WTP (pktsim_wtp())

/* The priority interrupt_entry_init gives an entry when asked for the default. */
#define IRUPT_PRIO_DEFAULT (-1)

/* One source of interrupt work (usually one per device). Fill func, enable and arg,
 * then register it with interrupt_entry_init; the other fields are io-pkt's. */
struct _iopkt_inter {
	struct _iopkt_inter *next;   /* io-pkt: the worker's list */
	int on_list;                 /* io-pkt: 1 from interrupt_queue until func returns 1 */
	int (*func)(void *arg, struct nw_work_thread *wtp); /* process_interrupt */
	int (*enable)(void *arg);    /* enable_interrupt */
	void *arg;
	int spurrious;               /* io-pkt: interrupt_queue calls while already queued */
	int tidx;                    /* io-pkt: index of the worker it runs on */
	int prio;
	uint32_t magic;              /* pktsim: registered entry */
	int id;                      /* pktsim: entry number, 1, 2, ... */
	struct sigevent ev;          /* pktsim: the event interrupt_entry_init hands out */
};

/*
 * Register ient with a worker thread (round-robin over the workers). Stack context only.
 * func and enable may be filled in before or after; they are used when the work runs.
 * If evp is not NULL, *evp is an event that, when delivered (say by InterruptAttachEvent),
 * queues ient on its worker like interrupt_queue and wakes it. Returns EOK, or EPERM
 * (outside the stack), EBUSY (already registered), EINVAL (NULL) with nothing registered.
 */
int interrupt_entry_init(struct _iopkt_inter *ient, int flags, struct sigevent **evp, int prio);

/*
 * Unregister ient: quiesces every thread (so no worker is running ient->func), takes it
 * off its worker's list, unquiesces. Stack context only. evp is ignored.
 */
int interrupt_entry_remove(struct _iopkt_inter *ient, struct sigevent *evp);

/*
 * Queue ient's work on its worker (from an ISR or any thread). Not yet queued: appended,
 * and the worker's wake-up event is returned if the worker was idle with nothing queued
 * (the caller delivers it: an ISR returns it, a thread sends it with MsgSendPulse), else
 * NULL. Already queued: counted in ient->spurrious, NULL.
 */
const struct sigevent *interrupt_queue(struct _iopkt_self *iopkt, struct _iopkt_inter *ient);

#endif
