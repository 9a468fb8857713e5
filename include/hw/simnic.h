/*
 * <hw/simnic.h> — the "datasheet" of simnic, pktsim's simulated Ethernet controller: its
 * PCI identity, register map and descriptor formats. The NIC model (model/nic*.c) and the
 * simnic driver (drivers/simnic) both build on this one header; docs/simnic.md explains
 * every register's behaviour and timing.
 *
 * Registers are 32 bits wide, little-endian, in a 4 KiB memory-mapped window (BAR 0)
 * reached with in32()/out32() from <hw/inout.h> on the address mmap_device_io() returns.
 * Descriptor rings and buffers live in the driver's memory; the NIC reaches them by DMA at
 * the bus addresses the driver programs (mem_offset64()/vtophys() of the memory).
 */
#ifndef _HW_SIMNIC_H_INCLUDED
#define _HW_SIMNIC_H_INCLUDED

#include <stdint.h>

#define SIMNIC_VENDOR_ID 0x5053   /* "PS" */
#define SIMNIC_DEVICE_ID 0x0001
#define SIMNIC_BAR_SIZE 0x1000

/* ------------------------------------------------------------ registers */

#define SIMNIC_CTRL 0x000     /* control (rw) */
#define SIMNIC_CTRL_RST 0x00000001u     /* reset: self-clearing; stops DMA, clears rings */
#define SIMNIC_CTRL_TXEN 0x00000002u    /* transmit engine enabled */
#define SIMNIC_CTRL_RXEN 0x00000004u    /* receive engine enabled */
#define SIMNIC_CTRL_PROMISC 0x00000008u /* accept every destination address */
#define SIMNIC_CTRL_ALLMULTI 0x00000010u/* accept every multicast address */

#define SIMNIC_STATUS 0x004   /* status (ro) */
#define SIMNIC_STATUS_LU 0x00000001u        /* link up */
#define SIMNIC_STATUS_SPEED_MASK 0x00000006u/* link speed, see SIMNIC_SPEED_* */
#define SIMNIC_STATUS_SPEED_SHIFT 1
#define SIMNIC_STATUS_FD 0x00000008u        /* full duplex */
#define SIMNIC_STATUS_RSTDONE 0x00000010u   /* reset complete */
#define SIMNIC_STATUS_TXACT 0x00000020u     /* TX DMA in progress */
#define SIMNIC_STATUS_RXACT 0x00000040u     /* RX DMA in progress */

#define SIMNIC_SPEED_10 0
#define SIMNIC_SPEED_100 1
#define SIMNIC_SPEED_1000 2
#define SIMNIC_SPEED_10000 3

#define SIMNIC_ICR 0x008      /* interrupt cause (read clears it) */
#define SIMNIC_IMS 0x00C      /* interrupt mask set: write 1s to enable causes; read: mask */
#define SIMNIC_IMC 0x010      /* interrupt mask clear: write 1s to disable causes */
#define SIMNIC_INT_TXDW 0x00000001u  /* a TX descriptor with SIMNIC_TXD_CMD_RS was done */
#define SIMNIC_INT_RXDW 0x00000002u  /* a received frame was written to the RX ring */
#define SIMNIC_INT_LSC 0x00000004u   /* link status changed */
#define SIMNIC_INT_RXO 0x00000008u   /* receive overrun: a frame came, no RX descriptor */
#define SIMNIC_INT_TXERR 0x00000010u /* a TX descriptor was malformed */
#define SIMNIC_INT_DMAERR 0x00000020u/* DMA to/from an address the driver does not own */

#define SIMNIC_ITR 0x014      /* interrupt coalescing (rw): 0 = an interrupt per event */
#define SIMNIC_ITR_COUNT_MASK 0x0000ffffu  /* raise after this many events ... */
#define SIMNIC_ITR_USEC_SHIFT 16           /* ... or this many microseconds after the first */

#define SIMNIC_MAC_LO 0x020   /* station address bytes 0..3 (rw; reset: from the EEPROM) */
#define SIMNIC_MAC_HI 0x024   /* station address bytes 4..5 in bits 15..0 */

