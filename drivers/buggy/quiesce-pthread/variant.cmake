# devnp-quiesce-pthread.so — the RX thread created with pthread_create instead of
# nw_pthread_create, and it allocates mbufs. Seed 002 ("While it's possible to create
# standard threads via pthread_create(), ... they must not have anything to do with mbufs
# or call back in to io-pkt functions"); seed 000 (nw_pthread_create "allows the thread to
# allocate and free mbuf and cluster memory buffers").
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_BUG_PTHREAD=1)
