/*
 * The heap part of the JVM's map (heap.h aot_heap_map_out), and the counts
 * per class.  What each JDK prints, in which order:
 *
 *  17   "[closed heap region …]", "[open heap region …]", each followed at
 *       trace level by a dump of the whole region in 8-byte words; no
 *       objects.  We add 21's object lines before the dump line holding
 *       each object's start.
 *  21   "[heap …]"; per object its line then its dump in 4-byte words; the
 *       roots as "HeapShared::roots (ObjArray)"; at the first filler
 *       "Unused heap space" and the dump of the rest, and nothing more.
 *  25   "[heap …]"; "Heap roots segment [N]" lines; the roots (oops trace);
 *       per object its line, its dump, then its fields (oops trace).
 *  26+  "[heap …]"; per object its line, its fields, then its dump.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "heap_priv.h"
#include "hexdump.h"

/* MaxElementPrintSize's default. */
#define MAX_ELEMENT_PRINT 256

struct map_ctx {
	struct aot_out *o;
	unsigned flags;
	bool json, stop;
	uint32_t root_index;	/* 26+: running index over the root segments' elements */
	bool roots_done;	/* 25: the roots lines, printed after the last segment */
	/* 17: the region dump, advanced line by line as objects are listed */
	uint64_t dump_at, dump_end;
};

/* os::print_hex_dump in reference-sized words (4 with compressed oops), with the ASCII column. */
static struct aot_err *hex_dump(struct aot_heap *h, struct aot_out *o, uint64_t start, uint64_t end)
{
	return aot_hexdump(h->m, o, start, end, UINT64_MAX, h->ref_size, true);
}

void aot_heap_out_jvm(struct aot_out *o, const char *text, size_t len)
{
	for (size_t at = 0; at <= len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		aot_out_text(o, "%.*s", (int)(end - at), text + at);	/* %s stops at a NUL, as the log does */
		if (!nl)
			break;
		at = end + 1;
	}
}

/* JDK 17's dump of a heap region: 8-byte words, no ASCII, a space after the last word. */
static struct aot_err *dump17_upto(struct aot_heap *h, struct map_ctx *c, uint64_t upto)
{
	for (; c->dump_at < upto && c->dump_at < c->dump_end; c->dump_at += 32) {
		uint64_t w[4];
		size_t n = c->dump_end - c->dump_at < 32 ? (size_t)(c->dump_end - c->dump_at) : 32;
		struct aot_err *err = aot_target_read(h->m->t, w, c->dump_at, n);
		if (err)
			return err;
		char line[128];
		int len = snprintf(line, sizeof(line), "0x%016" PRIx64 ":   ", c->dump_at);
		for (size_t i = 0; i < n / 8; i++)
			len += snprintf(line + len, sizeof(line) - (size_t)len, "%016" PRIx64 "%s", w[i],
					i + 1 < n / 8 || c->dump_at + 32 >= c->dump_end ? " " : "");
		aot_out_text(c->o, "%s", line);
	}
	return NULL;
}

/* Klass::print_value_on: 'java/lang/String', 'java/lang/Object'[], {type array int}. */
static void klass_value(struct aot_heap *h, const struct aot_heap_class *c, char *buf, size_t len,
			unsigned depth)
{
	static const char *const tnames[] = { "bool", "char", "float", "double", "byte", "short", "int", "long" };
	const struct aot_heap_priv *p = h->p;
	if (!c->is_array) {
		snprintf(buf, len, "'%s'", c->k.name);
	} else if (!c->is_obj_array) {
		int i = (int)c->elem_type - p->t_boolean;
		snprintf(buf, len, "{type array %s}", i >= 0 && i < 8 ? tnames[i] : "?");
	} else {
		struct aot_heap_class *e;
		char inner[400];
		// A corrupt element class chain could loop: no array has more than 255 dimensions.
		if (depth < 255 && aot_ok(aot_heap_class_at(h, c->k.element_klass, &e)))
			klass_value(h, e, inner, sizeof(inner), depth + 1);
		else
			snprintf(inner, sizeof(inner), "?");
		snprintf(buf, len, "%s[]", inner);
	}
}

