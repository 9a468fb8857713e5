/*
 * devnp-sam-init-callout-init.so — if_init calls callout_init on its armed callout.
 *
 * The mistake: sam_init "cleans" the monitor callout with callout_init before arming it.
 * On the second init the callout is pending, and initialising it corrupts io-pkt's timer
 * list. Seed 002, "Periodic timers": "calling callout_init() more than once will break
 * things"; create timers once, in attach.
 */
#define SAM_BUG_INIT_CALLOUT_INIT
#include "../../sam/sam.c"
