/*
 * sim/trace_int.h — the trace file format's constants, its little-endian byte helpers and
 * the word steps of sim_hash, shared by hash.c, the writer (trace_write.c), the reader
 * (trace_read.c) and their tests. The format itself is documented in
 * docs/trace-format.md; change both together (and SIM_TRACE_FORMAT).
 * Internal to sim/: not for model/ or harness/.
 */
#ifndef PKTSIM_TRACE_INT_H
#define PKTSIM_TRACE_INT_H

#include "sim.h"

#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ header */

#define TRACE_MAGIC "PKTSIMT" /* 8 bytes with its NUL */
#define TRACE_MAGIC_LEN 8
/* magic, u32 format, u32 text length: the bytes before the header text */
#define TRACE_HEADER_FIXED (TRACE_MAGIC_LEN + 4 + 4)
#define TRACE_HEADER_CHECK 8 /* u64 sim_hash of the header text */

/* Keys of the header text, one "key=value\n" line each; all required. */
#define TRACE_KEY_VERSION "pktsim"
#define TRACE_KEY_SCENARIO "scenario"
#define TRACE_KEY_SCENARIO_HASH "scenario_hash"
#define TRACE_KEY_SEED "seed"
#define TRACE_KEY_OPTIONS "options"

/* ----------------------------------------------------------------- records */

#define TRACE_TAG_END 0x00    /* no more data: the writer never closed the file */
#define TRACE_TAG_KIND 'K'    /* kind definition */
#define TRACE_TAG_EVENT 'E'   /* event */
#define TRACE_TAG_FOOTER 'F'  /* footer: event count and digest, last record */

#define TRACE_REC_HEAD 5      /* u8 tag, u32 body length */
#define TRACE_REC_CHECK 4     /* u32: low half of the record hash (trace_record_hash) */
#define TRACE_REC_OVERHEAD (TRACE_REC_HEAD + TRACE_REC_CHECK)

/* 'E' body: u64 seq, i64 t, u32 thread, u16 cpu, u16 kind, u8 nargs, then the args */
#define TRACE_EVENT_FIXED (8 + 8 + 4 + 2 + 2 + 1)
#define TRACE_ARG_MAX (1 + 1 + SIM_TRACE_MAX_STR) /* u8 type, u8 len, bytes (or 1 + 8) */
#define TRACE_EVENT_MAX_BODY (TRACE_EVENT_FIXED + SIM_TRACE_MAX_ARGS * TRACE_ARG_MAX)

/* 'K' body: u16 kind, u8 name length, name, u8 signature length, signature */
#define TRACE_KIND_MIN_BODY (2 + 1 + 1)
#define TRACE_KIND_MAX_BODY (TRACE_KIND_MIN_BODY + 255 + 255)

/* 'F' body: u64 event count, u64 digest */
#define TRACE_FOOTER_BODY 16

/* The largest record of any kind, all bytes included. */
#define TRACE_MAX_RECORD (TRACE_REC_OVERHEAD + TRACE_EVENT_MAX_BODY)

/* The smallest hashed part of a record (tag, length, body): trace_record_hash needs 8. */
_Static_assert(TRACE_REC_HEAD + TRACE_KIND_MIN_BODY >= 8, "a record has a first word");

/* ----------------------------------------------- little-endian byte helpers */

/*
 * Unaligned little-endian loads and stores through memcpy (no alignment or aliasing UB;
 * compilers turn them into single moves). On a little-endian host the value is copied as
 * is; elsewhere it is byte-swapped, or, on a compiler without the byte-order macros,
 * assembled byte by byte. The result is the same on every host.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TRACE_LE16(v) (v)
#define TRACE_LE32(v) (v)
#define TRACE_LE64(v) (v)
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define TRACE_LE16(v) __builtin_bswap16(v)
#define TRACE_LE32(v) __builtin_bswap32(v)
#define TRACE_LE64(v) __builtin_bswap64(v)
#else
#define TRACE_PORTABLE_BYTES 1
#endif

#ifndef TRACE_PORTABLE_BYTES

static inline void trace_put_u16(uint8_t *p, uint16_t v)
{
	v = TRACE_LE16(v);
	memcpy(p, &v, 2);
}

static inline void trace_put_u32(uint8_t *p, uint32_t v)
{
	v = TRACE_LE32(v);
	memcpy(p, &v, 4);
}

static inline void trace_put_u64(uint8_t *p, uint64_t v)
{
	v = TRACE_LE64(v);
	memcpy(p, &v, 8);
}

static inline uint16_t trace_get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return TRACE_LE16(v);
}

static inline uint32_t trace_get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return TRACE_LE32(v);
}

static inline uint64_t trace_get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return TRACE_LE64(v);
}

#else /* TRACE_PORTABLE_BYTES: byte order unknown at compile time */

