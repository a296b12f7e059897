/*
 * The JVM's own words for heap objects: the "@@ Object" line of its map
 * and the text of references and field values, as each JDK prints them
 * (21: archiveBuilder.cpp; 25: archiveBuilder.cpp print_oop_info_cr; 26+:
 * aotMapLogger.cpp; field values: fieldDescriptor::print_on_for).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "heap_priv.h"
#include "strbuf.h"

/* MaxStringPrintSize's default: longer Strings are abridged in the middle. */
#define MAX_STRING_PRINT 256

/*
 * A String as java_lang_String::print (25) and FakeString::print_on (26+)
 * write it: quoted, control characters as \xNN, each other character as
 * its low byte, and the middle of a long one left out.
 */
static void string_text(struct aot_heap *h, const struct aot_heap_obj *o, struct aot_sbuf *b)
{
	uint16_t *c;
	size_t n;
	bool latin1;
	struct aot_err *err = aot_heap_string(h, o, &c, &n, &latin1);
	if (err) {
		aot_sb_printf(b, "<%s>", err->msg);
		aot_err_free(err);
		return;
	}
	if (!c && h->feature <= 25) {
		aot_sb_add(b, "NULL", 4);
		return;
	}
	bool abridge = n > MAX_STRING_PRINT;
	aot_sb_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (abridge && i >= MAX_STRING_PRINT / 2) {
			aot_sb_printf(b, " ... (%zu characters ommitted) ... ", n - 2 * (MAX_STRING_PRINT / 2));
			i = n - MAX_STRING_PRINT / 2;
			abridge = false;
		}
		if (c[i] < ' ') {
			aot_sb_printf(b, "\\x%02X", c[i]);
		} else {
			char ch = (char)(c[i] & 0xff);
			aot_sb_add(b, &ch, 1);
		}
	}
	aot_sb_add(b, "\"", 1);
	if (n > MAX_STRING_PRINT)
		aot_sb_add(b, " (abridged) ", 12);
	free(c);
}

/* " Ljava/lang/Object;", " [I", " I", " V", and " (aot-inited)" after an initialized class. */
void aot_heap_mirror_sig_sb(struct aot_heap *h, const struct aot_heap_obj *o, struct aot_sbuf *b)
{
	uint64_t k, ak;
	struct aot_heap_class *c;
	struct aot_err *err = aot_heap_mirror(h, o, &k, &ak);
	if (!err && !k) {
		// A primitive type's mirror: the type array class names the type.
		if (!ak) {
			aot_sb_add(b, " V", 2);
			return;
		}
		if (!(err = aot_heap_class_at(h, ak, &c)) && c->k.name[0] == '[' && c->k.name[1]) {
			aot_sb_printf(b, " %c", c->k.name[1]);
			return;
		}
	}
	if (!err && !(err = aot_heap_class_at(h, k, &c))) {
		bool inst = aot_mtype_is_instance_klass(c->k.type);
		aot_sb_printf(b, inst ? " L%s;" : " %s", c->k.name);
		if (c->aot_inited == 1)
			aot_sb_add(b, " (aot-inited)", 13);
		return;
	}
	aot_sb_printf(b, " <%s>", err ? err->msg : "?");
	aot_err_free(err);
}

void aot_heap_oop_info_sb(struct aot_heap *h, const struct aot_heap_obj *o, struct aot_sbuf *b)
{
	if (h->compressed_oops)
		aot_sb_printf(b, "(0x%08x) ", o->narrow);
	if (o->cls->is_array) {
		const struct aot_heap_class *c = o->kind == AOT_HOBJ_FILLER ? aot_heap_filler_class(h) : NULL;
		aot_sb_printf(b, "%s length: %" PRId64, (c ? c : o->cls)->k.ext_name, o->length);
		return;
	}
	aot_sb_add(b, o->cls->k.ext_name, strlen(o->cls->k.ext_name));
	if (o->kind == AOT_HOBJ_STRING) {
		aot_sb_add(b, " ", 1);
		string_text(h, o, b);
	} else if (o->kind == AOT_HOBJ_MIRROR) {
		aot_heap_mirror_sig_sb(h, o, b);
	}
}

