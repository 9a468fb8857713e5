/*
 * tests/sim/test_trace.c — the trace format: hashing, record hash and digest, writer
 * (from records and from arguments), reader round trips, killed runs, writer errors,
 * record helpers. Damaged files are in test_trace_corrupt.c. Needs no world: it drives
 * sim_trace_writer_* (sim_int.h) and the reader (sim.h) directly.
 */
#include "trace_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* ------------------------------------------------------------------ hash */

/* Frozen values of H = sim_hash(SIM_HASH_INIT, ...): computed by this implementation and
 * reproduced by the Python reference in docs/trace-format.md. A change here changes every
 * trace check and digest: it is a format change. */
START_TEST(test_hash_vectors)
{
	static const struct {
		const char *s;
		size_t n;
		uint64_t h;
	} v[] = {
		{ "", 0, 0xa8096e1236bc75b0ULL },
		{ "a", 1, 0xcd0b1e4bdd6f8158ULL },
		{ "a\0", 2, 0xa931ef617c15d460ULL },
		{ "foobar", 6, 0xee7122b59283813eULL },
		{ "abcdefgh", 8, 0x52a536014c4dcb0cULL },
		{ "abcdefghi", 9, 0x6931703937589045ULL },
		{ "The quick brown fox jumps over the lazy dog", 43, 0x119794bcbe623b6cULL },
	};

	ck_assert_uint_eq(SIM_HASH_INIT, 0x706b7473696d2d31ULL);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		ck_assert_msg(sim_hash(SIM_HASH_INIT, v[i].s, v[i].n) == v[i].h,
			      "H of %zu bytes \"%s\": %016llx", v[i].n, v[i].s,
			      (unsigned long long)sim_hash(SIM_HASH_INIT, v[i].s, v[i].n));
	ck_assert_uint_eq(sim_hash(1, "foobar", 6), 0xe2ca94664e0f62f3ULL);
	ck_assert_uint_eq(sim_hash(SIM_HASH_INIT, NULL, 0), 0xa8096e1236bc75b0ULL);
	/* a record check is the low half: here it sees the change too (in general it misses
	 * one with a probability of about 2^-32; the full hash never does) */
	ck_assert_uint_ne((uint32_t)sim_hash(SIM_HASH_INIT, "foobas", 6),
			  (uint32_t)sim_hash(SIM_HASH_INIT, "foobar", 6));
}
END_TEST

/* A test input: n bytes of pattern kind (0 zeros, 1 0xff, 2 mixed). */
static void pattern(uint8_t *buf, size_t n, int kind)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = kind == 0 ? 0 : kind == 1 ? 0xff : (uint8_t)(i * 37 + n * 11 + 5);
}

/* Fail unless every change of one byte of buf (n bytes), to each of its 255 other
 * values, changes sim_hash(start, buf, n). Plain if, not ck_assert: no mark point per
 * hash (there are millions). */
static void check_one_byte_changes(uint64_t start, uint8_t *buf, size_t n)
{
	uint64_t base = sim_hash(start, buf, n);

	for (size_t off = 0; off < n; off++) {
		for (unsigned x = 1; x < 256; x++) {
			buf[off] ^= (uint8_t)x;
			if (sim_hash(start, buf, n) == base)
				ck_abort_msg("start %016llx n %zu off %zu ^%02x",
					     (unsigned long long)start, n, off, x);
			buf[off] ^= (uint8_t)x;
		}
	}
}

/* The documented guarantee: for a fixed start and length, changing any one byte, to any
 * other value, changes the hash. Every length from 1 to 72 (all tail sizes, several
 * words), every offset, all 255 changes, three contents, two starts. */
START_TEST(test_hash_one_byte_change)
{
	static const uint64_t starts[] = { SIM_HASH_INIT, 0 };
	uint8_t buf[72];

	for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
		for (int kind = 0; kind < 3; kind++) {
			for (size_t n = 1; n <= sizeof buf; n++) {
				pattern(buf, n, kind);
				check_one_byte_changes(starts[s], buf, n);
			}
		}
	}
}
END_TEST

/* 1 if the n values are pairwise distinct (sorts them). */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int all_distinct(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_u64);
	for (size_t i = 1; i < n; i++) {
		if (v[i] == v[i - 1])
			return 0;
	}
	return 1;
}

