/*
 * tests/model/test_nic.c — simnic, the simulated NIC (docs/simnic.md): the PCI function and
 * register map, register costs, ring wrap-around, DMA timing at each link speed, RX timing,
 * interrupt masking and coalescing, every fault knob, link changes and the PHY, loopback and
 * two units back to back, the peer's end-to-end checks, and each DMA detector firing on a
 * deliberately wrong use and staying silent on the correct one.
 *
 * The test thread is the driver (nic_fixture.h). Each test runs in its own process.
 */
#include "nic_fixture.h"

#include <sys/mbuf.h>

static struct td TD, TD2;
static int STEP;                  /* 0: the driver did everything it meant to */
static sim_ns T0, T1;
static uint32_t V[64];            /* register values read by the driver */
static int NV;

static void rec(uint32_t v)
{
	if (NV < 64)
		V[NV++] = v;
}

#define OPEN(td, unit, ntx, nrx, mode)                                                     \
	do {                                                                               \
		int rc_ = td_open((td), (unit), (ntx), (nrx), (mode));                     \
		if (rc_) {                                                                 \
			STEP = 100 + rc_;                                                  \
			return;                                                            \
		}                                                                          \
	} while (0)

/* unit 0 opened with a 16-descriptor RX ring, filled, receiving (a driver's return on
 * failure, like OPEN) */
#define OPEN_RX_RUNNING(td)                                                                \
	do {                                                                               \
		OPEN(td, 0, 0, 16, 0);                                                     \
		td_rx_fill(td);                                                            \
		td_enable(td, 0);                                                          \
	} while (0)

#define RUN_OK()                                                                           \
	do {                                                                               \
		enum sim_end e_ = run();                                                   \
		ck_no_breach();                                                            \
		ck_assert_int_eq(e_, SIM_END_DONE);                                        \
		ck_assert_int_eq(STEP, 0);                                                 \
	} while (0)

/* ============================================================ PCI and registers */

static void drv_regs(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct pci_dev_info i2 = { .VendorId = SIMNIC_VENDOR_ID, .DeviceId = SIMNIC_DEVICE_ID };
	sim_ns t;
	uint32_t v;
	OPEN(td, 0, 8, 8, 0);
	/* exclusive attach; the second unit; no third */
	if (pci_attach_device(NULL, PCI_SEARCH_VENDEV, 0, &i2) != NULL || errno != EBUSY)
		STEP = 1;
	if (!pci_attach_device(NULL, PCI_SEARCH_VENDEV, 1, &i2) || i2.Irq != NIC_IRQ_BASE + 1 ||
	    i2.CpuBaseAddress[0] != NIC_BAR_BASE + NIC_BAR_STRIDE)
		STEP = 2;
	if (pci_attach_device(NULL, PCI_SEARCH_VENDEV, 2, &i2) != NULL || errno != ENODEV)
		STEP = 3;
	/* reset values */
	rec(td_r(td, SIMNIC_CTRL));
	rec(td_r(td, SIMNIC_STATUS));
	rec(td_r(td, SIMNIC_MAC_LO));
	rec(td_r(td, SIMNIC_MAC_HI));
	rec(td_r(td, SIMNIC_RXBUFSZ));
	rec(td_r(td, SIMNIC_IMS));
	/* costs: a read 1 us, a write 50 ns */
	t = sim_now(w);
	td_r(td, SIMNIC_STATUS);
	T0 = sim_now(w) - t;
	t = sim_now(w);
	td_w(td, SIMNIC_ITR, 0x00100004);
	T1 = sim_now(w) - t;
	rec(td_r(td, SIMNIC_ITR));
	/* IMS / IMC */
	td_w(td, SIMNIC_IMS, SIMNIC_INT_RXDW | SIMNIC_INT_LSC);
	rec(td_r(td, SIMNIC_IMS));
	td_w(td, SIMNIC_IMC, SIMNIC_INT_LSC);
	rec(td_r(td, SIMNIC_IMS));
	/* station address */
	td_w(td, SIMNIC_MAC_LO, 0x44332211);
	td_w(td, SIMNIC_MAC_HI, 0xabcd6655);
	rec(td_r(td, SIMNIC_MAC_HI));
	/* TDH is read-only */
	td_w(td, SIMNIC_TDH, 5);
	rec(td_r(td, SIMNIC_TDH));
	/* MDIC: PHY id, ready after the MDIO time; no PHY at address 2 */
	td_w(td, SIMNIC_MDIC, SIMNIC_MDIC_OP_READ | SIMNIC_PHY_ADDR << SIMNIC_MDIC_PHY_SHIFT |
	                          MII_PHYIDR1 << SIMNIC_MDIC_REG_SHIFT);
	rec(td_r(td, SIMNIC_MDIC) & SIMNIC_MDIC_READY);
	sim_sleep(w, 10 * SIM_US);
	v = td_r(td, SIMNIC_MDIC);
	rec(v & SIMNIC_MDIC_READY ? v & SIMNIC_MDIC_DATA_MASK : 0xdead);
	td_w(td, SIMNIC_MDIC, SIMNIC_MDIC_OP_READ | 2u << SIMNIC_MDIC_PHY_SHIFT);
	sim_sleep(w, 10 * SIM_US);
	rec(td_r(td, SIMNIC_MDIC) & (SIMNIC_MDIC_READY | SIMNIC_MDIC_ERROR));
	/* a reset brings the EEPROM's address back and clears the mask */
	td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_RST);
	rec(td_r(td, SIMNIC_MAC_LO));
	rec(td_r(td, SIMNIC_IMS));
	/* config space */
	{
		uint16_t id[2];
		pci_read_config(td->pdev, 0, 2, 2, id);
		rec((uint32_t)id[0] << 16 | id[1]);
	}
}

