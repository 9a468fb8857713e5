/*
 * devnp-sam-detach-yield.so — detach yields the stack context after uncounting its device.
 *
 * The mistake: sam_detach decrements the mount's device count first and then waits for
 * the transmitter to drain with nic_delay (which sleeps: the stack serves other requests).
 * The other device's detach, served meanwhile, sees itself as the last, keeps its DLL
 * handle and io-pkt unloads the DLL while the first detach still sleeps in it. Seed 002,
 * "Detach function": "The detach function must not yield the stack context once the
 * driver has internally marked the device as removed".
 */
#define SAM_BUG_DETACH_YIELD
#include "../../sam/sam.c"