/* Zero padding and prefixes: "a", "a\0", "a\0\0"... and runs of zeros differ (within a
 * word this is guaranteed by the length; across words it is checked for these inputs),
 * and so do the 129 prefixes of one buffer. */
START_TEST(test_hash_padding_and_prefixes)
{
	uint8_t buf[128], zeros[128] = { 0 };
	uint64_t h[129];

	for (size_t n = 0; n <= 16; n++) {
		buf[0] = 'a';
		memset(buf + 1, 0, 16);
		h[n] = sim_hash(SIM_HASH_INIT, buf, n + 1);
	}
	ck_assert(all_distinct(h, 17));
	for (size_t n = 0; n <= sizeof zeros; n++)
		h[n] = sim_hash(SIM_HASH_INIT, zeros, n);
	ck_assert(all_distinct(h, sizeof zeros + 1));
	pattern(buf, sizeof buf, 2);
	for (size_t n = 0; n <= sizeof buf; n++)
		h[n] = sim_hash(SIM_HASH_INIT, buf, n);
	ck_assert(all_distinct(h, sizeof buf + 1));
}
END_TEST

/* The same bytes hash the same at any address (words are read with memcpy), and the
 * start is a bijection: 4096 starts give 4096 hashes of the same data. */
START_TEST(test_hash_alignment_and_start)
{
	uint8_t src[80], buf[96];
	uint64_t h[4096];

	pattern(src, sizeof src, 2);
	for (size_t n = 0; n <= sizeof src; n++) {
		uint64_t want = sim_hash(SIM_HASH_INIT, src, n);

		for (size_t a = 0; a < 8; a++) {
			memcpy(buf + a, src, n);
			ck_assert_uint_eq(sim_hash(SIM_HASH_INIT, buf + a, n), want);
		}
	}
	for (size_t i = 0; i < 4096; i++)
		h[i] = sim_hash(i * 0x100000001ULL, src, 13);
	ck_assert(all_distinct(h, 4096));
}
END_TEST

/* Write n bytes of buf to fd in pieces of `piece` bytes. */
static void write_pieces(int fd, const uint8_t *buf, size_t n, size_t piece)
{
	for (size_t off = 0; off < n; off += piece) {
		size_t k = n - off < piece ? n - off : piece;

		if (write(fd, buf + off, k) != (ssize_t)k)
			_exit(2);
	}
}

START_TEST(test_hash_file)
{
	enum { BIG = 40003 }; /* several 16 KiB reads, not a multiple of 8 */
	char path[1024];
	uint64_t h = 0;
	uint8_t *big = malloc(BIG);
	int status;
	pid_t pid;

	tmp_path(path, sizeof path, "hash");
	spill(path, (const uint8_t *)"foobar", 6);
	ck_assert_int_eq(sim_hash_file(path, &h), 0);
	ck_assert_uint_eq(h, 0xee7122b59283813eULL);
	spill(path, (const uint8_t *)"", 0);
	ck_assert_int_eq(sim_hash_file(path, &h), 0);
	ck_assert_uint_eq(h, sim_hash(SIM_HASH_INIT, "", 0));
	pattern(big, BIG, 2);
	spill(path, big, BIG);
	ck_assert_int_eq(sim_hash_file(path, &h), 0);
	ck_assert_uint_eq(h, sim_hash(SIM_HASH_INIT, big, BIG));
	unlink(path);
	ck_assert_int_eq(sim_hash_file(path, &h), -ENOENT);

	/* a pipe fed 13 bytes at a time: reads of any size give the same hash */
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		if (fd < 0)
			_exit(1);
		write_pieces(fd, big, BIG, 13);
		free(big);
		_exit(close(fd) ? 3 : 0);
	}
	h = 0;
	ck_assert_int_eq(sim_hash_file(path, &h), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer: %d", status);
	ck_assert_uint_eq(h, sim_hash(SIM_HASH_INIT, big, BIG));
	unlink(path);
	free(big);
}
END_TEST

/* ---------------------------------------------------- record hash and digest */

/* The digest as docs/trace-format.md defines it, written out apart from trace_int.h. */
static uint64_t doc_digest_add(uint64_t d, uint64_t h_rec)
{
	d = (d << 31) | (d >> 33);
	return (d ^ h_rec) * 0x9e3779b97f4a7c15ULL;
}

