/* aot-print-klass: one archived class as the JVM holds it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_meta_util.h"
#include "commands.h"
#include "cpool.h"
#include "jname.h"
#include "klass.h"
#include "klass_extra.h"
#include "method.h"
#include "symbol.h"

/* Longer super chains than this mean a cycle in corrupt data. */
#define MAX_SUPER_DEPTH 64

static void out_klass_ref(struct aot_out *o, struct aot_meta *m, const char *key, uint64_t addr)
{
	if (!addr) {
		aot_out_str(o, key, NULL);
		return;
	}
	struct aot_klass k;
	struct aot_err *err = aot_klass_decode(m, addr, &k);
	if (err) {
		aot_out_strf(o, key, "0x%016" PRIx64 " (%s)", addr, err->msg);
		aot_err_free(err);
		return;
	}
	aot_out_strf(o, key, "%s (0x%016" PRIx64 ")", k.ext_name, addr);
	aot_klass_fini(&k);
}

static void out_super_chain(struct aot_out *o, struct aot_meta *m, uint64_t super)
{
	aot_out_begin_list(o, "super_chain", "super chain:");
	for (int depth = 0; super && depth < MAX_SUPER_DEPTH; depth++) {
		struct aot_klass k;
		struct aot_err *err = aot_klass_decode(m, super, &k);
		if (err) {
			aot_out_strf(o, NULL, "0x%016" PRIx64 " (%s)", super, err->msg);
			aot_err_free(err);
			break;
		}
		aot_out_strf(o, NULL, "%s (0x%016" PRIx64 ")", k.ext_name, super);
		super = k.super;
		aot_klass_fini(&k);
	}
	aot_out_end_list(o);
}

static void out_interfaces(struct aot_out *o, struct aot_meta *m, const char *key,
			   const char *title, uint64_t arr)
{
	aot_out_begin_list(o, key, title);
	uint32_t n;
	uint64_t data;
	struct aot_err *err = arr ? aot_ptr_array(m, arr, &n, &data) : NULL;
	for (uint32_t i = 0; arr && !err && i < n; i++) {
		uint64_t k;
		err = aot_meta_u64(m, data + 8 * i, &k);
		if (!err)
			out_klass_ref(o, m, NULL, k);
	}
	if (err) {
		aot_out_strf(o, NULL, "(%s)", err->msg);
		aot_err_free(err);
	}
	aot_out_end_list(o);
}

/* Klass::layout_helper_*: instance size, or an array's tag, header and element size. */
static void out_layout_helper(struct aot_out *o, int32_t lh)
{
	if (lh > 0)
		aot_out_strf(o, "layout_helper", "0x%x (instance of %d bytes%s)", (unsigned)lh, lh & ~1,
			     (lh & 1) ? ", slow path" : "");
	else if (lh < 0)
		aot_out_strf(o, "layout_helper",
			     "0x%08x (%s array: header %u bytes, element type %u, element size %u)",
			     (unsigned)lh, ((unsigned)lh >> 30) == 3 ? "primitive" : "object",
			     ((unsigned)lh >> 16) & 0xff, ((unsigned)lh >> 8) & 0xff,
			     1u << ((unsigned)lh & 0xff));
	else
		aot_out_str(o, "layout_helper", "0 (neutral)");
}

static const struct aot_col method_cols[] = {
	{ "address", "address", 18, AOT_LEFT },
	{ "access", "access", 24, AOT_LEFT },
	{ "method", "method", 0, AOT_LEFT },
};

static struct aot_err *out_methods(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	uint32_t n = 0;
	uint64_t data = 0;
	struct aot_err *err = k->methods ? aot_ptr_array(m, k->methods, &n, &data) : NULL;
	if (err)
		return err;
	aot_out_begin_table(o, "methods", method_cols, 3);
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t addr;
		struct aot_method me;
		err = aot_meta_u64(m, data + 8 * i, &addr);
		if (!err)
			err = aot_method_decode(m, addr, &me);
		if (err)
			break;
		char flags[128];
		aot_jname_flags(me.access_flags, AOT_FLAGS_METHOD, flags, sizeof(flags));
		aot_out_row_begin(o);
		aot_out_hex(o, "address", addr, 16);
		aot_out_str(o, "access", flags);
		aot_out_str(o, "method", me.java ? me.java : me.name);
		aot_out_str(o, "name", me.name);
		aot_out_str(o, "signature", me.sig);
		aot_out_u64(o, "size", me.size);
		aot_out_row_end(o);
		aot_method_fini(&me);
	}
	aot_out_end_table(o);
	return err;
}

