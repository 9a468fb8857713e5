/*
 * tests/sim/test_trace_corrupt.c — the trace reader against damaged files: bad magic,
 * version and header check, header keys, a flipped byte at every offset, malformed
 * bodies under valid checks, a cut at every offset, killed runs, trailing bytes and a
 * lying footer. Needs no world: it writes the sample trace with sim_trace_writer_*.
 */
#include "trace_fixture.h"

#include <errno.h>

/* ------------------------------------------------------------------ header */

START_TEST(test_bad_magic_version_checksum)
{
	char path[1024], err[256] = "";
	sim_trace_reader *r = (sim_trace_reader *)1;
	uint64_t events;
	size_t n;
	uint8_t *d = sample_bytes(&n);

	d[2] ^= 0x20;
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EBADMSG);
	ck_assert_str_eq(err, "not a pktsim trace (bad magic)");
	d[2] ^= 0x20;
	trace_put_u32(d + TRACE_MAGIC_LEN, 7);
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EPROTO);
	ck_assert_str_eq(err, "trace format 7 is not supported (this pktsim reads format 1)");
	trace_put_u32(d + TRACE_MAGIC_LEN, SIM_TRACE_FORMAT);
	d[TRACE_HEADER_FIXED + 3] ^= 1;
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EBADMSG);
	ck_assert_str_eq(err, "header corrupt: checksum mismatch");
	d[TRACE_HEADER_FIXED + 3] ^= 1;
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), 0);
	ck_assert_int_eq(read_bytes(d, 0, &events, err, sizeof err), -EBADMSG);
	ck_assert_str_eq(err, "not a pktsim trace (bad magic)");
	ck_assert_int_eq(read_bytes(d, TRACE_HEADER_FIXED + 5, &events, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "header corrupt: truncated"));

	tmp_path(path, sizeof path, "missing");
	ck_assert_int_eq(sim_trace_open(path, &r, err, sizeof err), -ENOENT);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err, path));
	free(d);
}
END_TEST

/* The sample's records under a header with text (and a valid check), opened and read to
 * the end: returns the end code (0: all read) with the header in *h. */
static int header_case(const char *text, struct sim_trace_header *h, char *err, size_t errlen)
{
	size_t n, len = strlen(text), hend, outn;
	uint8_t *d = sample_bytes(&n), *out;
	sim_trace_reader *r;
	uint64_t events;
	char path[1024];
	int rc;

	hend = header_end(d);
	outn = TRACE_HEADER_FIXED + len + TRACE_HEADER_CHECK + (n - hend);
	out = malloc(outn);
	memcpy(out, TRACE_MAGIC, TRACE_MAGIC_LEN);
	trace_put_u32(out + TRACE_MAGIC_LEN, SIM_TRACE_FORMAT);
	trace_put_u32(out + TRACE_MAGIC_LEN + 4, (uint32_t)len);
	memcpy(out + TRACE_HEADER_FIXED, text, len);
	trace_put_u64(out + TRACE_HEADER_FIXED + len, sim_hash(SIM_HASH_INIT, text, len));
	memcpy(out + TRACE_HEADER_FIXED + len + TRACE_HEADER_CHECK, d + hend, n - hend);
	tmp_path(path, sizeof path, "keys");
	spill(path, out, outn);
	free(out);
	free(d);
	rc = sim_trace_open(path, &r, err, errlen);
	if (rc == 0) {
		*h = *sim_trace_reader_header(r);
		sim_trace_close(r);
		rc = read_to_end(path, &events, err, errlen);
	}
	unlink(path);
	return rc;
}

#define HDR_REST "scenario=x.lua\nscenario_hash=0000000000000000\npktsim=1.0\n"

START_TEST(test_header_keys)
{
	struct sim_trace_header h;
	char err[256] = "";

	ck_assert_int_eq(header_case("future=1\nseed=5\npktsim=1.0\nscenario=x.lua\n"
				     "scenario_hash=00000000000000FF\noptions=\nother=\n", &h, err,
				     sizeof err), 0);
	ck_assert_uint_eq(h.seed, 5);
	ck_assert_uint_eq(h.scenario_hash, 255);
	ck_assert_str_eq(h.options, "");
	ck_assert_int_eq(header_case(HDR_REST "options=\n", &h, err, sizeof err), -EBADMSG);
	ck_assert_str_eq(err, "header corrupt: no seed key");
	ck_assert_int_eq(header_case(HDR_REST "seed=1\nseed=1\noptions=\n", &h, err, sizeof err),
			 -EBADMSG);
	ck_assert_str_eq(err, "header corrupt: key seed given twice");
	ck_assert_int_eq(header_case("scenario_hash=00\nseed=1\noptions=\nscenario=\npktsim=\n",
				     &h, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "bad value for scenario_hash"));
	ck_assert_int_eq(header_case(HDR_REST "seed=18446744073709551616\noptions=\n", &h, err,
				     sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "bad value for seed"));
	ck_assert_int_eq(header_case(HDR_REST "seed=1\noptions=", &h, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "newline"));
	ck_assert_int_eq(header_case(HDR_REST "seed=1\noptions\n", &h, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "not key=value"));
}
END_TEST

