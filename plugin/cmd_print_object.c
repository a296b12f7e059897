/* aot-print-object: one archived heap object, its class and what it holds. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "heap.h"
#include "jname.h"
#include "objwalk.h"

#define DEFAULT_LIMIT 64

static const char *kind_name(enum aot_hobj_kind k)
{
	static const char *const names[] = {
		[AOT_HOBJ_INSTANCE] = "instance", [AOT_HOBJ_STRING] = "java.lang.String",
		[AOT_HOBJ_MIRROR] = "java.lang.Class mirror", [AOT_HOBJ_OBJ_ARRAY] = "object array",
		[AOT_HOBJ_TYPE_ARRAY] = "primitive array", [AOT_HOBJ_ROOTS] = "heap roots",
		[AOT_HOBJ_FILLER] = "filler array",
	};
	return names[k];
}

/* The archive whose heap holds ADDR, or NULL. */
static const struct aot_archive *heap_archive(const struct aot_session *s, uint64_t addr)
{
	for (unsigned i = 0; i < s->narchives; i++)
		for (const struct aot_archive *ar = s->archives[i]; ar; ar = ar->base)
			for (unsigned r = 0; r < ar->nregions; r++) {
				const struct aot_region *rg = &ar->regions[r];
				if (rg->is_heap && rg->mappable && addr >= rg->addr && addr - rg->addr < rg->used)
					return ar;
			}
	return NULL;
}

/* "0x… is not a heap object (…)": what the address is instead (IN: the heap object holding it). */
static struct aot_err *not_an_object(struct aot_meta *m, struct aot_heap *h, uint64_t addr,
				     const struct aot_heap_obj *in)
{
	if (h)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not the start of a heap object (it is "
				"inside %s at 0x%" PRIx64 ", at offset %" PRIu64 ")", addr, in->cls->k.ext_name,
				in->addr, addr - in->addr);
	const char *region;
	const struct aot_archive *ar = aot_meta_archive_of(m, addr, &region);
	if (!ar)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a heap object: it is in no archive "
				"of the session", addr);
	char *inside = aot_objmap_describe(m, addr);
	struct aot_err *err = aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a heap object (%s%s%s "
				       "region of %s)", addr, inside ? inside : "", inside ? ", in the " : "it is in the ",
				       region, ar->path);
	free(inside);
	return err;
}

