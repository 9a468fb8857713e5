/*
 * include/semaphore.h — POSIX semaphores in virtual time (see <pthread.h> for why):
 * the C library's types, pktsim's calls.
 */
#include_next <semaphore.h>

#ifndef PKTSIM_SEMAPHORE_H
#define PKTSIM_SEMAPHORE_H

#include <time.h>

int pktsim_sem_init(sem_t *s, int pshared, unsigned value);
int pktsim_sem_destroy(sem_t *s);
int pktsim_sem_wait(sem_t *s);
int pktsim_sem_trywait(sem_t *s);
int pktsim_sem_timedwait(sem_t *s, const struct timespec *abstime);
int pktsim_sem_post(sem_t *s);
int pktsim_sem_getvalue(sem_t *s, int *value);

#ifndef PKTSIM_NO_REDIRECT
#define sem_init pktsim_sem_init
#define sem_destroy pktsim_sem_destroy
#define sem_wait pktsim_sem_wait
#define sem_trywait pktsim_sem_trywait
#define sem_timedwait pktsim_sem_timedwait
#define sem_post pktsim_sem_post
#define sem_getvalue pktsim_sem_getvalue
#endif

#endif
