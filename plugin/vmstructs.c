#include "vmstructs.h"

#include <stdlib.h>
#include <string.h>

/* Far more than any JDK has (about 800 fields, 700 types, 1300 constants). */
#define MAX_ENTRIES 100000
#define MAX_NAME 512

/*
 * The entry layouts.  libjvm exports each offset and stride as a variable
 * (gHotSpotVMStructEntryTypeNameOffset, …) set by a static initializer; we
 * read those.  The built-in values are the layouts of VMStructEntry,
 * VMTypeEntry, VMIntConstantEntry and VMLongConstantEntry in
 * runtime/vmStructs.hpp, unchanged since JDK 6 and checked against DWARF by
 * aot-verify-layout; they are only used when the variables read as zero.
 */
enum {
	S_TYPE_NAME, S_FIELD_NAME, S_TYPE_STRING, S_IS_STATIC, S_OFFSET, S_ADDRESS, S_STRIDE,
	T_TYPE_NAME, T_SUPER_NAME, T_IS_OOP, T_IS_INT, T_IS_UNSIGNED, T_SIZE, T_STRIDE,
	I_NAME, I_VALUE, I_STRIDE, L_NAME, L_VALUE, L_STRIDE, N_LAYOUT
};

static const struct {
	const char *sym;
	uint64_t builtin;
	const char *type, *member;
} layout_vars[N_LAYOUT] = {
	[S_TYPE_NAME] = { "gHotSpotVMStructEntryTypeNameOffset", 0, "VMStructEntry", "typeName" },
	[S_FIELD_NAME] = { "gHotSpotVMStructEntryFieldNameOffset", 8, "VMStructEntry", "fieldName" },
	[S_TYPE_STRING] = { "gHotSpotVMStructEntryTypeStringOffset", 16, "VMStructEntry", "typeString" },
	[S_IS_STATIC] = { "gHotSpotVMStructEntryIsStaticOffset", 24, "VMStructEntry", "isStatic" },
	[S_OFFSET] = { "gHotSpotVMStructEntryOffsetOffset", 32, "VMStructEntry", "offset" },
	[S_ADDRESS] = { "gHotSpotVMStructEntryAddressOffset", 40, "VMStructEntry", "address" },
	[S_STRIDE] = { "gHotSpotVMStructEntryArrayStride", 48, "VMStructEntry", NULL },
	[T_TYPE_NAME] = { "gHotSpotVMTypeEntryTypeNameOffset", 0, "VMTypeEntry", "typeName" },
	[T_SUPER_NAME] = { "gHotSpotVMTypeEntrySuperclassNameOffset", 8, "VMTypeEntry", "superclassName" },
	[T_IS_OOP] = { "gHotSpotVMTypeEntryIsOopTypeOffset", 16, "VMTypeEntry", "isOopType" },
	[T_IS_INT] = { "gHotSpotVMTypeEntryIsIntegerTypeOffset", 20, "VMTypeEntry", "isIntegerType" },
	[T_IS_UNSIGNED] = { "gHotSpotVMTypeEntryIsUnsignedOffset", 24, "VMTypeEntry", "isUnsigned" },
	[T_SIZE] = { "gHotSpotVMTypeEntrySizeOffset", 32, "VMTypeEntry", "size" },
	[T_STRIDE] = { "gHotSpotVMTypeEntryArrayStride", 40, "VMTypeEntry", NULL },
	[I_NAME] = { "gHotSpotVMIntConstantEntryNameOffset", 0, "VMIntConstantEntry", "name" },
	[I_VALUE] = { "gHotSpotVMIntConstantEntryValueOffset", 8, "VMIntConstantEntry", "value" },
	[I_STRIDE] = { "gHotSpotVMIntConstantEntryArrayStride", 16, "VMIntConstantEntry", NULL },
	[L_NAME] = { "gHotSpotVMLongConstantEntryNameOffset", 0, "VMLongConstantEntry", "name" },
	[L_VALUE] = { "gHotSpotVMLongConstantEntryValueOffset", 8, "VMLongConstantEntry", "value" },
	[L_STRIDE] = { "gHotSpotVMLongConstantEntryArrayStride", 16, "VMLongConstantEntry", NULL },
};

