/*
 * devnp-sam-attach-fail-leak.so — a failed attach leaves a shutdown hook behind.
 *
 * The mistake: sam_attach establishes its shutdown hook early, before the steps that can
 * fail (interrupt_entry_init), and its failure path does not disestablish it. io-pkt frees
 * the device structure of a failed attach, so the hook now points into freed memory and
 * runs on it when io-pkt exits. Seed 002 ("Initialization": attach allocates and hooks
 * itself up to io-pkt; "Shutdown": establish in attach, clear in detach) and
 * iopkt-facts.md (on failure dev_attach frees the device: nothing may remain).
 */
#define SAM_BUG_ATTACH_FAIL_LEAK
#include "../../sam/sam.c"
