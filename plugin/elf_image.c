#include "elf_image.h"

#include <stdlib.h>
#include <string.h>

#include "ctor_emul.h"

/* No libjvm has more than a few thousand static initializers. */
#define MAX_INIT_FUNCS 65536
/* Largest segment we copy; libjvm's biggest is about 20 MB. */
#define MAX_SEGMENT (1ull << 30)

struct img_seg {
	uint64_t vaddr, memsz;
	uint8_t *bytes;		/* memsz bytes: the file's, zero-filled past filesz */
	bool executable;
};

struct aot_elf_image {
	struct aot_elf *elf;
	struct img_seg segs[16];
	size_t nsegs;
	struct aot_ctor_store *stores;	/* sorted by address */
	size_t nstores;
	struct aot_ctor_stats stats;
};

static struct img_seg *seg_of(const struct aot_elf_image *im, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < im->nsegs; i++) {
		const struct img_seg *s = &im->segs[i];
		if (addr >= s->vaddr && addr - s->vaddr <= s->memsz && len <= s->memsz - (addr - s->vaddr))
			return (struct img_seg *)s;
	}
	return NULL;
}

bool aot_elf_image_read(const struct aot_elf_image *im, uint64_t addr, void *dst, uint64_t len)
{
	const struct img_seg *s = seg_of(im, addr, len);
	if (!s)
		return false;
	memcpy(dst, s->bytes + (addr - s->vaddr), len);
	return true;
}

static const uint8_t *code_at(void *arg, uint64_t addr, size_t *avail)
{
	const struct aot_elf_image *im = arg;
	const struct img_seg *s = seg_of(im, addr, 1);
	if (!s || !s->executable)
		return NULL;
	*avail = s->memsz - (addr - s->vaddr);
	return s->bytes + (addr - s->vaddr);
}

static bool load_at(void *arg, uint64_t addr, void *dst, size_t len)
{
	return aot_elf_image_read(arg, addr, dst, len);
}

static struct aot_err *copy_segments(struct aot_elf_image *im)
{
	const uint8_t *file;
	uint64_t fsize = aot_elf_bytes(im->elf, &file);
	const char *path = aot_elf_path(im->elf);
	for (size_t i = 0; i < aot_elf_load_count(im->elf); i++) {
		const struct aot_elf_load *l = aot_elf_load_at(im->elf, i);
		if (im->nsegs == sizeof(im->segs) / sizeof(*im->segs))
			return aot_err_input(path, 0, "PT_LOAD", "too many loadable segments");
		if (l->memsz > MAX_SEGMENT)
			return aot_err_input(path, l->offset, "PT_LOAD",
					     "segment of 0x%llx bytes is larger than any libjvm's",
					     (unsigned long long)l->memsz);
		if (l->offset > fsize || l->filesz > fsize - l->offset)
			return aot_err_input(path, l->offset, "PT_LOAD",
					     "segment's 0x%llx file bytes extend past the end of the file (size 0x%llx)",
					     (unsigned long long)l->filesz, (unsigned long long)fsize);
		for (size_t j = 0; j < im->nsegs; j++) {
			const struct img_seg *o = &im->segs[j];
			if (l->vaddr < o->vaddr + o->memsz && o->vaddr < l->vaddr + l->memsz)
				return aot_err_input(path, l->offset, "PT_LOAD",
						     "segment at 0x%llx overlaps another",
						     (unsigned long long)l->vaddr);
		}
		struct img_seg *s = &im->segs[im->nsegs];
		s->bytes = calloc(1, l->memsz ? l->memsz : 1);
		if (!s->bytes)
			return &aot_enomem;
		memcpy(s->bytes, file + l->offset, l->filesz);
		s->vaddr = l->vaddr;
		s->memsz = l->memsz;
		s->executable = l->executable;
		im->nsegs++;
	}
	return NULL;
}

static void write_bytes(struct aot_elf_image *im, uint64_t addr, const void *src, size_t len)
{
	struct img_seg *s = seg_of(im, addr, len);
	if (s)
		memcpy(s->bytes + (addr - s->vaddr), src, len);
}

