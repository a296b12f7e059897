/*
 * Replaying the constant stores of C++ static initializers without running
 * them: a constant propagation over x86-64 code that knows registers loaded
 * from immediates, rip-relative addresses and already-relocated memory (the
 * GOT, constant pools), and records every store whose address it can
 * compute.  A store whose address is known but whose value is not is
 * recorded as unknown, so that nobody trusts the old bytes there.
 *
 * It follows both sides of conditional branches and direct calls one level
 * deep, merges register states where paths join (a register two paths
 * disagree on becomes unknown), and never executes anything.
 */
#ifndef AOTDBG_CTOR_EMUL_H
#define AOTDBG_CTOR_EMUL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "err.h"

struct aot_ctor_mem {
	/* Executable bytes at ADDR, and how many follow (0: not code). */
	const uint8_t *(*code)(void *arg, uint64_t addr, size_t *avail);
	/* Initialized memory at ADDR (before any replayed store). */
	bool (*load)(void *arg, uint64_t addr, void *dst, size_t len);
	void *arg;
};

struct aot_ctor_store {
	uint64_t addr;
	uint8_t size;		/* 1..16 */
	bool known;
	uint8_t bytes[16];
};

/*
 * Replay the functions at ENTRIES.  *STORES (malloc'ed, sorted by address;
 * when two sites store to the same bytes the later entry wins, as it would
 * at run time) receives what they store.
 */
struct aot_err *aot_ctor_replay(const struct aot_ctor_mem *mem, const uint64_t *entries, size_t n,
				struct aot_ctor_store **stores, size_t *nstores,
				struct aot_ctor_stats *stats);

#endif
