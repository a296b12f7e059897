/*
 * The classes an archive's own tables name (class_tables.h).
 *
 * The JVM finds its archived classes through the serialized data stream
 * (_serialized_data in the header): a sequence of 8-byte slots written by
 * MetaspaceShared::serialize() (AOTMetaspace::serialize() in 26+) and, for a
 * dynamic archive, ArchiveBuilder::serialize_dynamic_archivable_items().
 * The slots hold the headers of the CompactHashtables that are the
 * SystemDictionaryShared dictionaries, the AOTLinkedClassTable lists, the
 * vmClasses and Universe's array klasses.  We decode the same slots.
 *
 * Parts of the stream have a length that depends on the build (vmSymbols,
 * JavaClasses offsets, vmClasses), so we find the do_tag() markers the
 * JVM itself checks (-1, -2, ... 666) and take positions relative to them.
 * None of CompactHashtable, RunTimeClassInfo or AOTLinkedClassTable is in
 * the gHotSpotVM tables, so their few facts live in the recipe table below;
 * every klass found is checked against the cloned C++ vtables (vtables.c),
 * and the stream's own copy of the vtable index must name the same ones.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_tables.h"
#include "live.h"
#include "layout.h"
#include "meta.h"
#include "session.h"
#include "target.h"

/* Caps on what hostile input may make us do. */
#define CT_MAX_SLOTS (1u << 16)		/* real streams: < 4000 slots */
#define CT_MAX_TABLE (1u << 22)		/* entries or buckets of one table */
#define CT_MAX_ARRAY (1u << 20)		/* elements of one Array<Klass*> */
#define CT_MAX_CHAIN 4096		/* lambda proxies sharing one key */
#define CT_MAX_VM_CLASSES 512

/* CompactHashtable bucket word: type in the top 2 bits (compactHashtable.hpp). */
#define CT_BUCKET_OFFSET_MASK 0x3fffffffu
#define CT_BUCKET_TYPE_SHIFT 30
#define CT_BUCKET_REGULAR 0	/* (hash, value) pairs up to the next bucket */
#define CT_BUCKET_VALUE_ONLY 1	/* one value */

#define CT_TAG_END 666

/* The kind of Klass a table entry must be, by its cloned vtable (K_ANY: any Klass). */
enum ct_kind { K_ANY = -1, K_I, K_OA, K_TA };

/*
 * One recipe per JDK feature release.  Slot positions are counted from a
 * tag; "before" counts are how many slots before the tag.  Sources:
 * metaspaceShared.cpp / aotMetaspace.cpp serialize(), universe.cpp
 * Universe::serialize(), compactHashtable.cpp, runTimeClassInfo.hpp,
 * lambdaProxyClassDictionary.hpp (systemDictionaryShared.hpp before 25),
 * aotLinkedClassTable.cpp, archiveBuilder.cpp, cppVtables.cpp; checked on
 * the corpus archives listed in docs/class-tables.md.
 */
struct ct_recipe {
	int feature;
	bool ptr_abs;		/* do_ptr slots: absolute pointers (17/21), else narrow offsets */
	bool rtci_narrow;	/* RunTimeClassInfo::_klass is a u4 narrowPtr (25+), else Klass* */
	int vt_slot;		/* CppVtables::serialize: slot of the first entry; -1: after vm_tag */
	bool vt_indirect;	/* that slot points at the _index array (17/21) */
	unsigned nvt;		/* number of cloned vtable kinds */
	int vt_tag_after;	/* tag right after the vtable slots (21+), 0 for none */
	int uni_tag;		/* the tag that ends Universe::serialize() */
	unsigned uni_tarr;	/* _typeArrayKlassObjs[T_BOOLEAN]: slots before uni_tag (8 of them) */
	unsigned uni_oarr;	/* _objectArrayKlassObj: slots before uni_tag */
	unsigned uni_filler;	/* _fillerArrayKlassObj: slots before uni_tag; 0: none */
	int tbl_tag;		/* the tag before SymbolTable's header */
	unsigned skip;		/* SymbolTable + StringTable + HeapShared slots before the dictionaries */
	unsigned linked;	/* AOTLinkedClassTable slots after the dictionaries (25+: 4) */
	unsigned after_linked;	/* FinalImageRecipes + TrainingData slots, then the mirror offset */
	int vm_tag;		/* the tag after the vmClasses */
	unsigned lambda_head;	/* RunTimeLambdaProxyClassInfo::_proxy_klass_head offset */
	/*
	 * The dynamic stream: DynamicArchive::_dynamic_archive_array_klasses
	 * after the dictionaries (25, 26), then the AOTLinkedClassTable (25).
	 * The stream is the last thing in ro, so its length is checked too.
	 */
	bool dyn_arrays;
	unsigned dyn_linked;
	/*
	 * 21: HeapShared::serialize_root writes the heap roots' narrowOop in
	 * the slot before Universe::serialize, whose 36 slots end at uni_tag:
	 * this many slots before uni_tag.  0: the roots are elsewhere.
	 */
	unsigned heap_roots;
};

