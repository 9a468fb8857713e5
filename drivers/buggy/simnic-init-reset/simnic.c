/* devnp-simnic-init-reset.so: simnic's simnic.c, unchanged (the mistake is in init.c). */
#include "../../simnic/simnic.c"
