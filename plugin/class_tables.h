/* STUB until the tables module lands: the classes an archive's own tables name. */
#ifndef AOTDBG_CLASS_TABLES_H
#define AOTDBG_CLASS_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

enum aot_class_source {
	AOT_CSRC_BUILTIN_DICT,
	AOT_CSRC_UNREGISTERED_DICT,
	AOT_CSRC_LAMBDA_PROXY_DICT,
	AOT_CSRC_AOT_LINKED_TABLE,
	AOT_CSRC_UNIVERSE,
	AOT_CSRC_VM_CLASSES,
};

struct aot_table_class {
	uint64_t addr;
	uint8_t source;
	uint8_t loader_hint;
};

struct aot_err *aot_class_tables(struct aot_session *s, const struct aot_archive *ar,
				 struct aot_table_class **ret, size_t *n);
const char *aot_class_source_name(enum aot_class_source src);

#endif
