/*
 * devnp-sam-mtu-attach.so — the MTU is programmed in attach only.
 *
 * The mistake: the receiver's largest frame is set once, in sam_attach, from the default
 * MTU, and sam_init never applies if_mtu. After "ifconfig sam0 mtu 9000" the interface
 * accepts jumbo frames to send, but the receiver drops them as too long. Seed 002,
 * "Initialization": "it would be an error of the driver to set the MTU in the attach
 * function".
 */
#define SAM_BUG_MTU_ATTACH
#include "../../sam/sam.c"