/* Every record of the sample file: check = low 32 bits of H(tag, length, body), computed
 * in one pass by trace_record_hash, even before the tag is stored; the digest folds the
 * record hashes of the K and E records; the footer holds it. The sample's digest is
 * frozen (a change is a format change). */
START_TEST(test_record_hash_and_digest)
{
	size_t n, starts[64], nrec;
	uint8_t *d = sample_bytes(&n);
	uint64_t digest = SIM_HASH_INIT;

	nrec = record_starts(d, n, starts, 64);
	ck_assert_uint_eq(nrec, SAMPLE_EVENTS + 3);
	for (size_t k = 0; k < nrec; k++) {
		uint8_t *rec = d + starts[k];
		size_t len = TRACE_REC_HEAD + trace_get_u32(rec + 1);
		uint64_t h = sim_hash(SIM_HASH_INIT, rec, len);
		uint8_t tag = rec[0];

		ck_assert_uint_eq(trace_get_u32(rec + len), (uint32_t)h);
		ck_assert_uint_eq(trace_record_hash(tag, rec, len), h);
		rec[0] = 0x5a; /* not stored yet: trace_record_hash takes the tag apart */
		ck_assert_uint_eq(trace_record_hash(tag, rec, len), h);
		rec[0] = tag;
		if (tag == TRACE_TAG_FOOTER) {
			ck_assert_uint_eq(trace_get_u64(rec + TRACE_REC_HEAD), SAMPLE_EVENTS);
			ck_assert_uint_eq(trace_get_u64(rec + TRACE_REC_HEAD + 8), digest);
		} else {
			ck_assert_uint_eq(trace_digest_add(digest, h), doc_digest_add(digest, h));
			digest = doc_digest_add(digest, h);
		}
	}
	ck_assert_uint_eq(digest, 0x44eb793ab846071aULL);
	free(d);
}
END_TEST

/* The example of docs/trace-format.md, byte for byte: the doc's hexdump must be what the
 * writer writes (header check, record checks, digest, footer). */
