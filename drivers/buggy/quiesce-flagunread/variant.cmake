# devnp-quiesce-flagunread.so — flag pattern whose loop never reads the flag the quiesce
# callback sets: the callback runs, the thread never calls quiesce_block, quiesce_all
# waits for ever. Seed 002 (driver threads and quiesce: "needs to notify the driver
# thread to call quiesce_block()"); seed 000 ("io-pkt ... will be blocked in quiesce_all()").
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_PATTERN_FLAG=1 QDRV_BUG_FLAG_UNREAD=1)
