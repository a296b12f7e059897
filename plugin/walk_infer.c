/*
 * Typing what a field points at when the layout does not know the field.
 *
 * A stripped libjvm's gHotSpotVM tables list only the fields the
 * Serviceability Agent needs; a few pointer fields (an InstanceKlass's
 * field status or record components, …) are known only from DWARF.  The
 * pointer map still marks their slots, and the objects they point at are
 * arrays: an int length, then elements.  Between the objects already known
 * lies the array's size for the right element size.  All the targets of one
 * field (holder type and slot offset) are the same type, so a field is typed
 * when two thirds of the targets whose room fits only one element size
 * agree, and none is too big for any array.  A dynamic archive has too few
 * classes to vote well: its fields take the types its base archive's showed.  The test compares the result
 * with the JVM's map of a stripped build's archives.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "objwalk_internal.h"

/* Fewer agreeing targets than this type nothing: a small archive gives too little evidence. */
#define MIN_VOTES 8

static const enum aot_mtype kinds[4] = { AOT_MT_ARRAY_U1, AOT_MT_ARRAY_U2, AOT_MT_ARRAY_U4, AOT_MT_ARRAY_U8 };

/* Array<T>::size() of LEN ESZ-byte elements: an int length, then the data, 8-aligned for 8-byte elements. */
static uint64_t array_bytes(uint64_t len, uint64_t esz)
{
	return aot_walk_array_bytes(len, esz, esz < 8 ? 4 : 8);
}

/* Bytes from ADDR to the next object already known or pointed at (or the region's top). */
static uint64_t room(const struct aot_walk *w, uint64_t addr)
{
	const struct aot_objmap *om = w->om;
	const struct aot_mobj *before;
	aot_objmap_find(om, addr, &before);
	size_t lo = before ? (size_t)(before - om->v) + 1 : 0;
	int r = aot_walk_region_of(w, addr);
	uint64_t end = r < 0 ? addr : om->top[r];
	if (lo < om->n && om->v[lo].addr < end)
		end = om->v[lo].addr;
	/* every pointer target is where some object starts */
	lo = aot_u64_lower_bound(w->starts, w->nstarts, addr + 1);
	if (lo < w->nstarts && w->starts[lo] < end)
		end = w->starts[lo];
	return end - addr;
}

static int learned_type(const struct aot_objmap *om, uint8_t holder, uint32_t off)
{
	for (size_t i = 0; om && i < om->nlearned; i++)
		if (om->learned[i].holder == holder && om->learned[i].off == off)
			return om->learned[i].kind;
	return -1;
}

static void learn(struct aot_walk *w, uint8_t holder, uint32_t off, int kind)
{
	struct aot_objmap *om = w->om;
	if (learned_type(om, holder, off) >= 0)
		return;
	struct aot_learned *v = realloc(om->learned, (om->nlearned + 1) * sizeof(*v));
	if (!v) {
		w->oom = true;
		return;
	}
	om->learned = v;
	om->learned[om->nlearned++] = (struct aot_learned){ holder, off, (uint8_t)kind };
}

struct vote {
	uint8_t holder;
	uint32_t off;
	unsigned fits[4];	/* targets whose size only this element size gives */
	bool conflict;
};

static int cmp_edge(const void *a, const void *b)
{
	const struct aot_walk_edge *x = a, *y = b;
	if (x->holder != y->holder)
		return x->holder < y->holder ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->target < y->target ? -1 : x->target > y->target;
}

bool aot_walk_infer(struct aot_walk *w)
{
	bool pushed = false;
	if (!w->nedges)
		return false;
	aot_walk_sort(w);
	qsort(w->edges, w->nedges, sizeof(*w->edges), cmp_edge);
	w->starts = malloc((w->nedges + 1) * sizeof(*w->starts));
	w->nstarts = 0;
	if (!w->starts) {
		w->oom = true;
		return false;
	}
	for (size_t i = 0; i < w->nedges; i++)
		w->starts[w->nstarts++] = w->edges[i].target;
	qsort(w->starts, w->nstarts, sizeof(*w->starts), aot_cmp_u64);
	for (size_t i = 0; i < w->nedges;) {
		size_t j = i;
		struct vote v = { .holder = w->edges[i].holder, .off = w->edges[i].off };
		size_t untyped = 0;
		for (; j < w->nedges && w->edges[j].holder == v.holder && w->edges[j].off == v.off; j++) {
			uint64_t t = w->edges[j].target;
			uint32_t len;
			if (aot_walk_seen(w, t) || !aot_ok(aot_meta_read(w->m, t, &len, sizeof(len))) || len > (1u << 24))
				continue;
			untyped++;
			uint64_t gap = room(w, t);
			int only = -1, n = 0;
			for (int k = 0; k < 4; k++) {
				if (array_bytes(len, 1u << k) == gap) {
					only = k;
					n++;
				}
			}
			if (n == 1)
				v.fits[only]++;
			else if (!n && gap && array_bytes(len, 1) > gap)
				v.conflict = true;	/* not even a byte array fits: not an array */
		}
		/*
		 * A gap can hold more than one unknown object, so a few targets fit
		 * the wrong size; the field's type is the one most of them fit.
		 */
		int best = -1;
		unsigned votes = 0;
		for (int k = 0; k < 4; k++) {
			votes += v.fits[k];
			if (v.fits[k] && (best < 0 || v.fits[k] > v.fits[best]))
				best = k;
		}
		if (best >= 0 && (3 * v.fits[best] < 2 * votes || v.fits[best] < MIN_VOTES))
			best = -1;
		/* A dynamic archive's fields are its base's: what the base (more of them) showed holds. */
		int known = learned_type(w->base_om, v.holder, v.off);
		if (known >= 0)
			best = known, v.conflict = false;
		if (untyped && best >= 0 && !v.conflict) {
			learn(w, v.holder, v.off, best);
			for (size_t e = i; e < j; e++) {
				uint64_t t = w->edges[e].target;
				uint32_t len;
				/* and never over an object already known */
				if (!aot_walk_seen(w, t) && aot_ok(aot_meta_read(w->m, t, &len, sizeof(len))) &&
				    array_bytes(len, 1u << best) <= room(w, t)) {
					aot_walk_push(w, t, kinds[best], 0, 0);
					w->inferred++;
					pushed = true;
				}
			}
		}
		i = j;
	}
	free(w->starts);
	w->starts = NULL;
	w->nstarts = 0;
	return pushed;
}
