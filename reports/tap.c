/*
 * reports/tap.c — TAP version 13 (testanything.org): what `prove` and many CI plugins
 * read. A scenario is one test point; a failing one carries its messages, trace and
 * replay command in a YAML block, and the test point's description never holds '#',
 * which TAP reads as a directive.
 */
#include "reports.h"

#include <string.h>

void report_tap_plan(FILE *f, size_t n)
{
	fprintf(f, "TAP version 13\n1..%zu\n", n);
}

/* text on one line, '#' replaced (a directive in TAP) */
static void tap_words(FILE *f, const char *s)
{
	for (; *s && *s != '\n'; s++)
		fputc(*s == '#' ? '_' : *s, f);
}

void report_tap_case(FILE *f, size_t number, const struct report_case *c)
{
	static const char *what[] = { "pass", "fail", "error", "crash" };
	fprintf(f, "%s %zu - ", c->result == RR_PASS ? "ok" : "not ok", number);
	tap_words(f, c->name);
	fputc('\n', f);
	if (c->result == RR_PASS)
		return;
	fprintf(f, "  ---\n  result: %s\n  message: |\n", what[c->result]);
	for (const char *p = c->details; *p;) {
		size_t len = strcspn(p, "\n");
		fprintf(f, "    %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
	fputs("  ...\n", f);
}
