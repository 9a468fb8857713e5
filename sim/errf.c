/*
 * sim/errf.c — the one helper every layer uses to say why something failed.
 */
#include "sim.h"

#include <stdarg.h>

void sim_errf(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	if (!err || n == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
}
