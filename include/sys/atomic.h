/*
 * <sys/atomic.h> — NetBSD's memory barriers, which io-pkt drivers use between writing a
 * DMA descriptor and ringing the device's doorbell. Each is a real full barrier of the
 * host and costs the calling thread the configured "barrier" time in virtual time
 * (docs/latency.md; none in an ISR).
 */
#ifndef _SYS_ATOMIC_H_INCLUDED
#define _SYS_ATOMIC_H_INCLUDED

#ifdef __cplusplus
extern "C" {
#endif

void membar_producer(void);  /* earlier stores before later stores */
void membar_consumer(void);  /* earlier loads before later loads */
void membar_sync(void);      /* everything before everything after */
void membar_enter(void);
void membar_exit(void);

#ifdef __cplusplus
}
#endif

#endif
