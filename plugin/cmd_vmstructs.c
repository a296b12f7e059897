/*
 * aot-vmstructs: the gHotSpotVM tables of the JVM build in use, as the
 * Serviceability Agent sees them, with where each value came from.
 */
#include <string.h>

#include "commands.h"

static const struct aot_col field_cols[] = {
	{ "type", "type", 24, AOT_LEFT },
	{ "field", "field", 28, AOT_LEFT },
	{ "type_string", "declared as", 24, AOT_LEFT },
	{ "value", "offset/address", 18, AOT_RIGHT },
	{ "origin", "set by", 0, AOT_LEFT },
};

static const struct aot_col type_cols[] = {
	{ "name", "type", 32, AOT_LEFT },
	{ "super", "superclass", 24, AOT_LEFT },
	{ "size", "size", 6, AOT_RIGHT },
	{ "origin", "set by", 0, AOT_LEFT },
};

static const struct aot_col const_cols[] = {
	{ "name", "constant", 48, AOT_LEFT },
	{ "value", "value", 20, AOT_RIGHT },
	{ "origin", "set by", 0, AOT_LEFT },
};

static bool wanted(const char *name, const char *filter)
{
	return !filter || (name && strcmp(name, filter) == 0);
}

static void print_fields(struct aot_out *o, const struct aot_vmstructs *v, const char *filter)
{
	aot_out_begin_table(o, "fields", field_cols, 5);
	for (size_t i = 0; i < v->nfields; i++) {
		const struct aot_vm_field *f = &v->fields[i];
		if (!wanted(f->type, filter))
			continue;
		aot_out_row_begin(o);
		aot_out_str(o, "type", f->type);
		aot_out_str(o, "field", f->field);
		aot_out_str(o, "type_string", f->type_string);
		aot_out_bool(o, "static", f->is_static);
		if (f->is_static) {
			aot_out_hex(o, "value", f->address, 0);
		} else {
			aot_out_u64(o, "value", f->offset);
		}
		aot_out_str(o, "origin", f->is_static ? "relocation" : aot_vm_origin_name(f->origin));
		aot_out_hex(o, "entry", f->entry, 0);
		aot_out_hex(o, "offset_at", f->offset_at, 0);
		aot_out_row_end(o);
	}
	aot_out_end_table(o);
}

static void print_types(struct aot_out *o, const struct aot_vmstructs *v, const char *filter)
{
	aot_out_begin_table(o, "types", type_cols, 4);
	for (size_t i = 0; i < v->ntypes; i++) {
		const struct aot_vm_type *t = &v->types[i];
		if (!wanted(t->name, filter))
			continue;
		aot_out_row_begin(o);
		aot_out_str(o, "name", t->name);
		aot_out_str(o, "super", t->super);
		aot_out_u64(o, "size", t->size);
		aot_out_bool(o, "is_oop", t->is_oop);
		aot_out_bool(o, "is_integer", t->is_int);
		aot_out_bool(o, "is_unsigned", t->is_unsigned);
		aot_out_str(o, "origin", aot_vm_origin_name(t->origin));
		aot_out_row_end(o);
	}
	aot_out_end_table(o);
}

static void print_consts(struct aot_out *o, const char *key, const struct aot_vm_const *c, size_t n,
			 const char *filter)
{
	aot_out_begin_table(o, key, const_cols, 3);
	for (size_t i = 0; i < n; i++) {
		if (filter && (!c[i].name || !strstr(c[i].name, filter)))
			continue;
		aot_out_row_begin(o);
		aot_out_str(o, "name", c[i].name);
		aot_out_i64(o, "value", c[i].value);
		aot_out_str(o, "origin", aot_vm_origin_name(c[i].origin));
		aot_out_row_end(o);
	}
	aot_out_end_table(o);
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *filter = NULL;
	bool types = false, consts = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--types"))
			types = true;
		else if (!strcmp(argv[i], "--constants"))
			consts = true;
		else if (argv[i][0] == '-' || filter)
			return aot_errf(AOT_ERR_USAGE, "usage: %s", aot_cmd_find("vmstructs")->usage);
		else
			filter = argv[i];
	}
	struct aot_jvm *j;
	struct aot_err *err = aot_session_jvm(s, &j);
	if (err)
		return err;
	if (!j->vm)
		return aot_err_copy(j->vm_err);
	const struct aot_vmstructs *v = j->vm;
	aot_out_str(o, "jvm", j->path);
	aot_out_str(o, "version", j->ident);
	aot_out_str(o, "entry_layout", v->entry_layout_builtin ? "built in (the gHotSpotVM*Offset variables were unreadable)"
							       : "from the gHotSpotVM*Offset variables");
	if (!j->image) {
		aot_out_str(o, "initializers", "live memory");
	} else {
		const struct aot_ctor_stats *cs = aot_elf_image_ctor_stats(j->image);
		aot_out_strf(o, "initializers",
			     "%u replayed (%u cut short), %llu instructions, %llu stores (%llu unknown)",
			     cs->functions, cs->functions_cut, (unsigned long long)cs->instructions,
			     (unsigned long long)(cs->stores_known + cs->stores_unknown),
			     (unsigned long long)cs->stores_unknown);
	}
	if (consts) {
		print_consts(o, "int_constants", v->ints, v->nints, filter);
		print_consts(o, "long_constants", v->longs, v->nlongs, filter);
	} else if (types) {
		print_types(o, v, filter);
	} else {
		print_fields(o, v, filter);
	}
	return NULL;
}

const struct aot_cmd aot_cmd_vmstructs = {
	.name = "aot-vmstructs",
	.usage = "aot-vmstructs [TYPE] [--types | --constants]",
	.summary = "the JVM's gHotSpotVM tables (what the Serviceability Agent reads)",
	.help = "Lists the field table (type, field, declared type, offset or static address),\n"
		"or with --types the type table (sizes), or with --constants the integer and\n"
		"long constants (TYPE then filters by substring).  'set by' says where a value\n"
		"came from: 'data' (the file's initialized data), 'initializer' (a static\n"
		"initializer's store, replayed from its machine code), 'live' (a running JVM).\n"
		"The libjvm is the one of --jvm/--java-home, or the JDK whose libjvm holds\n"
		"the archive's jvm_ident.",
	.example = "aot-vmstructs InstanceKlass",
	.run = run,
};
