/*
 * The pointer maps: for an archive opened from the fuzzer's bytes, every
 * region's bitmaps (aot_archive_bitmaps), each walked bit by bit and probed
 * at its edges, then the aot-bitmap command over each region.
 */
#include <stdio.h>

#include "../plugin/bitmap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Enough to reach every bit of an input of max_len; more only costs time. */
#define MAX_BITS_WALKED (1u << 20)

static void walk(const struct aot_bitmap *bm)
{
	uint64_t slot, n = 0;
	for (uint64_t i = aot_bitmap_next(bm, 0); i < bm->nbits && n < MAX_BITS_WALKED;
	     i = aot_bitmap_next(bm, i + 1), n++) {
		if (!aot_bitmap_test(bm, i))
			__builtin_trap();	// next() and test() disagree
		uint64_t a = aot_bitmap_addr(bm, i);
		if (aot_bitmap_slot(bm, a, &slot) && slot != i)
			__builtin_trap();	// addr() and slot() are not inverse
	}
	const uint64_t probes[] = { bm->first_addr, bm->first_addr - 1, bm->lo, bm->hi, bm->hi - 8,
				    aot_bitmap_addr(bm, bm->nbits), UINT64_MAX - 7 };
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (aot_bitmap_slot(bm, probes[i], &slot))
			(void)aot_bitmap_test(bm, slot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aot_archive *ar = fz_open(data, size);
	if (!ar)
		return 0;
	for (unsigned i = 0; i < ar->nregions; i++) {
		struct aot_bitmap maps[2];
		unsigned n;
		struct aot_err *err = aot_archive_bitmaps(ar, &ar->regions[i], maps, &n);
		if (err) {
			fz_check_err(err, FZ_NAME);
			continue;
		}
		for (unsigned j = 0; j < n; j++)
			walk(&maps[j]);
	}
	struct aot_session *s = fz_session(ar);
	if (!s)
		return 0;
	for (unsigned i = 0; i < ar->nregions; i++) {
		char line[64];
		snprintf(line, sizeof(line), "aot-bitmap %s --list --limit 64", ar->regions[i].name);
		fz_run(s, line);
	}
	fz_run(s, "aot-bitmap rw --json");
	aot_session_destroy(s);
	return 0;
}
