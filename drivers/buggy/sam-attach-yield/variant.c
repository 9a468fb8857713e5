/*
 * devnp-sam-attach-yield.so — attach yields the stack context before counting its device.
 *
 * The mistake: sam_attach waits (nic_delay, which sleeps and lets the stack serve other
 * requests) before it increments the mount's device count. If the mount's other device is
 * destroyed meanwhile, its detach sees the count drop to 0 and lets io-pkt unload the DLL
 * under the attach still sleeping in it: a crash when it resumes. Seed 002, "Detach
 * function": "A similar issue can occur if a driver's attach function yields the stack
 * context before internally marking the device as present."
 */
#define SAM_BUG_ATTACH_YIELD
#include "../../sam/sam.c"
