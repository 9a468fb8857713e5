/*
 * include/pthread.h — POSIX threads for driver code, in virtual time.
 *
 * Every simulated thread of pktsim runs on the one OS thread of the process, so a real
 * blocking call (a contended mutex, a condition wait, a join) would hang the process,
 * and a real thread would run outside the simulation. This header includes the C
 * library's <pthread.h> for its types, then redirects every call that could block,
 * create or end a thread, or read per-thread state to pktsim's own functions:
 *
 *   pthread_create    an UNTRACKED simulated thread (io-pkt does not know it: no mbufs,
 *                     no quiesce); pthread_join/detach/exit/self/setname_np with it
 *   pthread_mutex_*   a simulated mutex (waits are watched by the stall watchdog); the
 *                     static initialisers work (initialised on first use)
 *   pthread_cond_*    simulated condition variables (timed waits use the virtual clock of
 *                     clock_gettime, see <time.h>)
 *   pthread_once, pthread_key_* / get/setspecific, pthread_spin_*, pthread_rwlock_*,
 *   pthread_barrier_*, sched_yield, and the scheduling calls (accepted, no effect)
 *
 * The objects keep the C library's types and sizes; pktsim keeps its state in them (a
 * pointer to a simulated object), so they must only be used through these calls.
 * pthread_t values are simulated thread ids (1, 2, ...); 0 means "the calling thread"
 * where QNX allows it (pthread_setname_np).
 *
 * Define PKTSIM_NO_REDIRECT before including to get the C library's calls (pktsim's own
 * implementation does; drivers must not).
 */
#include_next <pthread.h>

#ifndef PKTSIM_PTHREAD_H
#define PKTSIM_PTHREAD_H

#include <sched.h>
#include <time.h>

int pktsim_pthread_create(pthread_t *tid, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg);
int pktsim_pthread_join(pthread_t tid, void **ret);
int pktsim_pthread_detach(pthread_t tid);
void pktsim_pthread_exit(void *ret) __attribute__((noreturn));
pthread_t pktsim_pthread_self(void);
int pktsim_pthread_setname_np(pthread_t tid, const char *name);
int pktsim_pthread_getname_np(pthread_t tid, char *buf, size_t len);
int pktsim_pthread_cancel(pthread_t tid);
int pktsim_pthread_kill(pthread_t tid, int sig);
int pktsim_pthread_setschedparam(pthread_t tid, int policy, const struct sched_param *p);
int pktsim_pthread_getschedparam(pthread_t tid, int *policy, struct sched_param *p);
int pktsim_pthread_setschedprio(pthread_t tid, int prio);
int pktsim_sched_yield(void);

int pktsim_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pktsim_pthread_mutex_destroy(pthread_mutex_t *m);
int pktsim_pthread_mutex_lock(pthread_mutex_t *m);
int pktsim_pthread_mutex_trylock(pthread_mutex_t *m);
int pktsim_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int pktsim_pthread_mutex_unlock(pthread_mutex_t *m);

int pktsim_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pktsim_pthread_cond_destroy(pthread_cond_t *c);
int pktsim_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pktsim_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                  const struct timespec *abstime);
int pktsim_pthread_cond_signal(pthread_cond_t *c);
int pktsim_pthread_cond_broadcast(pthread_cond_t *c);

int pktsim_pthread_once(pthread_once_t *once, void (*fn)(void));
int pktsim_pthread_key_create(pthread_key_t *key, void (*dtor)(void *));
int pktsim_pthread_key_delete(pthread_key_t key);
void *pktsim_pthread_getspecific(pthread_key_t key);
int pktsim_pthread_setspecific(pthread_key_t key, const void *value);

int pktsim_pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pktsim_pthread_spin_destroy(pthread_spinlock_t *s);
int pktsim_pthread_spin_lock(pthread_spinlock_t *s);
int pktsim_pthread_spin_trylock(pthread_spinlock_t *s);
int pktsim_pthread_spin_unlock(pthread_spinlock_t *s);

