/*
 * Reading HotSpot metadata out of an address space: the context every
 * decoder (klass.c, method.c, cpool.c, …) shares.  It ties together where
 * bytes come from (the session's target), what they mean (the layouts of
 * the matching libjvm) and how to recognise an object's C++ type (the
 * archive's cloned vtables).
 *
 * Addresses are always in the session's space: the archive's requested
 * base, or the --base the user gave.
 */
#ifndef AOTDBG_META_H
#define AOTDBG_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "layout.h"
#include "session.h"
#include "target.h"

/*
 * The types of archived metadata objects.  The first group has C++ vtables
 * and is recognised by its vtable pointer; the others are known only by
 * what points at them.  Names are MetaspaceObj's, as the JVM's map prints.
 */
enum aot_mtype {
	AOT_MT_UNKNOWN = 0,
	AOT_MT_CONSTANT_POOL,
	AOT_MT_INSTANCE_KLASS,
	AOT_MT_INSTANCE_CLASS_LOADER_KLASS,
	AOT_MT_INSTANCE_MIRROR_KLASS,
	AOT_MT_INSTANCE_REF_KLASS,
	AOT_MT_INSTANCE_STACK_CHUNK_KLASS,
	AOT_MT_METHOD,
	AOT_MT_METHOD_DATA,
	AOT_MT_METHOD_COUNTERS,
	AOT_MT_OBJ_ARRAY_KLASS,
	AOT_MT_TYPE_ARRAY_KLASS,
	AOT_MT_KLASS_TRAINING_DATA,
	AOT_MT_METHOD_TRAINING_DATA,
	AOT_MT_COMPILE_TRAINING_DATA,
	/* no vtable */
	AOT_MT_SYMBOL,
	AOT_MT_CONST_METHOD,
	AOT_MT_CONSTANT_POOL_CACHE,
	AOT_MT_ARRAY_U1,
	AOT_MT_ARRAY_U2,
	AOT_MT_ARRAY_U4,
	AOT_MT_ARRAY_U8,
	AOT_MT_ARRAY_OTHER,
	AOT_MT_ANNOTATIONS,
	AOT_MT_RECORD_COMPONENT,
	AOT_MT_ADAPTER_HANDLER_ENTRY,
	AOT_MT_ADAPTER_FINGERPRINT,
	AOT_MT_SHARED_CLASS_PATH_ENTRY,	/* 21 */
	AOT_MT_MODULE_ENTRY,		/* 27 */
	AOT_MT_PACKAGE_ENTRY,
	AOT_MT_CARRAY,
	AOT_MT_GROWABLE_ARRAY,
	AOT_MT_COUNT
};

/* C++ class name ("InstanceKlass"); MetaspaceObj type name as in the map ("Class"). */
const char *aot_mtype_cxx_name(enum aot_mtype t);
const char *aot_mtype_map_name(enum aot_mtype t);
bool aot_mtype_is_klass(enum aot_mtype t);
bool aot_mtype_is_instance_klass(enum aot_mtype t);
/* "a Method", "an InstanceKlass": for messages. */
const char *aot_mtype_article(enum aot_mtype t);

#define AOT_MAX_VTABLE_KINDS 24

/* The cloned vtables of one static archive (a dynamic one uses its base's). */
struct aot_vtables {
	const struct aot_archive *ar;
	unsigned n;
	uint64_t index;			/* where the index is */
	uint64_t vtable[AOT_MAX_VTABLE_KINDS];	/* address objects' vptrs hold */
	uint64_t size[AOT_MAX_VTABLE_KINDS];	/* slots */
	enum aot_mtype type[AOT_MAX_VTABLE_KINDS];
};

/* The classes an archive's tables name (class_tables.c), read once per session. */
struct aot_meta_tables {
	const struct aot_archive *ar;
	struct aot_table_class *v;
	size_t n;
	struct aot_err *err;
};

struct aot_objmap;

/* What map_names.c keeps between names (objwalk.h). */
struct aot_name_cache;

