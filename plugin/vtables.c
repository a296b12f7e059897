#include "vtables.h"

#include <inttypes.h>
#include <stdlib.h>

/*
 * CPP_VTABLE_TYPES_DO of each release, in enum order: the index does not
 * name its entries.  Checked on every corpus archive by matching each
 * vtable's users against the types the JVM's map log gives them.
 */
static const enum aot_mtype kinds_17[] = {
	AOT_MT_CONSTANT_POOL, AOT_MT_INSTANCE_KLASS, AOT_MT_INSTANCE_CLASS_LOADER_KLASS,
	AOT_MT_INSTANCE_MIRROR_KLASS, AOT_MT_INSTANCE_REF_KLASS, AOT_MT_METHOD,
	AOT_MT_OBJ_ARRAY_KLASS, AOT_MT_TYPE_ARRAY_KLASS,
};
/* 21: InstanceStackChunkKlass (virtual threads) */
static const enum aot_mtype kinds_21[] = {
	AOT_MT_CONSTANT_POOL, AOT_MT_INSTANCE_KLASS, AOT_MT_INSTANCE_CLASS_LOADER_KLASS,
	AOT_MT_INSTANCE_MIRROR_KLASS, AOT_MT_INSTANCE_REF_KLASS, AOT_MT_INSTANCE_STACK_CHUNK_KLASS,
	AOT_MT_METHOD, AOT_MT_OBJ_ARRAY_KLASS, AOT_MT_TYPE_ARRAY_KLASS,
};
/* 25: profiles and training data (JEP 483/515) */
static const enum aot_mtype kinds_25[] = {
	AOT_MT_CONSTANT_POOL, AOT_MT_INSTANCE_KLASS, AOT_MT_INSTANCE_CLASS_LOADER_KLASS,
	AOT_MT_INSTANCE_MIRROR_KLASS, AOT_MT_INSTANCE_REF_KLASS, AOT_MT_INSTANCE_STACK_CHUNK_KLASS,
	AOT_MT_METHOD, AOT_MT_METHOD_DATA, AOT_MT_METHOD_COUNTERS, AOT_MT_OBJ_ARRAY_KLASS,
	AOT_MT_TYPE_ARRAY_KLASS, AOT_MT_KLASS_TRAINING_DATA, AOT_MT_METHOD_TRAINING_DATA,
	AOT_MT_COMPILE_TRAINING_DATA,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void kinds_for(int feature, const enum aot_mtype **k, unsigned *n)
{
	if (feature >= 25) {
		*k = kinds_25;
		*n = N(kinds_25);
	} else if (feature >= 21) {
		*k = kinds_21;
		*n = N(kinds_21);
	} else {
		*k = kinds_17;
		*n = N(kinds_17);
	}
}

/* No JDK's Metadata subclass has come near this many virtual methods. */
#define MAX_VTABLE_SLOTS 1024

static struct aot_err *entry_addr(struct aot_meta *m, const struct aot_archive *ar, uint64_t slot,
				  uint64_t *info)
{
	uint64_t v;
	struct aot_err *err = aot_meta_u64(m, slot, &v);
	if (err)
		return err;
	// 17/21 store pointers (relocated with the archive); later releases
	// store offsets from the mapped base, scaled like the header's in 27.
	if (ar->version <= 18)
		*info = v;
	else
		*info = aot_meta_from_requested(m, ar, ar->requested_base + v * ar->hptr_scale);
	return NULL;
}

struct aot_err *aot_vtables_load(struct aot_meta *m, const struct aot_archive *ar,
				 struct aot_vtables *vt)
{
	uint64_t index;
	if (!aot_archive_hdr_addr(ar, AOT_R_CLONED_VTABLES, &index))
		return aot_errf(AOT_ERR_FORMAT, "%s: the header names no cloned vtables", ar->path);
	index = aot_meta_from_requested(m, ar, index);
	const enum aot_mtype *kinds;
	unsigned nkinds;
	kinds_for(m->feature, &kinds, &nkinds);
	vt->ar = ar;
	vt->index = index;
	vt->n = 0;
	uint64_t next = 0, first;
	struct aot_err *err = entry_addr(m, ar, index, &first);
	if (err && ar->damage) {
		/*
		 * A file cut short loses the index (in ro's tail), not the records:
		 * the JVM allocates them first in rw, end to end.
		 */
		const struct aot_region *rw = aot_archive_region(ar, "rw");
		aot_err_free(err);
		err = NULL;
		first = rw ? aot_meta_from_requested(m, ar, rw->addr) : 0;
		index = 0;
	}
	// Errors name the header field that led here: the index is where it points.
	const struct aot_hdr_field *hf = aot_archive_field(ar, AOT_R_CLONED_VTABLES);
	if (err) {
		struct aot_err *e = aot_err_input(ar->path, hf->off, hf->name, "cloned vtable index at 0x%" PRIx64
						  " unreadable: %s", index, err->msg);
		aot_err_free(err);
		return e;
	}
	for (unsigned k = 0; k < AOT_MAX_VTABLE_KINDS; k++) {
		uint64_t info = first, size;
		if (k > 0 && index) {
			if (!aot_ok(entry_addr(m, ar, index + 8 * k, &info)) || info != next)
				break;	// the run of CppVtableInfo records ends here
		} else if (k > 0) {
			info = next;
		}
		if (!aot_ok(aot_meta_u64(m, info, &size)) || size == 0 || size > MAX_VTABLE_SLOTS ||
		    (!index && k == nkinds))
			break;
		vt->vtable[k] = info + 8;
		vt->size[k] = size;
		vt->n = k + 1;
		next = info + 8 + 8 * size;
	}
	if (vt->n != nkinds)
		return aot_errf(AOT_ERR_UNSUPPORTED,
				"%s: offset 0x%x: %s: the cloned vtable index at 0x%" PRIx64 " has %u entries, "
				"JDK %d has %u C++ types with vtables", ar->path, hf->off, hf->name, index, vt->n,
				m->feature, nkinds);
	for (unsigned k = 0; k < vt->n; k++)
		vt->type[k] = kinds[k];
	return NULL;
}

enum aot_mtype aot_vtables_type(const struct aot_vtables *vt, uint64_t vptr)
{
	for (unsigned k = 0; k < vt->n; k++)
		if (vt->vtable[k] == vptr)
			return vt->type[k];
	return AOT_MT_UNKNOWN;
}
