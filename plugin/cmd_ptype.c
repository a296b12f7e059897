/*
 * aot-ptype TYPE: a HotSpot type's fields with offsets and sizes, like gdb's
 * ptype/o or pahole, from DWARF when the build has it, else from the
 * gHotSpotVM tables (which list only the fields the Serviceability Agent
 * uses).  Fields the decoders rely on are marked.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "layout.h"

static const struct aot_col cols[] = {
	{ "offset", "offset", 6, AOT_RIGHT },
	{ "size", "size", 5, AOT_RIGHT },
	{ "bits", "bits", 5, AOT_LEFT },
	{ "name", "member", 32, AOT_LEFT },
	{ "type", "type", 32, AOT_LEFT },
	{ "note", "", 0, AOT_LEFT },
};

static void member_row(struct aot_out *o, const char *type, const struct aot_member *m)
{
	aot_out_row_begin(o);
	if (m->is_static)
		aot_out_str(o, "offset", aot_out_is_json(o) ? NULL : "");
	else
		aot_out_u64(o, "offset", m->offset);
	aot_out_u64(o, "size", m->size);
	if (m->bit_size)
		aot_out_strf(o, "bits", "%u:%u", m->bit_offset, m->bit_size);
	else
		aot_out_str(o, "bits", aot_out_is_json(o) ? NULL : "");
	aot_out_str(o, "name", m->is_base ? "(base)" : m->name);
	aot_out_str(o, "type", m->is_base ? m->name : m->type_name);
	const char *note = m->is_static ? "static" : !m->is_base && aot_layout_declares(type, m->name) ? "decoders" : "";
	aot_out_str(o, "note", note);
	aot_out_bool(o, "base", m->is_base);
	aot_out_bool(o, "static", m->is_static);
	aot_out_bool(o, "decoders", !m->is_base && !m->is_static && aot_layout_declares(type, m->name));
	aot_out_row_end(o);
}

static int by_offset(const void *a, const void *b)
{
	const struct aot_vm_field *x = *(const struct aot_vm_field *const *)a;
	const struct aot_vm_field *y = *(const struct aot_vm_field *const *)b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The tables' view of TYPE: its fields sorted by offset and its size. */
static struct aot_err *from_tables(struct aot_out *o, const struct aot_vmstructs *v, const char *type)
{
	const struct aot_vm_type *t = aot_vmstructs_type(v, type);
	const struct aot_vm_field **fs = calloc(v->nfields ? v->nfields : 1, sizeof(*fs));
	if (!fs)
		return &aot_enomem;
	size_t n = 0;
	for (size_t i = 0; i < v->nfields; i++)
		if (v->fields[i].type && !strcmp(v->fields[i].type, type) && !v->fields[i].is_static)
			fs[n++] = &v->fields[i];
	if (!t && n == 0) {
		free(fs);
		return aot_errf(AOT_ERR_NOT_FOUND,
				"type %s: not in this build's gHotSpotVM tables, and there is no DWARF", type);
	}
	qsort(fs, n, sizeof(*fs), by_offset);
	aot_out_str(o, "type", type);
	aot_out_str(o, "source", "gHotSpotVM tables (only the fields the Serviceability Agent uses)");
	if (t)
		aot_out_u64(o, "size", t->size);
	if (t && t->super)
		aot_out_str(o, "super", t->super);
	aot_out_begin_table(o, "members", cols, sizeof(cols) / sizeof(*cols));
	for (size_t i = 0; i < n; i++) {
		struct aot_member m = { .name = (char *)fs[i]->field, .type_name = (char *)fs[i]->type_string,
					.offset = fs[i]->offset };
		m.size = aot_vmstructs_size_of(v, fs[i]->type_string);
		member_row(o, type, &m);
	}
	aot_out_end_table(o);
	free(fs);
	return NULL;
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *type = NULL;
	bool tables_only = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tables"))
			tables_only = true;
		else if (argv[i][0] == '-' || type)
			return aot_errf(AOT_ERR_USAGE, "usage: %s", aot_cmd_find("ptype")->usage);
		else
			type = argv[i];
	}
	if (!type)
		return aot_errf(AOT_ERR_USAGE, "usage: %s", aot_cmd_find("ptype")->usage);
	struct aot_jvm *j;
	struct aot_err *err = aot_session_jvm(s, &j);
	if (err)
		return err;
	struct aot_dwarf *dw = NULL;
	struct aot_err *dwarf_err = tables_only ? NULL : aot_jvm_dwarf(j, &dw);
	// No debug info at all is normal (stripped builds); a bad or foreign one is an error.
	if (dwarf_err && (dwarf_err->code != AOT_ERR_NOT_FOUND || j->dwarf_opts.debug_file))
		return dwarf_err;
	if (tables_only || dwarf_err) {
		aot_err_free(dwarf_err);
		if (!j->vm)
			return aot_errf(AOT_ERR_NOT_FOUND, "type %s: no DWARF and no gHotSpotVM tables (%s)",
					type, j->vm_err && j->vm_err->msg ? j->vm_err->msg : "?");
		return from_tables(o, j->vm, type);
	}
	char dn[256];
	const char *name = aot_layout_dwarf_name(type, dn, sizeof(dn));
	const struct aot_type *t = NULL;
	err = aot_dwarf_types(dw, &name, 1, &t);
	aot_dwarf_release(dw);	// a debugger session should not keep the decompressed DWARF
	if (err)
		return err;
	if (!t) {
		if (j->vm && aot_vmstructs_type(j->vm, type))
			return from_tables(o, j->vm, type);
		return aot_errf(AOT_ERR_NOT_FOUND, "type %s: %s has no complete definition of it", type,
				aot_dwarf_path(dw));
	}
	aot_out_str(o, "type", t->name);
	aot_out_strf(o, "source", "DWARF %s", aot_dwarf_path(dw));
	aot_out_u64(o, "size", t->size);
	aot_out_begin_table(o, "members", cols, sizeof(cols) / sizeof(*cols));
	for (size_t i = 0; i < t->nmembers; i++)
		member_row(o, type, &t->members[i]);
	aot_out_end_table(o);
	return NULL;
}

const struct aot_cmd aot_cmd_ptype = {
	.name = "aot-ptype",
	.usage = "aot-ptype TYPE [--tables]",
	.summary = "a HotSpot type's layout (like ptype/o), marking what the decoders use",
	.help = "Prints TYPE's members with offsets, sizes and types, from libjvm's DWARF\n"
		"when the build has it, otherwise (or with --tables) from the gHotSpotVM\n"
		"tables, which hold only the fields the Serviceability Agent reads.  Members\n"
		"marked 'decoders' are the ones aotdbg's decoders rely on.  The first DWARF\n"
		"query of a build scans its debug file (seconds); answers are cached on disk\n"
		"by build id, so later ones are instant.",
	.example = "aot-ptype InstanceKlass",
	.run = run,
};