START_TEST(test_pci_and_registers)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", drv_regs, NULL);
	RUN_OK();
	ck_assert_int_eq(NV, 17);
	ck_assert_uint_eq(V[0], 0);                                  /* CTRL */
	ck_assert_uint_eq(V[1], SIMNIC_STATUS_LU | SIMNIC_SPEED_1000 << SIMNIC_STATUS_SPEED_SHIFT |
	                        SIMNIC_STATUS_FD | SIMNIC_STATUS_RSTDONE);
	ck_assert_uint_eq(V[2], 0x00535002);                         /* 02:50:53:00 */
	ck_assert_uint_eq(V[3], 0x0000);                             /* :00:00 (unit 0) */
	ck_assert_uint_eq(V[4], 2048);
	ck_assert_uint_eq(V[5], 0);
	ck_assert_int_eq(T0, SIM_US);
	ck_assert_int_eq(T1, 50);
	ck_assert_uint_eq(V[6], 0x00100004);
	ck_assert_uint_eq(V[7], SIMNIC_INT_RXDW | SIMNIC_INT_LSC);
	ck_assert_uint_eq(V[8], SIMNIC_INT_RXDW);
	ck_assert_uint_eq(V[9], 0x6655);
	ck_assert_uint_eq(V[10], 0);
	ck_assert_uint_eq(V[11], 0);                                 /* not ready yet */
	ck_assert_uint_eq(V[12], 0x5053);
	ck_assert_uint_eq(V[13], SIMNIC_MDIC_READY | SIMNIC_MDIC_ERROR);
	ck_assert_uint_eq(V[14], 0x00535002);
	ck_assert_uint_eq(V[15], 0);
	ck_assert_uint_eq(V[16], (uint32_t)SIMNIC_VENDOR_ID << 16 | SIMNIC_DEVICE_ID);
}
END_TEST

/* Registers are reached only through a mapping. */
static void drv_unmapped(sim_world *w, void *arg)
{
	in32(NIC_BAR_BASE + SIMNIC_STATUS);
}

START_TEST(test_io_unmapped)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_unmapped, NULL);
	ck_breach(run(), "io-unmapped", "register STATUS");
}
END_TEST

static void drv_badio(sim_world *w, void *arg)
{
	in32(0x1000);
}

START_TEST(test_io_bad_address)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_badio, NULL);
	ck_breach(run(), "io-bad-address", "in32");
}
END_TEST

/* ============================================================ TX timing per speed */

static const int SPEEDS[] = { 10, 100, 1000, 10000 };

static void drv_tx_timing(sim_world *w, void *arg)
{
	struct td *td = &TD;
	OPEN(td, 0, 16, 0, ISR_READ_ICR);
	td_enable(td, SIMNIC_INT_TXDW);
	for (int i = 0; i < 4; i++)
		td_queue(td, NULL, 1000, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, (uint64_t)i);
	T0 = sim_now(w);  /* the doorbell takes effect when written */
	td_kick(td);
	sim_sleep(w, 5 * SIM_MS);
	for (int i = 0; i < 4; i++)
		rec(td->txd[i].status);
	rec(td_r(td, SIMNIC_TDH));
	rec(td_r(td, SIMNIC_GPTC));
	rec(td_r(td, SIMNIC_GOTC));
}

START_TEST(test_tx_timing)
{
	int mbps = SPEEDS[_i];
	nic_world(NULL);
	nic_add(mbps, -1);
	nic_sink(0);
	spawn("driver", drv_tx_timing, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.nirq, 4);
	for (int i = 0; i < 4; i++) {
		/* a back-to-back run: frame i ends (i+1) slots after the first start */
		uint64_t bits = (uint64_t)(i + 1) * (1000 + 24) * 8;
		sim_ns want = T0 + 500 + (sim_ns)((bits * 1000 + (uint64_t)mbps - 1) / (uint64_t)mbps);
		ck_assert_msg(TD.irq_t[i] == want, "speed %d frame %d: irq at %lld, want %lld", mbps, i,
		              (long long)TD.irq_t[i], (long long)want);
		ck_assert_uint_eq(TD.irq_icr[i], SIMNIC_INT_TXDW);
		ck_assert_uint_eq(V[i], SIMNIC_TXD_STA_DD);
	}
	ck_assert_uint_eq(V[4], 4);
	ck_assert_uint_eq(V[5], 4);
	ck_assert_uint_eq(V[6], 4 * 1004);
	struct model_nic_stats s = nstats(0);
	ck_assert_uint_eq(s.tx_frames, 4);
	ck_assert_uint_eq(s.tx_bytes, 4000);
	ck_assert_uint_eq(s.peer_received, 4);
	ck_assert_uint_eq(s.peer_corrupted, 0);
	ck_assert_uint_eq(s.speed_mbps, (uint64_t)mbps);
}
END_TEST

/* Short frames are padded to 60 bytes; a frame may span descriptors. */
static void drv_tx_segments(sim_world *w, void *arg)
{
	static const uint8_t dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t src[6] = { 2, 0x50, 0x53, 0, 0, 0x77 };
	struct td *td = &TD;
	uint8_t f[40], full[1000];
	OPEN(td, 0, 16, 0, 0);
	td_enable(td, 0);
	for (int i = 0; i < 40; i++)   /* like an io-pkt application frame: byte i = i */
		f[i] = (uint8_t)i;
	memset(f, 0xff, 6);
	td_queue(td, f, 40, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 0, 0);   /* padded */
	nic_frame_fill(full, 1000, dst, src, 1, 7);                            /* 3 pieces */
	td_queue(td, full, 600, 0, 0, 0);
	td_queue(td, full + 600, 300, 0, 0, 0);
	td_queue(td, full + 900, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 0, 0);
	td_kick(td);
	sim_sleep(w, SIM_MS);
	rec(td->txd[0].status);
	rec(td->txd[1].status);   /* no RS: no DD */
	rec(td->txd[3].status);
	rec(td_r(td, SIMNIC_TDH));
}

START_TEST(test_tx_padding_and_segments)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", drv_tx_segments, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], SIMNIC_TXD_STA_DD);
	ck_assert_uint_eq(V[1], 0);
	ck_assert_uint_eq(V[2], SIMNIC_TXD_STA_DD);
	ck_assert_uint_eq(V[3], 4);
	struct model_nic_stats s = nstats(0);
	ck_assert_uint_eq(s.tx_frames, 2);
	ck_assert_uint_eq(s.tx_bytes, 1040);
	ck_assert_uint_eq(s.peer_received, 2);
	ck_assert_uint_eq(s.peer_corrupted, 0);   /* the padded application-like frame and the */
}                                            /* peer frame reassembled from 3 pieces */
END_TEST

/* ============================================================ ring wrap-around */

