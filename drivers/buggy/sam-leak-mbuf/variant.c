/*
 * devnp-sam-leak-mbuf.so — one mbuf leaks per mount/destroy cycle.
 *
 * The mistake: sam_attach allocates a spare receive buffer, and sam_detach forgets to
 * free it. Each "ifconfig sam0 destroy" leaves one mbuf cluster behind. Seed 002,
 * "Shutdown": detach "should reset the hardware and clear up all memory ... It should be
 * possible to do this [mount, address, traffic, destroy] multiple times with no memory
 * leaks."
 */
#define SAM_BUG_LEAK_MBUF
#include "../../sam/sam.c"
