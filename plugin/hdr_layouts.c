/*
 * Built-in header layouts.  See hdr_layout.h for why these exist.
 *
 * Field names are the labels FileMapHeader::print uses in the JVM's map log
 * (the C++ member without its leading underscore); fields listed with
 * P(...) are printed there in this order, fields with Q(...) are stored but
 * not printed by that JVM.  Tests compare every printed field with the map
 * log of real archives of each JDK (testdata/test_header.py).
 */
#include <stddef.h>

#include "hdr_layout.h"

#define P(n, o, t, p, r) { n, o, AOT_FT_##t, AOT_FP_##p, 0, AOT_R_##r, true, NULL }
#define Q(n, o, t, p, r) { n, o, AOT_FT_##t, AOT_FP_##p, 0, AOT_R_##r, false, NULL }
/* A printed field whose C++ member is not "_" + its label. */
#define PX(n, cxx, o, t, p, r) { n, o, AOT_FT_##t, AOT_FP_##p, 0, AOT_R_##r, true, cxx }
#define CHARS(n, o, l, r) { n, o, AOT_FT_CHARS, AOT_FP_STR, l, AOT_R_##r, true, NULL }
#define END { NULL, 0, 0, 0, 0, 0, false, NULL }

const char aot_supported_versions[] =
	"11 (JDK 17), 18 (JDK 21), 19 (JDK 25 and 26), 20 (JDK 27)";

/* GenericCDSFileMapHeader (include/cds.h), shared by 21 and later. */
#define GENERIC_FIELDS                                            \
	P("magic", 0, U32, HEX8, MAGIC),                          \
	P("crc", 4, U32, HEX8, CRC),                              \
	P("version", 8, I32, HEX, VERSION),                       \
	P("header_size", 12, U32, DEC, HEADER_SIZE)

#define GENERIC_BASE_NAME_FIELDS                                  \
	P("base_archive_name_offset", 16, U32, DEC, BASE_NAME_OFFSET), \
	P("base_archive_name_size", 20, U32, DEC, BASE_NAME_SIZE)

/* What every version from 13 on shares: the header of a version we do not know. */
const struct aot_hdr_field aot_hdr_generic_fields[] = {
	GENERIC_FIELDS,
	GENERIC_BASE_NAME_FIELDS,
	END,
};

/* ---- JDK 17, version 11 --------------------------------------------------
 * Confirmed: gdb ptype/o FileMapHeader on 17.0.21.1+2-1~deb12u1 (openjdk-17-dbg)
 * and field-by-field against the map logs of 17.0.15 and 17.0.21 archives.
 * No generic header: magic, crc, version, 4 bytes of padding, then regions. */
static const char *const regions17[] = { "rw", "ro", "bm", "ca0", "ca1", "oa0", "oa1" };

static const struct aot_hdr_field region17[] = {
	P("crc", 0, U32, HEX8, REGION_CRC),
	P("read_only", 4, I32, DEC, REGION_READ_ONLY),
	P("allow_exec", 8, I32, DEC, REGION_ALLOW_EXEC),
	P("is_heap_region", 12, I32, DEC, REGION_IS_HEAP),
	P("is_bitmap_region", 16, I32, DEC, REGION_IS_BITMAP),
	P("mapped_from_file", 20, I32, DEC, REGION_MAPPED_FROM_FILE),
	P("file_offset", 24, U64, HEX, REGION_FILE_OFFSET),
	P("mapping_offset", 32, U64, HEX, REGION_MAPPING_OFFSET),
	P("used", 40, U64, DEC, REGION_USED),
	P("oopmap_offset", 48, U64, HEX, REGION_OOPMAP_OFFSET),
	P("oopmap_size_in_bits", 56, U64, DEC, REGION_OOPMAP_BITS),
	P("mapped_base", 64, U64, PTR, REGION_MAPPED_BASE),
	END,
};

