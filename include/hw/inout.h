/*
 * <hw/inout.h> — QNX's port and memory-mapped register access, as pktsim models it.
 *
 * A driver reaches its device's registers through the address mmap_device_io() returned
 * (<sys/mman.h>), plus the register's offset: in32(base + SIMNIC_STATUS). On QNX these are
 * inline instructions; in pktsim each call goes to the simulated hardware (model/nic_regs.c),
 * which dispatches it to the unit whose BAR holds the address and charges its virtual time:
 * a read holds the calling thread's CPU for the unit's reg_read_ns (default 1 us), a posted
 * write for reg_write_ns (default 50 ns). In an ISR (the kernel context) no time passes; the
 * cost is only recorded in the trace. An address no unit decodes, or one of a unit nobody
 * mapped, is reported (breach "io-bad-address" / "io-unmapped") and reads as all ones.
 *
 * Registers of simnic are 32 bits wide: use in32/out32. The 8- and 16-bit forms act on the
 * register that holds the addressed bytes (a read has the register's side effects; a write
 * merges the bytes into the register's current value).
 */
#ifndef _HW_INOUT_H_INCLUDED
#define _HW_INOUT_H_INCLUDED

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint8_t in8(uintptr_t port);
uint16_t in16(uintptr_t port);
uint32_t in32(uintptr_t port);
void out8(uintptr_t port, uint8_t val);
void out16(uintptr_t port, uint16_t val);
void out32(uintptr_t port, uint32_t val);

/* Repeated accesses to one port into / from a buffer (QNX's "string" forms). */
void *in8s(void *buff, unsigned len, uintptr_t port);
void *in16s(void *buff, unsigned len, uintptr_t port);
void *in32s(void *buff, unsigned len, uintptr_t port);
void const *out8s(const void *buff, unsigned len, uintptr_t port);
void const *out16s(const void *buff, unsigned len, uintptr_t port);
void const *out32s(const void *buff, unsigned len, uintptr_t port);

/* Explicit byte order: the simulated bus is little-endian, like the host. */
#define inle16(port) in16(port)
#define inle32(port) in32(port)
#define outle16(port, val) out16((port), (val))
#define outle32(port, val) out32((port), (val))
#define inbe16(port) __builtin_bswap16(in16(port))
#define inbe32(port) __builtin_bswap32(in32(port))
#define outbe16(port, val) out16((port), __builtin_bswap16((uint16_t)(val)))
#define outbe32(port, val) out32((port), __builtin_bswap32((uint32_t)(val)))

#ifdef __cplusplus
}
#endif

#endif
