/*
 * Built-in layouts of the archive header (FileMapHeader, its region table
 * entries CDSFileMapRegion, and DynamicArchiveHeader), one per archive format
 * variant.
 *
 * These are the one place in aotdbg that holds header offsets.  The header
 * is what we must read before we know which JVM made an archive, and on a
 * stripped vendor build neither the gHotSpotVM tables nor DWARF describe it,
 * so the layouts are built in, keyed by (version, header size, jvm_ident).
 * Each table says which build and which check confirmed it.
 */
#ifndef AOTDBG_HDR_LAYOUT_H
#define AOTDBG_HDR_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

/* Storage type of a header field. */
enum aot_ftype {
	AOT_FT_BOOL,	/* C++ bool, 1 byte */
	AOT_FT_I16,
	AOT_FT_I32,
	AOT_FT_U32,
	AOT_FT_U64,	/* size_t, uintx, uint64_t, pointers */
	AOT_FT_CHARS,	/* NUL-padded char array of `len` bytes */
};

/* How FileMapHeader::print shows it (we print the same way). */
enum aot_fprint {
	AOT_FP_DEC,
	AOT_FP_HEX,	/* 0x%x, no padding */
	AOT_FP_HEX8,	/* 0x%08x */
	AOT_FP_PTR,	/* 0x%016x */
	AOT_FP_STR,
};

/*
 * What a field means, for the code that needs a particular value.  A
 * decoder asks for a role, never for an offset.
 */
enum aot_role {
	AOT_R_NONE = 0,
	AOT_R_MAGIC,
	AOT_R_CRC,
	AOT_R_VERSION,
	AOT_R_HEADER_SIZE,
	AOT_R_BASE_NAME_OFFSET,
	AOT_R_BASE_NAME_SIZE,
	AOT_R_CORE_REGION_ALIGNMENT,
	AOT_R_OBJ_ALIGNMENT,
	AOT_R_NARROW_OOP_BASE,
	AOT_R_NARROW_OOP_SHIFT,
	AOT_R_NARROW_OOP_MODE,
	AOT_R_COMPACT_STRINGS,
	AOT_R_COMPACT_HEADERS,
	AOT_R_MAX_HEAP_SIZE,
	AOT_R_COMPRESSED_OOPS,
	AOT_R_COMPRESSED_CLASS_PTRS,
	AOT_R_NARROW_KLASS_BITS,
	AOT_R_NARROW_KLASS_SHIFT,
	AOT_R_CLONED_VTABLES,
	AOT_R_EARLY_SERIALIZED_DATA,
	AOT_R_SERIALIZED_DATA,
	AOT_R_JVM_IDENT,
	AOT_R_SHARED_PATH_TABLE,
	AOT_R_SHARED_PATH_TABLE_SIZE,
	AOT_R_CLASS_LOCATION_CONFIG,
	AOT_R_REQUESTED_BASE,
	AOT_R_MAPPED_BASE,
	AOT_R_HAS_AOT_LINKED_CLASSES,
	AOT_R_PTRMAP_SIZE_IN_BITS,	/* 17/21: one map over rw+ro */
	AOT_R_RW_PTRMAP_START,
	AOT_R_RO_PTRMAP_START,
	AOT_R_HEAP_OOPMAP_START,
	AOT_R_HEAP_PTRMAP_START,
	AOT_R_HEAP_OBJ_ROOTS,
	AOT_R_HEAP_ROOTS_COUNT,		/* 25+: HeapRootSegments of the mapped heap */
	AOT_R_HEAP_ROOT_SEG_BASE,
	AOT_R_HEAP_ROOT_SEG_COUNT,
	AOT_R_HEAP_ROOT_SEG_MAX_ELEMS,
	AOT_R_HEAP_ROOT_SEG_MAX_BYTES,
	AOT_R_HEAP_BEGIN,
	AOT_R_HEAP_END,
	AOT_R_BASE_ARCHIVE_IS_DEFAULT,
	AOT_R_OBJECT_STREAMING_MODE,
	AOT_R_BASE_HEADER_CRC,
	AOT_R_BASE_REGION_CRC,		/* first of the region CRC array */
	AOT_R_REGION_CRC,
	AOT_R_REGION_READ_ONLY,
	AOT_R_REGION_ALLOW_EXEC,
	AOT_R_REGION_IS_HEAP,
	AOT_R_REGION_IS_BITMAP,
	AOT_R_REGION_MAPPED_FROM_FILE,
	AOT_R_REGION_FILE_OFFSET,
	AOT_R_REGION_MAPPING_OFFSET,
	AOT_R_REGION_USED,
	AOT_R_REGION_OOPMAP_OFFSET,
	AOT_R_REGION_OOPMAP_BITS,
	AOT_R_REGION_PTRMAP_OFFSET,
	AOT_R_REGION_PTRMAP_BITS,
	AOT_R_REGION_MAPPED_BASE,
	AOT_R_REGION_IN_RESERVED_SPACE,
};

