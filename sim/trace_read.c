/*
 * sim/trace_read.c — the trace reader (format in docs/trace-format.md, constants in
 * trace_int.h) and the record helpers (format one line, compare two records).
 *
 * The file is mapped read-only and every length is checked against the bytes that are
 * left before it is used, so any input, however corrupt, gives an error and never an
 * out-of-bounds read. Every record is hashed once: its hash gives the check to verify and
 * the record's share of the digest, which is recomputed as the records go by; the footer
 * must agree with it. The first error ends the reading:
 * later calls of sim_trace_next repeat it.
 */
#include "sim.h"
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct sim_trace_reader {
	const uint8_t *data;  /* the file, mapped; NULL if it is empty */
	size_t size;
	size_t pos;           /* offset of the next record */
	uint64_t events;      /* 'E' records read */
	uint64_t digest;      /* over the 'K' and 'E' records read */
	struct sim_trace_header hdr;
	char **kinds;         /* kind number -> name, NULL if not defined */
	size_t nkinds;
	int ended;            /* 1 once the footer or an error was met */
	int end_rc;           /* what sim_trace_next returns from then on */
	char end_msg[256];
};

/* ------------------------------------------------------------------ header */

/* Copy a header value into a fixed field, truncating it to the field. */
static void copy_value(char *dst, size_t size, const uint8_t *v, size_t n)
{
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Exactly 16 hex digits. */
static int parse_hex64(const uint8_t *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;

	if (n != 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int c = v[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		x = (x << 4) | (uint64_t)d;
	}
	*out = x;
	return 0;
}

/* A decimal u64: 1 to 20 digits, no sign, no overflow. */
static int parse_dec64(const uint8_t *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x > (UINT64_MAX - (uint64_t)(v[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

enum { KEY_VERSION = 1, KEY_SCENARIO = 2, KEY_HASH = 4, KEY_SEED = 8, KEY_OPTIONS = 16,
       KEY_ALL = 31 };

static const struct {
	const char *name;
	int bit;
} header_keys[] = {
	{ TRACE_KEY_VERSION, KEY_VERSION },
	{ TRACE_KEY_SCENARIO, KEY_SCENARIO },
	{ TRACE_KEY_SCENARIO_HASH, KEY_HASH },
	{ TRACE_KEY_SEED, KEY_SEED },
	{ TRACE_KEY_OPTIONS, KEY_OPTIONS },
};

/* The bit of a known key, 0 for a key this reader does not know (ignored). */
static int key_bit(const uint8_t *k, size_t n)
{
	for (size_t i = 0; i < sizeof header_keys / sizeof header_keys[0]; i++) {
		if (strlen(header_keys[i].name) == n && memcmp(header_keys[i].name, k, n) == 0)
			return header_keys[i].bit;
	}
	return 0;
}

/* Store the value of the known key bit into the header. 0, or -1 if it is malformed. */
static int set_field(struct sim_trace_header *h, int bit, const uint8_t *v, size_t n)
{
	switch (bit) {
	case KEY_VERSION:
		copy_value(h->pktsim_version, sizeof h->pktsim_version, v, n);
		return 0;
	case KEY_SCENARIO:
		copy_value(h->scenario_path, sizeof h->scenario_path, v, n);
		return 0;
	case KEY_OPTIONS:
		copy_value(h->options, sizeof h->options, v, n);
		return 0;
	case KEY_HASH:
		return parse_hex64(v, n, &h->scenario_hash);
	case KEY_SEED:
		return parse_dec64(v, n, &h->seed);
	}
	return 0;
}

/* Parse one "key=value" line (without its newline). 0 or -EBADMSG with err. */
static int parse_line(struct sim_trace_header *h, const uint8_t *line, size_t n, int *seen,
		      char *err, size_t errlen)
{
	const uint8_t *eq = memchr(line, '=', n);
	size_t klen;
	int bit;

	if (memchr(line, '\0', n)) {
		sim_errf(err, errlen, "header corrupt: NUL byte in the header text");
		return -EBADMSG;
	}
	if (!eq) {
		sim_errf(err, errlen, "header corrupt: line '%.*s' is not key=value", (int)n, line);
		return -EBADMSG;
	}
	klen = (size_t)(eq - line);
	bit = key_bit(line, klen);
	if (!bit)
		return 0; /* a key of a later pktsim: ignored */
	if (*seen & bit) {
		sim_errf(err, errlen, "header corrupt: key %.*s given twice", (int)klen, line);
		return -EBADMSG;
	}
	*seen |= bit;
	if (set_field(h, bit, eq + 1, n - klen - 1)) {
		sim_errf(err, errlen, "header corrupt: bad value for %.*s: '%.*s'", (int)klen, line,
			(int)(n - klen - 1), eq + 1);
		return -EBADMSG;
	}
	return 0;
}

/* Parse the header text: newline-terminated lines, every required key once. */
static int parse_text(struct sim_trace_header *h, const uint8_t *text, size_t len, char *err,
		      size_t errlen)
{
	int seen = 0;
	size_t i = 0;

	while (i < len) {
		const uint8_t *nl = memchr(text + i, '\n', len - i);
		int rc;

		if (!nl) {
			sim_errf(err, errlen, "header corrupt: the text does not end with a newline");
			return -EBADMSG;
		}
		rc = parse_line(h, text + i, (size_t)(nl - text) - i, &seen, err, errlen);
		if (rc)
			return rc;
		i = (size_t)(nl - text) + 1;
	}
	for (size_t k = 0; k < sizeof header_keys / sizeof header_keys[0]; k++) {
		if (!(seen & header_keys[k].bit)) {
			sim_errf(err, errlen, "header corrupt: no %s key", header_keys[k].name);
			return -EBADMSG;
		}
	}
	return 0;
}

/* Validate the header at the start of the file and set r->pos past it. */
static int parse_header(sim_trace_reader *r, char *err, size_t errlen)
{
	const uint8_t *d = r->data;
	uint32_t format, len;
	int rc;

	if (r->size < TRACE_MAGIC_LEN || memcmp(d, TRACE_MAGIC, TRACE_MAGIC_LEN) != 0) {
		sim_errf(err, errlen, "not a pktsim trace (bad magic)");
		return -EBADMSG;
	}
	if (r->size < TRACE_HEADER_FIXED) {
		sim_errf(err, errlen, "header corrupt: truncated (the file ends inside the header)");
		return -EBADMSG;
	}
	format = trace_get_u32(d + TRACE_MAGIC_LEN);
	if (format != SIM_TRACE_FORMAT) {
		sim_errf(err, errlen, "trace format %" PRIu32 " is not supported (this pktsim reads "
			"format %d)", format, SIM_TRACE_FORMAT);
		return -EPROTO;
	}
	len = trace_get_u32(d + TRACE_MAGIC_LEN + 4);
	if (len > r->size - TRACE_HEADER_FIXED ||
	    r->size - TRACE_HEADER_FIXED - len < TRACE_HEADER_CHECK) {
		sim_errf(err, errlen, "header corrupt: truncated (header text of %" PRIu32 " bytes "
			"does not fit in the %zu-byte file)", len, r->size);
		return -EBADMSG;
	}
	if (trace_get_u64(d + TRACE_HEADER_FIXED + len) !=
	    sim_hash(SIM_HASH_INIT, d + TRACE_HEADER_FIXED, len)) {
		sim_errf(err, errlen, "header corrupt: checksum mismatch");
		return -EBADMSG;
	}
	rc = parse_text(&r->hdr, d + TRACE_HEADER_FIXED, len, err, errlen);
	if (rc)
		return rc;
	r->hdr.format = format;
	r->pos = TRACE_HEADER_FIXED + len + TRACE_HEADER_CHECK;
	return 0;
}

/* Map the whole file read-only (nothing for an empty file). 0 or -errno with err. */
static int map_file(sim_trace_reader *r, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		rc = -errno;
		sim_errf(err, errlen, "cannot open trace %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		sim_errf(err, errlen, "cannot stat trace %s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		sim_errf(err, errlen, "trace %s is not a regular file", path);
	} else if (st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m == MAP_FAILED) {
			rc = -errno;
			sim_errf(err, errlen, "cannot map trace %s: %s", path, strerror(errno));
		} else {
			r->data = m;
			r->size = (size_t)st.st_size;
		}
	}
	close(fd);
	return rc;
}

/*
 * Open the trace at path and validate its header. Returns 0 and *out (close it with
 * sim_trace_close), or a negative errno with *out NULL, nothing left open and the reason in
 * err: -ENOENT etc. (I/O, names the path), -EBADMSG ("not a pktsim trace (bad magic)",
 * "header corrupt: ..."), -EPROTO (another format version), -ENOMEM.
 */
int sim_trace_open(const char *path, sim_trace_reader **out, char *err, size_t errlen)
{
	sim_trace_reader *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	if (!r) {
		sim_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r->digest = SIM_HASH_INIT;
	rc = map_file(r, path, err, errlen);
	if (rc == 0)
		rc = parse_header(r, err, errlen);
	if (rc) {
		sim_trace_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* The validated header; format is the file's format number. */
const struct sim_trace_header *sim_trace_reader_header(const sim_trace_reader *r)
{
	return &r->hdr;
}

/* ----------------------------------------------------------------- records */

/* End the reading with rc and the formatted reason (repeated by later calls). */
static int finish(sim_trace_reader *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int finish(sim_trace_reader *r, int rc, const char *fmt, ...)
{
	va_list ap;

	r->ended = 1;
	r->end_rc = rc;
	va_start(ap, fmt);
	vsnprintf(r->end_msg, sizeof r->end_msg, fmt, ap);
	va_end(ap);
	return rc;
}

/* A corrupt record at offset off: -EBADMSG naming the record and its offset. */
#define CORRUPT(r, off, fmt, ...)                                                         \
	finish(r, -EBADMSG, "record %" PRIu64 " at byte %zu: " fmt, (r)->events, (size_t)(off), \
	       __VA_ARGS__)

static int no_footer(sim_trace_reader *r)
{
	return finish(r, -ENODATA, "trace ends after %" PRIu64 " events without a footer: the "
		      "recorded run was killed or crashed", r->events);
}

/* Remember the name of kind (replacing an earlier definition). 0 or -ENOMEM. */
static int define_kind(sim_trace_reader *r, uint16_t kind, const uint8_t *name, size_t n)
{
	char *copy;

	if (kind >= r->nkinds) {
		size_t cap = r->nkinds ? r->nkinds : 16;
		char **k;

		while (cap <= kind)
			cap *= 2;
		k = realloc(r->kinds, cap * sizeof *k);
		if (!k)
			return -ENOMEM;
		memset(k + r->nkinds, 0, (cap - r->nkinds) * sizeof *k);
		r->kinds = k;
		r->nkinds = cap;
	}
	copy = malloc(n + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, n);
	copy[n] = '\0';
	free(r->kinds[kind]);
	r->kinds[kind] = copy;
	return 0;
}

/* A 'K' body of n bytes at b (record at offset off). 0 or the end code. */
static int read_kind(sim_trace_reader *r, const uint8_t *b, size_t n, size_t off)
{
	uint16_t kind = trace_get_u16(b);
	size_t nlen = b[2], slen;

	if (3 + nlen + 1 > n)
		return CORRUPT(r, off, "%s", "kind name overruns its record");
	slen = b[3 + nlen];
	if (3 + nlen + 1 + slen != n)
		return CORRUPT(r, off, "kind definition does not fill its record (%zu bytes of %zu)",
			       3 + nlen + 1 + slen, n);
	if (memchr(b + 3, '\0', nlen) || memchr(b + 4 + nlen, '\0', slen))
		return CORRUPT(r, off, "NUL byte in the definition of kind %u", kind);
	if (define_kind(r, kind, b + 3, nlen))
		return finish(r, -ENOMEM, "out of memory");
	return 0;
}

/* Decode one argument at b[*p] (body of n bytes) into a. NULL, or what is wrong with it. */
static const char *read_arg(const uint8_t *b, size_t n, size_t *p, struct sim_arg *a)
{
	size_t len;

	if (*p >= n)
		return "argument overruns the record";
	a->type = b[(*p)++];
	switch (a->type) {
	case SIM_ARG_INT:
		if (n - *p < 8)
			return "int argument overruns the record";
		a->i = (int64_t)trace_get_u64(b + *p);
		*p += 8;
		return NULL;
	case SIM_ARG_STR:
		if (*p >= n || (len = b[*p]) > n - *p - 1)
			return "string argument overruns the record";
		if (memchr(b + *p + 1, '\0', len))
			return "NUL byte in a string argument";
		memcpy(a->s, b + *p + 1, len);
		a->s[len] = '\0';
		*p += 1 + len;
		return NULL;
	}
	return "unknown argument type";
}

/* An 'E' body of n bytes at b into rec (record at off). 1 or the end code. */
static int read_event(sim_trace_reader *r, const uint8_t *b, size_t n, size_t off,
		      struct sim_record *rec)
{
	size_t p = TRACE_EVENT_FIXED;

	rec->seq = trace_get_u64(b);
	if (rec->seq != r->events)
		return CORRUPT(r, off, "sequence number %" PRIu64 " where %" PRIu64 " was due",
			       rec->seq, r->events);
	rec->t = (sim_ns)trace_get_u64(b + 8);
	rec->thread = trace_get_u32(b + 16);
	rec->cpu = trace_get_u16(b + 20);
	rec->kind = trace_get_u16(b + 22);
	rec->nargs = b[24];
	if (rec->nargs > SIM_TRACE_MAX_ARGS)
		return CORRUPT(r, off, "%u arguments (at most %d)", rec->nargs, SIM_TRACE_MAX_ARGS);
	for (unsigned k = 0; k < rec->nargs; k++) {
		const char *why = read_arg(b, n, &p, &rec->args[k]);

		if (why)
			return CORRUPT(r, off, "argument %u: %s", k, why);
	}
	if (p != n)
		return CORRUPT(r, off, "%zu unexpected bytes after the arguments", n - p);
	return 1;
}

/* The 'F' body at b (record at off): must agree with the stream and end the file. */
static int read_footer(sim_trace_reader *r, const uint8_t *b, size_t off, size_t end)
{
	uint64_t count = trace_get_u64(b), digest = trace_get_u64(b + 8);

	if (count != r->events || digest != r->digest)
		return finish(r, -EBADMSG, "footer says %" PRIu64 " events / digest %016" PRIx64
			      " but the stream has %" PRIu64 " / %016" PRIx64, count, digest,
			      r->events, r->digest);
	if (end != r->size)
		return CORRUPT(r, off, "trailing bytes after footer (%zu)", r->size - end);
	return finish(r, 0, "%s", "");
}

/* A zero tag where a record starts: a killed run (zeros to the end) or corruption. */
static int read_zero_tag(sim_trace_reader *r, size_t off)
{
	for (size_t i = off; i < r->size; i++) {
		if (r->data[i])
			return CORRUPT(r, off, "zero tag but non-zero byte at %zu (the file is "
				       "corrupt)", i);
	}
	return no_footer(r);
}

/* The allowed body lengths of a record tagged tag; 0 if the tag is unknown. */
static int body_bounds(uint8_t tag, size_t *min, size_t *max)
{
	switch (tag) {
	case TRACE_TAG_EVENT:
		*min = TRACE_EVENT_FIXED;
		*max = TRACE_EVENT_MAX_BODY;
		return 1;
	case TRACE_TAG_KIND:
		*min = TRACE_KIND_MIN_BODY;
		*max = TRACE_KIND_MAX_BODY;
		return 1;
	case TRACE_TAG_FOOTER:
		*min = *max = TRACE_FOOTER_BODY;
		return 1;
	}
	return 0;
}

/* Read the record at r->pos: 1 event, 2 kind, or an end code (0, negative errno). */
static int read_record(sim_trace_reader *r, struct sim_record *rec)
{
	size_t off = r->pos, left = r->size - off, min, max, blen;
	const uint8_t *d = r->data + off;
	uint64_t h; /* the record hash: its check, and its share of the digest */
	int rc;

	if (left == 0)
		return no_footer(r);
	if (d[0] == TRACE_TAG_END)
		return read_zero_tag(r, off);
	if (!body_bounds(d[0], &min, &max))
		return CORRUPT(r, off, "unknown record tag 0x%02x (the file is corrupt)", d[0]);
	if (left < TRACE_REC_HEAD)
		return CORRUPT(r, off, "%s", "truncated (file ends inside the record)");
	blen = trace_get_u32(d + 1);
	if (blen < min || blen > max)
		return CORRUPT(r, off, "bad length %zu for a '%c' record (the file is corrupt)",
			       blen, d[0]);
	if (left - TRACE_REC_HEAD < blen + TRACE_REC_CHECK)
		return CORRUPT(r, off, "%s", "truncated (file ends inside the record)");
	h = trace_record_hash(d[0], d, TRACE_REC_HEAD + blen);
	if (trace_get_u32(d + TRACE_REC_HEAD + blen) != trace_record_check(h))
		return CORRUPT(r, off, "%s", "checksum mismatch (the file is corrupt)");
	r->pos = off + TRACE_REC_OVERHEAD + blen;
	if (d[0] == TRACE_TAG_FOOTER)
		return read_footer(r, d + TRACE_REC_HEAD, off, r->pos);
	rc = d[0] == TRACE_TAG_KIND ? read_kind(r, d + TRACE_REC_HEAD, blen, off)
				    : read_event(r, d + TRACE_REC_HEAD, blen, off, rec);
	if (rc < 0)
		return rc;
	r->digest = trace_digest_add(r->digest, h);
	if (d[0] == TRACE_TAG_KIND)
		return 2;
	r->events++;
	return 1;
}

/*
 * Read the next event (see sim.h). Kind definitions on the way are taken in silently.
 * Returns 1 with *rec, 0 after the verified footer, -EBADMSG (corrupt: err names the
 * record and byte offset; *rec may have been written), -ENODATA (no footer: *rec
 * untouched), -ENOMEM. Once it has returned 0 or an error, it returns the same again.
 */
int sim_trace_next(sim_trace_reader *r, struct sim_record *rec, char *err, size_t errlen)
{
	int rc;

	while (!r->ended) {
		rc = read_record(r, rec);
		if (rc == 1)
			return 1;
	}
	if (r->end_rc)
		sim_errf(err, errlen, "%s", r->end_msg);
	return r->end_rc;
}

/* The name of kind as defined in the stream read so far, "?" if it is not. */
const char *sim_trace_reader_kind_name(const sim_trace_reader *r, int kind)
{
	if (kind < 0 || (size_t)kind >= r->nkinds || !r->kinds[kind])
		return "?";
	return r->kinds[kind];
}

/* Events read so far (after the end: all the valid ones). */
uint64_t sim_trace_reader_events(const sim_trace_reader *r)
{
	return r->events;
}

/* The digest of the valid 'K' and 'E' records read so far. */
uint64_t sim_trace_reader_digest(const sim_trace_reader *r)
{
	return r->digest;
}

/* Unmap and free r (NULL is a no-op). */
void sim_trace_close(sim_trace_reader *r)
{
	if (!r)
		return;
	if (r->data)
		munmap((void *)r->data, r->size);
	for (size_t i = 0; i < r->nkinds; i++)
		free(r->kinds[i]);
	free(r->kinds);
	free(r);
}

/* ---------------------------------------------------------- record helpers */

/* A bounded output buffer that counts what would not fit and stays NUL-terminated. */
struct out {
	char *buf;
	size_t n, len;
};

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
	size_t room = o->len < o->n ? o->n - o->len : 0;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += (size_t)k;
}

/* A string argument in double quotes, escaped so that the line stays one line. */
static void out_quoted(struct out *o, const char *s)
{
	size_t n = strnlen(s, SIM_TRACE_MAX_STR);

	out_printf(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			out_printf(o, "\\%c", c);
		else if (c == '\n')
			out_printf(o, "\\n");
		else if (c == '\t')
			out_printf(o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			out_printf(o, "\\x%02x", c);
		else
			out_printf(o, "%c", c);
	}
	out_printf(o, "\"");
}

/*
 * Format rec as one line into buf (n bytes, always NUL-terminated if n > 0, cut if short):
 * "#12 t=1250000 thread=3 cpu=1 timer_fire 7 \"tick\"" — time in integer ns, cpu "-" for
 * SIM_CPU_NONE, ints in decimal, strings quoted with \" \\ \n \t \xNN escapes. A NULL
 * kind_name prints as "kind<number>".
 */
void sim_record_format(const struct sim_record *rec, const char *kind_name, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };
	unsigned nargs = rec->nargs < SIM_TRACE_MAX_ARGS ? rec->nargs : SIM_TRACE_MAX_ARGS;

	if (n)
		buf[0] = '\0';
	out_printf(&o, "#%" PRIu64 " t=%" PRId64 " thread=%" PRIu32, rec->seq, (int64_t)rec->t,
		   rec->thread);
	if (rec->cpu == SIM_CPU_NONE)
		out_printf(&o, " cpu=-");
	else
		out_printf(&o, " cpu=%u", rec->cpu);
	if (kind_name)
		out_printf(&o, " %s", kind_name);
	else
		out_printf(&o, " kind%u", rec->kind);
	for (unsigned k = 0; k < nargs; k++) {
		const struct sim_arg *a = &rec->args[k];

		if (a->type == SIM_ARG_STR) {
			out_printf(&o, " ");
			out_quoted(&o, a->s);
		} else if (a->type == SIM_ARG_INT) {
			out_printf(&o, " %" PRId64, a->i);
		} else {
			out_printf(&o, " <type %u>", a->type);
		}
	}
}

static int arg_equal(const struct sim_arg *a, const struct sim_arg *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == SIM_ARG_INT)
		return a->i == b->i;
	if (a->type == SIM_ARG_STR)
		return strncmp(a->s, b->s, SIM_TRACE_MAX_STR) == 0;
	return 1;
}

/*
 * 1 if a and b are the same record: seq, t, thread, cpu, kind, nargs and each argument
 * (type, then int value or string up to SIM_TRACE_MAX_STR bytes). Arguments past nargs
 * are not compared.
 */
int sim_record_equal(const struct sim_record *a, const struct sim_record *b)
{
	unsigned nargs = a->nargs < SIM_TRACE_MAX_ARGS ? a->nargs : SIM_TRACE_MAX_ARGS;

	if (a->seq != b->seq || a->t != b->t || a->thread != b->thread || a->cpu != b->cpu ||
	    a->kind != b->kind || a->nargs != b->nargs)
		return 0;
	for (unsigned k = 0; k < nargs; k++) {
		if (!arg_equal(&a->args[k], &b->args[k]))
			return 0;
	}
	return 1;
}
