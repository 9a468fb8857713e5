/*
 * harness/report.c — what a scenario child tells its parent, and how the parent prints it.
 *
 * The child writes "key=value\n" lines to a pipe as it learns things: the seed and trace
 * path as soon as the world exists (so that a crash later still names the trace), then
 * the verdict, the statistics and the messages. Each line is one write() of at most a
 * few KiB, so a line is either in the pipe or not at all when the child dies.
 *
 *   seed=42  trace=PATH  status=pass|fail|error|internal  end=done  vtime=NS
 *   events=N  digest=HEX16  msg=one line of a message (repeated)
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_LEN 4096

static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return; /* the parent is gone: nobody to tell */
		buf += k;
		n -= (size_t)k;
	}
}

/* Child side: one "key=value" line to fd, newlines in the value made spaces. Errors
 * (a parent gone) are ignored: there is nobody left to tell. */
void harness_report(int fd, const char *key, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	int k = snprintf(line, sizeof(line), "%s=", key);
	va_list ap;
	size_t n;
	if (fd < 0 || k < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(line + k, sizeof(line) - (size_t)k - 1, fmt, ap);
	va_end(ap);
	for (char *p = line + k; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	n = strlen(line);
	line[n++] = '\n';
	write_all(fd, line, n);
}

/* Child side: text as "msg=" lines, one per line of text. */
void harness_report_msg(int fd, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		harness_report(fd, "msg", "%.*s", (int)len, p);
		p += len;
		if (*p == '\n')
			p++;
	}
}

/* Append text (one line or several) to out->msgs; cut with a note when full. */
void harness_outcome_msg(struct harness_outcome *out, const char *text)
{
	size_t have = strlen(out->msgs), n = strlen(text);
	const char *more = "(more messages cut)\n";
	if (have + n + 2 + strlen(more) >= sizeof(out->msgs)) {
		if (!strstr(out->msgs, more) && have + strlen(more) < sizeof(out->msgs))
			strcat(out->msgs, more);
		return;
	}
	memcpy(out->msgs + have, text, n);
	have += n;
	if (n == 0 || text[n - 1] != '\n')
		out->msgs[have++] = '\n';
	out->msgs[have] = 0;
}

static enum harness_status status_parse(const char *v)
{
	if (!strcmp(v, "pass"))
		return HS_PASS;
	if (!strcmp(v, "fail"))
		return HS_FAIL;
	if (!strcmp(v, "error"))
		return HS_ERROR;
	return HS_INTERNAL;
}

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);
	memcpy(dst, src, len);
	dst[len] = 0;
}

static void report_line(const char *key, const char *val, struct harness_outcome *out)
{
	if (!strcmp(key, "msg"))
		harness_outcome_msg(out, val);
	else if (!strcmp(key, "trace"))
		copy_str(out->trace, sizeof(out->trace), val);
	else if (!strcmp(key, "seed"))
		out->seed = strtoull(val, NULL, 10);
	else if (!strcmp(key, "status"))
		out->status = status_parse(val);
	else if (!strcmp(key, "end"))
		copy_str(out->end, sizeof(out->end), val);
	else if (!strcmp(key, "vtime")) {
		out->vtime = strtoll(val, NULL, 10);
		out->have_stats = 1;
	} else if (!strcmp(key, "events"))
		out->events = strtoull(val, NULL, 10);
	else if (!strcmp(key, "digest"))
		out->digest = strtoull(val, NULL, 16);
}

/* Parent side: fold the child's report (len bytes) into out; unknown keys ignored. */
void harness_report_parse(const char *text, size_t len, struct harness_outcome *out)
{
	size_t i = 0;
	while (i < len) {
		char key[32], val[LINE_MAX_LEN];
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		const char *eq = memchr(text + i, '=', n);
		if (eq && (size_t)(eq - (text + i)) < sizeof(key)) {
			size_t kl = (size_t)(eq - (text + i)), vl = n - kl - 1;
			memcpy(key, text + i, kl);
			key[kl] = 0;
			if (vl >= sizeof(val))
				vl = sizeof(val) - 1;
			memcpy(val, eq + 1, vl);
			val[vl] = 0;
			report_line(key, val, out);
		}
		i += n + 1;
	}
}

/* s as one shell word in buf (quoted only if needed); returns buf. */
const char *harness_shell_quote(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	if (s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                      "0123456789_./-+=:,@%") == strlen(s)) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	if (n < 3) {
		buf[0] = 0;
		return buf;
	}
	buf[k++] = '\'';
	for (; *s && k + 6 < n; s++) {
		if (*s == '\'') {
			memcpy(buf + k, "'\\''", 4);
			k += 4;
		} else {
			buf[k++] = *s;
		}
	}
	buf[k++] = '\'';
	buf[k] = 0;
	return buf;
}

static const char *status_word(enum harness_status s)
{
	switch (s) {
	case HS_PASS: return "PASS";
	case HS_FAIL: return "FAIL";
	case HS_ERROR: return "ERROR";
	case HS_CRASH: return "CRASH";
	default: return "ERROR";
	}
}

static void print_indented(FILE *f, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		fprintf(f, "    %.*s\n", (int)len, p);
		p += len;
		if (*p == '\n')
			p++;
	}
}

/* Print the verdict line of a scenario, its messages indented and (hints) for a
 * scenario that did not pass, its trace and the replay command. */
void harness_outcome_print(FILE *f, const char *name, const struct harness_outcome *o, int hints)
{
	char vt[32], q[PATH_MAX + 64];
	fprintf(f, "%s %s ", status_word(o->status), name);
	if (o->status == HS_INTERNAL)
		fprintf(f, " internal error");
	if (o->status == HS_CRASH)
		fprintf(f, " signal=SIG%s (%s)",
		        sigabbrev_np(o->signal) ? sigabbrev_np(o->signal) : "?", strsignal(o->signal));
	if (o->have_stats)
		fprintf(f, " vtime=%s events=%" PRIu64 " digest=%016" PRIx64,
		        sim_format_ns(o->vtime, vt, sizeof(vt)), o->events, o->digest);
	fprintf(f, " wall=%.2fs\n", o->wall);
	print_indented(f, o->msgs);
	if (o->status == HS_CRASH && o->trace[0])
		fprintf(f, "    the trace holds every record written before the crash\n");
	if (hints && o->trace[0] && o->status != HS_PASS) {
		fprintf(f, "    trace: %s\n", o->trace);
		fprintf(f, "    replay: pktsim replay %s\n",
		        harness_shell_quote(o->trace, q, sizeof(q)));
	}
}
