/*
 * An ELF core file as a memory source: the bytes a dumper (the kernel, gcore)
 * saved of a process, and what its notes say about that process (the files
 * it had mapped, its pid and command line).  Only x86-64 ELF64
 * little-endian cores, the only JVMs whose caches we decode.
 *
 * A core is hostile input: every offset, size and count in it is checked
 * against the file.  A truncated core (a dump cut short by a full disk or a
 * ulimit) is common and is not an error: the part the file holds is served,
 * the rest reads as a fault.
 */
#ifndef AOTDBG_TARGET_CORE_H
#define AOTDBG_TARGET_CORE_H

#include <stddef.h>

#include "err.h"
#include "mappings.h"
#include "target.h"

struct aot_core;

/*
 * Open an ELF core (ET_CORE, x86-64, ELF64 little-endian) whole into memory.
 * Read, not mapped: a core truncated under us must give an error, not SIGBUS.
 */
struct aot_err *aot_core_open(const char *path, struct aot_core **ret);
/* The same for LEN bytes at DATA (copied); NAME stands for the path in errors. */
struct aot_err *aot_core_open_bytes(const char *name, const void *data, size_t len,
				    struct aot_core **ret);
void aot_core_destroy(struct aot_core *c);	/* NULL-safe */

/*
 * Register in T the bytes the core holds: for each PT_LOAD,
 * [p_vaddr, p_vaddr + p_filesz) as far as the file holds it, origin "core",
 * named after the file mapped there if NT_FILE says.  The part of p_memsz past
 * p_filesz (pages the dumper left out, e.g. clean file-backed pages) is not
 * registered, so reading it faults.  A PT_LOAD overlapping one registered
 * before (in T, from this core or anything else) is skipped, not an error.
 * C must outlive T: the segments read from C's buffer.
 */
struct aot_err *aot_core_add_to(struct aot_core *c, struct aot_target *t);

/*
 * The files the process had mapped, from the NT_FILE note (start, end, file
 * offset = page_offset * page_size, path), sorted by start.  Borrowed; an
 * empty list if the core has no NT_FILE.
 */
const struct aot_mappings *aot_core_mappings(const struct aot_core *c);

/* The process id (NT_PRPSINFO pr_pid, else the first NT_PRSTATUS pr_pid), 0 if none. */
int aot_core_pid(const struct aot_core *c);
/* NT_PRPSINFO pr_psargs, e.g. "java -XX:AOTCache=app.aot -cp app.jar App 600"; "" if none. */
const char *aot_core_command(const struct aot_core *c);
/* NT_PRPSINFO pr_fname, the executable's base name (at most 15 bytes); "" if none. */
const char *aot_core_fname(const struct aot_core *c);
const char *aot_core_path(const struct aot_core *c);

/* How many PT_LOAD and PT_NOTE segments the file cuts short: 0 for a whole core. */
size_t aot_core_truncated(const struct aot_core *c);
/* How many PT_LOADs the last aot_core_add_to() skipped because they overlapped. */
size_t aot_core_skipped(const struct aot_core *c);

#endif
