#include "meta.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "class_tables.h"
#include "objwalk.h"
#include "vmstructs.h"
#include "vtables.h"

static const struct {
	const char *cxx, *map;
} mtype_names[AOT_MT_COUNT] = {
	[AOT_MT_UNKNOWN] = { "?", "Unknown" },
	[AOT_MT_CONSTANT_POOL] = { "ConstantPool", "ConstantPool" },
	[AOT_MT_INSTANCE_KLASS] = { "InstanceKlass", "Class" },
	[AOT_MT_INSTANCE_CLASS_LOADER_KLASS] = { "InstanceClassLoaderKlass", "Class" },
	[AOT_MT_INSTANCE_MIRROR_KLASS] = { "InstanceMirrorKlass", "Class" },
	[AOT_MT_INSTANCE_REF_KLASS] = { "InstanceRefKlass", "Class" },
	[AOT_MT_INSTANCE_STACK_CHUNK_KLASS] = { "InstanceStackChunkKlass", "Class" },
	[AOT_MT_METHOD] = { "Method", "Method" },
	[AOT_MT_METHOD_DATA] = { "MethodData", "MethodData" },
	[AOT_MT_METHOD_COUNTERS] = { "MethodCounters", "MethodCounters" },
	[AOT_MT_OBJ_ARRAY_KLASS] = { "ObjArrayKlass", "Class" },
	[AOT_MT_TYPE_ARRAY_KLASS] = { "TypeArrayKlass", "Class" },
	[AOT_MT_KLASS_TRAINING_DATA] = { "KlassTrainingData", "KlassTrainingData" },
	[AOT_MT_METHOD_TRAINING_DATA] = { "MethodTrainingData", "MethodTrainingData" },
	[AOT_MT_COMPILE_TRAINING_DATA] = { "CompileTrainingData", "CompileTrainingData" },
	[AOT_MT_SYMBOL] = { "Symbol", "Symbol" },
	[AOT_MT_CONST_METHOD] = { "ConstMethod", "ConstMethod" },
	[AOT_MT_CONSTANT_POOL_CACHE] = { "ConstantPoolCache", "ConstantPoolCache" },
	[AOT_MT_ARRAY_U1] = { "Array<u1>", "TypeArrayU1" },
	[AOT_MT_ARRAY_U2] = { "Array<u2>", "TypeArrayU2" },
	[AOT_MT_ARRAY_U4] = { "Array<u4>", "TypeArrayU4" },
	[AOT_MT_ARRAY_U8] = { "Array<u8>", "TypeArrayU8" },
	[AOT_MT_ARRAY_OTHER] = { "Array<T>", "TypeArrayOther" },
	[AOT_MT_ANNOTATIONS] = { "Annotations", "Annotations" },
	[AOT_MT_RECORD_COMPONENT] = { "RecordComponent", "RecordComponent" },
	[AOT_MT_ADAPTER_HANDLER_ENTRY] = { "AdapterHandlerEntry", "AdapterHandlerEntry" },
	[AOT_MT_ADAPTER_FINGERPRINT] = { "AdapterFingerPrint", "AdapterFingerPrint" },
	[AOT_MT_SHARED_CLASS_PATH_ENTRY] = { "SharedClassPathEntry", "SharedClassPathEntry" },
	[AOT_MT_MODULE_ENTRY] = { "ModuleEntry", "ModuleEntry" },
	[AOT_MT_PACKAGE_ENTRY] = { "PackageEntry", "PackageEntry" },
	[AOT_MT_CARRAY] = { "Array<T> (C heap)", "CArray" },
	[AOT_MT_GROWABLE_ARRAY] = { "GrowableArray", "GrowableArray" },
};

const char *aot_mtype_cxx_name(enum aot_mtype t)
{
	return t < AOT_MT_COUNT ? mtype_names[t].cxx : "?";
}

const char *aot_mtype_map_name(enum aot_mtype t)
{
	return t < AOT_MT_COUNT ? mtype_names[t].map : "Unknown";
}

const char *aot_mtype_article(enum aot_mtype t)
{
	return strchr("AEIOU", aot_mtype_cxx_name(t)[0]) ? "an" : "a";
}

bool aot_mtype_is_instance_klass(enum aot_mtype t)
{
	return t >= AOT_MT_INSTANCE_KLASS && t <= AOT_MT_INSTANCE_STACK_CHUNK_KLASS;
}

bool aot_mtype_is_klass(enum aot_mtype t)
{
	return aot_mtype_is_instance_klass(t) || t == AOT_MT_OBJ_ARRAY_KLASS ||
	       t == AOT_MT_TYPE_ARRAY_KLASS;
}

