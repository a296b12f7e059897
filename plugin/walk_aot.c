/*
 * The types only AOT caches (25+) and the archived module graph (27) hold:
 * MethodCounters, MethodData, adapters, training data, module and package
 * entries and their arrays.  What each points at is its
 * metaspace_pointers_do(); pointers to vtable types (Method, Klass,
 * MethodData, MethodCounters, the training data) need no rule here: the
 * engine types them from the pointer map.  See docs/objwalk.md.
 */
#include <inttypes.h>

#include "objwalk_internal.h"

/* More elements than this in one array is corrupt input. */
#define AOT_MAX_ELEMS (1u << 20)

static struct aot_err *size_of(struct aot_walk *w, enum aot_lf f, uint64_t *size)
{
	struct aot_err *err = aot_meta_off(w->m, f, size);
	if (!err)
		*size = (*size + 7) & ~7ull;
	return err;
}

/*
 * The first marked slot of [ADDR, ADDR+SIZE) pointing at a T (any
 * InstanceKlass kind for AOT_MT_INSTANCE_KLASS): for names when the layout
 * lacks the field.
 */
static uint64_t slot_to(struct aot_walk *w, uint64_t addr, uint64_t size, enum aot_mtype t)
{
	size_t first, n = aot_walk_slots(w, addr, size, &first);
	for (size_t i = first; i < first + n; i++) {
		uint64_t v;
		if (w->om->slots[i] == addr || !aot_ok(aot_meta_u64(w->m, w->om->slots[i], &v)) || !v || (v & 7))
			continue;
		enum aot_mtype vt = aot_meta_vtype(w->m, v);
		if (vt == t || (t == AOT_MT_INSTANCE_KLASS && aot_mtype_is_instance_klass(vt)))
			return v;
	}
	return 0;
}

/* Field F of OBJ if the layout has it, else the first slot pointing at a T. */
static uint64_t owner_of(struct aot_walk *w, uint64_t obj, uint64_t size, enum aot_lf f, enum aot_mtype t)
{
	uint64_t v;
	if (aot_meta_has(w->m, f))
		return aot_ok(aot_meta_get(w->m, obj, f, &v)) ? v : 0;
	return slot_to(w, obj, size, t);
}

/* MethodCounters: fixed size; its Method and MethodTrainingData have vtables. */
static struct aot_err *visit_counters(struct aot_walk *w, uint64_t addr, uint64_t *size, uint64_t *owner)
{
	struct aot_err *err = size_of(w, AOT_LF_SIZEOF_METHOD_COUNTERS, size);
	if (!err)
		*owner = owner_of(w, addr, *size, AOT_LF_MC_METHOD, AOT_MT_METHOD);
	return err;
}

/*
 * MethodData: _size bytes, the profile included.  What its cells point at
 * (receiver and argument types, speculative-trap methods) are Klasses and
 * Methods.
 */
static struct aot_err *visit_method_data(struct aot_walk *w, uint64_t addr, uint64_t *size, uint64_t *owner)
{
	uint64_t sz, base;
	struct aot_err *err = aot_meta_get(w->m, addr, AOT_LF_MD_SIZE, &sz);
	if (!err)
		err = aot_meta_off(w->m, AOT_LF_SIZEOF_METHOD_DATA, &base);
	if (err)
		return err;
	if (sz < base || sz > (1u << 24))
		return aot_errf(AOT_ERR_FORMAT, "MethodData::_size %" PRIu64 " bytes (the header alone is %" PRIu64
				")", sz, base);
	*size = (sz + 7) & ~7ull;
	*owner = owner_of(w, addr, *size, AOT_LF_MD_METHOD, AOT_MT_METHOD);
	return NULL;
}

/* AdapterHandlerEntry: fixed size; its fingerprint is the one pointer we follow. */
static struct aot_err *visit_adapter(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	struct aot_err *err = aot_walk_aot_size(w, AOT_MT_ADAPTER_HANDLER_ENTRY,
						AOT_LF_SIZEOF_ADAPTER_HANDLER_ENTRY, size);
	if (!err)
		aot_walk_adapter_fingerprint(w, addr, *size);
	return err;
}

/*
 * A DepList's Array<TD*> (field F): a TypeArrayU8 whose elements have
 * vtables.  Without F in the layout: every marked slot of the object that
 * points at such an array (the ci_records' Array<Record> is then left out).
 */
static void push_deps(struct aot_walk *w, uint64_t addr, uint64_t size, enum aot_lf f)
{
	if (aot_meta_has(w->m, f)) {
		aot_walk_push_field(w, addr, f, AOT_MT_ARRAY_U8, 0);
		return;
	}
	size_t first, n = aot_walk_slots(w, addr, size, &first);
	for (size_t i = first; i < first + n; i++) {
		uint64_t v;
		if (w->om->slots[i] != addr && aot_ok(aot_meta_u64(w->m, w->om->slots[i], &v)) && aot_walk_td_array(w, v))
			aot_walk_push(w, v, AOT_MT_ARRAY_U8, 0, w->om->slots[i]);
	}
}

