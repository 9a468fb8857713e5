/* devnp-lat-callout-poll.so: simnic's simnic.c unchanged (the mistake is in mii.c). */
#include "../../simnic/simnic.c"
