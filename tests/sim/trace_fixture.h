/*
 * tests/sim/trace_fixture.h — helpers shared by the trace tests (test_trace.c,
 * test_trace_corrupt.c): temporary files, a sample stream and a bulk stream written with
 * sim_trace_writer_* (sim_int.h), and reading them back. Each test file includes it once.
 */
#ifndef PKTSIM_TRACE_FIXTURE_H
#define PKTSIM_TRACE_FIXTURE_H

#include "sim_int.h"
#include "trace_int.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Not every test file uses every helper. */
#define FIXTURE static __attribute__((unused))

/* ---------------------------------------------------------------- helpers */

/* A temporary file path for this test process: $PKTSIM_TEST_TMP (created) or /tmp. */
/* sim_trace_writer_emitv through a variadic call, as sim_emit makes it. */
FIXTURE void emit(sim_trace *t, sim_ns time, uint32_t thread, uint16_t cpu, uint16_t kind,
		  const char *sig, ...)
{
	va_list ap;

	va_start(ap, sig);
	sim_trace_writer_emitv(t, time, thread, cpu, kind, sig, ap);
	va_end(ap);
}

FIXTURE void tmp_path(char *buf, size_t n, const char *name)
{
	const char *dir = getenv("PKTSIM_TEST_TMP");
	char tmp[768];

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(tmp, sizeof tmp, "%s/", dir);
	for (char *p = strchr(tmp + 1, '/'); p; p = strchr(p + 1, '/')) { /* mkdir -p */
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	snprintf(buf, n, "%stest_trace_%ld_%s", tmp, (long)getpid(), name);
}

FIXTURE uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

FIXTURE void spill(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

FIXTURE void rec_init(struct sim_record *r, uint64_t seq, sim_ns t, uint32_t thread, uint16_t cpu,
		     uint16_t kind)
{
	memset(r, 0, sizeof *r);
	r->seq = seq;
	r->t = t;
	r->thread = thread;
	r->cpu = cpu;
	r->kind = kind;
}

FIXTURE void add_int(struct sim_record *r, int64_t v)
{
	r->args[r->nargs].type = SIM_ARG_INT;
	r->args[r->nargs++].i = v;
}

FIXTURE void add_str(struct sim_record *r, const char *s)
{
	r->args[r->nargs].type = SIM_ARG_STR;
	snprintf(r->args[r->nargs++].s, SIM_TRACE_MAX_STR + 1, "%s", s);
}

FIXTURE void sample_header(struct sim_trace_header *h)
{
	memset(h, 0, sizeof *h);
	snprintf(h->pktsim_version, sizeof h->pktsim_version, "9.8.7");
	snprintf(h->scenario_path, sizeof h->scenario_path, "scenarios/rx_basic.lua");
	h->scenario_hash = 0x0123456789abcdefULL;
	h->seed = 42;
	snprintf(h->options, sizeof h->options, "--seed 42");
}

#define SAMPLE_EVENTS 6

/* The sample stream: two kinds, six events; the same for every writer it is given to. */
FIXTURE void sample_records(struct sim_record recs[SAMPLE_EVENTS])
{
	rec_init(&recs[0], 0, 0, 0, SIM_CPU_NONE, 0);
	add_int(&recs[0], 7);
	add_str(&recs[0], "tick");
	rec_init(&recs[1], 1, 1250000, 3, 1, 1);
	rec_init(&recs[2], 2, 1250000, 3, 1, 0);
	add_int(&recs[2], -1);
	add_str(&recs[2], "");
	rec_init(&recs[3], 3, 2 * SIM_S, 4, 0, 1);
	add_int(&recs[3], INT64_MIN);
	add_int(&recs[3], INT64_MAX);
	rec_init(&recs[4], 4, INT64_MAX, UINT32_MAX, 0xfffe, 0);
	add_str(&recs[4], "a \"quoted\"\nline");
	add_int(&recs[4], 0);
	rec_init(&recs[5], 5, 3 * SIM_S, 1, 2, 1);
	for (int k = 0; k < SIM_TRACE_MAX_ARGS; k++)
		add_int(&recs[5], k * 1000 - 3);
}

FIXTURE void write_sample(sim_trace *t)
{
	struct sim_record recs[SAMPLE_EVENTS];

	sample_records(recs);
	sim_trace_writer_kind(t, 0, "timer_fire", "is");
	sim_trace_writer_event(t, &recs[0]);
	sim_trace_writer_kind(t, 1, "spend", "");
	for (int i = 1; i < SAMPLE_EVENTS; i++)
		sim_trace_writer_event(t, &recs[i]);
}

/* Write the sample trace to path; returns its digest. */
FIXTURE uint64_t make_sample(const char *path)
{
	struct sim_trace_header h;
	char err[256] = "";
	sim_trace *t;
	uint64_t d;

	sample_header(&h);
	t = sim_trace_writer_open(path, &h, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	write_sample(t);
	d = sim_trace_writer_digest(t);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	return d;
}

/* Open path and read it to its end; returns the end code (0 or negative) with err. */
FIXTURE int read_to_end(const char *path, uint64_t *events, char *err, size_t errlen)
{
	sim_trace_reader *r;
	struct sim_record rec;
	int rc = sim_trace_open(path, &r, err, errlen);

	*events = 0;
	if (rc)
		return rc;
	while ((rc = sim_trace_next(r, &rec, err, errlen)) == 1)
		;
	*events = sim_trace_reader_events(r);
	sim_trace_close(r);
	return rc;
}

/* Offset of the first record (just after the header). */
FIXTURE size_t header_end(const uint8_t *d)
{
	return TRACE_HEADER_FIXED + trace_get_u32(d + TRACE_MAGIC_LEN + 4) + TRACE_HEADER_CHECK;
}

/* The bytes of the sample trace file (malloc'ed). */
FIXTURE uint8_t *sample_bytes(size_t *n)
{
	char path[1024];
	uint8_t *d;

	tmp_path(path, sizeof path, "sample");
	make_sample(path);
	d = slurp(path, n);
	unlink(path);
	return d;
}

/* Read the n bytes at d as a trace file: the end code, the events read and err. */
FIXTURE int read_bytes(const uint8_t *d, size_t n, uint64_t *events, char *err, size_t errlen)
{
	char path[1024];
	int rc;

	tmp_path(path, sizeof path, "bytes");
	spill(path, d, n);
	rc = read_to_end(path, events, err, errlen);
	unlink(path);
	return rc;
}

/* Record starts of the trace d (n bytes); returns how many (at most max). */
FIXTURE size_t record_starts(const uint8_t *d, size_t n, size_t *starts, size_t max)
{
	size_t k = 0;

	for (size_t off = header_end(d); off < n && k < max;
	     off += TRACE_REC_OVERHEAD + trace_get_u32(d + off + 1))
		starts[k++] = off;
	return k;
}

/* Event k of the bulk stream (kind 0 "rx", signature "iis"). */
FIXTURE void bulk_rec(struct sim_record *rec, uint64_t k)
{
	rec_init(rec, k, (sim_ns)(k * 1000), (uint32_t)(k % 7), (uint16_t)(k % 3), 0);
	add_int(rec, (int64_t)k);
	add_int(rec, -(int64_t)k);
	add_str(rec, k % 2 ? "even or odd, it is long enough" : "odd");
}

FIXTURE void write_bulk(sim_trace *t, uint64_t n)
{
	struct sim_record rec;

	sim_trace_writer_kind(t, 0, "rx", "iis");
	for (uint64_t k = 0; k < n; k++) {
		bulk_rec(&rec, k);
		sim_trace_writer_event(t, &rec);
	}
}

/* Read path, checking every event against the bulk stream; returns the end code with
 * the events read and the reader's digest. */
FIXTURE int check_bulk(const char *path, uint64_t *events, uint64_t *digest, char *err,
		      size_t errlen)
{
	struct sim_record rec, want;
	sim_trace_reader *r;
	int rc;

	ck_assert_int_eq(sim_trace_open(path, &r, err, errlen), 0);
	while ((rc = sim_trace_next(r, &rec, err, errlen)) == 1) {
		bulk_rec(&want, sim_trace_reader_events(r) - 1);
		if (!sim_record_equal(&rec, &want)) /* not ck_assert: no mark point per event */
			ck_abort_msg("event %llu differs", (unsigned long long)rec.seq);
	}
	*events = sim_trace_reader_events(r);
	*digest = sim_trace_reader_digest(r);
	sim_trace_close(r);
	return rc;
}

/* Recompute the check of the record at rec from its tag, length and body (as a writer
 * would), so that a test can hand a malformed body to the body parsers. */
FIXTURE void reseal(uint8_t *rec)
{
	size_t n = TRACE_REC_HEAD + trace_get_u32(rec + 1);

	trace_put_u32(rec + n, trace_record_check(trace_record_hash(rec[0], rec, n)));
}

#endif /* PKTSIM_TRACE_FIXTURE_H */
