# devnp-lat-start-mutex.so — test-net whose if_start takes the RX ring mutex with
# pthread_mutex_lock while its own RX thread holds it for a burst of work: if_start runs
# in the stack context (a socket write), so the stack waits for the RX thread.
# Seed 001, "Blocking Operations": "If the resource is already locked, can it potentially
# be locked for a long period of time, blocking the callback function while the driver
# waits to acquire the lock?" The correct version (test-net's rxthread option) tries the
# mutex and, when it is busy, leaves the frames queued for a re-armed callout
# (docs/bug-catalog.md section 6).
set(VARIANT_OF test-net)
set(VARIANT_DEFINES TNET_BUG_START_LOCK=1)
