/*
 * What each archived metadata type points at, as its metaspace_pointers_do()
 * tells MetaspaceClosure, and how big it is.  Pointers to objects with a
 * cloned vtable (classes, methods, pools, …) need no rule here: the engine
 * types them by their vtable.  These rules name the others: symbols, arrays,
 * ConstMethods, caches, annotations, record components.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "cpool.h"
#include "klass.h"
#include "method.h"
#include "objwalk_internal.h"
#include "symbol.h"

/* Deeper class hierarchies than this are loops: java.lang.Object is a few dozen supers away at most. */
#define MAX_SUPER_DEPTH 1024

void aot_walk_push_field(struct aot_walk *w, uint64_t obj, enum aot_lf f, enum aot_mtype t, uint64_t owner)
{
	uint64_t v, off;
	if (!aot_meta_has(w->m, f) || !aot_ok(aot_meta_get(w->m, obj, f, &v)))
		return;
	if (aot_ok(aot_meta_off(w->m, f, &off)))
		aot_walk_push(w, v, t, owner, obj + off);
}

/* An Array<E*>: the array is a TypeArrayU8; its elements are queued as ELEM, or by their vtables. */
static void push_ptr_array(struct aot_walk *w, uint64_t obj, enum aot_lf f, enum aot_mtype elem)
{
	uint64_t arr, off = 0;
	uint32_t n;
	uint64_t data;
	if (!aot_meta_has(w->m, f) || !aot_ok(aot_meta_get(w->m, obj, f, &arr)) || !arr)
		return;
	aot_ok(aot_meta_off(w->m, f, &off));
	aot_walk_push(w, arr, AOT_MT_ARRAY_U8, 0, obj + off);
	if (aot_walk_region_of(w, arr) < 0)
		return;
	struct aot_err *err = aot_meta_array(w->m, arr, AOT_LF_ARRAY_KLASS_DATA, 1u << 20, &n, &data);
	if (err) {
		aot_walk_problem(w, arr, "Array<%s*> at 0x%016" PRIx64 ": %s", aot_mtype_cxx_name(elem), arr,
				 err->msg);
		aot_err_free(err);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t e;
		if (!aot_ok(aot_meta_u64(w->m, data + 8 * (uint64_t)i, &e)) || !e)
			continue;
		/* Elements with a vtable type themselves: the pointer map need not be there. */
		enum aot_mtype t = elem == AOT_MT_UNKNOWN ? aot_meta_vtype(w->m, e) : elem;
		if (t != AOT_MT_UNKNOWN)
			aot_walk_push(w, e, t, 0, data + 8 * (uint64_t)i);
	}
}

void aot_walk_push_other_slots(struct aot_walk *w, uint64_t addr, uint64_t size, uint64_t skip,
			       enum aot_mtype t)
{
	size_t first, n = aot_walk_slots(w, addr, size, &first);
	for (size_t i = first; i < first + n; i++) {
		uint64_t slot = w->om->slots[i], v;
		if (slot == skip || !aot_ok(aot_meta_u64(w->m, slot, &v)) || !v ||
		    aot_meta_vtype(w->m, v) != AOT_MT_UNKNOWN)
			continue;
		aot_walk_push(w, v, t, 0, slot);
	}
}

