/*
 * The field information of an InstanceKlass, as an archive stores it.
 *
 * A pure decoder: the caller reads the bytes (the payload of an Array<u2> or
 * Array<u1>) and passes them in; nothing here touches a target or a file.
 * Two formats exist (docs/fieldinfo.md):
 *
 * - JDK 17: InstanceKlass::_fields, an Array<u2> of six-u2 FieldInfo tuples,
 *   one per field (Java fields first, then injected ones), followed by one u2
 *   generic signature index for each field that has
 *   JVM_ACC_FIELD_HAS_GENERIC_SIGNATURE.  The Java field count is not in the
 *   array: it is InstanceKlass::_java_fields_count.
 * - JDK 21 and later: InstanceKlass::_fieldinfo_stream, an Array<u1> of
 *   UNSIGNED5 numbers: the two counts, then one record per field.  JDK 21
 *   ends the stream with a zero byte; JDK 25 and later do not, and keep a
 *   sorted index (InstanceKlass::_fieldinfo_search_table) beside it for
 *   classes with many fields.
 *
 * Input is hostile: every read is bounded, counts are capped by what the
 * input can hold, and errors name the offset (a byte offset in the stream,
 * or a u2 slot in the 17 array) and what was wrong there.
 */
#ifndef AOTDBG_FIELDINFO_H
#define AOTDBG_FIELDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* One field, in the order the JVM stores them. */
struct aot_field {
	uint16_t name_index;		/* CP index; a vmSymbolID when injected */
	uint16_t signature_index;	/* likewise */
	uint32_t offset;		/* in the instance, or in the mirror when static */
	uint16_t access_flags;		/* JVM_ACC_* as the class file has them */
	uint32_t field_flags;		/* 21+: FieldInfo::FieldFlags; 17: the JVM_ACC_FIELD_* bits */
	uint16_t initval_index;		/* CP index of the ConstantValue, 0 if none */
	uint16_t generic_signature_index; /* CP index of the Signature attribute, 0 if none */
	uint16_t contended_group;	/* @Contended group, 0 if none or ungrouped */
	uint32_t layout_kind;		/* Valhalla builds only: the flat field's LayoutKind */
	uint32_t null_marker_offset;	/* Valhalla builds only */
	uint32_t pos;			/* where the record starts: stream byte (21+) or u2 slot (17) */
	bool injected;			/* added by the JVM; names are vmSymbol ids */
	bool is_static;			/* ACC_STATIC: offset is in the java.lang.Class mirror */
	bool has_initval, has_generic, is_contended, is_stable;
	bool offset_set;		/* 17: false if the tuple's tag says "no offset yet" */
};

/*
 * The numbers the decoders depend on.  Each has a built-in default for its
 * release; a caller that has the JVM's gHotSpotVMIntConstants (the names are
 * given per member) should overwrite the defaults with them, so a build that
 * moves a bit is still decoded right.  A bit position of -1 means this build
 * has no such flag.
 */
struct aot_fieldinfo_consts {
	int feature;			/* the JDK feature release the defaults came from */

	/* 21+: FieldInfo::FieldFlags::_ff_* bit positions. */
	int ff_initialized, ff_injected, ff_generic, ff_stable, ff_contended;
	/* Valhalla-only flags that add an item to the record (-1 in mainline). */
	int ff_flat, ff_null_marker;
	/* 21..24 end the stream with one zero byte; 25+ do not. */
	bool stream_has_end_byte;

	/* 17: FieldInfo::*_offset slot numbers and FieldInfo::field_slots. */
	int access_flags_offset, name_index_offset, signature_index_offset;
	int initval_index_offset, low_packed_offset, high_packed_offset, field_slots;
	/* 17: FIELDINFO_TAG_SIZE, FIELDINFO_TAG_OFFSET; the contended tag (1<<1) is not exported. */
	int tag_size;
	uint32_t tag_offset, tag_contended;
	/* 17: JVM_ACC_FIELD_* (the VM's bits in a field's u2 access flags). */
	uint32_t acc_internal, acc_stable, acc_has_generic_signature;
	uint32_t acc_access_watched, acc_modification_watched, acc_initialized_final_update;
	/* JVM_RECOGNIZED_FIELD_MODIFIERS: the class-file bits of a field. */
	uint32_t recognized_modifiers;
};

/* Fill C with the built-in defaults of FEATURE (17, 21, 25, 26, 27, ...). */
struct aot_err *aot_fieldinfo_consts_default(int feature, struct aot_fieldinfo_consts *c);

/*
 * JDK 17: decode FIELDS, the Array<u2> payload (N_U2 units in host order),
 * with JAVA_FIELDS_COUNT from the klass.  C may be NULL for the 17 defaults.
 * On success *RET (free() it; NULL when there are no fields) holds *N fields.
 */
struct aot_err *aot_fields_decode_17(const uint16_t *fields, uint32_t n_u2,
				     uint32_t java_fields_count,
				     const struct aot_fieldinfo_consts *c,
				     struct aot_field **ret, uint32_t *n);

/*
 * JDK 21+: decode STREAM, the Array<u1> payload of LEN bytes.  C may be NULL
 * for the defaults of FEATURE.  On success *RET (free() it) holds *N fields,
 * of which the first *JAVA_FIELDS_COUNT are Java fields.
 */
struct aot_err *aot_fields_decode_stream(const uint8_t *stream, uint32_t len, int feature,
					 const struct aot_fieldinfo_consts *c,
					 struct aot_field **ret, uint32_t *n,
					 uint32_t *java_fields_count);

/* One element of the JDK 25+ search table: a Java field's record and index. */
struct aot_field_search_entry {
	uint32_t pos;			/* stream byte where the field's record starts */
	uint32_t index;			/* the field's index */
};

/*
 * JDK 25+: decode TABLE (LEN bytes, the _fieldinfo_search_table payload) for
 * the FIELDS that aot_fields_decode_stream() returned from a stream of
 * STREAM_LEN bytes.  Checks that every entry names a Java field by its
 * record's position and that no field appears twice.  The order (by Symbol
 * address) needs the symbols and is not checked.  *RET (free() it) holds
 * *N = JAVA_FIELDS_COUNT entries, in table order.
 */
struct aot_err *aot_fields_search_table_decode(const uint8_t *table, uint32_t len,
					       uint32_t stream_len,
					       const struct aot_field *fields, uint32_t n_fields,
					       uint32_t java_fields_count,
					       struct aot_field_search_entry **ret, uint32_t *n);

/*
 * The field's VM flags in words ("initialized generic"), unknown bits as
 * hex.  FEATURE picks the 17 or the 21+ meaning; C may be NULL.  Always
 * NUL-terminates BUF (if LEN > 0); returns BUF.
 */
const char *aot_field_flags_str(uint32_t flags, int feature, const struct aot_fieldinfo_consts *c,
				char *buf, size_t len);

/* The class-file access flags in Java words ("private static final"). */
const char *aot_field_access_str(uint16_t access_flags, char *buf, size_t len);

#endif
