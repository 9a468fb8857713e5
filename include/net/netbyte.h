/*
 * <net/netbyte.h> — byte order for network code: ntohs/htons/ntohl/htonl and the
 * explicit-width conversions (htole16, be32toh, ...), from the host's headers.
 */
#ifndef _NET_NETBYTE_H_
#define _NET_NETBYTE_H_

#include <arpa/inet.h>
#include <endian.h>

#endif
