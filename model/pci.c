/*
 * model/pci.c — the simulated PCI bus (<hw/pci.h>) and device mappings (<sys/mman.h>:
 * mmap_device_io, mmap_device_memory).
 *
 * Bus 0 holds one function per simnic unit, in creation order: unit N is device N + 1,
 * function 0, vendor SIMNIC_VENDOR_ID, device SIMNIC_DEVICE_ID, class 0x020000 (Ethernet),
 * revision 1, BAR 0 a 32-bit memory BAR of SIMNIC_BAR_SIZE bytes at NIC_BAR_BASE + N *
 * NIC_BAR_STRIDE, IRQ NIC_IRQ_BASE + N. pci_attach_device finds the idx-th function
 * matching the search (vendor and device, vendor, class, or bus and devfunc) and attaches
 * it (exclusively unless every attacher passes PCI_SHARE). pci_detach_device lets it go: when
 * the last holder does, the unit is marked released for the DMA-after-shutdown detector
 * (nic_dma.c).
 */
#define PKTSIM_NO_REDIRECT
#include "nic_int.h"

#include <errno.h>
#include <hw/pci.h>
#include <string.h>
#include <sys/mman.h>

#define PCI_ATTACH_MAX 64
#define PCI_MAGIC 0x70636961u  /* "pcia" */

struct pci_att {
	uint32_t magic;
	int used;
	int unit;
	int share;
};

static struct {
	struct pci_att att[PCI_ATTACH_MAX];
	int servers;
} B;

static void trace(struct nic *u, const char *what, int64_t v)
{
	if (nic_g.w)
		sim_emit(nic_g.w, nic_g.k.wire, (int64_t)(u ? u->unit : -1), what, v);
}

int pci_attach(unsigned flags)
{
	(void)flags;
	return ++B.servers;
}

int pci_detach(unsigned handle)
{
	(void)handle;
	return 0;
}

static void fill(const struct nic *u, struct pci_dev_info *info)
{
	memset(info, 0, sizeof(*info));
	info->VendorId = SIMNIC_VENDOR_ID;
	info->DeviceId = SIMNIC_DEVICE_ID;
	info->SubsystemVendorId = SIMNIC_VENDOR_ID;
	info->SubsystemId = SIMNIC_DEVICE_ID;
	info->BusNumber = 0;
	info->DevFunc = (uint8_t)PCI_DEVFUNC(u->unit + 1, 0);
	info->Revision = 1;
	info->Class = PCI_CLASS_NETWORK | PCI_SUBCLASS_NETWORK_ETHERNET;
	info->Irq = (uint32_t)u->irq;
	info->PciBaseAddress[0] = u->bar;
	info->CpuBaseAddress[0] = u->bar;
	info->BaseAddressSize[0] = SIMNIC_BAR_SIZE;
}

/* The idx-th unit matching the search in info, or NULL. */
static struct nic *search(uint32_t flags, uint16_t idx, const struct pci_dev_info *info)
{
	int k = 0;
	for (int i = 0; i < nic_g.n; i++) {
		struct nic *u = nic_g.units[i];
		int match;
		switch (flags & PCI_SEARCH_MASK) {
		case PCI_SEARCH_VEND:
			match = info->VendorId == SIMNIC_VENDOR_ID;
			break;
		case PCI_SEARCH_CLASS:
			match = (info->Class & 0xffff00u) == PCI_CLASS_NETWORK;
			break;
		case PCI_SEARCH_BUSDEV:
			match = info->BusNumber == 0 && info->DevFunc == PCI_DEVFUNC(u->unit + 1, 0);
			break;
		default:  /* PCI_SEARCH_VENDEV */
			match = info->VendorId == SIMNIC_VENDOR_ID && info->DeviceId == SIMNIC_DEVICE_ID;
			break;
		}
		if (match && k++ == idx)
			return u;
	}
	return NULL;
}

static struct pci_att *att_check(void *handle)
{
	struct pci_att *a = handle;
	if (!a || a < B.att || a >= B.att + PCI_ATTACH_MAX || a->magic != PCI_MAGIC || !a->used)
		return NULL;
	return a;
}

