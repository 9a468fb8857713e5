# devnp-qdrv-reset.so — drivers/quiesce-pulse/qdrv.c (pulse pattern) whose tracked thread
# is also its error-recovery thread: the tick, finding new receive errors, asks it for a
# receive-side reset, and the thread stops the tick (run flag first, then callout_stop)
# while that tick is still running on a worker — the stop race of seed 002 with the
# stopper outside the stack context. The correct driver of scenarios/stale_stop_race.lua.
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_RESET=1)
