/*
 * <net/if_types.h> — interface types (ifp->if_type), the ones an io-pkt driver meets.
 */
#ifndef _NET_IF_TYPES_H_
#define _NET_IF_TYPES_H_

#define IFT_OTHER 0x01
#define IFT_ETHER 0x06
#define IFT_LOOP 0x18
#define IFT_IEEE80211 0x47
#define IFT_L2VLAN 0x87
#define IFT_BRIDGE 0xd1

#endif
