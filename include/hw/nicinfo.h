/*
 * <hw/nicinfo.h> — the NIC configuration record QNX network drivers keep (nic_config_t)
 * and report to nicinfo. pktsim's io-pkt never reads it: it is the driver's own state,
 * defined here so drivers written against QNX's headers compile. The field set is the
 * commonly used subset of QNX's, in our own layout (not binary compatible).
 */
#ifndef _HW_NICINFO_H_
#define _HW_NICINFO_H_

#include <stdint.h>
#include <sys/types.h>

#define NIC_MAX_MEM_WINDOWS 8
#define NIC_MAX_IO_WINDOWS 8
#define NIC_MAX_IRQS 8
#define NIC_MAX_DMA 4

/* nic_config_t.flags */
#define NIC_FLAG_MULTICAST 0x00000001
#define NIC_FLAG_BROADCAST 0x00000002
#define NIC_FLAG_PROMISCUOUS 0x00000004
#define NIC_FLAG_LINK_DOWN 0x00000008   /* the driver's view of the link */
#define NIC_FLAG_FDX 0x00000010

/* nic_config_t.media */
#define NIC_MEDIA_802_3 0

#define NIC_PRIORITY_DEFAULT 21

typedef struct {
	uint32_t revision;
	uint32_t flags;                     /* NIC_FLAG_* */
	uint32_t mac_length;                /* bytes in an address: 6 */
	uint32_t mtu, mru;
	uint32_t lan;                       /* the unit */
	uint32_t media, connector;
	int64_t media_rate;                 /* kbit/s; -1 unknown */
	int duplex;                         /* 1 full, 0 half, -1 unknown */
	uint32_t phy_addr;
	uint8_t current_address[8];         /* the station address in use */
	uint8_t permanent_address[8];       /* the factory address */
	uint32_t num_mem_windows;
	uint64_t mem_window_base[NIC_MAX_MEM_WINDOWS];
	uint64_t mem_window_size[NIC_MAX_MEM_WINDOWS];
	uint32_t num_io_windows;
	uint64_t io_window_base[NIC_MAX_IO_WINDOWS];
	uint64_t io_window_size[NIC_MAX_IO_WINDOWS];
	uint32_t num_irqs;
	uint32_t irq[NIC_MAX_IRQS];
	uint32_t num_dma;
	uint32_t dma_channel[NIC_MAX_DMA];
	uint32_t vendor_id, device_id, device_revision;
	int32_t device_index;
	uint32_t bus_number, device_number, function_number;
	int priority;
	uint32_t iftype;
	int verbose;                        /* the "verbose=N" option */
	char uptype[32];                    /* "en" */
	char device_description[64];
} nic_config_t;

#endif
