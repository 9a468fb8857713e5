/*
 * model/media.c — ifmedia (<net/if_media.h>): the media list a driver builds and the
 * SIOCSIFMEDIA / SIOCGIFMEDIA requests, which call the driver's change and status
 * callbacks. Entries are io-pkt's memory (counted by the world's allocator).
 */
#include "net_int.h"

#include <string.h>

void ifmedia_init(struct ifmedia *ifm, int dontcare_mask, ifm_change_cb_t change,
                  ifm_stat_cb_t status)
{
	memset(ifm, 0, sizeof(*ifm));
	TAILQ_INIT(&ifm->ifm_list);
	ifm->ifm_mask = (u_int)dontcare_mask;
	ifm->ifm_change = change;
	ifm->ifm_status = status;
}

void ifmedia_add(struct ifmedia *ifm, int mword, int data, void *aux)
{
	struct ifmedia_entry *e = sim_alloc(net_w(), sizeof(*e));
	e->ifm_media = (u_int)mword;
	e->ifm_data = (u_int)data;
	e->ifm_aux = aux;
	TAILQ_INSERT_TAIL(&ifm->ifm_list, e, ifm_list);
}

void ifmedia_list_add(struct ifmedia *ifm, struct ifmedia_entry *list, int count)
{
	for (int i = 0; i < count; i++)
		ifmedia_add(ifm, (int)list[i].ifm_media, (int)list[i].ifm_data, list[i].ifm_aux);
}

struct ifmedia_entry *ifmedia_match(struct ifmedia *ifm, u_int target, u_int mask)
{
	struct ifmedia_entry *e;
	mask = ~mask;
	TAILQ_FOREACH(e, &ifm->ifm_list, ifm_list)
		if ((e->ifm_media & mask) == (target & mask))
			return e;
	return NULL;
}

void ifmedia_set(struct ifmedia *ifm, int mword)
{
	struct ifmedia_entry *e = ifmedia_match(ifm, (u_int)mword, ifm->ifm_mask);
	if (!e) {
		model_breach("ifmedia-set-unknown", "ifmedia_set of media 0x%x, which was never "
		             "ifmedia_add()ed", (unsigned)mword);
		return;
	}
	ifm->ifm_cur = e;
	ifm->ifm_media = (u_int)mword;
}

void ifmedia_delete_instance(struct ifmedia *ifm, u_int inst)
{
	struct ifmedia_entry *e, *next;
	for (e = TAILQ_FIRST(&ifm->ifm_list); e; e = next) {
		next = TAILQ_NEXT(e, ifm_list);
		if (inst == IFM_INST_ANY || inst == IFM_INST(e->ifm_media)) {
			TAILQ_REMOVE(&ifm->ifm_list, e, ifm_list);
			if (ifm->ifm_cur == e)
				ifm->ifm_cur = NULL;
			sim_free(net_w(), e, sizeof(*e));
		}
	}
}

void ifmedia_removeall(struct ifmedia *ifm)
{
	ifmedia_delete_instance(ifm, IFM_INST_ANY);
}

/* The driver's media callbacks, guarded like every call into a driver. */
static int call_change(struct ifnet *ifp, struct ifmedia *ifm)
{
	int rc = ENXIO;
	if (net_call_enter("ifmedia change", (const void *)ifm->ifm_change, NULL)) {
		rc = ifm->ifm_change(ifp);
		net_call_exit();
	}
	return rc;
}

static void call_status(struct ifnet *ifp, struct ifmedia *ifm, struct ifmediareq *req)
{
	if (net_call_enter("ifmedia status", (const void *)ifm->ifm_status, NULL)) {
		ifm->ifm_status(ifp, req);
		net_call_exit();
	}
}

int ifmedia_ioctl(struct ifnet *ifp, struct ifreq *ifr, struct ifmedia *ifm, u_long cmd)
{
	struct ifmedia_entry *e, *old;
	struct ifmediareq *req;
	u_int old_media;
	int rc, n;
	if (!ifp || !ifr || !ifm)
		return EINVAL;
	if (cmd == SIOCSIFMEDIA) {
		u_int want = (u_int)ifr->ifr_media;
		if (!(e = ifmedia_match(ifm, want, ifm->ifm_mask)))
			return ENXIO;
		sim_emit(net_w(), model_net.k.media, "set", (int64_t)want);
		old = ifm->ifm_cur, old_media = ifm->ifm_media;
		ifm->ifm_cur = e;
		ifm->ifm_media = want;
		if (!ifm->ifm_change || (rc = call_change(ifp, ifm)) != 0) {
			ifm->ifm_cur = old, ifm->ifm_media = old_media;
			return ifm->ifm_change ? rc : EOPNOTSUPP;
		}
		return 0;
	}
	if (cmd != SIOCGIFMEDIA)
		return ENOTTY;
	req = (struct ifmediareq *)ifr;
	req->ifm_current = ifm->ifm_cur ? (int)ifm->ifm_cur->ifm_media : 0;
	req->ifm_mask = (int)ifm->ifm_mask;
	req->ifm_status = 0;
	req->ifm_active = req->ifm_current;
	if (ifm->ifm_status)
		call_status(ifp, ifm, req);
	n = 0;
	TAILQ_FOREACH(e, &ifm->ifm_list, ifm_list) {
		if (req->ifm_ulist && n < req->ifm_count)
			req->ifm_ulist[n] = (int)e->ifm_media;
		n++;
	}
	if (req->ifm_ulist && req->ifm_count < n)
		return E2BIG;
	req->ifm_count = n;
	return 0;
}
