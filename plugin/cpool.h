/*
 * ConstantPool (oops/constantPool.hpp): tags, entries and what they name.
 * Entries follow the C++ object as intptr_t slots; packed pairs of u2
 * indices are the low and high halves of a slot's int (CPKlassSlot,
 * build_int_from_shorts).
 */
#ifndef AOTDBG_CPOOL_H
#define AOTDBG_CPOOL_H

#include "meta.h"

/* JVMS tags, and HotSpot's internal ones (gHotSpotVMIntConstants JVM_CONSTANT_*). */
enum {
	AOT_CP_UTF8 = 1, AOT_CP_INTEGER = 3, AOT_CP_FLOAT = 4, AOT_CP_LONG = 5, AOT_CP_DOUBLE = 6,
	AOT_CP_CLASS = 7, AOT_CP_STRING = 8, AOT_CP_FIELDREF = 9, AOT_CP_METHODREF = 10,
	AOT_CP_INTERFACE_METHODREF = 11, AOT_CP_NAME_AND_TYPE = 12, AOT_CP_METHOD_HANDLE = 15,
	AOT_CP_METHOD_TYPE = 16, AOT_CP_DYNAMIC = 17, AOT_CP_INVOKE_DYNAMIC = 18,
	AOT_CP_MODULE = 19, AOT_CP_PACKAGE = 20,
	AOT_CP_UNRESOLVED_CLASS = 100, AOT_CP_CLASS_INDEX = 101, AOT_CP_STRING_INDEX = 102,
	AOT_CP_UNRESOLVED_CLASS_IN_ERROR = 103, AOT_CP_METHOD_HANDLE_IN_ERROR = 104,
	AOT_CP_METHOD_TYPE_IN_ERROR = 105, AOT_CP_DYNAMIC_IN_ERROR = 106,
};

struct aot_cp {
	uint64_t addr;
	uint64_t tags;			/* Array<u1>* */
	uint64_t tags_data;
	uint64_t base;			/* first entry */
	int32_t length;
	uint64_t holder, cache, resolved_klasses;
	uint16_t major, minor, source_file_index, generic_signature_index;
	uint64_t size;			/* bytes, as the map prints */
};

struct aot_err *aot_cp_decode(struct aot_meta *m, uint64_t addr, struct aot_cp *cp);

const char *aot_cp_tag_name(unsigned tag);
struct aot_err *aot_cp_tag(struct aot_meta *m, const struct aot_cp *cp, int idx, uint8_t *tag);
struct aot_err *aot_cp_slot(struct aot_meta *m, const struct aot_cp *cp, int idx, uint64_t *v);

/* The text of the Utf8 (or String) entry IDX; the caller frees it. */
struct aot_err *aot_cp_utf8(struct aot_meta *m, const struct aot_cp *cp, int idx, char **ret);
/* The internal name of the Class entry IDX; *KLASS the resolved class or 0. */
struct aot_err *aot_cp_class(struct aot_meta *m, const struct aot_cp *cp, int idx, char **ret,
			     uint64_t *klass);
/*
 * What entry IDX says, in words ("java/lang/String.length:()I"), for
 * aot-print-cp and bytecode operands; *TAG gets its tag.
 */
struct aot_err *aot_cp_describe(struct aot_meta *m, const struct aot_cp *cp, int idx,
				uint8_t *tag, char **ret);

#endif