/* TypeArrayKlass::oop_print_elements_on. */
static struct aot_err *type_elements(struct aot_heap *h, struct aot_out *o, const struct aot_heap_obj *ob)
{
	const struct aot_heap_priv *p = h->p;
	int64_t n = ob->length < MAX_ELEMENT_PRINT ? ob->length : MAX_ELEMENT_PRINT;
	unsigned t = ob->cls->elem_type;
	for (int64_t i = 0; i < n; i++) {
		uint8_t v[8] = { 0 };
		struct aot_err *err = aot_target_read(h->m->t, v, aot_heap_elem_addr(ob, (uint64_t)i),
						      1u << ob->cls->log2_esize);
		if (err)
			return err;
		int8_t b;
		uint16_t u16;
		int32_t i32;
		uint32_t hi, lo;
		float f;
		double d;
		if ((int)t == p->t_boolean) {
			aot_out_text(o, " - %3d: %s", (int)i, v[0] ? "true" : "false");
		} else if ((int)t == p->t_char) {
			memcpy(&u16, v, 2);
			aot_out_text(o, " - %3d: %x %c", (int)i, u16, u16 <= 0xff && isprint(u16) ? u16 : ' ');
		} else if ((int)t == p->t_float) {
			memcpy(&f, v, 4);
			aot_out_text(o, " - %3d: %g", (int)i, (double)f);
		} else if ((int)t == p->t_double) {
			memcpy(&d, v, 8);
			aot_out_text(o, " - %3d: %g", (int)i, d);
		} else if ((int)t == p->t_byte) {
			memcpy(&b, v, 1);
			aot_out_text(o, " - %3d: %x %c", (int)i, (unsigned)b, isprint((unsigned char)b) && b >= 0 ? b : ' ');
		} else if ((int)t == p->t_short) {
			memcpy(&u16, v, 2);
			aot_out_text(o, " - %3d: 0x%x\t %d", (int)i, u16, u16);
		} else if ((int)t == p->t_int) {
			memcpy(&i32, v, 4);
			aot_out_text(o, " - %3d: 0x%x %d", (int)i, (uint32_t)i32, i32);
		} else if ((int)t == p->t_long) {
			memcpy(&lo, v, 4);
			memcpy(&hi, v + 4, 4);
			aot_out_text(o, " - %3d: 0x%x 0x%x", (int)i, hi, lo);
		}
	}
	if (ob->length > n)
		aot_out_text(o, " - <%d more elements, increase MaxElementPrintSize to print>",
			     (int)(ob->length - n));
	return NULL;
}

/* The reference at SLOT as print_oop_info_cr prints it, appended to B. */
static void ref_info(struct aot_heap *h, uint64_t slot, struct aot_sbuf *b)
{
	uint64_t t;
	uint32_t nv;
	struct aot_err *err = aot_heap_ref(h, slot, &t, &nv);
	if (err) {
		aot_sb_printf(b, "<%s>", err->msg);
		aot_err_free(err);
		return;
	}
	aot_heap_ref_sb(h, t, nv, b);
}

static void out_sb(struct aot_out *o, struct aot_sbuf *b)
{
	size_t len;
	char *s = aot_sb_take(b, &len);
	aot_heap_out_jvm(o, s ? s : "?", s ? len : 1);
	free(s);
}

static void field_line(struct aot_heap *h, struct aot_out *o, uint64_t obj, const struct aot_heap_field *f)
{
	struct aot_sbuf b = { 0 }, v = { 0 };
	char *decl = aot_heap_field_decl(h, f);
	size_t vlen;
	aot_heap_field_value_sb(h, obj, f, &v);
	char *val = aot_sb_take(&v, &vlen);
	char t = f->sig ? f->sig[0] : '?';
	// Primitives get print_on_for's extra space; references and 25's metadata pointers do not.
	bool one = t == 'L' || t == '[' || (val && strstr(val, "(marked metadata pointer"));
	aot_sb_printf(&b, " - %s%s", decl ? decl : "?", one ? " " : "  ");
	aot_sb_add(&b, val ? val : "?", val ? vlen : 1);
	out_sb(o, &b);
	free(decl);
	free(val);
}

