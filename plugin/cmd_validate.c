/*
 * aot-validate: the checks the JVM makes before it maps an archive
 * (-XX:+VerifySharedSpaces CRCs), and the invariants its relocation relies on.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "bitmap.h"
#include "commands.h"

static const struct aot_col check_cols[] = {
	{ "result", "result", 6, AOT_LEFT },
	{ "check", "check", 34, AOT_LEFT },
	{ "detail", "detail", 0, AOT_LEFT },
};

struct tally {
	unsigned run, failed;
};

static void check(struct aot_out *o, struct tally *t, bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void check(struct aot_out *o, struct tally *t, bool ok, const char *name, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	t->run++;
	t->failed += !ok;
	aot_out_row_begin(o);
	aot_out_str(o, "result", ok ? "ok" : "FAIL");
	aot_out_str(o, "check", name);
	aot_out_str(o, "detail", detail);
	aot_out_row_end(o);
}

static uint64_t raw_u64(const struct aot_archive *ar, const struct aot_region *r, uint64_t addr)
{
	uint64_t v;
	memcpy(&v, ar->file->data + r->file_offset + (addr - r->addr), 8);
	return v;
}

static uint32_t raw_u32(const struct aot_archive *ar, const struct aot_region *r, uint64_t addr)
{
	uint32_t v;
	memcpy(&v, ar->file->data + r->file_offset + (addr - r->addr), 4);
	return v;
}

/* Every slot a map marks must hold a pointer the JVM can relocate. */
static void check_map(struct aot_out *o, struct tally *t, const struct aot_archive *ar,
		      const struct aot_archive *top, const struct aot_region *r,
		      const struct aot_bitmap *bm)
{
	char name[64];
	snprintf(name, sizeof(name), "%s %s targets", r->name, bm->name);
	uint64_t lo = top->space_lo, hi = top->space_hi, hlo = 0, hhi = 0;
	bool narrow = bm->slot_size == 4;
	bool oops = r->is_heap && strcmp(bm->name, "oopmap") == 0;
	if (oops && !aot_archive_heap_range(ar, &hlo, &hhi)) {
		check(o, t, false, name, "an oop map but no heap region");
		return;
	}
	uint64_t set = 0, bad = 0, first_bad = 0, bad_value = 0, outside_region = 0;
	unsigned rw = ar->layout->rw_region, ro = ar->layout->ro_region;
	bool shared = ar->layout->ptrmap == AOT_PTRMAP_SINGLE && !r->is_heap;
	for (uint64_t i = aot_bitmap_next(bm, 0); i < bm->nbits; i = aot_bitmap_next(bm, i + 1)) {
		uint64_t a = aot_bitmap_addr(bm, i);
		if (a < bm->lo || a + bm->slot_size > bm->hi) {
			// 17/21 share one map between rw and ro: the other region's bits are not ours.
			const struct aot_region *other = shared ? &ar->regions[r->index == rw ? ro : rw] : NULL;
			if (other && a >= other->addr && a + 8 <= other->addr + other->used)
				continue;
			outside_region++;
			continue;
		}
		set++;
		uint64_t v = narrow ? aot_archive_decode_narrow_oop(ar, raw_u32(ar, r, a)) : raw_u64(ar, r, a);
		bool ok = oops ? (v >= hlo && v < hhi) : (v >= lo && v < hi);
		if (!ok && !bad++) {
			first_bad = a;
			bad_value = v;
		}
	}
	if (outside_region)
		check(o, t, false, name, "%" PRIu64 " bits mark slots outside region %s", outside_region, r->name);
	if (bad)
		check(o, t, false, name,
		      "%" PRIu64 " of %" PRIu64 " marked slots point outside %s; first at 0x%" PRIx64 " holds 0x%" PRIx64,
		      bad, set, oops ? "the archived heap" : "the archive", first_bad, bad_value);
	else
		check(o, t, true, name, "all %" PRIu64 " marked slots point into %s [0x%" PRIx64 ", 0x%" PRIx64 ")",
		      set, oops ? "the archived heap" : "the archive", oops ? hlo : lo, oops ? hhi : hi);
}