static void drv_wrap(sim_world *w, void *arg)
{
	struct model_traffic t = { .rate_fps = 100000, .count = 20, .sizes = (const int[]){ 100 },
		                   .nsizes = 1, .broadcast = 1 };
	char err[256] = "";
	struct td *td = &TD;
	OPEN(td, 0, 8, 8, 0);
	td_rx_fill(td);
	td_enable(td, 0);
	if (model_wire_peer(0, &t, err, sizeof(err)) != 0)
		STEP = 1;
	/* RX: the peer's 20 frames (10 us apart) through a ring of 8, taken as they come */
	for (int k = 0; k < 200 && td->rx_frames < 20; k++) {
		sim_sleep(w, 20 * SIM_US);
		td_rx_poll(td, NULL);
	}
	rec(td_r(td, SIMNIC_RDH));
	rec((uint32_t)td->rx_frames);
	/* TX: 20 frames in batches of 5 through a ring of 8 */
	for (int b = 0; b < 4; b++) {
		for (int i = 0; i < 5; i++)
			td_queue(td, NULL, 200, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1,
			         (uint64_t)(b * 5 + i));
		td_kick(td);
		sim_sleep(w, 100 * SIM_US);
		rec(td_r(td, SIMNIC_TDH));
		for (int i = 0; i < 5; i++)
			if (!(td->txd[(uint32_t)(b * 5 + i) % 8].status & SIMNIC_TXD_STA_DD))
				STEP = 10 + b;
	}
}

START_TEST(test_ring_wrap)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_wrap, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], 20 % 8);
	ck_assert_uint_eq(V[1], 20);
	ck_assert_uint_eq(V[2], 5);
	ck_assert_uint_eq(V[3], 2);
	ck_assert_uint_eq(V[4], 7);
	ck_assert_uint_eq(V[5], 4);
	struct model_nic_stats s = nstats(0);
	ck_assert_uint_eq(s.peer_received, 20);
	ck_assert_uint_eq(s.peer_reordered, 0);
	ck_assert_uint_eq(s.peer_duplicated, 0);
	ck_assert_uint_eq(s.peer_lost, 0);
	ck_assert_uint_eq(s.rx_frames, 20);
	ck_assert_uint_eq(s.rx_missed, 0);
	ck_assert_uint_eq(s.peer_sent, 20);
}
END_TEST

/* ============================================================ RX timing */

static void drv_rx_timing(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 3, .sizes = (const int[]){ 60 }, .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 16, ISR_READ_ICR);
	td_rx_fill(td);
	td_enable(td, SIMNIC_INT_RXDW);
	T0 = sim_now(w);
	if (model_wire_peer(0, &t, err, sizeof(err)) != 0)
		STEP = 1;
	sim_sleep(w, SIM_MS);
	td_rx_poll(td, NULL);
	rec(td->rxd[0].len);
}

START_TEST(test_rx_timing)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_rx_timing, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.nirq, 3);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(TD.irq_t[k], T0 + (k + 1) * 672 + 500);
	ck_assert_int_eq(TD.rx_frames, 3);
	ck_assert_uint_eq(V[0], 60);
	ck_assert_uint_eq(nstats(0).rx_bytes, 180);
}
END_TEST

/* The receive filter: the station address, PROMISC; RXEN clear drops without counting. */
static void drv_filter(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 8, .rate_fps = 100000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1, .broadcast = 0 };
	char err[256];
	OPEN_RX_RUNNING(td);
	if (model_wire_peer(0, &t, err, sizeof(err)) != 0)  /* to our station address */
		STEP = 1;
	sim_sleep(w, 15 * SIM_US);                           /* frames 0, 1: ours */
	td_w(td, SIMNIC_MAC_LO, 0x11111102);                 /* another address: 2, 3 filtered */
	sim_sleep(w, 20 * SIM_US);
	td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_TXEN | SIMNIC_CTRL_RXEN | SIMNIC_CTRL_PROMISC); /* 4, 5 */
	sim_sleep(w, 20 * SIM_US);
	td_w(td, SIMNIC_CTRL, 0);                            /* 6, 7: receiver off */
	sim_sleep(w, SIM_MS);
	td_rx_poll(td, NULL);
	rec(td_r(td, SIMNIC_GPRC));
	rec(td_r(td, SIMNIC_MPC));
}

START_TEST(test_rx_filter)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_filter, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], 4);
	ck_assert_uint_eq(V[1], 0);
	ck_assert_int_eq(TD.rx_frames, 4);
	ck_assert_uint_eq(nic_unit(0)->rx_filtered, 2);
	ck_assert_uint_eq(nic_unit(0)->rx_off, 2);
	ck_assert_uint_eq(nstats(0).peer_sent, 8);
}
END_TEST

/* ============================================================ masking */

static void drv_mask(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 2, .rate_fps = 10000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 16, ISR_READ_ICR);
	td_rx_fill(td);
	td_enable(td, SIMNIC_INT_RXDW);
	td_w(td, SIMNIC_IMC, SIMNIC_INT_RXDW);       /* masked at the chip */
	if (model_wire_peer(0, &t, err, sizeof(err)) != 0)
		STEP = 1;
	sim_sleep(w, 50 * SIM_US);                   /* frame 0 came: held in ICR */
	rec((uint32_t)td->nirq);
	T0 = sim_now(w);
	td_w(td, SIMNIC_IMS, SIMNIC_INT_RXDW);       /* delivered now */
	sim_sleep(w, 10 * SIM_US);
	rec((uint32_t)td->nirq);
	/* masked on the line: held by the kernel until unmasked */
	InterruptMask((int)td->info.Irq, td->iid);
	sim_sleep(w, 100 * SIM_US);                  /* frame 1 came at 100 us */
	rec((uint32_t)td->nirq);
	T1 = sim_now(w);
	InterruptUnmask((int)td->info.Irq, td->iid);
	sim_sleep(w, 10 * SIM_US);
	rec((uint32_t)td->nirq);
}

START_TEST(test_masking)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_mask, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], 0);
	ck_assert_uint_eq(V[1], 1);
	ck_assert_int_eq(TD.irq_t[0], T0);
	ck_assert_uint_eq(TD.irq_icr[0] & SIMNIC_INT_RXDW, SIMNIC_INT_RXDW);
	ck_assert_uint_eq(V[2], 1);
	ck_assert_uint_eq(V[3], 2);
	ck_assert_int_eq(TD.irq_t[1], T1);
	struct model_nic_stats s = nstats(0);
	ck_assert_uint_eq(s.irqs_raised, 2);
	ck_assert_uint_eq(s.irqs_held_masked, 2);
}
END_TEST

/* ============================================================ coalescing */

static uint32_t ITR_VALUE;

static void drv_itr(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 12, .rate_fps = 100000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 32, ISR_READ_ICR);
	td_rx_fill(td);
	td_w(td, SIMNIC_ITR, ITR_VALUE);
	td_enable(td, SIMNIC_INT_RXDW);
	T0 = sim_now(w);
	if (model_wire_peer(0, &t, err, sizeof(err)) != 0)
		STEP = 1;
	sim_sleep(w, SIM_MS);
}

