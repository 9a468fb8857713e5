/*
 * devnp-sam-init-intr.so — if_init attaches the interrupt again on every call.
 *
 * The mistake: sam_init calls InterruptAttach_r each time it runs, without checking
 * whether its ISR is attached already, and keeps only the newest id: every address, MTU
 * or flags change adds one more ISR on the line, and if_stop detaches only the last one.
 * Seed 002, "Initialization" (attach hooks into io-pkt once; "the init function can and
 * will be called over and over again").
 */
#define SAM_BUG_INIT_INTR
#include "../../sam/sam.c"
