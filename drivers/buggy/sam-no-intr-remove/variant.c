/*
 * devnp-sam-no-intr-remove.so — detach forgets interrupt_entry_remove.
 *
 * The mistake: sam_detach detaches its ISR (in sam_stop) but leaves its interrupt entry
 * registered with an io-pkt worker: the entry lives inside the freed device structure,
 * and the next interrupt_queue or quiesce walks into it. Seed 002, "Shutdown" (detach
 * undoes everything attach did) and iopkt-facts.md ("interrupt_entry_remove — S only;
 * quiesces and removes the entry").
 */
#define SAM_BUG_NO_INTR_REMOVE
#include "../../sam/sam.c"
