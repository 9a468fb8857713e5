/*
 * <sys/sockio.h> — the socket and interface ioctls io-pkt hands a driver's if_ioctl, with
 * BSD's encoding (group 'i', the argument's size). These replace the host's SIOC*
 * numbers, which mean other things: the definitions below are re-applied (#undef then
 * #define) every time this header is included, and <sys/ioctl.h> includes it after the
 * host's, so a driver always sees io-pkt's values.
 */
#ifndef _SYS_SOCKIO_H_
#define _SYS_SOCKIO_H_

#include <sys/types_bsd.h>

#define _NW_IOCPARM_MASK 0x1fff
#define _NW_IOC_VOID 0x20000000UL
#define _NW_IOC_OUT 0x40000000UL
#define _NW_IOC_IN 0x80000000UL
#define _NW_IOC_INOUT (_NW_IOC_IN | _NW_IOC_OUT)
#define _NW_IOC(inout, group, num, len) \
	((unsigned long)((inout) | (((len) & _NW_IOCPARM_MASK) << 16) | ((group) << 8) | (num)))
#define _NW_IOW(g, n, t) _NW_IOC(_NW_IOC_IN, (g), (n), sizeof(t))
#define _NW_IOR(g, n, t) _NW_IOC(_NW_IOC_OUT, (g), (n), sizeof(t))
#define _NW_IOWR(g, n, t) _NW_IOC(_NW_IOC_INOUT, (g), (n), sizeof(t))

struct ifreq;
struct ifaliasreq;
struct ifmediareq;
struct ifdrv;

#endif /* _SYS_SOCKIO_H_ */

/* Outside the guard on purpose: see above. */
#undef SIOCSIFADDR
#undef SIOCGIFADDR
#undef SIOCSIFFLAGS
#undef SIOCGIFFLAGS
#undef SIOCSIFMTU
#undef SIOCGIFMTU
#undef SIOCADDMULTI
#undef SIOCDELMULTI
#undef SIOCAIFADDR
#undef SIOCDIFADDR
#undef SIOCSIFMEDIA
#undef SIOCGIFMEDIA
#undef SIOCINITIFADDR
#undef SIOCSIFCAP
#undef SIOCGIFCAP
#undef SIOCGDRVCOM
#undef SIOCSDRVSPEC
#undef SIOCGDRVSPEC
#undef SIOCIFDESTROY

#define SIOCSIFADDR _NW_IOW('i', 12, struct ifreq)       /* data: struct ifaddr * */
#define SIOCGIFADDR _NW_IOWR('i', 33, struct ifreq)
#define SIOCSIFFLAGS _NW_IOW('i', 16, struct ifreq)
#define SIOCGIFFLAGS _NW_IOWR('i', 17, struct ifreq)
#define SIOCADDMULTI _NW_IOW('i', 49, struct ifreq)
#define SIOCDELMULTI _NW_IOW('i', 50, struct ifreq)
#define SIOCSIFMEDIA _NW_IOWR('i', 55, struct ifreq)
#define SIOCGIFMEDIA _NW_IOWR('i', 54, struct ifmediareq)
#define SIOCAIFADDR _NW_IOW('i', 26, struct ifaliasreq)
#define SIOCDIFADDR _NW_IOW('i', 25, struct ifreq)
#define SIOCSIFMTU _NW_IOW('i', 127, struct ifreq)
#define SIOCGIFMTU _NW_IOWR('i', 126, struct ifreq)
#define SIOCINITIFADDR _NW_IOWR('i', 132, struct ifreq)  /* data: struct ifaddr * */
#define SIOCSIFCAP _NW_IOW('i', 117, struct ifreq)
#define SIOCGIFCAP _NW_IOWR('i', 118, struct ifreq)
#define SIOCSDRVSPEC _NW_IOW('i', 123, struct ifreq)
#define SIOCGDRVSPEC _NW_IOWR('i', 123, struct ifreq)
#define SIOCGDRVCOM _NW_IOWR('i', 124, struct ifreq)     /* QNX nicinfo; not sent by pktsim */
#define SIOCIFDESTROY _NW_IOW('i', 121, struct ifreq)
