/*
 * devnp-sam-init-alloc.so — if_init allocates on every call.
 *
 * The mistake: sam_init takes a "spare receive buffer" (an mbuf cluster) each time it runs,
 * overwriting the one the previous init took. if_init runs again and again (address,
 * mtu, up), so one mbuf leaks per call. Seed 002, "Initialization": attach allocates once,
 * "the init function can and will be called over and over again".
 */
#define SAM_BUG_INIT_ALLOC
#include "../../sam/sam.c"
