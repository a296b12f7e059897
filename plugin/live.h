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

/*
 * Region INDEX of AR in the attached process: where it is mapped (*START,
 * 0 if not mapped now) and where its bytes are read from ("process",
 * "core", "file", "core+file", or NULL when not read).  False if AR is not
 * an attached archive.
 */
bool aot_live_region(const struct aot_live *l, const struct aot_archive *ar, unsigned index,
		     uint64_t *start, const char **from);

/*
 * The archives as their files hold them, relocated as the process has them
 * and at the same addresses (NULL when not attached): what the class tables
 * and the object walk read, since a running JVM rewrites archived fields
 * with its own objects (Klass::_next_link, Method::_method_counters).
 */
struct aot_target *aot_live_archived(const struct aot_live *l);

#endif
