/*
 * Sizes of the AOT cache types that only DWARF gives (training data,
 * AdapterHandlerEntry), measured from the archive when the build has no
 * DWARF (Temurin).  Each of these types has one size, and ArchiveBuilder
 * lays objects end to end, so an object ends where the next one starts.
 * The next object is found by the pointer map: every marked slot that holds
 * a cloned vtable address is the vptr of an object.  The smallest distance
 * from an object of the type to the next vptr is its size, less the word
 * the JVM keeps before every InstanceKlass.  On every corpus archive each
 * of these types is directly followed by a vtable object many times over.
 */
#include <stdint.h>
#include <stdlib.h>

#include "class_tables.h"
#include "objwalk_internal.h"

/* Objects of these types are small; a larger gap is another object in between. */
#define MEASURE_MAX 4096
#define MEASURE_FAILED UINT64_MAX

/* The distance from ADDR to the next vptr slot (InstanceKlass prefix excluded), 0 if none near. */
static uint64_t gap_after(struct aot_walk *w, uint64_t addr)
{
	size_t first;
	aot_walk_slots(w, addr + 8, 0, &first);
	for (size_t i = first; i < w->om->nslots && w->om->slots[i] - addr <= MEASURE_MAX + 8; i++) {
		enum aot_mtype t = aot_meta_vtype(w->m, w->om->slots[i]);
		if (t != AOT_MT_UNKNOWN)
			return w->om->slots[i] - addr - (aot_mtype_is_instance_klass(t) ? 8 : 0);
	}
	return 0;
}

static void keep_min(uint64_t *min, uint64_t gap)
{
	if (gap && (!*min || gap < *min))
		*min = gap;
}

/* One pass over the vptr slots: the smallest gap after an object of each training data type. */
static void measure_training(struct aot_walk *w)
{
	uint64_t min[AOT_MT_COUNT] = { 0 }, prev = 0;
	enum aot_mtype prev_t = AOT_MT_UNKNOWN;
	for (size_t i = 0; i < w->om->nslots; i++) {
		uint64_t s = w->om->slots[i];
		enum aot_mtype t = aot_meta_vtype(w->m, s);
		if (t == AOT_MT_UNKNOWN)
			continue;
		if (prev_t != AOT_MT_UNKNOWN && s - prev <= MEASURE_MAX + 8)
			keep_min(&min[prev_t], s - prev - (aot_mtype_is_instance_klass(t) ? 8 : 0));
		prev = s;
		prev_t = t;
	}
	for (enum aot_mtype t = AOT_MT_KLASS_TRAINING_DATA; t <= AOT_MT_COMPILE_TRAINING_DATA; t++)
		w->measured[t] = min[t] ? min[t] : MEASURE_FAILED;
}

/* The adapter table names every AdapterHandlerEntry. */
static void measure_adapters(struct aot_walk *w)
{
	struct aot_aot_roots r;
	uint64_t min = 0;
	if (aot_ok(aot_aot_roots(w->m->s, w->om->ar, &r))) {
		for (size_t i = 0; i < r.nadapters; i++)
			keep_min(&min, gap_after(w, r.adapters[i]));
		aot_aot_roots_free(&r);
	}
	w->measured[AOT_MT_ADAPTER_HANDLER_ENTRY] = min ? min : MEASURE_FAILED;
}

struct aot_err *aot_walk_aot_size(struct aot_walk *w, enum aot_mtype t, enum aot_lf f, uint64_t *size)
{
	struct aot_err *err = aot_meta_off(w->m, f, size);
	if (!err || (t != AOT_MT_ADAPTER_HANDLER_ENTRY && (t < AOT_MT_KLASS_TRAINING_DATA ||
							   t > AOT_MT_COMPILE_TRAINING_DATA))) {
		if (!err)
			*size = (*size + 7) & ~7ull;
		return err;
	}
	if (!w->measured[t]) {
		if (t == AOT_MT_ADAPTER_HANDLER_ENTRY)
			measure_adapters(w);
		else
			measure_training(w);
	}
	if (w->measured[t] == MEASURE_FAILED || (w->measured[t] & 7))
		return err;
	aot_err_free(err);
	*size = w->measured[t];
	return NULL;
}
