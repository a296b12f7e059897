/*
 * The object walk's engine: a work list, the set of objects already seen,
 * the pointer-map pass over each object found, and the final pass that lays
 * the objects of each region end to end and names what lies between them.
 * What each type points at is walk_types.c's business.
 */
#include "objwalk.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "bitmap.h"
#include "class_tables.h"
#include "classes.h"
#include "live.h"
#include "objwalk_internal.h"
#include "session.h"

/* More problems than this are counted, not kept: a wrecked file would otherwise flood. */
#define WALK_MAX_PROBLEMS 1000

static size_t hash_slot(const struct aot_walk *w, uint64_t addr)
{
	uint64_t h = (addr >> 3) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 20) & (w->hcap - 1);
}

/* Where ADDR is in the seen set, or the free slot it would take. */
static size_t hash_probe(const struct aot_walk *w, uint64_t addr)
{
	size_t j = hash_slot(w, addr);
	while (w->hkeys[j] && w->hkeys[j] != addr)
		j = (j + 1) & (w->hcap - 1);
	return j;
}

static bool hash_grow(struct aot_walk *w)
{
	size_t cap = w->hcap ? 2 * w->hcap : 1u << 16;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	if (!keys)
		return false;
	uint64_t *old = w->hkeys;
	size_t ocap = w->hcap;
	w->hkeys = keys;
	w->hcap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			keys[hash_probe(w, old[i])] = old[i];
	free(old);
	return true;
}

bool aot_walk_seen(const struct aot_walk *w, uint64_t addr)
{
	return w->hcap && w->hkeys[hash_probe(w, addr)] == addr;
}

/* Add ADDR to the seen set; false if it was there (or memory ran out). */
static bool hash_add(struct aot_walk *w, uint64_t addr)
{
	if (2 * (w->hn + 1) > w->hcap && !hash_grow(w)) {
		w->oom = true;
		return false;
	}
	size_t j = hash_probe(w, addr);
	if (w->hkeys[j])
		return false;
	w->hkeys[j] = addr;
	w->hn++;
	return true;
}

/*
 * Room for one more element in the array *V of *CAP elements of ELEM bytes
 * holding N (doubling, FIRST to start with); false, and W out of memory, if not.
 */
static bool reserve(struct aot_walk *w, void **v, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? 2 * *cap : first;
	void *p = realloc(*v, ncap * elem);
	if (!p) {
		w->oom = true;
		return false;
	}
	*v = p;
	*cap = ncap;
	return true;
}

int aot_walk_region_of(const struct aot_walk *w, uint64_t addr)
{
	for (int i = 0; i < 2; i++)
		if (addr >= w->om->base[i] && addr < w->om->top[i])
			return i;
	return -1;
}

/* ADDR is in the part of rw/ro that a file cut short no longer holds. */
static bool lost(const struct aot_walk *w, uint64_t addr)
{
	for (int r = 0; r < 2; r++) {
		const struct aot_region *reg = aot_archive_region(w->om->ar, r ? "ro" : "rw");
		if (reg && reg->avail < reg->used && addr >= w->om->base[r] + reg->avail && addr < w->om->top[r])
			return true;
	}
	return false;
}

static void add_problem(struct aot_walk *w, uint64_t addr, const char *fmt, va_list ap)
{
	struct aot_objmap *om = w->om;
	if (om->nproblems >= WALK_MAX_PROBLEMS) {
		w->dropped_problems++;
		return;
	}
	if (!(om->nproblems & (om->nproblems + 1))) {
		struct aot_problem *p = realloc(om->problems, 2 * (om->nproblems + 1) * sizeof(*p));
		if (!p) {
			w->oom = true;
			return;
		}
		om->problems = p;
	}
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg) {
		w->oom = true;
		return;
	}
	om->problems[om->nproblems++] = (struct aot_problem){ addr, msg };
}

