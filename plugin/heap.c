/*
 * The archived heap (heap.h): where its regions are, how narrow oops and
 * narrow klasses are encoded, the roots, and one object's header decoded
 * and checked.  What objects hold is heap_fields.c; how the JVM prints
 * them, heap_print.c and heap_map.c.
 */
#include "heap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_tables.h"
#include "heap_priv.h"

/*
 * ArchiveHeapWriter (AOTMappedHeapWriter in 26+) lets no object span a
 * MIN_GC_REGION_ALIGNMENT boundary: 1 MB in 21, 256 KB from 25.
 */
#define MIN_GC_REGION_ALIGNMENT_21 (1u << 20)
#define MIN_GC_REGION_ALIGNMENT_25 (256u << 10)
/* A roots array or segment longer than this is corrupt (the corpus has < 7000 roots). */
#define MAX_ROOTS (1u << 24)

static const char *const region_titles[][2] = {
	{ "hp", "heap" },
	{ "ca0", "closed heap region" }, { "ca1", "closed heap region" },
	{ "oa0", "open heap region" }, { "oa1", "open heap region" },
};

struct aot_err *aot_heap_errf(const struct aot_heap *h, uint64_t addr, const char *field,
			      const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uint64_t off = 0;
	for (unsigned i = 0; i < h->nregions; i++) {
		const struct aot_heap_region *r = &h->regions[i];
		if (addr >= r->start && addr < r->end)
			off = r->r->file_offset + (addr - r->start);
	}
	return aot_err_input(h->ar->path, off, field, "heap object at 0x%016" PRIx64 ": %s", addr, msg);
}

static struct aot_err *need_constant(struct aot_meta *m, const char *name, int64_t *v)
{
	if (aot_meta_int_constant(m, name, v) || aot_meta_long_constant(m, name, v))
		return NULL;
	return aot_errf(AOT_ERR_NOT_FOUND, "libjvm's gHotSpotVMIntConstants have no %s: the archived "
			"heap cannot be decoded without it", name);
}

/* The layout helper's fields and BasicType numbers, as this build defines them. */
static struct aot_err *load_constants(struct aot_heap *h)
{
	struct aot_heap_priv *p = h->p;
	static const struct {
		const char *name;
		size_t off;
	} consts[] = {
#define C(n, f) { n, offsetof(struct aot_heap_priv, f) }
		C("Klass::_lh_array_tag_shift", lh_tag_shift),
		C("Klass::_lh_array_tag_type_value", lh_tag_type),
		C("Klass::_lh_array_tag_obj_value", lh_tag_obj),
		C("Klass::_lh_header_size_shift", lh_hsize_shift),
		C("Klass::_lh_header_size_mask", lh_hsize_mask),
		C("Klass::_lh_element_type_shift", lh_etype_shift),
		C("Klass::_lh_element_type_mask", lh_etype_mask),
		C("Klass::_lh_log2_element_size_shift", lh_l2_shift),
		C("Klass::_lh_log2_element_size_mask", lh_l2_mask),
		C("Klass::_lh_instance_slow_path_bit", lh_slow_bit),
		C("T_BOOLEAN", t_boolean), C("T_CHAR", t_char), C("T_FLOAT", t_float),
		C("T_DOUBLE", t_double), C("T_BYTE", t_byte), C("T_SHORT", t_short),
		C("T_INT", t_int), C("T_LONG", t_long), C("T_OBJECT", t_object), C("T_ARRAY", t_array),
#undef C
	};
	for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
		int64_t v;
		struct aot_err *err = need_constant(h->m, consts[i].name, &v);
		if (err)
			return err;
		*(int *)((char *)p + consts[i].off) = (int)v;
	}
	if (h->compact_headers) {
		int64_t v;
		struct aot_err *err = need_constant(h->m, "markWord::klass_shift", &v);
		if (err)
			return err;
		if (v <= 0 || v >= 64)
			return aot_errf(AOT_ERR_FORMAT, "markWord::klass_shift is %" PRId64, v);
		p->mark_klass_shift = (unsigned)v;
	}
	return NULL;
}

static bool hdr(const struct aot_archive *ar, enum aot_role role, uint64_t *v)
{
	*v = 0;
	return aot_archive_value(ar, role, v);
}

