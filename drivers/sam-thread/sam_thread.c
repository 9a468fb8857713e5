/*
 * devnp-sam-thread.so — the reference driver with a tracked housekeeping thread
 * (nw_pthread_create in attach, nw_pthread_reap in detach; the quiesce callback sets a
 * flag the looping thread polls). A correct driver: scenarios that check what a driver
 * leaves behind run it too, so that their thread checks have a driver that passes them.
 */
#define SAM_THREAD
#include "../sam/sam.c"
