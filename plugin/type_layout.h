/*
 * A C++ type's layout, independent of where it came from (DWARF, the
 * gHotSpotVM tables, a built-in table): what aot-ptype prints and what the
 * layout provider compares.
 */
#ifndef AOTDBG_TYPE_LAYOUT_H
#define AOTDBG_TYPE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aot_member {
	char *name;		/* "" for an anonymous member; the base's type name for a base */
	char *type_name;	/* as gdb spells it, e.g. "Array<Method*> *"; best effort */
	uint64_t offset;	/* bytes from the start of the enclosing type */
	uint64_t size;		/* bytes; for a bit-field, its storage unit */
	uint16_t bit_offset;	/* bit-fields only: bits from `offset` (little-endian) */
	uint16_t bit_size;	/* 0 unless a bit-field */
	bool is_base;		/* a base class (DW_TAG_inheritance) */
	bool is_static;		/* a static data member: `offset` means nothing */
};

struct aot_type {
	char *name;
	uint64_t size;
	size_t nmembers;
	struct aot_member *members;	/* in declaration order, bases first */
};

/* NULL-safe; frees T and everything it holds. */
void aot_type_destroy(struct aot_type *t);

/* The non-static member NAME of T, or NULL. */
const struct aot_member *aot_type_member(const struct aot_type *t, const char *name);

#endif
