/*
 * What an AOT cache's serialized data names that no class reaches
 * (class_tables.h, aot_aot_roots): training data, adapters, the
 * MethodHandle intrinsics, and from 27 on the archived module graph.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "class_tables.h"
#include "objwalk_internal.h"

/* The elements of the Array<E*> at ARR, each queued as a T (its vtable type if T is unknown). */
static void push_elements(struct aot_walk *w, uint64_t arr, enum aot_mtype t)
{
	uint32_t n;
	uint64_t data;
	struct aot_err *err = aot_meta_array(w->m, arr, AOT_LF_ARRAY_KLASS_DATA, 1u << 20, &n, &data);
	if (err) {
		aot_walk_problem(w, arr, "Array<%s*> at 0x%016" PRIx64 ": %s", aot_mtype_cxx_name(t), arr, err->msg);
		aot_err_free(err);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t e;
		if (aot_ok(aot_meta_u64(w->m, data + 8 * (uint64_t)i, &e)) && e)
			aot_walk_push(w, e, t, 0, data + 8 * (uint64_t)i);
	}
}

/* A root whose type its vtable tells (training data). */
static void push_typed(struct aot_walk *w, uint64_t addr)
{
	enum aot_mtype t = aot_meta_vtype(w->m, addr);
	if (t == AOT_MT_UNKNOWN)
		aot_walk_problem(w, addr, "the TrainingData dictionary names 0x%016" PRIx64
				 ", which has no cloned vtable", addr);
	else
		aot_walk_push(w, addr, t, 0, 0);
}

/*
 * Objects nothing points at any more: an AOT cache keeps the MethodCounters
 * and MethodData the dump found through a Method, but clears the Method's
 * pointers to them.  Their vptr is a marked slot holding a cloned vtable
 * address, and nothing else holds one, so each such slot starts an object.
 * Every vtable type is taken: on the corpus this finds no other object the
 * walk missed, in any JDK.
 */
static void push_vptr_slots(struct aot_walk *w)
{
	for (size_t i = 0; i < w->om->nslots; i++) {
		enum aot_mtype t = aot_meta_vtype(w->m, w->om->slots[i]);
		if (t != AOT_MT_UNKNOWN)
			aot_walk_push(w, w->om->slots[i], t, 0, 0);
	}
}

void aot_walk_aot_roots(struct aot_walk *w)
{
	push_vptr_slots(w);

	struct aot_aot_roots r;
	struct aot_err *err = aot_aot_roots(w->m->s, w->om->ar, &r);
	if (err) {
		aot_walk_problem(w, 0, "AOT tables of the serialized data: %s", err->msg);
		aot_err_free(err);
		return;
	}
	for (size_t i = 0; i < r.ntraining; i++)
		push_typed(w, r.training[i]);
	for (size_t i = 0; i < r.nadapters; i++)
		aot_walk_push(w, r.adapters[i], AOT_MT_ADAPTER_HANDLER_ENTRY, 0, 0);
	/* The intrinsics' array lies in the untyped tail ("Misc data"); its Methods are objects. */
	if (r.mh_intrinsics)
		push_elements(w, r.mh_intrinsics, AOT_MT_METHOD);
	/*
	 * 27: each loader's package and module arrays are objects (TypeArrayU8),
	 * and so are their entries, when the layout knows them (DWARF).
	 */
	bool entries = aot_meta_has(w->m, AOT_LF_SIZEOF_MODULE_ENTRY) &&
		       aot_meta_has(w->m, AOT_LF_SIZEOF_PACKAGE_ENTRY);
	for (int l = 0; l < 3; l++) {
		static const enum aot_mtype elem[2] = { AOT_MT_PACKAGE_ENTRY, AOT_MT_MODULE_ENTRY };
		for (int k = 0; k < 2; k++) {
			uint64_t arr = r.modules[l][k];
			if (!arr || aot_walk_region_of(w, arr) < 0)
				continue;
			aot_walk_push(w, arr, AOT_MT_ARRAY_U8, 0, 0);
			if (entries)
				push_elements(w, arr, elem[k]);
		}
		if (entries)
			aot_walk_push(w, r.modules[l][2], AOT_MT_MODULE_ENTRY, 0, 0);
	}
	if (entries)
		aot_walk_push(w, r.javabase, AOT_MT_MODULE_ENTRY, 0, 0);
	aot_aot_roots_free(&r);
}
