/*
 * reports/coverage_lcov.c — reading an lcov tracefile (the format geninfo(1) describes:
 * SF, FN, FNDA, DA, end_of_record) into per-file line and function
 * coverage, and printing it.
 */
#define _GNU_SOURCE
#include "reports.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int file_add(struct report_coverage *cov, const char *path)
{
	struct report_cov_file *nf = realloc(cov->files, (cov->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	cov->files = nf;
	memset(&nf[cov->nfiles], 0, sizeof(*nf));
	snprintf(nf[cov->nfiles].path, sizeof(nf->path), "%s", path);
	cov->nfiles++;
	return 0;
}

static int missed_add(struct report_coverage *cov, const char *file, const char *fn)
{
	char (*nm)[96] = realloc(cov->fns_missed, (cov->nmissed + 1) * sizeof(*nm));
	const char *base = strrchr(file, '/');
	if (!nm)
		return -ENOMEM;
	cov->fns_missed = nm;
	snprintf(nm[cov->nmissed++], sizeof(*nm), "%.40s:%.50s", base ? base + 1 : file, fn);
	return 0;
}

/* One line of the tracefile. */
static int line_apply(struct report_coverage *cov, char *line)
{
	struct report_cov_file *f = cov->nfiles ? &cov->files[cov->nfiles - 1] : NULL;
	char *v = strchr(line, ':');
	if (!strncmp(line, "SF:", 3))
		return file_add(cov, line + 3);
	if (!f || !v)
		return 0;
	v++;
	/* counted from the DA/FN/FNDA records themselves: lcov 1.x does not always write the
	 * LF/LH/FNF/FNH summaries */
	if (!strncmp(line, "DA:", 3) && strchr(v, ',')) {
		f->lines++;
		f->lines_hit += strtoul(strchr(v, ',') + 1, NULL, 10) > 0;
	} else if (!strncmp(line, "FN:", 3)) {
		f->fns++;
	} else if (!strncmp(line, "FNDA:", 5) && strchr(v, ',')) {
		if (strtoul(v, NULL, 10) > 0)
			f->fns_hit++;
		else
			return missed_add(cov, f->path, strchr(v, ',') + 1);
	}
	return 0;
}

int report_coverage_read(const char *lcov_path, struct report_coverage *cov, char *err,
                         size_t errlen)
{
	FILE *fp = fopen(lcov_path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	memset(cov, 0, sizeof(*cov));
	if (!fp) {
		snprintf(err, errlen, "cannot read %s: %s", lcov_path, strerror(errno));
		return -errno;
	}
	while (!rc && (n = getline(&line, &cap, fp)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		rc = line_apply(cov, line);
	}
	free(line);
	fclose(fp);
	if (rc) {
		snprintf(err, errlen, "out of memory reading %s", lcov_path);
		report_coverage_free(cov);
		return rc;
	}
	for (size_t i = 0; i < cov->nfiles; i++) {
		cov->lines += cov->files[i].lines;
		cov->lines_hit += cov->files[i].lines_hit;
		cov->fns += cov->files[i].fns;
		cov->fns_hit += cov->files[i].fns_hit;
	}
	return 0;
}

void report_coverage_free(struct report_coverage *cov)
{
	free(cov->files);
	free(cov->fns_missed);
	memset(cov, 0, sizeof(*cov));
}

static void cov_line(FILE *f, const char *name, unsigned lh, unsigned lf, unsigned fh,
                     unsigned fnf)
{
	fprintf(f, "  %-40s lines %5.1f%% (%u/%u)  functions %5.1f%% (%u/%u)\n", name,
	        lf ? 100.0 * lh / lf : 0.0, lh, lf, fnf ? 100.0 * fh / fnf : 0.0, fh, fnf);
}

void report_coverage_print(FILE *f, const struct report_coverage *cov)
{
	fprintf(f, "coverage of the driver code:\n");
	for (size_t i = 0; i < cov->nfiles; i++) {
		const struct report_cov_file *c = &cov->files[i];
		cov_line(f, c->path, c->lines_hit, c->lines, c->fns_hit, c->fns);
	}
	cov_line(f, "total", cov->lines_hit, cov->lines, cov->fns_hit, cov->fns);
	if (cov->nmissed) {
		fprintf(f, "  functions never entered:");
		for (size_t i = 0; i < cov->nmissed; i++)
			fprintf(f, "%s %s", i ? "," : "", cov->fns_missed[i]);
		fputc('\n', f);
	}
}
