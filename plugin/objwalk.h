/*
 * Every archived metadata object of an archive, found the way the JVM's
 * MetaspaceClosure finds them: from the archive's roots (its class tables
 * and symbol table), following each type's pointers.  The archive stores no
 * index of its objects, so this walk is the only way to say where one ends
 * and the next begins.
 *
 * The pointer map marks every pointer slot, so it also finds pointers no
 * type visitor names: a slot pointing at an object with a cloned vtable
 * types that object by its vtable.  The objects of a region are laid end to
 * end; what the walk does not cover becomes an "Unknown" object, never a
 * silent hole.  See docs/objwalk.md.
 */
#ifndef AOTDBG_OBJWALK_H
#define AOTDBG_OBJWALK_H

#include "meta.h"

struct aot_mobj {
	uint64_t addr;
	uint32_t size;
	uint8_t type;		/* enum aot_mtype */
	uint8_t region;		/* 0 rw, 1 ro */
	bool info_word;		/* an InstanceKlass the word before which holds its RunTimeClassInfo* */
	uint64_t owner;		/* Method of a ConstMethod/MethodCounters/…, CP of a cache: for names */
};

struct aot_problem {
	uint64_t addr;
	char *msg;
};

/* A field typed by walk_infer.c: HOLDER's pointer at OFF points at arrays of 1 << KIND bytes. */
struct aot_learned {
	uint8_t holder;
	uint32_t off;
	uint8_t kind;
};

struct aot_objmap {
	const struct aot_archive *ar;
	struct aot_mobj *v;	/* sorted by address, Unknown gaps included */
	size_t n;
	/* [0] rw, [1] ro: where the region starts, its used end, and the end the map prints ("Misc data") */
	uint64_t base[2], top[2], end[2];
	uint64_t first[2];		/* where the first object starts (== end[i] if none) */
	uint64_t misc[2];		/* where Misc data starts (== end[i] if none) */
	size_t unknown, unknown_bytes;
	size_t inferred;	/* typed by shape, for want of a field's layout (stripped builds) */
	struct aot_learned *learned;
	size_t nlearned;
	struct aot_problem *problems;
	size_t nproblems;
	/* every marked pointer slot of rw and ro, sorted, session space */
	uint64_t *slots;
	size_t nslots;
};

/*
 * The object map of AR (the session's first archive when AR is NULL): built
 * on first use and kept by the metadata context.  Problems found on the way
 * (corrupt pointers, sizes, cycles) are recorded in it, not returned: the
 * map of what could be read is still useful.
 */
struct aot_err *aot_objmap_get(struct aot_meta *m, const struct aot_archive *ar,
			       const struct aot_objmap **ret);
void aot_objmap_free(struct aot_objmap *om);

/* The object containing ADDR, or NULL; *BEFORE (may be NULL) the last one starting at or below it. */
const struct aot_mobj *aot_objmap_find(const struct aot_objmap *om, uint64_t addr,
				       const struct aot_mobj **before);

/*
 * Whether the JVM's map line for O has a name column (printed even when
 * empty), and the name: malloc'd, NULL if it cannot be read.
 */
bool aot_mobj_has_name(const struct aot_meta *m, const struct aot_mobj *o);
char *aot_mobj_name(struct aot_meta *m, const struct aot_mobj *o);

void aot_name_cache_free(struct aot_name_cache *c);	/* NULL-safe */

/* "it is inside Method void A.b() at 0x…, at offset 16", "it is a Symbol: …", or NULL: for error messages. */
char *aot_objmap_describe(struct aot_meta *m, uint64_t addr);

#endif
