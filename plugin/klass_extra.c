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
 * The defining loader (from the class's flags, or failing that the table
 * that lists it) and whether the archive's AOTLinkedClassTable lists it:
 * the JVM then loads and links it at startup.
 */
void aot_klass_extra_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	const struct aot_archive *ar = aot_meta_archive_of(m, k->addr, NULL);
	const struct aot_table_class *tc = NULL;
	size_t n = 0;
	struct aot_err *err = ar ? aot_meta_class_tables(m, ar, &tc, &n) : NULL;
	enum aot_loader loader = k->loader;
	const char *why = k->loader_why;
	bool linked = false;
	for (size_t i = 0; i < n; i++) {
		if (tc[i].addr != k->addr)
			continue;
		linked |= tc[i].source == AOT_CSRC_AOT_LINKED_TABLE;
		if (loader == AOT_LOADER_UNKNOWN && tc[i].loader_hint != AOT_LOADER_UNKNOWN) {
			loader = (enum aot_loader)tc[i].loader_hint;
			why = aot_class_source_name((enum aot_class_source)tc[i].source);
		}
	}
	aot_out_str(o, "loader", aot_loader_name(loader));
	aot_out_str(o, loader == AOT_LOADER_UNKNOWN ? "loader_unknown_because" : "loader_from", why);
	uint64_t has = 0;
	if (err) {
		aot_out_strf(o, "aot_linked", "unknown (%s)", err->msg);
		aot_err_free(err);
	} else if (ar && aot_archive_value(ar, AOT_R_HAS_AOT_LINKED_CLASSES, &has)) {
		aot_out_bool(o, "aot_linked", has && linked);
	}
}

/* The payload of an Array<u1> or Array<u2>: bytes, read whole. */
static struct aot_err *read_array(struct aot_meta *m, uint64_t arr, enum aot_lf data, unsigned elem,
				  uint8_t **ret, uint32_t *len)
{
	uint64_t n, off;
	struct aot_err *err = aot_meta_get(m, arr, AOT_LF_ARRAY_INT_LENGTH, &n);
	if (!err)
		err = aot_meta_off(m, data, &off);
	if (err)
		return err;
	if ((uint32_t)n * (uint64_t)elem > MAX_FIELDINFO_BYTES)
		return aot_errf(AOT_ERR_FORMAT, "field info array at 0x%" PRIx64 " claims %" PRIu64
				" elements", arr, n);
	*len = (uint32_t)n;
	*ret = malloc((size_t)n * elem + 1);
	if (!*ret)
		return &aot_enomem;
	err = aot_meta_read(m, arr + off, *ret, (size_t)n * elem);
	if (err) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}

static struct aot_err *decode_fields(struct aot_meta *m, const struct aot_klass *k,
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
		err = decode_fields(m, k, &f, &n);
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