int pktsim_pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr);
int pktsim_pthread_rwlock_destroy(pthread_rwlock_t *l);
int pktsim_pthread_rwlock_rdlock(pthread_rwlock_t *l);
int pktsim_pthread_rwlock_wrlock(pthread_rwlock_t *l);
int pktsim_pthread_rwlock_tryrdlock(pthread_rwlock_t *l);
int pktsim_pthread_rwlock_trywrlock(pthread_rwlock_t *l);
int pktsim_pthread_rwlock_unlock(pthread_rwlock_t *l);

int pktsim_pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                                unsigned count);
int pktsim_pthread_barrier_destroy(pthread_barrier_t *b);
int pktsim_pthread_barrier_wait(pthread_barrier_t *b);

#ifndef PKTSIM_NO_REDIRECT
#define pthread_create pktsim_pthread_create
#define pthread_join pktsim_pthread_join
#define pthread_detach pktsim_pthread_detach
#define pthread_exit pktsim_pthread_exit
#define pthread_self pktsim_pthread_self
#define pthread_setname_np pktsim_pthread_setname_np
#define pthread_getname_np pktsim_pthread_getname_np
#define pthread_cancel pktsim_pthread_cancel
#define pthread_kill pktsim_pthread_kill
#define pthread_setschedparam pktsim_pthread_setschedparam
#define pthread_getschedparam pktsim_pthread_getschedparam
#define pthread_setschedprio pktsim_pthread_setschedprio
#define sched_yield pktsim_sched_yield
#define pthread_yield pktsim_sched_yield
#define pthread_mutex_init pktsim_pthread_mutex_init
#define pthread_mutex_destroy pktsim_pthread_mutex_destroy
#define pthread_mutex_lock pktsim_pthread_mutex_lock
#define pthread_mutex_trylock pktsim_pthread_mutex_trylock
#define pthread_mutex_timedlock pktsim_pthread_mutex_timedlock
#define pthread_mutex_unlock pktsim_pthread_mutex_unlock
#define pthread_cond_init pktsim_pthread_cond_init
#define pthread_cond_destroy pktsim_pthread_cond_destroy
#define pthread_cond_wait pktsim_pthread_cond_wait
#define pthread_cond_timedwait pktsim_pthread_cond_timedwait
#define pthread_cond_signal pktsim_pthread_cond_signal
#define pthread_cond_broadcast pktsim_pthread_cond_broadcast
#define pthread_once pktsim_pthread_once
#define pthread_key_create pktsim_pthread_key_create
#define pthread_key_delete pktsim_pthread_key_delete
#define pthread_getspecific pktsim_pthread_getspecific
#define pthread_setspecific pktsim_pthread_setspecific
#define pthread_spin_init pktsim_pthread_spin_init
#define pthread_spin_destroy pktsim_pthread_spin_destroy
#define pthread_spin_lock pktsim_pthread_spin_lock
#define pthread_spin_trylock pktsim_pthread_spin_trylock
#define pthread_spin_unlock pktsim_pthread_spin_unlock
#define pthread_rwlock_init pktsim_pthread_rwlock_init
#define pthread_rwlock_destroy pktsim_pthread_rwlock_destroy
#define pthread_rwlock_rdlock pktsim_pthread_rwlock_rdlock
#define pthread_rwlock_wrlock pktsim_pthread_rwlock_wrlock
#define pthread_rwlock_tryrdlock pktsim_pthread_rwlock_tryrdlock
#define pthread_rwlock_trywrlock pktsim_pthread_rwlock_trywrlock
#define pthread_rwlock_unlock pktsim_pthread_rwlock_unlock
#define pthread_barrier_init pktsim_pthread_barrier_init
#define pthread_barrier_destroy pktsim_pthread_barrier_destroy
#define pthread_barrier_wait pktsim_pthread_barrier_wait
#endif

#endif
