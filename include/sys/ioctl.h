/*
 * <sys/ioctl.h> — the host's, then io-pkt's SIOC* numbers over the host's (see
 * <sys/sockio.h>): a driver that includes this header still talks io-pkt's ioctls.
 */
#include_next <sys/ioctl.h>
#include <sys/sockio.h>