bool aot_vm_entry_layout(size_t i, const char **type, const char **member, uint64_t *builtin)
{
	if (i >= N_LAYOUT)
		return false;
	*type = layout_vars[i].type;
	*member = layout_vars[i].member;
	*builtin = layout_vars[i].builtin;
	return true;
}

const char *aot_vm_origin_name(enum aot_vm_origin o)
{
	switch (o) {
	case AOT_VM_STATIC: return "data";
	case AOT_VM_CTOR: return "initializer";
	case AOT_VM_UNKNOWN: return "unknown";
	case AOT_VM_LIVE: return "live";
	}
	return "?";
}

struct aot_err *aot_vm_syms_find(const struct aot_elf *e, struct aot_vm_syms *ret)
{
	static const char *const tables[] = { "gHotSpotVMStructs", "gHotSpotVMTypes",
					      "gHotSpotVMIntConstants", "gHotSpotVMLongConstants" };
	uint64_t *slots[] = { &ret->structs, &ret->types, &ret->ints, &ret->longs };
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < 4; i++) {
		struct aot_err *err = aot_elf_symbol(e, tables[i], slots[i], NULL);
		if (err) {
			if (err->code == AOT_ERR_NOT_FOUND) {
				aot_err_free(err);
				return aot_errf(AOT_ERR_NOT_FOUND,
						"%s: no %s symbol: not a libjvm.so with the Serviceability Agent tables",
						aot_elf_path(e), tables[i]);
			}
			return err;
		}
	}
	for (size_t i = 0; i < N_LAYOUT; i++) {
		struct aot_err *err = aot_elf_symbol(e, layout_vars[i].sym, &ret->layout[i], NULL);
		if (err) {
			aot_err_free(err);
			ret->layout[i] = 0;
		}
	}
	return NULL;
}

static struct aot_err *intern(struct aot_vmstructs *v, const char *s, size_t len, size_t *ret)
{
	if (v->strings_len + len + 1 > v->strings_cap) {
		size_t ncap = v->strings_cap ? v->strings_cap * 2 : 65536;
		while (ncap < v->strings_len + len + 1)
			ncap *= 2;
		char *n = realloc(v->strings, ncap);
		if (!n)
			return &aot_enomem;
		v->strings = n;
		v->strings_cap = ncap;
	}
	memcpy(v->strings + v->strings_len, s, len);
	v->strings[v->strings_len + len] = '\0';
	*ret = v->strings_len;
	v->strings_len += len + 1;
	return NULL;
}

/*
 * Read the NUL-terminated string at ADDR into the string pool; *RET is its
 * pool offset + 1, or 0 for a NULL pointer.  Strings live in .rodata: read
 * in small steps so that one near the end of a segment is not a fault.
 */
static struct aot_err *read_string(struct aot_target *t, struct aot_vmstructs *v, uint64_t addr,
				   size_t *ret)
{
	if (addr == 0) {
		*ret = 0;
		return NULL;
	}
	char buf[MAX_NAME];
	size_t n = 0;
	while (n < sizeof(buf)) {
		size_t chunk = 32;
		struct aot_err *err = aot_target_read(t, buf + n, addr + n, chunk);
		if (err) {
			// Retry byte by byte up to the fault.
			aot_err_free(err);
			chunk = 1;
			err = aot_target_read(t, buf + n, addr + n, 1);
			if (err)
				return err;
		}
		void *nul = memchr(buf + n, 0, chunk);
		if (nul) {
			size_t off;
			err = intern(v, buf, (size_t)((char *)nul - buf), &off);
			if (err)
				return err;
			*ret = off + 1;
			return NULL;
		}
		n += chunk;
	}
	return aot_err_fault(addr, "string at 0x%llx is longer than %d bytes", (unsigned long long)addr,
			     MAX_NAME);
}

