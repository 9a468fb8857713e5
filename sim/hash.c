/*
 * sim/hash.c — sim_hash, the digest and content-hash function of pktsim: a word-at-a-time
 * 64-bit hash (definition in docs/trace-format.md, "The hash function H"; the word steps
 * are in trace_int.h, shared with the trace writer and reader).
 *
 *   h = start; for each 8-byte little-endian word w of the input (the last one padded
 *   with zero bytes): h = step(h, w); then h = step(h, n) with n the byte length; then
 *   h ^= h >> 32; h *= F; h ^= h >> 29.       step(h, w) = (rotl64(h, 31) ^ w) * M
 *
 * Every step is a bijection of h for a fixed word and injective in the word for a fixed
 * h, and the finish is a bijection, so two inputs of the same length that differ in one
 * byte (or anywhere inside one 8-byte word) always hash differently, and "a" and "a\0"
 * differ through the length. The trace format relies on this.
 */
#include "sim.h"
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/*
 * Hash n bytes of data (data may be NULL when n is 0) from the state h (SIM_HASH_INIT for
 * a plain hash; any other value gives another function of the data: sim_hash is a
 * bijection of h for fixed data). Not chainable: sim_hash(sim_hash(h, a), b) is not the
 * hash of a ++ b. Reads the bytes in any alignment. Pure function, any context.
 */
uint64_t sim_hash(uint64_t h, const void *data, size_t n)
{
	return trace_hash_finish(trace_hash_absorb(h, data, n), n);
}

/* read(2) into buf up to n bytes, retrying on EINTR. Bytes read, 0 at the end, -errno. */
static ssize_t read_some(int fd, unsigned char *buf, size_t n)
{
	for (;;) {
		ssize_t got = read(fd, buf, n);

		if (got >= 0 || errno != EINTR)
			return got < 0 ? -errno : got;
	}
}

/*
 * Hash the whole content of the file at path: sim_hash(SIM_HASH_INIT, content, size).
 * Returns 0 and *out, or a negative errno (open/read failure) with *out untouched. Reads
 * with plain read(2) in chunks, whatever sizes read returns (a pipe, a short read), so it
 * works on any readable file, including empty ones.
 */
int sim_hash_file(const char *path, uint64_t *out)
{
	unsigned char buf[16384];
	uint64_t h = SIM_HASH_INIT, total = 0;
	size_t have = 0; /* bytes in buf not absorbed yet: fewer than 8 between reads */
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got = read_some(fd, buf + have, sizeof buf - have);
		size_t whole;

		if (got < 0) {
			close(fd);
			return (int)got;
		}
		if (got == 0)
			break;
		total += (uint64_t)got;
		have += (size_t)got;
		whole = have & ~(size_t)7;
		h = trace_hash_absorb(h, buf, whole);
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	close(fd);
	*out = trace_hash_finish(trace_hash_absorb(h, buf, have), total);
	return 0;
}