static struct aot_err *visit_klass(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	struct aot_klass k;
	struct aot_err *err = aot_klass_decode(w->m, addr, &k);
	if (err)
		return err;
	*size = k.size;
	enum aot_mtype t = k.type;
	uint64_t super = k.super;
	aot_klass_fini(&k);
	/* The walk itself ends on cycles; a class hierarchy must not have them. */
	for (unsigned depth = 0; super; depth++) {
		if (super == addr || depth == MAX_SUPER_DEPTH) {
			aot_walk_problem(w, addr, "the superclass chain of the class at 0x%016" PRIx64 " loops "
					 "(through 0x%016" PRIx64 ")", addr, super);
			break;
		}
		if (!aot_ok(aot_meta_get(w->m, super, AOT_LF_KLASS_SUPER, &super)))
			break;
	}
	aot_walk_push_field(w, addr, AOT_LF_KLASS_NAME, AOT_MT_SYMBOL, 0);
	push_ptr_array(w, addr, AOT_LF_KLASS_SECONDARY_SUPERS, AOT_MT_UNKNOWN);
	if (!aot_mtype_is_instance_klass(t))
		return NULL;
	aot_walk_push_field(w, addr, AOT_LF_IK_ANNOTATIONS, AOT_MT_ANNOTATIONS, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_INNER_CLASSES, AOT_MT_ARRAY_U2, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_NEST_MEMBERS, AOT_MT_ARRAY_U2, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_NEST_MEMBERS_17, AOT_MT_ARRAY_U2, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_PERMITTED_SUBCLASSES, AOT_MT_ARRAY_U2, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_METHOD_ORDERING, AOT_MT_ARRAY_U4, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_DEFAULT_VTABLE_INDICES, AOT_MT_ARRAY_U4, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_FIELDS, AOT_MT_ARRAY_U2, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_FIELDINFO_STREAM, AOT_MT_ARRAY_U1, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_FIELDINFO_SEARCH_TABLE, AOT_MT_ARRAY_U1, 0);
	aot_walk_push_field(w, addr, AOT_LF_IK_FIELDS_STATUS, AOT_MT_ARRAY_U1, 0);
	push_ptr_array(w, addr, AOT_LF_IK_METHODS, AOT_MT_UNKNOWN);
	push_ptr_array(w, addr, AOT_LF_IK_DEFAULT_METHODS, AOT_MT_UNKNOWN);
	push_ptr_array(w, addr, AOT_LF_IK_LOCAL_INTERFACES, AOT_MT_UNKNOWN);
	push_ptr_array(w, addr, AOT_LF_IK_TRANSITIVE_INTERFACES, AOT_MT_UNKNOWN);
	push_ptr_array(w, addr, AOT_LF_IK_RECORD_COMPONENTS, AOT_MT_RECORD_COMPONENT);
	aot_walk_klass_aot(w, addr);
	return NULL;
}

static struct aot_err *visit_method(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	uint64_t flags, cm, off;
	struct aot_err *err = aot_meta_get(w->m, addr, AOT_LF_METHOD_ACCESS_FLAGS, &flags);
	if (!err)
		err = aot_method_size(w->m, (uint32_t)flags, size);
	if (!err)
		err = aot_meta_get(w->m, addr, AOT_LF_METHOD_CONST_METHOD, &cm);
	if (!err)
		err = aot_meta_off(w->m, AOT_LF_METHOD_CONST_METHOD, &off);
	if (err)
		return err;
	aot_walk_push(w, cm, AOT_MT_CONST_METHOD, addr, addr + off);
	aot_walk_push_field(w, addr, AOT_LF_METHOD_METHOD_COUNTERS, AOT_MT_METHOD_COUNTERS, addr);
	aot_walk_method_aot(w, addr, *size, addr + off);
	return NULL;
}

static struct aot_err *visit_const_method(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	uint64_t words, off;
	struct aot_err *err = aot_meta_get(w->m, addr, AOT_LF_CM_CONST_METHOD_SIZE, &words);
	if (!err)
		err = aot_meta_off(w->m, AOT_LF_CM_STACKMAP_DATA, &off);
	if (err)
		return err;
	if (words > (1u << 24))
		return aot_errf(AOT_ERR_FORMAT, "_constMethod_size %" PRIu64 " words", words);
	*size = 8 * words;
	aot_walk_push_field(w, addr, AOT_LF_CM_STACKMAP_DATA, AOT_MT_ARRAY_U1, 0);
	/* The other pointers of a ConstMethod are its annotation arrays, at its end. */
	aot_walk_push_other_slots(w, addr, *size, addr + off, AOT_MT_ARRAY_U1);
	return NULL;
}