/* Where objects keep their klass and length (oopDesc, arrayOopDesc). */
static struct aot_err *object_layout(struct aot_heap *h)
{
	struct aot_meta *m = h->m;
	uint64_t mark_size = 8, koff;
	if (aot_meta_has(m, AOT_LF_OOP_MARK))
		mark_size = m->size[AOT_LF_OOP_MARK];
	if (h->compact_headers) {
		h->klass_off = 0;
		h->length_off = (unsigned)mark_size;
	} else {
		koff = aot_meta_has(m, AOT_LF_OOP_COMPRESSED_KLASS) ? m->off[AOT_LF_OOP_COMPRESSED_KLASS]
								    : mark_size;
		h->klass_off = (unsigned)koff;
		h->length_off = (unsigned)koff + 4;	/* the klass gap of a narrow klass */
	}
	if (mark_size != 8 || h->length_off > 16)
		return aot_errf(AOT_ERR_UNSUPPORTED, "object header of %" PRIu64 " bytes, length at %u",
				mark_size, h->length_off);
	return NULL;
}

static void add_region(struct aot_heap *h, const struct aot_region *r)
{
	if (h->nregions == AOT_HEAP_MAX_REGIONS)
		return;
	struct aot_heap_region *hr = &h->regions[h->nregions++];
	hr->name = r->name;
	hr->title = "heap";
	for (size_t i = 0; i < sizeof(region_titles) / sizeof(region_titles[0]); i++)
		if (!strcmp(region_titles[i][0], r->name))
			hr->title = region_titles[i][1];
	hr->start = r->addr;
	hr->end = r->addr + r->used;
	hr->r = r;
}

/* 17: the header's narrowOop; 21: the serialized data's; 25+: the header's segments. */
static struct aot_err *find_roots(struct aot_heap *h)
{
	uint64_t v;
	if (h->feature <= 17) {
		if (hdr(h->ar, AOT_R_HEAP_OBJ_ROOTS, &v) && v)
			h->roots = h->oop_base + (v << h->oop_shift);
		return NULL;
	}
	if (h->feature <= 21) {
		uint32_t nv;
		struct aot_err *err = aot_heap_roots_21(h->m->s, h->ar, &nv);
		if (err)
			return err;
		if (nv)
			h->roots = h->oop_base + ((uint64_t)nv << h->oop_shift);
		if (h->roots && !aot_heap_contains(h, h->roots))
			return aot_err_input(h->ar->path, 0, "HeapShared roots", "the roots' narrowOop "
					     "0x%x decodes to 0x%" PRIx64 ", outside the heap", nv, h->roots);
		return NULL;
	}
	uint64_t base, count, total, elems, bytes;
	if (!hdr(h->ar, AOT_R_HEAP_ROOT_SEG_BASE, &base) || !hdr(h->ar, AOT_R_HEAP_ROOT_SEG_COUNT, &count) ||
	    !hdr(h->ar, AOT_R_HEAP_ROOTS_COUNT, &total) || !hdr(h->ar, AOT_R_HEAP_ROOT_SEG_MAX_ELEMS, &elems) ||
	    !hdr(h->ar, AOT_R_HEAP_ROOT_SEG_MAX_BYTES, &bytes))
		return aot_errf(AOT_ERR_UNSUPPORTED, "%s: no heap root segments in this header layout",
				h->ar->path);
	if (count == 0)
		return NULL;
	const struct aot_heap_region *r = &h->regions[0];
	uint64_t len = r->end - r->start;
	if (count > MAX_ROOTS || total > MAX_ROOTS || (uint32_t)elems == 0 || bytes == 0 ||
	    base > len || count > (len - base) / bytes + 1 || total > count * (uint32_t)elems)
		return aot_err_input(h->ar->path, aot_archive_field_off(h->ar, AOT_R_HEAP_ROOT_SEG_COUNT),
				     "heap_root_segments", "%" PRIu64 " segments of %"
				     PRIu64 " bytes (%u elements) holding %" PRIu64 " roots from offset 0x%"
				     PRIx64 " do not fit a heap of %" PRIu64 " bytes", count, bytes,
				     (uint32_t)elems, total, base, len);
	h->seg_base = r->start + base;
	h->nsegs = (uint32_t)count;
	h->roots_count = (uint32_t)total;
	h->seg_max_elems = (uint32_t)elems;
	h->seg_max_bytes = bytes;
	return NULL;
}

