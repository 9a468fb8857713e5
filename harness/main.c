/*
 * harness/main.c — `pktsim`: find the subcommand and hand over to it.
 */
#include "harness.h"

#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
	"usage: pktsim COMMAND [ARGS]\n"
	"\n"
	"Run QNX io-pkt network drivers against a model of io-pkt, in deterministic virtual\n"
	"time. Scenarios are Lua files (see docs/scenarios.md).\n"
	"\n"
	"commands:\n"
	"  run FILE.lua...   run scenarios and print their verdicts  (pktsim run --help)\n"
	"  replay TRACE      run a recorded scenario again and compare (pktsim replay --help)\n"
	"  export TRACE      the trace as Chrome/Perfetto JSON   (pktsim export --help)\n"
	"  report TRACE      the trace as one HTML page          (pktsim report --help)\n"
	"\n"
	"  --help            this text\n"
	"  --version         print the version\n"
	"\n"
	"exit codes: 0 passed/identical, 1 a scenario failed, 2 usage or input error,\n"
	"3 replay differs, 4 a scenario process crashed, 5 internal error.\n");
}

/* Dispatch to the subcommand; returns its exit code (see harness.h, enum harness_exit). */
int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	if (!cmd) {
		usage(stderr);
		return HX_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return HX_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("pktsim %s\n", PKTSIM_VERSION);
		return HX_OK;
	}
	if (!strcmp(cmd, "run"))
		return harness_cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "replay"))
		return harness_cmd_replay(argc - 1, argv + 1);
	if (!strcmp(cmd, "export"))
		return harness_cmd_export(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return harness_cmd_report(argc - 1, argv + 1);
	fprintf(stderr, "pktsim: unknown command \"%s\"\nTry 'pktsim --help'.\n", cmd);
	return HX_USAGE;
}