static const struct ct_recipe ct_recipes[] = {
	{
		.feature = 17, .ptr_abs = true, .rtci_narrow = false,
		.vt_slot = -1, .vt_indirect = true, .nvt = 8,
		.vt_tag_after = 0,
		.uni_tag = -2, .uni_tarr = 20, .uni_oarr = 12, .uni_filler = 0,
		.tbl_tag = -3, .skip = 4 + 4 + 4, .linked = 0, .after_linked = 0,
		.vm_tag = -4, .lambda_head = 48, .dyn_arrays = false, .dyn_linked = 0,
	},
	{
		.feature = 21, .ptr_abs = true, .rtci_narrow = false,
		.vt_slot = 9, .vt_indirect = true, .nvt = 9,
		.vt_tag_after = -2,
		.uni_tag = -3, .uni_tarr = 20, .uni_oarr = 12, .uni_filler = 25,
		.tbl_tag = -4, .skip = 4 + 6 + 4, .linked = 0, .after_linked = 0,
		.vm_tag = -5, .lambda_head = 48, .dyn_arrays = false, .dyn_linked = 0,
		.heap_roots = 37,
	},
	{
		.feature = 25, .ptr_abs = false, .rtci_narrow = true,
		.vt_slot = 9, .vt_indirect = false, .nvt = 14,
		.vt_tag_after = -2,
		.uni_tag = -3, .uni_tarr = 15, .uni_oarr = 7, .uni_filler = 20,
		.tbl_tag = -4, .skip = 4 + 6 + 5, .linked = 4, .after_linked = 1 + 4,
		.vm_tag = -5, .lambda_head = 24, .dyn_arrays = true, .dyn_linked = 4,
	},
	{
		.feature = 26, .ptr_abs = false, .rtci_narrow = true,
		.vt_slot = 9, .vt_indirect = false, .nvt = 14,
		.vt_tag_after = -2,
		.uni_tag = -3, .uni_tarr = 15, .uni_oarr = 7, .uni_filler = 20,
		.tbl_tag = -4, .skip = 4 + 6 + 5, .linked = 4, .after_linked = 1 + 4,
		.vm_tag = -5, .lambda_head = 24, .dyn_arrays = true, .dyn_linked = 0,
	},
	{
		/* 27: StringTable's header lost its two extra slots. */
		.feature = 27, .ptr_abs = false, .rtci_narrow = true,
		.vt_slot = 9, .vt_indirect = false, .nvt = 14,
		.vt_tag_after = -2,
		.uni_tag = -3, .uni_tarr = 15, .uni_oarr = 7, .uni_filler = 20,
		.tbl_tag = -4, .skip = 4 + 4 + 5, .linked = 4, .after_linked = 1 + 4,
		.vm_tag = -5, .lambda_head = 24, .dyn_arrays = false, .dyn_linked = 0,
	},
};

/* Decoding state for one archive's stream. */
struct ct_ctx {
	struct aot_target *t;
	const struct aot_archive *ar;	/* whose stream */
	const struct ct_recipe *rc;
	uint64_t base;		/* SharedBaseAddress: the session's mapped base */
	uint64_t delta;		/* session address - requested address */
	unsigned scale;		/* narrow pointers are byte offsets / scale */
	uint64_t sd;		/* slot 0, session address */
	size_t nslots;		/* slots that fit in the region holding the stream */
	uint64_t lo, hi;	/* session addresses the archive (with its base) occupies */
	struct aot_meta *m;	/* the session's metadata context: the cloned vtables */
	uint64_t arr_len_off, arr_data_off, next_link_off;
	bool have_next_link;
	struct aot_table_class *out;
	size_t n, cap;
};

static const struct ct_recipe *ct_recipe_for(const struct aot_archive *ar)
{
	if (!ar->layout || !ar->layout->jdk)
		return NULL;
	int feature = atoi(ar->layout->jdk);
	for (size_t i = 0; i < sizeof(ct_recipes) / sizeof(ct_recipes[0]); i++)
		if (ct_recipes[i].feature == feature)
			return &ct_recipes[i];
	return NULL;
}

/* File offset of session address ADDR in AR (or its base), for messages. */
static const struct aot_archive *ct_locate(const struct ct_ctx *c, uint64_t addr, uint64_t *off)
{
	uint64_t req = addr - c->delta;
	for (const struct aot_archive *a = c->ar; a; a = a->base)
		for (unsigned i = 0; i < a->nregions; i++) {
			const struct aot_region *r = &a->regions[i];
			if (r->mappable && !r->is_heap && req >= r->addr && req - r->addr < r->used) {
				*off = r->file_offset + (req - r->addr);
				return a;
			}
		}
	*off = addr;
	return c->ar;
}

