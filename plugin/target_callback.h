/*
 * A debugger's own memory reads as a memory source: gdb's
 * Inferior.read_memory, lldb's SBProcess.ReadMemory, handed in by the
 * front end as a callback.  Each call crosses into the debugger's Python,
 * so reads are made in aligned blocks and kept until the inferior may
 * have run (aot_callback_flush).
 */
#ifndef AOTDBG_TARGET_CALLBACK_H
#define AOTDBG_TARGET_CALLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* Bytes copied into DST (fewer at an unreadable page), or -1. */
typedef long aot_callback_read_fn(void *arg, uint64_t addr, void *dst, size_t len);

struct aot_callback_mem;

struct aot_err *aot_callback_mem_create(aot_callback_read_fn *read, void *arg, const char *origin,
					struct aot_callback_mem **ret);
void aot_callback_mem_destroy(struct aot_callback_mem *c);	/* NULL-safe */

/* Register the whole user address space in T, served by the callback. */
struct aot_err *aot_callback_mem_add_to(struct aot_callback_mem *c, struct aot_target *t);

/* Forget every cached block. */
void aot_callback_mem_flush(struct aot_callback_mem *c);

#endif
