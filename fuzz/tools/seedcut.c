/*
 * seedcut IN OUT CAP: a small copy of the archive IN for a fuzzer's seed.
 * Real archives are megabytes; a seed must be kilobytes for mutations to
 * matter.  The header is kept whole; every region keeps its first CAP bytes
 * (the bitmap region 4 CAP), laid out one after another, and the region
 * table and pointer-map sizes are rewritten to match, so the copy still
 * opens and its maps still point at real bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../../plugin/archive.h"

static void put(uint8_t *base, const struct aot_hdr_field *f, uint64_t v)
{
	static const unsigned sizes[] = { [AOT_FT_BOOL] = 1, [AOT_FT_I16] = 2, [AOT_FT_I32] = 4,
					  [AOT_FT_U32] = 4, [AOT_FT_U64] = 8 };
	if (f && f->type < sizeof(sizes) / sizeof(sizes[0]))
		memcpy(base + f->off, &v, sizes[f->type]);	// little-endian host, as the archives
}

static const struct aot_hdr_field *region_field(const struct aot_archive *ar, enum aot_role role)
{
	for (const struct aot_hdr_field *f = ar->layout->region_fields; f->name; f++)
		if (f->role == role)
			return f;
	return NULL;
}

/* BITS clamped so that its bytes at OFF stay inside a bitmap region of BM bytes. */
static uint64_t clamp_bits(uint64_t bits, uint64_t off, uint64_t bm)
{
	if (off >= bm)
		return 0;
	return bits / 8 > bm - off ? (bm - off) * 8 : bits;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs("usage: seedcut IN OUT CAP\n", stderr);
		return 2;
	}
	uint64_t cap = strtoull(argv[3], NULL, 0);
	struct aot_open_opts opts = { .base_archive = "/nonexistent" };
	struct aot_archive *ar;
	struct aot_err *err = aot_archive_open(argv[1], &opts, &ar);
	if (!err)
		err = aot_archive_require_layout(ar);
	if (err) {
		fprintf(stderr, "seedcut: %s\n", err->msg);
		return 2;
	}
	const uint8_t *src = ar->file->data;
	uint64_t hsize = ar->header_size;
	// A dynamic archive's base name sits after the header proper.
	uint64_t name_off = 0, name_size = 0;
	aot_archive_value(ar, AOT_R_BASE_NAME_OFFSET, &name_off);
	aot_archive_value(ar, AOT_R_BASE_NAME_SIZE, &name_size);
	if (name_off + name_size > hsize && name_off + name_size <= ar->file->size)
		hsize = name_off + name_size;
	uint64_t total = (hsize + 7) & ~7ull;
	for (unsigned i = 0; i < ar->nregions; i++)
		total += ((ar->regions[i].is_bitmap ? 4 * cap : cap) + 8);
	uint8_t *out = calloc(1, total);
	if (!out)
		return 2;
	memcpy(out, src, hsize);
	uint64_t pos = (hsize + 7) & ~7ull, bm_size = 0;
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		uint64_t n = r->used < (r->is_bitmap ? 4 * cap : cap) ? r->used : (r->is_bitmap ? 4 * cap : cap);
		if (n > r->avail)
			n = r->avail;
		memcpy(out + pos, src + r->file_offset, n);
		put(out + r->header_off, region_field(ar, AOT_R_REGION_FILE_OFFSET), n ? pos : 0);
		put(out + r->header_off, region_field(ar, AOT_R_REGION_USED), n);
		put(out + r->header_off, region_field(ar, AOT_R_REGION_CRC), crc32(0, out + pos, (uInt)n));
		if (r->is_bitmap)
			bm_size = n;
		pos = (pos + n + 7) & ~7ull;
	}
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		put(out + r->header_off, region_field(ar, AOT_R_REGION_OOPMAP_BITS),
		    clamp_bits(r->oopmap_bits, r->oopmap_offset, bm_size));
		put(out + r->header_off, region_field(ar, AOT_R_REGION_PTRMAP_BITS),
		    clamp_bits(r->ptrmap_bits, r->ptrmap_offset, bm_size));
	}
	uint64_t single;
	if (aot_archive_value(ar, AOT_R_PTRMAP_SIZE_IN_BITS, &single))
		put(out, aot_archive_field(ar, AOT_R_PTRMAP_SIZE_IN_BITS), clamp_bits(single, 0, bm_size));
	// The header CRC last, over the table as rewritten (aot-validate checks it).
	uint32_t start = ar->layout->crc_start;
	put(out, aot_archive_field(ar, AOT_R_CRC), crc32(0, out + start, (uInt)(ar->header_size - start)));
	FILE *f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, pos, f) != pos || fclose(f)) {
		perror(argv[2]);
		return 2;
	}
	free(out);
	aot_archive_destroy(ar);
	return 0;
}