/* A format error at session address ADDR: "PATH: offset 0xOFF: FIELD: msg". */
static struct aot_err *ct_err(const struct ct_ctx *c, uint64_t addr, const char *field,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static struct aot_err *ct_err(const struct ct_ctx *c, uint64_t addr, const char *field,
			      const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uint64_t off;
	const struct aot_archive *a = ct_locate(c, addr, &off);
	return aot_err_input(a->path, off, field, "%s (address 0x%" PRIx64 ")", msg, addr);
}

static uint64_t ct_slot_addr(const struct ct_ctx *c, size_t i)
{
	return c->sd + 8 * (uint64_t)i;
}

static struct aot_err *ct_slot(const struct ct_ctx *c, size_t i, uint64_t *ret)
{
	if (i >= c->nslots)
		return ct_err(c, c->sd, "serialized data",
			      "slot %zu is past the end of the region holding the stream", i);
	return aot_target_read_u64(c->t, ct_slot_addr(c, i), ret);
}

static bool ct_in_archive(const struct ct_ctx *c, uint64_t addr)
{
	return addr >= c->lo && addr < c->hi;
}

/* A narrow pointer (u4 or slot offset) as a session address; 0 stays null. */
static uint64_t ct_narrow(const struct ct_ctx *c, uint64_t v)
{
	return v ? c->base + v * c->scale : 0;
}

/* Slot I as a pointer: absolute (already relocated by the target) or narrow. */
static struct aot_err *ct_slot_ptr(const struct ct_ctx *c, size_t i, const char *what,
				   uint64_t *ret)
{
	uint64_t v;
	struct aot_err *err = ct_slot(c, i, &v);
	if (err)
		return err;
	*ret = c->rc->ptr_abs ? v : ct_narrow(c, v);
	if (*ret && !ct_in_archive(c, *ret))
		return ct_err(c, ct_slot_addr(c, i), what,
			      "slot %zu should point into the archive, holds 0x%" PRIx64, i, v);
	return NULL;
}

static struct aot_err *ct_expect_tag(const struct ct_ctx *c, size_t i, int tag)
{
	uint64_t v;
	struct aot_err *err = ct_slot(c, i, &v);
	if (err)
		return err;
	if ((int64_t)v != tag)
		return ct_err(c, ct_slot_addr(c, i), "serialized data",
			      "expected tag %d at slot %zu, found %" PRId64, tag, i, (int64_t)v);
	return NULL;
}

/* The first slot at or after FROM holding TAG. */
static struct aot_err *ct_find_tag(const struct ct_ctx *c, size_t from, int tag, size_t *ret)
{
	for (size_t i = from; i < c->nslots; i++) {
		uint64_t v;
		struct aot_err *err = ct_slot(c, i, &v);
		if (err)
			return err;
		if ((int64_t)v == tag) {
			*ret = i;
			return NULL;
		}
	}
	return ct_err(c, ct_slot_addr(c, from), "serialized data",
		      "expected tag %d after slot %zu, not found in the stream", tag, from);
}

/* Set up C to read AR's stream. */
static struct aot_err *ct_ctx_init(struct ct_ctx *c, struct aot_session *s, struct aot_target *t,
				   const struct aot_archive *ar)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->ar = ar;
	c->rc = ct_recipe_for(ar);
	if (!c->rc)
		return aot_errf(AOT_ERR_UNSUPPORTED, "%s: class tables: no recipe for JDK %s",
				ar->path, ar->layout ? ar->layout->jdk : "(unknown)");
	c->base = aot_session_mapped_base(s, ar);
	c->delta = c->base - ar->requested_base;
	c->scale = ar->hptr_scale ? ar->hptr_scale : 1;
	c->lo = ar->space_lo + c->delta;
	c->hi = ar->space_hi + c->delta;
	uint64_t req;
	// Errors name the header field the tables are found by.
	const struct aot_hdr_field *sf = aot_archive_field(ar, AOT_R_SERIALIZED_DATA);
	uint32_t sf_off = sf ? sf->off : 0;
	const char *sf_name = sf ? sf->name : "serialized_data";
	if (!aot_archive_hdr_addr(ar, AOT_R_SERIALIZED_DATA, &req))
		return aot_err_input(ar->path, sf_off, sf_name, "no serialized data in the header");
	const struct aot_region *r = NULL;
	for (unsigned i = 0; i < ar->nregions && !r; i++) {
		const struct aot_region *x = &ar->regions[i];
		if (x->mappable && !x->is_heap && req >= x->addr && req - x->addr < x->used)
			r = x;
	}
	if (!r || (req & 7))
		return aot_err_input(ar->path, sf_off, sf_name,
				     "0x%" PRIx64 " is not an aligned address inside rw/ro", req);
	c->sd = req + c->delta;
	uint64_t n = (r->addr + r->used - req) / 8;
	c->nslots = n > CT_MAX_SLOTS ? CT_MAX_SLOTS : (size_t)n;
	return NULL;
}

static struct aot_err *ct_layout(struct ct_ctx *c, struct aot_session *s)
{
	const struct aot_layout *l;
	struct aot_err *err = aot_session_layout(s, &l);
	if (!err)
		err = aot_layout_get(l, AOT_LF_ARRAY_KLASS_LENGTH, &c->arr_len_off, NULL);
	if (!err)
		err = aot_layout_get(l, AOT_LF_ARRAY_KLASS_DATA, &c->arr_data_off, NULL);
	if (!err)
		err = aot_layout_get(l, AOT_LF_KLASS_NEXT_LINK, &c->next_link_off, NULL);
	return err;
}

/*
 * The cloned vtable index as the static archive's stream holds it
 * (CppVtables::serialize): it must name the vtables the header led
 * vtables.c to, one for one.
 */
static struct aot_err *ct_vtables(struct ct_ctx *c)
{
	const struct ct_recipe *rc = c->rc;
	size_t slot = (size_t)rc->vt_slot;
	struct aot_err *err;
	if (rc->vt_slot < 0) {
		/* 17: -4, the index pointer, -5. */
		err = ct_find_tag(c, 1, rc->vm_tag, &slot);
		if (!err)
			err = ct_expect_tag(c, slot + 2, rc->vm_tag - 1);
		slot++;
	} else if (rc->vt_tag_after) {
		err = ct_expect_tag(c, slot + (rc->vt_indirect ? 1 : rc->nvt), rc->vt_tag_after);
	} else {
		err = NULL;
	}
	if (err)
		return err;
	const struct aot_vtables *vt = NULL;
	for (unsigned i = 0; i < c->m->nvt && !vt; i++)
		if (c->m->vt[i].ar == c->ar)
			vt = &c->m->vt[i];
	if (!vt || vt->n != rc->nvt)
		return ct_err(c, ct_slot_addr(c, slot), "cloned vtables",
			      "the header's vtable index has %u entries, the stream's %u", vt ? vt->n : 0,
			      rc->nvt);
	uint64_t index = 0;
	if (rc->vt_indirect && (err = ct_slot_ptr(c, slot, "cloned vtables", &index)))
		return err;
	for (unsigned k = 0; k < rc->nvt; k++) {
		uint64_t info;
		if (rc->vt_indirect)
			err = aot_target_read_u64(c->t, index + 8 * k, &info);
		else
			err = ct_slot_ptr(c, slot + k, "cloned vtables", &info);
		if (err)
			return err;
		/* CppVtableInfo: {intptr_t _vtable_size; intptr_t _cloned_vtable[]}. */
		if (!info || info + 8 != vt->vtable[k])
			return ct_err(c, rc->vt_indirect ? index + 8 * k : ct_slot_addr(c, slot + k),
				      "cloned vtables", "entry %u is 0x%" PRIx64 ", the header's index has 0x%"
				      PRIx64, k, info, vt->vtable[k] - 8);
	}
	return NULL;
}

