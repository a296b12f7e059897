/*
 * HotSpot's gHotSpotVMStructs / gHotSpotVMTypes / gHotSpotVMIntConstants /
 * gHotSpotVMLongConstants tables: the data the Serviceability Agent reads,
 * present in every libjvm build including stripped vendor ones.
 *
 * The decoder reads through a target, so the same code serves a libjvm file
 * (its rebuilt image, elf_image.h), a live process and a core.
 */
#ifndef AOTDBG_VMSTRUCTS_H
#define AOTDBG_VMSTRUCTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_file.h"
#include "elf_image.h"
#include "target.h"

/* Where a value read from the tables was set (for the file image). */
enum aot_vm_origin {
	AOT_VM_STATIC,		/* initialized data in the file */
	AOT_VM_CTOR,		/* stored by a static initializer, replayed */
	AOT_VM_UNKNOWN,		/* stored by a static initializer the replay could not follow */
	AOT_VM_LIVE,		/* read from a running (or dumped) JVM */
};

struct aot_vm_field {
	const char *type, *field, *type_string;
	bool is_static;
	uint64_t offset;	/* non-static fields */
	uint64_t address;	/* static fields */
	uint8_t origin;		/* enum aot_vm_origin, of `offset` */
	uint64_t entry;		/* where the table entry is (link-time address for a file) */
	uint64_t offset_at;	/* where its offset value is */
};

struct aot_vm_type {
	const char *name, *super;
	bool is_oop, is_int, is_unsigned;
	uint64_t size;
	uint8_t origin;
};

struct aot_vm_const {
	const char *name;
	int64_t value;
	uint8_t origin;
};

struct aot_vmstructs {
	struct aot_vm_field *fields;
	size_t nfields;
	struct aot_vm_type *types;
	size_t ntypes;
	struct aot_vm_const *ints, *longs;
	size_t nints, nlongs;
	bool entry_layout_builtin;	/* the gHotSpotVM*Offset variables were unreadable */
	uint64_t entry_layout[20];	/* the values used, in vmstructs.c's order */
	char *strings;			/* owns every name above */
	size_t strings_len, strings_cap;
};

/* The exported symbols' link-time addresses. */
struct aot_vm_syms {
	uint64_t structs, types, ints, longs;	/* the pointer variables */
	uint64_t layout[20];			/* the gHotSpotVM*Offset/Stride variables, see vmstructs.c */
};

/* Find the symbols in libjvm E; AOT_ERR_NOT_FOUND (naming the file) if it has no tables. */
struct aot_err *aot_vm_syms_find(const struct aot_elf *e, struct aot_vm_syms *ret);

/*
 * Decode the tables from T, where libjvm is loaded at BIAS.  IMAGE (NULL for
 * live memory) says which values static initializers set.
 */
struct aot_err *aot_vmstructs_read(struct aot_target *t, const struct aot_vm_syms *syms,
				   uint64_t bias, const struct aot_elf_image *image,
				   struct aot_vmstructs **ret);
void aot_vmstructs_destroy(struct aot_vmstructs *v);	/* NULL-safe */

const struct aot_vm_field *aot_vmstructs_field(const struct aot_vmstructs *v, const char *type,
					       const char *field);
const struct aot_vm_type *aot_vmstructs_type(const struct aot_vmstructs *v, const char *name);
const struct aot_vm_const *aot_vmstructs_int(const struct aot_vmstructs *v, const char *name);
const struct aot_vm_const *aot_vmstructs_long(const struct aot_vmstructs *v, const char *name);

const char *aot_vm_origin_name(enum aot_vm_origin o);

/* The size of a field declared as TYPE_STRING ("Symbol*", "u2"), from the type table; 0 if unknown. */
uint64_t aot_vmstructs_size_of(const struct aot_vmstructs *v, const char *type_string);

/*
 * The entry-layout variables: the I-th one's entry type and member name as
 * DWARF spells them ("VMStructEntry", "typeName"; member NULL for a stride,
 * which is the entry's size) and its built-in value.  False past the last.
 */
bool aot_vm_entry_layout(size_t i, const char **type, const char **member, uint64_t *builtin);

#endif