START_TEST(test_coalescing_count)
{
	ITR_VALUE = 4;  /* every 4 frames */
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_itr, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.nirq, 3);
	for (int i = 0; i < 3; i++)   /* frame 4i+3 arrives at (4i+3) * 10 us + 672 + 500 */
		ck_assert_int_eq(TD.irq_t[i], T0 + (4 * i + 3) * 10 * SIM_US + 1172);
}
END_TEST

START_TEST(test_coalescing_time)
{
	ITR_VALUE = 25u << SIMNIC_ITR_USEC_SHIFT;  /* 25 us after the first */
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_itr, NULL);
	RUN_OK();
	/* cycles start at frames 0, 3, 6, 9 (10 us apart, 25 us window) */
	ck_assert_int_eq(TD.nirq, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(TD.irq_t[i], T0 + 3 * i * 10 * SIM_US + 1172 + 25 * SIM_US);
}
END_TEST

/* ============================================================ faults */

static void drv_exhaust(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	OPEN(td, 0, 16, 0, ISR_READ_ICR);
	td_enable(td, SIMNIC_INT_TXDW);
	model_nic_fault(0, "tx_desc_exhaust", SIM_MS, 0, err, sizeof(err));
	T0 = sim_now(w);
	td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 0);
	td_kick(td);
	sim_sleep(w, 500 * SIM_US);
	rec(td_r(td, SIMNIC_TDH));
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_TXACT);
	sim_sleep(w, SIM_MS);
	rec(td_r(td, SIMNIC_TDH));
}

START_TEST(test_fault_tx_desc_exhaust)
{
	char path[256], out[2048];
	tmp_path(path, sizeof(path), "exhaust.trace");
	nic_world(path);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", drv_exhaust, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], 0);
	ck_assert_uint_ne(V[1], 0);
	ck_assert_uint_eq(V[2], 1);
	ck_assert_int_eq(TD.nirq, 1);
	/* the frame went out when the fault ended: 1 ms after it began, + latency + slot */
	ck_assert_int_eq(TD.irq_t[0], T0 + SIM_MS + 500 + slot_ns(100, 1000) - 0);
	trace_finish();
	trace_grep(path, "nic_fault", out, sizeof(out));
	ck_assert_msg(strstr(out, "tx_desc_exhaust 1000000 0 start") &&
	              strstr(out, "tx_desc_exhaust 0 0 end"), "%s", out);
	unlink(path);
}
END_TEST

static void drv_rx_fault(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 10, .rate_fps = 100000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 32, 0);
	td_rx_fill(td);
	td_enable(td, 0);
	model_wire_peer(0, &t, err, sizeof(err));
	model_nic_fault(0, (const char *)arg, 35 * SIM_US, 0, err, sizeof(err)); /* frames 0..3 */
	sim_sleep(w, SIM_MS);
	td_rx_poll(td, NULL);
	rec(td_r(td, SIMNIC_MPC));
	rec(td_r(td, SIMNIC_GPRC));
	rec(td_r(td, SIMNIC_ICR));
}

START_TEST(test_fault_rx_starve)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_rx_fault, "rx_starve");
	RUN_OK();
	ck_assert_uint_eq(V[0], 4);
	ck_assert_uint_eq(V[1], 6);
	ck_assert_uint_eq(V[2] & SIMNIC_INT_RXO, SIMNIC_INT_RXO);
	ck_assert_int_eq(TD.rx_frames, 6);
	ck_assert_uint_eq(nstats(0).rx_missed, 4);
}
END_TEST

START_TEST(test_fault_dma_stall_rx)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_rx_fault, "dma_stall");
	RUN_OK();
	ck_assert_uint_eq(V[0], 4);
	ck_assert_uint_eq(V[1], 6);
}
END_TEST

static void drv_stall_tx(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	OPEN(td, 0, 16, 0, ISR_READ_ICR);
	td_enable(td, SIMNIC_INT_TXDW);
	for (int i = 0; i < 3; i++)
		td_queue(td, NULL, 1000, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, (uint64_t)i);
	T0 = sim_now(w);
	td_kick(td);
	sim_sleep(w, 1000);   /* frame 0 is on the wire (started at +500 ns) */
	T1 = sim_now(w);
	model_nic_fault(0, "dma_stall", 100 * SIM_US, 0, err, sizeof(err));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_fault_dma_stall_tx)
{
	sim_ns slot = slot_ns(1000, 1000);
	nic_world(NULL);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", drv_stall_tx, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.nirq, 3);
	ck_assert_int_eq(TD.irq_t[0], T0 + 500 + slot);               /* on the wire: finishes */
	ck_assert_int_eq(TD.irq_t[1], T1 + 100 * SIM_US + 500 + slot); /* after the stall */
	ck_assert_int_eq(TD.irq_t[2], T1 + 100 * SIM_US + 500 + 2 * slot);
}
END_TEST

static void drv_hang(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	OPEN(td, 0, 16, 0, 0);
	td_enable(td, 0);
	model_nic_fault(0, "tx_hang", 0, 0, err, sizeof(err));
	td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 0);
	td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 1);
	td_kick(td);
	sim_sleep(w, 10 * SIM_MS);
	rec(td_r(td, SIMNIC_TDH));
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_TXACT);
	rec(td->txd[0].status);
	/* the watchdog's cure: reset, program again, send again */
	td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_RST);
	rec(td_r(td, SIMNIC_TDH));
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_TXACT);
	td_w(td, SIMNIC_TDBAL, (uint32_t)busaddr((const void *)td->txd));
	td_w(td, SIMNIC_TDBAH, (uint32_t)(busaddr((const void *)td->txd) >> 32));
	td_w(td, SIMNIC_TDLEN, 16);
	td->tx_prod = 0;
	td_enable(td, 0);
	td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 2);
	td_kick(td);
	sim_sleep(w, SIM_MS);
	rec(td_r(td, SIMNIC_TDH));
}

START_TEST(test_fault_tx_hang)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", drv_hang, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], 0);
	ck_assert_uint_ne(V[1], 0);
	ck_assert_uint_eq(V[2], 0);
	ck_assert_uint_eq(V[3], 0);
	ck_assert_uint_eq(V[4], 0);
	ck_assert_uint_eq(V[5], 1);
	ck_assert_uint_eq(nstats(0).peer_received, 1);
}
END_TEST