struct aot_err *aot_heap_open(struct aot_meta *m, const struct aot_archive *ar, struct aot_heap **ret)
{
	struct aot_heap *h = calloc(1, sizeof(*h));
	struct aot_heap_priv *p = calloc(1, sizeof(*p));
	if (!h || !p) {
		free(h);
		free(p);
		return &aot_enomem;
	}
	h->p = p;
	h->m = m;
	h->ar = ar;
	h->feature = ar->layout && ar->layout->jdk ? atoi(ar->layout->jdk) : m->feature;
	*ret = h;
	for (unsigned i = 0; i < ar->nregions; i++)
		if (ar->regions[i].is_heap && ar->regions[i].mappable)
			add_region(h, &ar->regions[i]);
	if (!h->nregions)
		return NULL;
	uint64_t v;
	if (hdr(ar, AOT_R_OBJECT_STREAMING_MODE, &v) && v) {
		*ret = NULL;
		aot_heap_close(h);
		return aot_errf(AOT_ERR_UNSUPPORTED, "%s: the heap is in the streamed format "
				"(object_streaming_mode 1), which aotdbg does not decode", ar->path);
	}
	h->compressed_oops = hdr(ar, AOT_R_COMPRESSED_OOPS, &v) && v;
	h->compact_headers = hdr(ar, AOT_R_COMPACT_HEADERS, &v) && v;
	hdr(ar, AOT_R_NARROW_OOP_BASE, &h->oop_base);
	hdr(ar, AOT_R_NARROW_OOP_SHIFT, &v);
	h->oop_shift = (unsigned)(v & 63);
	hdr(ar, AOT_R_NARROW_KLASS_SHIFT, &v);
	p->nk_shift = (unsigned)(v & 63);
	p->nk_base = aot_meta_from_requested(m, ar, ar->requested_base);
	hdr(ar, AOT_R_OBJ_ALIGNMENT, &v);
	h->obj_align = (unsigned)v;
	h->ref_size = h->compressed_oops ? 4 : 8;
	struct aot_err *err = NULL;
	if (h->obj_align < 8 || h->obj_align > 256 || (h->obj_align & (h->obj_align - 1)))
		err = aot_err_input(ar->path, aot_archive_field_off(ar, AOT_R_OBJ_ALIGNMENT), "obj_alignment",
				    "%u is not an object alignment", h->obj_align);
	if (!err)
		err = object_layout(h);
	if (!err)
		err = load_constants(h);
	if (!err)
		err = find_roots(h);
	if (err) {
		*ret = NULL;
		aot_heap_close(h);
	}
	return err;
}

void aot_heap_close(struct aot_heap *h)
{
	if (!h)
		return;
	aot_heap_priv_free(h);
	free(h->p);
	free(h);
}

bool aot_heap_contains(const struct aot_heap *h, uint64_t addr)
{
	for (unsigned i = 0; i < h->nregions; i++)
		if (addr >= h->regions[i].start && addr < h->regions[i].end)
			return true;
	return false;
}

uint32_t aot_heap_narrow(const struct aot_heap *h, uint64_t addr)
{
	return h->compressed_oops ? (uint32_t)((addr - h->oop_base) >> h->oop_shift) : 0;
}

uint64_t aot_heap_elem_addr(const struct aot_heap_obj *o, uint64_t i)
{
	return o->addr + o->cls->hdr_size + (i << o->cls->log2_esize);
}

struct aot_err *aot_heap_ref(struct aot_heap *h, uint64_t slot, uint64_t *target, uint32_t *narrow)
{
	struct aot_err *err;
	if (h->compressed_oops) {
		uint32_t v;
		err = aot_target_read_u32(h->m->t, slot, &v);
		if (err)
			return err;
		*narrow = v;
		*target = v ? h->oop_base + ((uint64_t)v << h->oop_shift) : 0;
		return NULL;
	}
	*narrow = 0;
	return aot_target_read_u64(h->m->t, slot, target);
}

/*
 * The writer fills the space before a region boundary that the next
 * object would cross with an Object[] of nulls (its header written by
 * init_filler_array_at_buffer_top: the prototype mark, Object[]'s klass).
 */