static enum aot_vm_origin origin_of(const struct aot_elf_image *im, uint64_t addr, uint64_t bias,
				    uint64_t len)
{
	if (!im)
		return AOT_VM_LIVE;
	switch (aot_elf_image_origin(im, addr - bias, len)) {
	case AOT_IMG_STATIC: return AOT_VM_STATIC;
	case AOT_IMG_CTOR: return AOT_VM_CTOR;
	case AOT_IMG_UNKNOWN: break;
	}
	return AOT_VM_UNKNOWN;
}

struct reader {
	struct aot_target *t;
	struct aot_vmstructs *v;
	const struct aot_elf_image *im;
	uint64_t bias;
	uint64_t lay[N_LAYOUT];
};

static struct aot_err *rd64(struct reader *r, uint64_t addr, uint64_t *ret)
{
	return aot_target_read_u64(r->t, addr, ret);
}

static struct aot_err *rd32(struct reader *r, uint64_t addr, uint32_t *ret)
{
	return aot_target_read_u32(r->t, addr, ret);
}

/* The array a table variable points to. */
static struct aot_err *table_base(struct reader *r, uint64_t var, const char *name, uint64_t *ret)
{
	struct aot_err *err = rd64(r, var + r->bias, ret);
	if (!err && *ret == 0)
		err = aot_errf(AOT_ERR_NOT_FOUND, "%s is NULL", name);
	return err;
}

/* Pool offsets are fixed up into pointers once every string is read (the pool moves). */
#define POOLED(off) ((const char *)(uintptr_t)(off))

static struct aot_err *read_fields(struct reader *r, uint64_t base)
{
	struct aot_vmstructs *v = r->v;
	uint64_t stride = r->lay[S_STRIDE];
	for (size_t i = 0;; i++) {
		if (i == MAX_ENTRIES)
			return aot_err_fault(base, "gHotSpotVMStructs: no end marker in %d entries",
					     MAX_ENTRIES);
		uint64_t e = base + i * stride, tn, fn, ts, off, addr;
		uint32_t st;
		struct aot_err *err = rd64(r, e + r->lay[S_TYPE_NAME], &tn);
		if (err)
			return err;
		if (tn == 0)
			break;
		if ((err = rd64(r, e + r->lay[S_FIELD_NAME], &fn)) ||
		    (err = rd64(r, e + r->lay[S_TYPE_STRING], &ts)) ||
		    (err = rd32(r, e + r->lay[S_IS_STATIC], &st)) ||
		    (err = rd64(r, e + r->lay[S_OFFSET], &off)) ||
		    (err = rd64(r, e + r->lay[S_ADDRESS], &addr)))
			return err;
		if (v->nfields % 256 == 0) {
			struct aot_vm_field *n = realloc(v->fields, (v->nfields + 256) * sizeof(*n));
			if (!n)
				return &aot_enomem;
			v->fields = n;
		}
		size_t a, b, c;
		if ((err = read_string(r->t, v, tn, &a)) || (err = read_string(r->t, v, fn, &b)) ||
		    (err = read_string(r->t, v, ts, &c)))
			return err;
		v->fields[v->nfields++] = (struct aot_vm_field){
			.type = POOLED(a), .field = POOLED(b), .type_string = POOLED(c),
			.is_static = st != 0, .offset = off, .address = addr,
			.origin = (uint8_t)origin_of(r->im, e + r->lay[S_OFFSET], r->bias, 8),
			.entry = e - r->bias, .offset_at = e + r->lay[S_OFFSET] - r->bias,
		};
	}
	return NULL;
}