static void out_instance(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	aot_klass_extra_out(o, m, k);
	aot_out_str(o, "init_state", aot_init_state_name(m, k->init_state));
	aot_out_u64(o, "instance_size", k->layout_helper > 0 ? (uint64_t)(k->layout_helper & ~1) : 0);
	aot_out_u64(o, "vtable_length", (uint64_t)k->vtable_len);
	aot_out_u64(o, "itable_length", (uint64_t)k->itable_len);
	aot_out_hex(o, "constant_pool", k->constants, 16);
	struct aot_cp cp;
	struct aot_err *err = aot_cp_decode(m, k->constants, &cp);
	if (!err) {
		aot_out_strf(o, "class_file_version", "%u.%u", cp.major, cp.minor);
		char *sf = NULL;
		if (cp.source_file_index && !(err = aot_cp_utf8(m, &cp, cp.source_file_index, &sf)))
			aot_out_str(o, "source_file", sf);
		free(sf);
	}
	if (err) {
		aot_out_strf(o, "constant_pool_error", "%s", err->msg);
		aot_err_free(err);
	}
}

static void out_array(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k)
{
	aot_out_u64(o, "dimension", (uint64_t)k->dimension);
	if (k->type == AOT_MT_OBJ_ARRAY_KLASS) {
		out_klass_ref(o, m, "element_klass", k->element_klass);
		out_klass_ref(o, m, "bottom_klass", k->bottom_klass);
	}
	out_klass_ref(o, m, "higher_dimension", k->higher_dimension);
	out_klass_ref(o, m, "lower_dimension", k->lower_dimension);
	aot_out_u64(o, "vtable_length", (uint64_t)k->vtable_len);
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *arg = NULL;
	bool raw = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--raw"))
			raw = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return aot_errf(AOT_ERR_USAGE, "aot-print-klass: unknown option '%s'", argv[i]);
		else if (!arg)
			arg = argv[i];
		else
			return aot_errf(AOT_ERR_USAGE, "aot-print-klass: one class at a time");
	}
	if (!arg)
		return aot_errf(AOT_ERR_USAGE, "usage: aot-print-klass ADDR|NAME [--raw]");
	struct aot_meta *m;
	uint64_t addr;
	struct aot_klass k;
	struct aot_err *err = aot_session_meta(s, &m);
	if (!err)
		err = aot_arg_klass(m, arg, &addr);
	if (err)
		return err;
	err = aot_klass_decode(m, addr, &k);
	if (err)
		return aot_explain_not_found(m, addr, "Klass", err);
	char title[512], flags[128];
	snprintf(title, sizeof(title), "%s %s (0x%016" PRIx64 ")",
		 aot_mtype_is_instance_klass(k.type) ? "class" : "array class", k.ext_name, addr);
	aot_out_begin(o, "klass", title);
	aot_out_hex(o, "address", addr, 16);
	aot_out_str(o, "name", k.ext_name);
	aot_out_str(o, "kind", aot_klass_kind_name(k.type));
	aot_out_str(o, "cxx_type", aot_mtype_cxx_name(k.type));
	aot_out_u64(o, "size", k.size);
	aot_out_bool(o, "hidden", k.hidden);
	out_klass_ref(o, m, "super", k.super);
	if (k.have_access_flags) {
		aot_jname_flags(k.access_flags, AOT_FLAGS_CLASS, flags, sizeof(flags));
		aot_out_strf(o, "access_flags", "0x%04x %s", k.access_flags & 0xffff, flags);
	}
	out_layout_helper(o, k.layout_helper);
	const char *why;
	enum aot_loader loader = aot_klass_loader(m, &k, &why);
	aot_out_str(o, "loader", aot_loader_name(loader));
	aot_out_str(o, loader == AOT_LOADER_UNKNOWN ? "loader_unknown_because" : "loader_from", why);
	if (aot_mtype_is_instance_klass(k.type))
		out_instance(o, m, &k);
	else
		out_array(o, m, &k);
	out_super_chain(o, m, k.super);
	if (aot_mtype_is_instance_klass(k.type)) {
		out_interfaces(o, m, "interfaces", "interfaces:", k.local_interfaces);
		err = aot_klass_fields_out(o, m, &k);
		if (!err)
			err = out_methods(o, m, &k);
	}
	if (!err && raw)
		err = aot_klass_raw_out(o, m, &k);
	aot_out_end(o);
	aot_klass_fini(&k);
	return err;
}

const struct aot_cmd aot_cmd_print_klass = {
	.name = "aot-print-klass",
	.usage = "aot-print-klass ADDR|NAME [--raw] [--json]",
	.summary = "an archived class: kind, supers, flags, loader, state, fields, methods",
	.help = "Shows the archived class at ADDR (or named NAME, in Java or internal form):\n"
		"name, kind, size, super chain, interfaces, access flags, layout helper decoded,\n"
		"instance size, defining loader, init state, constant pool, source file, class\n"
		"file version, vtable and itable lengths; then its fields (name, type, offset,\n"
		"static or not) and methods (address, flags, signature in Java form).\n"
		"An address that is not an archived Klass is refused, saying what is there.\n\n"
		"  --raw   also every C++ field of the object, with offset, size and value\n",
	.example = "aot-print-klass java.lang.String",
	.addr_args = true,
	.run = run,
};
