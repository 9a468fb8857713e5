/*
 * sim/rng.c — seeded PRNG streams, one per consumer, keyed by name.
 *
 * A stream's state is derived from (world seed, hash of the stream's name) only, so a
 * stream draws the same numbers whatever other streams exist or draw. Generator:
 * xoshiro256** seeded through splitmix64 (the published, public-domain algorithms).
 */
#include "kernel_int.h"

#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next(sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

sim_rng *sim_rng_stream(sim_world *w, const char *name)
{
	sim_rng *r, **tail = &w->rngs;
	uint64_t x;
	for (r = w->rngs; r; r = r->next) {
		if (!strcmp(r->name, name))
			return r;
		tail = &r->next;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "pktsim: out of memory creating a PRNG stream\n");
		abort();
	}
	r->id = ++w->nrngs;
	snprintf(r->name, sizeof(r->name), "%s", name);
	x = w->cfg.seed ^ sim_hash(SIM_HASH_INIT, r->name, strlen(r->name));
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	*tail = r;
	sim_emit(w, w->k.rng_stream, (int64_t)r->id, r->name);
	return r;
}

uint64_t sim_rng_u64(sim_world *w, sim_rng *r)
{
	uint64_t v = next(r);
	sim_emit(w, w->k.rng, (int64_t)r->id, (int64_t)v);
	return v;
}

int64_t sim_rng_range(sim_world *w, sim_rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo, v, limit;
	if (hi <= lo)
		return lo;
	if (span == UINT64_MAX)
		return (int64_t)sim_rng_u64(w, r);
	span += 1;
	/* rejection sampling: accept v <= limit, a range holding a whole number of spans
	 * (2^64 - (2^64 mod span) values) */
	limit = UINT64_MAX - (UINT64_MAX % span + 1) % span;
	do
		v = next(r);
	while (v > limit);
	v = (uint64_t)lo + v % span;
	sim_emit(w, w->k.rng, (int64_t)r->id, (int64_t)v);
	return (int64_t)v;
}

double sim_rng_double(sim_world *w, sim_rng *r)
{
	uint64_t v = next(r);
	sim_emit(w, w->k.rng, (int64_t)r->id, (int64_t)(v >> 11));
	return (double)(v >> 11) * 0x1.0p-53;
}
