/*
 * include/errno.h — the C library's <errno.h> plus QNX's EOK.
 *
 * Note for driver writers: every simulated thread runs on the one OS thread of the
 * process, so errno is shared between them. pktsim's own calls set errno just before
 * they return (after any wait), so reading it right after a failed call is safe.
 */
#ifndef PKTSIM_ERRNO_H
#define PKTSIM_ERRNO_H

#include_next <errno.h>

#ifndef EOK
#define EOK 0
#endif

#endif
