/* devnp-lat-callout-poll.so: simnic's init.c unchanged (the mistake is in mii.c). */
#include "../../simnic/init.c"
