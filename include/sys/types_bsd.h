/*
 * <sys/types_bsd.h> — pktsim: the BSD kernel types and helper macros io-pkt's headers
 * take for granted (caddr_t, u_int8_t, u_quad_t, ___CONCAT, __predict_false ...), on top
 * of the host's <sys/types.h>. Included by the other io-pkt headers of include/; a
 * driver never needs it directly.
 */
#ifndef _PKTSIM_SYS_TYPES_BSD_H_
#define _PKTSIM_SYS_TYPES_BSD_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef __USE_MISC
/* glibc hides the BSD names in strict ISO modes; io-pkt code needs them. */
typedef char *caddr_t;
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef uint8_t u_int8_t;
typedef uint16_t u_int16_t;
typedef uint32_t u_int32_t;
typedef uint64_t u_int64_t;
#endif
typedef uint64_t u_quad_t;
typedef int64_t quad_t;

#ifndef ___CONCAT
#define ___CONCAT(x, y) x##y
#endif
#ifndef __CONCAT
#define __CONCAT(x, y) x##y
#endif
#ifndef ___STRING
#define ___STRING(x) #x
#endif
#ifndef __STRING
#define __STRING(x) #x
#endif
#ifndef __predict_true
#define __predict_true(e) __builtin_expect(!!(e), 1)
#define __predict_false(e) __builtin_expect(!!(e), 0)
#endif
#ifndef __UNCONST
#define __UNCONST(a) ((void *)(uintptr_t)(const void *)(a))
#endif
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((__aligned__(x)))
#endif

#ifndef EOK
#define EOK 0 /* QNX's name for "no error" */
#endif

#endif
