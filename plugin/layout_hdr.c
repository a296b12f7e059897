/*
 * Checks of the layouts built into aotdbg (the archive header tables of
 * hdr_layouts.c and the gHotSpotVM entry layouts of vmstructs.c) against
 * the JVM build's own DWARF and gHotSpotVM tables.
 */
#include "layout_hdr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const aot_layout_hdr_types[] = {
	"FileMapHeader", "GenericCDSFileMapHeader", "CDSFileMapHeaderBase", "CDSFileMapRegion",
	"DynamicArchiveHeader", "HeapRootSegments", "ArchiveMappedHeapHeader",
	"ArchiveStreamedHeapHeader", "VMStructEntry", "VMTypeEntry", "VMIntConstantEntry",
	"VMLongConstantEntry", NULL,
};

/* GenericCDSFileMapHeader's members (21+ nest them in FileMapHeader::_generic_header). */
static bool in_generic_header(const char *name)
{
	static const char *const names[] = { "magic", "crc", "version", "header_size",
					     "base_archive_name_offset", "base_archive_name_size",
					     NULL };
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* "a.b" → "_a._b" */
static void cxx_path(const char *label, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = label; *p && n + 2 < len; p++) {
		if ((p == label || p[-1] == '.') && *p != '_')
			buf[n++] = '_';
		buf[n++] = *p;
	}
	buf[n] = '\0';
}

struct rows {
	struct aot_lrow *v;
	size_t n, cap;
};

static struct aot_lrow *add(struct rows *r, const char *group, const char *type, const char *member)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		struct aot_lrow *nv = realloc(r->v, ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		r->v = nv;
		r->cap = ncap;
	}
	struct aot_lrow *row = &r->v[r->n++];
	memset(row, 0, sizeof(*row));
	if (member)
		snprintf(row->name, sizeof(row->name), "%s::%s", type, member);
	else
		snprintf(row->name, sizeof(row->name), "sizeof(%s)", type);
	row->group = group;
	row->kind = member ? AOT_LK_FIELD : AOT_LK_SIZE;
	row->expected = true;
	return row;
}

static void dwarf_size(struct aot_lrow *row, struct aot_dwarf *dw, const char *type)
{
	const struct aot_type *t = NULL;
	if (!dw)
		return;
	struct aot_err *err = aot_dwarf_types(dw, &type, 1, &t);
	aot_err_free(err);
	if (!err && t) {
		row->has[AOT_SRC_DWARF] = true;
		row->val[AOT_SRC_DWARF] = t->size;
	}
}

static void dwarf_member(struct aot_lrow *row, struct aot_dwarf *dw, const char *type,
			 const char *path)
{
	uint64_t off, size;
	if (dw && aot_layout_dwarf_member(dw, type, path, &off, &size)) {
		row->has[AOT_SRC_DWARF] = true;
		row->val[AOT_SRC_DWARF] = off;
		row->size = size;
	}
}

static bool add_fields(struct rows *r, const char *group, const char *type,
		       const struct aot_hdr_field *f, bool generic, const struct aot_vmstructs *vm,
		       struct aot_dwarf *dw)
{
	for (; f && f->name; f++) {
		char path[200], member[160];
		if (f->cxx)
			snprintf(member, sizeof(member), "%s", f->cxx);
		else
			cxx_path(f->name, member, sizeof(member));
		if (generic && in_generic_header(f->name))
			snprintf(path, sizeof(path), "_generic_header.%s", member);
		else
			snprintf(path, sizeof(path), "%s", member);
		struct aot_lrow *row = add(r, group, type, path);
		if (!row)
			return false;
		row->has[AOT_SRC_BUILTIN] = true;
		row->val[AOT_SRC_BUILTIN] = f->off;
		if (!strchr(path, '.'))
			aot_lrow_from_tables(row, vm, type, path);
		dwarf_member(row, dw, type, path);
		aot_lrow_settle(row);
	}
	return true;
}

