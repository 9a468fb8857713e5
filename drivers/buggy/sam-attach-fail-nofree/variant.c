/*
 * devnp-sam-attach-fail-nofree.so — a failed attach leaks the memory it allocated.
 *
 * The mistake: when a step of sam_attach fails after the receive ring was allocated, the
 * failure path returns the error without freeing the ring: every failed attach (a retried
 * mount, a missing resource) loses it. Seed 002 ("Initialization": attach allocates the
 * resources) and iopkt-facts.md ("Loading and attaching": on failure nothing remains).
 */
#define SAM_BUG_FAIL_NO_FREE
#include "../../sam/sam.c"
