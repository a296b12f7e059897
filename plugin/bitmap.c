/*
 * The bitmaps stored in the bm region: which words of rw/ro hold native
 * pointers to relocate, and which heap slots hold oops or native pointers.
 * Format notes §2.
 */
#include "archive.h"
#include "bitmap.h"

#include <string.h>

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;	// x86_64 only: the archives and the host are little-endian
}

uint64_t aot_bitmap_next(const struct aot_bitmap *bm, uint64_t i)
{
	while (i < bm->nbits) {
		uint64_t byte = i / 8;
		// Whole 64-bit words where we can, single bytes at the ragged end.
		if (i % 64 == 0 && byte + 8 <= (bm->nbits + 7) / 8) {
			uint64_t w = le64(bm->bits + byte);
			if (w == 0) {
				i += 64;
				continue;
			}
			i += (uint64_t)__builtin_ctzll(w);
			return i < bm->nbits ? i : bm->nbits;
		}
		if (bm->bits[byte] >> (i % 8) & 1)
			return i;
		i++;
	}
	return bm->nbits;
}

bool aot_bitmap_test(const struct aot_bitmap *bm, uint64_t i)
{
	return i < bm->nbits && (bm->bits[i / 8] >> (i % 8) & 1);
}

bool aot_bitmap_slot(const struct aot_bitmap *bm, uint64_t addr, uint64_t *ret)
{
	if (addr < bm->first_addr || (addr - bm->first_addr) % bm->slot_size)
		return false;
	*ret = (addr - bm->first_addr) / bm->slot_size;
	return *ret < bm->nbits;
}

/* Check that NBITS bits at OFF inside the bm region fit in it and in the file. */
static struct aot_err *make(const struct aot_archive *ar, const char *name, const char *field,
			    uint64_t field_off, uint64_t off, uint64_t nbits, uint64_t first,
			    unsigned slot, uint64_t lo, uint64_t hi, struct aot_bitmap *out)
{
	const struct aot_region *bm = &ar->regions[ar->layout->bm_region];
	uint64_t bytes = nbits / 8 + (nbits % 8 != 0);
	if (nbits > bm->used * 8 || off > bm->used || bytes > bm->used - off)
		return aot_err_input(ar->path, field_off, field,
				     "%s of %llu bits at bm+0x%llx is larger than the bitmap region (%llu bytes used)",
				     name, (unsigned long long)nbits, (unsigned long long)off,
				     (unsigned long long)bm->used);
	if (off > bm->avail || bytes > bm->avail - off)
		return aot_err_input(ar->path, field_off, field,
				     "%s of %llu bits at bm+0x%llx is past the end of the file (it holds %llu bytes "
				     "of the bitmap region)", name, (unsigned long long)nbits, (unsigned long long)off,
				     (unsigned long long)bm->avail);
	*out = (struct aot_bitmap){
		.name = name,
		// An empty map has no bytes: do not point past the file (bm may lie outside it).
		.bits = ar->file->data + (bytes ? bm->file_offset + off : 0),
		.nbits = nbits,
		.file_offset = bm->file_offset + off,
		.first_addr = first,
		.slot_size = slot,
		.lo = lo,
		.hi = hi,
	};
	return NULL;
}

static uint64_t value_or_zero(const struct aot_archive *ar, enum aot_role role)
{
	uint64_t v = 0;
	aot_archive_value(ar, role, &v);
	return v;
}

struct aot_err *aot_archive_bitmaps(const struct aot_archive *ar, const struct aot_region *r,
				    struct aot_bitmap out[2], unsigned *n)
{
	*n = 0;
	struct aot_err *err = aot_archive_require_layout(ar);
	if (err)
		return err;
	const struct aot_hdr_layout *l = ar->layout;
	uint64_t lo = r->addr, hi = r->addr + r->used;
	uint64_t entry = r->header_off;
	if (r->is_bitmap || !r->mappable)
		return NULL;
	if (r->is_heap) {
		unsigned slot = value_or_zero(ar, AOT_R_COMPRESSED_OOPS) ? 4 : 8;
		uint64_t start = value_or_zero(ar, AOT_R_HEAP_OOPMAP_START);
		if (r->oopmap_bits) {
			err = make(ar, "oopmap", "oopmap_offset/oopmap_size_in_bits", entry + 48,
				   r->oopmap_offset, r->oopmap_bits, r->addr + slot * start, slot, lo, hi,
				   &out[(*n)++]);
			if (err)
				return err;
		}
		start = value_or_zero(ar, AOT_R_HEAP_PTRMAP_START);
		if (r->ptrmap_bits) {
			err = make(ar, "ptrmap", "ptrmap_offset/ptrmap_size_in_bits", entry + 64,
				   r->ptrmap_offset, r->ptrmap_bits, r->addr + 8 * start, 8, lo, hi,
				   &out[(*n)++]);
			if (err)
				return err;
		}
		return NULL;
	}
	if (l->ptrmap == AOT_PTRMAP_SINGLE) {
		if (r->index != l->rw_region && r->index != l->ro_region)
			return NULL;
		const struct aot_hdr_field *f = aot_archive_field(ar, AOT_R_PTRMAP_SIZE_IN_BITS);
		const struct aot_region *rw = &ar->regions[l->rw_region];
		return make(ar, "ptrmap", "ptrmap_size_in_bits", f->off, 0,
			    aot_field_read(ar->file->data, f), rw->addr, 8, lo, hi, &out[(*n)++]);
	}
	if (r->ptrmap_bits == 0)
		return NULL;
	uint64_t start = 0;
	if (r->index == l->rw_region)
		start = value_or_zero(ar, AOT_R_RW_PTRMAP_START);
	else if (r->index == l->ro_region)
		start = value_or_zero(ar, AOT_R_RO_PTRMAP_START);
	return make(ar, "ptrmap", "ptrmap_offset/ptrmap_size_in_bits", entry + 64, r->ptrmap_offset,
		    r->ptrmap_bits, r->addr + 8 * start, 8, lo, hi, &out[(*n)++]);
}
