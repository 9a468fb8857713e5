/*
 * include/sys/syspage.h — the parts of QNX's system page a driver reads: the number of
 * CPUs and the clock entry, whose `intr` is the IRQ line of the system timer. pktsim
 * raises that line every millisecond of virtual time while something is attached to
 * it (drivers that poll from the timer interrupt attach there).
 *
 * SYSPAGE_ENTRY supports qtime only; any other entry does not build.
 */
#ifndef PKTSIM_SYS_SYSPAGE_H
#define PKTSIM_SYS_SYSPAGE_H

#include <stdint.h>

struct qtime_entry {
	uint64_t cycles_per_sec;   /* 1e9: a cycle is a nanosecond of virtual time */
	volatile uint64_t nsec_tod_adjust;
	volatile uint64_t nsec;
	uint32_t nsec_inc;         /* 1 ms between timer interrupts, in ns */
	uint32_t boot_time;
	uint32_t timer_rate;
	int32_t timer_scale;
	uint32_t timer_load;
	int32_t intr;              /* IRQ line of the system timer */
	uint32_t epoch;
	uint32_t flags;
	uint32_t rr_interval_mul;
	uint32_t spare0;
	uint64_t timer_prog_time;
	uint32_t spare[7];
};

struct syspage_entry {
	uint16_t size;
	uint16_t total_size;
	uint16_t type;
	uint16_t num_cpu;
};

extern struct syspage_entry *_syspage_ptr;
extern struct qtime_entry pktsim_syspage_qtime;

#define SYSPAGE_ENTRY(__entry) (&pktsim_syspage_##__entry)

#endif
