# devnp-stale-nextpacket.so — simnic clearing IFF_OACTIVE when the link is down and not
# restarting on link-up: the frames held back wait for the application's next frame
# (io-pkt's if_start call). Seed 000 (restart by callout or on link up, not on the next packet).
set(VARIANT_OF simnic)
set(VARIANT_DEFINES SIMNIC_BUG_NEXT_PACKET=1)