static struct aot_err *visit_cp(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	struct aot_cp cp;
	struct aot_err *err = aot_cp_decode(w->m, addr, &cp);
	if (err)
		return err;
	*size = cp.size;
	aot_walk_push_field(w, addr, AOT_LF_CP_TAGS, AOT_MT_ARRAY_U1, 0);
	aot_walk_push_field(w, addr, AOT_LF_CP_CACHE, AOT_MT_CONSTANT_POOL_CACHE, addr);
	aot_walk_push_field(w, addr, AOT_LF_CP_OPERANDS, AOT_MT_ARRAY_U2, 0);
	uint64_t bsm;
	if (aot_meta_has(w->m, AOT_LF_CP_BSM_ENTRIES) && aot_ok(aot_meta_off(w->m, AOT_LF_CP_BSM_ENTRIES, &bsm))) {
		/* 26+: the BootstrapMethods attribute as offsets and data */
		aot_walk_push_field(w, addr + bsm, AOT_LF_BSM_OFFSETS, AOT_MT_ARRAY_U4, 0);
		aot_walk_push_field(w, addr + bsm, AOT_LF_BSM_BOOTSTRAP_METHODS, AOT_MT_ARRAY_U2, 0);
	}
	push_ptr_array(w, addr, AOT_LF_CP_RESOLVED_KLASSES, AOT_MT_UNKNOWN);
	/* Entries that hold pointers hold Symbols (Utf8, and unresolved Strings). */
	aot_walk_push_other_slots(w, cp.base, 8 * (uint64_t)cp.length, 0, AOT_MT_SYMBOL);
	return NULL;
}

static void push_entries(struct aot_walk *w, uint64_t addr, enum aot_lf f, enum aot_lf esz, enum aot_lf doff)
{
	uint64_t e, d;
	if (aot_meta_has(w->m, f) && aot_ok(aot_meta_off(w->m, esz, &e)) && aot_ok(aot_meta_off(w->m, doff, &d)))
		aot_walk_push_field(w, addr, f, AOT_MT_ARRAY_OTHER, AOT_WALK_OTHER(e, d));
}

static struct aot_err *visit_cpcache(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	uint64_t sz, len = 0, esz = 0;
	struct aot_err *err = aot_meta_off(w->m, AOT_LF_SIZEOF_CONSTANT_POOL_CACHE, &sz);
	if (!err && aot_meta_has(w->m, AOT_LF_CPC_LENGTH)) {
		/* 17, 21: the entries follow the cache */
		err = aot_meta_get(w->m, addr, AOT_LF_CPC_LENGTH, &len);
		if (!err)
			err = aot_meta_off(w->m, AOT_LF_SIZEOF_CPCACHE_ENTRY, &esz);
		if (!err && len > (1u << 16))
			err = aot_errf(AOT_ERR_FORMAT, "ConstantPoolCache _length %" PRIu64, len);
	}
	if (err)
		return err;
	*size = (sz + len * esz + 7) & ~7ull;
	aot_walk_push_field(w, addr, AOT_LF_CPC_REFERENCE_MAP, AOT_MT_ARRAY_U2, 0);
	push_entries(w, addr, AOT_LF_CPC_RESOLVED_INDY_ENTRIES, AOT_LF_SIZEOF_RESOLVED_INDY_ENTRY,
		     AOT_LF_ARRAY_RIE_DATA);
	push_entries(w, addr, AOT_LF_CPC_RESOLVED_FIELD_ENTRIES, AOT_LF_SIZEOF_RESOLVED_FIELD_ENTRY,
		     AOT_LF_ARRAY_RFE_DATA);
	push_entries(w, addr, AOT_LF_CPC_RESOLVED_METHOD_ENTRIES, AOT_LF_SIZEOF_RESOLVED_METHOD_ENTRY,
		     AOT_LF_ARRAY_RME_DATA);
	return NULL;
}

static struct aot_err *visit_symbol(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	uint64_t len;
	struct aot_err *err = aot_meta_get(w->m, addr, AOT_LF_SYMBOL_LENGTH, &len);
	if (!err)
		*size = aot_symbol_size(w->m, (size_t)len);
	return err;
}

