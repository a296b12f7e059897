#include "klass_extra.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_tables.h"
#include "cpool.h"
#include "fieldinfo.h"
#include "jname.h"
#include "raw_members.h"

/* A class has at most 65535 fields of a few bytes each. */
#define MAX_FIELDINFO_BYTES (1u << 22)

/*
 * The rows of AR's class tables that name ADDR, through FN; an error means
 * the tables could not be read.
 */
static struct aot_err *table_rows(struct aot_meta *m, uint64_t addr,
				  void (*fn)(const struct aot_table_class *tc, void *arg), void *arg)
{
	const struct aot_archive *ar = aot_meta_archive_of(m, addr, NULL);
	const struct aot_table_class *tc = NULL;
	size_t n = 0;
	struct aot_err *err = ar ? aot_meta_class_tables(m, ar, &tc, &n) : NULL;
	for (size_t i = 0; i < n; i++)
		if (tc[i].addr == addr)
			fn(&tc[i], arg);
	return err;
}

struct hint {
	enum aot_loader loader;
	const char *why;
};

static void take_hint(const struct aot_table_class *tc, void *arg)
{
	struct hint *h = arg;
	if (h->loader == AOT_LOADER_UNKNOWN && tc->loader_hint != AOT_LOADER_UNKNOWN) {
		h->loader = (enum aot_loader)tc->loader_hint;
		h->why = aot_class_source_name((enum aot_class_source)tc->source);
	}
}

enum aot_loader aot_klass_loader(struct aot_meta *m, const struct aot_klass *k, const char **why)
{
	if (k->type == AOT_MT_TYPE_ARRAY_KLASS) {
		*why = "primitive array";
		return AOT_LOADER_BOOT;
	}
	if (k->type == AOT_MT_OBJ_ARRAY_KLASS) {
		struct aot_klass b;
		if (!aot_ok(aot_klass_decode(m, k->bottom_klass, &b)) || b.type == AOT_MT_OBJ_ARRAY_KLASS) {
			*why = "its bottom class cannot be read";
			return AOT_LOADER_UNKNOWN;
		}
		enum aot_loader l = aot_klass_loader(m, &b, why);
		aot_klass_fini(&b);
		*why = "its bottom class's";
		return l;
	}
	struct hint h = { k->loader, k->loader_why };
	if (h.loader == AOT_LOADER_UNKNOWN)
		aot_ok(table_rows(m, k->addr, take_hint, &h));
	*why = h.why;
	return h.loader;
}

static void take_linked(const struct aot_table_class *tc, void *arg)
{
	*(bool *)arg |= tc->source == AOT_CSRC_AOT_LINKED_TABLE;
}

/* Whether the archive's AOTLinkedClassTable lists K: the JVM then loads and links it at startup. */
void aot_klass_extra_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	const struct aot_archive *ar = aot_meta_archive_of(m, k->addr, NULL);
	uint64_t has = 0;
	if (!ar || !aot_archive_value(ar, AOT_R_HAS_AOT_LINKED_CLASSES, &has))
		return;
	bool linked = false;
	struct aot_err *err = has ? table_rows(m, k->addr, take_linked, &linked) : NULL;
	if (err) {
		aot_out_strf(o, "aot_linked", "unknown (%s)", err->msg);
		aot_err_free(err);
	} else {
		aot_out_bool(o, "aot_linked", linked);
	}
}

/* The payload of an Array<u1> or Array<u2>: bytes, read whole. */
static struct aot_err *read_array(struct aot_meta *m, uint64_t arr, enum aot_lf data, unsigned elem,
				  uint8_t **ret, uint32_t *len)
{
	uint64_t first;
	struct aot_err *err = aot_meta_array(m, arr, data, MAX_FIELDINFO_BYTES / elem, len, &first);
	if (err)
		return err;
	*ret = malloc((size_t)*len * elem + 1);
	if (!*ret)
		return &aot_enomem;
	err = aot_meta_read(m, first, *ret, (size_t)*len * elem);
	if (err) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}

struct aot_err *aot_klass_field_records(struct aot_meta *m, const struct aot_klass *k,
					struct aot_field **f, uint32_t *n)
{
	uint64_t arr;
	uint8_t *bytes;
	uint32_t len, java;
	bool old = m->feature <= 17;
	struct aot_err *err = aot_meta_get(m, k->addr, old ? AOT_LF_IK_FIELDS : AOT_LF_IK_FIELDINFO_STREAM,
					   &arr);
	if (err || !arr) {
		*f = NULL;
		*n = 0;
		return err;
	}
	err = read_array(m, arr, old ? AOT_LF_ARRAY_U2_DATA : AOT_LF_ARRAY_U1_DATA, old ? 2 : 1, &bytes,
			 &len);
	if (err)
		return err;
	if (old) {
		uint64_t jfc;
		err = aot_meta_get(m, k->addr, AOT_LF_IK_JAVA_FIELDS_COUNT, &jfc);
		if (!err)
			err = aot_fields_decode_17((const uint16_t *)bytes, len, (uint32_t)jfc, NULL, f, n);
	} else {
		err = aot_fields_decode_stream(bytes, len, m->feature, NULL, f, n, &java);
	}
	free(bytes);
	return err;
}