static const struct aot_hdr_field header17[] = {
	P("magic", 0, U32, HEX8, MAGIC),
	P("crc", 4, U32, HEX8, CRC),
	P("version", 8, I32, DEC, VERSION),
	P("header_size", 520, U64, DEC, HEADER_SIZE),
	P("core_region_alignment", 528, U64, DEC, CORE_REGION_ALIGNMENT),
	P("obj_alignment", 536, I32, DEC, OBJ_ALIGNMENT),
	P("narrow_oop_base", 544, U64, PTR, NARROW_OOP_BASE),
	P("narrow_oop_shift", 552, I32, DEC, NARROW_OOP_SHIFT),
	P("compact_strings", 556, BOOL, DEC, COMPACT_STRINGS),
	P("max_heap_size", 560, U64, DEC, MAX_HEAP_SIZE),
	P("narrow_oop_mode", 568, I32, DEC, NARROW_OOP_MODE),
	P("narrow_klass_shift", 572, I32, DEC, NARROW_KLASS_SHIFT),
	P("compressed_oops", 576, BOOL, DEC, COMPRESSED_OOPS),
	P("compressed_class_ptrs", 577, BOOL, DEC, COMPRESSED_CLASS_PTRS),
	P("cloned_vtables_offset", 584, U64, HEX, CLONED_VTABLES),
	P("serialized_data_offset", 592, U64, HEX, SERIALIZED_DATA),
	Q("heap_begin", 600, U64, PTR, HEAP_BEGIN),
	P("heap_end", 608, U64, PTR, HEAP_END),
	P("base_archive_is_default", 616, BOOL, DEC, BASE_ARCHIVE_IS_DEFAULT),
	CHARS("jvm_ident", 617, 256, JVM_IDENT),
	P("base_archive_name_size", 880, U64, DEC, BASE_NAME_SIZE),
	P("shared_path_table_offset", 888, U64, HEX, SHARED_PATH_TABLE),
	P("shared_path_table_size", 896, I32, DEC, SHARED_PATH_TABLE_SIZE),
	P("app_class_paths_start_index", 900, I16, DEC, NONE),
	P("app_module_paths_start_index", 902, I16, DEC, NONE),
	P("num_module_paths", 904, I16, DEC, NONE),
	P("max_used_path_index", 906, I16, DEC, NONE),
	P("verify_local", 908, BOOL, DEC, NONE),
	P("verify_remote", 909, BOOL, DEC, NONE),
	P("has_platform_or_app_classes", 910, BOOL, DEC, NONE),
	P("requested_base_address", 912, U64, PTR, REQUESTED_BASE),
	P("mapped_base_address", 920, U64, PTR, MAPPED_BASE),
	P("allow_archiving_with_java_agent", 928, BOOL, DEC, NONE),
	P("use_optimized_module_handling", 929, BOOL, DEC, NONE),
	P("use_full_module_graph", 930, BOOL, DEC, NONE),
	P("ptrmap_size_in_bits", 936, U64, DEC, PTRMAP_SIZE_IN_BITS),
	Q("heap_obj_roots", 944, U32, HEX, HEAP_OBJ_ROOTS),
	END,
};

/* DynamicArchiveHeader: _base_header_crc sits in FileMapHeader's tail padding. */
static const struct aot_hdr_field dynamic17[] = {
	P("base_header_crc", 948, U32, HEX8, BASE_HEADER_CRC),
	P("base_region_crc", 952, U32, HEX8, BASE_REGION_CRC),
	END,
};

static const struct aot_hdr_layout jdk17 = {
	.name = "jdk17", .jdk = "17",
	.confirmed = "17.0.15+6 and 17.0.21.1+2 (Debian): gdb ptype/o, map logs, aot-verify-layout against DWARF",
	.version = 11, .static_size = 952, .dynamic_size = 984,
	.generic_header = false, .crc_start = 8,
	.region_table_off = 16, .region_entry_size = 72, .region_count = 7,
	.region_names = regions17, .region_fields = region17,
	.fields = header17, .dyn_fields = dynamic17,
	.ptrmap = AOT_PTRMAP_SINGLE, .hptr = AOT_HPTR_OFFSET, .heap = AOT_HEAP_NARROW_OFFSET,
	.rw_region = 0, .ro_region = 1, .bm_region = 2,
};

