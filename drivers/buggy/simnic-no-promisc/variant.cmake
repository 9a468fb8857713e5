# devnp-simnic-no-promisc.so — simnic never programming promiscuous mode: IFF_PROMISC,
# which io-pkt sets on a bridge member (ifpromisc) before calling if_ioctl(SIOCSIFFLAGS),
# never reaches CTRL.PROMISC, so the NIC's receive filter keeps refusing frames for other
# stations and the bridge has nothing to forward.
set(VARIANT_OF simnic)
set(VARIANT_DEFINES SIMNIC_BUG_NO_PROMISC=1)