struct aot_meta {
	struct aot_session *s;
	struct aot_target *t;
	const struct aot_layout *l;
	int feature;			/* JDK feature release of the archives */
	unsigned nvt;
	struct aot_vtables vt[AOT_SESSION_MAX_ARCHIVES];
	/* aot_layout_get() of every declared field, looked up once */
	uint64_t off[AOT_LF_COUNT], size[AOT_LF_COUNT];
	bool have[AOT_LF_COUNT];
	struct aot_meta_tables tables[2 * AOT_SESSION_MAX_ARCHIVES];
	unsigned ntables;
	struct aot_objmap *objmaps[AOT_SESSION_MAX_ARCHIVES];	/* objwalk.h */
	unsigned nobjmaps;
	struct aot_name_cache *names;
};

/* The session's metadata context, built on first use; borrowed. */
struct aot_err *aot_session_meta(struct aot_session *s, struct aot_meta **ret);
void aot_meta_destroy(struct aot_meta *m);	/* NULL-safe */

/*
 * The classes AR's own tables name (see class_tables.h), decoded on first
 * use and kept: borrowed.
 */
struct aot_table_class;
struct aot_err *aot_meta_class_tables(struct aot_meta *m, const struct aot_archive *ar,
				      const struct aot_table_class **v, size_t *n);

/* Whether the layout knows field F (some fields exist only in some JDKs). */
bool aot_meta_has(const struct aot_meta *m, enum aot_lf f);

/*
 * The value of field F of the object at OBJ, zero-extended from its size.
 * Errors name the field and the address.
 */
struct aot_err *aot_meta_get(struct aot_meta *m, uint64_t obj, enum aot_lf f, uint64_t *v);
/* Same, signed (sign-extended from the field's size). */
struct aot_err *aot_meta_get_signed(struct aot_meta *m, uint64_t obj, enum aot_lf f, int64_t *v);
/* Offset (or static address / type size) of F. */
struct aot_err *aot_meta_off(const struct aot_meta *m, enum aot_lf f, uint64_t *off);

struct aot_err *aot_meta_read(struct aot_meta *m, uint64_t addr, void *dst, size_t len);
struct aot_err *aot_meta_u64(struct aot_meta *m, uint64_t addr, uint64_t *v);
struct aot_err *aot_meta_u16(struct aot_meta *m, uint64_t addr, uint16_t *v);
struct aot_err *aot_meta_u8(struct aot_meta *m, uint64_t addr, uint8_t *v);

/*
 * The Array<T> at ARR (oops/array.hpp): its length, and the address of
 * element 0.  DATA is that Array type's _data field; every Array<T> starts
 * with its int _length.  More than MAX elements is refused as corrupt.
 */
struct aot_err *aot_meta_array(struct aot_meta *m, uint64_t arr, enum aot_lf data, uint32_t max,
			       uint32_t *len, uint64_t *first);

/* The vtable-typed type of the object at ADDR, or AOT_MT_UNKNOWN. */
enum aot_mtype aot_meta_vtype(struct aot_meta *m, uint64_t addr);

/* The archive (and region name) holding ADDR, or NULL. */
const struct aot_archive *aot_meta_archive_of(const struct aot_meta *m, uint64_t addr,
					      const char **region);
/* ADDR is in an archive's metadata regions (rw, ro). */
bool aot_meta_in_archive(const struct aot_meta *m, uint64_t addr);

/* The session-space address of a requested-space address of AR. */
uint64_t aot_meta_from_requested(const struct aot_meta *m, const struct aot_archive *ar, uint64_t a);



/* An integer constant of libjvm's gHotSpotVMIntConstants; false if absent. */
bool aot_meta_int_constant(struct aot_meta *m, const char *name, int64_t *v);
/* The same from gHotSpotVMLongConstants (markWord's, for one). */
bool aot_meta_long_constant(struct aot_meta *m, const char *name, int64_t *v);
#endif