static inline void trace_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void trace_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void trace_put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t trace_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t trace_get_u32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline uint64_t trace_get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#endif /* TRACE_PORTABLE_BYTES */

/* ------------------------------------------------------ sim_hash, word by word */

/*
 * sim_hash (docs/trace-format.md, "The hash function H") is built from one step,
 *     step(h, w) = (rotl64(h, 31) XOR w) * M     (mod 2^64, M odd),
 * which is a bijection of h for a fixed word w and injective in w for a fixed h. The
 * input is absorbed as little-endian 8-byte words (the last one zero-padded), then its
 * byte length as one more word, then the state goes through a bijective finish. These
 * helpers expose the pieces so that the writer and the reader can hash a record whose tag
 * byte is not stored yet, and chain record hashes into the digest.
 */
#define TRACE_HASH_M 0x9e3779b97f4a7c15ULL   /* odd: floor(2^64 / golden ratio) */
#define TRACE_HASH_F 0xbb67ae8584caa73bULL   /* odd: floor(frac(sqrt(3)) * 2^64) */
#define TRACE_HASH_ROT 31

static inline uint64_t trace_hash_step(uint64_t h, uint64_t w)
{
	return (((h << TRACE_HASH_ROT) | (h >> (64 - TRACE_HASH_ROT))) ^ w) * TRACE_HASH_M;
}

/* The last 1 to 7 bytes of an input (n = length mod 8), zero-padded, as a LE word. */
static inline uint64_t trace_hash_tail(const uint8_t *p, size_t n)
{
	uint64_t w = 0;
	size_t i = 0;

	if (n & 4) {
		w = trace_get_u32(p);
		i = 4;
	}
	if (n & 2) {
		w |= (uint64_t)trace_get_u16(p + i) << (8 * i);
		i += 2;
	}
	if (n & 1)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

/* Absorb n bytes at p (whole words, then the zero-padded tail if n % 8), no length. */
static inline uint64_t trace_hash_absorb(uint64_t h, const uint8_t *p, size_t n)
{
	for (; n >= 8; p += 8, n -= 8)
		h = trace_hash_step(h, trace_get_u64(p));
	if (n)
		h = trace_hash_step(h, trace_hash_tail(p, n));
	return h;
}

/* Absorb the total length, then the finish: xorshift, multiply, xorshift (bijective). */
static inline uint64_t trace_hash_finish(uint64_t h, uint64_t total_len)
{
	h = trace_hash_step(h, total_len);
	h ^= h >> 32;
	h *= TRACE_HASH_F;
	h ^= h >> 29;
	return h;
}

/* ------------------------------------------------------ record hash and digest */

/*
 * The record hash h_rec of a record: sim_hash(SIM_HASH_INIT, tag ++ length ++ body), over
 * its n = 5 + B bytes at rec, with rec[0] replaced by tag (so the writer can hash a record
 * before it stores the tag, which it stores last: see trace_write.c). n >= 8 (every record
 * has at least 9 bytes). The record's check is the low 32 bits of h_rec, and h_rec is what
 * the digest absorbs: one pass over the bytes gives both.
 */
static inline uint64_t trace_record_hash(uint8_t tag, const uint8_t *rec, size_t n)
{
	uint64_t w0 = (trace_get_u64(rec) & ~(uint64_t)0xff) | tag;
	uint64_t h = trace_hash_step(SIM_HASH_INIT, w0);

	return trace_hash_finish(trace_hash_absorb(h, rec + 8, n - 8), n);
}

static inline uint32_t trace_record_check(uint64_t h_rec)
{
	return (uint32_t)h_rec;
}

/*
 * The digest after one more 'K' or 'E' record whose record hash is h_rec (the digest
 * starts at SIM_HASH_INIT). A bijection of h_rec for a fixed digest and of the digest for a
 * fixed h_rec: a record that hashes differently always gives a different digest, and so
 * does every later record's step.
 */
static inline uint64_t trace_digest_add(uint64_t digest, uint64_t h_rec)
{
	return trace_hash_step(digest, h_rec);
}

#endif /* PKTSIM_TRACE_INT_H */
