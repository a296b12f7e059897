/*
 * The parts of aot-print-klass that need more than the Klass itself: its
 * fields (fieldinfo.c), its standing in the archive's tables, and --raw,
 * every C++ member of the object with its value.
 */
#ifndef AOTDBG_KLASS_EXTRA_H
#define AOTDBG_KLASS_EXTRA_H

#include "fieldinfo.h"
#include "klass.h"
#include "out.h"

/*
 * The defining loader of K: from its flags, else from the table that lists
 * it; an array class's is its bottom class's.  *WHY says where it came
 * from, or why it is unknown.
 */
enum aot_loader aot_klass_loader(struct aot_meta *m, const struct aot_klass *k, const char **why);

/* K's field records (fieldinfo.c) in stream order; *F is malloc'd, NULL when there are none. */
struct aot_err *aot_klass_field_records(struct aot_meta *m, const struct aot_klass *k,
					struct aot_field **f, uint32_t *n);

void aot_klass_extra_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k);
struct aot_err *aot_klass_fields_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k);
struct aot_err *aot_klass_raw_out(struct aot_out *o, struct aot_meta *m, const struct aot_klass *k);

#endif
