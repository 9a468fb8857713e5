/*
 * include/time.h — the C library's <time.h>, with clocks and sleeps in virtual time.
 *
 * clock_gettime: CLOCK_MONOTONIC (and every clock but CLOCK_REALTIME) reads the virtual
 * time since the start of the run; CLOCK_REALTIME reads a fixed epoch
 * (PKTSIM_REALTIME_EPOCH, 2024-01-01T00:00:00Z) plus that. Nothing reads the wall clock.
 * nanosleep / clock_nanosleep sleep in virtual time; nanospin_ns busy-waits (QNX).
 */
#include_next <time.h>

#ifndef PKTSIM_TIME_H
#define PKTSIM_TIME_H

#define PKTSIM_REALTIME_EPOCH 1704067200LL

int pktsim_clock_gettime(clockid_t clk, struct timespec *ts);
int pktsim_nanosleep(const struct timespec *req, struct timespec *rem);
int pktsim_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                           struct timespec *rem);
int nanospin_ns(unsigned long nsec);

#ifndef PKTSIM_NO_REDIRECT
#define clock_gettime pktsim_clock_gettime
#define nanosleep pktsim_nanosleep
#define clock_nanosleep pktsim_clock_nanosleep
#endif

#endif
