/*
 * The archived Java heap of an archive: JDK 17's closed and open heap
 * regions, the hp region of 21 and later.  Objects lie end to end from the
 * start of each region, so a walk decodes one header after another: the
 * klass from the narrow klass (or, with compact object headers, from the
 * mark word), the size from the klass's layout helper, an array's length.
 * docs/heap.md describes the layouts per JDK and what the JVM's map prints.
 *
 * Heap addresses are the archive's requested heap addresses: the session
 * never moves the heap.  Klass addresses are session addresses (--base moves
 * them with the metadata).
 */
#ifndef AOTDBG_HEAP_H
#define AOTDBG_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "klass.h"
#include "meta.h"
#include "out.h"

/* What an object is, as far as printing it the JVM's way cares. */
enum aot_hobj_kind {
	AOT_HOBJ_INSTANCE,
	AOT_HOBJ_STRING,	/* java.lang.String */
	AOT_HOBJ_MIRROR,	/* java.lang.Class */
	AOT_HOBJ_OBJ_ARRAY,
	AOT_HOBJ_TYPE_ARRAY,
	AOT_HOBJ_ROOTS,		/* the roots objArray (17, 21) or one roots segment (25+) */
	AOT_HOBJ_FILLER,	/* 21, 25: the Object[] the writer puts before a 1 MB boundary */
};

/* A field of a heap object's class, named as the JVM's map names it. */
struct aot_heap_field {
	uint32_t offset;
	char *name;		/* "hash"; NULL if the name cannot be read */
	char *sig;		/* "I", "[B", "Ljava/lang/String;" */
	uint16_t access;	/* class-file access flags */
	bool injected, is_static;
};

/* A class of heap objects, decoded once per heap (the klass cache). */
struct aot_heap_class {
	struct aot_klass k;	/* name, ext_name, layout_helper, super, constants, … */
	bool is_array, is_obj_array;
	unsigned elem_type;	/* type arrays: the BasicType of the elements */
	unsigned hdr_size, log2_esize;
	int aot_inited;		/* Klass::has_aot_initialized_mirror(): 1, 0, or -1 unknown */
	/* Instance fields, the superclasses' included, by offset; and the static ones. */
	bool fields_done;
	struct aot_heap_field *fields, *statics;
	size_t nfields, nstatics;
};

struct aot_heap_obj {
	uint64_t addr;
	uint32_t narrow;	/* the narrowOop of ADDR (0 without compressed oops) */
	uint64_t mark;
	uint64_t klass;		/* Klass*, session address */
	struct aot_heap_class *cls;
	uint64_t size;		/* bytes */
	int64_t length;		/* arrays; -1 for instances */
	enum aot_hobj_kind kind;
	unsigned region;	/* index into aot_heap.regions */
	int segment;		/* 25+ AOT_HOBJ_ROOTS: which roots segment; else -1 */
};

struct aot_heap_region {
	const char *name;	/* "hp", "ca0", "oa0", … */
	const char *title;	/* the map's section title: "heap", "closed heap region", … */
	uint64_t start, end;
	const struct aot_region *r;
};

#define AOT_HEAP_MAX_REGIONS 4

struct aot_heap_priv;

/* Read-only for callers. */
struct aot_heap {
	struct aot_meta *m;
	const struct aot_archive *ar;	/* the archive holding the heap */
	int feature;			/* JDK feature release */
	unsigned nregions;		/* 0: the archive has no heap */
	struct aot_heap_region regions[AOT_HEAP_MAX_REGIONS];	/* in region table order */
	bool compressed_oops, compact_headers;
	uint64_t oop_base;
	unsigned oop_shift;
	unsigned obj_align;
	unsigned klass_off, length_off;	/* in an object; klass_off 0 with compact headers */
	unsigned ref_size;		/* 4 with compressed oops, else 8 */
	/* Roots: 17/21 one objArray; 25+ segments of at most seg_max_elems. */
	uint64_t roots;
	uint64_t seg_base, seg_max_bytes;
	uint32_t nsegs, roots_count, seg_max_elems;
	struct aot_heap_priv *p;
};

/*
 * The heap of AR (a dynamic archive has none: nregions 0).  Reads the
 * header's encodings and the roots; classes are decoded as objects need
 * them.  Streamed heaps (26+ object_streaming_mode) are refused as
 * unsupported.
 */
struct aot_err *aot_heap_open(struct aot_meta *m, const struct aot_archive *ar, struct aot_heap **ret);
void aot_heap_close(struct aot_heap *h);	/* NULL-safe */

/*
 * Decode the object starting at ADDR.  Every field read from the heap is
 * checked: a klass that is not an archived Klass, a length out of range, a
 * size of 0 or past the end of the region fail with an error naming the
 * file offset, the field and the address.
 */
struct aot_err *aot_heap_decode(struct aot_heap *h, uint64_t addr, struct aot_heap_obj *o);

typedef struct aot_err *(*aot_heap_fn)(struct aot_heap *h, const struct aot_heap_obj *o, void *arg);

/*
 * Visit every object of region I in address order.  A decoding error stops
 * the walk at that object and is returned; FN's errors are returned as is.
 */
struct aot_err *aot_heap_walk_region(struct aot_heap *h, unsigned i, aot_heap_fn fn, void *arg);
/* Every object of every heap region, in address order. */
struct aot_err *aot_heap_walk(struct aot_heap *h, aot_heap_fn fn, void *arg);

/*
 * The object containing ADDR, found by walking its region: NOT_FOUND when
 * ADDR is in no heap region (or past the last object of one).
 */
struct aot_err *aot_heap_containing(struct aot_heap *h, uint64_t addr, struct aot_heap_obj *o);

/* Whether ADDR is in one of the heap's regions. */
bool aot_heap_contains(const struct aot_heap *h, uint64_t addr);

