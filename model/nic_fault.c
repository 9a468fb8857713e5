/*
 * model/nic_fault.c — the fault knobs scenarios turn (model_nic_fault), each traced as a
 * "nic_fault" record when it starts and when it ends:
 *
 *   tx_desc_exhaust D  the TX engine takes no new descriptors for D (frames already
 *                      scheduled go out; TDH stops; the driver's ring fills up)
 *   rx_starve D        for D every frame that arrives is missed (MPC, RXO), as if the
 *                      NIC had no RX descriptor
 *   dma_stall D        no new DMA for D: TX frames not yet on the wire wait (those on it
 *                      finish), arriving frames are missed (the RX FIFO is not modelled)
 *   tx_hang            TX never completes again until CTRL.RST: frames scheduled are taken
 *                      back, none is sent, TDH stops, STATUS.TXACT stays set
 *   link_flap D N      N cycles of: cable out for D/2, in for D/2
 *   spurious_irq N [D] N interrupts with no cause, D apart (default 10 us)
 *   corrupt N          the next N frames arriving at the unit have a bad CRC
 *   corrupt_tx N       the next N frames the unit transmits reach the far end with a bad CRC
 */
#include "nic_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void trace(struct nic *u, const char *fault, sim_ns d, int64_t n, const char *phase)
{
	sim_emit(nic_g.w, nic_g.k.fault, (int64_t)u->unit, fault, (int64_t)d, n, phase);
}

int nic_rx_faulted(const struct nic *u, sim_ns t)
{
	return (t >= u->starve_from && t < u->starve_until) ||
	       (t >= u->stall_from && t < u->stall_until);
}

static void exhaust_end(sim_world *w, void *arg)
{
	struct nic *u = arg;
	if (nic_now() < u->exhaust_until)
		return;
	trace(u, "tx_desc_exhaust", 0, 0, "end");
	nic_sync(u);
	nic_tx_schedule(u);
	nic_sync(u);
}

static void stall_end(sim_world *w, void *arg)
{
	struct nic *u = arg;
	trace(u, "dma_stall", 0, 0, "end");
	nic_sync(u);
	nic_tx_schedule(u);
	nic_sync(u);
}

static void starve_end(sim_world *w, void *arg)
{
	trace(arg, "rx_starve", 0, 0, "end");
}

static void flap_fire(sim_world *w, void *arg)
{
	struct nic *u = arg;
	if (u->flap_down) {
		u->flap_down = 0;
		nic_link_update(u, "link flap: cable back");
		if (--u->flaps_left > 0)
			sim_timer_arm(w, u->t_flap, u->flap_period - u->flap_period / 2);
		else
			trace(u, "link_flap", u->flap_period, 0, "end");
	} else {
		u->flap_down = 1;
		nic_link_update(u, "link flap: cable out");
		sim_timer_arm(w, u->t_flap, u->flap_period / 2);
	}
}

static void spur_fire(sim_world *w, void *arg)
{
	struct nic *u = arg;
	u->spurious++;
	u->irqs++;
	sim_emit(nic_g.w, nic_g.k.irq, (int64_t)u->unit, (int64_t)0, "spurious (no cause)");
	model_irq_raise(u->irq);
	if (--u->spur_left > 0)
		sim_timer_arm(w, u->t_spur, u->spur_gap);
	else
		trace(u, "spurious_irq", u->spur_gap, 0, "end");
}

void nic_fault_timers(struct nic *u)
{
	char name[48];
	snprintf(name, sizeof(name), "%s tx_desc_exhaust", u->name);
	u->t_exhaust = sim_timer_create(nic_g.w, name, exhaust_end, u);
	snprintf(name, sizeof(name), "%s stall", u->name);
	u->t_stall = sim_timer_create(nic_g.w, name, stall_end, u);
	snprintf(name, sizeof(name), "%s rx_starve", u->name);
	u->t_starve = sim_timer_create(nic_g.w, name, starve_end, u);
	snprintf(name, sizeof(name), "%s link_flap", u->name);
	u->t_flap = sim_timer_create(nic_g.w, name, flap_fire, u);
	snprintf(name, sizeof(name), "%s spurious_irq", u->name);
	u->t_spur = sim_timer_create(nic_g.w, name, spur_fire, u);
}

int model_nic_fault(int n, const char *fault, sim_ns d, int64_t count, char *err, size_t errlen)
{
	struct nic *u = nic_unit(n);
	sim_ns now;
	if (!u) {
		sim_errf(err, errlen, "no simnic unit %d", n);
		return -ENXIO;
	}
	if (!fault)
		fault = "";
	now = nic_now();
	nic_sync(u);
	if (!strcmp(fault, "tx_desc_exhaust") || !strcmp(fault, "rx_starve") ||
	    !strcmp(fault, "dma_stall")) {
		if (d <= 0) {
			sim_errf(err, errlen, "%s needs a duration", fault);
			return -EINVAL;
		}
		trace(u, fault, d, count, "start");
		if (fault[0] == 't') {
			if (now + d > u->exhaust_until)
				u->exhaust_until = now + d;
			sim_timer_arm_at(nic_g.w, u->t_exhaust, u->exhaust_until);
		} else if (fault[0] == 'r') {
			u->starve_from = now;
			u->starve_until = now + d;
			sim_timer_arm_at(nic_g.w, u->t_starve, u->starve_until);
		} else {
			u->stall_from = now;
			u->stall_until = now + d;
			nic_tx_unschedule(u, 0);
			sim_timer_arm_at(nic_g.w, u->t_stall, u->stall_until);
		}
	} else if (!strcmp(fault, "tx_hang")) {
		trace(u, fault, 0, 0, "start (until CTRL.RST)");
		nic_tx_unschedule(u, 1);
		u->tx.hang = 1;
	} else if (!strcmp(fault, "link_flap")) {
		if (d <= 0 || count <= 0) {
			sim_errf(err, errlen, "link_flap needs a period and a count of cycles");
			return -EINVAL;
		}
		trace(u, fault, d, count, "start");
		u->flaps_left = count;
		u->flap_period = d;
		u->flap_down = 0;
		sim_timer_arm(nic_g.w, u->t_flap, 0);
	} else if (!strcmp(fault, "spurious_irq")) {
		if (count <= 0) {
			sim_errf(err, errlen, "spurious_irq needs a count");
			return -EINVAL;
		}
		trace(u, fault, d, count, "start");
		u->spur_left = count;
		u->spur_gap = d > 0 ? d : 10 * SIM_US;
		sim_timer_arm(nic_g.w, u->t_spur, 0);
	} else if (!strcmp(fault, "corrupt") || !strcmp(fault, "corrupt_tx")) {
		if (count <= 0) {
			sim_errf(err, errlen, "%s needs a count of frames", fault);
			return -EINVAL;
		}
		trace(u, fault, 0, count, "start");
		if (fault[7] == '_')
			u->corrupt_tx += count;
		else
			u->corrupt_rx += count;
	} else {
		sim_errf(err, errlen, "unknown fault \"%s\" (tx_desc_exhaust, rx_starve, dma_stall, "
		         "tx_hang, link_flap, spurious_irq, corrupt, corrupt_tx)", fault);
		return -EINVAL;
	}
	nic_sync(u);
	return 0;
}