#define SIMNIC_TDBAL 0x030    /* TX ring bus address, low 32 bits */
#define SIMNIC_TDBAH 0x034    /* TX ring bus address, high 32 bits */
#define SIMNIC_TDLEN 0x038    /* TX ring size in descriptors (power of two, 8..4096) */
#define SIMNIC_TDH 0x03C      /* TX head: next descriptor the NIC will process (ro) */
#define SIMNIC_TDT 0x040      /* TX tail: one past the last descriptor given to the NIC */

#define SIMNIC_RDBAL 0x050    /* RX ring bus address, low 32 bits */
#define SIMNIC_RDBAH 0x054
#define SIMNIC_RDLEN 0x058    /* RX ring size in descriptors (power of two, 8..4096) */
#define SIMNIC_RDH 0x05C      /* RX head: next descriptor the NIC will fill (ro) */
#define SIMNIC_RDT 0x060      /* RX tail: one past the last descriptor given to the NIC */
#define SIMNIC_RXBUFSZ 0x064  /* size of every RX buffer in bytes (256..16384) */

#define SIMNIC_MDIC 0x070     /* MII management: one PHY register access */
#define SIMNIC_MDIC_DATA_MASK 0x0000ffffu
#define SIMNIC_MDIC_REG_SHIFT 16        /* PHY register, 5 bits */
#define SIMNIC_MDIC_PHY_SHIFT 21        /* PHY address, 5 bits (the PHY answers at 1) */
#define SIMNIC_MDIC_OP_READ 0x04000000u /* 1 read, 0 write */
#define SIMNIC_MDIC_READY 0x40000000u   /* set by the NIC when the access is done */
#define SIMNIC_MDIC_ERROR 0x80000000u   /* no PHY at that address */

/* Statistics (ro, cumulative since reset, wrap at 2^32). */
#define SIMNIC_GPTC 0x100     /* good frames transmitted */
#define SIMNIC_GPRC 0x104     /* good frames received */
#define SIMNIC_GOTC 0x108     /* good octets transmitted (low 32 bits) */
#define SIMNIC_GORC 0x10C     /* good octets received (low 32 bits) */
#define SIMNIC_MPC 0x110      /* frames missed: no RX descriptor (overrun) */
#define SIMNIC_CRCERRS 0x114  /* frames received with a bad CRC (corrupted on the wire) */
#define SIMNIC_TXDROP 0x118   /* frames dropped by TX: link down while transmitting */

/* ------------------------------------------------------------ the PHY (MII) */

#define SIMNIC_PHY_ADDR 1
#define MII_BMCR 0x00         /* control: 0x8000 reset, 0x1000 autoneg enable, speed bits */
#define MII_BMSR 0x01         /* status: 0x0004 link status (latched low), 0x0020 autoneg done */
#define MII_PHYIDR1 0x02
#define MII_PHYIDR2 0x03
#define MII_ANAR 0x04
#define MII_ANLPAR 0x05
#define SIMNIC_PHY_SPEED 0x11 /* vendor register: bits 1..0 SIMNIC_SPEED_*, bit 2 full duplex */

/* ------------------------------------------------------------ descriptors */

/* TX descriptor, 16 bytes, little-endian. The driver fills addr/len/cmd and clears status;
 * the NIC sets SIMNIC_TXD_STA_DD when it is done with the buffer (only then may the
 * driver free or reuse it). A frame may span several descriptors; the last has EOP. */
struct simnic_tx_desc {
	uint64_t addr;        /* bus address of the buffer */
	uint16_t len;         /* bytes in this buffer */
	uint8_t cmd;
	uint8_t status;
	uint32_t reserved;
};
#define SIMNIC_TXD_CMD_EOP 0x01 /* end of frame */
#define SIMNIC_TXD_CMD_RS 0x02  /* report status: write DD back and raise TXDW */
#define SIMNIC_TXD_STA_DD 0x01  /* descriptor done */

/* RX descriptor, 16 bytes. The driver fills addr (a buffer of RXBUFSZ bytes) and clears
 * status; the NIC writes the frame, len and status (DD, EOP; ERR for a bad CRC). */
struct simnic_rx_desc {
	uint64_t addr;
	uint16_t len;
	uint8_t status;
	uint8_t errors;
	uint32_t reserved;
};
#define SIMNIC_RXD_STA_DD 0x01
#define SIMNIC_RXD_STA_EOP 0x02
#define SIMNIC_RXD_ERR_CRC 0x01

#endif
