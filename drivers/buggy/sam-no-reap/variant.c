/*
 * devnp-sam-no-reap.so — detach forgets nw_pthread_reap of the driver's thread.
 *
 * The mistake: the driver (sam with its tracked housekeeping thread, as devnp-sam-thread.so)
 * creates the thread in attach with nw_pthread_create and never reaps it in detach: the
 * thread keeps running code of a DLL io-pkt is unloading. Seed 000 ("nw_pthread_reap")
 * and seed 002 (driver threads: quiesce_block(die) with die set ends the thread).
 */
#define SAM_THREAD
#define SAM_BUG_NO_REAP
#include "../../sam/sam.c"