static struct aot_err *apply_relocs(struct aot_elf_image *im)
{
	const struct aot_elf_reloc *r;
	size_t n;
	struct aot_err *err = aot_elf_relocs(im->elf, &r, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		write_bytes(im, r[i].where, &r[i].value, r[i].size);
	return NULL;
}

/* The .init_array entries, already relocated in the image. */
static struct aot_err *init_functions(struct aot_elf_image *im, uint64_t **ret, size_t *count)
{
	uint64_t start, size;
	*ret = NULL;
	*count = 0;
	// The dynamic linker finds them through DT_INIT_ARRAY; so do the section headers.
	struct aot_err *err = aot_elf_section_range(im->elf, ".init_array", &start, &size);
	if (err) {
		if (err->code != AOT_ERR_NOT_FOUND)
			return err;
		aot_err_free(err);
		return NULL;
	}
	size_t n = size / 8;
	if (n > MAX_INIT_FUNCS)
		return aot_err_input(aot_elf_path(im->elf), 0, ".init_array",
				     "%zu entries is more than the %u we accept", n, MAX_INIT_FUNCS);
	uint64_t *f = malloc((n ? n : 1) * sizeof(*f));
	if (!f)
		return &aot_enomem;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		if (aot_elf_image_read(im, start + 8 * i, &v, 8) && v != 0 && v != ~0ull)
			f[k++] = v;
	}
	*ret = f;
	*count = k;
	return NULL;
}

static struct aot_err *replay_ctors(struct aot_elf_image *im)
{
	uint64_t *funcs;
	size_t n;
	struct aot_err *err = init_functions(im, &funcs, &n);
	if (err)
		return err;
	struct aot_ctor_mem mem = { .code = code_at, .load = load_at, .arg = im };
	err = aot_ctor_replay(&mem, funcs, n, &im->stores, &im->nstores, &im->stats);
	free(funcs);
	if (err)
		return err;
	for (size_t i = 0; i < im->nstores; i++)
		if (im->stores[i].known)
			write_bytes(im, im->stores[i].addr, im->stores[i].bytes, im->stores[i].size);
	return NULL;
}

struct aot_err *aot_elf_image_create(struct aot_elf *e, struct aot_elf_image **ret)
{
	struct aot_elf_image *im = calloc(1, sizeof(*im));
	if (!im)
		return &aot_enomem;
	im->elf = e;
	struct aot_err *err = copy_segments(im);
	if (!err)
		err = apply_relocs(im);
	if (!err)
		err = replay_ctors(im);
	if (err) {
		aot_elf_image_destroy(im);
		return err;
	}
	*ret = im;
	return NULL;
}

void aot_elf_image_destroy(struct aot_elf_image *im)
{
	if (!im)
		return;
	for (size_t i = 0; i < im->nsegs; i++)
		free(im->segs[i].bytes);
	free(im->stores);
	free(im);
}

static struct aot_err *read_seg(void *dst, uint64_t addr, size_t len, uint64_t seg_off, void *arg)
{
	const struct img_seg *s = arg;
	(void)addr;
	memcpy(dst, s->bytes + seg_off, len);
	return NULL;
}

struct aot_err *aot_elf_image_add_to(struct aot_elf_image *im, struct aot_target *t, uint64_t bias)
{
	for (size_t i = 0; i < im->nsegs; i++) {
		struct img_seg *s = &im->segs[i];
		struct aot_err *err = aot_target_add_segment(t, s->vaddr + bias, s->memsz, read_seg, s,
							     "libjvm", NULL);
		if (err)
			return err;
	}
	return NULL;
}

enum aot_image_origin aot_elf_image_origin(const struct aot_elf_image *im, uint64_t addr,
					   uint64_t len)
{
	// Stores are sorted by address and at most 16 bytes long (rep stos: smaller).
	size_t lo = 0, hi = im->nstores;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (im->stores[mid].addr + 16 <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	enum aot_image_origin o = AOT_IMG_STATIC;
	for (size_t i = lo; i < im->nstores && im->stores[i].addr < addr + len; i++) {
		const struct aot_ctor_store *st = &im->stores[i];
		if (st->addr + st->size <= addr)
			continue;
		if (!st->known)
			return AOT_IMG_UNKNOWN;
		o = AOT_IMG_CTOR;
	}
	return o;
}

const struct aot_ctor_stats *aot_elf_image_ctor_stats(const struct aot_elf_image *im)
{
	return &im->stats;
}
