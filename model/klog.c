/*
 * model/klog.c — kernel odds and ends of <sys/systm.h>: log() (as nw_log), panic(), and
 * strlcpy/strlcat where the C library lacks them.
 */
#include "net_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A system log message: a "log" trace record (level, text). Any context. */
void nw_log(int level, const char *fmt, ...)
{
	char msg[SIM_TRACE_MAX_STR + 1];
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = 0;
	if (model_net.w)
		sim_emit(model_net.w, model_net.k.log, (int64_t)level, msg);
}

/* io-pkt would stop here: a breach, and the run ends after the current event. */
void panic(const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	model_breach("panic", "%s", msg);
}

#if !defined(__GLIBC__) || __GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38)
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);
	if (d == size)
		return size + strlen(src);
	return d + strlcpy(dst + d, src, size - d);
}
#endif