static const char *const ct_kind_names[] = { "an InstanceKlass", "an ObjArrayKlass", "a TypeArrayKlass" };

/* Check that KLASS starts with the cloned vtable of a Klass of kind WANT (or any Klass if K_ANY). */
static struct aot_err *ct_check_klass(const struct ct_ctx *c, uint64_t klass, int want,
				      const char *what)
{
	uint64_t vptr;
	struct aot_err *err = ct_in_archive(c, klass) ? aot_target_read_u64(c->t, klass, &vptr)
		: ct_err(c, klass, what, "klass pointer outside the archive");
	if (err)
		return err;
	enum aot_mtype t = aot_meta_vtype(c->m, klass);
	int k = aot_mtype_is_instance_klass(t) ? K_I : t == AOT_MT_OBJ_ARRAY_KLASS ? K_OA
		: t == AOT_MT_TYPE_ARRAY_KLASS ? K_TA : K_ANY;
	if (k != K_ANY && (want == K_ANY || k == want))
		return NULL;
	return ct_err(c, klass, what, "expected %s (a cloned Klass vtable in word 0), found 0x%" PRIx64,
		      want >= 0 ? ct_kind_names[want] : "a Klass", vptr);
}

static struct aot_err *ct_add(struct ct_ctx *c, uint64_t klass, enum aot_class_source src,
			      enum aot_loader hint, int want, const char *what)
{
	struct aot_err *err = ct_check_klass(c, klass, want, what);
	if (err)
		return err;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		struct aot_table_class *p = realloc(c->out, cap * sizeof(*p));
		if (!p)
			return &aot_enomem;
		c->out = p;
		c->cap = cap;
	}
	c->out[c->n++] = (struct aot_table_class){ .addr = klass, .source = (uint8_t)src,
						   .loader_hint = (uint8_t)hint };
	return NULL;
}

/* A lambda proxy and the proxies chained after it through Klass::_next_link. */
static struct aot_err *ct_lambda_chain(struct ct_ctx *c, uint64_t head)
{
	uint64_t k = head;
	for (unsigned i = 0; k && i < CT_MAX_CHAIN; i++) {
		struct aot_err *err = ct_add(c, k, AOT_CSRC_LAMBDA_PROXY_DICT, AOT_LOADER_UNKNOWN, K_I,
					     "lambda proxy class");
		if (!err)
			err = aot_target_read_u64(c->t, k + c->next_link_off, &k);
		if (err)
			return err;
	}
	if (k)
		return ct_err(c, head, "lambda proxy class", "more than %d proxies chained", CT_MAX_CHAIN);
	return NULL;
}

/* One value of a dictionary: a RunTimeClassInfo or RunTimeLambdaProxyClassInfo. */
static struct aot_err *ct_dict_value(struct ct_ctx *c, uint32_t value, enum aot_class_source src)
{
	uint64_t rec = ct_narrow(c, value);
	struct aot_err *err;
	uint64_t klass;
	if (!rec || !ct_in_archive(c, rec))
		return ct_err(c, c->sd, aot_class_source_name(src),
			      "dictionary value 0x%x is not inside the archive", value);
	if (src == AOT_CSRC_LAMBDA_PROXY_DICT) {
		err = aot_target_read_u64(c->t, rec + c->rc->lambda_head, &klass);
		return err ? err : ct_lambda_chain(c, klass);
	}
	if (c->rc->rtci_narrow) {
		uint32_t v;
		err = aot_target_read_u32(c->t, rec, &v);
		klass = ct_narrow(c, v);
	} else {
		err = aot_target_read_u64(c->t, rec, &klass);
	}
	if (!err)
		err = ct_add(c, klass, src, src == AOT_CSRC_UNREGISTERED_DICT ? AOT_LOADER_UNREGISTERED
			     : AOT_LOADER_UNKNOWN, K_I, "RunTimeClassInfo::_klass");
	/* The word before an archived InstanceKlass points back at its record. */
	uint64_t back;
	if (!err)
		err = aot_target_read_u64(c->t, klass - 8, &back);
	if (!err && back != rec)
		err = ct_err(c, klass - 8, "RunTimeClassInfo", "expected the klass's info pointer "
			     "to be its record 0x%" PRIx64 ", found 0x%" PRIx64, rec, back);
	return err;
}

struct ct_table {
	uint32_t entries, buckets;
	uint64_t bucket_addr, entry_addr;
};

/* SimpleCompactHashtable::serialize_header: entry count, bucket count, buckets, entries. */
static struct aot_err *ct_table_header(struct ct_ctx *c, size_t slot, const char *what,
				       struct ct_table *h)
{
	uint64_t ec = 0, bc = 0;
	struct aot_err *err = ct_slot(c, slot, &ec);
	if (!err)
		err = ct_slot(c, slot + 1, &bc);
	if (!err && (ec > CT_MAX_TABLE || bc > CT_MAX_TABLE))
		err = ct_err(c, ct_slot_addr(c, slot), what, "expected a CompactHashtable header at "
			     "slot %zu, found %" PRIu64 " entries in %" PRIu64 " buckets", slot, ec, bc);
	if (!err)
		err = ct_slot_ptr(c, slot + 2, what, &h->bucket_addr);
	if (!err)
		err = ct_slot_ptr(c, slot + 3, what, &h->entry_addr);
	if (!err && ec && (!bc || !h->bucket_addr || !h->entry_addr))
		err = ct_err(c, ct_slot_addr(c, slot), what, "%" PRIu64 " entries but no buckets", ec);
	h->entries = (uint32_t)ec;
	h->buckets = (uint32_t)bc;
	return err;
}