static const struct aot_col field_cols[] = {
	{ "offset", "offset", 6, AOT_RIGHT },
	{ "kind", "kind", 8, AOT_LEFT },
	{ "access", "access", 24, AOT_LEFT },
	{ "type", "type", 28, AOT_LEFT },
	{ "name", "name", 0, AOT_LEFT },
};

struct aot_err *aot_klass_fields_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	struct aot_field *f;
	uint32_t n;
	struct aot_cp cp;
	struct aot_err *err = aot_cp_decode(m, k->constants, &cp);
	if (!err)
		err = aot_klass_field_records(m, k, &f, &n);
	if (err)
		return err;
	aot_out_begin_table(o, "fields", field_cols, sizeof(field_cols) / sizeof(field_cols[0]));
	for (uint32_t i = 0; i < n; i++) {
		char *name = NULL, *sig = NULL, *type = NULL, acc[96];
		if (!f[i].injected) {
			struct aot_err *e = aot_cp_utf8(m, &cp, f[i].name_index, &name);
			if (!e)
				e = aot_cp_utf8(m, &cp, f[i].signature_index, &sig);
			aot_err_free(e);
		}
		const char *p = sig;
		if (p)
			type = aot_jname_field_type(&p);
		aot_jname_flags(f[i].access_flags, AOT_FLAGS_FIELD, acc, sizeof(acc));
		aot_out_row_begin(o);
		aot_out_u64(o, "offset", f[i].offset);
		aot_out_str(o, "kind", f[i].injected ? "injected" : f[i].is_static ? "static" : "instance");
		aot_out_str(o, "access", acc);
		aot_out_str(o, "type", type ? type : sig ? sig : "?");
		if (name)
			aot_out_str(o, "name", name);
		else
			aot_out_strf(o, "name", "<vmSymbol %u>", f[i].name_index);
		aot_out_str(o, "signature", sig);
		aot_out_bool(o, "static", f[i].is_static);
		aot_out_row_end(o);
		free(name);
		free(sig);
		free(type);
	}
	aot_out_end_table(o);
	free(f);
	return NULL;
}

static const struct aot_col raw_cols[] = {
	{ "offset", "offset", 6, AOT_RIGHT },
	{ "size", "size", 4, AOT_RIGHT },
	{ "field", "field", 44, AOT_LEFT },
	{ "value", "value", 0, AOT_LEFT },
};

static void raw_value(struct aot_out *o, struct aot_meta *m, uint64_t obj, const struct aot_raw_member *r)
{
	uint8_t buf[256];
	uint64_t size = r->size;
	if (size == 0 || size > sizeof(buf)) {
		aot_out_str(o, "value", size ? "(too large to show)" : "(size unknown)");
		return;
	}
	struct aot_err *err = aot_meta_read(m, obj + r->offset, buf, size);
	if (err) {
		aot_out_strf(o, "value", "(unreadable: %s)", err->msg);
		aot_err_free(err);
		return;
	}
	if (size <= 8 && (size & (size - 1)) == 0) {
		uint64_t v = 0;
		memcpy(&v, buf, size);
		if (r->bit_size)
			v = (v >> r->bit_offset) & ((1ull << r->bit_size) - 1);
		aot_out_hex(o, "value", v, 0);
		return;
	}
	// Arrays and odd sizes: the words, as gdb lists an array's elements.
	char text[1100];
	size_t n = 0;
	unsigned w = size % 8 == 0 ? 8 : size % 4 == 0 ? 4 : size % 2 == 0 ? 2 : 1;
	for (uint64_t i = 0; i < size && n + 24 < sizeof(text); i += w) {
		uint64_t v = 0;
		memcpy(&v, buf + i, w);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s0x%" PRIx64, i ? ", " : "{", v);
	}
	snprintf(text + n, sizeof(text) - n, "}");
	aot_out_str(o, "value", text);
}

struct aot_err *aot_klass_raw_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	struct aot_raw_members r;
	struct aot_err *err = aot_raw_members(m->s, aot_mtype_cxx_name(k->type), &r);
	if (err)
		return err;
	aot_out_begin_table(o, "raw", raw_cols, sizeof(raw_cols) / sizeof(raw_cols[0]));
	for (size_t i = 0; i < r.n; i++) {
		aot_out_row_begin(o);
		aot_out_u64(o, "offset", r.v[i].offset);
		aot_out_u64(o, "size", r.v[i].size);
		aot_out_str(o, "field", r.v[i].name);
		aot_out_str(o, "type", r.v[i].type);
		raw_value(o, m, k->addr, &r.v[i]);
		aot_out_row_end(o);
	}
	aot_out_end_table(o);
	aot_out_strf(o, "raw_source", "%s, %zu members of %s", r.source, r.n, aot_mtype_cxx_name(k->type));
	aot_raw_members_free(&r);
	return NULL;
}
