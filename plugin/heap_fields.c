/*
 * What heap objects hold: their classes (cached per heap), the fields of
 * those classes named as the JVM names them, a String's characters and
 * what a java.lang.Class mirror stands for.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "class_tables.h"
#include "cpool.h"
#include "fieldinfo.h"
#include "heap.h"
#include "heap_priv.h"
#include "klass_extra.h"
#include "symbol.h"

/* No class has a deeper superclass chain; a corrupt one may loop. */
#define MAX_SUPERS 256
/* JVM_ACC_STATIC: a field's class-file flag. */
#define ACC_STATIC 0x0008
/* Klass::_has_aot_initialized_mirror (klass.hpp, 25 to 27). */
#define AOT_INITIALIZED_MIRROR (1u << 6)

static void field_free(struct aot_heap_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].sig);
	}
	free(f);
}

static void class_free(struct aot_heap_class *c)
{
	aot_klass_fini(&c->k);
	field_free(c->fields, c->nfields);
	field_free(c->statics, c->nstatics);
	free(c);
}

void aot_heap_priv_free(struct aot_heap *h)
{
	struct aot_heap_priv *p = h->p;
	if (!p)
		return;
	for (size_t i = 0; i < p->cap; i++)
		if (p->tab[i].c)
			class_free(p->tab[i].c);
	free(p->tab);
	free(p->vmsyms);
	aot_err_free(p->vmsyms_err);
}

static size_t slot_of(const struct aot_heap_priv *p, uint64_t addr)
{
	uint64_t x = addr * 0x9e3779b97f4a7c15ull;
	return (size_t)(x >> 17) & (p->cap - 1);
}

static struct aot_err *cache_put(struct aot_heap_priv *p, struct aot_heap_class *c)
{
	if (2 * (p->n + 1) > p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		struct heap_klass_slot *old = p->tab, *tab = calloc(cap, sizeof(*tab));
		if (!tab)
			return &aot_enomem;
		size_t ocap = p->cap;
		p->tab = tab;
		p->cap = cap;
		for (size_t i = 0; i < ocap; i++) {
			if (!old[i].c)
				continue;
			size_t j = slot_of(p, old[i].addr);
			while (tab[j].c)
				j = (j + 1) & (cap - 1);
			tab[j] = old[i];
		}
		free(old);
	}
	size_t j = slot_of(p, c->k.addr);
	while (p->tab[j].c)
		j = (j + 1) & (p->cap - 1);
	p->tab[j] = (struct heap_klass_slot){ c->k.addr, c };
	p->n++;
	return NULL;
}

static struct aot_heap_class *cache_get(const struct aot_heap_priv *p, uint64_t addr)
{
	if (!p->cap)
		return NULL;
	for (size_t j = slot_of(p, addr); p->tab[j].c; j = (j + 1) & (p->cap - 1))
		if (p->tab[j].addr == addr)
			return p->tab[j].c;
	return NULL;
}

/* How arrays of C are laid out: the layout helper's tag, header size, element type and size. */
static struct aot_err *array_layout(struct aot_heap *h, struct aot_heap_class *c)
{
	const struct aot_heap_priv *p = h->p;
	int32_t lh = c->k.layout_helper;
	int tag = lh >> p->lh_tag_shift;	/* arithmetic: the tag is the top bits, sign included */
	bool obj = c->k.type == AOT_MT_OBJ_ARRAY_KLASS;
	c->is_array = true;
	c->is_obj_array = obj;
	c->hdr_size = (unsigned)((lh >> p->lh_hsize_shift) & p->lh_hsize_mask);
	c->elem_type = (unsigned)((lh >> p->lh_etype_shift) & p->lh_etype_mask);
	c->log2_esize = (unsigned)((lh >> p->lh_l2_shift) & p->lh_l2_mask);
	if (tag != (obj ? p->lh_tag_obj : p->lh_tag_type) || c->log2_esize > 3 ||
	    c->hdr_size < h->length_off + 4 || c->hdr_size > 32)
		return aot_errf(AOT_ERR_FORMAT, "%s at 0x%" PRIx64 ": layout helper 0x%08x is not that of "
				"%s array", c->k.ext_name, c->k.addr, (uint32_t)lh,
				obj ? "an object" : "a primitive");
	return NULL;
}