/* Array<T> { int _length; T _data[]; }: Array<T>::size() in bytes. */
static struct aot_err *visit_array(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t owner,
				   uint64_t *size)
{
	uint64_t esz, doff;
	enum aot_lf data = AOT_LF_ARRAY_KLASS_DATA;
	switch (t) {
	case AOT_MT_ARRAY_U1: esz = 1; data = AOT_LF_ARRAY_U1_DATA; break;
	case AOT_MT_ARRAY_U2: esz = 2; data = AOT_LF_ARRAY_U2_DATA; break;
	case AOT_MT_ARRAY_U4: esz = 4; data = AOT_LF_ARRAY_INT_DATA; break;
	case AOT_MT_ARRAY_U8: esz = 8; break;
	default: esz = (uint32_t)owner; break;
	}
	struct aot_err *err = NULL;
	if (t == AOT_MT_ARRAY_OTHER)
		doff = owner >> 32;
	else
		err = aot_meta_off(w->m, data, &doff);
	if (err)
		return err;
	uint32_t len;
	if ((err = aot_meta_read(w->m, addr, &len, sizeof(len))))
		return err;
	if (len > (1u << 28) || !esz || esz > 4096)
		return aot_errf(AOT_ERR_FORMAT, "Array length %" PRIu32 " of %" PRIu64 "-byte elements", len, esz);
	*size = aot_walk_array_bytes(len, esz, doff);
	return NULL;
}

uint64_t aot_walk_array_bytes(uint64_t len, uint64_t esz, uint64_t doff)
{
	uint64_t align = esz < 4 ? 4 : esz > 8 ? 8 : esz;
	uint64_t one = (doff + esz + align - 1) & ~(align - 1);
	return (one + (len ? len - 1 : 0) * esz + 7) & ~7ull;
}

static struct aot_err *visit_annotations(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	struct aot_err *err = aot_meta_off(w->m, AOT_LF_SIZEOF_ANNOTATIONS, size);
	if (err)
		return err;
	aot_walk_push_field(w, addr, AOT_LF_ANNOTATIONS_CLASS, AOT_MT_ARRAY_U1, 0);
	aot_walk_push_field(w, addr, AOT_LF_ANNOTATIONS_CLASS_TYPE, AOT_MT_ARRAY_U1, 0);
	push_ptr_array(w, addr, AOT_LF_ANNOTATIONS_FIELDS, AOT_MT_ARRAY_U1);
	push_ptr_array(w, addr, AOT_LF_ANNOTATIONS_FIELDS_TYPE, AOT_MT_ARRAY_U1);
	return NULL;
}

/*
 * A fixed-size object whose every pointer is a byte array: a
 * RecordComponent (its annotations) or a SharedClassPathEntry (its name and
 * manifest, Array<char>).
 */
static struct aot_err *visit_byte_array_holder(struct aot_walk *w, uint64_t addr, enum aot_lf sizeof_f,
					       uint64_t *size)
{
	struct aot_err *err = aot_meta_off(w->m, sizeof_f, size);
	if (!err)
		aot_walk_push_other_slots(w, addr, *size, 0, AOT_MT_ARRAY_U1);
	return err;
}

struct aot_err *aot_walk_visit(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t *size,
			       uint64_t *owner)
{
	if (aot_mtype_is_klass(t))
		return visit_klass(w, addr, size);
	switch (t) {
	case AOT_MT_METHOD: return visit_method(w, addr, size);
	case AOT_MT_CONST_METHOD: return visit_const_method(w, addr, size);
	case AOT_MT_CONSTANT_POOL: return visit_cp(w, addr, size);
	case AOT_MT_CONSTANT_POOL_CACHE: return visit_cpcache(w, addr, size);
	case AOT_MT_SYMBOL: return visit_symbol(w, addr, size);
	case AOT_MT_ARRAY_U1:
	case AOT_MT_ARRAY_U2:
	case AOT_MT_ARRAY_U4:
	case AOT_MT_ARRAY_U8:
	case AOT_MT_ARRAY_OTHER: return visit_array(w, addr, t, *owner, size);
	case AOT_MT_ANNOTATIONS: return visit_annotations(w, addr, size);
	case AOT_MT_RECORD_COMPONENT:
		return visit_byte_array_holder(w, addr, AOT_LF_SIZEOF_RECORD_COMPONENT, size);
	case AOT_MT_SHARED_CLASS_PATH_ENTRY:
		return visit_byte_array_holder(w, addr, AOT_LF_SIZEOF_SHARED_CLASS_PATH_ENTRY, size);
	default: return aot_walk_visit_aot(w, addr, t, size, owner);
	}
}
