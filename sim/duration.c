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

const char *sim_format_ns(sim_ns t, char *buf, size_t n)
{
	const char *sign = t < 0 ? "-" : "";
	uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	if (a < (uint64_t)SIM_US)
		snprintf(buf, n, "%s%lluns", sign, (unsigned long long)a);
	else if (a < (uint64_t)SIM_MS)
		snprintf(buf, n, "%s%llu.%03lluus", sign, (unsigned long long)(a / 1000),
		         (unsigned long long)(a % 1000));
	else if (a < (uint64_t)SIM_S)
		snprintf(buf, n, "%s%llu.%06llums", sign, (unsigned long long)(a / 1000000),
		         (unsigned long long)(a % 1000000));
	else
		snprintf(buf, n, "%s%llu.%09llus", sign, (unsigned long long)(a / 1000000000),
		         (unsigned long long)(a % 1000000000));
	trim_zeros(buf);
	return buf;
}
