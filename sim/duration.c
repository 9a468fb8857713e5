/*
 * sim/duration.c — durations as people write them ("250us") and as we print them.
 */
#include "sim.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

static const struct {
	const char *unit;
	sim_ns scale;
} units[] = {
	{ "ns", 1 }, { "us", SIM_US }, { "ms", SIM_MS }, { "s", SIM_S },
	{ "min", 60 * SIM_S }, { "", 1 },
};

/* Integer part and up to 9 fraction digits, exactly, without floating point. */
int sim_parse_duration(const char *s, sim_ns *out)
{
	sim_ns whole = 0, frac = 0, fscale = 1;
	const char *p = s;
	size_t i;
	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (INT64_MAX - 9) / 10)
			return -EINVAL;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (fscale >= SIM_S)
				return -EINVAL; /* finer than a nanosecond of a second */
			frac = frac * 10 + (*p - '0');
			fscale *= 10;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit))
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		return -EINVAL;
	if (whole > INT64_MAX / units[i].scale)
		return -EINVAL;
	if (units[i].scale % fscale != 0 && frac != 0)
		return -EINVAL; /* a fraction of a nanosecond */
	*out = whole * units[i].scale + frac * (units[i].scale / fscale);
	return 0;
}

/* "1.250000ms" -> "1.250ms": keep at least three decimals, drop only zeros. */
static void trim_zeros(char *buf)
{
	char *dot = strchr(buf, '.'), *unit, *end;
	if (!dot)
		return;
	for (unit = dot + 1; isdigit((unsigned char)*unit); unit++)
		;
	end = unit;
	while (end > dot + 4 && end[-1] == '0')
		end--;
	memmove(end, unit, strlen(unit) + 1);
}

/* Append the decimal digits of v at p (width digits at least, zero-padded); the end. */
static char *put_dec(char *p, uint64_t v, int width)
{
	char d[24];
	int k = 0;
	do
		d[k++] = (char)('0' + v % 10);
	while ((v /= 10) || k < width);
	while (k)
		*p++ = d[--k];
	return p;
}

/* No snprintf: traces and latency reports format times on hot paths. */
const char *sim_format_ns(sim_ns t, char *buf, size_t n)
{
	static const struct { uint64_t div; int digits; const char *unit; } u[] = {
		{ 1, 0, "ns" }, { 1000, 3, "us" }, { 1000000, 6, "ms" }, { 1000000000, 9, "s" },
	};
	char tmp[48], *p = tmp;
	uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	int k = a < (uint64_t)SIM_US ? 0 : a < (uint64_t)SIM_MS ? 1 : a < (uint64_t)SIM_S ? 2 : 3;
	size_t len;
	if (t < 0)
		*p++ = '-';
	p = put_dec(p, a / u[k].div, 1);
	if (k) {
		*p++ = '.';
		p = put_dec(p, a % u[k].div, u[k].digits);
	}
	strcpy(p, u[k].unit);
	trim_zeros(tmp);
	len = strlen(tmp);
	if (n) {
		if (len >= n)
			len = n - 1;
		memcpy(buf, tmp, len);
		buf[len] = 0;
	}
	return buf;
}
