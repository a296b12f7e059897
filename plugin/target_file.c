#include "target_file.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap.h"

struct region_src {
	const struct aot_archive *ar;
	const struct aot_region *r;
	uint64_t delta;			/* added to marked words */
	struct aot_bitmap maps[2];	/* the maps marking native pointers */
	unsigned nmaps;
};

struct aot_file_mapping {
	struct region_src *srcs;
	size_t n;
};

static struct aot_err *read_region(void *dst, uint64_t addr, size_t len, uint64_t seg_off,
				   void *arg)
{
	const struct region_src *s = arg;
	(void)addr;
	memcpy(dst, s->ar->file->data + s->r->file_offset + seg_off, len);
	if (s->delta == 0)
		return NULL;
	// Relocate every marked word overlapping [seg_off, seg_off + len).
	uint8_t *out = dst;
	uint64_t first_word = seg_off & ~7ULL;
	for (unsigned m = 0; m < s->nmaps; m++) {
		const struct aot_bitmap *bm = &s->maps[m];
		for (uint64_t w = first_word; w < seg_off + len; w += 8) {
			uint64_t bit;
			if (!aot_bitmap_slot(bm, s->r->addr + w, &bit) || !aot_bitmap_test(bm, bit))
				continue;
			uint64_t v;
			memcpy(&v, s->ar->file->data + s->r->file_offset + w, 8);
			v += s->delta;
			const uint8_t *vb = (const uint8_t *)&v;
			for (unsigned b = 0; b < 8; b++) {
				uint64_t o = w + b;
				if (o >= seg_off && o < seg_off + len)
					out[o - seg_off] = vb[b];
			}
		}
	}
	return NULL;
}

static struct aot_err *add_archive(struct aot_target *t, struct aot_file_mapping *m,
				   const struct aot_archive *ar, uint64_t delta)
{
	for (unsigned i = 0; i < ar->nregions; i++) {
		const struct aot_region *r = &ar->regions[i];
		if (!r->mappable)
			continue;
		struct region_src *s = &m->srcs[m->n];
		*s = (struct region_src){ .ar = ar, .r = r, .delta = delta };
		struct aot_bitmap maps[2];
		unsigned n = 0;
		struct aot_err *err = aot_archive_bitmaps(ar, r, maps, &n);
		if (err && ar->damage) {
			/* a file cut short may have lost its bitmap: its words are read as stored */
			aot_err_free(err);
			err = NULL;
			n = 0;
		}
		if (err)
			return err;
		for (unsigned k = 0; k < n; k++)
			if (maps[k].slot_size == 8)	// native pointers, not narrow oops
				s->maps[s->nmaps++] = maps[k];
		uint64_t start = r->is_heap ? r->addr : r->addr + delta;
		if (!r->avail)
			continue;
		err = aot_target_add_segment(t, start, r->avail, read_region, s, "file", r->name);
		if (err) {
			struct aot_err *e2 = aot_errf(AOT_ERR_FORMAT, "%s: %s", ar->path, err->msg);
			aot_err_free(err);
			return e2;
		}
		m->n++;
	}
	return NULL;
}

struct aot_err *aot_file_mapping_create(struct aot_target *t, const struct aot_archive *ar,
					uint64_t delta, struct aot_file_mapping **ret)
{
	struct aot_file_mapping *m = calloc(1, sizeof(*m));
	if (!m)
		return &aot_enomem;
	m->srcs = calloc(2 * AOT_MAX_REGIONS, sizeof(*m->srcs));
	if (!m->srcs) {
		free(m);
		return &aot_enomem;
	}
	struct aot_err *err = NULL;
	if (ar->base)
		err = add_archive(t, m, ar->base, delta);
	if (!err)
		err = add_archive(t, m, ar, delta);
	if (err) {
		aot_file_mapping_destroy(m);
		return err;
	}
	*ret = m;
	return NULL;
}

void aot_file_mapping_destroy(struct aot_file_mapping *m)
{
	if (!m)
		return;
	free(m->srcs);
	free(m);
}
