/* The name column of the JVM's map log: what each type's line says after its size. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpool.h"
#include "jname.h"
#include "klass.h"
#include "method.h"
#include "objwalk.h"
#include "symbol.h"

/* The last class and pool named: consecutive objects share them. */
struct aot_name_cache {
	uint64_t klass, cp;
	char *klass_name;
	struct aot_cp cpv;
};

void aot_name_cache_free(struct aot_name_cache *c)
{
	if (c)
		free(c->klass_name);
	free(c);
}

static struct aot_name_cache *cache(struct aot_meta *m)
{
	if (!m->names)
		m->names = calloc(1, sizeof(*m->names));
	return m->names;
}

/* Klass::external_name: its name symbol, '/' as '.'; the last one asked is kept (a class's methods come together). */
static char *klass_name(struct aot_meta *m, uint64_t addr)
{
	struct aot_name_cache *c = cache(m);
	if (!c)
		return NULL;
	if (c->klass != addr || !c->klass_name) {
		uint64_t sym;
		char *internal = NULL;
		if (!aot_ok(aot_meta_get(m, addr, AOT_LF_KLASS_NAME, &sym)) ||
		    !aot_ok(aot_symbol_read(m, sym, &internal, NULL)))
			return NULL;
		free(c->klass_name);
		c->klass_name = aot_jname_class(internal);
		c->klass = c->klass_name ? addr : 0;
		free(internal);
		if (!c->klass_name)
			return NULL;
	}
	return strdup(c->klass_name);
}

/* "ret Holder.name(args)", from the ConstMethod's pool (the last pool read is kept). */
static char *method_name(struct aot_meta *m, uint64_t addr)
{
	struct aot_name_cache *c = cache(m);
	uint64_t cm, cp, name_index, sig_index;
	if (!c)
		return NULL;
	if (!aot_ok(aot_meta_get(m, addr, AOT_LF_METHOD_CONST_METHOD, &cm)) ||
	    !aot_ok(aot_meta_get(m, cm, AOT_LF_CM_CONSTANTS, &cp)) ||
	    !aot_ok(aot_meta_get(m, cm, AOT_LF_CM_NAME_INDEX, &name_index)) ||
	    !aot_ok(aot_meta_get(m, cm, AOT_LF_CM_SIGNATURE_INDEX, &sig_index)))
		return NULL;
	if (c->cp != cp) {
		c->cp = 0;
		if (!aot_ok(aot_cp_decode(m, cp, &c->cpv)))
			return NULL;
		c->cp = cp;
	}
	char *name = NULL, *sig = NULL, *holder = klass_name(m, c->cpv.holder), *s = NULL;
	if (aot_ok(aot_cp_utf8(m, &c->cpv, (int)name_index, &name)) &&
	    aot_ok(aot_cp_utf8(m, &c->cpv, (int)sig_index, &sig)))
		s = aot_jname_method(holder ? holder : "?", name, sig);
	free(name);
	free(sig);
	free(holder);
	return s;
}

/*
 * The Method a ConstMethod's line names: ConstMethod::method(), its pool
 * holder's method with its idnum (InstanceKlass::method_with_idnum).  That
 * is not always the Method that owns it: an archived MethodHandle intrinsic
 * shares its holder and idnum with a method of MethodHandle.
 */
static uint64_t const_method_method(struct aot_meta *m, uint64_t cm, uint64_t owner)
{
	uint64_t cp, holder, methods, idnum, mid;
	uint32_t n;
	uint64_t data, meth;
	if (!aot_ok(aot_meta_get(m, cm, AOT_LF_CM_CONSTANTS, &cp)) || !cp ||
	    !aot_ok(aot_meta_get(m, cp, AOT_LF_CP_POOL_HOLDER, &holder)) || !holder ||
	    !aot_ok(aot_meta_get(m, holder, AOT_LF_IK_METHODS, &methods)) || !methods ||
	    !aot_ok(aot_meta_get(m, cm, AOT_LF_CM_METHOD_IDNUM, &idnum)) ||
	    !aot_ok(aot_meta_array(m, methods, AOT_LF_ARRAY_METHOD_DATA, 1u << 16, &n, &data)))
		return owner;
	for (uint64_t i = 0; i <= n; i++) {
		/* first the slot at the idnum, then every slot in order */
		uint64_t k = i == 0 ? idnum : i - 1;
		if (k >= n || !aot_ok(aot_meta_u64(m, data + 8 * k, &meth)) || !meth ||
		    !aot_ok(aot_meta_get(m, meth, AOT_LF_METHOD_CONST_METHOD, &mid)) ||
		    !aot_ok(aot_meta_get(m, mid, AOT_LF_CM_METHOD_IDNUM, &mid)))
			continue;
		if (mid == idnum)
			return meth;
	}
	return owner;
}

