/*
 * include/sys/kernel.h — the io-pkt clock rate (NetBSD's name and header).
 */
#ifndef PKTSIM_SYS_KERNEL_H
#define PKTSIM_SYS_KERNEL_H

/* Callout and ltsleep ticks per second: 119 in io-pkt (a tick is about 8.4 ms). */
extern int hz;

#endif
