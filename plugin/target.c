#include "target.h"

#include <stdlib.h>
#include <string.h>

struct aot_target {
	struct aot_segment *segs;	/* sorted by start, non-overlapping */
	size_t n, cap;
};

struct aot_err *aot_target_create(struct aot_target **ret)
{
	struct aot_target *t = calloc(1, sizeof(*t));
	if (!t)
		return &aot_enomem;
	*ret = t;
	return NULL;
}

void aot_target_destroy(struct aot_target *t)
{
	if (!t)
		return;
	free(t->segs);
	free(t);
}

/* Index of the first segment whose end is above ADDR. */
static size_t seg_lower_bound(const struct aot_target *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->segs[mid].start + t->segs[mid].len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct aot_err *aot_target_add_segment(struct aot_target *t, uint64_t start, uint64_t len,
				       aot_read_fn *fn, void *arg, const char *origin,
				       const char *name)
{
	if (len == 0)
		return NULL;
	if (start + len < start)
		return aot_errf(AOT_ERR_FORMAT, "%s: range 0x%llx+0x%llx wraps around the address space",
				name ? name : "segment", (unsigned long long)start,
				(unsigned long long)len);
	size_t i = seg_lower_bound(t, start);
	if (i < t->n && t->segs[i].start < start + len)
		return aot_errf(AOT_ERR_FORMAT,
				"%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
				name ? name : "segment", (unsigned long long)start,
				(unsigned long long)(start + len),
				t->segs[i].name ? t->segs[i].name : "segment",
				(unsigned long long)t->segs[i].start,
				(unsigned long long)(t->segs[i].start + t->segs[i].len));
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct aot_segment *segs = realloc(t->segs, cap * sizeof(*segs));
		if (!segs)
			return &aot_enomem;
		t->segs = segs;
		t->cap = cap;
	}
	memmove(&t->segs[i + 1], &t->segs[i], (t->n - i) * sizeof(*t->segs));
	t->segs[i] = (struct aot_segment){
		.start = start, .len = len, .read = fn, .arg = arg, .origin = origin, .name = name,
	};
	t->n++;
	return NULL;
}

struct aot_err *aot_target_read(struct aot_target *t, void *dst, uint64_t addr, size_t len)
{
	uint8_t *out = dst;
	size_t i = seg_lower_bound(t, addr);
	while (len > 0) {
		if (i >= t->n || t->segs[i].start > addr)
			return aot_err_fault(addr, "cannot read 0x%llx: not in any mapped region",
					     (unsigned long long)addr);
		const struct aot_segment *s = &t->segs[i];
		uint64_t off = addr - s->start;
		size_t n = s->len - off < len ? (size_t)(s->len - off) : len;
		struct aot_err *err = s->read(out, addr, n, off, s->arg);
		if (err)
			return err;
		out += n;
		addr += n;
		len -= n;
		i++;
	}
	return NULL;
}

struct aot_err *aot_target_read_u64(struct aot_target *t, uint64_t addr, uint64_t *ret)
{
	return aot_target_read(t, ret, addr, sizeof(*ret));
}

struct aot_err *aot_target_read_u32(struct aot_target *t, uint64_t addr, uint32_t *ret)
{
	return aot_target_read(t, ret, addr, sizeof(*ret));
}

const struct aot_segment *aot_target_find(const struct aot_target *t, uint64_t addr)
{
	size_t i = seg_lower_bound(t, addr);
	if (i < t->n && t->segs[i].start <= addr)
		return &t->segs[i];
	return NULL;
}

size_t aot_target_segment_count(const struct aot_target *t)
{
	return t->n;
}

const struct aot_segment *aot_target_segment(const struct aot_target *t, size_t i)
{
	return i < t->n ? &t->segs[i] : NULL;
}