static void validate_archive(struct aot_out *o, struct tally *t, const struct aot_archive *ar,
			     const struct aot_archive *top)
{
	uint64_t stored = 0;
	aot_archive_value(ar, AOT_R_CRC, &stored);
	uint32_t crc = aot_archive_header_crc(ar);
	check(o, t, crc == (uint32_t)stored, "header crc", "stored 0x%08x, computed 0x%08x over [%u, %" PRIu64 ")",
	      (uint32_t)stored, crc, ar->layout->crc_start, ar->header_size);
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		char name[64];
		snprintf(name, sizeof(name), "region %s crc", r->name);
		if (r->used == 0) {
			check(o, t, r->crc == 0, name, r->crc == 0 ? "unused region" :
			      "unused region with a non-zero crc");
			continue;
		}
		uint32_t c = (uint32_t)crc32(0, ar->file->data + r->file_offset, (uInt)r->used);
		check(o, t, c == r->crc, name, "stored 0x%08x, computed 0x%08x over %" PRIu64 " bytes at 0x%" PRIx64,
		      r->crc, c, r->used, r->file_offset);
	}
	// Regions must not share file bytes, and must lie after the header.
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *a = &ar->regions[i];
		if (!a->used)
			continue;
		char name[64];
		snprintf(name, sizeof(name), "region %s placement", a->name);
		bool ok = a->file_offset >= ar->header_size;
		const char *other = NULL;
		for (unsigned j = 0; j < ar->nregions; j++) {
			const struct aot_region *b = &ar->regions[j];
			if (j != i && b->used && a->file_offset < b->file_offset + b->used &&
			    b->file_offset < a->file_offset + a->used) {
				ok = false;
				other = b->name;
			}
		}
		if (other)
			check(o, t, false, name, "file bytes overlap region %s", other);
		else if (!ok)
			check(o, t, false, name, "file offset 0x%" PRIx64 " is inside the %" PRIu64 "-byte header",
			      a->file_offset, ar->header_size);
		else
			check(o, t, true, name, "[0x%" PRIx64 ", 0x%" PRIx64 ") inside the file, after the header",
			      a->file_offset, a->file_offset + a->used);
	}
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		struct aot_bitmap maps[2];
		unsigned n = 0;
		struct aot_err *err = aot_archive_bitmaps(ar, r, maps, &n);
		if (err) {
			char name[64];
			snprintf(name, sizeof(name), "region %s maps", r->name);
			check(o, t, false, name, "%s", err->msg);
			aot_err_free(err);
			continue;
		}
		for (unsigned k = 0; k < n; k++)
			check_map(o, t, ar, top, r, &maps[k]);
	}
}

static struct aot_err *run_validate(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	if (argc > 1)
		return aot_errf(AOT_ERR_USAGE, "aot-validate takes no arguments (got '%s')", argv[1]);
	struct tally t = { 0, 0 };
	struct aot_err *err = aot_session_require_complete(s);
	if (err)
		return err;
	// Placing every region in one address space proves they do not overlap there.
	struct aot_target *target;
	err = aot_session_target(s, &target);
	if (err)
		return err;
	aot_out_begin_list(o, "archives", NULL);
	for (unsigned i = 0; i < s->narchives; i++) {
		const struct aot_archive *ar = s->archives[i];
		for (const struct aot_archive *a = ar->base ? ar->base : ar; a;
		     a = a == ar ? NULL : ar) {
			aot_out_archive_begin(o, a, a == ar ? NULL : "base archive ");
			aot_out_begin_table(o, "checks", check_cols, 3);
			validate_archive(o, &t, a, ar);
			aot_out_end_table(o);
			aot_out_end(o);
		}
	}
	aot_out_end_list(o);
	aot_out_u64(o, "checks", t.run);
	aot_out_u64(o, "failed", t.failed);
	if (t.failed)
		return aot_errf(AOT_ERR_CHECK, "%u of %u checks failed", t.failed, t.run);
	return NULL;
}

const struct aot_cmd aot_cmd_validate = {
	.name = "aot-validate",
	.usage = "aot-validate [--json]",
	.summary = "CRCs, region placement and pointer-map invariants; exit status 1 on failure",
	.help = "Checks each archive (and a dynamic archive's base) as the JVM would before\n"
		"mapping it: the header CRC and every region's CRC (as -XX:+VerifySharedSpaces\n"
		"does), that regions lie inside the file without overlapping, and that every\n"
		"slot a pointer map marks holds a pointer into the archive (oop maps: into\n"
		"the archived heap).  One line per check; exit status 1 if any fails.",
	.example = "aot-validate",
	.complete = AOT_COMPLETE_NONE,
	.run = run_validate,
};
