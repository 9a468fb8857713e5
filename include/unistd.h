/*
 * include/unistd.h — the C library's <unistd.h>, with the calls that wait redirected to
 * virtual time, QNX's gettid() giving the simulated thread id, and QNX's delay().
 */
#include_next <unistd.h>

#ifndef PKTSIM_UNISTD_H
#define PKTSIM_UNISTD_H

#include <sys/types.h>

/* Sleep in virtual time (the thread gives up its CPU; it keeps what it holds). */
unsigned int pktsim_sleep(unsigned int seconds);
int pktsim_usleep(useconds_t usec);
/* The calling simulated thread's id (what pthread_setname_np and nw_pthread_reap take). */
pid_t pktsim_gettid(void);
/* QNX: busy-wait ms of virtual time, keeping the CPU (see <sys/systm.h>). */
unsigned int delay(unsigned int ms);

#ifndef PKTSIM_NO_REDIRECT
#define sleep pktsim_sleep
#define usleep pktsim_usleep
#define gettid pktsim_gettid
#endif

#endif
