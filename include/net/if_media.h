/*
 * <net/if_media.h> — media (speed, duplex) selection, NetBSD's ifmedia as io-pkt has
 * it: a driver describes the media it supports with ifmedia_add, picks one with
 * ifmedia_set, and hands SIOCSIFMEDIA / SIOCGIFMEDIA to ifmedia_ioctl, which calls the
 * driver's change and status callbacks. The entries are io-pkt's memory: a driver must
 * give them back with ifmedia_delete_instance(ifm, IFM_INST_ANY) in its detach, or
 * they leak (pktsim records the leak when the device goes).
 */
#ifndef _NET_IF_MEDIA_H_
#define _NET_IF_MEDIA_H_

#include <sys/types_bsd.h>
#include <sys/queue.h>

struct ifnet;
struct ifreq;

/* A media word: type | subtype | options | instance. */
#define IFM_ETHER 0x00000020
#define IFM_AUTO 0           /* autoselect */
#define IFM_MANUAL 1
#define IFM_NONE 2

/* Ethernet subtypes */
#define IFM_10_T 3
#define IFM_10_2 4
#define IFM_10_5 5
#define IFM_100_TX 6
#define IFM_100_FX 7
#define IFM_100_T4 8
#define IFM_100_VG 9
#define IFM_100_T2 10
#define IFM_1000_SX 11
#define IFM_10_STP 12
#define IFM_10_FL 13
#define IFM_1000_LX 14
#define IFM_1000_CX 15
#define IFM_1000_T 16
#define IFM_HPNA_1 17
#define IFM_10G_LR 18
#define IFM_10G_SR 19
#define IFM_10G_CX4 20
#define IFM_2500_SX 21
#define IFM_1000_BX10 22
#define IFM_10G_TWINAX 23
#define IFM_10G_T 26

#define IFM_ETH_MASTER 0x00000100
#define IFM_ETH_RXPAUSE 0x00000200
#define IFM_ETH_TXPAUSE 0x00000400

/* options common to all types */
#define IFM_FDX 0x00100000
#define IFM_HDX 0x00200000
#define IFM_FLOW 0x00400000
#define IFM_FLAG0 0x01000000
#define IFM_FLAG1 0x02000000
#define IFM_FLAG2 0x04000000
#define IFM_LOOP 0x08000000

#define IFM_NMASK 0x000000e0
#define IFM_TMASK 0x0000001f
#define IFM_IMASK 0xf0000000
#define IFM_ISHIFT 28
#define IFM_OMASK 0x0000ff00
#define IFM_GMASK 0x0ff00000
#define IFM_INST_ANY ((u_int)-1)

#define IFM_TYPE(x) ((x) & IFM_NMASK)
#define IFM_SUBTYPE(x) ((x) & IFM_TMASK)
#define IFM_TYPE_OPTIONS(x) ((x) & IFM_OMASK)
#define IFM_INST(x) (((x) & IFM_IMASK) >> IFM_ISHIFT)
#define IFM_OPTIONS(x) ((x) & (IFM_OMASK | IFM_GMASK))
#define IFM_MAKEWORD(type, subtype, options, instance) \
	((type) | (subtype) | (options) | ((instance) << IFM_ISHIFT))

/* ifm_status */
#define IFM_AVALID 0x00000001 /* the active bit is valid */
#define IFM_ACTIVE 0x00000002 /* link is up */

/* SIOCGIFMEDIA / SIOCSIFMEDIA data */
struct ifmediareq {
	char ifm_name[16];
	int ifm_current;      /* current media word */
	int ifm_mask;         /* don't-care mask */
	int ifm_status;       /* IFM_AVALID | IFM_ACTIVE */
	int ifm_active;       /* active media word */
	int ifm_count;        /* entries in ifm_ulist */
	int *ifm_ulist;       /* the media words supported */
};

typedef int (*ifm_change_cb_t)(struct ifnet *);
typedef void (*ifm_stat_cb_t)(struct ifnet *, struct ifmediareq *);

struct ifmedia_entry {
	TAILQ_ENTRY(ifmedia_entry) ifm_list;
	u_int ifm_media;
	u_int ifm_data;
	void *ifm_aux;
};

struct ifmedia {
	u_int ifm_mask;                 /* don't-care bits */
	u_int ifm_media;                /* the user's choice */
	struct ifmedia_entry *ifm_cur;  /* the entry for it */
	TAILQ_HEAD(, ifmedia_entry) ifm_list;
	ifm_change_cb_t ifm_change;     /* the driver: apply ifm_media */
	ifm_stat_cb_t ifm_status;       /* the driver: report the link */
};

/* All in the stack context, usually from attach (init, add, set) and if_ioctl. */
void ifmedia_init(struct ifmedia *ifm, int dontcare_mask, ifm_change_cb_t change,
                  ifm_stat_cb_t status);
void ifmedia_add(struct ifmedia *ifm, int mword, int data, void *aux);
void ifmedia_list_add(struct ifmedia *ifm, struct ifmedia_entry *list, int count);
void ifmedia_set(struct ifmedia *ifm, int mword);
int ifmedia_ioctl(struct ifnet *ifp, struct ifreq *ifr, struct ifmedia *ifm, u_long cmd);
void ifmedia_delete_instance(struct ifmedia *ifm, u_int inst);
void ifmedia_removeall(struct ifmedia *ifm);
struct ifmedia_entry *ifmedia_match(struct ifmedia *ifm, u_int target, u_int mask);

#endif
