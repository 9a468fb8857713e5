/* devnp-lat-callout-poll.so: simnic's receive.c unchanged (the mistake is in mii.c). */
#include "../../simnic/receive.c"
