/*
 * <siglock.h> — io-pkt's "signal locks": a mutex shared between the stack and a driver's
 * other threads, taken together with a hold on interrupt work for the calling thread.
 *
 *   NW_SIGLOCK_P(&ifp->if_snd_ex, iopkt, wtp)   hold off interrupt processing on this
 *                                                thread, then take the mutex (may wait,
 *                                                in virtual time)
 *   NW_SIGUNLOCK_P(&ifp->if_snd_ex, iopkt, wtp) release it; when the last hold goes,
 *                                                interrupt work deferred meanwhile runs
 *
 * wtp must be the calling thread's own (WTP). The forms without _P look it up with WTP,
 * so they need an io-pkt thread or a tracked one: from an untracked thread (or an ISR)
 * they are a breach ("siglock-untracked-thread"). The TX mutex if_snd_ex is the usual
 * subject: if_start is entered holding it and must release it on every path. A thread
 * that locks a mutex it already holds would deadlock itself; pktsim reports it
 * ("siglock-relock") instead. Any other pthread_mutex_t works too (it is the pthread
 * shim's mutex, see <pthread.h>).
 */
#ifndef _SIGLOCK_H_INCLUDED
#define _SIGLOCK_H_INCLUDED

#include <pthread.h>
#include <sys/io-pkt.h>

void nw_sighold_p(struct nw_work_thread *wtp);
void nw_sigunhold_p(struct nw_work_thread *wtp);
void nw_siglock_p(pthread_mutex_t *exp, struct _iopkt_self *iopkt, struct nw_work_thread *wtp);
void nw_sigunlock_p(pthread_mutex_t *exp, struct _iopkt_self *iopkt, struct nw_work_thread *wtp);

#define NW_SIGHOLD_P(wtp) nw_sighold_p(wtp)
#define NW_SIGUNHOLD_P(wtp) nw_sigunhold_p(wtp)
#define NW_SIGLOCK_P(exp, iopkt, wtp) nw_siglock_p((exp), (iopkt), (wtp))
#define NW_SIGUNLOCK_P(exp, iopkt, wtp) nw_sigunlock_p((exp), (iopkt), (wtp))

#define NW_SIGHOLD NW_SIGHOLD_P(WTP)
#define NW_SIGUNHOLD NW_SIGUNHOLD_P(WTP)
#define NW_SIGLOCK(exp, iopkt) NW_SIGLOCK_P((exp), (iopkt), WTP)
#define NW_SIGUNLOCK(exp, iopkt) NW_SIGUNLOCK_P((exp), (iopkt), WTP)

#define ISSTACK_P(wtp) ((wtp)->am_stack != 0)
#define ISSTACK ISSTACK_P(WTP)

#endif