/* ---- JDK 21, version 18 --------------------------------------------------
 * Confirmed: gdb ptype/o on 21.0.12.1+1-1~deb13u1 (openjdk-21-dbg) and the
 * map logs of that build's archives. */
static const char *const regions21[] = { "rw", "ro", "bm", "hp" };

#define REGION_FIELDS_COMMON                                      \
	P("crc", 0, U32, HEX8, REGION_CRC),                       \
	P("read_only", 4, I32, DEC, REGION_READ_ONLY),            \
	P("allow_exec", 8, I32, DEC, REGION_ALLOW_EXEC),          \
	P("is_heap_region", 12, I32, DEC, REGION_IS_HEAP),        \
	P("is_bitmap_region", 16, I32, DEC, REGION_IS_BITMAP),    \
	P("mapped_from_file", 20, I32, DEC, REGION_MAPPED_FROM_FILE), \
	P("file_offset", 24, U64, HEX, REGION_FILE_OFFSET),       \
	P("mapping_offset", 32, U64, HEX, REGION_MAPPING_OFFSET), \
	P("used", 40, U64, DEC, REGION_USED),                     \
	P("oopmap_offset", 48, U64, HEX, REGION_OOPMAP_OFFSET),   \
	P("oopmap_size_in_bits", 56, U64, DEC, REGION_OOPMAP_BITS)

/* 21 stores the region's ptrmap position but does not print it. */
static const struct aot_hdr_field region21[] = {
	REGION_FIELDS_COMMON,
	Q("ptrmap_offset", 64, U64, HEX, REGION_PTRMAP_OFFSET),
	Q("ptrmap_size_in_bits", 72, U64, DEC, REGION_PTRMAP_BITS),
	P("mapped_base", 80, U64, PTR, REGION_MAPPED_BASE),
	END,
};

static const struct aot_hdr_field header21[] = {
	GENERIC_FIELDS,
	PX("common_app_classpath_size", "_common_app_classpath_prefix_size", 468, U32, DEC, NONE),
	GENERIC_BASE_NAME_FIELDS,
	P("core_region_alignment", 376, U64, DEC, CORE_REGION_ALIGNMENT),
	P("obj_alignment", 384, I32, DEC, OBJ_ALIGNMENT),
	P("narrow_oop_base", 392, U64, PTR, NARROW_OOP_BASE),
	P("narrow_oop_shift", 400, I32, DEC, NARROW_OOP_SHIFT),
	P("compact_strings", 404, BOOL, DEC, COMPACT_STRINGS),
	P("max_heap_size", 408, U64, DEC, MAX_HEAP_SIZE),
	P("narrow_oop_mode", 416, I32, DEC, NARROW_OOP_MODE),
	P("narrow_klass_shift", 420, I32, DEC, NARROW_KLASS_SHIFT),
	P("compressed_oops", 424, BOOL, DEC, COMPRESSED_OOPS),
	P("compressed_class_ptrs", 425, BOOL, DEC, COMPRESSED_CLASS_PTRS),
	P("use_secondary_supers_table", 426, BOOL, DEC, NONE),
	P("cloned_vtables_offset", 432, U64, HEX, CLONED_VTABLES),
	P("serialized_data_offset", 440, U64, HEX, SERIALIZED_DATA),
	P("heap_begin", 448, U64, PTR, HEAP_BEGIN),
	P("heap_end", 456, U64, PTR, HEAP_END),
	CHARS("jvm_ident", 472, 256, JVM_IDENT),
	P("shared_path_table_offset", 728, U64, HEX, SHARED_PATH_TABLE),
	P("app_class_paths_start_index", 736, I16, DEC, NONE),
	P("app_module_paths_start_index", 738, I16, DEC, NONE),
	P("num_module_paths", 740, I16, DEC, NONE),
	P("max_used_path_index", 742, I16, DEC, NONE),
	P("verify_local", 744, BOOL, DEC, NONE),
	P("verify_remote", 745, BOOL, DEC, NONE),
	P("has_platform_or_app_classes", 746, BOOL, DEC, NONE),
	P("has_non_jar_in_classpath", 464, BOOL, DEC, NONE),
	P("requested_base_address", 752, U64, PTR, REQUESTED_BASE),
	P("mapped_base_address", 760, U64, PTR, MAPPED_BASE),
	P("allow_archiving_with_java_agent", 768, BOOL, DEC, NONE),
	P("use_optimized_module_handling", 769, BOOL, DEC, NONE),
	P("use_full_module_graph", 770, BOOL, DEC, NONE),	/* _has_full_module_graph */
	P("ptrmap_size_in_bits", 776, U64, DEC, PTRMAP_SIZE_IN_BITS),
	END,
};

