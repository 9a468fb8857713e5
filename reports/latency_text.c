/*
 * reports/latency_text.c — the stack-context latency report for the terminal: one line
 * per entry point, the worst holds with what cost them the time, the probe.
 */
#include "reports.h"

#include <errno.h>

static const char *ns(sim_ns t, char *buf, size_t n)
{
	return sim_format_ns(t, buf, n);
}

static void dist_line(FILE *f, const char *name, const struct model_lat_dist *d)
{
	char a[32], b[32], c[32], e[32];
	fprintf(f, "  %-20s %8llu %12s %12s %12s %12s\n", name, (unsigned long long)d->n,
	        ns(d->p50, a, sizeof(a)), ns(d->p99, b, sizeof(b)), ns(d->max, c, sizeof(c)),
	        ns(d->total, e, sizeof(e)));
}

static void histogram(FILE *f, const struct model_lat_dist *d)
{
	uint64_t top = 0;
	char lo[32], hi[32];
	for (int i = 0; i < MODEL_LAT_BUCKETS; i++)
		if (d->hist[i] > top)
			top = d->hist[i];
	for (int i = 0; i < MODEL_LAT_BUCKETS; i++) {
		int bar;
		if (!d->hist[i])
			continue;
		bar = (int)((d->hist[i] * 40 + top - 1) / top);
		ns(i ? model_lat_bucket_bound(i - 1) : 0, lo, sizeof(lo));
		if (model_lat_bucket_bound(i) < 0)
			snprintf(hi, sizeof(hi), "...");
		else
			ns(model_lat_bucket_bound(i), hi, sizeof(hi));
		fprintf(f, "    %10s .. %-10s %8llu %.*s\n", lo, hi, (unsigned long long)d->hist[i],
		        bar, "########################################");
	}
}

int reports_latency_text(FILE *f, const struct model_lat_report *r)
{
	char a[32], b[32], c[32], d[32], evs[1024];
	fprintf(f, "stack-context latency (virtual time, %llu outermost holds, %llu blocking "
	        "calls in the stack context)\n",
	        (unsigned long long)r->holds.n, (unsigned long long)r->flagged);
	fprintf(f, "  %-20s %8s %12s %12s %12s %12s\n", "entry point", "count", "p50", "p99",
	        "max", "total held");
	for (int i = 0; i < r->nentries; i++)
		dist_line(f, r->entries[i].entry, &r->entries[i].dist);
	dist_line(f, "(outermost holds)", &r->holds);
	if (r->nworst)
		fprintf(f, "worst holds:\n");
	for (int i = 0; i < r->nworst; i++) {
		const struct model_lat_hold *h = &r->worst[i];
		if (!h->held)
			break;
		if (h->open)
			fprintf(f, "  %d. %s held %s from t=%s (%s, %s) and was still holding at the "
			        "end\n", i + 1, h->fn, ns(h->held, a, sizeof(a)),
			        ns(h->start, b, sizeof(b)), h->entry, h->ctx);
		else
			fprintf(f, "  %d. %s held %s at t=%s (%s, %s, elapsed %s, trace record #%llu)\n",
			        i + 1, h->fn, ns(h->held, a, sizeof(a)), ns(h->start, b, sizeof(b)),
			        h->entry, h->ctx, ns(h->elapsed, c, sizeof(c)), (unsigned long long)h->seq);
		if (h->nev)
			fprintf(f, "     %s\n", model_lat_events_format(h->ev, h->nev, evs, sizeof(evs)));
	}
	if (r->probe_period) {
		fprintf(f, "probe (a status request every %s): %llu samples, min %s avg %s p99 %s "
		        "max %s\n",
		        ns(r->probe_period, a, sizeof(a)), (unsigned long long)r->probe.n,
		        ns(r->probe.min, b, sizeof(b)), ns(r->probe.avg, c, sizeof(c)),
		        ns(r->probe.p99, d, sizeof(d)), ns(r->probe.max, evs, sizeof(evs)));
		histogram(f, &r->probe);
	}
	return ferror(f) ? -EIO : 0;
}
