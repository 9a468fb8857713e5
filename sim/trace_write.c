/*
 * sim/trace_write.c — the trace writer: encodes kind and event records (format in
 * docs/trace-format.md, constants in trace_int.h), keeps the running digest, and copies
 * every record into a MAP_SHARED mapping of the trace file the moment it is emitted, so a
 * SIGKILL an instant later still leaves it in the file (the page cache owns it).
 *
 * Hot path: a record is encoded in place, straight into the mapping (or into a scratch
 * buffer when there is no file), from the caller's arguments (sim_trace_writer_emitv) or
 * from a struct sim_record (sim_trace_writer_event), with single stores of little-endian
 * integers; then hashed once, word by word, which gives both its check and its share of
 * the digest; then counted. No syscall and no allocation per record; the file grows by
 * chunks (1 MiB, doubling up to 64 MiB), allocated with posix_fallocate so a full disk is
 * an error here rather than a SIGBUS later.
 *
 * Kill safety: the tail of the mapping beyond the last record is zeros, and a record's
 * tag byte is stored last, after its length, body and check; a reader of a killed run
 * therefore finds complete records followed by a zero tag.
 *
 * Errors are remembered, not swallowed: the first one is kept with its reason and
 * returned by sim_trace_writer_close; after a file error the writer stops writing the file
 * but keeps encoding and hashing, so the digest stays right.
 */
#define _GNU_SOURCE /* mremap */
#include "sim_int.h"
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_FIRST ((size_t)1 << 20)
#define CHUNK_MAX ((size_t)64 << 20)
#define HEADER_MAX 4096 /* bound of the encoded header (about 2.2 KiB: its fields are bounded) */
_Static_assert(HEADER_MAX + TRACE_MAX_RECORD < CHUNK_FIRST, "the first chunk holds the header");

struct sim_trace {
	int fd;          /* the trace file; -1 when digest-only */
	int file_ok;     /* 1 while records go to the file; 0 after a file error */
	uint8_t *map;    /* the file mapped MAP_SHARED, cap bytes; NULL if none */
	size_t cap;      /* mapped length == file size while writing */
	size_t pos;      /* bytes of the header and the complete records in the file */
	size_t chunk;    /* next growth step */
	uint64_t digest; /* over every 'K' and 'E' record, in order */
	uint64_t events; /* 'E' records so far */
	int err;         /* first error (negative errno), 0 if none */
	char errmsg[256];
	char *path;
	uint8_t scratch[TRACE_MAX_RECORD]; /* records go here when not to the file */
};

