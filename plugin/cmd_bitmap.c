/* aot-bitmap: the relocation pointer map of a region, and the heap oop/pointer maps. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "commands.h"

static const struct aot_col slot_cols[] = {
	{ "slot", "slot address", 18, AOT_LEFT },
	{ "value", "stored value", 18, AOT_LEFT },
	{ "target", "points to", 0, AOT_LEFT },
};

/* "rw" names a region of the first archive, "base:rw" one of its base archive. */
static struct aot_err *find_region(struct aot_session *s, const char *spec,
				   const struct aot_archive **ar_ret, const struct aot_region **ret)
{
	if (s->narchives == 0)
		return aot_errf(AOT_ERR_USAGE, "no archive is open");
	const struct aot_archive *ar = s->archives[0];
	const char *name = spec;
	if (strncmp(spec, "base:", 5) == 0) {
		if (!ar->base)
			return aot_errf(AOT_ERR_USAGE, "%s: %s has no base archive loaded", spec, ar->path);
		ar = ar->base;
		name = spec + 5;
	}
	struct aot_err *err = aot_archive_require_layout(ar);
	if (err)
		return err;
	const struct aot_region *r = aot_archive_region(ar, name);
	if (!r) {
		char names[128] = "";
		for (unsigned i = 0; i < ar->nregions; i++) {
			strncat(names, i ? ", " : "", sizeof(names) - strlen(names) - 1);
			strncat(names, ar->regions[i].name, sizeof(names) - strlen(names) - 1);
		}
		return aot_errf(AOT_ERR_USAGE, "no region '%s' in %s (regions: %s)", name, ar->path, names);
	}
	*ar_ret = ar;
	*ret = r;
	return NULL;
}

/* The address a marked slot's value stands for, in the session's address space. */
static uint64_t slot_target(struct aot_target *t, const struct aot_archive *ar,
			    const struct aot_bitmap *bm, uint64_t slot, bool *ok)
{
	*ok = false;
	if (bm->slot_size == 4) {
		uint32_t v;
		struct aot_err *err = aot_target_read_u32(t, slot, &v);
		if (err) {
			aot_err_free(err);
			return 0;
		}
		*ok = true;
		return aot_archive_decode_narrow_oop(ar, v);
	}
	uint64_t v;
	struct aot_err *err = aot_target_read_u64(t, slot, &v);
	if (err) {
		aot_err_free(err);
		return 0;
	}
	*ok = true;
	return v;
}

