/*
 * devnp-sam-no-hook-disestablish.so — detach forgets shutdownhook_disestablish.
 *
 * The mistake: sam_detach undoes everything attach did but the shutdown hook, which stays
 * registered with a pointer to the freed device; io-pkt calls it when it exits. Seed 002,
 * "Shutdown": "It's important to remember to set this in the attach function and equally
 * to clear it in the detach function".
 */
#define SAM_BUG_NO_HOOK_DISESTABLISH
#include "../../sam/sam.c"