static char *cp_holder_name(struct aot_meta *m, uint64_t cp)
{
	uint64_t holder;
	if (!aot_ok(aot_meta_get(m, cp, AOT_LF_CP_POOL_HOLDER, &holder)))
		return NULL;
	return klass_name(m, holder);
}

/* Symbol::as_quoted_ascii: printable ASCII as is, everything else as \uXXXX of its UTF-16 units. */
static char *quoted_ascii(const char *s, size_t len)
{
	char *out = malloc(6 * len + 1), *p = out;
	if (!out)
		return NULL;
	const unsigned char *u = (const unsigned char *)s, *end = u + len;
	while (u < end) {
		uint32_t c = *u++;
		if (c >= 0x80) {
			/* modified UTF-8: 2- and 3-byte forms; a bad byte is taken as it is */
			if ((c & 0xe0) == 0xc0 && u < end) {
				c = ((c & 0x1f) << 6) | (*u++ & 0x3f);
			} else if ((c & 0xf0) == 0xe0 && end - u >= 2) {
				c = ((c & 0x0f) << 12) | ((uint32_t)(u[0] & 0x3f) << 6) | (u[1] & 0x3f);
				u += 2;
			}
		}
		if (c >= 32 && c < 127)
			*p++ = (char)c;
		else
			p += sprintf(p, "\\u%04x", c & 0xffff);
	}
	*p = 0;
	return out;
}

static char *symbol_name(struct aot_meta *m, uint64_t addr)
{
	char *s;
	size_t len;
	if (!aot_ok(aot_symbol_read(m, addr, &s, &len)))
		return NULL;
	char *q = quoted_ascii(s, len);
	free(s);
	return q;
}

/* The text of the Symbol field F of OBJ, as is (NULL if null or unreadable). */
static char *symbol_field(struct aot_meta *m, uint64_t obj, enum aot_lf f)
{
	uint64_t sym;
	char *s;
	size_t len;
	if (!aot_ok(aot_meta_get(m, obj, f, &sym)) || !sym || !aot_ok(aot_symbol_read(m, sym, &s, &len)))
		return NULL;
	return s;
}

/* ModuleEntry::name_as_C_string */
static char *module_name(struct aot_meta *m, uint64_t me)
{
	char *s = symbol_field(m, me, AOT_LF_ME_NAME);
	return s ? s : strdup("unnamed module");
}

/* "module - package", the package in internal form */
static char *package_name(struct aot_meta *m, uint64_t pe)
{
	uint64_t me;
	char *mod = aot_ok(aot_meta_get(m, pe, AOT_LF_PE_MODULE, &me)) && me ? module_name(m, me) : NULL;
	char *pkg = symbol_field(m, pe, AOT_LF_PE_NAME), *s = NULL;
	if (mod && pkg && asprintf(&s, "%s - %s", mod, pkg) < 0)
		s = NULL;
	free(mod);
	free(pkg);
	return s;
}

/* "length (capacity)" */
static char *growable_name(struct aot_meta *m, uint64_t ga)
{
	uint64_t len, cap;
	char *s = NULL;
	if (aot_ok(aot_meta_get(m, ga, AOT_LF_GA_LEN, &len)) && aot_ok(aot_meta_get(m, ga, AOT_LF_GA_CAPACITY, &cap)) &&
	    asprintf(&s, "%d (%d)", (int)len, (int)cap) < 0)
		s = NULL;
	return s;
}

/* KlassTrainingData: Symbol::as_klass_external_name of the holder's name, '/' as '.'. */
static char *td_klass_name(struct aot_meta *m, uint64_t ik)
{
	char *s = symbol_field(m, ik, AOT_LF_KLASS_NAME);
	for (char *p = s; p && *p; p++)
		if (*p == '/')
			*p = '.';
	return s;
}

