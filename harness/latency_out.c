/*
 * harness/latency_out.c — after a scenario with io-pkt has run: its stack-context latency
 * report (reports/) as JSON and SVG in <out>/latency/, named like the trace
 * (NAME.seedN.ID.json, .hist.svg, .timeline.svg), and as text on the
 * terminal when the scenario asked for it (io:latency{}). Files are written only for a
 * run whose trace went to the report folder (not with --trace, not for a replay).
 */
#define _GNU_SOURCE
#include "harness.h"
#include "model.h"
#include "reports.h"

#include <errno.h>
#include <string.h>

/* Write one report file; a failure becomes an internal-error message of the run. */
static void write_file(struct harness_scn *s, const char *dir, const char *base,
                       const char *ext, const struct model_lat_report *r)
{
	char path[PATH_MAX], msg[PATH_MAX + 64];
	FILE *f;
	int rc;
	snprintf(path, sizeof(path), "%s/%s.%s", dir, base, ext);
	f = fopen(path, "w");
	if (!f) {
		snprintf(msg, sizeof(msg), "cannot write %s: %s", path, strerror(errno));
		harness_report(s->report_fd, "msg", "%s", msg);
		return;
	}
	if (!strcmp(ext, "json"))
		rc = reports_latency_json(f, r, s->opts->scenario, sim_world_seed(s->w));
	else if (!strcmp(ext, "hist.svg"))
		rc = reports_latency_svg_hist(f, r, base);
	else
		rc = reports_latency_svg_timeline(f, r, base);
	if (fclose(f) || rc)
		harness_report(s->report_fd, "msg", "cannot write %s", path);
}

void harness_latency_end(struct harness_scn *s)
{
	static struct model_lat_report r;
	char dir[PATH_MAX], base[PATH_MAX], err[256];
	const char *slash, *dot;
	model_lat_report(&r);
	if ((s->latency_report || s->opts->latency) && !s->opts->quiet) {
		reports_latency_text(stdout, &r);
		fflush(stdout);
	}
	if (s->opts->trace_path || !s->opts->out_dir)
		return;
	slash = strrchr(s->trace_path, '/');
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : s->trace_path);
	dot = strstr(base, ".trace");
	if (dot)
		base[dot - base] = 0;
	snprintf(dir, sizeof(dir), "%s/latency", s->opts->out_dir);
	if (harness_mkdirs(dir, err, sizeof(err))) {
		harness_report(s->report_fd, "msg", "cannot create %s: %s", dir, err);
		return;
	}
	write_file(s, dir, base, "json", &r);
	write_file(s, dir, base, "hist.svg", &r);
	write_file(s, dir, base, "timeline.svg", &r);
}