char *aot_heap_oop_info(struct aot_heap *h, const struct aot_heap_obj *o, size_t *len)
{
	struct aot_sbuf b = { 0 };
	aot_heap_oop_info_sb(h, o, &b);
	return aot_sb_take(&b, len);
}

/* HeapRootSegments::size_in_elems: all full but the last. */
static uint32_t segment_elems(const struct aot_heap *h, int seg)
{
	if ((uint32_t)seg + 1 < h->nsegs)
		return h->seg_max_elems;
	return h->roots_count - (h->nsegs - 1) * h->seg_max_elems;
}

char *aot_heap_obj_line(struct aot_heap *h, const struct aot_heap_obj *o, size_t *len)
{
	struct aot_sbuf b = { 0 };
	const struct aot_heap_region *r = &h->regions[o->region];
	if (h->feature == 25 && o->kind == AOT_HOBJ_ROOTS) {
		aot_sb_printf(&b, "0x%016" PRIx64 ": Heap roots segment [%u]", o->addr,
			  segment_elems(h, o->segment));
	} else if (h->feature <= 21 && o->kind == AOT_HOBJ_FILLER) {
		// 21's map knows no fillers: it stops at the first, calling the rest unused.
		aot_sb_printf(&b, "0x%016" PRIx64 ": @@ Unused heap space %" PRIu64 " bytes", o->addr,
			  r->end - o->addr);
	} else {
		aot_sb_printf(&b, "0x%016" PRIx64 ": @@ Object ", o->addr);
		if (h->feature <= 21 && o->kind == AOT_HOBJ_ROOTS)
			aot_sb_printf(&b, "HeapShared::roots (ObjArray)");
		else if (h->feature <= 21)
			aot_sb_add(&b, o->cls->k.ext_name, strlen(o->cls->k.ext_name));
		else if (h->feature == 25 && o->kind == AOT_HOBJ_FILLER)
			aot_sb_printf(&b, "filler %" PRIu64 " bytes", o->size);
		else
			aot_heap_oop_info_sb(h, o, &b);
	}
	return aot_sb_take(&b, len);
}

