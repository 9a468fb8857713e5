/* devnp-simnic-init-reset.so: simnic's mii.c, unchanged (the mistake is in init.c). */
#include "../../simnic/mii.c"