/* Remember the first error of the run (later ones are consequences, usually). */
static void note_error(sim_trace *t, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note_error(sim_trace *t, int rc, const char *fmt, ...)
{
	va_list ap;

	if (t->err)
		return;
	t->err = rc;
	va_start(ap, fmt);
	vsnprintf(t->errmsg, sizeof t->errmsg, fmt, ap);
	va_end(ap);
}

/* Extend the file by len bytes of zeros at offset off, with blocks allocated. 0 or errno. */
static int extend_file(int fd, size_t off, size_t len)
{
	int rc;

	do
		rc = posix_fallocate(fd, (off_t)off, (off_t)len);
	while (rc == EINTR);
	if (rc == EOPNOTSUPP || rc == EINVAL) /* file system without fallocate: sparse */
		rc = ftruncate(fd, (off_t)(off + len)) ? errno : 0;
	return rc;
}

/* Map newcap bytes of the file in place of the current mapping. 0 or errno. */
static int remap(sim_trace *t, size_t newcap)
{
	void *m;

#ifdef __linux__
	if (t->map) {
		m = mremap(t->map, t->cap, newcap, MREMAP_MAYMOVE);
		if (m == MAP_FAILED)
			return errno;
		t->map = m;
		return 0;
	}
#else
	if (t->map) {
		munmap(t->map, t->cap);
		t->map = NULL;
	}
#endif
	m = mmap(NULL, newcap, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (m == MAP_FAILED)
		return errno;
	t->map = m;
	return 0;
}

/*
 * Grow the file and its mapping by the next chunk. Returns 0, or -1 after recording the
 * error and giving the file up (file_ok = 0: what was written stays, the digest goes on).
 */
static int grow(sim_trace *t)
{
	size_t newcap = t->cap + t->chunk;
	int rc = extend_file(t->fd, t->cap, t->chunk);

	if (rc == 0)
		rc = remap(t, newcap);
	if (rc) {
		note_error(t, -rc, "trace %s: cannot grow the file to %zu bytes: %s", t->path,
			   newcap, strerror(rc));
		t->file_ok = 0;
		return -1;
	}
	t->cap = newcap;
	if (t->chunk < CHUNK_MAX)
		t->chunk *= 2;
	return 0;
}

/* Where the next record (at most TRACE_MAX_RECORD bytes) is to be encoded. */
static inline uint8_t *record_begin(sim_trace *t)
{
	if (t->file_ok) {
		if (t->cap - t->pos >= TRACE_MAX_RECORD || grow(t) == 0)
			return t->map + t->pos;
	}
	return t->scratch;
}

/*
 * Finish the record at dst whose body (body_len bytes at dst + TRACE_REC_HEAD) is
 * encoded: store its length, hash tag, length and body in one pass (trace_record_hash),
 * store the check, then the tag (last, see the top of the file), add the record hash to
 * the digest if it is a 'K' or 'E' record, and account for the record in the file.
 */
static inline void record_commit(sim_trace *t, uint8_t *dst, uint8_t tag, size_t body_len)
{
	size_t n = TRACE_REC_HEAD + body_len;
	uint64_t h;

	trace_put_u32(dst + 1, (uint32_t)body_len);
	h = trace_record_hash(tag, dst, n);
	trace_put_u32(dst + n, trace_record_check(h));
	atomic_signal_fence(memory_order_seq_cst); /* the compiler may not store the tag sooner */
	dst[0] = tag;
	if (tag != TRACE_TAG_FOOTER)
		t->digest = trace_digest_add(t->digest, h);
	if (dst != t->scratch)
		t->pos += n + TRACE_REC_CHECK;
}

/* Append s (at most max bytes, '\n' written as ' ') to the header text at p. */
static uint8_t *put_value(uint8_t *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	for (size_t i = 0; i < n; i++)
		*p++ = s[i] == '\n' ? ' ' : (uint8_t)s[i];
	return p;
}

static uint8_t *put_text(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* The text of the header: one "key=value\n" line per key. Returns its length. */
static size_t header_text(uint8_t *buf, const struct sim_trace_header *h)
{
	static const struct sim_trace_header none;
	char num[32];
	uint8_t *p = buf;

	if (!h)
		h = &none;
	p = put_text(p, TRACE_KEY_VERSION "=");
	if (h->pktsim_version[0])
		p = put_value(p, h->pktsim_version, sizeof h->pktsim_version - 1);
	else
		p = put_text(p, PKTSIM_VERSION);
	p = put_text(p, "\n" TRACE_KEY_SCENARIO "=");
	p = put_value(p, h->scenario_path, sizeof h->scenario_path - 1);
	snprintf(num, sizeof num, "%016llx", (unsigned long long)h->scenario_hash);
	p = put_text(p, "\n" TRACE_KEY_SCENARIO_HASH "=");
	p = put_text(p, num);
	snprintf(num, sizeof num, "%llu", (unsigned long long)h->seed);
	p = put_text(p, "\n" TRACE_KEY_SEED "=");
	p = put_text(p, num);
	p = put_text(p, "\n" TRACE_KEY_OPTIONS "=");
	p = put_value(p, h->options, sizeof h->options - 1);
	p = put_text(p, "\n");
	return (size_t)(p - buf);
}

/* Encode the whole header (magic to check) into buf. Returns its length. */
static size_t header_encode(uint8_t *buf, const struct sim_trace_header *h)
{
	uint8_t *text = buf + TRACE_HEADER_FIXED;
	size_t len = header_text(text, h);

	memcpy(buf, TRACE_MAGIC, TRACE_MAGIC_LEN);
	trace_put_u32(buf + TRACE_MAGIC_LEN, SIM_TRACE_FORMAT);
	trace_put_u32(buf + TRACE_MAGIC_LEN + 4, (uint32_t)len);
	trace_put_u64(text + len, sim_hash(SIM_HASH_INIT, text, len));
	return TRACE_HEADER_FIXED + len + TRACE_HEADER_CHECK;
}

/* Create the file, map its first chunk and write the header. 0 or -errno with err. */
static int open_file(sim_trace *t, const char *path, const struct sim_trace_header *h,
		     char *err, size_t errlen)
{
	uint8_t hdr[HEADER_MAX];
	size_t n;

	t->path = strdup(path);
	if (!t->path) {
		sim_errf(err, errlen, "trace %s: out of memory", path);
		return -ENOMEM;
	}
	t->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (t->fd < 0) {
		int rc = errno;
		sim_errf(err, errlen, "cannot create trace %s: %s", path, strerror(rc));
		return -rc;
	}
	t->file_ok = 1;
	if (grow(t)) {
		sim_errf(err, errlen, "%s", t->errmsg);
		return t->err;
	}
	n = header_encode(hdr, h);
	memcpy(t->map, hdr, n);
	t->pos = n;
	return 0;
}

static void release(sim_trace *t)
{
	if (t->map)
		munmap(t->map, t->cap);
	if (t->fd >= 0)
		close(t->fd);
	free(t->path);
	free(t);
}

/*
 * Open a writer (see sim_int.h). h may be NULL (empty fields); h->format is ignored (the
 * writer writes SIM_TRACE_FORMAT) and an empty h->pktsim_version is written as
 * PKTSIM_VERSION. On failure returns NULL with the reason in err, and removes the file if
 * it created it.
 */
sim_trace *sim_trace_writer_open(const char *path, const struct sim_trace_header *h, char *err,
				 size_t errlen)
{
	sim_trace *t = calloc(1, sizeof *t);

	if (!t) {
		sim_errf(err, errlen, "trace: out of memory");
		return NULL;
	}
	t->fd = -1;
	t->chunk = CHUNK_FIRST;
	t->digest = SIM_HASH_INIT;
	if (path && open_file(t, path, h, err, errlen)) {
		if (t->fd >= 0)
			unlink(path);
		release(t);
		return NULL;
	}
	return t;
}

/*
 * Write the definition of kind (name and signature, each truncated to 255 bytes; NULL is
 * ""). Kernel context or thread; never fails (file errors are remembered).
 */
void sim_trace_writer_kind(sim_trace *t, uint16_t kind, const char *name, const char *sig)
{
	uint8_t *dst = record_begin(t);
	uint8_t *p = dst + TRACE_REC_HEAD;
	size_t n;

	if (!name)
		name = "";
	if (!sig)
		sig = "";
	trace_put_u16(p, kind);
	p += 2;
	n = strnlen(name, 255);
	*p++ = (uint8_t)n;
	memcpy(p, name, n);
	p += n;
	n = strnlen(sig, 255);
	*p++ = (uint8_t)n;
	memcpy(p, sig, n);
	p += n;
	record_commit(t, dst, TRACE_TAG_KIND, (size_t)(p - dst - TRACE_REC_HEAD));
}

/* ----------------------------------------------------------------- events */

/* The fixed part of an 'E' body at b, nargs apart (stored once the arguments are). */
static inline void put_event_head(uint8_t *b, uint64_t seq, sim_ns time, uint32_t thread,
				  uint16_t cpu, uint16_t kind)
{
	trace_put_u64(b, seq);
	trace_put_u64(b + 8, (uint64_t)time);
	trace_put_u32(b + 16, thread);
	trace_put_u16(b + 20, cpu);
	trace_put_u16(b + 22, kind);
}

/* An int argument at p; returns the end. */
static inline uint8_t *put_int(uint8_t *p, int64_t v)
{
	p[0] = SIM_ARG_INT;
	trace_put_u64(p + 1, (uint64_t)v);
	return p + 9;
}

/* A string argument at p: its first n (<= SIM_TRACE_MAX_STR) bytes; returns the end. */
static inline uint8_t *put_str(uint8_t *p, const char *s, size_t n)
{
	p[0] = SIM_ARG_STR;
	p[1] = (uint8_t)n;
	memcpy(p + 2, s, n);
	return p + 2 + n;
}

/* Finish the event whose nargs arguments end at end (dst: the record). */
static inline void event_commit(sim_trace *t, uint8_t *dst, unsigned nargs, const uint8_t *end)
{
	dst[TRACE_REC_HEAD + TRACE_EVENT_FIXED - 1] = (uint8_t)nargs; /* the last fixed byte */
	record_commit(t, dst, TRACE_TAG_EVENT, (size_t)(end - dst - TRACE_REC_HEAD));
	t->events++;
}

/* Encode argument a at p (strings truncated to SIM_TRACE_MAX_STR); returns the end. */
static uint8_t *put_arg(sim_trace *t, uint8_t *p, const struct sim_arg *a, unsigned k)
{
	switch (a->type) {
	case SIM_ARG_STR:
		return put_str(p, a->s, strnlen(a->s, SIM_TRACE_MAX_STR));
	case SIM_ARG_INT:
		return put_int(p, a->i);
	default:
		note_error(t, -EINVAL, "trace: event %llu: argument %u has type %u",
			   (unsigned long long)t->events, k, a->type);
		return put_int(p, 0);
	}
}

/*
 * Encode, hash and write one event. The sequence number written is the writer's own
 * count; a rec->seq that differs, more than SIM_TRACE_MAX_ARGS arguments or an unknown
 * argument type is a caller bug: it is remembered as an error (-EINVAL) and the record is
 * written anyway (seq corrected, arguments clamped, a bad argument as int 0).
 */
void sim_trace_writer_event(sim_trace *t, const struct sim_record *rec)
{
	uint8_t *dst = record_begin(t);
	uint8_t *p = dst + TRACE_REC_HEAD + TRACE_EVENT_FIXED;
	unsigned nargs = rec->nargs;

	if (rec->seq != t->events)
		note_error(t, -EINVAL, "trace: event seq %llu given where %llu was due",
			   (unsigned long long)rec->seq, (unsigned long long)t->events);
	if (nargs > SIM_TRACE_MAX_ARGS) {
		note_error(t, -EINVAL, "trace: event %llu has %u arguments (at most %d)",
			   (unsigned long long)t->events, nargs, SIM_TRACE_MAX_ARGS);
		nargs = SIM_TRACE_MAX_ARGS;
	}
	put_event_head(dst + TRACE_REC_HEAD, t->events, rec->t, rec->thread, rec->cpu, rec->kind);
	for (unsigned k = 0; k < nargs; k++)
		p = put_arg(t, p, &rec->args[k], k);
	event_commit(t, dst, nargs, p);
}

/*
 * Encode, hash and write one event straight from a signature and its arguments (see
 * sim_int.h): the same bytes as sim_trace_writer_event given the same record. Takes the
 * arguments from ap one letter of sig at a time, up to the first NUL or
 * SIM_TRACE_MAX_ARGS letters. A letter other than 'i' or 's' is a caller bug: remembered
 * as an error (-EINVAL), and the event is written with the arguments before it.
 */
void sim_trace_writer_emitv(sim_trace *t, sim_ns time, uint32_t thread, uint16_t cpu,
			    uint16_t kind, const char *sig, va_list ap)
{
	uint8_t *dst = record_begin(t);
	uint8_t *p = dst + TRACE_REC_HEAD + TRACE_EVENT_FIXED;
	unsigned k;

	put_event_head(dst + TRACE_REC_HEAD, t->events, time, thread, cpu, kind);
	for (k = 0; k < SIM_TRACE_MAX_ARGS && sig[k]; k++) {
		if (sig[k] == 'i') {
			p = put_int(p, va_arg(ap, int64_t));
		} else if (sig[k] == 's') {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "";
			p = put_str(p, s, strnlen(s, SIM_TRACE_MAX_STR));
		} else {
			note_error(t, -EINVAL, "trace: event %llu: signature letter '%c' (0x%02x)",
				   (unsigned long long)t->events, sig[k], (unsigned char)sig[k]);
			break;
		}
	}
	event_commit(t, dst, k, p);
}

/* The running digest of every 'K' and 'E' record so far (SIM_HASH_INIT before any). */
uint64_t sim_trace_writer_digest(const sim_trace *t)
{
	return t->digest;
}

/* The number of 'E' records so far. */
uint64_t sim_trace_writer_events(const sim_trace *t)
{
	return t->events;
}

/* Write the footer, cut the file to its exact length, unmap and close it. */
static void finish_file(sim_trace *t)
{
	if (t->file_ok) {
		uint8_t *dst = record_begin(t);

		trace_put_u64(dst + TRACE_REC_HEAD, t->events);
		trace_put_u64(dst + TRACE_REC_HEAD + 8, t->digest);
		record_commit(t, dst, TRACE_TAG_FOOTER, TRACE_FOOTER_BODY);
	}
	if (t->map) {
		munmap(t->map, t->cap);
		t->map = NULL;
	}
	if (ftruncate(t->fd, (off_t)t->pos))
		note_error(t, -errno, "trace %s: cannot cut the file to %zu bytes: %s", t->path,
			   t->pos, strerror(errno));
	if (close(t->fd))
		note_error(t, -errno, "trace %s: close: %s", t->path, strerror(errno));
	t->fd = -1;
}

/*
 * Close the writer (see sim_int.h); NULL is a no-op returning 0. A writer that had a file
 * error leaves the records written before it, without a footer (readers then report the
 * trace as cut short), and returns that first error. t is freed either way.
 */
int sim_trace_writer_close(sim_trace *t, char *err, size_t errlen)
{
	int rc;

	if (!t)
		return 0;
	if (t->fd >= 0)
		finish_file(t);
	rc = t->err;
	if (rc)
		sim_errf(err, errlen, "%s", t->errmsg);
	release(t);
	return rc;
}
