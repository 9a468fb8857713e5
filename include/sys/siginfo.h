/*
 * include/sys/siginfo.h — QNX's struct sigevent, the event an ISR returns and io-pkt's
 * interrupt_queue() hands back: a pulse to a connection (SIGEV_PULSE) or an interrupt
 * wake-up (SIGEV_INTR).
 *
 * The C library has its own struct sigevent (POSIX timers) with other fields. After the
 * library's headers are in, the tag "sigevent" is renamed so that `struct sigevent` in a
 * driver means QNX's layout below; union sigval is the library's (same members).
 */
#ifndef PKTSIM_SYS_SIGINFO_H
#define PKTSIM_SYS_SIGINFO_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

#define sigevent pktsim_sigevent

struct sigevent {
	int sigev_notify;
	union {
		int sigev_signo;
		int sigev_coid;   /* SIGEV_PULSE: the connection the pulse is sent on */
		intptr_t sigev_id;
	};
	union sigval sigev_value;
	struct {
		short sigev_code;     /* SIGEV_PULSE: the pulse code */
		short sigev_priority; /* SIGEV_PULSE: priority, or SIGEV_PULSE_PRIO_INHERIT */
	};
};

/* QNX's notification types (the library's SIGEV_NONE/SIGNAL/THREAD keep their values:
 * pktsim delivers only the two below). */
#define SIGEV_PULSE 4
#define SIGEV_UNBLOCK 5
#define SIGEV_INTR 6

#define SIGEV_PULSE_PRIO_INHERIT (-1)

#define SIGEV_PULSE_INIT(__e, __coid, __prio, __code, __value) \
	((__e)->sigev_notify = SIGEV_PULSE, (__e)->sigev_coid = (__coid), \
	 (__e)->sigev_value.sival_ptr = (void *)(intptr_t)(__value), \
	 (__e)->sigev_priority = (short)(__prio), (__e)->sigev_code = (short)(__code))
#define SIGEV_PULSE_PTR_INIT(__e, __coid, __prio, __code, __value) \
	((__e)->sigev_notify = SIGEV_PULSE, (__e)->sigev_coid = (__coid), \
	 (__e)->sigev_value.sival_ptr = (void *)(__value), \
	 (__e)->sigev_priority = (short)(__prio), (__e)->sigev_code = (short)(__code))
#define SIGEV_INTR_INIT(__e) ((__e)->sigev_notify = SIGEV_INTR)
#define SIGEV_NONE_INIT(__e) ((__e)->sigev_notify = SIGEV_NONE)

#endif
