/*
 * model/nic_phy.c — the PHY behind MDIC, and the link.
 *
 * The link is up when the cable has something at the far end, both ends are plugged (a
 * unit's own plug: model_nic_link; a flap fault pulls it for a while) — a traffic peer is
 * always plugged. Its speed and duplex are negotiated: the lower of the two units' PHY
 * speeds (model_nic_speed; a peer takes this unit's), full duplex if both are. A change
 * takes effect at once: going down drops every frame scheduled for transmission (TXDROP)
 * and every frame in flight towards the unit, latches BMSR's link bit low until it is read,
 * and causes LSC; a speed change is a down and an up at the same instant.
 *
 * MII registers (PHY address 1): BMCR (reset self-clears, autonegotiation enable, speed and
 * duplex bits reflect the link), BMSR (capabilities, autonegotiation complete and link status
 * while up; link latched low), PHYIDR1/2 = 0x5053/0x0010, ANAR (stored), ANLPAR (the
 * partner's abilities while up), SIMNIC_PHY_SPEED (speed code, bit 2 full duplex, bit 3 link,
 * not latched).
 */
#include "nic_int.h"

#include <errno.h>

#define BMCR_RESET 0x8000
#define BMCR_LOOP 0x4000
#define BMCR_SPEED0 0x2000
#define BMCR_ANENABLE 0x1000
#define BMCR_FDX 0x0100
#define BMCR_SPEED1 0x0040
#define BMSR_CAPS 0x7949       /* 100FD/HD, 10FD/HD, ext status, preamble suppression, AN, ext */
#define BMSR_ANDONE 0x0020
#define BMSR_LINK 0x0004
#define ANAR_DEFAULT 0x01e1    /* 100FD, 100HD, 10FD, 10HD, 802.3 */

static int speed_code(int mbps)
{
	return mbps == 10 ? SIMNIC_SPEED_10 : mbps == 100 ? SIMNIC_SPEED_100
	     : mbps == 1000 ? SIMNIC_SPEED_1000 : SIMNIC_SPEED_10000;
}

void nic_phy_reset(struct nic *u)
{
	u->phy.bmcr = BMCR_ANENABLE;
	u->phy.anar = ANAR_DEFAULT;
}

uint16_t nic_phy_read(struct nic *u, int reg)
{
	uint16_t v;
	switch (reg) {
	case MII_BMCR:
		v = (uint16_t)(u->phy.bmcr & ~(BMCR_SPEED0 | BMCR_SPEED1 | BMCR_FDX));
		if (u->speed_mbps == 100 || u->speed_mbps == 10000)
			v |= BMCR_SPEED0;
		if (u->speed_mbps >= 1000)
			v |= BMCR_SPEED1;
		if (u->full_duplex)
			v |= BMCR_FDX;
		return v;
	case MII_BMSR:
		v = BMSR_CAPS;
		if (u->link_up && !u->phy.latched_down)
			v |= BMSR_LINK | BMSR_ANDONE;
		u->phy.latched_down = 0;  /* read: the latch shows the current state again */
		return v;
	case MII_PHYIDR1:
		return 0x5053;
	case MII_PHYIDR2:
		return 0x0010;
	case MII_ANAR:
		return u->phy.anar;
	case MII_ANLPAR:
		if (!u->link_up)
			return 0;
		v = 0x4001;  /* acknowledge, 802.3 */
		if (u->speed_mbps == 10)
			v |= u->full_duplex ? 0x0040 : 0x0020;
		else
			v |= u->full_duplex ? 0x0100 : 0x0080;
		return v;
	case SIMNIC_PHY_SPEED:
		return (uint16_t)(speed_code(u->speed_mbps) | (u->full_duplex ? 4 : 0) |
		                  (u->link_up ? 8 : 0));
	default:
		return 0;
	}
}

void nic_phy_write(struct nic *u, int reg, uint16_t v)
{
	switch (reg) {
	case MII_BMCR:
		if (v & BMCR_RESET)
			nic_phy_reset(u);  /* self-clearing; the link is not disturbed */
		else
			u->phy.bmcr = v;
		break;
	case MII_ANAR:
		u->phy.anar = v;
		break;
	default:
		break;  /* read-only */
	}
}

/* ------------------------------------------------------------ the link */

static int link_state(const struct nic *u, int *speed, int *fd)
{
	if (!u->cabled || !u->plugged || u->flap_down)
		return 0;
	if (u->far && (!u->far->plugged || u->far->flap_down))
		return 0;
	*speed = u->phy_speed;
	*fd = u->phy_fd;
	if (u->far) {
		if (u->far->phy_speed < *speed)
			*speed = u->far->phy_speed;
		*fd = *fd && u->far->phy_fd;
	}
	return 1;
}

static void apply(struct nic *u, const char *why)
{
	int speed = u->speed_mbps, fd = u->full_duplex;
	int up = link_state(u, &speed, &fd);
	if (up == u->link_up && (!up || (speed == u->speed_mbps && fd == u->full_duplex)))
		return;
	nic_sync(u);  /* everything before now happened with the old link */
	if (u->link_up) {
		u->link_up = 0;
		nic_tx_link_down(u);
		nic_wire_link_down(u);
		u->phy.latched_down = 1;
	}
	if (up) {
		u->link_up = 1;
		u->speed_mbps = speed;
		u->full_duplex = fd;
		nic_wire_link_up(u);
	}
	nic_cause(u, SIMNIC_INT_LSC, nic_now());
	sim_emit(nic_g.w, nic_g.k.link, (int64_t)u->unit, (int64_t)u->link_up,
	         (int64_t)u->speed_mbps, why);
}

void nic_link_update(struct nic *u, const char *why)
{
	apply(u, why);
	if (u->far && u->far != u)
		apply(u->far, why);
	nic_sync(u);
	if (u->far && u->far != u)
		nic_sync(u->far);
}

/* ------------------------------------------------------------ model.h */

int model_nic_link(int n, int up)
{
	struct nic *u = nic_unit(n);
	if (!u)
		return -ENXIO;
	u->plugged = up ? 1 : 0;
	nic_link_update(u, up ? "cable plugged" : "cable pulled");
	return 0;
}

int model_nic_speed(int n, int mbps, int full_duplex)
{
	struct nic *u = nic_unit(n);
	if (!u)
		return -ENXIO;
	if (mbps != 10 && mbps != 100 && mbps != 1000 && mbps != 10000)
		return -EINVAL;
	u->phy_speed = mbps;
	u->phy_fd = full_duplex ? 1 : 0;
	nic_link_update(u, "speed change (renegotiated)");
	return 0;
}