START_TEST(test_doc_example)
{
	static const uint8_t want[] = {
		0x50, 0x4b, 0x54, 0x53, 0x49, 0x4d, 0x54, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x4d, 0x00, 0x00, 0x00, 0x70, 0x6b, 0x74, 0x73, 0x69, 0x6d, 0x3d, 0x30,
		0x2e, 0x31, 0x2e, 0x30, 0x0a, 0x73, 0x63, 0x65, 0x6e, 0x61, 0x72, 0x69,
		0x6f, 0x3d, 0x61, 0x2e, 0x6c, 0x75, 0x61, 0x0a, 0x73, 0x63, 0x65, 0x6e,
		0x61, 0x72, 0x69, 0x6f, 0x5f, 0x68, 0x61, 0x73, 0x68, 0x3d, 0x31, 0x31,
		0x32, 0x32, 0x33, 0x33, 0x34, 0x34, 0x35, 0x35, 0x36, 0x36, 0x37, 0x37,
		0x38, 0x38, 0x0a, 0x73, 0x65, 0x65, 0x64, 0x3d, 0x37, 0x0a, 0x6f, 0x70,
		0x74, 0x69, 0x6f, 0x6e, 0x73, 0x3d, 0x2d, 0x76, 0x0a, 0x27, 0xb6, 0xeb,
		0xe1, 0x08, 0xbf, 0x30, 0x3b, 0x4b, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x04, 0x74, 0x69, 0x63, 0x6b, 0x02, 0x69, 0x73, 0x11, 0x0d, 0x2e, 0x2c,
		0x45, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0xfe, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0x02, 0x02, 0x68, 0x69, 0xb8, 0x11, 0xdc, 0xcd, 0x46,
		0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x30, 0x06, 0xea, 0x20, 0x0e, 0x1e, 0xf9, 0xf1, 0x52, 0xfc, 0x1f, 0xf4,
	};
	struct sim_trace_header h;
	struct sim_record rec;
	char path[1024], err[256] = "";
	sim_trace *t;
	uint8_t *got;
	size_t n;

	memset(&h, 0, sizeof h);
	snprintf(h.pktsim_version, sizeof h.pktsim_version, "0.1.0");
	snprintf(h.scenario_path, sizeof h.scenario_path, "a.lua");
	h.scenario_hash = 0x1122334455667788ULL;
	h.seed = 7;
	snprintf(h.options, sizeof h.options, "-v");
	tmp_path(path, sizeof path, "example");
	t = sim_trace_writer_open(path, &h, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	sim_trace_writer_kind(t, 0, "tick", "is");
	rec_init(&rec, 0, 1000, 1, 0, 0);
	add_int(&rec, -2);
	add_str(&rec, "hi");
	sim_trace_writer_event(t, &rec);
	ck_assert_uint_eq(sim_trace_writer_digest(t), 0xf1f91e0e20ea0630ULL);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	got = slurp(path, &n);
	ck_assert_uint_eq(n, sizeof want);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "byte 0x%zx: %02x, the doc says %02x", i, got[i],
			      want[i]);
	free(got);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------- emitv */

/* The sample stream of write_sample, emitted from arguments instead of records. */
static void emit_sample(sim_trace *t)
{
	sim_trace_writer_kind(t, 0, "timer_fire", "is");
	emit(t, 0, 0, SIM_CPU_NONE, 0, "is", (int64_t)7, "tick");
	sim_trace_writer_kind(t, 1, "spend", "");
	emit(t, 1250000, 3, 1, 1, "");
	emit(t, 1250000, 3, 1, 0, "is", (int64_t)-1, "");
	emit(t, 2 * SIM_S, 4, 0, 1, "ii", INT64_MIN, INT64_MAX);
	emit(t, INT64_MAX, UINT32_MAX, 0xfffe, 0, "si", "a \"quoted\"\nline", (int64_t)0);
	emit(t, 3 * SIM_S, 1, 2, 1, "iiiiiiii", (int64_t)-3, (int64_t)997, (int64_t)1997,
	     (int64_t)2997, (int64_t)3997, (int64_t)4997, (int64_t)5997, (int64_t)6997);
}

/* emitv and sim_trace_writer_event write the same bytes, file and digest. */
START_TEST(test_emitv_same_bytes)
{
	struct sim_trace_header h;
	char path[1024], err[256] = "";
	size_t n_rec, n_emit;
	uint8_t *by_rec = sample_bytes(&n_rec), *by_emit;
	uint64_t digest;
	sim_trace *t;

	tmp_path(path, sizeof path, "emitv");
	sample_header(&h);
	t = sim_trace_writer_open(path, &h, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	emit_sample(t);
	digest = sim_trace_writer_digest(t);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	by_emit = slurp(path, &n_emit);
	ck_assert_uint_eq(n_emit, n_rec);
	ck_assert_int_eq(memcmp(by_emit, by_rec, n_rec), 0);
	ck_assert_uint_eq(digest, 0x44eb793ab846071aULL);

	t = sim_trace_writer_open(NULL, NULL, err, sizeof err); /* digest only */
	emit_sample(t);
	ck_assert_uint_eq(sim_trace_writer_digest(t), digest);
	ck_assert_uint_eq(sim_trace_writer_events(t), SAMPLE_EVENTS);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	unlink(path);
	free(by_emit);
	free(by_rec);
}
END_TEST

/* Strings: NULL is "", longer than SIM_TRACE_MAX_STR is cut, as in a record; a signature
 * stops at SIM_TRACE_MAX_ARGS letters; an unknown letter is a caller bug (-EINVAL). */
START_TEST(test_emitv_strings_and_bugs)
{
	char err[256] = "", longs[301];
	struct sim_record rec;
	sim_trace *a, *b;

	memset(longs, 'z', 300);
	longs[300] = '\0';
	a = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	b = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	emit(a, 5, 1, 0, 2, "sis", (const char *)NULL, (int64_t)4, longs);
	rec_init(&rec, 0, 5, 1, 0, 2);
	add_str(&rec, "");
	add_int(&rec, 4);
	add_str(&rec, longs + 300 - SIM_TRACE_MAX_STR); /* the 255 bytes emitv keeps */
	sim_trace_writer_event(b, &rec);
	emit(a, 6, 1, 0, 2, "iiiiiiiii", (int64_t)0, (int64_t)1, (int64_t)2, (int64_t)3,
	     (int64_t)4, (int64_t)5, (int64_t)6, (int64_t)7, (int64_t)8);
	rec_init(&rec, 1, 6, 1, 0, 2);
	for (int k = 0; k < SIM_TRACE_MAX_ARGS; k++)
		add_int(&rec, k);
	sim_trace_writer_event(b, &rec);
	ck_assert_uint_eq(sim_trace_writer_digest(a), sim_trace_writer_digest(b));
	ck_assert_int_eq(sim_trace_writer_close(a, err, sizeof err), 0);
	ck_assert_int_eq(sim_trace_writer_close(b, err, sizeof err), 0);

	a = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	b = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	emit(a, 7, 2, 1, 3, "ix", (int64_t)9, (int64_t)10);
	rec_init(&rec, 0, 7, 2, 1, 3);
	add_int(&rec, 9);
	sim_trace_writer_event(b, &rec);
	ck_assert_uint_eq(sim_trace_writer_events(a), 1);
	ck_assert_uint_eq(sim_trace_writer_digest(a), sim_trace_writer_digest(b));
	ck_assert_int_eq(sim_trace_writer_close(a, err, sizeof err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "signature letter 'x'"));
	ck_assert_int_eq(sim_trace_writer_close(b, err, sizeof err), 0);
}
END_TEST

/* ------------------------------------------------------------- round trip */

START_TEST(test_roundtrip)
{
	struct sim_record recs[SAMPLE_EVENTS], rec, longrec;
	char path[1024], err[256] = "", longname[301];
	sim_trace_reader *r;
	sim_trace *t;

	tmp_path(path, sizeof path, "roundtrip");
	sample_records(recs);
	memset(longname, 'k', 300);
	longname[300] = '\0';
	rec_init(&longrec, SAMPLE_EVENTS, 5 * SIM_S, 2, 3, 300);
	add_str(&longrec, "");
	memset(longrec.args[0].s, 'x', SIM_TRACE_MAX_STR);          /* 255 bytes */
	add_int(&longrec, 5);
	longrec.args[2].type = SIM_ARG_STR;                          /* 256, no NUL */
	memset(longrec.args[2].s, 'y', sizeof longrec.args[2].s);
	longrec.nargs = 3;

	t = sim_trace_writer_open(path, NULL, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	write_sample(t);
	sim_trace_writer_kind(t, 300, longname, NULL);
	sim_trace_writer_event(t, &longrec);
	ck_assert_uint_eq(sim_trace_writer_events(t), SAMPLE_EVENTS + 1);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);

	ck_assert_int_eq(sim_trace_open(path, &r, err, sizeof err), 0);
	ck_assert_str_eq(sim_trace_reader_kind_name(r, 0), "?"); /* not read yet */
	for (int i = 0; i < SAMPLE_EVENTS; i++) {
		ck_assert_int_eq(sim_trace_next(r, &rec, err, sizeof err), 1);
		ck_assert_msg(sim_record_equal(&rec, &recs[i]), "record %d differs", i);
	}
	ck_assert_str_eq(sim_trace_reader_kind_name(r, 0), "timer_fire");
	ck_assert_str_eq(sim_trace_reader_kind_name(r, 1), "spend");
	ck_assert_str_eq(sim_trace_reader_kind_name(r, 2), "?");
	ck_assert_str_eq(sim_trace_reader_kind_name(r, -1), "?");
	ck_assert_int_eq(sim_trace_next(r, &rec, err, sizeof err), 1);
	ck_assert_uint_eq(strlen(sim_trace_reader_kind_name(r, 300)), 255);
	ck_assert_uint_eq(rec.nargs, 3);
	ck_assert_uint_eq(strlen(rec.args[0].s), 255);
	ck_assert_int_eq(rec.args[1].i, 5);
	ck_assert_uint_eq(strlen(rec.args[2].s), 255); /* truncated */
	ck_assert_int_eq(rec.args[2].s[254], 'y');
	ck_assert_msg(sim_record_equal(&rec, &longrec), "long record differs");
	ck_assert_int_eq(sim_trace_next(r, &rec, err, sizeof err), 0);
	ck_assert_int_eq(sim_trace_next(r, &rec, err, sizeof err), 0); /* stays at the end */
	ck_assert_uint_eq(sim_trace_reader_events(r), SAMPLE_EVENTS + 1);
	sim_trace_close(r);
	unlink(path);
}
END_TEST

START_TEST(test_header_roundtrip)
{
	struct sim_trace_header h;
	const struct sim_trace_header *got;
	char path[1024], err[256] = "";
	sim_trace_reader *r;
	sim_trace *t;

	tmp_path(path, sizeof path, "header");
	memset(&h, 0, sizeof h);
	memset(h.scenario_path, 'p', sizeof h.scenario_path - 1);
	h.scenario_hash = 0xfedcba9876543210ULL;
	h.seed = UINT64_MAX;
	snprintf(h.options, sizeof h.options, "--seed 7\n--cpus 2");
	h.format = 99; /* ignored by the writer */
	t = sim_trace_writer_open(path, &h, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);

	ck_assert_int_eq(sim_trace_open(path, &r, err, sizeof err), 0);
	got = sim_trace_reader_header(r);
	ck_assert_uint_eq(got->format, SIM_TRACE_FORMAT);
	ck_assert_str_eq(got->pktsim_version, PKTSIM_VERSION);
	ck_assert_str_eq(got->scenario_path, h.scenario_path);
	ck_assert_uint_eq(got->scenario_hash, 0xfedcba9876543210ULL);
	ck_assert_uint_eq(got->seed, UINT64_MAX);
	ck_assert_str_eq(got->options, "--seed 7 --cpus 2");
	sim_trace_close(r);
	unlink(path);
}
END_TEST

/* ----------------------------------------------------------------- digest */

/* Same digest with or without a file, whatever the header; the reader agrees. */
START_TEST(test_digest_same_for_file_and_digest_only)
{
	char path[1024], err[256] = "";
	struct sim_trace_header h;
	sim_trace_reader *r;
	struct sim_record rec;
	sim_trace *t;
	uint64_t file_digest;

	tmp_path(path, sizeof path, "digest");
	file_digest = make_sample(path);
	ck_assert_uint_ne(file_digest, SIM_HASH_INIT);
	ck_assert_int_eq(sim_trace_open(path, &r, err, sizeof err), 0);
	ck_assert_str_eq(sim_trace_reader_header(r)->pktsim_version, "9.8.7"); /* as given */
	ck_assert_str_eq(sim_trace_reader_header(r)->scenario_path, "scenarios/rx_basic.lua");
	while (sim_trace_next(r, &rec, err, sizeof err) == 1)
		;
	ck_assert_int_eq(sim_trace_next(r, &rec, err, sizeof err), 0); /* footer verified */
	ck_assert_uint_eq(sim_trace_reader_digest(r), file_digest);
	sim_trace_close(r);

	t = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	ck_assert_uint_eq(sim_trace_writer_digest(t), SIM_HASH_INIT);
	write_sample(t);
	ck_assert_uint_eq(sim_trace_writer_digest(t), file_digest);
	ck_assert_uint_eq(sim_trace_writer_events(t), SAMPLE_EVENTS);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);

	sample_header(&h);
	h.seed = 43;
	snprintf(h.scenario_path, sizeof h.scenario_path, "elsewhere.lua");
	t = sim_trace_writer_open(path, &h, err, sizeof err);
	write_sample(t);
	ck_assert_uint_eq(sim_trace_writer_digest(t), file_digest);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	unlink(path);
}
END_TEST

/* Digest of the sample stream with record `which` replaced by *alt (or kind 0 renamed). */
static uint64_t digest_of(int which, const struct sim_record *alt, const char *kind0,
			  const char *sig0)
{
	struct sim_record recs[SAMPLE_EVENTS];
	char err[256];
	sim_trace *t = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	uint64_t d;

	sample_records(recs);
	if (alt)
		recs[which] = *alt;
	sim_trace_writer_kind(t, 0, kind0, sig0);
	for (int i = 0; i < SAMPLE_EVENTS; i++)
		sim_trace_writer_event(t, &recs[i]);
	d = sim_trace_writer_digest(t);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	return d;
}

START_TEST(test_digest_changes_with_any_record)
{
	struct sim_record recs[SAMPLE_EVENTS], alt;
	uint64_t base = digest_of(0, NULL, "timer_fire", "is");

	sample_records(recs);
	ck_assert_uint_eq(digest_of(0, NULL, "timer_fire", "is"), base); /* deterministic */
	ck_assert_uint_ne(digest_of(0, NULL, "timer_firf", "is"), base);
	ck_assert_uint_ne(digest_of(0, NULL, "timer_fire", "ii"), base);
#define CHANGES(i, change) \
	do { \
		alt = recs[i]; \
		change; \
		ck_assert_uint_ne(digest_of(i, &alt, "timer_fire", "is"), base); \
	} while (0)
	CHANGES(2, alt.t++);
	CHANGES(2, alt.thread = 4);
	CHANGES(2, alt.cpu = SIM_CPU_NONE);
	CHANGES(2, alt.kind = 1);
	CHANGES(2, alt.args[0].i = -2);
	CHANGES(0, alt.args[1].s[3] = 'x');
	CHANGES(2, alt.nargs = 1);
	CHANGES(5, alt.args[7].i = 1); /* the last argument of the last record */
	CHANGES(3, alt.args[0].type = SIM_ARG_STR; alt.args[0].s[0] = '\0');
#undef CHANGES
}
END_TEST

/* ---------------------------------------------------------------- killed */

/* A trace big enough to grow the file several times (about 19 MB), written twice: closed
 * (complete, footer verified) and killed before closing (every event there, no footer). */
START_TEST(test_big_trace_closed_and_killed)
{
	enum { N = 300000 };
	char path[1024], err[256] = "";
	uint64_t events, digest;
	sim_trace *t;
	int status, rc;
	pid_t pid;

	tmp_path(path, sizeof path, "big");
	t = sim_trace_writer_open(path, NULL, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	write_bulk(t, N);
	ck_assert_uint_eq(sim_trace_writer_events(t), N);
	uint64_t wdigest = sim_trace_writer_digest(t);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), 0);
	rc = check_bulk(path, &events, &digest, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(events, N);
	ck_assert_uint_eq(digest, wdigest);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		t = sim_trace_writer_open(path, NULL, err, sizeof err);
		if (!t)
			_exit(3);
		write_bulk(t, N);
		raise(SIGKILL);
		_exit(4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
	rc = check_bulk(path, &events, &digest, err, sizeof err);
	ck_assert_msg(rc == -ENODATA, "%d: %s", rc, err);
	ck_assert_uint_eq(events, N);
	ck_assert_ptr_nonnull(strstr(err, "after 300000 events without a footer"));
	ck_assert_uint_eq(digest, wdigest);
	unlink(path);
}
END_TEST

/* ---------------------------------------------------------- writer errors */

START_TEST(test_writer_open_fails)
{
	char err[256] = "";

	ck_assert_ptr_null(sim_trace_writer_open("/nonexistent-dir/x/trace", NULL, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "cannot create trace /nonexistent-dir/x/trace"));
	ck_assert_int_eq(sim_trace_writer_close(NULL, err, sizeof err), 0);
}
END_TEST

START_TEST(test_writer_caller_bugs)
{
	char err[256] = "";
	struct sim_record rec;
	sim_trace *t = sim_trace_writer_open(NULL, NULL, err, sizeof err);

	rec_init(&rec, 1, 0, 0, 0, 0); /* seq 1 where 0 is due */
	sim_trace_writer_event(t, &rec);
	ck_assert_uint_eq(sim_trace_writer_events(t), 1);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "seq 1 given where 0 was due"));

	t = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	rec_init(&rec, 0, 0, 0, 0, 0);
	rec.nargs = SIM_TRACE_MAX_ARGS + 1;
	sim_trace_writer_event(t, &rec);
	ck_assert_int_eq(sim_trace_writer_close(t, err, sizeof err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "9 arguments"));
}
END_TEST