/* JVM order: fieldDescriptor::print_access_flags ("enum" from 27 on). */
static void access_words(int feature, uint16_t acc, struct aot_sbuf *b)
{
	static const struct {
		uint16_t bit;
		const char *word;
	} words[] = {
		{ 0x0001, "public " }, { 0x0002, "private " }, { 0x0004, "protected " },
		{ 0x0008, "static " }, { 0x0010, "final " }, { 0x0040, "volatile " },
		{ 0x0080, "transient " }, { 0x4000, "enum " }, { 0x1000, "synthetic " },
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((acc & words[i].bit) && (words[i].bit != 0x4000 || feature >= 27))
			aot_sb_add(b, words[i].word, strlen(words[i].word));
}

char *aot_heap_field_decl(const struct aot_heap *h, const struct aot_heap_field *f)
{
	struct aot_sbuf b = { 0 };
	access_words(h->feature, f->access, &b);
	if (f->injected)
		aot_sb_add(&b, "injected ", 9);
	aot_sb_printf(&b, "'%s' '%s' @%u", f->name ? f->name : "?", f->sig ? f->sig : "?", f->offset);
	return aot_sb_take(&b, NULL);
}

/* A reference as print_oop_info_cr shows it: "0x… (0x…) class …", or "null". */
void aot_heap_ref_sb(struct aot_heap *h, uint64_t target, uint32_t narrow, struct aot_sbuf *b)
{
	if (!target) {
		aot_sb_add(b, "null", 4);
		return;
	}
	struct aot_heap_obj t;
	struct aot_err *err = aot_heap_decode(h, target, &t);
	if (err) {
		aot_sb_printf(b, "0x%016" PRIx64 " (0x%08x) <%s>", target, narrow, err->msg);
		aot_err_free(err);
		return;
	}
	aot_sb_printf(b, "0x%016" PRIx64 " ", target);
	aot_heap_oop_info_sb(h, &t, b);
}

static void primitive_text(struct aot_heap *h, char type, const uint8_t *v, struct aot_sbuf *b)
{
	bool old = h->feature <= 25;	/* 25 sign-extends a byte's or short's hex to an int */
	int8_t i8;
	int16_t i16;
	uint16_t u16;
	int32_t i32;
	int64_t i64;
	float fl;
	double db;
	switch (type) {
	case 'B':
		memcpy(&i8, v, 1);
		aot_sb_printf(b, "%d (0x%02x)", i8, old ? (uint32_t)(int32_t)i8 : (uint8_t)i8);
		break;
	case 'Z':
		aot_sb_printf(b, "%s (0x%02x)", v[0] ? "true" : "false", v[0]);
		break;
	case 'C':
		memcpy(&u16, v, 2);
		aot_sb_printf(b, "%c %d (0x%04x)", u16 <= 0xff && isprint(u16) ? u16 : ' ', u16, u16);
		break;
	case 'S':
		memcpy(&i16, v, 2);
		aot_sb_printf(b, "%d (0x%04x)", i16, old ? (uint32_t)(int32_t)i16 : (uint16_t)i16);
		break;
	case 'I':
		memcpy(&i32, v, 4);
		aot_sb_printf(b, "%d (0x%08x)", i32, (uint32_t)i32);
		break;
	case 'F':
		memcpy(&fl, v, 4);
		memcpy(&i32, v, 4);
		aot_sb_printf(b, "%f (0x%08x)", (double)fl, (uint32_t)i32);
		break;
	case 'J':
		memcpy(&i64, v, 8);
		aot_sb_printf(b, "%" PRId64 " (0x%016" PRIx64 ")", i64, (uint64_t)i64);
		break;
	case 'D':
		memcpy(&db, v, 8);
		memcpy(&i64, v, 8);
		aot_sb_printf(b, "%lf (0x%016" PRIx64 ")", db, (uint64_t)i64);
		break;
	default:
		aot_sb_printf(b, "<unknown type %c>", type);
	}
}

static unsigned type_size(char type)
{
	switch (type) {
	case 'B': case 'Z': return 1;
	case 'C': case 'S': return 2;
	case 'I': case 'F': return 4;
	case 'J': case 'D': return 8;
	default: return 0;
	}
}

void aot_heap_field_value_sb(struct aot_heap *h, uint64_t obj, const struct aot_heap_field *f,
			     struct aot_sbuf *b)
{
	char type = f->sig ? f->sig[0] : '?';
	uint64_t at = obj + f->offset;
	struct aot_err *err = NULL;
	if (type == 'L' || type == '[') {
		uint64_t target;
		uint32_t narrow;
		if (!(err = aot_heap_ref(h, at, &target, &narrow)))
			aot_heap_ref_sb(h, target, narrow, b);
	} else if (type == 'J' && h->feature == 25 && aot_heap_native_ptr(h, at)) {
		// 25 shows a Klass* kept in a long as the metadata pointer it is.
		uint64_t v;
		if (!(err = aot_target_read_u64(h->m->t, at, &v)))
			aot_sb_printf(b, "0x%016" PRIx64 " (marked metadata pointer @0x%016" PRIx64 " )", v, at);
	} else {
		uint8_t v[8] = { 0 };
		unsigned n = type_size(type);
		if (n && !(err = aot_target_read(h->m->t, v, at, n)))
			primitive_text(h, type, v, b);
		else if (!n)
			aot_sb_printf(b, "<unknown signature %s>", f->sig ? f->sig : "?");
	}
	if (err) {
		aot_sb_printf(b, "<%s>", err->msg);
		aot_err_free(err);
	}
}

char *aot_heap_field_value(struct aot_heap *h, uint64_t obj, const struct aot_heap_field *f, size_t *len)
{
	struct aot_sbuf b = { 0 };
	aot_heap_field_value_sb(h, obj, f, &b);
	return aot_sb_take(&b, len);
}