/*
 * A reference field or element at SLOT: *TARGET the object's address (0
 * for null) and *NARROW the stored narrowOop.
 */
struct aot_err *aot_heap_ref(struct aot_heap *h, uint64_t slot, uint64_t *target, uint32_t *narrow);
/* The narrowOop the JVM prints for ADDR. */
uint32_t aot_heap_narrow(const struct aot_heap *h, uint64_t addr);

/* The address of element I of array O. */
uint64_t aot_heap_elem_addr(const struct aot_heap_obj *o, uint64_t i);

/* --- heap_fields.c: what objects hold --- */

/* The fields of C, decoded on first use (borrowed from the heap). */
struct aot_err *aot_heap_class_fields(struct aot_heap *h, struct aot_heap_class *c);

/*
 * A String's characters: *CHARS (malloc'd) holds *N UTF-16 units; *LATIN1
 * says which coder the String has.  *CHARS is NULL when value is null.
 */
struct aot_err *aot_heap_string(struct aot_heap *h, const struct aot_heap_obj *o, uint16_t **chars,
				size_t *n, bool *latin1);

/*
 * What a java.lang.Class mirror stands for: *KLASS the class it mirrors (0
 * for a primitive type's mirror), *ARRAY_KLASS its array class (the
 * primitive's type array class, 0 for void).
 */
struct aot_err *aot_heap_mirror(struct aot_heap *h, const struct aot_heap_obj *o, uint64_t *klass,
				uint64_t *array_klass);

/* The class object at KLASS in the heap's class cache (decoding it on first use). */
struct aot_err *aot_heap_class_at(struct aot_heap *h, uint64_t klass, struct aot_heap_class **ret);

/* --- heap_print.c: the JVM's own words for objects --- */

/*
 * The texts below are the bytes the JVM prints: a String's characters as
 * their low bytes, so they may hold NUL and newline bytes.  *LEN (if not
 * NULL) gets the length; aot_heap_out_jvm() prints such a text as the
 * JVM's log does.
 */

/*
 * The JVM's print_oop_info for O: "(0xfff80633) java.lang.String \"abc\"",
 * "[B length: 20", a mirror's signature, as 25+ print it (without the
 * address).  malloc'd.
 */
char *aot_heap_oop_info(struct aot_heap *h, const struct aot_heap_obj *o, size_t *len);

/*
 * The line the JVM's map prints for O (no newline), malloc'd: JDK 21
 * "0x…: @@ Object java.lang.String" (and "@@ Object HeapShared::roots
 * (ObjArray)", "@@ Unused heap space N bytes" at a filler), 25 "0x…: @@
 * Object (0x…) …" ("Heap roots segment [N]", "@@ Object filler N bytes"),
 * 26/27 the same with the roots as an ordinary array.  JDK 17 prints no
 * heap objects: 21's form is used (our addition).
 */
char *aot_heap_obj_line(struct aot_heap *h, const struct aot_heap_obj *o, size_t *len);

/*
 * The JVM's text for the value of field F of the object at OBJ, as the
 * map's field lines show it after the offset ("490898915 (0x1d4285e3)",
 * "0x… (0x…) java.lang.String \"…\"", "null").  malloc'd.
 */
char *aot_heap_field_value(struct aot_heap *h, uint64_t obj, const struct aot_heap_field *f, size_t *len);

/* "private final 'value' '[B' @20": the JVM's fieldDescriptor::print_on.  malloc'd. */
char *aot_heap_field_decl(const struct aot_heap *h, const struct aot_heap_field *f);

/* --- heap_map.c: the heap section of aot-map, and counts --- */

/*
 * Print TEXT (LEN bytes) as lines of the JVM's log: a newline byte ends a
 * line and starts another, and each line ends at its first NUL (LogStream
 * keeps lines as C strings).
 */
void aot_heap_out_jvm(struct aot_out *o, const char *text, size_t len);

enum {
	AOT_HEAP_MAP_HEX = 1,		/* the hex dump lines (trace level) */
	AOT_HEAP_MAP_FIELDS = 2,	/* 25+: fields and elements (aot+map+oops) */
	AOT_HEAP_MAP_ALL = 4,		/* 21: go on past the filler where the JVM's map stops */
};

/*
 * The heap section(s) of AR's map: the section lines, one line per object
 * exactly as the archive's JVM prints them, and with the flags the lines
 * the JVM prints at trace level.  In JSON mode a list "heap_objects" of
 * {address, narrow, klass, class, size, length, kind, region}.  Nothing for an
 * archive without a heap.  A corrupt object ends the listing with an error
 * naming it, after the lines before it.
 */
struct aot_err *aot_heap_map_out(struct aot_meta *m, const struct aot_archive *ar, struct aot_out *o,
				 unsigned flags);

struct aot_heap_class_stat {
	uint64_t klass;
	const char *name;	/* external name, borrowed from the heap */
	uint64_t count, bytes;
};

struct aot_heap_totals {
	uint64_t objects, bytes;	/* every object the walk met, fillers and roots included */
	uint64_t fillers, filler_bytes;	/* the writer's filler arrays (counted in no class) */
	uint64_t roots;			/* elements of the roots array or segments */
};

/*
 * Objects and bytes per class, by bytes then name (fillers apart, in the
 * totals); *RET is malloc'd.
 */
struct aot_err *aot_heap_stats(struct aot_heap *h, struct aot_heap_class_stat **ret, size_t *n,
			       struct aot_heap_totals *totals);

/* aot-stats' heap rows ("heap": class, count, bytes, klass) and "heap_total". */
struct aot_err *aot_heap_stats_out(struct aot_meta *m, const struct aot_archive *ar, struct aot_out *o);

#endif
