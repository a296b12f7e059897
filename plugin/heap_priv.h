/* What heap.c, heap_fields.c, heap_print.c and heap_map.c share, and nobody else needs. */
#ifndef AOTDBG_HEAP_PRIV_H
#define AOTDBG_HEAP_PRIV_H

#include "archive.h"
#include "heap.h"
#include "strbuf.h"

struct heap_klass_slot {
	uint64_t addr;
	struct aot_heap_class *c;
};

struct aot_heap_priv {
	/* Klass::_lh_* and BasicType values of this build (gHotSpotVMIntConstants). */
	int lh_tag_shift, lh_tag_type, lh_tag_obj, lh_hsize_shift, lh_hsize_mask;
	int lh_etype_shift, lh_etype_mask, lh_l2_shift, lh_l2_mask, lh_slow_bit;
	int t_boolean, t_char, t_float, t_double, t_byte, t_short, t_int, t_long, t_object, t_array;
	unsigned mark_klass_shift;	/* compact headers: markWord::klass_shift */
	uint64_t nk_base;		/* session address narrow klass 0 stands for */
	unsigned nk_shift;
	/* The class cache: open addressing on the Klass address. */
	struct heap_klass_slot *tab;
	size_t cap, n;
	/* vmSymbols, for injected fields' names */
	bool vmsyms_done;
	uint64_t *vmsyms;
	size_t nvmsyms;
	struct aot_err *vmsyms_err;
	/* Field offsets of java.lang.String and java.lang.Class, -1 until known. */
	bool string_done, class_done;
	int string_value, string_coder;
	int class_klass, class_array_klass, class_oop_size, class_static_oop_count;
	/* 26+: Universe's filler array class, which the map names for fillers */
	bool filler_done;
	struct aot_heap_class *filler_cls;
	/* 25: the heap's native-pointer map (fields the map prints as metadata pointers) */
	bool ptrmap_done, have_ptrmap;
	struct aot_bitmap ptrmap;
};

void aot_heap_priv_free(struct aot_heap *h);


/* heap_print.c's texts, appended to B. */
void aot_heap_oop_info_sb(struct aot_heap *h, const struct aot_heap_obj *o, struct aot_sbuf *b);
void aot_heap_ref_sb(struct aot_heap *h, uint64_t target, uint32_t narrow, struct aot_sbuf *b);
void aot_heap_field_value_sb(struct aot_heap *h, uint64_t obj, const struct aot_heap_field *f,
			     struct aot_sbuf *b);
/* A mirror's signature as 26+ print it: " Ljava/lang/Object; (aot-inited)", " [I", " I". */
void aot_heap_mirror_sig_sb(struct aot_heap *h, const struct aot_heap_obj *o, struct aot_sbuf *b);

/* A corrupt heap object: "PATH: offset 0x…: FIELD: heap object at 0x…: …". */
struct aot_err *aot_heap_errf(const struct aot_heap *h, uint64_t addr, const char *field,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A mirror's oop_size field, in words. */
struct aot_err *aot_heap_mirror_size(struct aot_heap *h, const struct aot_heap_obj *o, int32_t *words);

/* The text of vmSymbol ID of the heap's archive, malloc'd. */
struct aot_err *aot_heap_vmsym(struct aot_heap *h, unsigned id, char **ret);

/*
 * The class the JVM's 26+ map gives a filler: Universe::fillerArrayKlass,
 * [Ljdk/internal/vm/FillerElement; (the bytes say Object[]).  NULL if the
 * archive's tables do not name it.
 */
struct aot_heap_class *aot_heap_filler_class(struct aot_heap *h);

/* Whether the 8-byte slot at ADDR is marked in the heap's native-pointer map. */
bool aot_heap_native_ptr(struct aot_heap *h, uint64_t addr);

#endif
