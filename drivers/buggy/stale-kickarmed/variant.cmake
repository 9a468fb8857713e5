# devnp-stale-kickarmed.so — simnic's if_stop not stopping the TX kick callout: the retry
# armed when the ring ran out of descriptors fires after if_stop. Seed 000 ("If you set
# this timer, it should be stopped if an ifconfig interface_name down occurs").
set(VARIANT_OF simnic)
set(VARIANT_DEFINES SIMNIC_BUG_KICK_ARMED=1)
