/* devnp-lat-callout-poll.so: simnic's transmit.c unchanged (the mistake is in mii.c). */
#include "../../simnic/transmit.c"
