# devnp-stale-rearm.so — drivers/qdrv-reset with a tick that re-arms itself without
# looking at its run flag ("a periodic timer re-arms itself at its end"). When the
# error-recovery thread stops the tick while that tick runs on a worker (callout_stop
# does not wait for a running handler), the tick re-arms itself after the stop: the stop
# race of seed 002 ("Periodic timers": "You may need to add a run_timer variable and
# clear it as well as calling callout_stop() ... This will close the window on a race
# condition where the dev_monitor() function has started running but not completed when
# another thread does a callout_stop()"). docs/bug-catalog.md, section 5.
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_RESET=1 QDRV_BUG_REARM_NO_FLAG=1)
