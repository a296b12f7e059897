/* Between the object walk's engine (objwalk.c) and its type visitors (walk_*.c). */
#ifndef AOTDBG_OBJWALK_INTERNAL_H
#define AOTDBG_OBJWALK_INTERNAL_H

#include "objwalk.h"

struct aot_walk_item {
	uint64_t addr, owner, from;
	uint8_t type;
};

/* A marked slot of a typed object pointing at something no rule typed (yet). */
struct aot_walk_edge {
	uint64_t target;
	uint32_t off;		/* of the slot in its holder */
	uint8_t holder;		/* enum aot_mtype */
};

struct aot_walk {
	struct aot_meta *m;
	struct aot_objmap *om;
	const struct aot_objmap *base_om;	/* a dynamic archive's base's map, for walk_infer.c */
	size_t cap;			/* of om->v */
	uint64_t *hkeys;		/* objects already queued: open addressing */
	size_t hcap, hn;
	struct aot_walk_item *work;
	size_t nwork, capwork;
	struct aot_walk_edge *edges;
	size_t nedges, capedges;
	bool infer;			/* the layout lacks DWARF-only fields: type their targets by shape */
	size_t inferred;		/* objects typed by shape (walk_infer.c) */
	uint64_t *starts;		/* walk_infer.c: the edges' targets, sorted */
	size_t nstarts;
	size_t dropped_problems;
	size_t lost;			/* objects past the end of a file cut short */
	bool oom;
	/*
	 * walk_aot_sizes.c: sizes measured from the archive where the layout
	 * lacks them (no DWARF); [AOT_MT_ARRAY_OTHER] is a ci_records record's.
	 */
	uint64_t measured[AOT_MT_COUNT];
};

/*
 * Queue the object at ADDR as type T, unless it was queued before or is not
 * in this archive's rw/ro.  OWNER names it (a ConstMethod's Method, a
 * cache's ConstantPool); for AOT_MT_ARRAY_OTHER it is the element size.
 * FROM is the slot that pointed at it, for problem reports.
 */
void aot_walk_push(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t owner, uint64_t from);
void aot_walk_problem(struct aot_walk *w, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 0 for rw, 1 for ro, -1 outside both. */
int aot_walk_region_of(const struct aot_walk *w, uint64_t addr);

/* Marked slots of [ADDR, ADDR+SIZE): *FIRST the index of the first in om->slots, the count returned. */
size_t aot_walk_slots(const struct aot_walk *w, uint64_t addr, uint64_t size, size_t *first);

/* AOT_MT_ARRAY_OTHER's owner word: its element size and data offset. */
#define AOT_WALK_OTHER(esz, doff) (((uint64_t)(doff) << 32) | (uint32_t)(esz))

/* Queue what field F of OBJ points at as a T (nothing if the layout lacks F): walk_types.c. */
void aot_walk_push_field(struct aot_walk *w, uint64_t obj, enum aot_lf f, enum aot_mtype t, uint64_t owner);

/*
 * Each marked slot of [ADDR, ADDR+SIZE) but SKIP that points at something
 * without a vtable points at a T: queue it (vtable types the engine queues).
 */
void aot_walk_push_other_slots(struct aot_walk *w, uint64_t addr, uint64_t size, uint64_t skip,
			       enum aot_mtype t);

/*
 * Array<T>::size() in bytes: LEN elements of ESZ bytes from DOFF on.
 * sizeof(Array<T>) holds one element, padded to the int's alignment at least.
 */
uint64_t aot_walk_array_bytes(uint64_t len, uint64_t esz, uint64_t doff);

/*
 * The object at ADDR is a T: its size in bytes, and queue what it points at.
 * *OWNER may be updated (a Method names its ConstMethod's owner).  walk_types.c.
 */
struct aot_err *aot_walk_visit(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t *size,
			       uint64_t *owner);

/* The first index of the sorted V[N] whose value is not below X. */
size_t aot_u64_lower_bound(const uint64_t *v, size_t n, uint64_t x);
/* qsort's comparison of uint64_t. */
int aot_cmp_u64(const void *a, const void *b);

/* Whether ADDR was queued. */
bool aot_walk_seen(const struct aot_walk *w, uint64_t addr);
/* Sort the objects found so far by address (the engine's final pass sorts again). */
void aot_walk_sort(struct aot_walk *w);
/* Type the targets of untyped fields by their shape (walk_infer.c); true if any was queued. */
bool aot_walk_infer(struct aot_walk *w);
/*
 * walk_aot.c: the types only AOT caches and 27's module graph hold; the
 * adapter of a Method (CM_SLOT: its _constMethod slot); an InstanceKlass's
 * PackageEntry (27).  walk_aot_roots.c: the AOT tables of the serialized data.
 */
struct aot_err *aot_walk_visit_aot(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t *size,
				   uint64_t *owner);
void aot_walk_method_aot(struct aot_walk *w, uint64_t method, uint64_t size, uint64_t cm_slot);
void aot_walk_klass_aot(struct aot_walk *w, uint64_t ik);
void aot_walk_aot_roots(struct aot_walk *w);
/* walk_aot_sizes.c: sizeof a T from F, or measured from the archive when the build lacks F. */
struct aot_err *aot_walk_aot_size(struct aot_walk *w, enum aot_mtype t, enum aot_lf f, uint64_t *size);
struct aot_err *aot_walk_fingerprint_size(struct aot_walk *w, uint64_t addr, uint64_t *size);
void aot_walk_adapter_fingerprint(struct aot_walk *w, uint64_t ahe, uint64_t size);
bool aot_walk_td_array(struct aot_walk *w, uint64_t arr);
/* Without DWARF: a CompileTrainingData's ci_records array, queued when its record size can be measured. */
void aot_walk_ci_records(struct aot_walk *w, uint64_t ctd, uint64_t size);

/* Objects the archive's serialized data names that no class reaches (walk_roots.c). */
void aot_walk_roots(struct aot_walk *w);

#endif
