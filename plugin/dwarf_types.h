/*
 * Type layouts from libjvm's DWARF, read with libdwarf.
 *
 * The debug files of a JDK are 125-260 MB of compressed DWARF, and a class
 * with virtual functions is fully defined only in the one CU that emits its
 * vtable, so a lookup reads far.  Two things keep it fast: one pass over the
 * CUs looks for every requested name at once and stops when all are found,
 * and every answer (found or not) is kept in a small text file keyed by
 * libjvm's build id, so later runs never open the DWARF at all.
 *
 * Members come in DWARF order: bases, then data members (artificial ones
 * such as _vptr.Metadata included), with static members marked.  An anonymous
 * union or struct member stays one member named "" of type "union {...}".
 * A bit-field gets the offset and size of its storage unit (its type's
 * size; the byte it starts in, if it straddles units as in a packed struct)
 * and a little-endian bit offset from there.
 */
#ifndef AOTDBG_DWARF_TYPES_H
#define AOTDBG_DWARF_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "elf_file.h"
#include "err.h"
#include "type_layout.h"

struct aot_dwarf;

struct aot_dwarf_opts {
	const char *debug_file;		/* --debug-file: use exactly this file (must match the build id) */
	const char *const *debug_dirs;	/* NULL-terminated; NULL means { "/usr/lib/debug", NULL } */
	const char *cache_dir;		/* NULL: $AOTDBG_CACHE_DIR, else $XDG_CACHE_HOME/aotdbg,
					   else ~/.cache/aotdbg; "" disables the disk cache */
};

/*
 * Find the DWARF for LIBJVM (already opened with aot_elf_open).  Order:
 * opts->debug_file; LIBJVM itself if it has a non-empty .debug_info;
 * DIR/.build-id/xx/yyyy….debug for each debug dir; the .gnu_debuglink name in
 * libjvm's directory, its .debug/ subdirectory, and DIR/<libjvm's absolute
 * directory>/ for each debug dir.  A candidate whose GNU build id differs from
 * libjvm's is an error naming both ids when it was given explicitly
 * (--debug-file) and is skipped otherwise (and mentioned in the not-found
 * message).  Nothing found: AOT_ERR_NOT_FOUND with a one-line message saying
 * where it looked.  Cheap: reads ELF notes only, no DWARF.  OPTS may be NULL.
 */
struct aot_err *aot_dwarf_open(const struct aot_elf *libjvm, const struct aot_dwarf_opts *opts,
			       struct aot_dwarf **ret);
/* NULL-safe. */
void aot_dwarf_destroy(struct aot_dwarf *d);
/* The debug file used. */
const char *aot_dwarf_path(const struct aot_dwarf *d);
/* The disk cache file, or NULL when there is none (disabled, or libjvm has no build id). */
const char *aot_dwarf_cache_path(const struct aot_dwarf *d);

/*
 * Look up N types by exact name, as gdb spells them: "InstanceKlass",
 * "Array<unsigned char>", "Array<unsigned short>" (GCC's "short unsigned int"
 * matches too), namespaced and nested ones as "metaspace::MetaspaceArena" or
 * "SafepointMechanism::ThreadData"; a typedef naming a class also works.
 * RET[i] is the type, or NULL when the DWARF has no complete definition.
 * Results are borrowed until aot_dwarf_destroy().  Ask for all the names
 * needed in one call: each call that misses the cache reads CUs until it has
 * found every name it was given (a name that does not exist costs a pass
 * over all of them).
 */
struct aot_err *aot_dwarf_types(struct aot_dwarf *d, const char *const *names, size_t n,
				const struct aot_type **ret);

/*
 * Free libdwarf's copy of the debug sections (the decompressed .debug_info
 * alone is 250-450 MB) but keep every answer.  A later lookup of a new name
 * reopens them, at the cost of decompressing again (about 2 s).
 */
void aot_dwarf_release(struct aot_dwarf *d);

/* How the last aot_dwarf_types() call was answered, for benchmarks and verbose output. */
struct aot_dwarf_stats {
	bool from_cache;	/* nothing had to be read from the DWARF */
	bool cache_saved;	/* new answers were written to the disk cache */
	unsigned cus_scanned;	/* compilation units read */
	double seconds;		/* wall time of the call */
};
void aot_dwarf_last_stats(const struct aot_dwarf *d, struct aot_dwarf_stats *ret);

#endif