static uint16_t phy_read(struct td *td, int reg)
{
	uint32_t v;
	td_w(td, SIMNIC_MDIC, SIMNIC_MDIC_OP_READ | SIMNIC_PHY_ADDR << SIMNIC_MDIC_PHY_SHIFT |
	                          (uint32_t)reg << SIMNIC_MDIC_REG_SHIFT);
	do {
		v = td_r(td, SIMNIC_MDIC);
	} while (!(v & SIMNIC_MDIC_READY));
	return (uint16_t)(v & SIMNIC_MDIC_DATA_MASK);
}

static void drv_flap(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	OPEN(td, 0, 0, 0, ISR_READ_ICR);
	td_enable(td, SIMNIC_INT_LSC);
	T0 = sim_now(w);
	model_nic_fault(0, "link_flap", 2 * SIM_MS, 2, err, sizeof(err));
	sim_sleep(w, 500 * SIM_US);
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_LU);
	sim_sleep(w, 10 * SIM_MS);
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_LU);
	rec(phy_read(td, MII_BMSR) & 0x0004);   /* latched low */
	rec(phy_read(td, MII_BMSR) & 0x0004);
}

START_TEST(test_fault_link_flap)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_sink(0);
	spawn("driver", drv_flap, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.nirq, 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(TD.irq_t[i], T0 + i * SIM_MS);
		ck_assert_uint_eq(TD.irq_icr[i], SIMNIC_INT_LSC);
	}
	ck_assert_uint_eq(V[0], 0);
	ck_assert_uint_eq(V[1], SIMNIC_STATUS_LU);
	ck_assert_uint_eq(V[2], 0);
	ck_assert_uint_eq(V[3], 0x0004);
}
END_TEST

static void drv_spurious(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	OPEN(td, 0, 0, 0, ISR_READ_ICR);
	td_enable(td, SIMNIC_INT_RXDW);
	model_nic_fault(0, "spurious_irq", 0, 3, err, sizeof(err));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_fault_spurious_irq)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_spurious, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.nirq, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(TD.irq_icr[i], 0);
	ck_assert_int_eq(TD.irq_t[1] - TD.irq_t[0], 10 * SIM_US);
	ck_assert_uint_eq(nstats(0).spurious_irqs, 3);
}
END_TEST

static uint8_t ERRS[16];
static int NERRS;

static void note_rx(struct td *td, const uint8_t *d, uint32_t len, uint8_t errors)
{
	if (NERRS < 16)
		ERRS[NERRS++] = errors;
}

static void drv_corrupt(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 4, .rate_fps = 100000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 16, 16, 0);
	td_rx_fill(td);
	td_enable(td, 0);
	model_nic_fault(0, "corrupt", 0, 2, err, sizeof(err));
	model_nic_fault(0, "corrupt_tx", 0, 1, err, sizeof(err));
	model_wire_peer(0, &t, err, sizeof(err));
	td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 0);
	td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 1);
	td_kick(td);
	sim_sleep(w, SIM_MS);
	td_rx_poll(td, note_rx);
	rec(td_r(td, SIMNIC_CRCERRS));
	rec(td_r(td, SIMNIC_GPRC));
}

START_TEST(test_fault_corrupt)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_corrupt, NULL);
	RUN_OK();
	ck_assert_int_eq(NERRS, 4);
	ck_assert_uint_eq(ERRS[0], SIMNIC_RXD_ERR_CRC);
	ck_assert_uint_eq(ERRS[1], SIMNIC_RXD_ERR_CRC);
	ck_assert_uint_eq(ERRS[2], 0);
	ck_assert_uint_eq(V[0], 2);
	ck_assert_uint_eq(V[1], 2);
	struct model_nic_stats s = nstats(0);
	ck_assert_uint_eq(s.rx_crc_errors, 2);
	ck_assert_uint_eq(s.peer_received, 2);
	ck_assert_uint_eq(s.peer_corrupted, 1);
}
END_TEST

