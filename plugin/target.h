/*
 * The memory-source layer: where bytes come from.
 *
 * A target is a sorted table of address ranges (segments), each served by a
 * read callback.  Decoders only ever call aot_target_read(); backends (a cache
 * file, a live process, a core, a debugger's own reads) only register
 * segments.  A read that touches an address no segment covers fails with
 * AOT_ERR_FAULT carrying that address.
 */
#ifndef AOTDBG_TARGET_H
#define AOTDBG_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * Read LEN bytes at ADDR into DST.  SEG_OFF is ADDR minus the segment's
 * start.  The target only calls it with a range inside the segment.
 */
typedef struct aot_err *aot_read_fn(void *dst, uint64_t addr, size_t len,
				    uint64_t seg_off, void *arg);

struct aot_segment {
	uint64_t start;
	uint64_t len;
	aot_read_fn *read;
	void *arg;
	const char *origin;	/* where its bytes come from, e.g. "file", "core"; static string */
	const char *name;	/* borrowed, e.g. region name; may be NULL */
};

struct aot_target;

/* Create an empty target.  Free with aot_target_destroy(). */
struct aot_err *aot_target_create(struct aot_target **ret);
/* NULL-safe.  Does not free the callbacks' args: their owners do. */
void aot_target_destroy(struct aot_target *t);

/*
 * Register [START, START+LEN).  Fails with AOT_ERR_FORMAT if the range wraps
 * around or overlaps a segment already registered (two regions claiming the
 * same addresses is a corrupt input, never something to paper over).
 * ORIGIN and NAME must outlive the target.
 */
struct aot_err *aot_target_add_segment(struct aot_target *t, uint64_t start, uint64_t len,
				       aot_read_fn *fn, void *arg, const char *origin,
				       const char *name);

/* Read LEN bytes at ADDR, possibly across adjacent segments. */
struct aot_err *aot_target_read(struct aot_target *t, void *dst, uint64_t addr, size_t len);

/* Typed little helpers over aot_target_read(). */
struct aot_err *aot_target_read_u64(struct aot_target *t, uint64_t addr, uint64_t *ret);
struct aot_err *aot_target_read_u32(struct aot_target *t, uint64_t addr, uint32_t *ret);

/* The segment containing ADDR, or NULL.  Borrowed until the target is destroyed. */
const struct aot_segment *aot_target_find(const struct aot_target *t, uint64_t addr);

/* Number of segments, and the I-th in address order. */
size_t aot_target_segment_count(const struct aot_target *t);
const struct aot_segment *aot_target_segment(const struct aot_target *t, size_t i);

#endif