/* ------------------------------------------------------------- corruption */

START_TEST(test_flip_every_byte)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	char err[256];
	uint64_t events;
	size_t n;
	uint8_t *d = sample_bytes(&n);

	for (size_t off = 0; off < n; off++) {
		for (size_t m = 0; m < sizeof masks; m++) {
			d[off] ^= masks[m];
			err[0] = '\0';
			int rc = read_bytes(d, n, &events, err, sizeof err);
			ck_assert_msg(rc == -EBADMSG || rc == -EPROTO || rc == -ENODATA,
				      "flip 0x%02x at byte %zu of %zu: %d", masks[m], off, n, rc);
			ck_assert_msg(err[0] != '\0', "no reason for a flip at %zu", off);
			d[off] ^= masks[m];
		}
	}
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), 0);
	free(d);
}
END_TEST

/* Flips inside record bodies with the record's check recomputed: the body parsers see
 * malformed records that pass the check; each must still be an error (malformed body, or
 * the footer's digest/count no longer agreeing), never a crash or a pass. */
START_TEST(test_flip_body_with_valid_check)
{
	static const uint8_t masks[] = { 0x01, 0x10, 0x80, 0xff };
	char err[256];
	size_t n, starts[64], nrec;
	uint64_t events;
	uint8_t *d = sample_bytes(&n);

	nrec = record_starts(d, n, starts, 64);
	ck_assert_uint_eq(nrec, SAMPLE_EVENTS + 3); /* 2 kinds, 6 events, footer */
	for (size_t k = 0; k < nrec; k++) {
		size_t off = starts[k], blen = trace_get_u32(d + off + 1);
		uint8_t *chk = d + off + TRACE_REC_HEAD + blen;
		uint32_t good = trace_get_u32(chk);

		for (size_t i = 0; i < blen * sizeof masks; i++) {
			d[off + TRACE_REC_HEAD + i / sizeof masks] ^= masks[i % sizeof masks];
			reseal(d + off);
			err[0] = '\0';
			int rc = read_bytes(d, n, &events, err, sizeof err);
			ck_assert_msg(rc == -EBADMSG && err[0], "record %zu byte %zu ^0x%02x: %d %s",
				      k, i / sizeof masks, masks[i % sizeof masks], rc, err);
			d[off + TRACE_REC_HEAD + i / sizeof masks] ^= masks[i % sizeof masks];
			trace_put_u32(chk, good);
		}
	}
	free(d);
}
END_TEST

START_TEST(test_truncate_every_offset)
{
	char err[256];
	size_t n, nb, bounds[64];
	uint64_t events, ev_at[64], ev = 0;
	uint8_t *d = sample_bytes(&n);

	nb = record_starts(d, n, bounds, 64);
	for (size_t b = 0; b < nb; b++) {
		ev_at[b] = ev;
		ev += d[bounds[b]] == TRACE_TAG_EVENT;
	}
	ck_assert_uint_eq(ev, SAMPLE_EVENTS);
	for (size_t len = 0; len < n; len++) {
		int rc, at_bound = -1;

		for (size_t b = 0; b < nb; b++)
			at_bound = bounds[b] == len ? (int)b : at_bound;
		err[0] = '\0';
		rc = read_bytes(d, len, &events, err, sizeof err);
		ck_assert_msg(rc < 0 && err[0], "truncation at %zu passed", len);
		if (at_bound >= 0) {
			ck_assert_msg(rc == -ENODATA, "cut at record start %zu: %d %s", len, rc, err);
			ck_assert_uint_eq(events, ev_at[at_bound]);
			ck_assert_ptr_nonnull(strstr(err, "without a footer"));
		} else {
			ck_assert_msg(rc == -EBADMSG, "cut at %zu: %d %s", len, rc, err);
		}
		if (len > header_end(d) && at_bound < 0)
			ck_assert_msg(strstr(err, "truncated (file ends inside the record)"),
				      "cut at %zu: %s", len, err);
	}
	free(d);
}
END_TEST

