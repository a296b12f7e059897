/*
 * The file backend: an archive's regions placed in an address space as the
 * JVM would map them, at the requested base or relocated to another one.
 */
#ifndef AOTDBG_TARGET_FILE_H
#define AOTDBG_TARGET_FILE_H

#include "archive.h"
#include "target.h"

struct aot_file_mapping;

/*
 * Register the mappable regions of AR (and, for a dynamic archive, of its
 * base first) in T.  Metadata regions move by DELTA (mapped base minus
 * requested base) and the words their pointer maps mark are relocated by
 * DELTA as they are read, exactly as the JVM relocates them at load; heap
 * regions stay at their requested addresses, their native-pointer slots
 * relocated too.  The mapping must outlive T's use of it.
 */
struct aot_err *aot_file_mapping_create(struct aot_target *t, const struct aot_archive *ar,
					uint64_t delta, struct aot_file_mapping **ret);
/* NULL-safe. */
void aot_file_mapping_destroy(struct aot_file_mapping *m);

#endif