/* Call FN with every value of the table whose header is at SLOT. */
static struct aot_err *ct_table_walk(struct ct_ctx *c, size_t slot, const char *what,
				     struct aot_err *(*fn)(struct ct_ctx *c, uint32_t value, void *arg),
				     void *arg)
{
	struct ct_table h;
	struct aot_err *err = ct_table_header(c, slot, what, &h);
	if (err || !h.entries)
		return err;
	uint32_t *bk = malloc(((size_t)h.buckets + 1) * sizeof(*bk));
	if (!bk)
		return &aot_enomem;
	err = aot_target_read(c->t, bk, h.bucket_addr, ((size_t)h.buckets + 1) * sizeof(*bk));
	uint64_t seen = 0;
	for (uint32_t b = 0; !err && b < h.buckets; b++) {
		uint32_t type = bk[b] >> CT_BUCKET_TYPE_SHIFT, off = bk[b] & CT_BUCKET_OFFSET_MASK;
		uint32_t end = type == CT_BUCKET_VALUE_ONLY ? off + 1 : bk[b + 1] & CT_BUCKET_OFFSET_MASK;
		if (type > CT_BUCKET_VALUE_ONLY || end < off || end > 2 * (uint64_t)h.entries) {
			err = ct_err(c, h.bucket_addr + 4 * b, what, "bucket %u: bad word 0x%08x", b, bk[b]);
			break;
		}
		unsigned step = type == CT_BUCKET_VALUE_ONLY ? 1 : 2;
		for (uint32_t e = off; !err && e + step <= end; e += step) {
			uint32_t value;
			err = aot_target_read_u32(c->t, h.entry_addr + 4 * (uint64_t)(e + step - 1), &value);
			if (!err)
				err = fn(c, value, arg);
			seen++;
		}
	}
	if (!err && seen != h.entries)
		err = ct_err(c, ct_slot_addr(c, slot), what, "header says %u entries, buckets hold %" PRIu64,
			     h.entries, seen);
	free(bk);
	return err;
}

static struct aot_err *ct_dict_entry(struct ct_ctx *c, uint32_t value, void *arg)
{
	return ct_dict_value(c, value, *(enum aot_class_source *)arg);
}

static struct aot_err *ct_dict(struct ct_ctx *c, size_t slot, enum aot_class_source src)
{
	return ct_table_walk(c, slot, aot_class_source_name(src), ct_dict_entry, &src);
}

/* An Array<Klass*>* slot: every element is a class of kind WANT. */
static struct aot_err *ct_array(struct ct_ctx *c, size_t slot, enum aot_class_source src,
				enum aot_loader hint, int want, const char *what)
{
	uint64_t arr;
	int32_t len;
	struct aot_err *err = ct_slot_ptr(c, slot, what, &arr);
	if (err || !arr)
		return err;
	if ((err = aot_target_read(c->t, &len, arr + c->arr_len_off, sizeof(len))))
		return err;
	if (len < 0 || (uint32_t)len > CT_MAX_ARRAY)
		return ct_err(c, arr, what, "Array<Klass*> length %d out of range", len);
	for (int32_t i = 0; i < len && !err; i++) {
		uint64_t k;
		err = aot_target_read_u64(c->t, arr + c->arr_data_off + 8 * (uint64_t)i, &k);
		if (!err)
			err = ct_add(c, k, src, hint, want, what);
	}
	return err;
}

/* AOTLinkedClassTable::serialize: _boot, _boot2, _platform, _app. */
static struct aot_err *ct_linked(struct ct_ctx *c, size_t slot)
{
	static const enum aot_loader hints[4] = {
		AOT_LOADER_BOOT, AOT_LOADER_BOOT, AOT_LOADER_PLATFORM, AOT_LOADER_APP };
	struct aot_err *err = NULL;
	for (unsigned i = 0; i < c->rc->linked && !err; i++)
		err = ct_array(c, slot + i, AOT_CSRC_AOT_LINKED_TABLE, hints[i], K_I,
			       "AOTLinkedClassTable");
	return err;
}

/* A pointer slot naming one klass of kind WANT (null allowed if NULLABLE). */
static struct aot_err *ct_klass_slot(struct ct_ctx *c, size_t slot, enum aot_class_source src,
				     int want, bool nullable, const char *what)
{
	uint64_t k;
	struct aot_err *err = ct_slot_ptr(c, slot, what, &k);
	if (err)
		return err;
	if (!k)
		return nullable ? NULL : ct_err(c, ct_slot_addr(c, slot), what,
						"slot %zu: expected a klass, found null", slot);
	return ct_add(c, k, src, AOT_LOADER_UNKNOWN, want, what);
}

/* Universe::serialize: the filler array (21+), _typeArrayKlassObjs[T_BOOLEAN..T_LONG], [Object. */
static struct aot_err *ct_universe(struct ct_ctx *c, size_t tag)
{
	const struct ct_recipe *rc = c->rc;
	struct aot_err *err = NULL;
	if (tag < rc->uni_filler || tag < rc->uni_tarr)
		return ct_err(c, c->sd, "Universe", "tag %d at slot %zu is too early", rc->uni_tag, tag);
	if (rc->uni_filler)
		/* [Ljdk/internal/vm/FillerElement; is a TypeArrayKlass of ints. */
		err = ct_klass_slot(c, tag - rc->uni_filler, AOT_CSRC_UNIVERSE, K_TA, true,
				    "Universe::_fillerArrayKlass");
	for (unsigned i = 0; i < 8 && !err; i++)
		err = ct_klass_slot(c, tag - rc->uni_tarr + i, AOT_CSRC_UNIVERSE, K_TA, false,
				    "Universe::_typeArrayKlasses");
	if (!err)
		err = ct_klass_slot(c, tag - rc->uni_oarr, AOT_CSRC_UNIVERSE, K_OA, false,
				    "Universe::_objectArrayKlass");
	return err;
}

