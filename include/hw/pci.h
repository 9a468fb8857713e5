/*
 * <hw/pci.h> — the part of QNX's PCI server API a network driver uses to find its device,
 * over pktsim's simulated PCI bus: one function per simnic unit (model_nic_create), in
 * creation order, vendor SIMNIC_VENDOR_ID, device SIMNIC_DEVICE_ID, class "Ethernet
 * controller". Each has one memory BAR (CpuBaseAddress[0], SIMNIC_BAR_SIZE bytes, for
 * mmap_device_io) and its own IRQ line (Irq).
 *
 *     int hdl = pci_attach(0);
 *     struct pci_dev_info info = { .VendorId = SIMNIC_VENDOR_ID, .DeviceId = SIMNIC_DEVICE_ID };
 *     void *dev = pci_attach_device(NULL, PCI_SEARCH_VENDEV | PCI_INIT_ALL |
 *                                   PCI_MASTER_ENABLE, unit_index, &info);
 *     uintptr_t regs = mmap_device_io(SIMNIC_BAR_SIZE, PCI_MEM_ADDR(info.CpuBaseAddress[0]));
 *     ... InterruptAttach_r(info.Irq, ...)
 *     pci_detach_device(dev); pci_detach(hdl);
 *
 * A function is attached by one driver at a time unless every attacher passes PCI_SHARE
 * (else EBUSY). pci_detach_device tells the hardware model the driver has let the unit go:
 * DMA after that, with the engines left running, is reported (docs/simnic.md).
 * Functions return -1 / NULL with errno set on failure, as QNX's do.
 */
#ifndef __PCI_H_INCLUDED
#define __PCI_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* QNX's <sys/types.h> has off64_t (the type of bus addresses from mem_offset64); glibc's only
 * with _LARGEFILE64_SOURCE. Also in <sys/mman.h>. */
#if !defined(__USE_LARGEFILE64)
typedef __off64_t off64_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct pci_dev_info {
	uint16_t DeviceId;
	uint16_t VendorId;
	uint16_t SubsystemId;
	uint16_t SubsystemVendorId;
	uint8_t BusNumber;
	uint8_t DevFunc;
	uint8_t Revision;
	uint8_t Rsvd[5];
	uint32_t Class;
	uint32_t Irq;
	uint64_t CpuIoTranslation;
	uint64_t CpuMemTranslation;
	uint64_t CpuIsaTranslation;
	uint64_t CpuBmstrTranslation;
	uint64_t PciBaseAddress[6];
	uint64_t CpuBaseAddress[6];
	uint32_t BaseAddressSize[6];
	uint64_t PciRom;
	uint64_t CpuRom;
	uint32_t RomSize;
	uint32_t Rsvd1;
	uint64_t BusIoStart;
	uint64_t BusIoEnd;
	uint64_t BusMemStart;
	uint64_t BusMemEnd;
	uint8_t msi;
	uint8_t Rsvd2[3];
};

/* pci_attach_device flags (QNX's values) */
#define PCI_SHARE 0x00000001
#define PCI_PERSIST 0x00000002
#define PCI_SEARCH_VEND 0x00000010
#define PCI_SEARCH_VENDEV 0x00000020
#define PCI_SEARCH_CLASS 0x00000040
#define PCI_SEARCH_BUSDEV 0x00000080
#define PCI_SEARCH_MASK 0x000000f0
#define PCI_MASK_VENDDEV 0x00000100
#define PCI_INIT_IRQ 0x00010000
#define PCI_INIT_ROM 0x00020000
#define PCI_INIT_BASE0 0x00040000
#define PCI_INIT_BASE1 0x00080000
#define PCI_INIT_BASE2 0x00100000
#define PCI_INIT_BASE3 0x00200000
#define PCI_INIT_BASE4 0x00400000
#define PCI_INIT_BASE5 0x00800000
#define PCI_MASTER_ENABLE 0x01000000
#define PCI_FASTB2B 0x02000000
#define PCI_MGR_ATTACH 0x04000000
#define PCI_BUS_INFO 0x10000000
#define PCI_USE_MSI 0x20000000
#define PCI_USE_MSIX 0x40000000
#define PCI_INIT_ALL 0x00fd0000
#define PCI_HW_INIT 0x00fe0000

/* Class codes */
#define PCI_CLASS_NETWORK 0x00020000
#define PCI_SUBCLASS_NETWORK_ETHERNET 0x00000000

/* Decoding base addresses */
#define PCI_IS_IO(address) (((address) & 1) && 1)
#define PCI_IS_MEM(address) (!PCI_IS_IO(address))
#define PCI_IO_ADDR(address) ((address) & ~0x3)
#define PCI_MEM_ADDR(address) ((address) & ~0xf)
#define PCI_ROM_ADDR(address) ((address) & ~1)
#define PCI_IS_MMAP32(address) (!((address) & 0x6))
#define PCI_IS_MMAP64(address) ((address) & 0x4)
#define PCI_IS_PREFETCH(address) ((address) & 0x8)
#define PCI_DEVNO(address) ((address) >> 3)
#define PCI_FUNCNO(address) ((address) & 7)
#define PCI_DEVFUNC(dev, func) (((dev) << 3) | (func))

/* Configuration space offsets the model answers (the rest reads as zero) */
#define PCI_VENDOR_ID_OFF 0x00
#define PCI_DEVICE_ID_OFF 0x02
#define PCI_COMMAND_OFF 0x04
#define PCI_COMMAND_MEM_ENABLE 0x0002
#define PCI_COMMAND_MASTER_ENABLE 0x0004
#define PCI_BAR0_OFF 0x10
#define PCI_INTERRUPT_LINE_OFF 0x3c

int pci_attach(unsigned flags);
int pci_detach(unsigned handle);
/* bufptr is a struct pci_dev_info: VendorId/DeviceId (or Class, or BusNumber/DevFunc)
 * select the function, the rest is filled in. handle NULL: a new attachment. */
void *pci_attach_device(void *handle, uint32_t flags, uint16_t idx, void *bufptr);
int pci_detach_device(void *handle);
int pci_find_device(unsigned devid, unsigned venid, unsigned index, unsigned *busnum,
                    unsigned *devfuncnum);
/* cnt items of size bytes from configuration offset (only 1, 2 and 4 byte items). */
int pci_read_config(void *handle, unsigned offset, unsigned cnt, size_t size, void *bufptr);
int pci_write_config(void *handle, unsigned offset, unsigned cnt, size_t size,
                     const void *bufptr);

#ifdef __cplusplus
}
#endif

#endif