static struct aot_err *read_types(struct reader *r, uint64_t base)
{
	struct aot_vmstructs *v = r->v;
	for (size_t i = 0;; i++) {
		if (i == MAX_ENTRIES)
			return aot_err_fault(base, "gHotSpotVMTypes: no end marker in %d entries",
					     MAX_ENTRIES);
		uint64_t e = base + i * r->lay[T_STRIDE], tn, sn, size;
		uint32_t oop, isint, uns;
		struct aot_err *err = rd64(r, e + r->lay[T_TYPE_NAME], &tn);
		if (err)
			return err;
		if (tn == 0)
			break;
		if ((err = rd64(r, e + r->lay[T_SUPER_NAME], &sn)) ||
		    (err = rd32(r, e + r->lay[T_IS_OOP], &oop)) ||
		    (err = rd32(r, e + r->lay[T_IS_INT], &isint)) ||
		    (err = rd32(r, e + r->lay[T_IS_UNSIGNED], &uns)) ||
		    (err = rd64(r, e + r->lay[T_SIZE], &size)))
			return err;
		if (v->ntypes % 256 == 0) {
			struct aot_vm_type *n = realloc(v->types, (v->ntypes + 256) * sizeof(*n));
			if (!n)
				return &aot_enomem;
			v->types = n;
		}
		size_t a, b;
		if ((err = read_string(r->t, v, tn, &a)) || (err = read_string(r->t, v, sn, &b)))
			return err;
		v->types[v->ntypes++] = (struct aot_vm_type){
			.name = POOLED(a), .super = POOLED(b), .is_oop = oop, .is_int = isint,
			.is_unsigned = uns, .size = size,
			.origin = (uint8_t)origin_of(r->im, e + r->lay[T_SIZE], r->bias, 8),
		};
	}
	return NULL;
}

static struct aot_err *read_consts(struct reader *r, uint64_t base, bool is_long,
				   struct aot_vm_const **out, size_t *count)
{
	uint64_t stride = r->lay[is_long ? L_STRIDE : I_STRIDE];
	uint64_t name_off = r->lay[is_long ? L_NAME : I_NAME];
	uint64_t value_off = r->lay[is_long ? L_VALUE : I_VALUE];
	for (size_t i = 0;; i++) {
		if (i == MAX_ENTRIES)
			return aot_err_fault(base, "constant table: no end marker in %d entries",
					     MAX_ENTRIES);
		uint64_t e = base + i * stride, name, v64 = 0;
		uint32_t v32 = 0;
		struct aot_err *err = rd64(r, e + name_off, &name);
		if (err)
			return err;
		if (name == 0)
			break;
		err = is_long ? rd64(r, e + value_off, &v64) : rd32(r, e + value_off, &v32);
		if (err)
			return err;
		if (*count % 256 == 0) {
			struct aot_vm_const *n = realloc(*out, (*count + 256) * sizeof(*n));
			if (!n)
				return &aot_enomem;
			*out = n;
		}
		size_t a;
		if ((err = read_string(r->t, r->v, name, &a)))
			return err;
		(*out)[(*count)++] = (struct aot_vm_const){
			.name = POOLED(a),
			.value = is_long ? (int64_t)v64 : (int64_t)(int32_t)v32,
			.origin = (uint8_t)origin_of(r->im, e + value_off, r->bias, is_long ? 8 : 4),
		};
	}
	return NULL;
}

static const char *unpool(const struct aot_vmstructs *v, const char *p)
{
	uintptr_t off = (uintptr_t)p;
	return off ? v->strings + off - 1 : NULL;
}

/* Read the entry-layout variables; any zero or absurd one means use the built-in layouts. */
static void read_layout(struct reader *r, const struct aot_vm_syms *syms)
{
	bool ok = true;
	for (size_t i = 0; i < N_LAYOUT && ok; i++) {
		uint64_t val = 0;
		bool stride = i == S_STRIDE || i == T_STRIDE || i == I_STRIDE || i == L_STRIDE;
		struct aot_err *err = NULL;
		if (!syms->layout[i] || (err = rd64(r, syms->layout[i] + r->bias, &val)) ||
		    val > 256 || (stride && val == 0))
			ok = false;
		else
			r->lay[i] = val;
		aot_err_free(err);
	}
	// Offsets inside an entry must leave room for the value they locate.
	ok = ok && r->lay[S_OFFSET] + 8 <= r->lay[S_STRIDE] && r->lay[S_ADDRESS] + 8 <= r->lay[S_STRIDE] &&
	     r->lay[T_SIZE] + 8 <= r->lay[T_STRIDE] && r->lay[I_VALUE] + 4 <= r->lay[I_STRIDE] &&
	     r->lay[L_VALUE] + 8 <= r->lay[L_STRIDE];
	r->v->entry_layout_builtin = !ok;
	for (size_t i = 0; i < N_LAYOUT; i++) {
		if (!ok)
			r->lay[i] = layout_vars[i].builtin;
		r->v->entry_layout[i] = r->lay[i];
	}
}

