# devnp-quiesce-nocb.so — the tracked thread's init function sets no quiesce callback.
# Seed 000 ("All tracked POSIX threads must register a quiesce callback function ... If
# your thread doesn't register a quiesce callback function, io-pkt can end up in a
# deadlock situation"): the first quiesce_all (if_stop's big gun) waits for ever.
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_BUG_NO_CALLBACK=1)