static const struct aot_archive *top_of(const struct aot_session *s, const struct aot_archive *ar)
{
	for (unsigned i = 0; i < s->narchives; i++)
		if (s->archives[i] == ar || s->archives[i]->base == ar)
			return s->archives[i];
	return ar;
}

uint64_t aot_meta_from_requested(const struct aot_meta *m, const struct aot_archive *ar, uint64_t a)
{
	const struct aot_archive *top = top_of(m->s, ar);
	return a + (aot_session_mapped_base(m->s, top) - top->requested_base);
}

static struct aot_err *meta_build(struct aot_session *s, struct aot_meta *m)
{
	m->s = s;
	struct aot_err *err = aot_session_target(s, &m->t);
	if (!err)
		err = aot_session_layout(s, &m->l);
	if (err)
		return err;
	m->feature = m->l->feature;
	for (int f = 0; f < AOT_LF_COUNT; f++) {
		struct aot_err *e = aot_layout_get(m->l, (enum aot_lf)f, &m->off[f], &m->size[f]);
		m->have[f] = !e;
		aot_err_free(e);
	}
	// Static archives hold the vtables; a dynamic one uses its base's.
	for (unsigned i = 0; i < s->narchives; i++) {
		const struct aot_archive *ar = s->archives[i];
		const struct aot_archive *st = ar->base ? ar->base : ar;
		bool seen = false;
		for (unsigned k = 0; k < m->nvt; k++)
			seen |= m->vt[k].ar == st;
		if (seen)
			continue;
		err = aot_vtables_load(m, st, &m->vt[m->nvt]);
		if (err)
			return err;
		m->nvt++;
	}
	return NULL;
}

struct aot_err *aot_session_meta(struct aot_session *s, struct aot_meta **ret)
{
	if (!s->meta) {
		if (!s->narchives)
			return aot_errf(AOT_ERR_USAGE, "this command needs an archive: open one first");
		struct aot_meta *m = calloc(1, sizeof(*m));
		if (!m)
			return &aot_enomem;
		struct aot_err *err = meta_build(s, m);
		if (err) {
			free(m);
			return err;
		}
		s->meta = m;
	}
	*ret = s->meta;
	return NULL;
}

void aot_meta_destroy(struct aot_meta *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->ntables; i++) {
		free(m->tables[i].v);
		aot_err_free(m->tables[i].err);
	}
	for (unsigned i = 0; i < m->nobjmaps; i++)
		aot_objmap_free(m->objmaps[i]);
	aot_name_cache_free(m->names);
	free(m);
}

struct aot_err *aot_meta_class_tables(struct aot_meta *m, const struct aot_archive *ar,
				      const struct aot_table_class **v, size_t *n)
{
	struct aot_meta_tables *t = NULL;
	for (unsigned i = 0; i < m->ntables && !t; i++)
		if (m->tables[i].ar == ar)
			t = &m->tables[i];
	if (!t) {
		if (m->ntables == sizeof(m->tables) / sizeof(m->tables[0]))
			return aot_errf(AOT_ERR_USAGE, "too many archives");
		t = &m->tables[m->ntables++];
		t->ar = ar;
		t->err = aot_class_tables(m->s, ar, &t->v, &t->n);
	}
	if (t->err)
		return aot_err_copy(t->err);
	*v = t->v;
	*n = t->n;
	return NULL;
}

bool aot_meta_has(const struct aot_meta *m, enum aot_lf f)
{
	return m->have[f];
}

struct aot_err *aot_meta_off(const struct aot_meta *m, enum aot_lf f, uint64_t *off)
{
	if (!m->have[f]) {
		uint64_t size;
		return aot_layout_get(m->l, f, off, &size);
	}
	*off = m->off[f];
	return NULL;
}

struct aot_err *aot_meta_read(struct aot_meta *m, uint64_t addr, void *dst, size_t len)
{
	return aot_target_read(m->t, dst, addr, len);
}

struct aot_err *aot_meta_u64(struct aot_meta *m, uint64_t addr, uint64_t *v)
{
	return aot_target_read(m->t, v, addr, 8);
}

struct aot_err *aot_meta_u16(struct aot_meta *m, uint64_t addr, uint16_t *v)
{
	return aot_target_read(m->t, v, addr, 2);
}

struct aot_err *aot_meta_u8(struct aot_meta *m, uint64_t addr, uint8_t *v)
{
	return aot_target_read(m->t, v, addr, 1);
}

