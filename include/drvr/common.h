/*
 * <drvr/common.h> — QNX's network driver support library, as far as pktsim provides it:
 * nic_config_t (from <hw/nicinfo.h>) and nic_delay (pktsim's core: see <sys/systm.h>).
 */
#ifndef _DRVR_COMMON_H_
#define _DRVR_COMMON_H_

#include <hw/nicinfo.h>
#include <sys/systm.h>

#endif