static const struct aot_hdr_field dynamic21[] = {
	P("base_header_crc", 784, U32, HEX8, BASE_HEADER_CRC),
	P("base_region_crc", 788, U32, HEX8, BASE_REGION_CRC),
	END,
};

static const struct aot_hdr_layout jdk21 = {
	.name = "jdk21", .jdk = "21",
	.confirmed = "21.0.12.1+1 (Debian trixie): gdb ptype/o, map logs, aot-verify-layout against DWARF",
	.version = 18, .static_size = 784, .dynamic_size = 808,
	.generic_header = true, .crc_start = 16,
	.region_table_off = 24, .region_entry_size = 88, .region_count = 4,
	.region_names = regions21, .region_fields = region21,
	.fields = header21, .dyn_fields = dynamic21,
	.ptrmap = AOT_PTRMAP_SINGLE, .hptr = AOT_HPTR_OFFSET, .heap = AOT_HEAP_ADDRESS,
	.rw_region = 0, .ro_region = 1, .bm_region = 2,
};

/* ---- JDK 25, 26, 27 --------------------------------------------------------
 * Confirmed: the map logs of 25.0.3+9 (Debian trixie, Temurin), 26.0.2.1+1
 * and 27.0.1.0.3+1 (Debian sid) for every printed field; 25 also by gdb
 * ptype/o.  Fields the JVM does not print (Q) are placed from the source of
 * each release and checked by aot-verify-layout against DWARF. */
static const char *const regions25[] = { "rw", "ro", "bm", "hp", "ac" };

static const struct aot_hdr_field region25[] = {
	REGION_FIELDS_COMMON,
	P("ptrmap_offset", 64, U64, HEX, REGION_PTRMAP_OFFSET),
	P("ptrmap_size_in_bits", 72, U64, DEC, REGION_PTRMAP_BITS),
	P("mapped_base", 80, U64, PTR, REGION_MAPPED_BASE),
	Q("in_reserved_space", 88, BOOL, DEC, REGION_IN_RESERVED_SPACE),
	END,
};

/* Fields 25, 26 and 27 share up to the narrow-oop mode. */
#define COMMON_25_FIELDS                                          \
	GENERIC_FIELDS,                                           \
	GENERIC_BASE_NAME_FIELDS,                                 \
	P("core_region_alignment", 504, U64, DEC, CORE_REGION_ALIGNMENT), \
	P("obj_alignment", 512, I32, DEC, OBJ_ALIGNMENT),         \
	P("narrow_oop_base", 520, U64, PTR, NARROW_OOP_BASE),     \
	P("narrow_oop_shift", 528, I32, DEC, NARROW_OOP_SHIFT),   \
	P("compact_strings", 532, BOOL, DEC, COMPACT_STRINGS),    \
	P("compact_headers", 533, BOOL, DEC, COMPACT_HEADERS),    \
	P("max_heap_size", 536, U64, DEC, MAX_HEAP_SIZE),         \
	P("narrow_oop_mode", 544, I32, DEC, NARROW_OOP_MODE)

