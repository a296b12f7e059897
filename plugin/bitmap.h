/* Walking the bitmaps described by struct aot_bitmap (archive.h). */
#ifndef AOTDBG_BITMAP_H
#define AOTDBG_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "archive.h"

/* The first set bit at index >= I, or bm->nbits if there is none. */
uint64_t aot_bitmap_next(const struct aot_bitmap *bm, uint64_t i);
bool aot_bitmap_test(const struct aot_bitmap *bm, uint64_t i);
/* The bit that covers ADDR, if ADDR is a slot start the map covers. */
bool aot_bitmap_slot(const struct aot_bitmap *bm, uint64_t addr, uint64_t *ret);

static inline uint64_t aot_bitmap_addr(const struct aot_bitmap *bm, uint64_t i)
{
	return bm->first_addr + i * bm->slot_size;
}

#endif
