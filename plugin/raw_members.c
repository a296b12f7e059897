#include "raw_members.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_types.h"
#include "jvm.h"
#include "layout.h"
#include "vmstructs.h"

/* Nesting deeper than this is not in any HotSpot metadata type. */
#define MAX_DEPTH 6
#define MAX_MEMBERS 4096

static struct aot_err *add(struct aot_raw_members *r, const char *prefix, const char *name,
			   const char *type, uint64_t off, uint64_t size, uint16_t bo, uint16_t bs)
{
	if (r->n >= MAX_MEMBERS)
		return aot_errf(AOT_ERR_FORMAT, "more than %d members: the type description is corrupt",
				MAX_MEMBERS);
	if (r->n % 64 == 0) {
		struct aot_raw_member *v = realloc(r->v, (r->n + 64) * sizeof(*v));
		if (!v)
			return &aot_enomem;
		r->v = v;
	}
	struct aot_raw_member *m = &r->v[r->n++];
	snprintf(m->name, sizeof(m->name), "%s%s%s", prefix, *prefix ? "." : "", name);
	snprintf(m->type, sizeof(m->type), "%s", type ? type : "?");
	m->offset = off;
	m->size = size;
	m->bit_offset = bo;
	m->bit_size = bs;
	return NULL;
}

/* A member whose type is a class or struct of its own, to be looked into. */
static bool is_aggregate(const char *type)
{
	static const char *const scalars[] = {
		"int", "unsigned int", "char", "unsigned char", "signed char", "short", "unsigned short",
		"short int", "short unsigned int", "long", "unsigned long", "long int",
		"long unsigned int", "long long", "unsigned long long", "bool", "float", "double",
		"u1", "u2", "u4", "u8", "jint", "jlong", "jushort", "jbyte", "jboolean", "intptr_t",
		"uintptr_t", "size_t", "address", "s1", "s2", "s4", "s8", "uint", "juint", "int8_t",
		"uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t", "uint64_t",
	};
	if (!type || strchr(type, '*') || strchr(type, '[') || strchr(type, '(') ||
	    !strncmp(type, "enum ", 5))
		return false;
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (!strcmp(type, scalars[i]))
			return false;
	return true;
}

static struct aot_err *flatten(struct aot_dwarf *dw, const struct aot_type *t, const char *prefix,
			       uint64_t base, int depth, struct aot_raw_members *r)
{
	// The member types to look into, asked in one lookup: each lookup that
	// misses the DWARF cache is a pass over the compilation units.
	const char **names = calloc(t->nmembers ? t->nmembers : 1, sizeof(*names));
	const struct aot_type **subs = calloc(t->nmembers ? t->nmembers : 1, sizeof(*subs));
	struct aot_err *err = names && subs ? NULL : &aot_enomem;
	size_t n = 0;
	for (size_t i = 0; i < t->nmembers && !err; i++) {
		const struct aot_member *mb = &t->members[i];
		if (!mb->is_static && depth < MAX_DEPTH && (mb->is_base || is_aggregate(mb->type_name)))
			names[n++] = mb->type_name;
	}
	if (!err && n)
		err = aot_dwarf_types(dw, names, n, subs);
	size_t k = 0;
	for (size_t i = 0; i < t->nmembers && !err; i++) {
		const struct aot_member *mb = &t->members[i];
		if (mb->is_static)
			continue;
		const struct aot_type *sub = NULL;
		if (k < n && names[k] == mb->type_name)
			sub = subs[k++];
		if (sub && sub->nmembers) {
			const char *p = mb->is_base ? prefix : NULL;
			char buf[160];
			if (!p) {
				snprintf(buf, sizeof(buf), "%s%s%s", prefix, *prefix ? "." : "", mb->name);
				p = buf;
			}
			err = flatten(dw, sub, p, base + mb->offset, depth + 1, r);
		} else if (!mb->is_base) {
			err = add(r, prefix, mb->name, mb->type_name, base + mb->offset, mb->size,
				  mb->bit_offset, mb->bit_size);
		}
	}
	free(names);
	free(subs);
	return err;
}

static int by_offset(const void *a, const void *b)
{
	const struct aot_raw_member *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static struct aot_err *from_tables(const struct aot_vmstructs *v, const char *type,
				   struct aot_raw_members *r)
{
	struct aot_err *err = NULL;
	const struct aot_vm_type *t = aot_vmstructs_type(v, type);
	r->type_size = t ? t->size : 0;
	// The type and each of its supers, as the types table chains them.
	for (int depth = 0; type && depth < 16 && !err; depth++) {
		for (size_t i = 0; i < v->nfields && !err; i++) {
			const struct aot_vm_field *f = &v->fields[i];
			if (f->type && !strcmp(f->type, type) && !f->is_static)
				err = add(r, "", f->field, f->type_string, f->offset,
					  aot_vmstructs_size_of(v, f->type_string), 0, 0);
		}
		const struct aot_vm_type *vt = aot_vmstructs_type(v, type);
		type = vt ? vt->super : NULL;
	}
	qsort(r->v, r->n, sizeof(*r->v), by_offset);
	r->source = "gHotSpotVM tables (only the fields the Serviceability Agent uses)";
	return err;
}

struct aot_err *aot_raw_members(struct aot_session *s, const char *type, struct aot_raw_members *r)
{
	memset(r, 0, sizeof(*r));
	struct aot_jvm *j;
	struct aot_err *err = aot_session_jvm(s, &j);
	if (err)
		return err;
	struct aot_dwarf *dw = NULL;
	struct aot_err *derr = aot_jvm_dwarf(j, &dw);
	if (derr && (derr->code != AOT_ERR_NOT_FOUND || j->dwarf_opts.debug_file))
		return derr;
	if (derr) {
		aot_err_free(derr);
		if (!j->vm)
			return aot_errf(AOT_ERR_NOT_FOUND, "%s: no DWARF and no gHotSpotVM tables", type);
		err = from_tables(j->vm, type, r);
	} else {
		const struct aot_type *t = NULL;
		err = aot_dwarf_types(dw, &type, 1, &t);
		if (!err && !t)
			err = aot_errf(AOT_ERR_NOT_FOUND, "%s: the DWARF has no definition of it", type);
		if (!err) {
			r->type_size = t->size;
			r->source = "DWARF";
			err = flatten(dw, t, "", 0, 0, r);
		}
		aot_dwarf_release(dw);
	}
	if (err)
		aot_raw_members_free(r);
	return err;
}

void aot_raw_members_free(struct aot_raw_members *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}
