/*
 * An opened CDS archive or AOT cache: its header decoded with the matching
 * built-in layout, its region table, its pointer maps, and (for a dynamic
 * archive) the base archive it is layered on.
 *
 * Everything here is about what the bytes mean; where they come from is the
 * file layer (file.h) and, once placed in an address space, the target
 * layer (target.h, archive_target.c).
 */
#ifndef AOTDBG_ARCHIVE_H
#define AOTDBG_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "file.h"
#include "hdr_layout.h"

#define AOT_MAGIC_STATIC 0xf00baba2u
#define AOT_MAGIC_DYNAMIC 0xf00baba8u
#define AOT_MAGIC_AOT_CONFIG 0xcafea07cu

#define AOT_MAX_REGIONS 8
/* Size of GenericCDSFileMapHeader, the part every version from 13 on shares. */
#define AOT_GENERIC_HEADER_SIZE 24
/* No header has been anywhere near this; a larger one is corrupt. */
#define AOT_MAX_HEADER_SIZE (1u << 20)

enum aot_archive_kind {
	AOT_KIND_STATIC,	/* -Xshare:dump, the default CDS archive */
	AOT_KIND_DYNAMIC,	/* -XX:ArchiveClassesAtExit, layered on a static one */
	AOT_KIND_AOT_CACHE,	/* -XX:AOTMode=create / -XX:AOTCacheOutput (static magic) */
	AOT_KIND_AOT_CONFIG,	/* -XX:AOTMode=record: training data, not mappable */
};

struct aot_region {
	unsigned index;
	const char *name;		/* "rw", "ro", "bm", "hp", "ac", "ca0", … */
	uint32_t crc;
	bool read_only, allow_exec, is_heap, is_bitmap, mapped_from_file, in_reserved_space;
	uint64_t file_offset, mapping_offset, used;
	uint64_t avail;			/* of USED, the bytes the file holds (less when it is cut short) */
	uint64_t oopmap_offset, oopmap_bits, ptrmap_offset, ptrmap_bits;
	uint64_t mapped_base;
	uint64_t header_off;		/* where its table entry is in the file */
	/* Requested address of the first byte; 0 for the bitmap region. */
	uint64_t addr;
	/* True for regions that occupy addresses when the archive is mapped. */
	bool mappable;
};

/* A relocation or oop bitmap as stored in the bm region. */
struct aot_bitmap {
	const char *name;		/* "rw ptrmap", "hp oopmap", … */
	const uint8_t *bits;		/* LSB first, inside the file buffer */
	uint64_t nbits;
	uint64_t file_offset;		/* of bits[0] in the file */
	uint64_t first_addr;		/* address of the slot bit 0 marks */
	unsigned slot_size;		/* 8 for native pointers, 4 for narrow oops */
	uint64_t lo, hi;		/* only slots in [lo, hi) belong to the region asked */
};

struct aot_open_opts {
	const char *base_archive;	/* --base-archive */
	const char *java_home;		/* --java-home */
};

struct aot_archive {
	struct aot_file *file;
	const char *path;		/* = file->path */
	const struct aot_hdr_layout *layout;	/* NULL: unknown version (generic header only) */
	enum aot_archive_kind kind;
	uint32_t magic, version;
	uint64_t header_size;
	unsigned nregions;
	struct aot_region regions[AOT_MAX_REGIONS];
	uint64_t requested_base;
	char jvm_ident[257];
	char *base_name;		/* dynamic: the base archive recorded in the header */
	struct aot_archive *base;	/* dynamic: the loaded base archive */
	struct aot_err *base_err;	/* dynamic: why the base could not be loaded */
	unsigned hptr_scale;		/* multiplier of header narrow pointers (27) */
	/*
	 * Why the file cannot be read whole (a region past its end), or NULL.
	 * Such an archive still opens: commands refuse it with this error,
	 * except those that salvage what is there (aot-map).
	 */
	struct aot_err *damage;
	/* Addresses the archive (with its base) occupies: [lo, hi). */
	uint64_t space_lo, space_hi;
};

/*
 * Open an archive file.  Reads the whole file, recognises its kind and
 * version, picks the layout and decodes the region table, checking every
 * offset and size against the file.  A dynamic archive's base is looked
 * for as described in aot_archive_find_base(); failing to find it is not an
 * error here (base_err says why) so that its header can still be shown.
 *
 * An archive of an unknown version opens with layout == NULL and only the
 * generic header decoded; aot_archive_require_layout() then explains.
 */
struct aot_err *aot_archive_open(const char *path, const struct aot_open_opts *opts,
				 struct aot_archive **ret);
/* The same for bytes already in memory (a header read from a process, a fuzzer's input); takes FILE. */
struct aot_err *aot_archive_open_file(struct aot_file *file, const struct aot_open_opts *opts,
				      struct aot_archive **ret);
/* NULL-safe; also destroys the base archive. */
void aot_archive_destroy(struct aot_archive *ar);

/* AOT_ERR_UNSUPPORTED naming the version and the versions we know, if no layout. */
struct aot_err *aot_archive_require_layout(const struct aot_archive *ar);
/* The base_err of a dynamic archive (a copy the caller frees), or NULL. */
struct aot_err *aot_archive_require_base(const struct aot_archive *ar);

/* "static CDS archive", "AOT cache", … */
const char *aot_archive_kind_name(enum aot_archive_kind kind);

/*
 * The header field with ROLE: its description, and its value (sign-extended
 * for signed types).  NULL / AOT_ERR_NOT_FOUND if this version has no such field.
 */
const struct aot_hdr_field *aot_archive_field(const struct aot_archive *ar, enum aot_role role);
bool aot_archive_value(const struct aot_archive *ar, enum aot_role role, uint64_t *ret);
/* Where the field with ROLE is in the file (0 if this version has none): for error messages. */
uint64_t aot_archive_field_off(const struct aot_archive *ar, enum aot_role role);
/* Value of field F read from BASE (the header, or a region entry). */
uint64_t aot_field_read(const uint8_t *base, const struct aot_hdr_field *f);

/*
 * A header "pointer" (serialized data, cloned vtables, class location
 * config…) as a requested address; false if absent or null.
 */
bool aot_archive_hdr_addr(const struct aot_archive *ar, enum aot_role role, uint64_t *ret);

/* The region called NAME, or NULL. */
const struct aot_region *aot_archive_region(const struct aot_archive *ar, const char *name);

/* The header's CRC as the JVM computes it (for -XX:+VerifySharedSpaces). */
uint32_t aot_archive_header_crc(const struct aot_archive *ar);

/*
 * The bitmaps stored for region R: *N receives how many (0 to 2) were
 * written into OUT.  For 17/21 the rw+ro pointer map is one map; asking for
 * rw or ro gives it limited to that region's addresses.
 */
struct aot_err *aot_archive_bitmaps(const struct aot_archive *ar, const struct aot_region *r,
				    struct aot_bitmap out[2], unsigned *n);

/* The heap region address range, for checking narrow oops (false if none). */
bool aot_archive_heap_range(const struct aot_archive *ar, uint64_t *lo, uint64_t *hi);

/* Decode a narrow oop stored in this archive's heap (shift from the header). */
uint64_t aot_archive_decode_narrow_oop(const struct aot_archive *ar, uint32_t v);

#endif