static struct aot_err *visit_klass_td(struct aot_walk *w, uint64_t addr, uint64_t *size, uint64_t *owner)
{
	struct aot_err *err = aot_walk_aot_size(w, AOT_MT_KLASS_TRAINING_DATA,
						AOT_LF_SIZEOF_KLASS_TRAINING_DATA, size);
	if (err)
		return err;
	*owner = owner_of(w, addr, *size, AOT_LF_KTD_HOLDER, AOT_MT_INSTANCE_KLASS);
	push_deps(w, addr, *size, AOT_LF_KTD_COMP_DEPS);
	return NULL;
}

static struct aot_err *visit_method_td(struct aot_walk *w, uint64_t addr, uint64_t *size, uint64_t *owner)
{
	struct aot_err *err = aot_walk_aot_size(w, AOT_MT_METHOD_TRAINING_DATA,
						AOT_LF_SIZEOF_METHOD_TRAINING_DATA, size);
	if (!err)
		*owner = owner_of(w, addr, *size, AOT_LF_MTD_HOLDER, AOT_MT_METHOD);
	return err;
}

/*
 * CompileTrainingData: its class-initialization dependencies (an
 * Array<KlassTrainingData*>) and its memoized CI answers, an Array of
 * {int result; MethodTrainingData* argument} records (TypeArrayOther).  The
 * name is its MethodTrainingData's method.
 */
static struct aot_err *visit_compile_td(struct aot_walk *w, uint64_t addr, uint64_t *size, uint64_t *owner)
{
	uint64_t mtd = 0, esz;
	struct aot_err *err = aot_walk_aot_size(w, AOT_MT_COMPILE_TRAINING_DATA,
						AOT_LF_SIZEOF_COMPILE_TRAINING_DATA, size);
	if (err)
		return err;
	if (aot_meta_has(w->m, AOT_LF_CTD_METHOD))
		aot_ok(aot_meta_get(w->m, addr, AOT_LF_CTD_METHOD, &mtd));
	else
		mtd = slot_to(w, addr, *size, AOT_MT_METHOD_TRAINING_DATA);
	if (mtd && aot_meta_vtype(w->m, mtd) == AOT_MT_METHOD_TRAINING_DATA)
		*owner = owner_of(w, mtd, 0, AOT_LF_MTD_HOLDER, AOT_MT_METHOD);
	push_deps(w, addr, *size, AOT_LF_CTD_INIT_DEPS);
	/* Array<Record>: the records hold a pointer, so _data is 8-aligned. */
	if (aot_meta_has(w->m, AOT_LF_CTD_CI_RECORDS)) {
		if (aot_ok(aot_meta_off(w->m, AOT_LF_SIZEOF_CTD_CI_RECORD, &esz)))
			aot_walk_push_field(w, addr, AOT_LF_CTD_CI_RECORDS, AOT_MT_ARRAY_OTHER, AOT_WALK_OTHER(esz, 8));
	} else {
		aot_walk_ci_records(w, addr, *size);
	}
	return NULL;
}

/* 27: ModuleEntry: its name, version and location Symbols, and the modules it reads. */
static struct aot_err *visit_module(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	struct aot_err *err = size_of(w, AOT_LF_SIZEOF_MODULE_ENTRY, size);
	if (err)
		return err;
	aot_walk_push_field(w, addr, AOT_LF_ME_NAME, AOT_MT_SYMBOL, 0);
	aot_walk_push_field(w, addr, AOT_LF_ME_VERSION, AOT_MT_SYMBOL, 0);
	aot_walk_push_field(w, addr, AOT_LF_ME_LOCATION, AOT_MT_SYMBOL, 0);
	aot_walk_push_field(w, addr, AOT_LF_ME_READS, AOT_MT_GROWABLE_ARRAY, 0);
	return NULL;
}

/* 27: PackageEntry: its name, its module, and the modules it is exported to. */
static struct aot_err *visit_package(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	struct aot_err *err = size_of(w, AOT_LF_SIZEOF_PACKAGE_ENTRY, size);
	if (err)
		return err;
	aot_walk_push_field(w, addr, AOT_LF_PE_NAME, AOT_MT_SYMBOL, 0);
	aot_walk_push_field(w, addr, AOT_LF_PE_MODULE, AOT_MT_MODULE_ENTRY, 0);
	aot_walk_push_field(w, addr, AOT_LF_PE_QUALIFIED_EXPORTS, AOT_MT_GROWABLE_ARRAY, 0);
	return NULL;
}