/* The static stream: -1, sizes, ..., Universe, vmSymbols, tables, vmClasses, ..., 666. */
static struct aot_err *ct_static(struct ct_ctx *c)
{
	const struct ct_recipe *rc = c->rc;
	size_t uni, tbl, vm, end;
	/* The vtables (ct_vtables) were read first: every check needs them. */
	struct aot_err *err = ct_expect_tag(c, 0, -1);
	if (!err)
		err = ct_find_tag(c, 1, rc->uni_tag, &uni);
	if (!err)
		err = ct_find_tag(c, uni + 1, rc->tbl_tag, &tbl);
	if (!err)
		err = ct_find_tag(c, tbl + 1, rc->vm_tag, &vm);
	if (!err)
		err = ct_find_tag(c, vm + 1, CT_TAG_END, &end);
	if (err)
		return err;
	size_t dicts = tbl + 1 + rc->skip;
	size_t mirror = dicts + 12 + rc->linked + rc->after_linked;
	uint64_t v;
	if (mirror >= vm)
		return ct_err(c, ct_slot_addr(c, tbl), "serialized data",
			      "tag %d at slot %zu leaves no room for the tables before tag %d at slot %zu",
			      rc->tbl_tag, tbl, rc->vm_tag, vm);
	if ((err = ct_slot(c, mirror, &v)))
		return err;
	/* InstanceMirrorKlass::_offset_of_static_fields: a small byte offset. */
	if (v == 0 || v >= 1024)
		return ct_err(c, ct_slot_addr(c, mirror), "serialized data", "expected the mirror's "
			      "static field offset at slot %zu, found %" PRIu64, mirror, v);
	if (vm - mirror - 1 > CT_MAX_VM_CLASSES)
		return ct_err(c, ct_slot_addr(c, mirror), "vmClasses", "%zu vm classes", vm - mirror - 1);
	err = ct_universe(c, uni);
	if (!err)
		err = ct_dict(c, dicts, AOT_CSRC_BUILTIN_DICT);
	if (!err)
		err = ct_dict(c, dicts + 4, AOT_CSRC_UNREGISTERED_DICT);
	if (!err)
		err = ct_dict(c, dicts + 8, AOT_CSRC_LAMBDA_PROXY_DICT);
	if (!err)
		err = ct_linked(c, dicts + 12);
	for (size_t i = mirror + 1; i < vm && !err; i++)
		err = ct_klass_slot(c, i, AOT_CSRC_VM_CLASSES, K_I, true, "vmClasses");
	return err;
}

/*
 * The dynamic stream (serialize_dynamic_archivable_items): SymbolTable
 * header, the three dictionaries, [21+] the array klasses, [25+] the
 * AOTLinkedClassTable.  It has no tags, so the headers' own checks must do.
 */
static struct aot_err *ct_dynamic(struct ct_ctx *c)
{
	struct ct_table sym;
	size_t want = 16 + (c->rc->dyn_arrays ? 1 : 0) + c->rc->dyn_linked;
	if (c->nslots != want)
		return ct_err(c, c->sd, "serialized data", "expected a dynamic stream of %zu slots "
			      "ending the ro region, found %zu", want, c->nslots);
	struct aot_err *err = ct_table_header(c, 0, "SymbolTable", &sym);
	if (!err)
		err = ct_dict(c, 4, AOT_CSRC_BUILTIN_DICT);
	if (!err)
		err = ct_dict(c, 8, AOT_CSRC_UNREGISTERED_DICT);
	if (!err)
		err = ct_dict(c, 12, AOT_CSRC_LAMBDA_PROXY_DICT);
	if (!err && c->rc->dyn_arrays)
		err = ct_array(c, 16, AOT_CSRC_DYNAMIC_ARRAYS, AOT_LOADER_UNKNOWN, K_OA,
			       "DynamicArchive array klasses");
	if (!err && c->rc->dyn_linked)
		err = ct_linked(c, 16 + (c->rc->dyn_arrays ? 1 : 0));
	return err;
}

/* Set C up to read AR's stream (VTABLES: also read the cloned vtables first). */
static struct aot_err *ct_open(struct ct_ctx *c, struct aot_session *s, const struct aot_archive *ar,
			       bool vtables)
{
	struct aot_target *t;
	if (ar->kind == AOT_KIND_AOT_CONFIG)
		return aot_errf(AOT_ERR_UNSUPPORTED, "%s: an AOT configuration file has no class tables",
				ar->path);
	if (ar->kind == AOT_KIND_DYNAMIC && !ar->base)
		return aot_archive_require_base(ar);
	struct aot_meta *m = NULL;
	struct aot_err *err = aot_session_target(s, &t);
	if (!err)
		err = aot_session_meta(s, &m);
	// The tables as archived: a running JVM reuses fields they link through (Klass::_next_link).
	struct aot_target *archived = aot_live_archived(s->live);
	if (!err)
		err = ct_ctx_init(c, s, archived ? archived : t, ar);
	c->m = m;
	if (!err && vtables && ar->kind != AOT_KIND_DYNAMIC)
		err = ct_vtables(c);
	if (!err)
		err = ct_layout(c, s);
	return err;
}

struct aot_err *aot_class_tables(struct aot_session *s, const struct aot_archive *ar,
				 struct aot_table_class **ret, size_t *n)
{
	struct ct_ctx c;
	memset(&c, 0, sizeof(c));
	*ret = NULL;
	*n = 0;
	struct aot_err *err = ct_open(&c, s, ar, true);
	if (!err)
		err = ar->kind == AOT_KIND_DYNAMIC ? ct_dynamic(&c) : ct_static(&c);
	if (err) {
		free(c.out);
		return err;
	}
	*ret = c.out;
	*n = c.n;
	return NULL;
}

struct ct_values {
	uint64_t *v;
	size_t n, cap;
};

