#include "objindex.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "cpool.h"
#include "klass.h"
#include "method.h"
#include "symbol.h"

struct vec {
	struct aot_obj *v;
	size_t n, cap;
	bool oom;
};

static void push(struct vec *x, uint64_t addr, uint64_t size, enum aot_mtype t)
{
	if (x->oom || !addr || !size)
		return;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 4096;
		struct aot_obj *v = realloc(x->v, cap * sizeof(*v));
		if (!v) {
			x->oom = true;
			return;
		}
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = (struct aot_obj){ addr, size, (uint8_t)t };
}

static void add_symbol(struct aot_meta *m, struct vec *x, uint64_t sym)
{
	uint64_t len;
	struct aot_err *err = aot_meta_get(m, sym, AOT_LF_SYMBOL_LENGTH, &len);
	if (err) {
		aot_err_free(err);
		return;
	}
	push(x, sym, aot_symbol_size(m, (size_t)len), AOT_MT_SYMBOL);
}

static void add_cp(struct aot_meta *m, struct vec *x, uint64_t addr)
{
	struct aot_cp cp;
	struct aot_err *err = aot_cp_decode(m, addr, &cp);
	if (err) {
		aot_err_free(err);
		return;
	}
	push(x, addr, cp.size, AOT_MT_CONSTANT_POOL);
	for (int i = 1; i < cp.length; i++) {
		uint8_t tag;
		uint64_t slot;
		if (!aot_ok(aot_meta_u8(m, cp.tags_data + (uint64_t)i, &tag)) ||
		    !aot_ok(aot_meta_u64(m, cp.base + 8 * (uint64_t)i, &slot)))
			break;	// unreadable pool: what was indexed so far stands
		if (tag == AOT_CP_UTF8 || tag == AOT_CP_STRING)
			add_symbol(m, x, slot);
	}
}

static void add_methods(struct aot_meta *m, struct vec *x, uint64_t arr)
{
	uint32_t n;
	uint64_t data;
	if (!arr || !aot_ok(aot_ptr_array(m, arr, &n, &data)))
		return;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t me, cm, words, flags, size;
		if (!aot_ok(aot_meta_u64(m, data + 8 * i, &me)) || aot_meta_vtype(m, me) != AOT_MT_METHOD ||
		    !aot_ok(aot_meta_get(m, me, AOT_LF_METHOD_CONST_METHOD, &cm)) ||
		    !aot_ok(aot_meta_get(m, me, AOT_LF_METHOD_ACCESS_FLAGS, &flags)) ||
		    !aot_ok(aot_meta_get(m, cm, AOT_LF_CM_CONST_METHOD_SIZE, &words)) ||
		    !aot_ok(aot_method_size(m, (uint32_t)flags, &size)))
			continue;
		push(x, me, size, AOT_MT_METHOD);
		push(x, cm, words * 8, AOT_MT_CONST_METHOD);
	}
}

static int by_addr(const void *a, const void *b)
{
	const struct aot_obj *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct aot_err *aot_objindex_build(struct aot_meta *m, struct aot_objindex *ix)
{
	struct aot_class_list l;
	struct aot_err *err = aot_classes_collect(m, &l);
	if (err)
		return err;
	struct vec x = { 0 };
	for (size_t i = 0; i < l.n && !err; i++) {
		struct aot_klass k;
		struct aot_err *e = aot_klass_decode(m, l.v[i].addr, &k);
		if (e) {
			aot_err_free(e);
			continue;
		}
		push(&x, k.addr, k.size, k.type);
		add_symbol(m, &x, k.name_sym);
		if (aot_mtype_is_instance_klass(k.type)) {
			add_methods(m, &x, k.methods);
			add_cp(m, &x, k.constants);
		}
		aot_klass_fini(&k);
	}
	aot_classes_free(&l);
	if (x.oom) {
		free(x.v);
		return &aot_enomem;
	}
	qsort(x.v, x.n, sizeof(*x.v), by_addr);
	// Symbols are shared by many pools: keep one of each.
	size_t w = 0;
	for (size_t i = 0; i < x.n; i++)
		if (!w || x.v[w - 1].addr != x.v[i].addr)
			x.v[w++] = x.v[i];
	ix->v = x.v;
	ix->n = w;
	return NULL;
}

void aot_objindex_free(struct aot_objindex *ix)
{
	free(ix->v);
	ix->v = NULL;
	ix->n = 0;
}

const struct aot_obj *aot_objindex_find(const struct aot_objindex *ix, uint64_t addr,
					const struct aot_obj **before)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct aot_obj *o = lo ? &ix->v[lo - 1] : NULL;
	if (before)
		*before = o;
	return o && addr - o->addr < o->size ? o : NULL;
}

char *aot_obj_name(struct aot_meta *m, const struct aot_obj *o)
{
	char *s = NULL;
	struct aot_err *err = NULL;
	if (aot_mtype_is_klass((enum aot_mtype)o->type)) {
		struct aot_klass k;
		if (!(err = aot_klass_decode(m, o->addr, &k))) {
			s = k.ext_name;
			k.ext_name = NULL;
			aot_klass_fini(&k);
		}
	} else if (o->type == AOT_MT_METHOD) {
		struct aot_method me;
		if (!(err = aot_method_decode(m, o->addr, &me))) {
			s = me.java;
			me.java = NULL;
			aot_method_fini(&me);
		}
	} else if (o->type == AOT_MT_SYMBOL) {
		err = aot_symbol_read(m, o->addr, &s, NULL);
	} else if (o->type == AOT_MT_CONSTANT_POOL) {
		struct aot_cp cp;
		uint64_t holder = 0;
		if (!(err = aot_cp_decode(m, o->addr, &cp)))
			holder = cp.holder;
		struct aot_obj k = { holder, 1, AOT_MT_INSTANCE_KLASS };
		if (!err)
			return aot_obj_name(m, &k);
	}
	aot_err_free(err);
	return s ? s : strdup("");
}

char *aot_objindex_describe(struct aot_meta *m, uint64_t addr)
{
	struct aot_objindex ix;
	struct aot_err *err = aot_objindex_build(m, &ix);
	if (err) {
		aot_err_free(err);
		return NULL;
	}
	const struct aot_obj *o = aot_objindex_find(&ix, addr, NULL);
	char *out = NULL;
	if (o) {
		char *name = aot_obj_name(m, o);
		const char *type = aot_mtype_map_name((enum aot_mtype)o->type);
		int n = addr == o->addr
			? asprintf(&out, "it is %s %s: %s", strchr("AEIOU", type[0]) ? "an" : "a", type,
				   name ? name : "")
			: asprintf(&out, "it is inside %s %s at 0x%" PRIx64 ", at offset %" PRIu64, type,
				   name ? name : "", o->addr, addr - o->addr);
		if (n < 0)
			out = NULL;
		free(name);
	}
	aot_objindex_free(&ix);
	return out;
}
