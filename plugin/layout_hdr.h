/*
 * Verification rows for the layouts aotdbg has built in: the archive header
 * tables (FileMapHeader, CDSFileMapRegion, DynamicArchiveHeader, by the
 * C++ member each label stands for) and the gHotSpotVM table entry layouts,
 * each compared with DWARF and, where they have it, the gHotSpotVM tables.
 */
#ifndef AOTDBG_LAYOUT_HDR_H
#define AOTDBG_LAYOUT_HDR_H

#include "layout.h"

/* The C++ types these rows read through DWARF, NULL-terminated. */
extern const char *const aot_layout_hdr_types[];

/* The built-in header layout of a JDK feature release, or NULL. */
const struct aot_hdr_layout *aot_hdr_layout_for_feature(int feature);

/* Rows for HL (may be NULL: entry layouts only); VM and DW may be NULL.  *RET is malloc'ed. */
struct aot_err *aot_layout_hdr_rows(const struct aot_hdr_layout *hl, const struct aot_vmstructs *vm,
				    struct aot_dwarf *dw, struct aot_lrow **ret, size_t *count);

#endif