static bool is_filler(struct aot_heap *h, const struct aot_heap_obj *o)
{
	const struct aot_heap_region *r = &h->regions[o->region];
	uint64_t align = h->feature <= 21 ? MIN_GC_REGION_ALIGNMENT_21 : MIN_GC_REGION_ALIGNMENT_25;
	uint64_t mark = o->mark;
	if (h->compact_headers)
		mark &= (1ull << h->p->mark_klass_shift) - 1;
	if (h->feature < 21 || !o->cls->is_obj_array || mark != 1 ||
	    strcmp(o->cls->k.name, "[Ljava/lang/Object;") || (o->addr + o->size - r->start) % align)
		return false;
	uint64_t from = aot_heap_elem_addr(o, 0), to = o->addr + o->size;
	uint8_t buf[256];
	for (uint64_t a = from; a < to; a += sizeof(buf)) {
		size_t n = to - a < sizeof(buf) ? (size_t)(to - a) : sizeof(buf);
		if (!aot_ok(aot_target_read(h->m->t, buf, a, n)))
			return false;
		for (size_t i = 0; i < n; i++)
			if (buf[i])
				return false;
	}
	return true;
}

static enum aot_hobj_kind kind_of(struct aot_heap *h, struct aot_heap_obj *o)
{
	const struct aot_heap_class *c = o->cls;
	if (c->is_obj_array) {
		if (h->roots && o->addr == h->roots)
			return AOT_HOBJ_ROOTS;
		if (h->nsegs && o->addr >= h->seg_base && (o->addr - h->seg_base) % h->seg_max_bytes == 0 &&
		    (o->addr - h->seg_base) / h->seg_max_bytes < h->nsegs) {
			o->segment = (int)((o->addr - h->seg_base) / h->seg_max_bytes);
			return AOT_HOBJ_ROOTS;
		}
		return is_filler(h, o) ? AOT_HOBJ_FILLER : AOT_HOBJ_OBJ_ARRAY;
	}
	if (c->is_array)
		return AOT_HOBJ_TYPE_ARRAY;
	if (c->k.type == AOT_MT_INSTANCE_MIRROR_KLASS)
		return AOT_HOBJ_MIRROR;
	if (!strcmp(c->k.name, "java/lang/String"))
		return AOT_HOBJ_STRING;
	return AOT_HOBJ_INSTANCE;
}

static struct aot_err *object_size(struct aot_heap *h, struct aot_heap_obj *o, uint64_t room)
{
	struct aot_heap_class *c = o->cls;
	int32_t lh = c->k.layout_helper;
	if (c->is_array) {
		int32_t len;
		struct aot_err *err = aot_target_read(h->m->t, &len, o->addr + h->length_off, 4);
		if (err)
			return err;
		uint64_t max = room > c->hdr_size ? (room - c->hdr_size) >> c->log2_esize : 0;
		if (len < 0 || (uint64_t)len > max)
			return aot_heap_errf(h, o->addr, "length", "array length %d of %s: %" PRIu64
					     " elements at most fit before the end of region %s", len,
					     c->k.ext_name, max, h->regions[o->region].name);
		o->length = len;
		o->size = c->hdr_size + ((uint64_t)len << c->log2_esize);
	} else if (c->k.type == AOT_MT_INSTANCE_MIRROR_KLASS) {
		// A mirror holds its class's static fields: its size is in its oop_size field.
		int32_t words;
		struct aot_err *err = aot_heap_mirror_size(h, o, &words);
		if (err)
			return err;
		if (words <= 0 || (uint64_t)words > room / 8)
			return aot_heap_errf(h, o->addr, "oop_size", "java.lang.Class mirror of %d words "
					     "(%" PRIu64 " bytes left in region %s)", words, room,
					     h->regions[o->region].name);
		o->size = (uint64_t)words * 8;
	} else {
		o->size = (uint64_t)(lh & ~h->p->lh_slow_bit);
	}
	o->size = (o->size + h->obj_align - 1) & ~(uint64_t)(h->obj_align - 1);
	if (o->size == 0 || o->size > room)
		return aot_heap_errf(h, o->addr, "size", "%s of %" PRIu64 " bytes (layout helper 0x%x) "
				     "does not fit the %" PRIu64 " bytes left in region %s", c->k.ext_name,
				     o->size, (uint32_t)lh, room, h->regions[o->region].name);
	return NULL;
}

