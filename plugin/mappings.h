/*
 * The files a process had mapped, and where: what /proc/PID/maps lists for
 * a live process, what a core's NT_FILE note records, what a debugger's
 * "info proc mappings" shows.  Attaching uses it to find libjvm.so and the
 * archive files behind the regions the JVM mapped.
 */
#ifndef AOTDBG_MAPPINGS_H
#define AOTDBG_MAPPINGS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* At most this many entries are kept: a real JVM has a few thousand. */
#define AOT_MAPPINGS_MAX 1000000

struct aot_mapping {
	uint64_t start, end;	/* [start, end) */
	uint64_t offset;	/* file offset of START */
	char *path;		/* NULL for an anonymous mapping */
};

struct aot_mappings {
	struct aot_mapping *v;	/* sorted by start */
	size_t n, cap;
};

/* An empty list; free with aot_mappings_destroy(). */
struct aot_err *aot_mappings_create(struct aot_mappings **ret);
void aot_mappings_destroy(struct aot_mappings *m);	/* NULL-safe */

/* Append one entry (PATH copied, may be NULL); the list is re-sorted by aot_mappings_sort(). */
struct aot_err *aot_mappings_add(struct aot_mappings *m, uint64_t start, uint64_t end,
				 uint64_t offset, const char *path);
void aot_mappings_sort(struct aot_mappings *m);

/*
 * Parse TEXT in /proc/PID/maps format ("start-end perms offset dev inode
 * path", hex numbers).  WHAT names the source in errors.  Lines that do not
 * parse are an error naming the line number.
 */
struct aot_err *aot_mappings_parse(const char *text, size_t len, const char *what,
				   struct aot_mappings **ret);
/* /proc/PID/maps of a live process. */
struct aot_err *aot_mappings_read_proc(int pid, struct aot_mappings **ret);

/* The entry containing ADDR, or NULL. */
const struct aot_mapping *aot_mappings_find(const struct aot_mappings *m, uint64_t addr);
/*
 * The file whose path ends in "/NAME" (e.g. "libjvm.so"): its lowest
 * mapping at file offset 0, where its ELF header is.  NULL if none.
 */
const struct aot_mapping *aot_mappings_module(const struct aot_mappings *m, const char *name);

#endif