/* UTF-16 units as UTF-8, lone surrogates as U+FFFD. */
static char *utf16_to_utf8(const uint16_t *u, size_t n)
{
	char *s = malloc(3 * n + 1), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && u[i + 1] >= 0xdc00 && u[i + 1] < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (u[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		if (c < 0x80) {
			*p++ = (char)c;
		} else if (c < 0x800) {
			*p++ = (char)(0xc0 | c >> 6);
			*p++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*p++ = (char)(0xe0 | c >> 12);
			*p++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*p++ = (char)(0x80 | (c & 0x3f));
		} else {
			*p++ = (char)(0xf0 | c >> 18);
			*p++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*p++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*p++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*p = 0;
	return s;
}

/* A reference's target as JSON members and, in text, the JVM's words. */
static void ref_members(struct aot_out *o, struct aot_heap *h, uint64_t slot)
{
	uint64_t t;
	uint32_t nv;
	struct aot_err *err = aot_heap_ref(h, slot, &t, &nv);
	struct aot_heap_obj ob;
	if (!err && t)
		err = aot_heap_decode(h, t, &ob);
	if (err) {
		aot_out_strf(o, "value", "<%s>", err->msg);
		aot_err_free(err);
		return;
	}
	if (!t) {
		aot_out_str(o, "value", "null");
		return;
	}
	char *info = aot_heap_oop_info(h, &ob, NULL);
	aot_out_strf(o, "value", "0x%016" PRIx64 " %s", t, info ? info : "");
	free(info);
	aot_out_hex(o, "target", t, 16);
	if (h->compressed_oops)
		aot_out_hex(o, "target_narrow", nv, 8);
	aot_out_str(o, "target_class", ob.cls->k.ext_name);
}

static const struct aot_col field_cols[] = {
	{ "offset", "offset", 6, AOT_RIGHT },
	{ "modifiers", "modifiers", 24, AOT_LEFT },
	{ "type", "type", 20, AOT_LEFT },
	{ "name", "name", 20, AOT_LEFT },
	{ "value", "value", 0, AOT_LEFT },
};

static void field_rows(struct aot_out *o, struct aot_heap *h, uint64_t obj, const char *key,
		       const struct aot_heap_field *f, size_t n)
{
	aot_out_begin_table(o, key, field_cols, sizeof(field_cols) / sizeof(field_cols[0]));
	for (size_t i = 0; i < n; i++) {
		char *decl = aot_heap_field_decl(h, &f[i]);
		char acc[96];
		aot_jname_flags(f[i].access, AOT_FLAGS_FIELD, acc, sizeof(acc));
		const char *sp = f[i].sig;
		char *type = sp ? aot_jname_field_type(&sp) : NULL;
		aot_out_row_begin(o);
		aot_out_u64(o, "offset", f[i].offset);
		if (f[i].injected)
			aot_out_strf(o, "modifiers", "%s%sinjected", acc, *acc ? " " : "");
		else
			aot_out_str(o, "modifiers", acc);
		aot_out_str(o, "type", type ? type : f[i].sig);
		aot_out_str(o, "name", f[i].name);
		aot_out_str(o, "signature", f[i].sig);
		aot_out_bool(o, "injected", f[i].injected);
		aot_out_str(o, "declaration", decl);
		free(type);
		char t = f[i].sig ? f[i].sig[0] : '?';
		if (t == 'L' || t == '[') {
			ref_members(o, h, obj + f[i].offset);
		} else {
			char *v = aot_heap_field_value(h, obj, &f[i], NULL);
			aot_out_str(o, "value", v);
			free(v);
		}
		aot_out_row_end(o);
		free(decl);
	}
	aot_out_end_table(o);
}

static const struct aot_col elem_cols[] = {
	{ "index", "index", 6, AOT_RIGHT },
	{ "value", "value", 0, AOT_LEFT },
};

/* One primitive element in Java's words. */
static void prim_value(struct aot_out *o, char type, const uint8_t *v)
{
	int8_t i8;
	int16_t i16;
	uint16_t u16;
	int32_t i32;
	int64_t i64;
	float f;
	double d;
	switch (type) {
	case 'Z': aot_out_str(o, "value", v[0] ? "true" : "false"); break;
	case 'B': memcpy(&i8, v, 1); aot_out_i64(o, "value", i8); break;
	case 'S': memcpy(&i16, v, 2); aot_out_i64(o, "value", i16); break;
	case 'C':
		memcpy(&u16, v, 2);
		if (u16 >= 0x20 && u16 < 0x7f)
			aot_out_strf(o, "value", "'%c' %u", u16, u16);
		else
			aot_out_strf(o, "value", "\\u%04x %u", u16, u16);
		break;
	case 'I': memcpy(&i32, v, 4); aot_out_i64(o, "value", i32); break;
	case 'J': memcpy(&i64, v, 8); aot_out_i64(o, "value", i64); break;
	case 'F': memcpy(&f, v, 4); aot_out_strf(o, "value", "%g", (double)f); break;
	case 'D': memcpy(&d, v, 8); aot_out_strf(o, "value", "%g", d); break;
	default: aot_out_str(o, "value", "?");
	}
}

static struct aot_err *elements(struct aot_out *o, struct aot_heap *h, const struct aot_heap_obj *ob,
				uint64_t limit)
{
	uint64_t n = (uint64_t)ob->length < limit ? (uint64_t)ob->length : limit;
	char type = ob->cls->k.name[1];
	aot_out_begin_table(o, "elements", elem_cols, sizeof(elem_cols) / sizeof(elem_cols[0]));
	struct aot_err *err = NULL;
	for (uint64_t i = 0; i < n && !err; i++) {
		uint64_t at = aot_heap_elem_addr(ob, i);
		aot_out_row_begin(o);
		aot_out_u64(o, "index", i);
		if (ob->cls->is_obj_array) {
			ref_members(o, h, at);
		} else {
			uint8_t v[8] = { 0 };
			err = aot_target_read(h->m->t, v, at, 1u << ob->cls->log2_esize);
			if (!err)
				prim_value(o, type, v);
		}
		aot_out_row_end(o);
	}
	aot_out_end_table(o);
	if (!err && (uint64_t)ob->length > n) {
		aot_out_u64(o, "elements_not_shown", (uint64_t)ob->length - n);
		aot_out_text(o, "(%" PRIu64 " more: --limit N shows more)", (uint64_t)ob->length - n);
	}
	return err;
}

static void string_members(struct aot_out *o, struct aot_heap *h, const struct aot_heap_obj *ob)
{
	uint16_t *c;
	size_t n;
	bool latin1;
	struct aot_err *err = aot_heap_string(h, ob, &c, &n, &latin1);
	if (err) {
		aot_out_strf(o, "string", "<%s>", err->msg);
		aot_err_free(err);
		return;
	}
	char *u = c ? utf16_to_utf8(c, n) : NULL;
	aot_out_str(o, "string", u);
	aot_out_str(o, "coder", latin1 ? "LATIN1" : "UTF16");
	aot_out_u64(o, "string_length", n);
	free(u);
	free(c);
}

/* The class a mirror stands for: its Klass, or the primitive type. */
static struct aot_heap_class *mirror_members(struct aot_out *o, struct aot_heap *h, const struct aot_heap_obj *ob)
{
	uint64_t k, ak;
	struct aot_heap_class *c = NULL;
	struct aot_err *err = aot_heap_mirror(h, ob, &k, &ak);
	if (!err && !k) {
		static const struct {
			char c;
			const char *name;
		} prims[] = { { 'Z', "boolean" }, { 'B', "byte" }, { 'C', "char" }, { 'S', "short" },
			      { 'I', "int" }, { 'J', "long" }, { 'F', "float" }, { 'D', "double" } };
		const char *name = "void";
		if (ak && !(err = aot_heap_class_at(h, ak, &c)))
			for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++)
				if (c->k.name[1] == prims[i].c)
					name = prims[i].name;
		if (!err) {
			aot_out_strf(o, "mirrors", "%s (a primitive type)", name);
			aot_out_hex(o, "mirrored_klass", 0, 16);
			if (ak)
				aot_out_hex(o, "array_klass", ak, 16);
		}
		c = NULL;
	} else if (!err && !(err = aot_heap_class_at(h, k, &c))) {
		aot_out_strf(o, "mirrors", "%s (Klass 0x%016" PRIx64 ")", c->k.ext_name, k);
		aot_out_hex(o, "mirrored_klass", k, 16);
		if (ak)
			aot_out_hex(o, "array_klass", ak, 16);
		if (c->aot_inited >= 0)
			aot_out_bool(o, "aot_initialized", c->aot_inited == 1);
	}
	if (err) {
		aot_out_strf(o, "mirrors", "<%s>", err->msg);
		aot_err_free(err);
		c = NULL;
	}
	return c;
}

static struct aot_err *show(struct aot_out *o, struct aot_heap *h, const struct aot_heap_obj *ob,
			    uint64_t limit)
{
	aot_out_begin(o, "object", NULL);
	aot_out_hex(o, "address", ob->addr, 16);
	if (h->compressed_oops)
		aot_out_hex(o, "narrow", ob->narrow, 8);
	aot_out_str(o, "class", ob->cls->k.ext_name);
	aot_out_hex(o, "klass", ob->klass, 16);
	aot_out_str(o, "kind", kind_name(ob->kind));
	aot_out_u64(o, "size", ob->size);
	aot_out_hex(o, "mark", ob->mark, 16);
	aot_out_str(o, "region", h->regions[ob->region].name);
	if (ob->length >= 0)
		aot_out_i64(o, "length", ob->length);
	if (ob->kind == AOT_HOBJ_ROOTS && ob->segment >= 0)
		aot_out_i64(o, "roots_segment", ob->segment);
	struct aot_heap_class *mirrored = NULL;
	if (ob->kind == AOT_HOBJ_STRING)
		string_members(o, h, ob);
	else if (ob->kind == AOT_HOBJ_MIRROR)
		mirrored = mirror_members(o, h, ob);
	aot_out_end(o);
	if (ob->length >= 0)
		return elements(o, h, ob, limit);
	struct aot_err *err = aot_heap_class_fields(h, ob->cls);
	if (err)
		return err;
	field_rows(o, h, ob->addr, "fields", ob->cls->fields, ob->cls->nfields);
	if (mirrored && !(err = aot_heap_class_fields(h, mirrored)) && mirrored->nstatics) {
		aot_out_text(o, "static fields of %s:", mirrored->k.ext_name);
		field_rows(o, h, ob->addr, "static_fields", mirrored->statics, mirrored->nstatics);
	}
	return err;
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *arg = NULL;
	uint64_t limit = DEFAULT_LIMIT, addr;
	struct aot_err *err = NULL;
	for (int i = 1; i < argc && !err; i++) {
		if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			err = aot_parse_u64(argv[++i], "--limit", &limit);
		else if (argv[i][0] != '-' && !arg)
			arg = argv[i];
		else
			return aot_errf(AOT_ERR_USAGE, "usage: aot-print-object ADDR [--limit N]");
	}
	if (!err && !arg)
		return aot_errf(AOT_ERR_USAGE, "usage: aot-print-object ADDR [--limit N]");
	struct aot_meta *m;
	if (!err)
		err = aot_parse_u64(arg, "object address", &addr);
	if (!err)
		err = aot_session_meta(s, &m);
	if (err)
		return err;
	const struct aot_archive *ar = heap_archive(s, addr);
	if (!ar)
		return not_an_object(m, NULL, addr, NULL);
	struct aot_heap *h;
	if ((err = aot_heap_open(m, ar, &h)))
		return err;
	// Any aligned word can look like a header: only the walk from the region start knows.
	struct aot_heap_obj ob;
	err = aot_heap_containing(h, addr, &ob);
	if (!err && ob.addr != addr)
		err = not_an_object(m, h, addr, &ob);
	if (!err)
		err = show(o, h, &ob, limit);
	aot_heap_close(h);
	return err;
}

const struct aot_cmd aot_cmd_print_object = {
	.name = "aot-print-object",
	.usage = "aot-print-object ADDR [--limit N] [--json]",
	.summary = "an archived heap object: its class, size and fields with their values",
	.help = "Shows the heap object starting at ADDR: its narrow oop, class (name and Klass\n"
		"address), kind, size, mark word and region; then its fields, the superclasses'\n"
		"included, each with its value as the JVM's map prints it (references as\n"
		"address, narrow oop and the referent's class).  A java.lang.String shows its\n"
		"text (LATIN1 or UTF16); a java.lang.Class mirror the class it stands for and\n"
		"that class's static fields; an array its length and its first N elements\n"
		"(--limit N, default 64).  An address inside an object names the object it is\n"
		"in and the offset.\n",
	.example = "aot-print-object 0x7ffc03198",
	.addr_args = true,
	.run = run,
};
