/*
 * <device_qnx.h> — io-pkt's device attach and detach (QNX's, no NetBSD autoconf).
 */
#ifndef _DEVICE_QNX_H_
#define _DEVICE_QNX_H_

#include <sys/device.h>

/*
 * Attach one device, from the driver's entry function (or later, say on hot-plug), in
 * the stack context only (else EPERM).
 *
 * options is the driver's option string; dev_attach removes "lan=N" / "unit=N" (the
 * unit; sets *single to 1) and "name=X" (the name instead of drvr) from it, in place.
 * Without an explicit unit it takes the lowest unit free for that name. It allocates a
 * zeroed structure of ca->ca_devsize bytes (struct device first), names it "%s%d",
 * sets DVF_ACTIVE, stores it in *devp (whose value on entry is the parent), calls
 * print(cfat_arg, NULL) if given, then ca->ca_attach(parent, dev, cfat_arg).
 *
 * Returns EOK with the device attached, or an errno with nothing left behind: EALREADY
 * (the unit is taken), ENAMETOOLONG (the name has 16 characters or more), EINVAL (bad
 * options or ca), or whatever attach returned. After a failure *devp is left as it was:
 * the device structure is gone.
 */
int dev_attach(char *drvr, char *options, struct cfattach *ca, void *cfat_arg, int *single,
               struct device **devp, int (*print)(void *, const char *));

/*
 * Detach dev (what "ifconfig IF destroy" does): the stack context only (else EPERM).
 * Calls ca_detach(dev, flags) inside quiesce_all/unquiesce_all unless DVF_QUIESCESELF;
 * EOPNOTSUPP if there is no detach function; if detach fails the device stays. Then the
 * structure is freed and, if dv_dll_hdl is set, that DLL is closed, through blockop:
 * the stack context yields meanwhile.
 */
int dev_detach(struct device *dev, int flags);

#endif
