/*
 * <pktsim_cost.h> — pktsim's one addition to the driver API: a driver states what its own
 * computation costs, so that pktsim's stack-context latency report (docs/latency.md)
 * charges it. io-pkt has no such call; on a real target the CPU simply takes the time.
 *
 * pktsim_cost(ns): the calling thread keeps its CPU (and whatever it holds: the stack
 * context, a mutex) for ns nanoseconds of virtual time, recorded as the costing event
 * "pktsim_cost" of the driver function running. In an ISR (the kernel context) no time
 * passes. A driver built for QNX can define it away: #define pktsim_cost(ns) ((void)0).
 */
#ifndef _PKTSIM_COST_H_INCLUDED
#define _PKTSIM_COST_H_INCLUDED

#ifdef __cplusplus
extern "C" {
#endif

void pktsim_cost(unsigned long ns);

#ifdef __cplusplus
}
#endif

#endif
