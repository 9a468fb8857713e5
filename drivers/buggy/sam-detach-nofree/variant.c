/*
 * devnp-sam-detach-nofree.so — detach forgets to free the receive ring.
 *
 * The mistake: sam_detach undoes what attach registered with io-pkt but never frees the
 * memory attach allocated for the receive ring: each mount/destroy cycle loses it. Seed
 * 002, "Shutdown": detach "should reset the hardware and clear up all memory".
 */
#define SAM_BUG_DETACH_NO_FREE
#include "../../sam/sam.c"