/* The resolved references of the class a mirror stands for: a root, indexed from its cache. */
static bool resolved_refs(struct aot_heap *h, uint64_t klass, struct aot_sbuf *b)
{
	struct aot_heap_class *c;
	uint64_t cache;
	int64_t idx;
	if (!aot_ok(aot_heap_class_at(h, klass, &c)) || !aot_meta_has(h->m, AOT_LF_CPC_ARCHIVED_REFERENCES_INDEX) ||
	    !aot_ok(aot_meta_get(h->m, c->k.constants, AOT_LF_CP_CACHE, &cache)) || !cache ||
	    !aot_ok(aot_meta_get_signed(h->m, cache, AOT_LF_CPC_ARCHIVED_REFERENCES_INDEX, &idx)))
		return false;
	if (idx < 0 || (uint64_t)idx >= h->roots_count || !h->nsegs)
		return false;
	uint64_t seg = (uint64_t)idx / h->seg_max_elems, in = (uint64_t)idx % h->seg_max_elems;
	struct aot_heap_obj s;
	if (!aot_ok(aot_heap_decode(h, h->seg_base + seg * h->seg_max_bytes, &s)))
		return false;
	ref_info(h, aot_heap_elem_addr(&s, in), b);
	return true;
}

static void mirror_details(struct aot_heap *h, struct aot_out *o, const struct aot_heap_obj *ob)
{
	uint64_t k, ak;
	if (!aot_ok(aot_heap_mirror(h, ob, &k, &ak)))
		return;
	struct aot_sbuf b = { 0 }, sig = { 0 };
	aot_heap_mirror_sig_sb(h, ob, &sig);
	size_t slen;
	char *st = aot_sb_take(&sig, &slen);
	// 25 prints the signature alone, 26+ with its leading space and the aot-inited mark.
	aot_sb_add(&b, " - signature: ", 14);
	if (st && h->feature == 25) {
		char *p = strstr(st, " (aot-inited)");
		if (p)
			slen = (size_t)(p - st);
		aot_sb_add(&b, st + 1, slen > 0 ? slen - 1 : 0);
	} else if (st) {
		aot_sb_add(&b, st, slen);
	}
	free(st);
	out_sb(o, &b);
	struct aot_heap_class *c;
	if (!k || !aot_ok(aot_heap_class_at(h, k, &c)) || !aot_mtype_is_instance_klass(c->k.type))
		return;
	struct aot_sbuf rr = { 0 };
	bool have = resolved_refs(h, k, &rr);
	int32_t nstatic = 0;
	if (h->p->class_static_oop_count >= 0)
		aot_ok(aot_target_read(h->m->t, &nstatic, ob->addr + (uint64_t)h->p->class_static_oop_count, 4));
	b = (struct aot_sbuf){ 0 };
	if (h->feature == 25) {
		aot_sb_add(&b, " - archived_resolved_references: ", 33);
		if (!have)
			aot_sb_add(&b, "null", 4);
	} else {
		aot_sb_add(&b, " - resolved_references: ", 24);
		if (!have)	/* 26+ print "null" without ending the line */
			aot_sb_printf(&b, "null- ---- static fields (%d):", nstatic);
	}
	size_t rlen;
	char *rs = aot_sb_take(&rr, &rlen);
	if (have && rs)
		aot_sb_add(&b, rs, rlen);
	free(rs);
	out_sb(o, &b);
	if (have || h->feature == 25)
		aot_out_text(o, "- ---- static fields (%d):", nstatic);
	if (!aot_ok(aot_heap_class_fields(h, c)))
		return;
	for (size_t i = 0; i < c->nstatics; i++)
		field_line(h, o, ob->addr, &c->statics[i]);
}

