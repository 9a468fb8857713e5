/* devnp-simnic-init-reset.so: simnic's transmit.c, unchanged (the mistake is in init.c). */
#include "../../simnic/transmit.c"