struct aot_hdr_field {
	const char *name;	/* as FileMapHeader::print labels it */
	uint32_t off;		/* from the start of the header / region entry */
	uint8_t type;		/* enum aot_ftype */
	uint8_t print;		/* enum aot_fprint */
	uint16_t len;		/* AOT_FT_CHARS only */
	uint8_t role;		/* enum aot_role */
	bool jvm_prints;	/* the JVM's map log shows this field */
	const char *cxx;	/* the C++ member when it is not "_" + name */
};

/* How the pointer maps of rw/ro are laid out. */
enum aot_ptrmap_style {
	AOT_PTRMAP_SINGLE,	/* 17/21: one map from the rw start over rw+ro */
	AOT_PTRMAP_PER_REGION,	/* 25+: rw and ro each have one, leading zeros trimmed */
};

/* How header "pointers" (serialized data, cloned vtables, …) are stored. */
enum aot_hptr_style {
	AOT_HPTR_OFFSET,	/* byte offset from the requested base */
	AOT_HPTR_NARROW,	/* u4 offset from the requested base, scaled (27): see archive.c */
};

enum aot_heap_style {
	AOT_HEAP_NONE,
	AOT_HEAP_NARROW_OFFSET,	/* 17: region mapping_offset is a narrow oop */
	AOT_HEAP_ADDRESS,	/* 21+: hp mapping_offset is the requested heap address */
};

struct aot_hdr_layout {
	const char *name;		/* e.g. "jdk25" */
	const char *jdk;		/* the JDK feature release, e.g. "25" */
	const char *confirmed;		/* which builds and checks confirmed this table */
	uint32_t version;		/* _version */
	uint32_t static_size;		/* sizeof(FileMapHeader) */
	uint32_t dynamic_size;		/* sizeof(DynamicArchiveHeader) */
	const char *ident_marker;	/* substring of _jvm_ident that selects this layout */
	bool generic_header;		/* GenericCDSFileMapHeader at the start (19+ source) */
	uint32_t crc_start;		/* the header CRC covers [crc_start, header_size) */
	uint32_t region_table_off;
	uint32_t region_entry_size;
	uint32_t region_count;
	const char *const *region_names;
	const struct aot_hdr_field *region_fields;
	const struct aot_hdr_field *fields;	/* FileMapHeader, in print order; NULL-terminated */
	const struct aot_hdr_field *dyn_fields;	/* DynamicArchiveHeader extras; NULL-terminated */
	enum aot_ptrmap_style ptrmap;
	enum aot_hptr_style hptr;
	enum aot_heap_style heap;
	uint32_t rw_region, ro_region, bm_region;	/* region indices */
};

/* GenericCDSFileMapHeader alone (versions 13 on), NULL-terminated. */
extern const struct aot_hdr_field aot_hdr_generic_fields[];

/* All built-in layouts, NULL-terminated. */
extern const struct aot_hdr_layout *const aot_hdr_layouts[];

/* Versions we know, for messages: "11 (JDK 17), 18 (JDK 21), …". */
extern const char aot_supported_versions[];

#endif