START_TEST(test_no_footer_padded)
{
	char path[1024], err[256] = "";
	struct sim_record rec, before;
	sim_trace_reader *r;
	uint64_t events;
	size_t n, cut;
	uint8_t *d = sample_bytes(&n), *padded;
	int got = 0, rc;

	cut = n - (TRACE_REC_OVERHEAD + TRACE_FOOTER_BODY);
	ck_assert_int_eq(d[cut], TRACE_TAG_FOOTER);
	padded = calloc(1, cut + 4096);
	memcpy(padded, d, cut);
	tmp_path(path, sizeof path, "nofooter");
	spill(path, padded, cut + 4096);
	ck_assert_int_eq(sim_trace_open(path, &r, err, sizeof err), 0);
	while ((rc = sim_trace_next(r, &rec, err, sizeof err)) == 1)
		got++;
	ck_assert_int_eq(rc, -ENODATA);
	ck_assert_int_eq(got, SAMPLE_EVENTS);
	ck_assert_uint_eq(sim_trace_reader_events(r), SAMPLE_EVENTS);
	ck_assert_str_eq(err, "trace ends after 6 events without a footer: the recorded run was "
			 "killed or crashed");
	memset(&rec, 0x5a, sizeof rec);
	before = rec;
	ck_assert_int_eq(sim_trace_next(r, &rec, err, sizeof err), -ENODATA); /* repeats */
	ck_assert_int_eq(memcmp(&rec, &before, sizeof rec), 0);              /* untouched */
	sim_trace_close(r);
	unlink(path);

	padded[cut + 100] = 1; /* zero tag, but data after it: corrupt, not a killed run */
	ck_assert_int_eq(read_bytes(padded, cut + 4096, &events, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "non-zero"));
	free(padded);
	free(d);
}
END_TEST

START_TEST(test_trailing_and_footer_mismatch)
{
	char err[256] = "";
	uint64_t events;
	size_t n, f;
	uint8_t *d = sample_bytes(&n);

	d = realloc(d, n + 1);
	d[n] = 0; /* one zero byte after the footer */
	ck_assert_int_eq(read_bytes(d, n + 1, &events, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "trailing bytes after footer"));

	/* a well-formed footer that lies about the count */
	f = n - (TRACE_REC_OVERHEAD + TRACE_FOOTER_BODY);
	trace_put_u64(d + f + TRACE_REC_HEAD, SAMPLE_EVENTS + 1);
	reseal(d + f);
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "footer says 7 events"));
	ck_assert_ptr_nonnull(strstr(err, "but the stream has 6"));
	free(d);
}
END_TEST

START_TEST(test_corrupt_record_message)
{
	char err[256] = "", want[128];
	size_t n, starts[64];
	uint64_t events;
	uint8_t *d = sample_bytes(&n);

	ck_assert_uint_gt(record_starts(d, n, starts, 64), 3); /* K 0, E 0, K 1, E 1, ... */
	ck_assert_int_eq(d[starts[3]], TRACE_TAG_EVENT);
	d[starts[3] + TRACE_REC_HEAD + 8] ^= 4; /* the time of event 1 */
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EBADMSG);
	snprintf(want, sizeof want, "record 1 at byte %zu: checksum mismatch (the file is corrupt)",
		 starts[3]);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(events, 1);
	d[starts[3] + TRACE_REC_HEAD + 8] ^= 4;

	/* malformed bodies under valid checks: event 0 (2 arguments) */
	uint8_t *b = d + starts[1] + TRACE_REC_HEAD;
	b[0] = 5; /* seq */
	reseal(b - TRACE_REC_HEAD);
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "record 0 at byte"));
	ck_assert_ptr_nonnull(strstr(err, "sequence number 5 where 0 was due"));
	b[0] = 0;
	b[24] = 1; /* nargs */
	reseal(b - TRACE_REC_HEAD);
	ck_assert_int_eq(read_bytes(d, n, &events, err, sizeof err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "6 unexpected bytes after the arguments"));
	free(d);
}
END_TEST

static Suite *trace_corrupt_suite(void)
{
	const TTest *tests[] = {
		test_bad_magic_version_checksum, test_header_keys, test_flip_every_byte,
		test_flip_body_with_valid_check, test_truncate_every_offset, test_no_footer_padded,
		test_trailing_and_footer_mismatch, test_corrupt_record_message,
	};
	Suite *s = suite_create("trace_corrupt");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_corrupt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
