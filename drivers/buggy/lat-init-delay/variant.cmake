# devnp-lat-init-delay.so — test-net whose if_init waits for slow "hardware" with a busy
# wait, delay(), instead of sleeping: the stack context is held the whole time, so every
# request, callout and received frame of io-pkt waits with it ("ifconfig hangs").
# Seed 001, "Blocking Operations" (any time spent in a driver callback is time io-pkt
# cannot serve anything else) and seed 002 on delays: sleep with ltsleep in the stack
# context, or hand the wait to blockop. The correct version is test-net's slowinit=MS
# option (tsleep, or blockop with "blockop"); docs/bug-catalog.md section 6.
set(VARIANT_OF test-net)
set(VARIANT_DEFINES TNET_BUG_BUSY_WAIT=1)