/* CompileTrainingData: "level method" */
static char *ctd_name(struct aot_meta *m, const struct aot_mobj *o)
{
	uint64_t level;
	char *meth = o->owner ? method_name(m, o->owner) : NULL, *s = NULL;
	if (meth && aot_ok(aot_meta_get(m, o->addr, AOT_LF_CTD_LEVEL, &level)) &&
	    asprintf(&s, "%d %s", (int)(int16_t)level, meth) < 0)
		s = NULL;
	free(meth);
	return s;
}

/* The names 26+ print for the AOT cache types; 25 prints none. */
static char *aot_type_name(struct aot_meta *m, const struct aot_mobj *o)
{
	if (m->feature < 26)
		return NULL;
	switch ((enum aot_mtype)o->type) {
	case AOT_MT_METHOD_COUNTERS:
	case AOT_MT_METHOD_DATA:
	case AOT_MT_METHOD_TRAINING_DATA: return o->owner ? method_name(m, o->owner) : NULL;
	case AOT_MT_KLASS_TRAINING_DATA: return o->owner ? td_klass_name(m, o->owner) : NULL;
	case AOT_MT_COMPILE_TRAINING_DATA: return ctd_name(m, o);
	case AOT_MT_MODULE_ENTRY: return module_name(m, o->addr);
	case AOT_MT_PACKAGE_ENTRY: return package_name(m, o->addr);
	case AOT_MT_GROWABLE_ARRAY: return growable_name(m, o->addr);
	default: return NULL;
	}
}

char *aot_mobj_name(struct aot_meta *m, const struct aot_mobj *o)
{
	char *s = NULL;
	enum aot_mtype t = (enum aot_mtype)o->type;
	if (aot_mtype_is_klass(t))
		s = klass_name(m, o->addr);
	else if (t == AOT_MT_METHOD)
		s = method_name(m, o->addr);
	else if (t == AOT_MT_CONST_METHOD)
		s = o->owner ? method_name(m, const_method_method(m, o->addr, o->owner)) : NULL;
	else if (t == AOT_MT_CONSTANT_POOL)
		s = cp_holder_name(m, o->addr);
	else if (t == AOT_MT_CONSTANT_POOL_CACHE)
		s = o->owner ? cp_holder_name(m, o->owner) : NULL;
	else if (t == AOT_MT_SYMBOL)
		s = symbol_name(m, o->addr);
	else
		s = aot_type_name(m, o);
	return s;
}

bool aot_mobj_has_name(const struct aot_meta *m, const struct aot_mobj *o)
{
	enum aot_mtype t = (enum aot_mtype)o->type;
	if (aot_mtype_is_klass(t))
		return true;
	switch (t) {
	case AOT_MT_METHOD:
	case AOT_MT_CONST_METHOD:
	case AOT_MT_CONSTANT_POOL:
	case AOT_MT_CONSTANT_POOL_CACHE:
	case AOT_MT_SYMBOL:
		return true;
	case AOT_MT_METHOD_COUNTERS:
	case AOT_MT_METHOD_DATA:
		return m->feature >= 26;
	/* without a holder the JVM prints no name */
	case AOT_MT_KLASS_TRAINING_DATA:
	case AOT_MT_METHOD_TRAINING_DATA:
	case AOT_MT_COMPILE_TRAINING_DATA:
		return m->feature >= 26 && o->owner;
	case AOT_MT_MODULE_ENTRY:
	case AOT_MT_PACKAGE_ENTRY:
	case AOT_MT_GROWABLE_ARRAY:
		return true;
	default:
		return false;
	}
}

char *aot_objmap_describe(struct aot_meta *m, uint64_t addr)
{
	const struct aot_archive *ar = aot_meta_archive_of(m, addr, NULL);
	const struct aot_objmap *om;
	if (!ar || !aot_ok(aot_objmap_get(m, ar, &om)))
		return NULL;
	const struct aot_mobj *o = aot_objmap_find(om, addr, NULL);
	if (!o)
		return NULL;
	char *out = NULL, *name = aot_mobj_name(m, o);
	const char *type = aot_mtype_map_name((enum aot_mtype)o->type);
	int n = addr == o->addr
		? asprintf(&out, "it is %s %s%s%s", strchr("AEIOU", type[0]) ? "an" : "a", type,
			   name ? ": " : "", name ? name : "")
		: asprintf(&out, "it is inside %s%s%s at 0x%" PRIx64 ", at offset %" PRIu64, type,
			   name ? " " : "", name ? name : "", o->addr, addr - o->addr);
	free(name);
	return n < 0 ? NULL : out;
}