static const struct aot_hdr_field header25[] = {
	COMMON_25_FIELDS,
	P("compressed_oops", 548, BOOL, DEC, COMPRESSED_OOPS),
	P("compressed_class_ptrs", 549, BOOL, DEC, COMPRESSED_CLASS_PTRS),
	P("narrow_klass_pointer_bits", 552, I32, DEC, NARROW_KLASS_BITS),
	P("narrow_klass_shift", 556, I32, DEC, NARROW_KLASS_SHIFT),
	P("cloned_vtables_offset", 560, U64, HEX, CLONED_VTABLES),
	P("early_serialized_data_offset", 568, U64, HEX, EARLY_SERIALIZED_DATA),
	P("serialized_data_offset", 576, U64, HEX, SERIALIZED_DATA),
	CHARS("jvm_ident", 584, 256, JVM_IDENT),
	P("class_location_config_offset", 840, U64, HEX, CLASS_LOCATION_CONFIG),
	P("verify_local", 848, BOOL, DEC, NONE),
	P("verify_remote", 849, BOOL, DEC, NONE),
	P("has_platform_or_app_classes", 850, BOOL, DEC, NONE),
	P("requested_base_address", 856, U64, PTR, REQUESTED_BASE),
	P("mapped_base_address", 864, U64, PTR, MAPPED_BASE),
	P("heap_root_segments.roots_count", 896, I32, DEC, HEAP_ROOTS_COUNT),
	P("heap_root_segments.base_offset", 880, U64, HEX, HEAP_ROOT_SEG_BASE),
	P("heap_root_segments.count", 888, U64, DEC, HEAP_ROOT_SEG_COUNT),
	PX("heap_root_segments.max_size_elems", "_heap_root_segments._max_size_in_elems", 904, I32, DEC, HEAP_ROOT_SEG_MAX_ELEMS),
	PX("heap_root_segments.max_size_bytes", "_heap_root_segments._max_size_in_bytes", 900, I32, DEC, HEAP_ROOT_SEG_MAX_BYTES),
	P("_heap_oopmap_start_pos", 912, U64, DEC, HEAP_OOPMAP_START),
	P("_heap_ptrmap_start_pos", 920, U64, DEC, HEAP_PTRMAP_START),
	P("_rw_ptrmap_start_pos", 928, U64, DEC, RW_PTRMAP_START),
	P("_ro_ptrmap_start_pos", 936, U64, DEC, RO_PTRMAP_START),
	P("allow_archiving_with_java_agent", 872, BOOL, DEC, NONE),
	P("use_optimized_module_handling", 873, BOOL, DEC, NONE),
	P("has_full_module_graph", 875, BOOL, DEC, NONE),
	P("has_aot_linked_classes", 874, BOOL, DEC, HAS_AOT_LINKED_CLASSES),
	Q("type_profile_level", 944, U32, DEC, NONE),
	Q("type_profile_args_limit", 948, I32, DEC, NONE),
	Q("type_profile_parms_limit", 952, I32, DEC, NONE),
	Q("type_profile_width", 960, U64, DEC, NONE),
	Q("bci_profile_width", 968, U64, DEC, NONE),
	Q("profile_traps", 976, BOOL, DEC, NONE),
	Q("type_profile_casts", 977, BOOL, DEC, NONE),
	Q("spec_trap_limit_extra_entries", 980, I32, DEC, NONE),
	END,
};

/* 25 prints no DynamicArchiveHeader fields; they follow FileMapHeader. */
static const struct aot_hdr_field dynamic25[] = {
	Q("base_header_crc", 984, U32, HEX8, BASE_HEADER_CRC),
	Q("base_region_crc", 988, U32, HEX8, BASE_REGION_CRC),
	END,
};

static const struct aot_hdr_layout jdk25 = {
	.name = "jdk25", .jdk = "25",
	.confirmed = "25.0.3+9 (Debian trixie, Temurin): gdb ptype/o, map logs, aot-verify-layout against DWARF",
	.version = 19, .static_size = 984, .dynamic_size = 1008, .ident_marker = "(25",
	.generic_header = true, .crc_start = 16,
	.region_table_off = 24, .region_entry_size = 96, .region_count = 5,
	.region_names = regions25, .region_fields = region25,
	.fields = header25, .dyn_fields = dynamic25,
	.ptrmap = AOT_PTRMAP_PER_REGION, .hptr = AOT_HPTR_OFFSET, .heap = AOT_HEAP_ADDRESS,
	.rw_region = 0, .ro_region = 1, .bm_region = 2,
};

