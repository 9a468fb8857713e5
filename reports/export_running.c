/*
 * reports/export_running.c — what driver code was running when a trace ends: for a run
 * that crashed or was killed, the innermost driver call still open on each thread (the
 * drv_call records without their drv_return). One pass over the trace keeping only the
 * call stacks, so it is cheap on traces of any size.
 */
#define _GNU_SOURCE
#include "reports.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH 16

struct th {
	uint32_t id;
	char name[64];
	int depth;
	char fn[DEPTH][96], entry[DEPTH][32];
};

/* The record of thread id (created on first use); NULL if memory ran out. */
static struct th *th_of(struct th **ts, size_t *n, uint32_t id)
{
	struct th *nt;
	for (size_t i = 0; i < *n; i++)
		if ((*ts)[i].id == id)
			return &(*ts)[i];
	nt = realloc(*ts, (*n + 1) * sizeof(*nt));
	if (!nt)
		return NULL;
	*ts = nt;
	memset(&nt[*n], 0, sizeof(*nt));
	nt[*n].id = id;
	snprintf(nt[*n].name, sizeof(nt->name), id ? "thread %u" : "kernel", id % 100000000u);
	return &nt[(*n)++];
}

static int str_arg(const struct sim_record *x, int i)
{
	return i < x->nargs && x->args[i].type == SIM_ARG_STR;
}

/* Apply record x (kind name kn) to the call stacks; -ENOMEM if memory ran out. */
static int running_apply(struct th **ts, size_t *n, const struct sim_record *x, const char *kn)
{
	int call = !strcmp(kn, "drv_call"), ret = !strcmp(kn, "drv_return");
	int named = !strcmp(kn, "thread_create") || !strcmp(kn, "thread_name");
	int iopkt = !strcmp(kn, "iopkt_thread");
	struct th *t;
	if (named || iopkt) {
		int a = iopkt ? 2 : 1;
		if (x->nargs <= a || x->args[0].type != SIM_ARG_INT || !str_arg(x, a))
			return 0;
		if (!(t = th_of(ts, n, (uint32_t)x->args[0].i)))
			return -ENOMEM;
		snprintf(t->name, sizeof(t->name), "%.63s", x->args[a].s);
		return 0;
	}
	if (!call && !ret)
		return 0;
	if (!(t = th_of(ts, n, x->thread)))
		return -ENOMEM;
	if (ret) {
		t->depth -= t->depth > 0;
	} else {
		if (t->depth < DEPTH && str_arg(x, 0) && str_arg(x, 1)) {
			snprintf(t->entry[t->depth], sizeof(t->entry[0]), "%.31s", x->args[0].s);
			snprintf(t->fn[t->depth], sizeof(t->fn[0]), "%.95s", x->args[1].s);
		}
		t->depth++;
	}
	return 0;
}

int report_trace_running(const char *path, char *buf, size_t n, sim_ns *t_end, char *err,
                         size_t errlen)
{
	sim_trace_reader *r;
	struct sim_record x;
	struct th *ts = NULL;
	size_t nts = 0, len = 0;
	int rc = sim_trace_open(path, &r, err, errlen);
	if (rc)
		return rc;
	*t_end = 0;
	while ((rc = sim_trace_next(r, &x, err, errlen)) == 1) {
		*t_end = x.t;
		if ((rc = running_apply(&ts, &nts, &x, sim_trace_reader_kind_name(r, x.kind))) < 0)
			break;
	}
	sim_trace_close(r);
	if (rc == -ENOMEM) {
		snprintf(err, errlen, "out of memory reading %s", path);
		free(ts);
		return rc;
	}
	buf[0] = 0;
	for (size_t i = 0; i < nts && len < n; i++) {
		const struct th *t = &ts[i];
		int d = (t->depth < DEPTH ? t->depth : DEPTH) - 1;
		if (d < 0)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s (%s) on %s%s%s", len ? "; " : "",
		                        t->fn[d], t->entry[d], t->id ? "thread \"" : "",
		                        t->name, t->id ? "\"" : " context");
	}
	free(ts);
	return 0;
}
