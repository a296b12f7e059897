/*
 * What attaching found (attach.c) and commands show: per archive region,
 * where the process has it and whose bytes serve it.
 */
#ifndef AOTDBG_LIVE_H
#define AOTDBG_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

struct aot_live;
struct aot_archive;

void aot_live_destroy(struct aot_live *l);	/* NULL-safe */
void aot_live_flush(struct aot_live *l);	/* NULL-safe */

/* "process 1234", "core /tmp/core.1234", "the debugger's process 1234". */
const char *aot_live_what(const struct aot_live *l);

/*
 * Region INDEX of AR in the attached process: where it is mapped (*START,
 * 0 if not mapped now) and where its bytes are read from ("process",
 * "core", "file", "core+file", or NULL when not read).  False if AR is not
 * an attached archive.
 */
bool aot_live_region(const struct aot_live *l, const struct aot_archive *ar, unsigned index,
		     uint64_t *start, const char **from);

/*
 * Read what the archive file holds at ADDR (relocated as the process has
 * it), not what the process has there now: for fields a running JVM
 * reuses, such as Klass::_next_link.  Without L (not attached), from T.
 */
struct aot_err *aot_live_read_archived(struct aot_live *l, struct aot_target *t, uint64_t addr, void *dst,
				       size_t len);

#endif
