/*
 * reports/latency_json.c — the stack-context latency report as JSON, schema
 * "pktsim-latency/1" (docs/latency.md). Times are integer nanoseconds of virtual time.
 */
#include "reports.h"

#include <errno.h>

/* A JSON string: quotes, backslashes and control characters escaped. */
static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void dist(FILE *f, const struct model_lat_dist *d)
{
	fprintf(f, "{\"count\": %llu, \"min\": %lld, \"avg\": %lld, \"p50\": %lld, \"p99\": %lld, "
	        "\"max\": %lld, \"total\": %lld, \"histogram\": [",
	        (unsigned long long)d->n, (long long)d->min, (long long)d->avg, (long long)d->p50,
	        (long long)d->p99, (long long)d->max, (long long)d->total);
	for (int i = 0; i < MODEL_LAT_BUCKETS; i++)
		fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)d->hist[i]);
	fprintf(f, "]}");
}

static void hold(FILE *f, const struct model_lat_hold *h)
{
	fprintf(f, "{\"entry\": ");
	jstr(f, h->entry);
	fprintf(f, ", \"fn\": ");
	jstr(f, h->fn);
	fprintf(f, ", \"ctx\": ");
	jstr(f, h->ctx);
	fprintf(f, ", \"start\": %lld, \"held\": %lld, \"elapsed\": %lld, \"seq\": %llu, "
	        "\"open\": %s, \"events\": [",
	        (long long)h->start, (long long)h->held, (long long)h->elapsed,
	        (unsigned long long)h->seq, h->open ? "true" : "false");
	for (int i = 0; i < h->nev; i++) {
		fprintf(f, "%s{\"what\": ", i ? ", " : "");
		jstr(f, h->ev[i].what);
		fprintf(f, ", \"fn\": ");
		jstr(f, h->ev[i].fn);
		fprintf(f, ", \"count\": %llu, \"total\": %lld}", (unsigned long long)h->ev[i].count,
		        (long long)h->ev[i].total);
	}
	fprintf(f, "]}");
}

int reports_latency_json(FILE *f, const struct model_lat_report *r, const char *scenario,
                         uint64_t seed)
{
	fprintf(f, "{\n  \"schema\": \"pktsim-latency/1\",\n  \"scenario\": ");
	jstr(f, scenario);
	fprintf(f, ",\n  \"seed\": %llu,\n  \"end\": %lld,\n  \"bucket_bounds\": [",
	        (unsigned long long)seed, (long long)r->end);
	for (int i = 0; i < MODEL_LAT_BUCKETS - 1; i++)
		fprintf(f, "%s%lld", i ? ", " : "", (long long)model_lat_bucket_bound(i));
	fprintf(f, "],\n  \"entries\": [");
	for (int i = 0; i < r->nentries; i++) {
		fprintf(f, "%s\n    {\"entry\": ", i ? "," : "");
		jstr(f, r->entries[i].entry);
		fprintf(f, ", \"holds\": ");
		dist(f, &r->entries[i].dist);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"holds\": ");
	dist(f, &r->holds);
	fprintf(f, ",\n  \"worst\": [");
	for (int i = 0; i < r->nworst; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		hold(f, &r->worst[i]);
	}
	fprintf(f, "\n  ],\n  \"probe\": ");
	if (r->probe_period) {
		fprintf(f, "{\"period\": %lld, \"waits\": ", (long long)r->probe_period);
		dist(f, &r->probe);
		fprintf(f, "}");
	} else {
		fprintf(f, "null");
	}
	fprintf(f, ",\n  \"blocking_calls\": %llu,\n  \"checks\": %s,\n  \"budget_any\": %lld,\n"
	        "  \"budget_probe\": %lld\n}\n",
	        (unsigned long long)r->flagged, r->checks ? "true" : "false",
	        (long long)r->budget_any, (long long)r->budget_probe);
	return ferror(f) ? -EIO : 0;
}