/* The file cannot grow past 1.5 MiB: the writer reports it, keeps the digest right, and
 * the file holds the records written before, without a footer. */
START_TEST(test_writer_grow_failure)
{
	enum { N = 60000 };
	char path[1024], err[256] = "";
	uint64_t events, digest;
	struct rlimit old, lim;
	sim_trace *t, *only;
	void (*oldsig)(int);
	int rc;

	tmp_path(path, sizeof path, "full");
	only = sim_trace_writer_open(NULL, NULL, err, sizeof err);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 3 << 19;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	t = sim_trace_writer_open(path, NULL, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	write_bulk(t, N);
	write_bulk(only, N);
	ck_assert_uint_eq(sim_trace_writer_digest(t), sim_trace_writer_digest(only));
	rc = sim_trace_writer_close(t, err, sizeof err);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	ck_assert_msg(rc == -EFBIG, "%d %s", rc, err);
	ck_assert_ptr_nonnull(strstr(err, "cannot grow"));
	ck_assert_int_eq(sim_trace_writer_close(only, err, sizeof err), 0);

	ck_assert_int_eq(check_bulk(path, &events, &digest, err, sizeof err), -ENODATA);
	ck_assert_uint_gt(events, 10000);
	ck_assert_uint_lt(events, N);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------ format/equal */

START_TEST(test_record_format)
{
	struct sim_record recs[SAMPLE_EVENTS];
	char buf[512];

	sample_records(recs);
	recs[1].seq = 12;
	add_int(&recs[1], 7);
	add_str(&recs[1], "tick");
	sim_record_format(&recs[1], "timer_fire", buf, sizeof buf);
	ck_assert_str_eq(buf, "#12 t=1250000 thread=3 cpu=1 timer_fire 7 \"tick\"");
	sim_record_format(&recs[0], "timer_fire", buf, sizeof buf);
	ck_assert_str_eq(buf, "#0 t=0 thread=0 cpu=- timer_fire 7 \"tick\"");
	sim_record_format(&recs[2], NULL, buf, sizeof buf);
	ck_assert_str_eq(buf, "#2 t=1250000 thread=3 cpu=1 kind0 -1 \"\"");
	sim_record_format(&recs[3], "k", buf, sizeof buf);
	ck_assert_str_eq(buf, "#3 t=2000000000 thread=4 cpu=0 k -9223372036854775808 "
			 "9223372036854775807");
	recs[4].args[0].s[1] = '\x01';
	sim_record_format(&recs[4], "k", buf, sizeof buf);
	ck_assert_str_eq(buf, "#4 t=9223372036854775807 thread=4294967295 cpu=65534 k "
			 "\"a\\x01\\\"quoted\\\"\\nline\" 0");
	sim_record_format(&recs[1], "timer_fire", buf, 10);
	ck_assert_str_eq(buf, "#12 t=125");
	buf[0] = 'z';
	sim_record_format(&recs[1], "timer_fire", buf, 0);
	ck_assert_int_eq(buf[0], 'z');
}
END_TEST

START_TEST(test_record_equal)
{
	struct sim_record recs[SAMPLE_EVENTS], a, b;

	sample_records(recs);
	a = recs[0];
	memset(&b, 0x77, sizeof b); /* garbage past the arguments must not matter */
	b.seq = a.seq, b.t = a.t, b.thread = a.thread, b.cpu = a.cpu, b.kind = a.kind;
	b.nargs = a.nargs, b.args[0] = a.args[0], b.args[1] = a.args[1];
	ck_assert(sim_record_equal(&a, &b));
#define DIFFERS(change) do { b = a; change; ck_assert(!sim_record_equal(&a, &b)); } while (0)
	DIFFERS(b.seq++);
	DIFFERS(b.t--);
	DIFFERS(b.thread = 9);
	DIFFERS(b.cpu = 0);
	DIFFERS(b.kind = 1);
	DIFFERS(b.nargs = 1);
	DIFFERS(b.args[0].i = 8);
	DIFFERS(b.args[1].s[0] = 'T');
	DIFFERS(b.args[1].type = SIM_ARG_INT);
#undef DIFFERS
}
END_TEST

static Suite *trace_suite(void)
{
	const TTest *tests[] = {
		test_hash_vectors, test_hash_one_byte_change, test_hash_padding_and_prefixes,
		test_hash_alignment_and_start, test_hash_file, test_record_hash_and_digest,
		test_doc_example, test_emitv_same_bytes, test_emitv_strings_and_bugs,
		test_roundtrip, test_header_roundtrip, test_digest_same_for_file_and_digest_only,
		test_digest_changes_with_any_record, test_big_trace_closed_and_killed,
		test_writer_open_fails, test_writer_caller_bugs, test_writer_grow_failure,
		test_record_format, test_record_equal,
	};
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
