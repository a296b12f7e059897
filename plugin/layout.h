/*
 * The layout provider: offsets and sizes of the HotSpot fields decoders use
 * (layout_fields.def), for one JVM build, from the best source it has:
 *
 *   1. the gHotSpotVM tables (from the libjvm file, or a live JVM),
 *   2. DWARF (libjvm's debug info),
 *   3. built-in tables (hdr_layouts.c, for the archive header only).
 *
 * Every value records what each source said, so aot-verify-layout can show
 * the comparison and a decoder's error can say which sources were missing.
 */
#ifndef AOTDBG_LAYOUT_H
#define AOTDBG_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "hdr_layout.h"
#include "jvm.h"

enum aot_lf {
#define LF_FIELD(id, t, f, lo, hi) AOT_LF_##id,
#define LF_STATIC(id, t, f, lo, hi) AOT_LF_##id,
#define LF_SIZE(id, t, lo, hi) AOT_LF_##id,
#define LF_DWARF(id, t, f, lo, hi) AOT_LF_##id,
#define LF_DWARF_SIZE(id, t, lo, hi) AOT_LF_##id,
#include "layout_fields.def"
#undef LF_DWARF
#undef LF_DWARF_SIZE
#undef LF_FIELD
#undef LF_STATIC
#undef LF_SIZE
	AOT_LF_COUNT
};

enum aot_lsrc { AOT_SRC_TABLES, AOT_SRC_DWARF, AOT_SRC_BUILTIN, AOT_SRC_COUNT };

enum aot_lkind { AOT_LK_FIELD, AOT_LK_STATIC, AOT_LK_SIZE };

enum aot_lresult {
	AOT_LR_AGREE,		/* two or more sources, same value */
	AOT_LR_ONE,		/* exactly one source */
	AOT_LR_DISAGREE,
	AOT_LR_MISSING,		/* expected in this JDK, no source has it */
	AOT_LR_ABSENT,		/* not in this JDK, and no source has it: fine */
};

struct aot_lrow {
	char name[160];		/* "Klass::_name", "sizeof(Klass)", "FileMapHeader::_magic" */
	const char *group;	/* "metadata", "header", "region", "dynamic header", "table entry" */
	uint8_t kind;		/* enum aot_lkind */
	bool expected;		/* the JDK is meant to have it */
	bool has[AOT_SRC_COUNT];
	uint64_t val[AOT_SRC_COUNT];
	const char *detail[AOT_SRC_COUNT];	/* e.g. "initializer" for a replayed table value */
	int used;		/* enum aot_lsrc, or -1 */
	uint64_t size;		/* field size in bytes; 0 if unknown */
	uint8_t result;		/* enum aot_lresult */
};

struct aot_layout {
	int feature;			/* the JDK feature release, 0 if unknown */
	struct aot_lrow rows[AOT_LF_COUNT];
	bool dwarf_used;
	struct aot_err *dwarf_err;	/* why DWARF was not used */
};

/*
 * Build the layout of J's build.  WITH_DWARF: also read DWARF for every
 * field (verification); otherwise DWARF is read only for fields the
 * tables lack.
 */
struct aot_err *aot_layout_build(struct aot_jvm *j, bool with_dwarf, struct aot_layout **ret);
void aot_layout_destroy(struct aot_layout *l);	/* NULL-safe */

/*
 * Offset (address for a static, size for a size) of ID, and its size in
 * bytes (0 if unknown); AOT_ERR_NOT_FOUND naming the field if no source has it.
 */
struct aot_err *aot_layout_get(const struct aot_layout *l, enum aot_lf id, uint64_t *value,
			       uint64_t *size);

/* Whether layout_fields.def declares TYPE::FIELD (or a field nested in it). */
bool aot_layout_declares(const char *type, const char *field);

/*
 * Fill R's tables value from V: TYPE::FIELD's offset (address for a static
 * row), or sizeof(TYPE) for a size row.  A value the initializer replay
 * could not follow counts as absent.
 */
void aot_lrow_from_tables(struct aot_lrow *r, const struct aot_vmstructs *v, const char *type,
			  const char *field);

/* Fill a row's result and `used` from what its sources said. */
void aot_lrow_settle(struct aot_lrow *r);

/* The DWARF spelling of a gHotSpotVM type name ("Array<u1>" → "Array<unsigned char>"). */
const char *aot_layout_dwarf_name(const char *vm_name, char *buf, size_t len);

/*
 * Resolve PATH ("_a" or "_a._b") inside TYPE through DWARF, descending into
 * base classes and member types: offset and size.  False if DWARF cannot say.
 */
bool aot_layout_dwarf_member(struct aot_dwarf *d, const char *type, const char *path,
			     uint64_t *off, uint64_t *size);

const char *aot_lsrc_name(enum aot_lsrc s);
const char *aot_lresult_name(enum aot_lresult r);

#endif
