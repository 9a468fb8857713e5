/*
 * <sys/mman.h> — the C library's, plus what QNX adds for drivers: device mappings
 * (mmap_device_io, mmap_device_memory), DMA-able memory (mmap with MAP_PHYS | MAP_ANON)
 * and bus addresses (mem_offset64, vtophys), as pktsim models them.
 *
 * DMA memory. The simulated NIC reads and writes only memory the driver owns: mbuf data
 * (io-pkt's pool) and DMA regions. A region is what
 *     mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_NOCACHE,
 *          MAP_SHARED | MAP_ANON | MAP_PHYS, NOFD, 0)
 * returns (page-aligned, zeroed); munmap gives it back, and DMA into it after that is
 * reported as "dma-after-free", naming where it was unmapped. Any other mmap goes to the
 * C library unchanged. pktsim's bus addresses are the host addresses: mem_offset64 and
 * vtophys return the address itself (for any memory; whether the NIC may touch it is
 * decided when it does).
 *
 * Registers. mmap_device_io(len, base) "maps" a unit's BAR (base = PCI_MEM_ADDR of
 * CpuBaseAddress[0]) and returns the address to give in32/out32 (<hw/inout.h>);
 * munmap_device_io undoes it. mmap_device_memory of a BAR is refused (ENOTSUP): pktsim
 * cannot see plain loads and stores, so registers are reached only through in32/out32.
 */
#include_next <sys/mman.h>

#ifndef PKTSIM_SYS_MMAN_H
#define PKTSIM_SYS_MMAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#if !defined(__USE_LARGEFILE64)
typedef __off64_t off64_t;
#endif

#define NOFD (-1)
#ifndef PROT_NOCACHE
#define PROT_NOCACHE 0x00000800      /* QNX: uncached (accepted, no effect) */
#endif
#ifndef MAP_PHYS
#define MAP_PHYS 0x40000000          /* QNX: physically contiguous (DMA-able) memory */
#endif
#ifndef MAP_ANON
#define MAP_ANON MAP_ANONYMOUS
#endif
#define MAP_DEVICE_FAILED ((uintptr_t)MAP_FAILED)

#ifdef __cplusplus
extern "C" {
#endif

void *pktsim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int pktsim_munmap(void *addr, size_t len);

uintptr_t mmap_device_io(size_t len, uint64_t io);
int munmap_device_io(uintptr_t io, size_t len);
void *mmap_device_memory(void *addr, size_t len, int prot, int flags, uint64_t physical);
int munmap_device_memory(void *addr, size_t len);

/* The bus address of addr (fd NOFD): *offset = the address, *contig_len = len. 0. */
int mem_offset64(const void *addr, int fd, size_t len, off64_t *offset, size_t *contig_len);
int mem_offset(const void *addr, int fd, size_t len, off_t *offset, size_t *contig_len);
/* The bus address of a pointer (or an integer address). */
uint64_t pktsim_vtophys(const void *addr);
#define vtophys(va) pktsim_vtophys((const void *)(uintptr_t)(va))

#ifdef __cplusplus
}
#endif

#ifndef PKTSIM_NO_REDIRECT
#define mmap pktsim_mmap
#define munmap pktsim_munmap
#endif

#endif