static struct aot_err *get_raw(struct aot_meta *m, uint64_t obj, enum aot_lf f, uint64_t *v,
			       unsigned *size)
{
	uint64_t off;
	struct aot_err *err = aot_meta_off(m, f, &off);
	if (err)
		return err;
	*size = (unsigned)m->size[f];
	if (*size != 1 && *size != 2 && *size != 4 && *size != 8)
		*size = 8;	// a field whose size no source gives: the decoders' are pointers
	uint64_t val = 0;
	err = aot_target_read(m->t, &val, obj + off, *size);
	if (err) {
		struct aot_err *e = aot_err_fault(obj + off, "cannot read %s of the object at 0x%" PRIx64
						  " (at 0x%" PRIx64 "): %s",
						  m->l->rows[f].name, obj, obj + off, err->msg);
		aot_err_free(err);
		return e;
	}
	*v = val;
	return NULL;
}

struct aot_err *aot_meta_get(struct aot_meta *m, uint64_t obj, enum aot_lf f, uint64_t *v)
{
	unsigned size;
	return get_raw(m, obj, f, v, &size);
}

struct aot_err *aot_meta_get_signed(struct aot_meta *m, uint64_t obj, enum aot_lf f, int64_t *v)
{
	unsigned size;
	uint64_t u;
	struct aot_err *err = get_raw(m, obj, f, &u, &size);
	if (err)
		return err;
	if (size < 8 && (u >> (size * 8 - 1)) & 1)
		u |= ~0ull << (size * 8);
	*v = (int64_t)u;
	return NULL;
}

struct aot_err *aot_meta_array(struct aot_meta *m, uint64_t arr, enum aot_lf data, uint32_t max,
			       uint32_t *len, uint64_t *first)
{
	uint64_t n, off;
	struct aot_err *err = aot_meta_get(m, arr, AOT_LF_ARRAY_INT_LENGTH, &n);
	if (!err)
		err = aot_meta_off(m, data, &off);
	if (err)
		return err;
	if ((uint32_t)n > max)
		return aot_errf(AOT_ERR_FORMAT, "Array at 0x%" PRIx64 " claims %u elements", arr,
				(uint32_t)n);
	*len = (uint32_t)n;
	*first = arr + off;
	return NULL;
}

enum aot_mtype aot_meta_vtype(struct aot_meta *m, uint64_t addr)
{
	uint64_t vptr;
	struct aot_err *err = aot_target_read(m->t, &vptr, addr, 8);
	if (err) {
		aot_err_free(err);
		return AOT_MT_UNKNOWN;
	}
	for (unsigned k = 0; k < m->nvt; k++) {
		enum aot_mtype t = aot_vtables_type(&m->vt[k], vptr);
		if (t != AOT_MT_UNKNOWN)
			return t;
	}
	return AOT_MT_UNKNOWN;
}

const struct aot_archive *aot_meta_archive_of(const struct aot_meta *m, uint64_t addr,
					      const char **region)
{
	for (unsigned i = 0; i < m->s->narchives; i++) {
		const struct aot_archive *top = m->s->archives[i];
		for (const struct aot_archive *ar = top; ar; ar = ar->base) {
			for (unsigned r = 0; r < ar->nregions; r++) {
				const struct aot_region *rg = &ar->regions[r];
				if (!rg->mappable || !rg->used)
					continue;
				uint64_t lo = rg->is_heap ? rg->addr : aot_meta_from_requested(m, ar, rg->addr);
				if (addr >= lo && addr - lo < rg->used) {
					if (region)
						*region = rg->name;
					return ar;
				}
			}
		}
	}
	return NULL;
}

bool aot_meta_in_archive(const struct aot_meta *m, uint64_t addr)
{
	const char *rg;
	const struct aot_archive *ar = aot_meta_archive_of(m, addr, &rg);
	return ar && (!strcmp(rg, "rw") || !strcmp(rg, "ro"));
}

/* A constant of one of libjvm's gHotSpotVM constant tables (LOOKUP names which). */
static bool vm_constant(struct aot_meta *m, const char *name,
			const struct aot_vm_const *(*lookup)(const struct aot_vmstructs *, const char *),
			int64_t *v)
{
	struct aot_jvm *j;
	struct aot_err *err = aot_session_jvm(m->s, &j);
	if (err) {
		aot_err_free(err);
		return false;
	}
	const struct aot_vm_const *c = j->vm ? lookup(j->vm, name) : NULL;
	if (!c || c->origin == AOT_VM_UNKNOWN)
		return false;
	*v = c->value;
	return true;
}

bool aot_meta_int_constant(struct aot_meta *m, const char *name, int64_t *v)
{
	return vm_constant(m, name, aot_vmstructs_int, v);
}

bool aot_meta_long_constant(struct aot_meta *m, const char *name, int64_t *v)
{
	return vm_constant(m, name, aot_vmstructs_long, v);
}
