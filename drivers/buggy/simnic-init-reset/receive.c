/* devnp-simnic-init-reset.so: simnic's receive.c, unchanged (the mistake is in init.c). */
#include "../../simnic/receive.c"
