# devnp-lat-callout-poll.so — simnic whose link monitor callout, finding the link down,
# polls STATUS in a loop until the link comes up (or 2000 reads have gone by) instead of
# looking once and re-arming itself: a callout runs in the stack context on proc0, so
# every register read of the loop holds the stack.
# Seed 002, periodic callouts and "delays with ltsleep vs callouts": a callout must do
# its work and return, and continue from a re-armed callout. The correct simnic reads
# STATUS once per run of simnic_mii_monitor (docs/bug-catalog.md section 6).
set(VARIANT_OF simnic)
set(VARIANT_DEFINES SIMNIC_BUG_POLL_LINK=2000)
