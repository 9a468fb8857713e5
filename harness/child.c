/*
 * harness/child.c — parent side of a scenario run: fork a child that runs the scenario
 * (SimGrid allows one engine per process, so every scenario gets a fresh process), read
 * its report from a pipe, reap it and tell how it ended. The wall time is measured here,
 * by the parent, and never reaches the child or its trace.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"
#include "reports.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPORT_MAX (1u << 20)

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

/* Read fd to its end into a malloc'd buffer (at most REPORT_MAX bytes kept). */
static char *read_report(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), tmp[4096];
	for (;;) {
		ssize_t k = read(fd, tmp, sizeof(tmp));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (!buf || n + (size_t)k > REPORT_MAX)
			continue; /* keep draining so the child never blocks on a full pipe */
		if (n + (size_t)k > cap) {
			char *nb;
			while (n + (size_t)k > cap)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				buf = NULL;
				continue;
			}
			buf = nb;
		}
		memcpy(buf + n, tmp, (size_t)k);
		n += (size_t)k;
	}
	*len = buf ? n : 0;
	return buf;
}

static int status_code(enum harness_status s)
{
	switch (s) {
	case HS_PASS: return HX_OK;
	case HS_FAIL: return HX_FAIL;
	case HS_ERROR: return HX_USAGE;
	case HS_CRASH: return HX_CRASH;
	default: return HX_INTERNAL;
	}
}

/* Decide the outcome from the wait status and what the child reported. */
static void classify(int wstatus, struct harness_outcome *out)
{
	char msg[160];
	if (WIFSIGNALED(wstatus)) {
		out->status = HS_CRASH;
		out->signal = WTERMSIG(wstatus);
		out->code = HX_CRASH;
		return;
	}
	out->code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : HX_INTERNAL;
	if (out->status == HS_NONE) {
		snprintf(msg, sizeof(msg),
		         "internal error: the scenario process exited with status %d without a verdict",
		         out->code);
		harness_outcome_msg(out, msg);
		out->status = HS_INTERNAL;
		out->code = HX_INTERNAL;
	} else if (status_code(out->status) != out->code) {
		snprintf(msg, sizeof(msg),
		         "internal error: the scenario process exited with status %d, its verdict says %d",
		         out->code, status_code(out->status));
		harness_outcome_msg(out, msg);
		out->status = HS_INTERNAL;
		out->code = HX_INTERNAL;
	}
}

static int child_fail(struct harness_outcome *out, const char *what, int e)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "internal error: %s: %s", what, strerror(e));
	harness_outcome_msg(out, msg);
	out->status = HS_INTERNAL;
	out->code = HX_INTERNAL;
	return -e;
}

/* A crashed scenario: name the driver code that was running, from its trace's last
 * records (the driver calls still open), so that a crash names its cause too. */
static void crash_where(struct harness_outcome *out)
{
	char running[512], err[256], msg[800], t[32];
	sim_ns t_end;
	if (report_trace_running(out->trace, running, sizeof(running), &t_end, err, sizeof(err)))
		return;
	if (running[0])
		snprintf(msg, sizeof(msg), "crashed at t=%s, the trace's last record, while running "
		         "the driver's %s", sim_format_ns(t_end, t, sizeof(t)), running);
	else
		snprintf(msg, sizeof(msg), "crashed at t=%s, the trace's last record, outside the "
		         "driver", sim_format_ns(t_end, t, sizeof(t)));
	harness_outcome_msg(out, msg);
}

/* Fork, run o's scenario in the child, collect its report and exit status into out.
 * Returns 0, or a negative errno if no child ran (out then says so as an internal error). */
int harness_child_run(const struct harness_opts *o, struct harness_outcome *out)
{
	struct timespec t0, t1;
	int fds[2], wstatus = 0;
	size_t len = 0;
	char *report;
	pid_t pid;
	memset(out, 0, sizeof(*out));
	if (pipe2(fds, O_CLOEXEC))
		return child_fail(out, "pipe", errno);
	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return child_fail(out, "fork", e);
	}
	if (pid == 0) {
		int code;
		close(fds[0]);
		code = harness_scenario_main(o, fds[1]); /* closes the drivers with --coverage */
		fflush(stdout);
		fflush(stderr);
		_exit(code); /* no atexit handlers: SimGrid's belong to this process only */
	}
	close(fds[1]);
	report = read_report(fds[0], &len);
	close(fds[0]);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->wall = seconds_between(&t0, &t1);
	if (report)
		harness_report_parse(report, len, out);
	free(report);
	classify(wstatus, out);
	if (out->status == HS_CRASH && out->trace[0])
		crash_where(out);
	return 0;
}
