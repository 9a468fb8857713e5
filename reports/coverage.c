/*
 * reports/coverage.c — driver coverage through gcov and lcov.
 *
 * A driver built with --coverage (PKTSIM_COVERAGE=ON) writes its counters (.gcda, next to
 * its objects) when it is unloaded or its process exits. `pktsim run --coverage` zeroes
 * them before the first scenario (report_coverage_begin), lets every scenario add to them,
 * then captures them once with lcov and renders them with genhtml (report_coverage_end):
 * so several scenarios merge into one report. The tools are run as they are, their
 * output kept in coverage/lcov.log.
 */
#define _GNU_SOURCE
#include "reports.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Run argv (searched in PATH) with stdout and stderr appended to log (or /dev/null).
 * 0 if it exited with 0; else a negative errno with what failed in err. */
static int tool_run(char *const argv[], const char *log, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, st = 0;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log ? log : "/dev/null",
	                                 O_WRONLY | O_CREAT | O_APPEND, 0666);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		snprintf(err, errlen, "cannot run %s: %s (install lcov)", argv[0], strerror(rc));
		return -rc;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "%s failed (exit status %d)%s%s", argv[0],
		         WIFEXITED(st) ? WEXITSTATUS(st) : -1, log ? "; its output is in " : "",
		         log ? log : "");
		return -EIO;
	}
	return 0;
}

int report_coverage_begin(const char *objdir, char *err, size_t errlen)
{
	char *argv[] = { "lcov", "--quiet", "--zerocounters", "--directory", (char *)objdir, NULL };
	return tool_run(argv, NULL, err, errlen);
}

/* 1 if the tracefile at path names at least one source file (an "SF:" record). */
static int has_records(const char *path)
{
	char line[512];
	int found = 0;
	FILE *f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "SF:", 3);
	if (f)
		fclose(f);
	return found;
}

int report_coverage_end(const char *objdir, const char *dir, char *err, size_t errlen)
{
	char cdir[4096], info[4200], html[4200], log[4200];
	snprintf(cdir, sizeof(cdir), "%s/coverage", dir);
	snprintf(info, sizeof(info), "%s/lcov.info", cdir);
	snprintf(html, sizeof(html), "%s/html", cdir);
	snprintf(log, sizeof(log), "%s/lcov.log", cdir);
	if (mkdir(cdir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", cdir, strerror(errno));
		return -errno;
	}
	unlink(log);
	char *cap[] = { "lcov", "--quiet", "--capture", "--directory", (char *)objdir,
	                "--output-file", info, NULL };
	char *gen[] = { "genhtml", "--quiet", info, "--output-directory", html, NULL };
	int rc = tool_run(cap, log, err, errlen);
	if (!rc && !has_records(info)) {
		snprintf(err, errlen, "lcov found no counters");
		rc = -ENODATA;
	}
	if (rc) {
		size_t l = strlen(err);
		snprintf(err + l, errlen - l, " (no counters under %s? the driver must be built with "
		         "--coverage: PKTSIM_COVERAGE=1 ./build.sh)", objdir);
		return rc;
	}
	return tool_run(gen, log, err, errlen);
}