static bool add_sizes(struct rows *r, const struct aot_hdr_layout *hl,
		      const struct aot_vmstructs *vm, struct aot_dwarf *dw)
{
	static const char *const names[] = { "FileMapHeader", "DynamicArchiveHeader",
					     "CDSFileMapRegion" };
	uint64_t vals[] = { hl->static_size, hl->dynamic_size, hl->region_entry_size };
	for (size_t i = 0; i < 3; i++) {
		struct aot_lrow *row = add(r, "header", names[i], NULL);
		if (!row)
			return false;
		row->has[AOT_SRC_BUILTIN] = true;
		row->val[AOT_SRC_BUILTIN] = vals[i];
		aot_lrow_from_tables(row, vm, names[i], NULL);
		dwarf_size(row, dw, names[i]);
		aot_lrow_settle(row);
	}
	// The region table: _space in 17's CDSFileMapHeaderBase, _regions from 21.
	struct aot_lrow *row = add(r, "header", "FileMapHeader", hl->generic_header ? "_regions" : "_space");
	if (!row)
		return false;
	row->has[AOT_SRC_BUILTIN] = true;
	row->val[AOT_SRC_BUILTIN] = hl->region_table_off;
	dwarf_member(row, dw, "FileMapHeader", hl->generic_header ? "_regions" : "_space");
	aot_lrow_settle(row);
	return true;
}

static bool add_entry_layout(struct rows *r, const struct aot_vmstructs *vm, struct aot_dwarf *dw)
{
	const char *type, *member;
	uint64_t builtin;
	for (size_t i = 0; aot_vm_entry_layout(i, &type, &member, &builtin); i++) {
		struct aot_lrow *row = add(r, "table entry", type, member);
		if (!row)
			return false;
		row->has[AOT_SRC_BUILTIN] = true;
		row->val[AOT_SRC_BUILTIN] = builtin;
		if (vm && !vm->entry_layout_builtin) {
			row->has[AOT_SRC_TABLES] = true;
			row->val[AOT_SRC_TABLES] = vm->entry_layout[i];
			row->detail[AOT_SRC_TABLES] = "gHotSpotVM*Offset";
		}
		if (member)
			dwarf_member(row, dw, type, member);
		else
			dwarf_size(row, dw, type);
		aot_lrow_settle(row);
	}
	return true;
}

const struct aot_hdr_layout *aot_hdr_layout_for_feature(int feature)
{
	char want[16];
	snprintf(want, sizeof(want), "%d", feature);
	for (size_t i = 0; aot_hdr_layouts[i]; i++)
		if (!strcmp(aot_hdr_layouts[i]->jdk, want))
			return aot_hdr_layouts[i];
	return NULL;
}

struct aot_err *aot_layout_hdr_rows(const struct aot_hdr_layout *hl, const struct aot_vmstructs *vm,
				    struct aot_dwarf *dw, struct aot_lrow **ret, size_t *count)
{
	struct rows r = { 0 };
	if (dw) {
		// One DWARF pass for every type below (free if aot_layout_build() asked already).
		const struct aot_type *out[16];
		size_t n = 0;
		while (aot_layout_hdr_types[n])
			n++;
		struct aot_err *err = aot_dwarf_types(dw, aot_layout_hdr_types, n, out);
		if (err)
			return err;
	}
	bool ok = !hl || (add_fields(&r, "header", "FileMapHeader", hl->fields, hl->generic_header, vm, dw) &&
			  add_fields(&r, "region", "CDSFileMapRegion", hl->region_fields, false, vm, dw) &&
			  add_fields(&r, "dynamic header", "DynamicArchiveHeader", hl->dyn_fields, false, vm, dw) &&
			  add_sizes(&r, hl, vm, dw));
	ok = ok && add_entry_layout(&r, vm, dw);
	if (!ok) {
		free(r.v);
		return &aot_enomem;
	}
	*ret = r.v;
	*count = r.n;
	return NULL;
}
