/*
 * <net/if_dl.h> — the link-level address of an interface (struct sockaddr_dl), as
 * io-pkt keeps it in ifp->if_sadl. LLADDR(ifp->if_sadl) is the station (MAC) address
 * that ether_ifattach recorded and ifconfig may change; if_init compares it with what
 * the hardware holds.
 */
#ifndef _NET_IF_DL_H_
#define _NET_IF_DL_H_

#include <sys/types_bsd.h>

#ifndef AF_LINK
#define AF_LINK 18
#endif

struct sockaddr_dl {
	u_char sdl_len;       /* total length of the structure */
	u_char sdl_family;    /* AF_LINK */
	u_short sdl_index;    /* interface index */
	u_char sdl_type;      /* IFT_* */
	u_char sdl_nlen;      /* name length, from sdl_data[0] */
	u_char sdl_alen;      /* link-level address length */
	u_char sdl_slen;      /* link-layer selector length */
	char sdl_data[48];    /* name, then address */
};

#define LLADDR(s) ((caddr_t)((s)->sdl_data + (s)->sdl_nlen))
#define CLLADDR(s) ((const char *)((s)->sdl_data + (s)->sdl_nlen))

#endif
