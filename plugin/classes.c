#include "classes.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "class_tables.h"

/* More classes than any archive could hold: a cap against corrupt links. */
#define MAX_CLASSES (1u << 22)

struct set {
	struct aot_class_entry *v;
	size_t n, cap;
	uint64_t *hash;		/* open addressing on addr; 0 = empty */
	size_t hcap;
};

static size_t hslot(uint64_t a, size_t cap)
{
	return (size_t)((a >> 3) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static bool set_has(const struct set *st, uint64_t a)
{
	if (!st->hcap)
		return false;
	for (size_t i = hslot(a, st->hcap);; i = (i + 1) & (st->hcap - 1)) {
		if (st->hash[i] == a)
			return true;
		if (!st->hash[i])
			return false;
	}
}

static struct aot_err *set_grow(struct set *st)
{
	size_t hcap = st->hcap ? st->hcap * 2 : 4096;
	uint64_t *h = calloc(hcap, sizeof(*h));
	if (!h)
		return &aot_enomem;
	for (size_t i = 0; i < st->n; i++) {
		size_t j = hslot(st->v[i].addr, hcap);
		while (h[j])
			j = (j + 1) & (hcap - 1);
		h[j] = st->v[i].addr;
	}
	free(st->hash);
	st->hash = h;
	st->hcap = hcap;
	return NULL;
}

static struct aot_err *set_add(struct set *st, const struct aot_class_entry *e)
{
	if (st->n >= MAX_CLASSES)
		return aot_errf(AOT_ERR_FORMAT, "more than %u classes: the class links are corrupt",
				MAX_CLASSES);
	if ((st->n + 1) * 2 > st->hcap) {
		struct aot_err *err = set_grow(st);
		if (err)
			return err;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 1024;
		struct aot_class_entry *v = realloc(st->v, cap * sizeof(*v));
		if (!v)
			return &aot_enomem;
		st->v = v;
		st->cap = cap;
	}
	st->v[st->n++] = *e;
	size_t j = hslot(e->addr, st->hcap);
	while (st->hash[j])
		j = (j + 1) & (st->hcap - 1);
	st->hash[j] = e->addr;
	return NULL;
}

/* Add ADDR if it is an archived Klass not seen yet. */
static struct aot_err *consider(struct aot_meta *m, struct set *st, uint64_t addr,
				enum aot_found_by by)
{
	if (!addr || set_has(st, addr))
		return NULL;
	enum aot_mtype t = aot_meta_vtype(m, addr);
	if (!aot_mtype_is_klass(t) || !aot_meta_in_archive(m, addr))
		return NULL;
	struct aot_class_entry e = { .addr = addr, .type = t, .found_by = (uint8_t)by,
				     .ar = aot_meta_archive_of(m, addr, NULL) };
	return set_add(st, &e);
}

static struct aot_err *follow_array(struct aot_meta *m, struct set *st, uint64_t arr)
{
	uint32_t n;
	uint64_t data;
	if (!arr || !aot_meta_in_archive(m, arr))
		return NULL;
	struct aot_err *err = aot_ptr_array(m, arr, &n, &data);
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t k;
		err = aot_meta_u64(m, data + 8 * i, &k);
		if (!err)
			err = consider(m, st, k, AOT_FOUND_LINK);
	}
	return err;
}

/* The classes a class names: what the JVM must have archived with it. */
static struct aot_err *follow(struct aot_meta *m, struct set *st, uint64_t addr)
{
	struct aot_klass k;
	struct aot_err *err = aot_klass_decode(m, addr, &k);
	if (err)
		return err;
	uint64_t next[] = { k.super, k.array_klasses, k.higher_dimension, k.lower_dimension,
			    k.element_klass, k.bottom_klass };
	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]) && !err; i++)
		err = consider(m, st, next[i], AOT_FOUND_LINK);
	if (!err)
		err = follow_array(m, st, k.local_interfaces);
	if (!err)
		err = follow_array(m, st, k.transitive_interfaces);
	aot_klass_fini(&k);
	return err;
}

static struct aot_err *from_tables(struct aot_meta *m, struct set *st)
{
	for (unsigned i = 0; i < m->s->narchives; i++) {
		for (const struct aot_archive *ar = m->s->archives[i]; ar; ar = ar->base) {
			const struct aot_table_class *tc;
			size_t n = 0;
			struct aot_err *err = aot_meta_class_tables(m, ar, &tc, &n);
			for (size_t j = 0; j < n && !err; j++)
				err = consider(m, st, tc[j].addr, AOT_FOUND_TABLE);
			if (err)
				return err;
		}
	}
	return NULL;
}

/* Objects in rw whose first word (a marked pointer slot) is a Klass vtable. */
static struct aot_err *from_vtables(struct aot_meta *m, struct set *st,
				    const struct aot_archive *ar)
{
	const struct aot_region *rw = aot_archive_region(ar, "rw");
	if (!rw)
		return NULL;
	struct aot_bitmap bm[2];
	unsigned nbm;
	struct aot_err *err = aot_archive_bitmaps(ar, rw, bm, &nbm);
	for (unsigned b = 0; b < nbm && !err; b++) {
		for (uint64_t i = aot_bitmap_next(&bm[b], 0); i < bm[b].nbits && !err;
		     i = aot_bitmap_next(&bm[b], i + 1)) {
			uint64_t slot = aot_bitmap_addr(&bm[b], i);
			if (slot < bm[b].lo || slot >= bm[b].hi)
				continue;
			err = consider(m, st, aot_meta_from_requested(m, ar, slot), AOT_FOUND_VTABLE);
		}
	}
	return err;
}

static int by_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct aot_class_entry *)a)->addr;
	uint64_t y = ((const struct aot_class_entry *)b)->addr;
	return x < y ? -1 : x > y;
}

struct aot_err *aot_classes_collect(struct aot_meta *m, struct aot_class_list *out)
{
	struct set st = { 0 };
	struct aot_err *err = from_tables(m, &st);
	for (size_t i = 0; i < st.n && !err; i++)
		err = follow(m, &st, st.v[i].addr);
	size_t closed = st.n;
	for (unsigned i = 0; i < m->s->narchives && !err; i++)
		for (const struct aot_archive *ar = m->s->archives[i]; ar && !err; ar = ar->base)
			err = from_vtables(m, &st, ar);
	for (size_t i = closed; i < st.n && !err; i++)
		err = follow(m, &st, st.v[i].addr);
	free(st.hash);
	if (err) {
		free(st.v);
		return err;
	}
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < st.n; i++) {
		if (st.v[i].found_by == AOT_FOUND_TABLE)
			out->by_table++;
		else if (st.v[i].found_by == AOT_FOUND_LINK && i < closed)
			out->by_link++;
		else
			st.v[i].found_by = AOT_FOUND_VTABLE, out->by_vtable++;
	}
	qsort(st.v, st.n, sizeof(*st.v), by_addr);
	out->v = st.v;
	out->n = st.n;
	return NULL;
}

void aot_classes_free(struct aot_class_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