START_TEST(test_fault_unknown)
{
	char err[256] = "";
	nic_world(NULL);
	nic_add(0, -1);
	ck_assert_int_eq(model_nic_fault(0, "gremlins", 0, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown fault"));
	ck_assert_int_eq(model_nic_fault(0, "rx_starve", 0, 0, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(model_nic_fault(7, "rx_starve", SIM_MS, 0, err, sizeof(err)), -ENXIO);
	ck_assert_int_eq(run(), SIM_END_DONE);
}
END_TEST

/* ============================================================ link and PHY */

static void drv_link(sim_world *w, void *arg)
{
	struct td *td = &TD;
	OPEN(td, 0, 16, 0, ISR_READ_ICR);
	td_enable(td, SIMNIC_INT_LSC);
	for (int i = 0; i < 10; i++)
		td_queue(td, NULL, 1500, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, (uint64_t)i);
	td_kick(td);
	sim_sleep(w, 2 * SIM_MS);       /* 10 Mbit/s: one frame (1.22 ms) has gone */
	model_nic_link(0, 0);
	sim_sleep(w, 10 * SIM_US);
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_LU);
	rec(td_r(td, SIMNIC_TXDROP));
	rec(td_r(td, SIMNIC_TDH));
	rec(td->txd[9].status);
	model_nic_link(0, 1);
	sim_sleep(w, 10 * SIM_US);
	rec(td_r(td, SIMNIC_STATUS) & SIMNIC_STATUS_LU);
	rec(phy_read(td, MII_BMSR) & 0x0004);
	rec(phy_read(td, MII_BMSR) & 0x0004);
	model_nic_speed(0, 100, 0);
	sim_sleep(w, 10 * SIM_US);
	rec(td_r(td, SIMNIC_STATUS));
	rec(phy_read(td, SIMNIC_PHY_SPEED));
	rec((uint32_t)td->nirq);
}

START_TEST(test_link_pull_plug_speed)
{
	nic_world(NULL);
	nic_add(10, -1);
	nic_sink(0);
	spawn("driver", drv_link, NULL);
	RUN_OK();
	ck_assert_uint_eq(V[0], 0);
	ck_assert_uint_eq(V[1], 9);
	ck_assert_uint_eq(V[2], 10);
	ck_assert_uint_eq(V[3], SIMNIC_TXD_STA_DD);   /* dropped, but done */
	ck_assert_uint_eq(V[4], SIMNIC_STATUS_LU);
	ck_assert_uint_eq(V[5], 0);
	ck_assert_uint_eq(V[6], 0x0004);
	ck_assert_uint_eq(V[7], SIMNIC_STATUS_LU | SIMNIC_SPEED_100 << SIMNIC_STATUS_SPEED_SHIFT |
	                        SIMNIC_STATUS_RSTDONE);
	ck_assert_uint_eq(V[8], SIMNIC_SPEED_100 | 8);
	ck_assert_uint_eq(V[9], 3);
	struct model_nic_stats s = nstats(0);
	ck_assert_uint_eq(s.tx_frames, 1);
	ck_assert_uint_eq(s.tx_dropped, 9);
	ck_assert_uint_eq(s.speed_mbps, 100);
	ck_assert_int_eq(s.full_duplex, 0);
}
END_TEST

/* ============================================================ loopback, two units */

static void drv_loop(sim_world *w, void *arg)
{
	struct td *td = &TD;
	uint8_t mac[6] = { 0x02, 0x50, 0x53, 0, 0, 0 };
	OPEN(td, 0, 8, 8, ISR_READ_ICR);
	td_rx_fill(td);
	td_enable(td, SIMNIC_INT_RXDW);
	td_queue(td, NULL, 300, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, 5);
	memcpy(td->txbuf, mac, 6);   /* to our own address */
	T0 = sim_now(w);
	td_kick(td);
	sim_sleep(w, 100 * SIM_US);
	td_rx_poll(td, NULL);
	rec((uint32_t)memcmp(td->rxbuf, td->txbuf, 300));
	rec(td->rxd[0].len);
}

START_TEST(test_loopback)
{
	nic_world(NULL);
	nic_add(0, -1);
	ck_assert_int_eq(model_wire_loopback(0), 0);
	ck_assert_int_eq(model_wire_loopback(0), -EBUSY);
	spawn("driver", drv_loop, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.rx_frames, 1);
	ck_assert_uint_eq(V[0], 0);
	ck_assert_uint_eq(V[1], 300);
	ck_assert_int_eq(TD.nirq, 1);
	ck_assert_int_eq(TD.irq_t[0], T0 + 500 + slot_ns(300, 1000) + 500);
}
END_TEST

static void drv_pair(sim_world *w, void *arg)
{
	char err[256];
	OPEN(&TD, 0, 8, 8, 0);
	OPEN(&TD2, 1, 8, 8, ISR_READ_ICR);
	td_rx_fill(&TD2);
	td_enable(&TD, 0);
	td_enable(&TD2, SIMNIC_INT_RXDW);
	model_wire_delay(0, 2 * SIM_US);
	(void)err;
	for (int i = 0; i < 3; i++)
		td_queue(&TD, NULL, 500, SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 1, (uint64_t)i);
	T0 = sim_now(w);
	td_kick(&TD);
	sim_sleep(w, 100 * SIM_US);
	td_rx_poll(&TD2, NULL);
}

START_TEST(test_two_units)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_add(0, -1);
	ck_assert_int_eq(model_wire_connect(0, 1), 0);
	ck_assert_int_eq(model_wire_connect(0, 1), -EBUSY);
	spawn("driver", drv_pair, NULL);
	RUN_OK();
	ck_assert_int_eq(TD2.rx_frames, 3);
	ck_assert_int_eq(TD2.nirq, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(TD2.irq_t[i], T0 + 500 + (i + 1) * slot_ns(500, 1000) + 2 * SIM_US + 500);
	struct model_nic_stats a = nstats(0), b = nstats(1);
	ck_assert_uint_eq(a.tx_frames, 3);
	ck_assert_uint_eq(b.rx_frames, 3);
	ck_assert_uint_eq(a.peer_received, 3);
	ck_assert_uint_eq(b.peer_sent, 3);
}
END_TEST

/* ============================================================ end-to-end checks */

static int FWD[16];

static void drv_forward(sim_world *w, void *arg)
{
	static const int order[] = { 0, 1, 2, 4, 5, 5, 6, 8, 7, 9 };  /* 3 lost, 5 twice, 7/8 swapped */
	struct model_traffic t = { .count = 10, .rate_fps = 100000, .sizes = (const int[]){ 200 },
		                   .nsizes = 1 };
	char err[256];
	OPEN(&TD, 0, 0, 16, 0);
	OPEN(&TD2, 1, 16, 0, 0);
	td_rx_fill(&TD);
	td_enable(&TD, 0);
	td_enable(&TD2, 0);
	model_wire_peer(0, &t, err, sizeof(err));
	sim_sleep(w, SIM_MS);
	td_rx_poll(&TD, NULL);
	for (int i = 0; i < 10; i++) {
		uint32_t d = td_queue(&TD2, TD.rxbuf + (size_t)order[i] * TD_BUF, 200,
		                      SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS, 0, 0);
		if (order[i] == 9)
			TD2.txbuf[(size_t)d * TD_BUF + 100] ^= 1;   /* corrupted in memory */
	}
	td_kick(&TD2);
	sim_sleep(w, SIM_MS);
	(void)FWD;
}

START_TEST(test_peer_checks)
{
	nic_world(NULL);
	nic_add(0, -1);
	nic_add(0, -1);
	nic_sink(1);
	spawn("driver", drv_forward, NULL);
	RUN_OK();
	ck_assert_int_eq(TD.rx_frames, 10);
	struct model_nic_stats s = nstats(1);
	ck_assert_uint_eq(s.peer_received, 10);
	ck_assert_uint_eq(s.peer_duplicated, 1);
	ck_assert_uint_eq(s.peer_reordered, 1);
	ck_assert_uint_eq(s.peer_corrupted, 1);
	ck_assert_uint_eq(s.peer_lost, 2);   /* seq 3, and seq 9 which arrived corrupted */
	ck_assert_uint_eq(nstats(0).peer_sent, 10);
}
END_TEST

/* ============================================================ the detectors */

/* mbufs come from io-pkt's pool, allocated and freed in the stack context. */
static struct mbuf *MB;

int tst_getcl(void *arg)
{
	MB = m_getcl(M_NOWAIT, MT_DATA, M_PKTHDR);
	return MB ? 0 : ENOBUFS;
}

int tst_free(void *arg)
{
	m_freem(MB);
	return 0;
}

static int WRONG;   /* this run makes the mistake */

/*
 * The detector tests run twice (_i = 0, 1: WRONG): the driver drv misuses the NIC when
 * WRONG and must be caught, uses it right otherwise and must run clean. One world with
 * unit 0 (DMA latency lat, -1: the default; sink: a traffic sink on its cable).
 */
static void detector_start(int wrong, sim_ns lat, int sink, sim_thread_fn drv)
{
	WRONG = wrong;
	nic_world(NULL);
	nic_add(0, lat);
	if (sink)
		nic_sink(0);
	spawn("driver", drv, NULL);
}

/* The end of a detector test: the breach rule (message holding want) if WRONG, else a
 * clean run. */
#define CK_DETECTED(rule, want)                                                            \
	do {                                                                               \
		if (WRONG)                                                                 \
			ck_breach(run(), rule, want);                                      \
		else                                                                       \
			RUN_OK();                                                          \
	} while (0)


static void drv_tx_after_free(sim_world *w, void *arg)
{
	struct td *td = &TD;
	OPEN(td, 0, 8, 0, 0);
	td_enable(td, 0);
	drv_request("alloc", "if_start", tst_getcl, NULL);
	memset(mtod(MB, uint8_t *), 0xff, 100);
	td->txd[0].addr = busaddr(mtod(MB, void *));
	td->txd[0].len = 100;
	td->txd[0].cmd = SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS;
	td->tx_prod = 1;
	td_kick(td);
	if (!WRONG) {
		sim_sleep(w, 2 * SIM_MS);
		if (!(td->txd[0].status & SIMNIC_TXD_STA_DD))
			STEP = 1;
	}
	drv_request("free", "if_start", tst_free, NULL);   /* wrong: before DD */
	sim_sleep(w, 2 * SIM_MS);
}

START_TEST(test_detect_dma_after_free_tx)
{
	detector_start(_i, SIM_MS, 1, drv_tx_after_free);   /* the NIC reads the buffer 1 ms after the doorbell */
	if (WRONG) {
		ck_breach(run(), "dma-after-free", "descriptor 0 of its TX ring");
		ck_assert_ptr_nonnull(strstr(model_breach_last(), "tst_getcl"));
		ck_assert_ptr_nonnull(strstr(model_breach_last(), "tst_free"));
		ck_assert_uint_eq(nstats(0).dma_errors, 1);
	} else {
		RUN_OK();
		ck_assert_uint_eq(nstats(0).peer_received, 1);
	}
}
END_TEST

static void drv_rx_after_free(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 2, .rate_fps = 10000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 8, 0);
	td_enable(td, 0);
	drv_request("alloc", "if_init", tst_getcl, NULL);
	td->rxd[0].addr = busaddr(mtod(MB, void *));
	td_w(td, SIMNIC_RDT, 1);
	if (!WRONG)
		td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_RST);   /* right: stop the NIC first */
	drv_request("free", "if_stop", tst_free, NULL);
	model_wire_peer(0, &t, err, sizeof(err));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_detect_dma_after_free_rx)
{
	detector_start(_i, -1, 0, drv_rx_after_free);
	if (WRONG) {
		ck_breach(run(), "dma-after-free", "descriptor 0 of its RX ring");
		ck_assert_ptr_nonnull(strstr(model_breach_last(), "write"));
	} else {
		RUN_OK();
		ck_assert_uint_eq(nstats(0).rx_frames, 0);
	}
}
END_TEST

/* The buffer's mbuf was freed and its record given to another allocation. */
static void drv_rx_reused(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 1, .sizes = (const int[]){ 60 }, .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 8, 0);
	td_enable(td, 0);
	model_mbuf_set_limit(0, 0);
	drv_request("alloc", "if_init", tst_getcl, NULL);
	td->rxd[0].addr = busaddr(mtod(MB, void *));
	td_w(td, SIMNIC_RDT, 1);
	drv_request("free", "if_stop", tst_free, NULL);
	for (int i = 0; i < 1100; i++) {   /* through the quarantine: the record is reused */
		drv_request("alloc", "if_init", tst_getcl, NULL);
		drv_request("free", "if_stop", tst_free, NULL);
	}
	drv_request("alloc", "if_init", tst_getcl, NULL);
	model_wire_peer(0, &t, err, sizeof(err));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_detect_dma_after_free_reused)
{
	nic_world(NULL);
	nic_add(0, -1);
	spawn("driver", drv_rx_reused, NULL);
	ck_breach(run(), "dma-after-free", "freed by tst_free");
	ck_assert_ptr_nonnull(strstr(model_breach_last(), "allocated by tst_getcl"));
	ck_assert_ptr_nonnull(strstr(model_breach_last(), "'s since"));
}
END_TEST

