/*
 * include/nw_thread.h — threads io-pkt tracks, and quiesce.
 *
 * A tracked thread (nw_pthread_create) may allocate and free mbufs (never M_WAITOK) but
 * may not sleep or wake pseudo-threads. It must answer quiesce: its init function sets
 * WTP->quiesce_callout, and that callback must make the thread call quiesce_block(die).
 * A thread that never reaches quiesce_block leaves quiesce_all (and with it the stack
 * context, and every request to io-pkt) waiting forever.
 */
#ifndef PKTSIM_NW_THREAD_H
#define PKTSIM_NW_THREAD_H

#include <pthread.h>
#include <sys/io-pkt.h>

/*
 * Create a tracked thread: stack context only (else EPERM, reported as a breach). init_fn
 * is required (EINVAL) and runs in the new thread before this call returns; it must
 * return EOK and should set WTP->quiesce_callout, else the thread ends and its error is
 * returned. A missing callback: io-pkt 6.6 refuses the thread (EINVAL); the io-pkt of the
 * seed documents (pktsim's default, sys:iopkt{ version }) accepts it, and the next
 * quiesce_all waits for it for ever. Creating a thread quiesces every tracked thread first.
 * On success *tid is the thread's id and fn(arg) runs in it. flags: 0.
 */
int nw_pthread_create(pthread_t *tid, const pthread_attr_t *attr, void *(*fn)(void *),
                      void *arg, int flags, int (*init_fn)(void *), void *init_arg);

/*
 * End tracked thread tid: stack context only (breach, EPERM); a thread may not reap
 * itself (breach, EDEADLK). Calls its quiesce callback with die = 1, waits (holding the
 * stack, with no timeout) until the thread has ended in quiesce_block, and joins it.
 * ESRCH if tid is not a live tracked thread.
 */
int nw_pthread_reap(pthread_t tid);

/*
 * Quiesce every other io-pkt thread: the other workers, and each tracked thread in
 * creation order (its quiesce callback is called with die = 0, then io-pkt waits, with no
 * timeout, until it is inside quiesce_block). Stack context only. Nests: only the
 * outermost pair acts. unquiesce_all releases them when the count returns to 0.
 */
void quiesce_all(void);
void unquiesce_all(void);

/*
 * Called by a tracked thread when its quiesce callback asks: blocks until unquiesce_all
 * (die = 0), or ends the thread (die = 1, or the thread is being reaped). A tracked
 * thread calling it unasked (to end itself, say) is a breach: end a thread with
 * nw_pthread_reap. Workers outside a quiesce return at once.
 */
void quiesce_block(int die);

#endif