void aot_walk_problem(struct aot_walk *w, uint64_t addr, const char *fmt, ...)
{
	/* one problem (damage()) says where the file ends; not one per object it cut */
	if (lost(w, addr)) {
		w->lost++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	add_problem(w, addr, fmt, ap);
	va_end(ap);
}

static void problem_at_end(struct aot_walk *w, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem_at_end(struct aot_walk *w, uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_problem(w, addr, fmt, ap);
	va_end(ap);
}

static void problem_err(struct aot_walk *w, uint64_t addr, struct aot_err *err)
{
	aot_walk_problem(w, addr, "%s", err->msg);
	aot_err_free(err);
}

void aot_walk_push(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t owner, uint64_t from)
{
	if (!addr || w->oom)
		return;
	if (aot_walk_region_of(w, addr) < 0) {
		/* A dynamic archive points into its base: those are the base's objects. */
		if (!aot_meta_in_archive(w->m, addr))
			aot_walk_problem(w, from, "pointer 0x%016" PRIx64 " to %s %s is outside the archive",
					 addr, aot_mtype_article(t), aot_mtype_cxx_name(t));
		return;
	}
	if ((addr & 7) && t != AOT_MT_SYMBOL) {
		aot_walk_problem(w, from, "pointer 0x%016" PRIx64 " to %s %s is not aligned", addr,
				 aot_mtype_article(t), aot_mtype_cxx_name(t));
		return;
	}
	if (!hash_add(w, addr) ||
	    !reserve(w, (void **)&w->work, &w->capwork, w->nwork, sizeof(*w->work), 4096))
		return;
	w->work[w->nwork++] = (struct aot_walk_item){ addr, owner, from, (uint8_t)t };
}

static void record(struct aot_walk *w, uint64_t addr, uint64_t size, enum aot_mtype t, uint64_t owner)
{
	struct aot_objmap *om = w->om;
	if (!reserve(w, (void **)&om->v, &w->cap, om->n, sizeof(*om->v), 16384))
		return;
	int r = aot_walk_region_of(w, addr);
	om->v[om->n++] = (struct aot_mobj){ addr, (uint32_t)size, (uint8_t)t, (uint8_t)(r < 0 ? 0 : r), false, owner };
}

size_t aot_u64_lower_bound(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int aot_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* First marked slot at or after ADDR. */
static size_t first_slot(const struct aot_objmap *om, uint64_t addr)
{
	return aot_u64_lower_bound(om->slots, om->nslots, addr);
}

size_t aot_walk_slots(const struct aot_walk *w, uint64_t addr, uint64_t size, size_t *first)
{
	size_t i = first_slot(w->om, addr), j = i;
	while (j < w->om->nslots && w->om->slots[j] < addr + size)
		j++;
	*first = i;
	return j - i;
}

static void add_edge(struct aot_walk *w, uint64_t target, uint64_t off, enum aot_mtype holder)
{
	if (!reserve(w, (void **)&w->edges, &w->capedges, w->nedges, sizeof(*w->edges), 16384))
		return;
	w->edges[w->nedges++] = (struct aot_walk_edge){ target, (uint32_t)off, (uint8_t)holder };
}

/*
 * Every marked slot of [ADDR, ADDR+SIZE) that points at an object with a
 * cloned vtable names that object, whatever field the slot is.  The others
 * are kept: if no rule types their targets, their shape may (walk_infer.c).
 */
static void scan_slots(struct aot_walk *w, uint64_t addr, uint64_t size, enum aot_mtype holder)
{
	const struct aot_objmap *om = w->om;
	for (size_t i = first_slot(om, addr); i < om->nslots && om->slots[i] < addr + size; i++) {
		uint64_t v;
		if (!aot_ok(aot_meta_u64(w->m, om->slots[i], &v)) || !v || (v & 7))
			continue;
		enum aot_mtype t = aot_meta_vtype(w->m, v);
		if (t != AOT_MT_UNKNOWN)
			aot_walk_push(w, v, t, 0, om->slots[i]);
		else if (w->infer && aot_walk_region_of(w, v) >= 0)
			add_edge(w, v, om->slots[i] - addr, holder);
	}
}

static void drain(struct aot_walk *w)
{
	while (w->nwork && !w->oom) {
		struct aot_walk_item it = w->work[--w->nwork];
		uint64_t size = 0, owner = it.owner;
		struct aot_err *err = aot_walk_visit(w, it.addr, (enum aot_mtype)it.type, &size, &owner);
		if (err && err->code == AOT_ERR_FAULT && lost(w, err->addr)) {
			w->lost++;
			aot_err_free(err);
			continue;
		}
		if (err) {
			aot_walk_problem(w, it.addr, "%s %s at 0x%016" PRIx64 " (reached from 0x%016" PRIx64
					 "): %s", aot_mtype_article((enum aot_mtype)it.type),
					 aot_mtype_cxx_name((enum aot_mtype)it.type), it.addr, it.from,
					 err->msg);
			aot_err_free(err);
			continue;
		}
		int r = aot_walk_region_of(w, it.addr);
		if (!size || size > w->om->top[r] - it.addr) {
			aot_walk_problem(w, it.addr, "%s %s at 0x%016" PRIx64 " claims %" PRIu64
					 " bytes, past the end of its region", aot_mtype_article((enum aot_mtype)it.type),
					 aot_mtype_cxx_name((enum aot_mtype)it.type), it.addr, size);
			continue;
		}
		record(w, it.addr, size, (enum aot_mtype)it.type, owner);
		scan_slots(w, it.addr, size, (enum aot_mtype)it.type);
	}
}

static struct aot_err *collect_slots(struct aot_walk *w)
{
	struct aot_objmap *om = w->om;
	const struct aot_archive *ar = om->ar;
	size_t cap = 0;
	for (int i = 0; i < 2; i++) {
		const struct aot_region *r = aot_archive_region(ar, i ? "ro" : "rw");
		struct aot_bitmap bm[2];
		unsigned nbm = 0;
		struct aot_err *err = r ? aot_archive_bitmaps(ar, r, bm, &nbm) : NULL;
		if (err)
			return err;
		for (unsigned b = 0; b < nbm; b++) {
			for (uint64_t j = aot_bitmap_next(&bm[b], 0); j < bm[b].nbits; j = aot_bitmap_next(&bm[b], j + 1)) {
				uint64_t a = aot_bitmap_addr(&bm[b], j);
				if (a < bm[b].lo || a >= bm[b].hi)
					continue;
				if (!reserve(w, (void **)&om->slots, &cap, om->nslots, sizeof(*om->slots), 65536))
					return &aot_enomem;
				om->slots[om->nslots++] = aot_meta_from_requested(w->m, ar, a);
			}
		}
	}
	/* The two maps (or one map cut in two) come in address order. */
	for (size_t i = 1; i < om->nslots; i++)
		if (om->slots[i] <= om->slots[i - 1])
			return aot_err_input(ar->path, 0, "pointer map", "marked slots out of order at 0x%016" PRIx64,
					     om->slots[i]);
	return NULL;
}

static struct aot_err *set_regions(struct aot_walk *w)
{
	struct aot_objmap *om = w->om;
	const struct aot_archive *ar = om->ar;
	uint64_t align = 0;
	if (!aot_archive_value(ar, AOT_R_CORE_REGION_ALIGNMENT, &align) || !align || (align & (align - 1)) ||
	    align > (1u << 30))
		return aot_err_input(ar->path, aot_archive_field_off(ar, AOT_R_CORE_REGION_ALIGNMENT),
				     "core_region_alignment", "expected a power of two, found %" PRIu64, align);
	for (int i = 0; i < 2; i++) {
		const struct aot_region *r = aot_archive_region(ar, i ? "ro" : "rw");
		if (!r || !r->mappable)
			return aot_errf(AOT_ERR_FORMAT, "%s: no %s region", ar->path, i ? "ro" : "rw");
		om->base[i] = aot_meta_from_requested(w->m, ar, r->addr);
		om->top[i] = om->base[i] + r->used;
		om->end[i] = (om->top[i] + align - 1) & ~(align - 1);
	}
	return NULL;
}

static int cmp_mobj(const void *a, const void *b)
{
	const struct aot_mobj *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void aot_walk_sort(struct aot_walk *w)
{
	if (w->om->n)
		qsort(w->om->v, w->om->n, sizeof(*w->om->v), cmp_mobj);
}

/*
 * Lay each region's objects end to end: what lies between two objects is an
 * Unknown object, overlaps are problems, and what follows the last object is
 * the JVM's "Misc data" (tables and the serialized stream).
 */
static void lay_out(struct aot_walk *w)
{
	struct aot_objmap *om = w->om;
	aot_walk_sort(w);
	size_t n = om->n;
	for (int r = 0; r < 2; r++) {
		uint64_t cur = 0;
		om->first[r] = om->misc[r] = om->end[r];
		for (size_t i = 0; i < n; i++) {
			struct aot_mobj *p = &om->v[i];
			if (p->region != r)
				continue;
			/* The JVM reserves one word before an InstanceKlass for its RunTimeClassInfo pointer. */
			p->info_word = aot_mtype_is_instance_klass((enum aot_mtype)p->type) && (!cur || p->addr >= cur + 8);
			const struct aot_mobj o = *p;
			if (!cur) {
				om->first[r] = o.addr;
				cur = o.addr + o.size;	/* what precedes the first object (the vtables) the JVM leaves unnamed */
				continue;
			}
			if (o.addr < cur) {
				aot_walk_problem(w, o.addr, "%s at 0x%016" PRIx64 " overlaps the object before it "
						 "(which ends at 0x%016" PRIx64 ")", aot_mtype_map_name((enum aot_mtype)o.type),
						 o.addr, cur);
			} else if (o.addr > cur && o.addr - cur > (o.info_word ? 8u : 0u)) {
				/* the info word is the class's, not unknown */
				uint64_t gap = o.addr - cur - (o.info_word ? 8 : 0);
				record(w, cur, gap, AOT_MT_UNKNOWN, 0);
				om->unknown++;
				om->unknown_bytes += gap;
			}
			if (o.addr + o.size > cur)
				cur = o.addr + o.size;
		}
		if (cur)
			om->misc[r] = cur;
	}
	aot_walk_sort(w);
}

/*
 * Without its class tables (a damaged or truncated archive), every word of
 * rw and ro that holds a cloned vtable's address starts an object of that
 * type: enough roots for the walk to salvage what is left.
 */
static void vptr_roots(struct aot_walk *w)
{
	for (int r = 0; r < 2; r++) {
		const struct aot_region *reg = aot_archive_region(w->om->ar, r ? "ro" : "rw");
		uint64_t end = w->om->base[r] + (reg ? reg->avail : 0);
		for (uint64_t a = w->om->base[r]; a + 8 <= end && !w->oom; a += 8) {
			enum aot_mtype t = aot_meta_vtype(w->m, a);
			if (t != AOT_MT_UNKNOWN)
				aot_walk_push(w, a, t, 0, 0);
		}
	}
}

/* Where a file cut short ends, as a problem at the first address it lost. */
static void damage(struct aot_walk *w)
{
	const struct aot_archive *ar = w->om->ar;
	for (int r = 0; r < 2; r++) {
		const struct aot_region *reg = aot_archive_region(ar, r ? "ro" : "rw");
		if (reg && reg->avail < reg->used)
			problem_at_end(w, w->om->base[r] + reg->avail, "%s ends here, 0x%" PRIx64 " bytes into "
					 "its %s region of 0x%" PRIx64 ": %s", ar->path, reg->avail, reg->name,
					 reg->used, ar->damage ? ar->damage->msg : "");
	}
}

static struct aot_err *build(struct aot_meta *m, const struct aot_archive *ar, struct aot_objmap *om)
{
	/* Only a layout without DWARF leaves fields untyped: walk_infer.c's shapes stand in. */
	struct aot_walk w = { .m = m, .om = om, .infer = !aot_meta_has(m, AOT_LF_IK_RECORD_COMPONENTS) };
	om->ar = ar;
	struct aot_err *err = set_regions(&w);
	if (err)
		return err;
	damage(&w);
	if ((err = collect_slots(&w))) {
		aot_walk_problem(&w, 0, "the pointer maps: %s", err->msg);
		aot_err_free(err);
		free(om->slots);
		om->slots = NULL;
		om->nslots = 0;
	}
	struct aot_class_list cl;
	if ((err = aot_classes_collect(m, &cl))) {
		aot_walk_problem(&w, err->addr, "the class tables: %s; objects found by their vtables instead",
				 err->msg);
		aot_err_free(err);
		vptr_roots(&w);
	} else {
		for (size_t i = 0; i < cl.n; i++)
			if (cl.v[i].ar == ar)
				aot_walk_push(&w, cl.v[i].addr, cl.v[i].type, 0, 0);
		aot_classes_free(&cl);
	}
	uint64_t *syms;
	size_t nsyms;
	err = aot_symbol_table(m->s, ar, &syms, &nsyms);
	if (err) {
		problem_err(&w, 0, err);
	} else {
		for (size_t i = 0; i < nsyms; i++)
			aot_walk_push(&w, syms[i], AOT_MT_SYMBOL, 0, 0);
		free(syms);
	}
	drain(&w);
	aot_walk_roots(&w);
	drain(&w);
	/* what the base's walk learned of untyped fields (walk_infer.c) */
	if (w.infer && ar->base && !aot_ok(aot_objmap_get(m, ar->base, &w.base_om)))
		w.base_om = NULL;
	/* Each round of inference shrinks the gaps the next one measures. */
	for (int round = 0; round < 4 && w.infer && aot_walk_infer(&w); round++)
		drain(&w);
	lay_out(&w);
	om->inferred = w.inferred;
	free(w.hkeys);
	free(w.work);
	free(w.edges);
	if (w.lost)
		aot_walk_problem(&w, 0, "%zu objects could not be read: the file ends before them", w.lost);
	if (w.dropped_problems)
		aot_walk_problem(&w, 0, "%zu more problems not listed", w.dropped_problems);
	return w.oom ? &aot_enomem : NULL;
}

void aot_objmap_free(struct aot_objmap *om)
{
	if (!om)
		return;
	for (size_t i = 0; i < om->nproblems; i++)
		free(om->problems[i].msg);
	free(om->problems);
	free(om->v);
	free(om->slots);
	free(om->learned);
	free(om);
}

struct aot_err *aot_objmap_get(struct aot_meta *m, const struct aot_archive *ar,
			       const struct aot_objmap **ret)
{
	if (!ar)
		ar = m->s->archives[0];
	for (unsigned i = 0; i < m->nobjmaps; i++) {
		if (m->objmaps[i]->ar == ar) {
			*ret = m->objmaps[i];
			return NULL;
		}
	}
	if (m->nobjmaps == sizeof(m->objmaps) / sizeof(m->objmaps[0]))
		return aot_errf(AOT_ERR_USAGE, "too many object maps");
	struct aot_objmap *om = calloc(1, sizeof(*om));
	if (!om)
		return &aot_enomem;
	// The archive as archived: a running JVM points its objects at ones it made since.
	struct aot_target *now = m->t, *archived = aot_live_archived(m->s->live);
	m->t = archived ? archived : now;
	struct aot_err *err = build(m, ar, om);
	m->t = now;
	if (err) {
		aot_objmap_free(om);
		return err;
	}
	m->objmaps[m->nobjmaps++] = om;
	*ret = om;
	return NULL;
}

const struct aot_mobj *aot_objmap_find(const struct aot_objmap *om, uint64_t addr,
				       const struct aot_mobj **before)
{
	size_t lo = 0, hi = om->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (om->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct aot_mobj *b = lo ? &om->v[lo - 1] : NULL;
	if (before)
		*before = b;
	return b && addr - b->addr < b->size ? b : NULL;
}
