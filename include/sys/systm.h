/*
 * include/sys/systm.h — kernel odds and ends a driver uses (NetBSD's header): delays,
 * shutdown hooks, log(), panic(), strlcpy.
 *
 * Delays (the core's):
 * delay(ms) busy-waits: the calling thread keeps its CPU and everything it holds for ms
 * of virtual time; in the stack context it blocks the whole stack.
 * nic_delay(ms) is the polite form for driver code: in a pseudo-thread it sleeps (at least
 * one tick, giving the stack to others); in a thread outside the stack it is delay();
 * on proc0 (a callout) it is an error — io-pkt panics, pktsim reports "nic_delay-on-proc0".
 *
 * log(): as in io-pkt and NetBSD kernel code, log(LOG_ERR, "fmt", ...) writes a system
 * log message (pktsim: a "log" trace record). Because the C library's log() is the
 * logarithm, log is a macro here, for nw_log(). <math.h> is included first, so including
 * it again later is harmless; but a driver including this header cannot call the
 * mathematical log() by that name (call logl/log1p, or #undef log where needed).
 */
#ifndef PKTSIM_SYS_SYSTM_H
#define PKTSIM_SYS_SYSTM_H

#include <math.h>      /* before the log macro below: its declarations are then done */
#include <stddef.h>
#include <string.h>
#include <syslog.h>
#include <sys/kernel.h>
#include <sys/proc.h>

unsigned int delay(unsigned int ms);
int nic_delay(int ms);

/*
 * Shutdown hooks run when io-pkt exits or crashes, once, newest first: they should only
 * stop DMA and mask interrupts. establish returns a handle for disestablish, or NULL.
 * A driver establishes its hook in attach and must disestablish it in detach.
 */
void *shutdownhook_establish(void (*fn)(void *), void *arg);
void shutdownhook_disestablish(void *handle);

/* A system log message at level LOG_* (pktsim: a "log" trace record). Any context. */
void nw_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#undef log
#define log(...) nw_log(__VA_ARGS__)

/* io-pkt stops here. pktsim reports a breach "panic" with the message and returns: the
 * run ends after the current event. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define KASSERT(e) ((e) ? (void)0 : panic("assertion \"%s\" failed: %s:%d", #e, __FILE__, __LINE__))

#if !defined(__GLIBC__) || __GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38)
/* QNX's C library has these; older glibc does not, so io-pkt's model provides them. */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
#endif

#endif
