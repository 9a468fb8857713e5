# devnp-stale-norestart.so — simnic restarting transmission only on TX completion:
# when the link returns with frames held back in if_snd (IFF_OACTIVE left set while the
# link was down) nothing restarts it, and io-pkt will not call if_start while IFF_OACTIVE
# is set. Seed 000 ("Managing the TX queue ...": restart when the link is detected up).
set(VARIANT_OF simnic)
set(VARIANT_DEFINES SIMNIC_BUG_NO_LINK_RESTART=1)