/* The aot+map+oops lines of one object (25+). */
static struct aot_err *details(struct aot_heap *h, struct map_ctx *c, const struct aot_heap_obj *ob)
{
	struct aot_out *o = c->o;
	char kv[512];
	struct aot_heap_class *fc = ob->kind == AOT_HOBJ_FILLER ? aot_heap_filler_class(h) : NULL;
	if (fc) {
		// The map shows the filler class: ints, as many as the Object[] has elements.
		struct aot_heap_obj f = *ob;
		f.cls = fc;
		f.klass = fc->k.addr;
		klass_value(h, fc, kv, sizeof(kv), 0);
		aot_out_text(o, " - klass: %s 0x%016" PRIx64, kv, f.klass);
		return type_elements(h, o, &f);
	}
	klass_value(h, ob->cls, kv, sizeof(kv), 0);
	aot_out_text(o, " - klass: %s 0x%016" PRIx64, kv, ob->klass);
	if (ob->cls->is_array && !ob->cls->is_obj_array)
		return type_elements(h, o, ob);
	if (ob->cls->is_obj_array) {
		bool root = ob->kind == AOT_HOBJ_ROOTS && h->feature > 25;
		for (int64_t i = 0; i < ob->length; i++) {
			struct aot_sbuf b = { 0 };
			if (root)
				aot_sb_printf(&b, " root[%4u]: ", c->root_index++);
			else
				aot_sb_printf(&b, " -%4d: ", (int)i);
			ref_info(h, aot_heap_elem_addr(ob, (uint64_t)i), &b);
			out_sb(o, &b);
		}
		return NULL;
	}
	aot_out_text(o, " - fields (%" PRIu64 " words):", ob->size / 8);
	struct aot_err *err = aot_heap_class_fields(h, ob->cls);
	if (err)
		return err;
	for (size_t i = 0; i < ob->cls->nfields; i++)
		field_line(h, o, ob->addr, &ob->cls->fields[i]);
	if (ob->kind == AOT_HOBJ_MIRROR)
		mirror_details(h, o, ob);
	return NULL;
}

/* 25: after the segments, every root (HeapShared's pending roots) once. */
static void roots25(struct aot_heap *h, struct map_ctx *c)
{
	uint32_t idx = 0;
	for (uint32_t s = 0; s < h->nsegs; s++) {
		struct aot_heap_obj seg;
		if (!aot_ok(aot_heap_decode(h, h->seg_base + s * h->seg_max_bytes, &seg)))
			return;
		for (int64_t i = 0; i < seg.length; i++) {
			struct aot_sbuf b = { 0 };
			aot_sb_printf(&b, "roots[%4u]: ", idx++);
			ref_info(h, aot_heap_elem_addr(&seg, (uint64_t)i), &b);
			out_sb(c->o, &b);
		}
	}
}

static struct aot_err *json_obj(struct aot_heap *h, struct aot_out *o, const struct aot_heap_obj *ob)
{
	static const char *const kinds[] = { "instance", "string", "mirror", "objArray", "typeArray", "roots", "filler" };
	aot_out_begin(o, NULL, NULL);
	aot_out_hex(o, "address", ob->addr, 16);
	if (h->compressed_oops)
		aot_out_hex(o, "narrow", ob->narrow, 8);
	aot_out_hex(o, "klass", ob->klass, 16);
	aot_out_str(o, "class", ob->cls->k.ext_name);
	aot_out_u64(o, "size", ob->size);
	if (ob->length >= 0)
		aot_out_i64(o, "length", ob->length);
	else
		aot_out_str(o, "length", NULL);
	aot_out_str(o, "kind", kinds[ob->kind]);
	aot_out_str(o, "region", h->regions[ob->region].name);
	aot_out_end(o);
	return NULL;
}

static void print_line(struct aot_heap *h, struct aot_out *o, const struct aot_heap_obj *ob)
{
	size_t len;
	char *line = aot_heap_obj_line(h, ob, &len);
	aot_heap_out_jvm(o, line ? line : "?", line ? len : 1);
	free(line);
}

