/*
 * A live process as a memory source: reads go through /proc/PID/mem, so the
 * process is never stopped, written to, or made to run anything.  A JVM
 * that changes its memory while we read it is the caller's concern: every
 * decoder already treats what it reads as hostile.
 */
#ifndef AOTDBG_TARGET_PROC_H
#define AOTDBG_TARGET_PROC_H

#include <stdint.h>
#include <sys/types.h>

#include "target.h"

struct aot_proc;

struct aot_err *aot_proc_open(pid_t pid, struct aot_proc **ret);
void aot_proc_destroy(struct aot_proc *p);	/* NULL-safe */

/* Register the process's whole user address space in T. */
struct aot_err *aot_proc_add_to(struct aot_proc *p, struct aot_target *t);

pid_t aot_proc_pid(const struct aot_proc *p);

/* Read up to LEN bytes at ADDR: how many could be read (fewer at an unmapped page), or -1. */
long aot_proc_read(struct aot_proc *p, uint64_t addr, void *dst, size_t len);

#endif