/*
 * A GrowableArray<ModuleEntry*> (the only kind archived): the object, and
 * its C-heap buffer of _capacity elements as a CArray, whose size in bytes
 * rides in the owner word.
 */
static struct aot_err *visit_growable(struct aot_walk *w, uint64_t addr, uint64_t *size)
{
	uint64_t cap, data, off;
	struct aot_err *err = size_of(w, AOT_LF_SIZEOF_GROWABLE_ARRAY, size);
	if (!err)
		err = aot_meta_get(w->m, addr, AOT_LF_GA_CAPACITY, &cap);
	if (!err)
		err = aot_meta_get(w->m, addr, AOT_LF_GA_DATA, &data);
	if (!err)
		err = aot_meta_off(w->m, AOT_LF_GA_DATA, &off);
	if (err)
		return err;
	if (cap > AOT_MAX_ELEMS)
		return aot_errf(AOT_ERR_FORMAT, "GrowableArray capacity %" PRIu64, cap);
	if (cap)
		aot_walk_push(w, data, AOT_MT_CARRAY, 8 * cap, addr + off);
	return NULL;
}

static struct aot_err *visit_carray(struct aot_walk *w, uint64_t addr, uint64_t bytes, uint64_t *size)
{
	if (!bytes || bytes > 8ull * AOT_MAX_ELEMS)
		return aot_errf(AOT_ERR_FORMAT, "CArray of %" PRIu64 " bytes", bytes);
	*size = bytes;
	for (uint64_t i = 0; i < bytes; i += 8) {
		uint64_t e;
		if (aot_ok(aot_meta_u64(w->m, addr + i, &e)))
			aot_walk_push(w, e, AOT_MT_MODULE_ENTRY, 0, addr + i);
	}
	return NULL;
}

struct aot_err *aot_walk_visit_aot(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t *size,
				   uint64_t *owner)
{
	switch (t) {
	case AOT_MT_METHOD_COUNTERS: return visit_counters(w, addr, size, owner);
	case AOT_MT_METHOD_DATA: return visit_method_data(w, addr, size, owner);
	case AOT_MT_ADAPTER_HANDLER_ENTRY: return visit_adapter(w, addr, size);
	case AOT_MT_ADAPTER_FINGERPRINT: return aot_walk_fingerprint_size(w, addr, size);
	case AOT_MT_KLASS_TRAINING_DATA: return visit_klass_td(w, addr, size, owner);
	case AOT_MT_METHOD_TRAINING_DATA: return visit_method_td(w, addr, size, owner);
	case AOT_MT_COMPILE_TRAINING_DATA: return visit_compile_td(w, addr, size, owner);
	case AOT_MT_MODULE_ENTRY: return visit_module(w, addr, size);
	case AOT_MT_PACKAGE_ENTRY: return visit_package(w, addr, size);
	case AOT_MT_GROWABLE_ARRAY: return visit_growable(w, addr, size);
	case AOT_MT_CARRAY: return visit_carray(w, addr, *owner, size);
	default:
		return aot_errf(AOT_ERR_UNSUPPORTED, "%s objects are not decoded", aot_mtype_cxx_name(t));
	}
}

/*
 * A Method's adapter (25+: AOT caches archive AdapterHandlerEntries).
 * Without Method::_adapter in the layout (stripped builds): the marked slot
 * that is neither the vptr nor _constMethod and points at no vtable type.
 */
void aot_walk_method_aot(struct aot_walk *w, uint64_t method, uint64_t size, uint64_t cm_slot)
{
	if (w->m->feature < 25)
		return;
	if (aot_meta_has(w->m, AOT_LF_METHOD_ADAPTER)) {
		aot_walk_push_field(w, method, AOT_LF_METHOD_ADAPTER, AOT_MT_ADAPTER_HANDLER_ENTRY, 0);
		return;
	}
	size_t first, n = aot_walk_slots(w, method, size, &first);
	for (size_t i = first; i < first + n; i++) {
		uint64_t slot = w->om->slots[i], v;
		if (slot == method || slot == cm_slot || !aot_ok(aot_meta_u64(w->m, slot, &v)) || !v ||
		    aot_meta_vtype(w->m, v) != AOT_MT_UNKNOWN)
			continue;
		aot_walk_push(w, v, AOT_MT_ADAPTER_HANDLER_ENTRY, 0, slot);
	}
}

/* 27: an InstanceKlass's PackageEntry is a metadata object (before, it lay in the untyped tail). */
void aot_walk_klass_aot(struct aot_walk *w, uint64_t ik)
{
	if (w->m->feature >= 27)
		aot_walk_push_field(w, ik, AOT_LF_IK_PACKAGE_ENTRY, AOT_MT_PACKAGE_ENTRY, 0);
}
