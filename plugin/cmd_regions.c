/* aot-regions: the region table of each archive, with where each region lands. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "live.h"

static const struct aot_col region_cols[] = {
	{ "index", "#", 2, AOT_RIGHT },
	{ "name", "name", 4, AOT_LEFT },
	{ "file_offset", "file offset", 11, AOT_RIGHT },
	{ "used", "used", 10, AOT_RIGHT },
	{ "range", "address range", 37, AOT_LEFT },
	{ "flags", "flags", 14, AOT_LEFT },
	{ "crc", "crc", 10, AOT_LEFT },
	{ "bytes_from", "bytes from", 10, AOT_LEFT },
	{ "pointer_map", "pointer map", 0, AOT_LEFT },
};

static void region_flags(const struct aot_region *r, char *buf, size_t len)
{
	if (r->used == 0) {
		snprintf(buf, len, "unused");
		return;
	}
	snprintf(buf, len, "%s%s%s%s", r->read_only ? "ro" : "rw", r->allow_exec ? ",exec" : "",
		 r->is_heap ? ",heap" : "", r->is_bitmap ? ",bitmap" : "");
}

static void out_region(struct aot_out *o, const struct aot_session *s, const struct aot_archive *ar,
		       const struct aot_archive *top, const struct aot_region *r)
{
	// Metadata moves with the mapped base; heap and bitmap addresses do not.
	uint64_t delta = aot_session_mapped_base(s, top) - top->requested_base;
	uint64_t start = r->is_bitmap ? 0 : r->is_heap ? r->addr : r->addr + delta;
	if (r->used == 0)
		start = 0;
	// Attached: where the process has it (the code region lands in the code cache) and whose bytes.
	const char *from = r->used && !r->is_bitmap ? "file" : NULL;
	bool live = aot_live_region(s->live, ar, r->index, &start, &from);
	char buf[128];
	aot_out_row_begin(o);
	aot_out_u64(o, "index", r->index);
	aot_out_str(o, "name", r->name);
	aot_out_hex(o, "file_offset", r->file_offset, 0);
	aot_out_u64(o, "entry_offset", r->header_off);
	aot_out_u64(o, "used", r->used);
	if (r->used && !r->is_bitmap && start)
		aot_out_strf(o, "range", "[0x%016" PRIx64 ", 0x%016" PRIx64 ")", start, start + r->used);
	else if (r->is_bitmap)
		aot_out_str(o, "range", live ? "not mapped (unmapped after load)" : "not mapped (read at load)");
	else if (r->used)
		aot_out_str(o, "range", "run-time address not recorded");
	else
		aot_out_str(o, "range", "-");
	aot_out_hex(o, "start", start, 16);
	aot_out_hex(o, "end", start + r->used, 16);
	region_flags(r, buf, sizeof(buf));
	aot_out_str(o, "flags", buf);
	aot_out_hex(o, "crc", r->crc, 8);
	// The raw entry, named as the JVM's map log names it.
	aot_out_i64(o, "read_only", r->read_only);
	aot_out_i64(o, "allow_exec", r->allow_exec);
	aot_out_i64(o, "is_heap_region", r->is_heap);
	aot_out_i64(o, "is_bitmap_region", r->is_bitmap);
	aot_out_i64(o, "mapped_from_file", r->mapped_from_file);
	aot_out_hex(o, "mapping_offset", r->mapping_offset, 0);
	aot_out_hex(o, "oopmap_offset", r->oopmap_offset, 0);
	aot_out_u64(o, "oopmap_size_in_bits", r->oopmap_bits);
	if (ar->layout->region_entry_size > 72) {
		aot_out_hex(o, "ptrmap_offset", r->ptrmap_offset, 0);
		aot_out_u64(o, "ptrmap_size_in_bits", r->ptrmap_bits);
	}
	aot_out_hex(o, "mapped_base", r->mapped_base, 16);
	if (ar->layout->region_entry_size > 88)
		aot_out_i64(o, "in_reserved_space", r->in_reserved_space);
	aot_out_str(o, "bytes_from", from);

	struct aot_bitmap maps[2];
	unsigned n = 0;
	struct aot_err *err = aot_archive_bitmaps(ar, r, maps, &n);
	if (err) {
		aot_out_strf(o, "pointer_map", "invalid: %s", err->msg);
		aot_err_free(err);
	} else {
		char text[256] = "";
		size_t used = 0;
		for (unsigned k = 0; k < n; k++)
			used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s bm+0x%" PRIx64 " %" PRIu64 " bits",
						 k ? ", " : "", maps[k].name,
						 maps[k].file_offset - ar->regions[ar->layout->bm_region].file_offset,
						 maps[k].nbits);
		aot_out_str(o, "pointer_map", n ? text : NULL);
	}
	aot_out_row_end(o);
}

static void out_archive_regions(struct aot_out *o, const struct aot_session *s,
				const struct aot_archive *ar, const struct aot_archive *top,
				const char *role)
{
	aot_out_archive_begin(o, ar, role);
	aot_out_begin_table(o, "regions", region_cols, (int)(sizeof(region_cols) / sizeof(region_cols[0])));
	for (unsigned i = 0; i < ar->nregions; i++)
		out_region(o, s, ar, top, &ar->regions[i]);
	aot_out_end_table(o);
	aot_out_end(o);
}

static struct aot_err *run_regions(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	if (argc > 1)
		return aot_errf(AOT_ERR_USAGE, "aot-regions takes no arguments (got '%s')", argv[1]);
	struct aot_err *err = aot_session_require_complete(s);
	if (err)
		return err;
	aot_out_begin_list(o, "archives", NULL);
	for (unsigned i = 0; i < s->narchives; i++) {
		const struct aot_archive *ar = s->archives[i];
		if (ar->base)
			out_archive_regions(o, s, ar->base, ar, "base archive ");
		out_archive_regions(o, s, ar, ar, NULL);
	}
	aot_out_end_list(o);
	return NULL;
}

const struct aot_cmd aot_cmd_regions = {
	.name = "aot-regions",
	.usage = "aot-regions [--json]",
	.summary = "the regions of each archive: file offset, size, addresses, flags, CRC, pointer map",
	.help = "Prints each region's index, name, file offset, used size, the address range it\n"
		"occupies (the requested one, or relocated to --base), flags, CRC and the\n"
		"position and size of its pointer map in the bitmap region.  For a dynamic\n"
		"archive the regions of its base archive come first.  --json adds every raw\n"
		"field of the region entry under the name the JVM's map log gives it.",
	.example = "aot-regions",
	.complete = AOT_COMPLETE_NONE,
	.run = run_regions,
};
