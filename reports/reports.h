/*
 * reports/reports.h — report generators: they turn what a run measured into text for the
 * terminal, JSON for tools and SVG for the report folder. They read the model's report
 * structures (model/model.h) and write to a FILE; they never run the simulation.
 *
 * Each returns 0, or -EIO when writing failed (the caller names the file).
 */
#ifndef PKTSIM_REPORTS_H
#define PKTSIM_REPORTS_H

#include "model.h"

#include <stdio.h>

/* Stack-context latency (docs/latency.md): the per-entry-point table, the worst holds
 * with their costing events, the probe's distribution and histogram. */
int reports_latency_text(FILE *f, const struct model_lat_report *r);
/* The same as JSON, schema "pktsim-latency/1" (docs/latency.md); scenario and seed name
 * the run. */
int reports_latency_json(FILE *f, const struct model_lat_report *r, const char *scenario,
                         uint64_t seed);
/* SVG: histograms of hold durations and of the probe's waits (log-spaced buckets). */
int reports_latency_svg_hist(FILE *f, const struct model_lat_report *r, const char *title);
/* SVG: the timeline of holds (one row per entry point) and the probe's waits. */
int reports_latency_svg_timeline(FILE *f, const struct model_lat_report *r,
                                 const char *title);

#endif