static struct aot_err *map_fn(struct aot_heap *h, const struct aot_heap_obj *ob, void *arg)
{
	struct map_ctx *c = arg;
	if (c->stop)
		return NULL;
	if (c->json)
		return json_obj(h, c->o, ob);
	struct aot_err *err = NULL;
	bool hex = c->flags & AOT_HEAP_MAP_HEX, fields = (c->flags & AOT_HEAP_MAP_FIELDS) && h->feature >= 25;
	if (h->feature <= 17) {
		// Our lines go before the JVM's dump line that holds the object's start.
		if (hex)
			err = dump17_upto(h, c, ob->addr - (ob->addr - c->dump_at) % 32);
		print_line(h, c->o, ob);
		return err;
	}
	if (h->feature == 25 && fields && !c->roots_done && ob->kind != AOT_HOBJ_ROOTS) {
		roots25(h, c);
		c->roots_done = true;
	}
	print_line(h, c->o, ob);
	if (h->feature <= 21 && ob->kind == AOT_HOBJ_FILLER && !(c->flags & AOT_HEAP_MAP_ALL)) {
		c->stop = true;
		return hex ? hex_dump(h, c->o, ob->addr, h->regions[ob->region].end) : NULL;
	}
	if (h->feature == 25 && ob->kind == AOT_HOBJ_ROOTS)
		return NULL;	/* 25 dumps no segment */
	// 25 knows a filler only by its size: no fields for it.
	bool det = fields && !(h->feature == 25 && ob->kind == AOT_HOBJ_FILLER);
	if (det && h->feature > 25)
		err = details(h, c, ob);
	if (!err && hex)
		err = hex_dump(h, c->o, ob->addr, ob->addr + ob->size);
	if (!err && det && h->feature == 25)
		err = details(h, c, ob);
	return err;
}

struct aot_err *aot_heap_map_out(struct aot_meta *m, const struct aot_archive *ar, struct aot_out *o,
				 unsigned flags)
{
	struct aot_heap *h;
	struct aot_err *err = aot_heap_open(m, ar, &h);
	if (err)
		return err;
	struct map_ctx c = { .o = o, .flags = flags, .json = aot_out_is_json(o) };
	if (c.json)
		aot_out_begin_list(o, "heap_objects", NULL);
	for (unsigned i = 0; i < h->nregions && !err; i++) {
		const struct aot_heap_region *r = &h->regions[i];
		aot_map_section_line(o, r->title, r->start, r->end);
		c.dump_at = r->start;
		c.dump_end = r->end;
		err = aot_heap_walk_region(h, i, map_fn, &c);
		if (!err && h->feature <= 17 && (flags & AOT_HEAP_MAP_HEX) && !c.json)
			err = dump17_upto(h, &c, r->end);
	}
	if (c.json)
		aot_out_end_list(o);
	aot_heap_close(h);
	return err;
}

struct stat_ctx {
	struct aot_heap_class_stat *v;
	size_t n, cap;
	size_t *slot;		/* open addressing on the klass: index into v, + 1 */
	size_t nslot;
	struct aot_heap_totals t;
};

static size_t stat_hash(const struct stat_ctx *s, uint64_t klass)
{
	return (size_t)((klass * 0x9e3779b97f4a7c15ull) >> 20) & (s->nslot - 1);
}

static struct aot_err *stat_grow(struct stat_ctx *s)
{
	size_t cap = s->cap ? 2 * s->cap : 256;
	struct aot_heap_class_stat *p = realloc(s->v, cap * sizeof(*p));
	size_t *slot = calloc(2 * cap, sizeof(*slot));
	if (!p || !slot) {
		if (p)
			s->v = p;
		free(slot);
		return &aot_enomem;
	}
	s->v = p;
	s->cap = cap;
	free(s->slot);
	s->slot = slot;
	s->nslot = 2 * cap;
	for (size_t i = 0; i < s->n; i++) {
		size_t j = stat_hash(s, s->v[i].klass);
		while (s->slot[j])
			j = (j + 1) & (s->nslot - 1);
		s->slot[j] = i + 1;
	}
	return NULL;
}