/* A table value that is a narrow pointer to an object inside the archive. */
static struct aot_err *ct_value(struct ct_ctx *c, uint32_t value, void *arg)
{
	struct ct_values *x = arg;
	uint64_t p = ct_narrow(c, value);
	if (!p || !ct_in_archive(c, p))
		return ct_err(c, c->sd, "table value", "0x%x is not inside the archive", value);
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 1024;
		uint64_t *v = realloc(x->v, cap * sizeof(*v));
		if (!v)
			return &aot_enomem;
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = p;
	return NULL;
}

/* The slot of the SymbolTable's header: after the tables tag, or the dynamic stream's first. */
static struct aot_err *ct_symbol_table_slot(struct ct_ctx *c, size_t *slot)
{
	size_t uni;
	*slot = 0;
	if (c->ar->kind == AOT_KIND_DYNAMIC)
		return NULL;
	struct aot_err *err = ct_find_tag(c, 1, c->rc->uni_tag, &uni);
	if (!err)
		err = ct_find_tag(c, uni + 1, c->rc->tbl_tag, slot);
	++*slot;
	return err;
}

struct aot_err *aot_symbol_table(struct aot_session *s, const struct aot_archive *ar,
				 uint64_t **ret, size_t *n)
{
	struct ct_ctx c;
	struct ct_values x = { 0 };
	size_t slot = 0;
	memset(&c, 0, sizeof(c));
	*ret = NULL;
	*n = 0;
	struct aot_err *err = ct_open(&c, s, ar, false);
	if (!err)
		err = ct_symbol_table_slot(&c, &slot);
	if (!err)
		err = ct_table_walk(&c, slot, "SymbolTable", ct_value, &x);
	if (err) {
		free(x.v);
		return err;
	}
	*ret = x.v;
	*n = x.n;
	return NULL;
}

/*
 * 25+ (aotMetaspace.cpp serialize()): after the dictionaries and the
 * AOTLinkedClassTable come FinalImageRecipes (1 slot) and TrainingData's
 * dictionary (4).  The stream ends, before 666, with the MethodHandle
 * intrinsics (1), LambdaFormInvokers (1) and the adapter table (4).  From
 * 27 on ClassLoaderDataShared follows tag -5: three loaders of 3 slots, then
 * java.base (ModuleEntry became a metaspace object in 27).
 */
struct aot_err *aot_aot_roots(struct aot_session *s, const struct aot_archive *ar, struct aot_aot_roots *r)
{
	struct ct_ctx c;
	struct ct_values td = { 0 }, ad = { 0 };
	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	if (ar->kind == AOT_KIND_DYNAMIC)
		return NULL;
	struct aot_err *err = ct_open(&c, s, ar, false);
	if (err || c.rc->feature < 25)
		return err;
	size_t uni, tbl, vm, end;
	err = ct_find_tag(&c, 1, c.rc->uni_tag, &uni);
	if (!err)
		err = ct_find_tag(&c, uni + 1, c.rc->tbl_tag, &tbl);
	if (!err)
		err = ct_find_tag(&c, tbl + 1, c.rc->vm_tag, &vm);
	if (!err)
		err = ct_find_tag(&c, vm + 1, CT_TAG_END, &end);
	if (err)
		return err;
	size_t training = tbl + 1 + c.rc->skip + 12 + c.rc->linked + 1;
	if (end < vm + 7 || training + 4 > vm || (c.rc->feature >= 27 && end < vm + 1 + 12 + 6))
		return ct_err(&c, ct_slot_addr(&c, vm), "serialized data",
			      "no room for the AOT tables between slots %zu and %zu", vm, end);
	err = ct_table_walk(&c, training, "TrainingData dictionary", ct_value, &td);
	if (!err)
		err = ct_table_walk(&c, end - 4, "AdapterHandlerLibrary table", ct_value, &ad);
	if (!err)
		err = ct_slot_ptr(&c, end - 6, "MethodHandle intrinsics", &r->mh_intrinsics);
	for (unsigned i = 0; i < 9 && !err && c.rc->feature >= 27; i++)
		err = ct_slot_ptr(&c, vm + 1 + i, "ClassLoaderDataShared", &r->modules[i / 3][i % 3]);
	if (!err && c.rc->feature >= 27)
		err = ct_slot_ptr(&c, vm + 10, "ClassLoaderDataShared", &r->javabase);
	r->training = td.v;
	r->ntraining = td.n;
	r->adapters = ad.v;
	r->nadapters = ad.n;
	if (err)
		aot_aot_roots_free(r);
	return err;
}

void aot_aot_roots_free(struct aot_aot_roots *r)
{
	free(r->training);
	free(r->adapters);
	memset(r, 0, sizeof(*r));
}

struct aot_err *aot_universe_arrays(struct aot_session *s, const struct aot_archive *ar,
				   uint64_t arrays[AOT_UNIVERSE_ARRAYS])
{
	struct ct_ctx c;
	size_t uni;
	memset(&c, 0, sizeof(c));
	memset(arrays, 0, AOT_UNIVERSE_ARRAYS * sizeof(*arrays));
	if (ar->kind == AOT_KIND_DYNAMIC)
		return NULL;
	struct aot_err *err = ct_open(&c, s, ar, false);
	if (!err)
		err = ct_find_tag(&c, 1, c.rc->uni_tag, &uni);
	if (!err && uni < c.rc->uni_oarr)
		err = ct_err(&c, c.sd, "Universe", "tag %d at slot %zu is too early", c.rc->uni_tag, uni);
	/* They follow _objectArrayKlassObj in Universe::serialize(). */
	for (unsigned i = 0; i < AOT_UNIVERSE_ARRAYS && !err; i++)
		err = ct_slot_ptr(&c, uni - c.rc->uni_oarr + 1 + i, "Universe arrays", &arrays[i]);
	return err;
}