struct aot_err *aot_vmstructs_read(struct aot_target *t, const struct aot_vm_syms *syms,
				   uint64_t bias, const struct aot_elf_image *image,
				   struct aot_vmstructs **ret)
{
	struct aot_vmstructs *v = calloc(1, sizeof(*v));
	if (!v)
		return &aot_enomem;
	struct reader r = { .t = t, .v = v, .im = image, .bias = bias };
	read_layout(&r, syms);
	uint64_t fb, tb, ib, lb;
	struct aot_err *err = NULL;
	if ((err = table_base(&r, syms->structs, "gHotSpotVMStructs", &fb)) ||
	    (err = table_base(&r, syms->types, "gHotSpotVMTypes", &tb)) ||
	    (err = table_base(&r, syms->ints, "gHotSpotVMIntConstants", &ib)) ||
	    (err = table_base(&r, syms->longs, "gHotSpotVMLongConstants", &lb)) ||
	    (err = read_fields(&r, fb)) || (err = read_types(&r, tb)) ||
	    (err = read_consts(&r, ib, false, &v->ints, &v->nints)) ||
	    (err = read_consts(&r, lb, true, &v->longs, &v->nlongs))) {
		aot_vmstructs_destroy(v);
		return err;
	}
	for (size_t i = 0; i < v->nfields; i++) {
		v->fields[i].type = unpool(v, v->fields[i].type);
		v->fields[i].field = unpool(v, v->fields[i].field);
		v->fields[i].type_string = unpool(v, v->fields[i].type_string);
	}
	for (size_t i = 0; i < v->ntypes; i++) {
		v->types[i].name = unpool(v, v->types[i].name);
		v->types[i].super = unpool(v, v->types[i].super);
	}
	for (size_t i = 0; i < v->nints; i++)
		v->ints[i].name = unpool(v, v->ints[i].name);
	for (size_t i = 0; i < v->nlongs; i++)
		v->longs[i].name = unpool(v, v->longs[i].name);
	*ret = v;
	return NULL;
}

void aot_vmstructs_destroy(struct aot_vmstructs *v)
{
	if (!v)
		return;
	free(v->fields);
	free(v->types);
	free(v->ints);
	free(v->longs);
	free(v->strings);
	free(v);
}

const struct aot_vm_field *aot_vmstructs_field(const struct aot_vmstructs *v, const char *type,
					       const char *field)
{
	for (size_t i = 0; i < v->nfields; i++)
		if (v->fields[i].type && v->fields[i].field && !strcmp(v->fields[i].type, type) &&
		    !strcmp(v->fields[i].field, field))
			return &v->fields[i];
	return NULL;
}

const struct aot_vm_type *aot_vmstructs_type(const struct aot_vmstructs *v, const char *name)
{
	for (size_t i = 0; i < v->ntypes; i++)
		if (v->types[i].name && !strcmp(v->types[i].name, name))
			return &v->types[i];
	return NULL;
}

static const struct aot_vm_const *find_const(const struct aot_vm_const *c, size_t n,
					     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].name && !strcmp(c[i].name, name))
			return &c[i];
	return NULL;
}

const struct aot_vm_const *aot_vmstructs_int(const struct aot_vmstructs *v, const char *name)
{
	return find_const(v->ints, v->nints, name);
}

const struct aot_vm_const *aot_vmstructs_long(const struct aot_vmstructs *v, const char *name)
{
	return find_const(v->longs, v->nlongs, name);
}

uint64_t aot_vmstructs_size_of(const struct aot_vmstructs *v, const char *type_string)
{
	const char *ts = type_string;
	if (!ts || !*ts)
		return 0;
	if (ts[strlen(ts) - 1] == '*')
		return 8;
	if (!strncmp(ts, "const ", 6))
		ts += 6;
	const struct aot_vm_type *t = aot_vmstructs_type(v, ts);
	return t ? t->size : 0;
}
