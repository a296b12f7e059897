/*
 * A C++ type's members flattened to scalars: base classes' members by
 * their own names, struct members as "outer.inner", with offsets from the
 * start of the object.  From DWARF when installed, else from the
 * gHotSpotVM tables (only what the Serviceability Agent uses).
 */
#ifndef AOTDBG_RAW_MEMBERS_H
#define AOTDBG_RAW_MEMBERS_H

#include <stdint.h>

#include "session.h"

struct aot_raw_member {
	char name[160];
	char type[96];
	uint64_t offset, size;
	uint16_t bit_offset, bit_size;
};

struct aot_raw_members {
	struct aot_raw_member *v;
	size_t n;
	const char *source;	/* "DWARF" or "gHotSpotVM tables" */
	uint64_t type_size;
};

struct aot_err *aot_raw_members(struct aot_session *s, const char *type, struct aot_raw_members *ret);
void aot_raw_members_free(struct aot_raw_members *r);

#endif