/* Klass::has_aot_initialized_mirror(), where DWARF locates the flags. */
static int aot_inited(struct aot_heap *h, const struct aot_heap_class *c)
{
	enum aot_lf f = h->feature <= 25 ? AOT_LF_KLASS_SHARED_CLASS_FLAGS : AOT_LF_KLASS_AOT_CLASS_FLAGS;
	uint64_t v;
	if (h->feature < 25 || !aot_meta_has(h->m, f) || !aot_ok(aot_meta_get(h->m, c->k.addr, f, &v)))
		return -1;
	return (v & AOT_INITIALIZED_MIRROR) != 0;
}

struct aot_err *aot_heap_class_at(struct aot_heap *h, uint64_t klass, struct aot_heap_class **ret)
{
	struct aot_heap_class *c = cache_get(h->p, klass);
	if (c) {
		*ret = c;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return &aot_enomem;
	struct aot_err *err = aot_klass_decode(h->m, klass, &c->k);
	if (err) {
		free(c);
		return err;
	}
	if (c->k.layout_helper < 0) {
		if (aot_mtype_is_instance_klass(c->k.type))
			err = aot_errf(AOT_ERR_FORMAT, "%s at 0x%" PRIx64 ": an instance class with an "
				       "array's layout helper 0x%08x", c->k.ext_name, klass,
				       (uint32_t)c->k.layout_helper);
		else
			err = array_layout(h, c);
	} else if (!aot_mtype_is_instance_klass(c->k.type)) {
		err = aot_errf(AOT_ERR_FORMAT, "%s at 0x%" PRIx64 ": an array class with layout helper "
			       "0x%08x", c->k.ext_name, klass, (uint32_t)c->k.layout_helper);
	}
	c->aot_inited = aot_inited(h, c);
	if (!err)
		err = cache_put(h->p, c);
	if (err) {
		class_free(c);
		return err;
	}
	*ret = c;
	return NULL;
}

struct aot_err *aot_heap_vmsym(struct aot_heap *h, unsigned id, char **ret)
{
	struct aot_heap_priv *p = h->p;
	if (!p->vmsyms_done) {
		p->vmsyms_done = true;
		p->vmsyms_err = aot_vm_symbols(h->m->s, h->ar, &p->vmsyms, &p->nvmsyms);
	}
	if (p->vmsyms_err)
		return aot_err_copy(p->vmsyms_err);
	if (id == 0 || id >= p->nvmsyms || !p->vmsyms[id])
		return aot_errf(AOT_ERR_NOT_FOUND, "vmSymbol %u is not among the archive's %zu", id,
				p->nvmsyms);
	return aot_symbol_read(h->m, p->vmsyms[id], ret, NULL);
}

/* A field record's name and signature: constant pool entries, or vmSymbols when injected. */
static void field_names(struct aot_heap *h, const struct aot_cp *cp, const struct aot_field *r,
			struct aot_heap_field *f)
{
	struct aot_err *err;
	if (r->injected) {
		if ((err = aot_heap_vmsym(h, r->name_index, &f->name)))
			aot_err_free(err);
		if ((err = aot_heap_vmsym(h, r->signature_index, &f->sig)))
			aot_err_free(err);
		return;
	}
	if ((err = aot_cp_utf8(h->m, cp, r->name_index, &f->name)))
		aot_err_free(err);
	if ((err = aot_cp_utf8(h->m, cp, r->signature_index, &f->sig)))
		aot_err_free(err);
}

static int by_offset(const void *a, const void *b)
{
	const struct aot_heap_field *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * C's own fields: instance ones appended to *INST (sorted among
 * themselves, as InstanceKlass::print_nonstatic_fields sorts each class's),
 * static ones to *STAT in stream order when STAT is given.
 */
static struct aot_err *own_fields(struct aot_heap *h, const struct aot_heap_class *c,
				  struct aot_heap_field **inst, size_t *ni, struct aot_heap_field **stat,
				  size_t *ns)
{
	struct aot_field *r;
	uint32_t n;
	struct aot_cp cp;
	struct aot_err *err = aot_cp_decode(h->m, c->k.constants, &cp);
	if (!err)
		err = aot_klass_field_records(h->m, &c->k, &r, &n);
	if (err)
		return err;
	struct aot_heap_field *a = realloc(*inst, (*ni + n + 1) * sizeof(*a));
	struct aot_heap_field *s = stat ? realloc(*stat, (*ns + n + 1) * sizeof(*s)) : NULL;
	if (a)
		*inst = a;
	if (s)
		*stat = s;
	if (!a || (stat && !s)) {
		free(r);
		return &aot_enomem;
	}
	size_t first = *ni;
	for (uint32_t i = 0; i < n; i++) {
		bool st = r[i].is_static || (r[i].access_flags & ACC_STATIC);
		if (st && !stat)
			continue;
		struct aot_heap_field *f = st ? &s[(*ns)++] : &a[(*ni)++];
		memset(f, 0, sizeof(*f));
		f->offset = r[i].offset;
		f->access = r[i].access_flags;
		f->injected = r[i].injected;
		f->is_static = st;
		field_names(h, &cp, &r[i], f);
	}
	free(r);
	qsort(a + first, *ni - first, sizeof(*a), by_offset);
	return NULL;
}

struct aot_err *aot_heap_class_fields(struct aot_heap *h, struct aot_heap_class *c)
{
	if (c->fields_done || c->is_array)
		return NULL;
	const struct aot_heap_class *chain[MAX_SUPERS];
	size_t depth = 0;
	struct aot_err *err = NULL;
	for (const struct aot_heap_class *k = c; k; depth++) {
		if (depth == MAX_SUPERS)
			return aot_errf(AOT_ERR_FORMAT, "%s at 0x%" PRIx64 ": more than %d superclasses",
					c->k.ext_name, c->k.addr, MAX_SUPERS);
		chain[depth] = k;
		struct aot_heap_class *s = NULL;
		if (k->k.super && (err = aot_heap_class_at(h, k->k.super, &s)))
			return err;
		k = s;
	}
	struct aot_heap_field *inst = NULL, *stat = NULL;
	size_t ni = 0, ns = 0;
	for (size_t i = depth; i-- > 0 && !err;)
		err = own_fields(h, chain[i], &inst, &ni, i == 0 ? &stat : NULL, &ns);
	if (err) {
		field_free(inst, ni);
		field_free(stat, ns);
		return err;
	}
	c->fields = inst;
	c->nfields = ni;
	c->statics = stat;
	c->nstatics = ns;
	c->fields_done = true;
	return NULL;
}

/* The offset of C's instance field NAME, or -1. */
static int field_offset(const struct aot_heap_class *c, const char *name)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (c->fields[i].name && !strcmp(c->fields[i].name, name))
			return (int)c->fields[i].offset;
	return -1;
}

/* java.lang.Class's injected fields: what every mirror is read through. */
static struct aot_err *class_offsets(struct aot_heap *h, struct aot_heap_class *c)
{
	struct aot_heap_priv *p = h->p;
	if (p->class_done)
		return NULL;
	struct aot_err *err = aot_heap_class_fields(h, c);
	if (err)
		return err;
	p->class_klass = field_offset(c, "klass");
	p->class_array_klass = field_offset(c, "array_klass");
	p->class_oop_size = field_offset(c, "oop_size");
	p->class_static_oop_count = field_offset(c, "static_oop_field_count");
	if (p->class_klass < 0 || p->class_array_klass < 0 || p->class_oop_size < 0)
		return aot_errf(AOT_ERR_FORMAT, "java.lang.Class at 0x%" PRIx64 " lacks one of its injected "
				"fields klass, array_klass, oop_size", c->k.addr);
	p->class_done = true;
	return NULL;
}

struct aot_err *aot_heap_mirror_size(struct aot_heap *h, const struct aot_heap_obj *o, int32_t *words)
{
	struct aot_err *err = class_offsets(h, o->cls);
	if (!err)
		err = aot_target_read(h->m->t, words, o->addr + (uint64_t)h->p->class_oop_size, 4);
	return err;
}

struct aot_err *aot_heap_mirror(struct aot_heap *h, const struct aot_heap_obj *o, uint64_t *klass,
				uint64_t *array_klass)
{
	struct aot_err *err = class_offsets(h, o->cls);
	if (!err)
		err = aot_target_read_u64(h->m->t, o->addr + (uint64_t)h->p->class_klass, klass);
	if (!err)
		err = aot_target_read_u64(h->m->t, o->addr + (uint64_t)h->p->class_array_klass, array_klass);
	return err;
}

struct aot_err *aot_heap_string(struct aot_heap *h, const struct aot_heap_obj *o, uint16_t **chars,
				size_t *n, bool *latin1)
{
	struct aot_heap_priv *p = h->p;
	*chars = NULL;
	*n = 0;
	*latin1 = true;
	if (!p->string_done) {
		struct aot_err *err = aot_heap_class_fields(h, o->cls);
		if (err)
			return err;
		p->string_value = field_offset(o->cls, "value");
		p->string_coder = field_offset(o->cls, "coder");
		p->string_done = true;
	}
	if (p->string_value < 0)
		return aot_errf(AOT_ERR_FORMAT, "java.lang.String has no field 'value'");
	uint64_t va;
	uint32_t nv;
	uint8_t coder = 0;
	struct aot_err *err = aot_heap_ref(h, o->addr + (uint64_t)p->string_value, &va, &nv);
	if (!err && p->string_coder >= 0)
		err = aot_target_read(h->m->t, &coder, o->addr + (uint64_t)p->string_coder, 1);
	if (err || !va)
		return err;
	struct aot_heap_obj v;
	if ((err = aot_heap_decode(h, va, &v)))
		return err;
	if (v.kind != AOT_HOBJ_TYPE_ARRAY || v.cls->log2_esize != 0)
		return aot_heap_errf(h, o->addr, "value", "String's value 0x%" PRIx64 " is a %s, not a "
				     "byte[]", va, v.cls->k.ext_name);
	*latin1 = coder == 0;
	size_t len = (size_t)v.length, units = *latin1 ? len : len / 2;
	uint8_t *bytes = malloc(len + 1);
	uint16_t *u = malloc((units + 1) * sizeof(*u));
	if (!bytes || !u) {
		free(bytes);
		free(u);
		return &aot_enomem;
	}
	err = aot_target_read(h->m->t, bytes, aot_heap_elem_addr(&v, 0), len);
	for (size_t i = 0; !err && i < units; i++)
		u[i] = *latin1 ? bytes[i] : (uint16_t)(bytes[2 * i] | bytes[2 * i + 1] << 8);
	free(bytes);
	if (err) {
		free(u);
		return err;
	}
	*chars = u;
	*n = units;
	return NULL;
}

bool aot_heap_native_ptr(struct aot_heap *h, uint64_t addr)
{
	struct aot_heap_priv *p = h->p;
	if (!p->ptrmap_done) {
		p->ptrmap_done = true;
		struct aot_bitmap maps[2];
		unsigned n = 0;
		for (unsigned i = 0; i < h->nregions && !p->have_ptrmap; i++) {
			if (!aot_ok(aot_archive_bitmaps(h->ar, h->regions[i].r, maps, &n)))
				continue;
			for (unsigned k = 0; k < n; k++)
				if (maps[k].slot_size == 8) {
					p->ptrmap = maps[k];
					p->have_ptrmap = true;
				}
		}
	}
	uint64_t bit;
	return p->have_ptrmap && aot_bitmap_slot(&p->ptrmap, addr, &bit) && aot_bitmap_test(&p->ptrmap, bit);
}

struct aot_heap_class *aot_heap_filler_class(struct aot_heap *h)
{
	struct aot_heap_priv *p = h->p;
	if (p->filler_done)
		return p->filler_cls;
	p->filler_done = true;
	const struct aot_table_class *tc;
	size_t n;
	if (!aot_ok(aot_meta_class_tables(h->m, h->ar, &tc, &n)))
		return NULL;
	for (size_t i = 0; i < n && !p->filler_cls; i++) {
		struct aot_heap_class *c;
		if (tc[i].source == AOT_CSRC_UNIVERSE && aot_ok(aot_heap_class_at(h, tc[i].addr, &c)) &&
		    !strcmp(c->k.name, "[Ljdk/internal/vm/FillerElement;"))
			p->filler_cls = c;
	}
	return p->filler_cls;
}