struct aot_err *aot_heap_decode(struct aot_heap *h, uint64_t addr, struct aot_heap_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->addr = addr;
	o->length = -1;
	o->segment = -1;
	unsigned ri = h->nregions;
	for (unsigned i = 0; i < h->nregions; i++)
		if (addr >= h->regions[i].start && addr < h->regions[i].end)
			ri = i;
	if (ri == h->nregions)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%016" PRIx64 " is not in the archived heap", addr);
	const struct aot_heap_region *r = &h->regions[ri];
	o->region = ri;
	uint64_t room = r->end - addr;
	if ((addr - r->start) % h->obj_align)
		return aot_heap_errf(h, addr, NULL, "not aligned to %u bytes", h->obj_align);
	if (room < (uint64_t)h->length_off + 4)
		return aot_heap_errf(h, addr, "mark", "%" PRIu64 " bytes left in region %s: too few for "
				     "an object header", room, r->name);
	struct aot_err *err = aot_target_read_u64(h->m->t, addr, &o->mark);
	uint64_t nk = 0;
	if (err)
		return err;
	if (h->compact_headers) {
		nk = o->mark >> h->p->mark_klass_shift;
	} else {
		uint32_t v;
		if ((err = aot_target_read_u32(h->m->t, addr + h->klass_off, &v)))
			return err;
		nk = v;
	}
	o->narrow = aot_heap_narrow(h, addr);
	if (nk == 0)
		return aot_heap_errf(h, addr, "klass", "narrow klass 0: no object starts here");
	o->klass = h->p->nk_base + (nk << h->p->nk_shift);
	err = aot_heap_class_at(h, o->klass, &o->cls);
	if (err) {
		struct aot_err *e = aot_heap_errf(h, addr, "klass", "narrow klass 0x%" PRIx64 " is 0x%"
						  PRIx64 ": %s", nk, o->klass, err->msg);
		aot_err_free(err);
		return e;
	}
	if ((err = object_size(h, o, room)))
		return err;
	o->kind = kind_of(h, o);
	return NULL;
}

struct aot_err *aot_heap_walk_region(struct aot_heap *h, unsigned i, aot_heap_fn fn, void *arg)
{
	if (i >= h->nregions)
		return aot_errf(AOT_ERR_USAGE, "heap region %u of %u", i, h->nregions);
	const struct aot_heap_region *r = &h->regions[i];
	// Every object is at least obj_align bytes: the walk ends.
	for (uint64_t a = r->start; a < r->end;) {
		struct aot_heap_obj o;
		struct aot_err *err = aot_heap_decode(h, a, &o);
		if (!err)
			err = fn(h, &o, arg);
		if (err)
			return err;
		a += o.size;
	}
	return NULL;
}

struct aot_err *aot_heap_walk(struct aot_heap *h, aot_heap_fn fn, void *arg)
{
	unsigned order[AOT_HEAP_MAX_REGIONS];
	for (unsigned i = 0; i < h->nregions; i++) {
		unsigned j = i;
		for (; j > 0 && h->regions[order[j - 1]].start > h->regions[i].start; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (unsigned i = 0; i < h->nregions; i++) {
		struct aot_err *err = aot_heap_walk_region(h, order[i], fn, arg);
		if (err)
			return err;
	}
	return NULL;
}

struct find_arg {
	uint64_t addr;
	struct aot_heap_obj *o;
	bool found;
};

static struct aot_err *find_fn(struct aot_heap *h, const struct aot_heap_obj *o, void *arg)
{
	(void)h;
	struct find_arg *f = arg;
	if (f->addr >= o->addr && f->addr - o->addr < o->size) {
		*f->o = *o;
		f->found = true;
		return aot_errf(AOT_ERR_NOT_FOUND, "found");	/* stops the walk */
	}
	return NULL;
}

struct aot_err *aot_heap_containing(struct aot_heap *h, uint64_t addr, struct aot_heap_obj *o)
{
	for (unsigned i = 0; i < h->nregions; i++) {
		if (addr < h->regions[i].start || addr >= h->regions[i].end)
			continue;
		struct find_arg f = { addr, o, false };
		struct aot_err *err = aot_heap_walk_region(h, i, find_fn, &f);
		if (f.found) {
			aot_err_free(err);
			return NULL;
		}
		return err ? err : aot_errf(AOT_ERR_NOT_FOUND, "0x%016" PRIx64 " is in heap region %s "
					    "past its last object", addr, h->regions[i].name);
	}
	return aot_errf(AOT_ERR_NOT_FOUND, "0x%016" PRIx64 " is not in the archived heap", addr);
}