static struct aot_err *stat_fn(struct aot_heap *h, const struct aot_heap_obj *ob, void *arg)
{
	struct stat_ctx *s = arg;
	s->t.objects++;
	s->t.bytes += ob->size;
	if (ob->kind == AOT_HOBJ_ROOTS)
		s->t.roots += (uint64_t)ob->length;
	if (ob->kind == AOT_HOBJ_FILLER) {
		s->t.fillers++;
		s->t.filler_bytes += ob->size;
		return NULL;
	}
	(void)h;
	if (s->n == s->cap) {
		struct aot_err *err = stat_grow(s);
		if (err)
			return err;
	}
	size_t j = stat_hash(s, ob->klass);
	for (; s->slot[j]; j = (j + 1) & (s->nslot - 1)) {
		struct aot_heap_class_stat *c = &s->v[s->slot[j] - 1];
		if (c->klass == ob->klass) {
			c->count++;
			c->bytes += ob->size;
			return NULL;
		}
	}
	s->v[s->n] = (struct aot_heap_class_stat){ ob->klass, ob->cls->k.ext_name, 1, ob->size };
	s->slot[j] = ++s->n;
	return NULL;
}

static int by_bytes(const void *a, const void *b)
{
	const struct aot_heap_class_stat *x = a, *y = b;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

struct aot_err *aot_heap_stats(struct aot_heap *h, struct aot_heap_class_stat **ret, size_t *n,
			       struct aot_heap_totals *totals)
{
	struct stat_ctx s = { 0 };
	struct aot_err *err = aot_heap_walk(h, stat_fn, &s);
	free(s.slot);
	if (err) {
		free(s.v);
		return err;
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), by_bytes);
	*ret = s.v;
	*n = s.n;
	*totals = s.t;
	return NULL;
}

static const struct aot_col stat_cols[] = {
	{ "count", "count", 8, AOT_RIGHT },
	{ "bytes", "bytes", 10, AOT_RIGHT },
	{ "class", "class", 0, AOT_LEFT },
};

/* aot-stats' heap part: objects and bytes per class, then the totals the JVM's dump log states. */
struct aot_err *aot_heap_stats_out(struct aot_meta *m, const struct aot_archive *ar, struct aot_out *o)
{
	struct aot_heap *h;
	struct aot_err *err = aot_heap_open(m, ar, &h);
	if (err)
		return err;
	struct aot_heap_class_stat *v = NULL;
	size_t n = 0;
	struct aot_heap_totals t;
	if (h->nregions)
		err = aot_heap_stats(h, &v, &n, &t);
	if (!err && h->nregions) {
		aot_out_begin_table(o, "heap", stat_cols, sizeof(stat_cols) / sizeof(stat_cols[0]));
		for (size_t i = 0; i < n; i++) {
			aot_out_row_begin(o);
			aot_out_u64(o, "count", v[i].count);
			aot_out_u64(o, "bytes", v[i].bytes);
			aot_out_str(o, "class", v[i].name);
			aot_out_hex(o, "klass", v[i].klass, 16);
			aot_out_row_end(o);
		}
		aot_out_end_table(o);
		aot_out_begin(o, "heap_total", "heap totals");
		aot_out_u64(o, "count", t.objects);
		aot_out_u64(o, "bytes", t.bytes);
		aot_out_u64(o, "classes", n);
		aot_out_u64(o, "fillers", t.fillers);
		aot_out_u64(o, "filler_bytes", t.filler_bytes);
		aot_out_u64(o, "roots", t.roots);
		aot_out_end(o);
	} else if (!err) {
		aot_out_begin(o, "heap_total", NULL);
		aot_out_u64(o, "count", 0);
		aot_out_u64(o, "bytes", 0);
		aot_out_end(o);
	}
	free(v);
	aot_heap_close(h);
	return err;
}