void drv_region_unmapped(sim_world *w, void *arg);
void drv_region_unmapped(sim_world *w, void *arg)
{
	struct td *td = &TD;
	uint8_t *buf;
	OPEN(td, 0, 8, 0, 0);
	td_enable(td, 0);
	buf = dma_mem(4096);
	nic_frame_fill(buf, 100, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	               (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 1, 0);
	td->txd[0].addr = busaddr(buf);
	td->txd[0].len = 100;
	td->txd[0].cmd = SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS;
	td->tx_prod = 1;
	td_kick(td);
	if (!WRONG)
		sim_sleep(w, 2 * SIM_MS);
	munmap(buf, 4096);
	sim_sleep(w, 2 * SIM_MS);
}

START_TEST(test_detect_dma_after_unmap)
{
	detector_start(_i, SIM_MS, 1, drv_region_unmapped);
	CK_DETECTED("dma-after-free", "unmapped by drv_region_unmapped");
}
END_TEST

static uint8_t NOT_DMA[4096];

static void drv_bad_address(sim_world *w, void *arg)
{
	struct td *td = &TD;
	OPEN(td, 0, 8, 0, 0);
	td_enable(td, 0);
	nic_frame_fill(NOT_DMA, 100, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	               (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 1, 0);
	if (WRONG)
		td->txd[0].addr = busaddr(NOT_DMA);   /* a static array: not DMA memory */
	else
		memcpy(td->txbuf, NOT_DMA, 100), td->txd[0].addr = busaddr(td->txbuf);
	td->txd[0].len = 100;
	td->txd[0].cmd = SIMNIC_TXD_CMD_EOP | SIMNIC_TXD_CMD_RS;
	td->tx_prod = 1;
	td_kick(td);
	sim_sleep(w, SIM_MS);
}

START_TEST(test_detect_dma_bad_address)
{
	detector_start(_i, -1, 1, drv_bad_address);
	if (WRONG) {
		ck_breach(run(), "dma-bad-address", "not memory the driver owns");
		ck_assert_uint_eq(nstats(0).dma_errors, 1);
	} else {
		RUN_OK();
	}
}
END_TEST

/* RXBUFSZ larger than the buffers posted: a long frame runs past an mbuf's cluster. */
static void drv_overrun(sim_world *w, void *arg)
{
	struct td *td = &TD;
	struct model_traffic t = { .count = 1, .sizes = (const int[]){ 3000 }, .nsizes = 1 };
	char err[256];
	OPEN(td, 0, 0, 8, 0);
	td_enable(td, 0);
	td_w(td, SIMNIC_RXBUFSZ, WRONG ? 4096 : 2048);
	for (int i = 0; i < 2; i++) {
		drv_request("alloc", "if_init", tst_getcl, NULL);
		td->rxd[i].addr = busaddr(mtod(MB, void *));
	}
	td_w(td, SIMNIC_RDT, 2);
	model_wire_peer(0, &t, err, sizeof(err));
	sim_sleep(w, SIM_MS);
	rec(td->rxd[0].status);
	rec(td->rxd[1].status);
}

START_TEST(test_detect_dma_overrun)
{
	detector_start(_i, -1, 0, drv_overrun);
	if (WRONG) {
		ck_breach(run(), "dma-bad-address", "runs past its end");
	} else {
		RUN_OK();
		ck_assert_uint_eq(V[0], SIMNIC_RXD_STA_DD);
		ck_assert_uint_eq(V[1], SIMNIC_RXD_STA_DD | SIMNIC_RXD_STA_EOP);
	}
}
END_TEST

/* io-pkt's shutdown hooks run; a hook that does not stop the NIC lets DMA go on. */
void tst_hook(void *arg)
{
	struct td *td = arg;
	if (!WRONG)
		out32(td->regs + SIMNIC_CTRL, SIMNIC_CTRL_RST);
	else
		out32(td->regs + SIMNIC_IMC, 0xffffffffu);   /* masks, but DMA goes on */
}

int tst_hook_establish(void *arg)
{
	return shutdownhook_establish(tst_hook, arg) ? 0 : EINVAL;
}

static void drv_shutdown(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	struct model_traffic t = { .count = 5, .rate_fps = 10000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	OPEN_RX_RUNNING(td);
	drv_request("hook", "attach", tst_hook_establish, td);
	model_shutdown(err, sizeof(err));
	model_wire_peer(0, &t, err, sizeof(err));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_detect_dma_after_shutdown)
{
	detector_start(_i, -1, 0, drv_shutdown);
	CK_DETECTED("dma-after-shutdown", "shutdown hooks ran");
}
END_TEST

static void drv_detach_running(sim_world *w, void *arg)
{
	struct td *td = &TD;
	char err[256];
	struct model_traffic t = { .count = 5, .rate_fps = 10000, .sizes = (const int[]){ 60 },
		                   .nsizes = 1 };
	OPEN_RX_RUNNING(td);
	if (!WRONG)
		td_w(td, SIMNIC_CTRL, SIMNIC_CTRL_RST);
	munmap_device_io(td->regs, SIMNIC_BAR_SIZE);
	pci_detach_device(td->pdev);
	model_wire_peer(0, &t, err, sizeof(err));
	sim_sleep(w, SIM_MS);
}

START_TEST(test_detect_dma_after_detach)
{
	detector_start(_i, -1, 0, drv_detach_running);
	CK_DETECTED("dma-after-shutdown", "pci_detach_device");
}
END_TEST

static void drv_overrun_ring(sim_world *w, void *arg)
{
	struct td *td = &TD;
	OPEN(td, 0, 8, 0, 0);
	/* TXEN off: the NIC keeps what it is given */
	for (int i = 0; i < 5; i++)
		td_queue(td, NULL, 100, SIMNIC_TXD_CMD_EOP, 1, (uint64_t)i);
	td_kick(td);
	td_w(td, SIMNIC_TDT, WRONG ? 2 : 5);
}

START_TEST(test_detect_ring_overrun)
{
	detector_start(_i, -1, 0, drv_overrun_ring);
	CK_DETECTED("nic-ring-overrun", "TDT written 2");
}
END_TEST

/* ============================================================ suite */

static Suite *nic_suite(void)
{
	Suite *s = suite_create("nic");
	TCase *tc = tcase_create("registers");
	tcase_add_test(tc, test_pci_and_registers);
	tcase_add_test(tc, test_io_unmapped);
	tcase_add_test(tc, test_io_bad_address);
	suite_add_tcase(s, tc);

	tc = tcase_create("dma");
	tcase_add_loop_test(tc, test_tx_timing, 0, 4);
	tcase_add_test(tc, test_tx_padding_and_segments);
	tcase_add_test(tc, test_ring_wrap);
	tcase_add_test(tc, test_rx_timing);
	tcase_add_test(tc, test_rx_filter);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_add_test(tc, test_masking);
	tcase_add_test(tc, test_coalescing_count);
	tcase_add_test(tc, test_coalescing_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_test(tc, test_fault_tx_desc_exhaust);
	tcase_add_test(tc, test_fault_rx_starve);
	tcase_add_test(tc, test_fault_dma_stall_rx);
	tcase_add_test(tc, test_fault_dma_stall_tx);
	tcase_add_test(tc, test_fault_tx_hang);
	tcase_add_test(tc, test_fault_link_flap);
	tcase_add_test(tc, test_fault_spurious_irq);
	tcase_add_test(tc, test_fault_corrupt);
	tcase_add_test(tc, test_fault_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("wire");
	tcase_add_test(tc, test_link_pull_plug_speed);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_two_units);
	tcase_add_test(tc, test_peer_checks);
	suite_add_tcase(s, tc);

	tc = tcase_create("detectors");   /* _i == 0: correct use (silent), 1: the mistake */
	tcase_add_loop_test(tc, test_detect_dma_after_free_tx, 0, 2);
	tcase_add_loop_test(tc, test_detect_dma_after_free_rx, 0, 2);
	tcase_add_test(tc, test_detect_dma_after_free_reused);
	tcase_add_loop_test(tc, test_detect_dma_after_unmap, 0, 2);
	tcase_add_loop_test(tc, test_detect_dma_bad_address, 0, 2);
	tcase_add_loop_test(tc, test_detect_dma_overrun, 0, 2);
	tcase_add_loop_test(tc, test_detect_dma_after_shutdown, 0, 2);
	tcase_add_loop_test(tc, test_detect_dma_after_detach, 0, 2);
	tcase_add_loop_test(tc, test_detect_ring_overrun, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(nic_suite());
}
