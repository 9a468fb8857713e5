# devnp-quiesce-unasked.so — if_stop ends the RX thread with a pulse of its own, on which
# the thread calls quiesce_block(1) without io-pkt having asked. Seed 000 ("Don't call
# quiesce_block(die) to stop a thread without its being triggered by your quiesce
# callback function; if you want to terminate your tracked thread, call nw_pthread_reap()").
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_BUG_UNASKED=1)
