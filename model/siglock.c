/*
 * model/siglock.c — NW_SIGLOCK and friends (<siglock.h>), and the TX mutex behind each
 * interface's if_snd_ex.
 *
 * The TX mutex is a sim_mutex named "<ifname> tx" kept in the interface's record; the
 * driver's pthread_mutex_t if_snd_ex is only its name tag (an address the model
 * recognises). A contended lock waits in virtual time and is watched by the stall
 * watchdog, which names the holder. Any other mutex given to NW_SIGLOCK is the pthread
 * shim's.
 *
 * The hold: NW_SIGLOCK_P counts wtp->wt_critical up, NW_SIGUNLOCK_P down; when it
 * returns to 0 with interrupt work deferred (wt_intr_pending), that work runs, through
 * the core's model_intr_run_deferred if it provides one.
 */
#include "net_int.h"

#include <stdio.h>

#pragma weak model_intr_run_deferred
void model_intr_run_deferred(struct nw_work_thread *wtp);

void net_txlock_init(struct model_ifnet *r)
{
	char name[48];
	snprintf(name, sizeof(name), "%s tx", r->name);
	sim_mutex_init(net_w(), &r->tx, name);
}

/* 1 if the calling thread may take io-pkt's locks (an io-pkt or tracked thread). */
static int siglock_thread_ok(const char *what)
{
	static const struct net_thread_rule rule = {
		"siglock-in-isr", "%s in an interrupt handler (kernel context)",
		NULL, NULL,
		"siglock-untracked-thread", "%s from thread \"%s\", which io-pkt does not track: it "
		                            "has no io-pkt context (WTP) to hold",
	};
	return net_thread_ok(&rule, what);
}

void nw_sighold_p(struct nw_work_thread *wtp)
{
	if (wtp)
		wtp->wt_critical++;
}

void nw_sigunhold_p(struct nw_work_thread *wtp)
{
	if (!wtp)
		return;
	if (wtp->wt_critical <= 0) {
		model_breach("siglock-unbalanced", "NW_SIGUNHOLD/NW_SIGUNLOCK without a matching "
		             "hold on this thread");
		return;
	}
	if (--wtp->wt_critical == 0 && wtp->wt_intr_pending) {
		wtp->wt_intr_pending = 0;
		if (model_intr_run_deferred)
			model_intr_run_deferred(wtp);
	}
}

void nw_siglock_p(pthread_mutex_t *exp, struct _iopkt_self *iopkt, struct nw_work_thread *wtp)
{
	struct model_ifnet *r;
	sim_thread *me;
	(void)iopkt;
	if (!siglock_thread_ok("NW_SIGLOCK"))
		return;
	if (wtp != WTP)
		model_breach("siglock-wrong-wtp", "NW_SIGLOCK_P given %s, not the calling thread's "
		             "own struct nw_work_thread (WTP)", wtp ? "another thread's wtp" : "NULL");
	nw_sighold_p(wtp);
	r = net_if_by_txlock(exp);
	if (!r) {
		pktsim_pthread_mutex_lock(exp);
		return;
	}
	me = sim_thread_self(net_w());
	if (r->tx.owner == me) {
		model_breach("siglock-relock", "NW_SIGLOCK of the TX mutex of %s, which this thread "
		             "already holds: a real io-pkt deadlocks here", r->name);
		return;
	}
	if (r->tx.owner && model_lat_measuring()) {
		/* io-pkt's own lock, held briefly by design: a cost, not a blocking call */
		char what[48];
		sim_ns t0 = model_lat_mark();
		snprintf(what, sizeof(what), "TX mutex wait (held by \"%s\")",
		         sim_thread_name(r->tx.owner));
		sim_mutex_lock(net_w(), &r->tx);
		model_lat_event(what, t0, MODEL_LAT_COST);
		return;
	}
	sim_mutex_lock(net_w(), &r->tx);
}

void nw_sigunlock_p(pthread_mutex_t *exp, struct _iopkt_self *iopkt,
                    struct nw_work_thread *wtp)
{
	struct model_ifnet *r;
	sim_thread *me;
	(void)iopkt;
	if (!siglock_thread_ok("NW_SIGUNLOCK"))
		return;
	r = net_if_by_txlock(exp);
	if (!r) {
		pktsim_pthread_mutex_unlock(exp);
	} else {
		me = sim_thread_self(net_w());
		if (r->tx.owner != me) {
			model_breach("siglock-not-owner", "NW_SIGUNLOCK of the TX mutex of %s, which %s",
			             r->name, r->tx.owner ? "another thread holds" : "nobody holds");
			return;
		}
		sim_mutex_unlock(net_w(), &r->tx);
	}
	nw_sigunhold_p(wtp);
}

void net_tx_lock(struct model_ifnet *r)
{
	nw_siglock_p(&r->ifp->if_snd_ex, iopkt_selfp, WTP);
}

void net_tx_unlock(struct model_ifnet *r)
{
	nw_sigunlock_p(&r->ifp->if_snd_ex, iopkt_selfp, WTP);
}

int net_tx_held_by_me(struct model_ifnet *r)
{
	return r->tx.owner && r->tx.owner == sim_thread_self(net_w());
}
