/*
 * <io-pkt/iopkt_driver.h> — the io-pkt driver API in one include, as pktsim models it.
 *
 * A driver is a shared object devnp-NAME.so exporting iopkt_drvr_entry:
 *
 *   struct _iopkt_drvr_entry IOPKT_DRVR_ENTRY_SYM(sam) = IOPKT_DRVR_ENTRY_SYM_INIT(sam_entry);
 *
 * After loading it ("mount -T io-pkt devnp-sam.so", "io-pkt -d sam"), io-pkt checks the
 * version and calls drvr_init(dll_hdl, iopkt, options) in the stack context; that entry
 * function calls dev_attach once per device (<device_qnx.h>). Everything else reaches the
 * driver through the function pointers it registers: attach/detach (struct cfattach),
 * if_init/if_start/if_stop/if_ioctl (struct ifnet), interrupt entries, callouts,
 * shutdown hooks.
 *
 * The pieces: <sys/mbuf.h> packets; <net/if.h>, <net/if_ether.h> interfaces and their
 * queues; <siglock.h> the TX mutex; <sys/device.h>, <device_qnx.h> devices; <sys/systm.h>
 * shutdown hooks, log(), delays; and the core's <sys/io-pkt.h> (interrupts, WTP),
 * <nw_thread.h> (tracked threads, quiesce), <sys/callout.h>, <sys/proc.h> (ltsleep),
 * <blockop.h>.
 */
#ifndef _IO_PKT_IOPKT_DRIVER_H_
#define _IO_PKT_IOPKT_DRIVER_H_

#include <sys/types_bsd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sys/io-pkt.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <sys/sockio.h>
#include <sys/device.h>
#include <device_qnx.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_types.h>
#include <net/if_ether.h>
#include <nw_thread.h>
#include <siglock.h>
#include <blockop.h>
#include <hw/nicinfo.h>

#ifndef IOPKT_VERSION
/* The entry point io-pkt looks up in a driver (dlsym "iopkt_drvr_entry"). */
enum _iopkt_module_type {
	IOPKT_MODULE_GENERAL,
	IOPKT_MODULE_UNI,
	IOPKT_MODULE_SMP,
};

struct _iopkt_drvr_entry {
	int version;                    /* IOPKT_VERSION: anything else is refused (EINVAL) */
	enum _iopkt_module_type type;
	int (*drvr_init)(void *dll_hdl, struct _iopkt_self *iopkt, char *options);
};

#define IOPKT_VERSION 1
#define IOPKT_STRING "io-pkt"

#if defined(VARIANT_uni)
#define IOPKT_MODULE_TYPE IOPKT_MODULE_UNI
#elif defined(VARIANT_smp)
#define IOPKT_MODULE_TYPE IOPKT_MODULE_SMP
#else
#define IOPKT_MODULE_TYPE IOPKT_MODULE_GENERAL
#endif

#ifndef VARIANT_a
#define IOPKT_DRVR_ENTRY_SYM(sfx) iopkt_drvr_entry
#else
#define IOPKT_DRVR_ENTRY_SYM(sfx) ___CONCAT(iopkt_drvr_entry_, sfx)
#endif
#define IOPKT_DRVR_ENTRY_SYM_INIT(entry) { IOPKT_VERSION, IOPKT_MODULE_TYPE, (entry) }
#endif /* IOPKT_VERSION */

#endif
