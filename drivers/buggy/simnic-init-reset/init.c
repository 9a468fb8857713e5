/*
 * devnp-simnic-init-reset.so — if_init resets the chip every time it runs.
 *
 * The mistake: simnic_init starts with a chip reset (CTRL.RST) and programs everything
 * again, instead of auditing what the chip does and changing only the difference. if_init
 * runs for every address, mtu or flags change, so each of them cuts the traffic: the
 * frames in the rings are lost and the link renegotiates. Seed 002, "Initialization": "It
 * would be a mistake to disable the hardware and initialize it all over again, as a small
 * change would then interrupt any current traffic flows."
 *
 * The variant is the simnic driver compiled with SIMNIC_BUG_INIT_RESET; the other files
 * of this folder are simnic's own, unchanged.
 */
#define SIMNIC_BUG_INIT_RESET
#include "../../simnic/init.c"
