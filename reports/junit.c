/*
 * reports/junit.c — JUnit XML, the format CI systems read test results from (GitLab's
 * artifacts:reports:junit, GitHub actions that publish test results, Jenkins). The
 * schema the tests check it against is tests/harness/junit.xsd: one <testsuites> with
 * one <testsuite>, one <testcase> per scenario with a <failure> or <error> whose
 * message is the first line and whose text holds every line and the replay command.
 */
#define _GNU_SOURCE
#include "reports.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* s with XML's five special characters escaped, control characters other than tab and
 * newline dropped (XML 1.0 cannot hold them). */
static void xml_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (*p >= 0x20 || *p == '\n' || *p == '\t')
				fputc(*p, f);
		}
	}
}

static void case_write(FILE *f, const struct report_case *c)
{
	static const char *tag[] = { "", "failure", "error", "error" };
	static const char *type[] = { "", "fail", "error", "crash" };
	fputs("    <testcase name=\"", f);
	xml_text(f, c->name);
	fputs("\" classname=\"", f);
	xml_text(f, c->classname);
	fprintf(f, "\" time=\"%.3f\"", c->wall);
	if (c->result == RR_PASS) {
		fputs("/>\n", f);
		return;
	}
	fprintf(f, ">\n      <%s type=\"%s\" message=\"", tag[c->result], type[c->result]);
	xml_text(f, c->message);
	fputs("\">", f);
	xml_text(f, c->details);
	fprintf(f, "</%s>\n    </testcase>\n", tag[c->result]);
}

int report_junit_write(const char *path, const char *suite, const struct report_case *c,
                       size_t n, char *err, size_t errlen)
{
	size_t fails = 0, errors = 0;
	double wall = 0;
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < n; i++) {
		fails += c[i].result == RR_FAIL;
		errors += c[i].result == RR_ERROR || c[i].result == RR_CRASH;
		wall += c[i].wall;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", n,
	        fails, errors, wall);
	fputs("  <testsuite name=\"", f);
	xml_text(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.3f\">\n",
	        n, fails, errors, wall);
	for (size_t i = 0; i < n; i++)
		case_write(f, &c[i]);
	fputs("  </testsuite>\n</testsuites>\n", f);
	if (ferror(f) | fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(EIO));
		unlink(path);
		return -EIO;
	}
	return 0;
}
