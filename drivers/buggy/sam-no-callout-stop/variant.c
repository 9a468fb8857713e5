/*
 * devnp-sam-no-callout-stop.so — if_stop clears the run flag but never calls callout_stop.
 *
 * The mistake: sam_stop relies on the run flag alone. The monitor callout stays armed
 * after ifconfig down and after detach, and fires into a device (and a DLL) that is gone.
 * Seed 002, "Periodic timers": the callout "will typically be stopped via a call to
 * callout_stop() in the ifp->if_stop() function", the run flag closing the remaining
 * window.
 */
#define SAM_BUG_NO_CALLOUT_STOP
#include "../../sam/sam.c"
