/*
 * <net/if_ether.h> — Ethernet interfaces in io-pkt: struct ethercom (the ifnet plus the
 * multicast list and Ethernet capabilities), ether_ifattach/ether_ifdetach,
 * ether_ioctl, and the multicast iteration macros.
 *
 * The Ethernet header and the ETHER_/ETHERTYPE_ constants are the host's
 * <net/ethernet.h> ones (identical to BSD's), so a driver that includes both sees one
 * definition.
 */
#ifndef _NET_IF_ETHER_H_
#define _NET_IF_ETHER_H_

#include <sys/types_bsd.h>
#include <sys/queue.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_types.h>

#ifndef ETHER_VLAN_ENCAP_LEN
#define ETHER_VLAN_ENCAP_LEN 4
#endif
#define ETHER_MAX_LEN_JUMBO 9018
#define ETHERMTU_JUMBO (ETHER_MAX_LEN_JUMBO - ETHER_HDR_LEN - ETHER_CRC_LEN) /* 9000 */
#ifndef ETHER_IS_MULTICAST
#define ETHER_IS_MULTICAST(addr) (*(const uint8_t *)(addr) & 0x01)
#endif
#define ETHER_ALIGN 2

/* ec_capabilities */
#define ETHERCAP_VLAN_MTU 0x00000001     /* VLAN-sized frames */
#define ETHERCAP_VLAN_HWTAGGING 0x00000002
#define ETHERCAP_JUMBO_MTU 0x00000004    /* frames up to ETHERMTU_JUMBO: mtu > 1500 allowed */

/* One multicast address range the interface must receive ([lo, hi]; usually lo == hi). */
struct ethercom;
struct ether_multi {
	uint8_t enm_addrlo[ETHER_ADDR_LEN];
	uint8_t enm_addrhi[ETHER_ADDR_LEN];
	struct ethercom *enm_ec;
	u_int enm_refcount;
	LIST_ENTRY(ether_multi) enm_list;
};

struct ether_multistep {
	struct ether_multi *e_enm;
};

/* The common Ethernet part of a driver's device structure. */
struct ethercom {
	struct ifnet ec_if;                 /* must come first */
	int ec_capabilities;                /* ETHERCAP_* the hardware can do */
	int ec_capenable;
	int ec_nvlans;
	LIST_HEAD(, ether_multi) ec_multiaddrs; /* the multicast list */
	int ec_multicnt;
};

/* Walk the multicast list: ETHER_FIRST_MULTI, then ETHER_NEXT_MULTI until enm is NULL. */
#define ETHER_NEXT_MULTI(step, enm) do { \
	if (((enm) = (step).e_enm) != NULL) \
		(step).e_enm = LIST_NEXT((enm), enm_list); \
} while (0)
#define ETHER_FIRST_MULTI(step, ec, enm) do { \
	(step).e_enm = LIST_FIRST(&(ec)->ec_multiaddrs); \
	ETHER_NEXT_MULTI((step), (enm)); \
} while (0)

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

/*
 * ether_ifattach: after if_attach, in the stack context. Records the station address in
 * if_sadl, sets MTU 1500, the Ethernet header and address lengths, installs io-pkt's
 * ether_output as if_output and ether_input as if_input; a missing if_init or if_stop is
 * logged and replaced by a no-op. ether_ifdetach: before if_detach; frees the
 * multicast list.
 */
void ether_ifattach(struct ifnet *ifp, const uint8_t *enaddr);
void ether_ifdetach(struct ifnet *ifp);

/*
 * io-pkt's Ethernet ioctls, for the driver's if_ioctl to fall back on: SIOCSIFADDR
 * (marks the interface up and calls if_init), SIOCSIFMTU (checks the range, calls
 * if_init again if up), SIOCSIFFLAGS (if_init / if_stop as the flags say),
 * SIOCADDMULTI/SIOCDELMULTI (ENETRESET when the list changed: the driver reprograms its
 * filter). Anything else: ENOTTY. The stack context.
 */
int ether_ioctl(struct ifnet *ifp, u_long cmd, caddr_t data);

/* Add/remove a multicast range; ENETRESET when the list changed. */
int ether_addmulti(const uint8_t lo[ETHER_ADDR_LEN], const uint8_t hi[ETHER_ADDR_LEN],
                   struct ethercom *ec);
int ether_delmulti(const uint8_t lo[ETHER_ADDR_LEN], const uint8_t hi[ETHER_ADDR_LEN],
                   struct ethercom *ec);

/*
 * ether_input: what if_input points at. A tracked thread or an io-pkt thread (a worker
 * in process_interrupt, the stack); never an untracked one. Drops the frame if the
 * interface is not up; otherwise queues it for the stack and signals the stack.
 */
void ether_input(struct ifnet *ifp, struct mbuf *m);
int ether_output(struct ifnet *ifp, struct mbuf *m, struct sockaddr *dst, struct rtentry *rt);

/* "02:73:61:6d:00:00" in a static buffer. */
char *ether_sprintf(const u_char *ap);

#endif