/*
 * 26 and 27 print the mapped and streamed heap headers nested; the dotted
 * names follow that nesting.  "oopmap_ptrmap_pos" is the JVM's own label
 * for the heap ptrmap start position (the member is _ptrmap_start_pos).  Both releases lay this block out
 * the same way from B, the offset of _rw_ptrmap_start_pos; F is the
 * offset of the first module flag (allow_archiving_with_java_agent is gone,
 * so the three flags start right after mapped_base_address's word).
 */
#define HEAP_AND_FLAGS_26(B, F)                                                          \
	P("object_streaming_mode", 548, BOOL, DEC, OBJECT_STREAMING_MODE),               \
	P("mapped_heap_header.root_segments.roots_count", (B) + 48, I32, DEC, HEAP_ROOTS_COUNT), \
	P("mapped_heap_header.root_segments.base_offset", (B) + 32, U64, HEX, HEAP_ROOT_SEG_BASE), \
	P("mapped_heap_header.root_segments.count", (B) + 40, U64, DEC, HEAP_ROOT_SEG_COUNT), \
	PX("mapped_heap_header.root_segments.max_size_elems",                              \
	   "_mapped_heap_header._root_segments._max_size_in_elems", (B) + 64, I32, DEC, HEAP_ROOT_SEG_MAX_ELEMS), \
	PX("mapped_heap_header.root_segments.max_size_bytes",                              \
	   "_mapped_heap_header._root_segments._max_size_in_bytes", (B) + 56, U64, DEC, HEAP_ROOT_SEG_MAX_BYTES), \
	P("mapped_heap_header.oopmap_start_pos", (B) + 24, U64, DEC, HEAP_OOPMAP_START),  \
	PX("mapped_heap_header.oopmap_ptrmap_pos", "_mapped_heap_header._ptrmap_start_pos", \
	   (B) + 16, U64, DEC, HEAP_PTRMAP_START),                                       \
	P("streamed_heap_header.forwarding_offset", (B) + 72, U64, DEC, NONE),            \
	P("streamed_heap_header.roots_offset", (B) + 80, U64, DEC, NONE),                 \
	P("streamed_heap_header.num_roots", (B) + 96, U64, DEC, NONE),                    \
	P("streamed_heap_header.root_highest_object_index_table_offset", (B) + 88, U64, DEC, NONE), \
	P("streamed_heap_header.num_archived_objects", (B) + 104, U64, DEC, NONE),        \
	P("_rw_ptrmap_start_pos", (B), U64, DEC, RW_PTRMAP_START),                        \
	P("_ro_ptrmap_start_pos", (B) + 8, U64, DEC, RO_PTRMAP_START),                    \
	/* static archives (0) and AOT caches (1) tell has_aot_linked_classes apart */    \
	P("use_optimized_module_handling", (F), BOOL, DEC, NONE),                         \
	P("has_full_module_graph", (F) + 2, BOOL, DEC, NONE),                             \
	P("has_aot_linked_classes", (F) + 1, BOOL, DEC, HAS_AOT_LINKED_CLASSES)

static const struct aot_hdr_field header26[] = {
	COMMON_25_FIELDS,
	P("compressed_oops", 549, BOOL, DEC, COMPRESSED_OOPS),
	P("compressed_class_ptrs", 550, BOOL, DEC, COMPRESSED_CLASS_PTRS),
	P("narrow_klass_pointer_bits", 552, I32, DEC, NARROW_KLASS_BITS),
	P("narrow_klass_shift", 556, I32, DEC, NARROW_KLASS_SHIFT),
	P("cloned_vtables_offset", 560, U64, HEX, CLONED_VTABLES),
	P("early_serialized_data_offset", 568, U64, HEX, EARLY_SERIALIZED_DATA),
	P("serialized_data_offset", 576, U64, HEX, SERIALIZED_DATA),
	CHARS("jvm_ident", 584, 256, JVM_IDENT),
	P("class_location_config_offset", 840, U64, HEX, CLASS_LOCATION_CONFIG),
	P("verify_local", 848, BOOL, DEC, NONE),
	P("verify_remote", 849, BOOL, DEC, NONE),
	P("has_platform_or_app_classes", 850, BOOL, DEC, NONE),
	P("requested_base_address", 856, U64, PTR, REQUESTED_BASE),
	P("mapped_base_address", 864, U64, PTR, MAPPED_BASE),
	HEAP_AND_FLAGS_26(880, 872),
	END,
};

