/*
 * model/intern.c — interned strings: one copy of each distinct text, kept as long as the
 * world, so records that name a code site, a driver function or an owner hold a pointer
 * instead of a copy (every mbuf allocation and free records two sites).
 *
 * Open addressing over a hash of the text; the table is never iterated except to grow,
 * so its order cannot leak into results. Memory comes from the world (sim_alloc) and is
 * released with it; a new world starts a new table.
 */
#include "model_int.h"

#include <string.h>

struct interned {
	uint64_t hash;
	size_t len;
	char text[];
};

static struct {
	sim_world *w;
	struct interned **slots;
	size_t cap, n;
} I;

static uint64_t text_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static void grow(void)
{
	size_t cap = I.cap ? I.cap * 2 : 256;
	struct interned **slots = sim_alloc(I.w, cap * sizeof(*slots));
	for (size_t i = 0; i < I.cap; i++) {
		struct interned *e = I.slots[i];
		size_t j;
		if (!e)
			continue;
		for (j = e->hash & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = e;
	}
	if (I.slots)
		sim_free(I.w, I.slots, I.cap * sizeof(*I.slots));
	I.slots = slots;
	I.cap = cap;
}

/*
 * The interned copy of s (NULL: ""): equal texts give the same pointer, valid as long as
 * the model's world. Any context; aborts (through sim_alloc) only when memory runs out.
 * Without a world, s itself is returned (nothing is kept).
 */
const char *model_intern(const char *s)
{
	sim_world *w = model_world();
	size_t len, j;
	uint64_t h;
	struct interned *e;
	if (!s)
		s = "";
	if (!w)
		return s;
	if (I.w != w) {
		memset(&I, 0, sizeof(I));
		I.w = w;
	}
	len = strlen(s);
	h = text_hash(s, len);
	if (I.n * 2 >= I.cap)
		grow();
	for (j = h & (I.cap - 1); (e = I.slots[j]); j = (j + 1) & (I.cap - 1))
		if (e->hash == h && e->len == len && !memcmp(e->text, s, len))
			return e->text;
	e = sim_alloc(w, sizeof(*e) + len + 1);
	e->hash = h;
	e->len = len;
	memcpy(e->text, s, len + 1);
	I.slots[j] = e;
	I.n++;
	return e->text;
}