void *pci_attach_device(void *handle, uint32_t flags, uint16_t idx, void *bufptr)
{
	struct pci_dev_info *info = bufptr;
	struct pci_att *a;
	struct nic *u;
	if (!info) {
		errno = EINVAL;
		return NULL;
	}
	if (handle) {  /* re-attach: fill info again */
		if (!(a = att_check(handle))) {
			errno = EINVAL;
			return NULL;
		}
		u = nic_unit(a->unit);
		fill(u, info);
		if (flags & PCI_MASTER_ENABLE)
			u->pci_command |= PCI_COMMAND_MASTER_ENABLE | PCI_COMMAND_MEM_ENABLE;
		return a;
	}
	if (!(u = search(flags, idx, info))) {
		errno = ENODEV;
		return NULL;
	}
	if (u->pci_attached) {
		int shared = 1;
		for (int i = 0; i < PCI_ATTACH_MAX; i++)
			if (B.att[i].used && B.att[i].unit == u->unit && !B.att[i].share)
				shared = 0;
		if (!shared || !(flags & PCI_SHARE)) {
			errno = EBUSY;
			return NULL;
		}
	}
	for (a = B.att; a < B.att + PCI_ATTACH_MAX && a->used; a++)
		;
	if (a == B.att + PCI_ATTACH_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	a->magic = PCI_MAGIC;
	a->used = 1;
	a->unit = u->unit;
	a->share = (flags & PCI_SHARE) != 0;
	u->pci_attached++;
	u->pci_released = 0;
	u->shutdown_dma_reported = 0;
	u->pci_command |= PCI_COMMAND_MEM_ENABLE;
	if (flags & PCI_MASTER_ENABLE)
		u->pci_command |= PCI_COMMAND_MASTER_ENABLE;
	fill(u, info);
	trace(u, "pci attach", (int64_t)flags);
	return a;
}

int pci_detach_device(void *handle)
{
	struct pci_att *a = att_check(handle);
	struct nic *u;
	if (!a) {
		errno = EINVAL;
		return -1;
	}
	u = nic_unit(a->unit);
	a->used = 0;
	if (u && --u->pci_attached == 0) {
		nic_sync(u);
		u->pci_released = 1;
		trace(u, "pci detach (released)", (int64_t)u->ctrl);
	}
	return 0;
}

int pci_find_device(unsigned devid, unsigned venid, unsigned index, unsigned *busnum,
                    unsigned *devfuncnum)
{
	struct nic *u = devid == SIMNIC_DEVICE_ID && venid == SIMNIC_VENDOR_ID ? nic_unit((int)index)
	                                                                      : NULL;
	if (!u)
		return 0x86;  /* PCI_DEVICE_NOT_FOUND */
	if (busnum)
		*busnum = 0;
	if (devfuncnum)
		*devfuncnum = (unsigned)PCI_DEVFUNC(u->unit + 1, 0);
	return 0;
}

static void config_space(const struct nic *u, uint8_t cs[64])
{
	memset(cs, 0, 64);
	cs[0] = SIMNIC_VENDOR_ID & 0xff;
	cs[1] = SIMNIC_VENDOR_ID >> 8;
	cs[2] = SIMNIC_DEVICE_ID & 0xff;
	cs[3] = SIMNIC_DEVICE_ID >> 8;
	cs[4] = (uint8_t)u->pci_command;
	cs[5] = (uint8_t)(u->pci_command >> 8);
	cs[8] = 1;     /* revision */
	cs[11] = 0x02; /* class: network, Ethernet */
	for (int i = 0; i < 4; i++)
		cs[0x10 + i] = (uint8_t)(u->bar >> (8 * i));
	cs[0x2c] = cs[0];
	cs[0x2d] = cs[1];
	cs[0x2e] = cs[2];
	cs[0x2f] = cs[3];
	cs[0x3c] = (uint8_t)u->irq;
	cs[0x3d] = 1;  /* INTA# */
}

int pci_read_config(void *handle, unsigned offset, unsigned cnt, size_t size, void *bufptr)
{
	struct pci_att *a = att_check(handle);
	uint8_t cs[64];
	if (!a || (size != 1 && size != 2 && size != 4) || !bufptr) {
		errno = EINVAL;
		return -1;
	}
	config_space(nic_unit(a->unit), cs);
	for (unsigned i = 0; i < cnt * size; i++)
		((uint8_t *)bufptr)[i] = offset + i < 64 ? cs[offset + i] : 0;
	return 0;
}

int pci_write_config(void *handle, unsigned offset, unsigned cnt, size_t size,
                     const void *bufptr)
{
	struct pci_att *a = att_check(handle);
	const uint8_t *p = bufptr;
	if (!a || (size != 1 && size != 2 && size != 4) || !bufptr) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < cnt * size; i++) {  /* only the command register is writable */
		struct nic *u = nic_unit(a->unit);
		if (offset + i == 4)
			u->pci_command = (u->pci_command & 0xff00) | p[i];
		else if (offset + i == 5)
			u->pci_command = (u->pci_command & 0x00ff) | p[i] << 8;
	}
	return 0;
}

/* ------------------------------------------------------------ device mappings */

uintptr_t mmap_device_io(size_t len, uint64_t io)
{
	struct nic *u = nic_by_addr((uintptr_t)io);
	if (!u || len == 0 || nic_by_addr((uintptr_t)(io + len - 1)) != u) {
		errno = ENXIO;
		return MAP_DEVICE_FAILED;
	}
	u->maps++;
	trace(u, "mmap_device_io", (int64_t)len);
	return (uintptr_t)io;
}

int munmap_device_io(uintptr_t io, size_t len)
{
	struct nic *u = nic_by_addr(io);
	if (!u || u->maps == 0) {
		errno = EINVAL;
		return -1;
	}
	u->maps--;
	trace(u, "munmap_device_io", (int64_t)len);
	return 0;
}

void *mmap_device_memory(void *addr, size_t len, int prot, int flags, uint64_t physical)
{
	struct nic *u = nic_by_addr((uintptr_t)physical);
	(void)addr, (void)prot, (void)flags;
	if (u) {
		trace(u, "mmap_device_memory refused: use mmap_device_io and in32/out32", 0);
		errno = ENOTSUP;
		return MAP_FAILED;
	}
	{
		struct nic_region *g = nic_region_by_bus(physical);
		if (g && g->live && physical + len <= g->bus + (g->end - g->base))
			return (void *)(g->base + (uintptr_t)(physical - g->bus));  /* its DMA memory */
	}
	errno = ENXIO;
	return MAP_FAILED;
}

int munmap_device_memory(void *addr, size_t len)
{
	(void)addr, (void)len;
	return 0;
}