/* The bytes and counts of one table's buckets and entries, as the JVM's space statistics count them. */
static struct aot_err *ct_table_size(struct ct_ctx *c, size_t slot, const char *what,
				     struct aot_table_size *ts)
{
	struct ct_table h;
	struct aot_err *err = ct_table_header(c, slot, what, &h);
	if (err)
		return err;
	ts->entries = h.entries;
	ts->buckets = h.buckets;
	ts->bucket_bytes = ts->entry_bytes = 0;
	if (!h.buckets)
		return NULL;
	uint32_t last;
	if ((err = aot_target_read_u32(c->t, h.bucket_addr + 4 * (uint64_t)h.buckets, &last)))
		return err;
	/*
	 * Buckets + 1 words, and the entries' words, each rounded to 8 bytes;
	 * up to 26 each is an Array<u4>, whose int length comes first.
	 */
	uint64_t hdr = c->rc->feature <= 26 ? 4 : 0;
	ts->bucket_bytes = (hdr + 4 * ((uint64_t)h.buckets + 1) + 7) & ~7ull;
	ts->entry_bytes = (hdr + 4 * (uint64_t)(last & CT_BUCKET_OFFSET_MASK) + 7) & ~7ull;
	return NULL;
}

struct aot_err *aot_string_symbol_tables(struct aot_session *s, const struct aot_archive *ar,
					 struct aot_table_size *symbols, struct aot_table_size *strings)
{
	struct ct_ctx c;
	size_t slot = 0;
	memset(&c, 0, sizeof(c));
	memset(symbols, 0, sizeof(*symbols));
	memset(strings, 0, sizeof(*strings));
	struct aot_err *err = ct_open(&c, s, ar, false);
	if (!err)
		err = ct_symbol_table_slot(&c, &slot);
	if (!err)
		err = ct_table_size(&c, slot, "SymbolTable", symbols);
	/* The StringTable (static archives only) follows the SymbolTable's 4 slots. */
	if (!err && ar->kind != AOT_KIND_DYNAMIC)
		err = ct_table_size(&c, slot + 4, "StringTable", strings);
	return err;
}

const char *aot_class_source_name(enum aot_class_source src)
{
	static const char *const names[AOT_CSRC_COUNT] = {
		[AOT_CSRC_BUILTIN_DICT] = "builtin dictionary",
		[AOT_CSRC_UNREGISTERED_DICT] = "unregistered dictionary",
		[AOT_CSRC_LAMBDA_PROXY_DICT] = "lambda proxy dictionary",
		[AOT_CSRC_AOT_LINKED_TABLE] = "AOTLinkedClassTable",
		[AOT_CSRC_UNIVERSE] = "Universe",
		[AOT_CSRC_VM_CLASSES] = "vmClasses",
		[AOT_CSRC_DYNAMIC_ARRAYS] = "dynamic archive array klasses",
	};
	return (unsigned)src < AOT_CSRC_COUNT ? names[src] : "?";
}

/*
 * Symbol::_vm_symbols as vmSymbols::serialize writes it right after the
 * tag that ends Universe: a do_region (its byte size, then one slot per
 * symbol from vmSymbolID 1), then the type signatures, then the tables tag.
 */
struct aot_err *aot_vm_symbols(struct aot_session *s, const struct aot_archive *ar, uint64_t **ret,
			       size_t *n)
{
	struct ct_ctx c;
	size_t uni, tbl;
	uint64_t bytes;
	*ret = NULL;
	*n = 0;
	struct aot_err *err = ct_open(&c, s, ar->base ? ar->base : ar, false);
	if (!err)
		err = ct_find_tag(&c, 1, c.rc->uni_tag, &uni);
	if (!err)
		err = ct_find_tag(&c, uni + 1, c.rc->tbl_tag, &tbl);
	if (!err)
		err = ct_slot(&c, uni + 1, &bytes);
	if (err)
		return err;
	if (bytes % 8 || bytes / 8 + uni + 2 > tbl)
		return ct_err(&c, ct_slot_addr(&c, uni + 1), "vmSymbols",
			      "a region of %" PRIu64 " bytes does not fit before tag %d at slot %zu",
			      bytes, c.rc->tbl_tag, tbl);
	size_t count = (size_t)(bytes / 8) + 1;
	uint64_t *v = calloc(count, sizeof(*v));
	if (!v)
		return &aot_enomem;
	for (size_t i = 1; i < count && !err; i++)
		err = ct_slot_ptr(&c, uni + 1 + i, "vmSymbols", &v[i]);
	if (err) {
		free(v);
		return err;
	}
	*ret = v;
	*n = count;
	return NULL;
}

struct aot_err *aot_heap_roots_21(struct aot_session *s, const struct aot_archive *ar,
				  uint32_t *narrow)
{
	struct ct_ctx c;
	size_t uni;
	uint64_t v;
	struct aot_err *err = ct_open(&c, s, ar, false);
	if (!err && !c.rc->heap_roots)
		return aot_errf(AOT_ERR_UNSUPPORTED, "%s: the serialized data of JDK %d holds no heap "
				"roots", ar->path, c.rc->feature);
	if (!err)
		err = ct_find_tag(&c, 1, c.rc->uni_tag, &uni);
	if (!err && uni < c.rc->heap_roots)
		err = ct_err(&c, c.sd, "HeapShared roots", "tag %d at slot %zu is too early",
			     c.rc->uni_tag, uni);
	if (!err)
		err = ct_slot(&c, uni - c.rc->heap_roots, &v);
	if (!err && v > UINT32_MAX)
		err = ct_err(&c, ct_slot_addr(&c, uni - c.rc->heap_roots), "HeapShared roots",
			     "expected a narrowOop at slot %zu, found 0x%" PRIx64,
			     uni - c.rc->heap_roots, v);
	if (!err)
		*narrow = (uint32_t)v;
	return err;
}
