# devnp-stale-nopurge.so — simnic never purging if_snd while the link stays down: frames
# go stale and are sent long out of date when it returns. Seed 000 ("the last point is
# stale data": IFQ_PURGE, periodic purging while TX has not resumed).
set(VARIANT_OF simnic)
set(VARIANT_DEFINES SIMNIC_BUG_NO_PURGE=1)