static const struct aot_hdr_field dynamic26[] = {
	Q("base_header_crc", 1032, U32, HEX8, BASE_HEADER_CRC),
	Q("base_region_crc", 1036, U32, HEX8, BASE_REGION_CRC),
	END,
};

static const struct aot_hdr_layout jdk26 = {
	.name = "jdk26", .jdk = "26",
	.confirmed = "26.0.2.1+1 (Debian sid): map logs, every field by aot-verify-layout against DWARF",
	.version = 19, .static_size = 1032, .dynamic_size = 1056, .ident_marker = "(26",
	.generic_header = true, .crc_start = 16,
	.region_table_off = 24, .region_entry_size = 96, .region_count = 5,
	.region_names = regions25, .region_fields = region25,
	.fields = header26, .dyn_fields = dynamic26,
	.ptrmap = AOT_PTRMAP_PER_REGION, .hptr = AOT_HPTR_OFFSET, .heap = AOT_HEAP_ADDRESS,
	.rw_region = 0, .ro_region = 1, .bm_region = 2,
};

/*
 * 27 stores the header pointers as u4 "narrowPtr" values and prints them
 * in decimal; compressed class pointers are no longer optional.
 */
static const struct aot_hdr_field header27[] = {
	COMMON_25_FIELDS,
	P("compressed_oops", 549, BOOL, DEC, COMPRESSED_OOPS),
	P("narrow_klass_pointer_bits", 552, I32, DEC, NARROW_KLASS_BITS),
	P("narrow_klass_shift", 556, I32, DEC, NARROW_KLASS_SHIFT),
	P("cloned_vtables", 560, U32, DEC, CLONED_VTABLES),
	P("early_serialized_data", 564, U32, DEC, EARLY_SERIALIZED_DATA),
	P("serialized_data", 568, U32, DEC, SERIALIZED_DATA),
	CHARS("jvm_ident", 572, 256, JVM_IDENT),
	P("class_location_config", 828, U32, DEC, CLASS_LOCATION_CONFIG),
	P("verify_local", 832, BOOL, DEC, NONE),
	P("verify_remote", 833, BOOL, DEC, NONE),
	P("has_platform_or_app_classes", 834, BOOL, DEC, NONE),
	P("requested_base_address", 840, U64, PTR, REQUESTED_BASE),
	P("mapped_base_address", 848, U64, PTR, MAPPED_BASE),
	HEAP_AND_FLAGS_26(864, 856),
	END,
};

static const struct aot_hdr_field dynamic27[] = {
	Q("base_header_crc", 1016, U32, HEX8, BASE_HEADER_CRC),
	Q("base_region_crc", 1020, U32, HEX8, BASE_REGION_CRC),
	END,
};

static const struct aot_hdr_layout jdk27 = {
	.name = "jdk27", .jdk = "27",
	.confirmed = "27.0.1.0.3+1 (Debian sid): map logs, every field by aot-verify-layout against DWARF",
	.version = 20, .static_size = 1016, .dynamic_size = 1040, .ident_marker = "(27",
	.generic_header = true, .crc_start = 16,
	.region_table_off = 24, .region_entry_size = 96, .region_count = 5,
	.region_names = regions25, .region_fields = region25,
	.fields = header27, .dyn_fields = dynamic27,
	.ptrmap = AOT_PTRMAP_PER_REGION, .hptr = AOT_HPTR_NARROW, .heap = AOT_HEAP_ADDRESS,
	.rw_region = 0, .ro_region = 1, .bm_region = 2,
};

const struct aot_hdr_layout *const aot_hdr_layouts[] = {
	&jdk17, &jdk21, &jdk25, &jdk26, &jdk27, NULL,
};
