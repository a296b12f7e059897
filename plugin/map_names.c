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

static char *klass_name(struct aot_meta *m, uint64_t addr)
{
	struct aot_klass k;
	if (!aot_ok(aot_klass_decode(m, addr, &k)))
		return NULL;
	char *s = k.ext_name;
	k.ext_name = NULL;
	aot_klass_fini(&k);
	return s;
}

static char *method_name(struct aot_meta *m, uint64_t addr)
{
	struct aot_method me;
	if (!aot_ok(aot_method_decode(m, addr, &me)))
		return NULL;
	char *s = me.java;
	me.java = NULL;
	aot_method_fini(&me);
	return s;
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

char *aot_mobj_name(struct aot_meta *m, const struct aot_mobj *o)
{
	char *s = NULL;
	enum aot_mtype t = (enum aot_mtype)o->type;
	if (aot_mtype_is_klass(t))
		s = klass_name(m, o->addr);
	else if (t == AOT_MT_METHOD)
		s = method_name(m, o->addr);
	else if (t == AOT_MT_CONST_METHOD)
		s = o->owner ? method_name(m, o->owner) : NULL;
	else if (t == AOT_MT_CONSTANT_POOL)
		s = cp_holder_name(m, o->addr);
	else if (t == AOT_MT_CONSTANT_POOL_CACHE)
		s = o->owner ? cp_holder_name(m, o->owner) : NULL;
	else if (t == AOT_MT_SYMBOL)
		s = symbol_name(m, o->addr);
	else if ((t == AOT_MT_METHOD_COUNTERS || t == AOT_MT_METHOD_DATA) && m->feature >= 26)
		s = o->owner ? method_name(m, o->owner) : NULL;
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
