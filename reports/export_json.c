/*
 * reports/export_json.c — the two JSON helpers the exports share: strings escaped per
 * RFC 8259, and virtual time in microseconds written from integers (no float rounding,
 * so the same trace always gives the same bytes).
 */
#include "reports.h"

#include <inttypes.h>

void report_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p == '<')
			fputs("\\u003c", f); /* safe inside an HTML <script> element too */
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void report_json_us(FILE *f, sim_ns ns)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	fprintf(f, "%s%" PRIu64 ".%03" PRIu64, sign, a / 1000, a % 1000);
}
