# devnp-quiesce-nocb66.so — the same mistake as quiesce-nocb (no quiesce callback), run
# against io-pkt 6.6 (-D iopkt=6.6), which refuses the thread: nw_pthread_create returns
# EINVAL and the mount fails (iopkt-facts.md, "Threads and quiesce"; seed 000).
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_BUG_NO_CALLBACK=1)