static struct aot_err *out_map(struct aot_out *o, struct aot_session *s, const struct aot_archive *top,
			       const struct aot_archive *ar, const struct aot_region *r,
			       const struct aot_bitmap *bm, bool list, uint64_t limit)
{
	struct aot_target *t;
	struct aot_err *err = aot_session_target(s, &t);
	if (err)
		return err;
	uint64_t delta = r->is_heap ? 0 : aot_session_mapped_base(s, top) - top->requested_base;
	uint64_t set = 0, first = 0, last = 0, outside = 0;
	uint64_t lo = bm->lo, hi = bm->hi;
	for (uint64_t i = aot_bitmap_next(bm, 0); i < bm->nbits; i = aot_bitmap_next(bm, i + 1)) {
		uint64_t a = aot_bitmap_addr(bm, i);
		if (a < lo || a >= hi)
			continue;
		if (!set)
			first = a;
		last = a;
		set++;
	}
	uint64_t cov_lo = bm->first_addr > lo ? bm->first_addr : lo;
	uint64_t cov_hi = bm->first_addr + bm->nbits * bm->slot_size;
	if (cov_hi > hi)
		cov_hi = hi;
	uint64_t slots = cov_hi > cov_lo ? (cov_hi - cov_lo) / bm->slot_size : 0;
	char title[160];
	snprintf(title, sizeof(title), "%s of %s (%s)", bm->name, r->name,
		 bm->slot_size == 4 ? "narrow oop slots" :
		 r->is_heap && strcmp(bm->name, "oopmap") == 0 ? "oop slots" : "native pointer slots");
	aot_out_begin(o, NULL, title);
	aot_out_key_width(o, 18);
	aot_out_str(o, "map", bm->name);
	aot_out_str(o, "region", r->name);
	aot_out_hex(o, "file_offset", bm->file_offset, 0);
	aot_out_u64(o, "size_in_bits", bm->nbits);
	aot_out_u64(o, "slot_size", bm->slot_size);
	aot_out_u64(o, "set_bits", set);
	if (cov_hi > cov_lo) {
		aot_out_hex(o, "first_covered", cov_lo + delta, 16);
		aot_out_hex(o, "last_covered", cov_hi - bm->slot_size + delta, 16);
	}
	if (set) {
		aot_out_hex(o, "first_marked", first + delta, 16);
		aot_out_hex(o, "last_marked", last + delta, 16);
	}
	aot_out_strf(o, "density", "%.2f%% of %" PRIu64 " covered slots", slots ? 100.0 * (double)set / (double)slots : 0.0,
		     slots);
	if (list) {
		uint64_t shown = 0;
		aot_out_begin_table(o, "slots", slot_cols, 3);
		for (uint64_t i = aot_bitmap_next(bm, 0); i < bm->nbits && shown < limit;
		     i = aot_bitmap_next(bm, i + 1)) {
			uint64_t a = aot_bitmap_addr(bm, i);
			if (a < lo || a >= hi)
				continue;
			bool ok;
			uint64_t v = slot_target(t, ar, bm, a + delta, &ok);
			char where[64];
			const char *w = ok ? aot_describe_addr(s, top, v, where, sizeof(where)) : NULL;
			aot_out_row_begin(o);
			aot_out_hex(o, "slot", a + delta, 16);
			if (ok)
				aot_out_hex(o, "value", v, 16);
			else
				aot_out_str(o, "value", "unreadable");
			if (!w)
				outside++;
			aot_out_str(o, "target", w ? w : "OUTSIDE THE ARCHIVE");
			aot_out_row_end(o);
			shown++;
		}
		aot_out_end_table(o);
		if (shown == limit && shown < set)
			aot_out_text(o, "(%" PRIu64 " more; raise --limit)", set - shown);
		if (outside)
			aot_out_u64(o, "outside_archive", outside);
	}
	aot_out_end(o);
	return NULL;
}

static struct aot_err *run_bitmap(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *spec = NULL;
	bool list = false;
	uint64_t limit = UINT64_MAX;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			list = true;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			struct aot_err *err = aot_parse_u64(argv[++i], "--limit", &limit);
			if (err)
				return err;
		} else if (argv[i][0] == '-') {
			return aot_errf(AOT_ERR_USAGE, "aot-bitmap: unknown option '%s'", argv[i]);
		} else if (!spec) {
			spec = argv[i];
		} else {
			return aot_errf(AOT_ERR_USAGE, "aot-bitmap: one region at a time (got '%s' and '%s')",
					spec, argv[i]);
		}
	}
	if (!spec)
		return aot_errf(AOT_ERR_USAGE, "usage: aot-bitmap REGION [--list] [--limit N]");
	const struct aot_archive *ar;
	const struct aot_region *r;
	struct aot_err *err = find_region(s, spec, &ar, &r);
	if (err)
		return err;
	struct aot_bitmap maps[2];
	unsigned n;
	err = aot_archive_bitmaps(ar, r, maps, &n);
	if (err)
		return err;
	aot_out_begin_list(o, "archives", NULL);
	aot_out_archive_begin(o, ar, NULL);
	aot_out_begin_list(o, "maps", NULL);
	if (n == 0)
		aot_out_text(o, "region %s has no pointer or oop map", r->name);
	for (unsigned k = 0; k < n && !err; k++)
		err = out_map(o, s, s->archives[0], ar, r, &maps[k], list, limit);
	aot_out_end_list(o);
	aot_out_end(o);
	aot_out_end_list(o);
	return err;
}

const struct aot_cmd aot_cmd_bitmap = {
	.name = "aot-bitmap",
	.usage = "aot-bitmap REGION [--list] [--limit N] [--json]",
	.summary = "a region's relocation pointer map (and heap oop/pointer maps)",
	.help = "REGION is a region name of the first archive (rw, ro, hp, ca0, …) or\n"
		"base:NAME for its base archive.  Prints, for each map of that region, its\n"
		"position in the bitmap region, size, number of set bits, the first and last\n"
		"address it covers and marks, and its density.  --list prints every marked\n"
		"slot: its address, the value stored there (relocated if --base was given),\n"
		"and the region and offset that value points to.",
	.example = "aot-bitmap rw --list --limit 20",
	.complete = AOT_COMPLETE_REGION,
	.run = run_bitmap,
};
