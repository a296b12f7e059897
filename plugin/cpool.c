#include "cpool.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klass.h"
#include "symbol.h"

/* u2 indices: a pool cannot be longer. */
#define MAX_CP_LENGTH 65536

const char *aot_cp_tag_name(unsigned tag)
{
	switch (tag) {
	case 0: return "Invalid";
	case AOT_CP_UTF8: return "Utf8";
	case AOT_CP_INTEGER: return "Integer";
	case AOT_CP_FLOAT: return "Float";
	case AOT_CP_LONG: return "Long";
	case AOT_CP_DOUBLE: return "Double";
	case AOT_CP_CLASS: return "Class";
	case AOT_CP_STRING: return "String";
	case AOT_CP_FIELDREF: return "Fieldref";
	case AOT_CP_METHODREF: return "Methodref";
	case AOT_CP_INTERFACE_METHODREF: return "InterfaceMethodref";
	case AOT_CP_NAME_AND_TYPE: return "NameAndType";
	case AOT_CP_METHOD_HANDLE: return "MethodHandle";
	case AOT_CP_METHOD_TYPE: return "MethodType";
	case AOT_CP_DYNAMIC: return "Dynamic";
	case AOT_CP_INVOKE_DYNAMIC: return "InvokeDynamic";
	case AOT_CP_MODULE: return "Module";
	case AOT_CP_PACKAGE: return "Package";
	case AOT_CP_UNRESOLVED_CLASS: return "UnresolvedClass";
	case AOT_CP_CLASS_INDEX: return "ClassIndex";
	case AOT_CP_STRING_INDEX: return "StringIndex";
	case AOT_CP_UNRESOLVED_CLASS_IN_ERROR: return "UnresolvedClassInError";
	case AOT_CP_METHOD_HANDLE_IN_ERROR: return "MethodHandleInError";
	case AOT_CP_METHOD_TYPE_IN_ERROR: return "MethodTypeInError";
	case AOT_CP_DYNAMIC_IN_ERROR: return "DynamicInError";
	default: return "?";
	}
}

struct aot_err *aot_cp_decode(struct aot_meta *m, uint64_t addr, struct aot_cp *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->addr = addr;
	enum aot_mtype t = aot_meta_vtype(m, addr);
	if (t != AOT_MT_CONSTANT_POOL)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a ConstantPool%s%s %s%s", addr,
				t ? " (it is " : "", t ? aot_mtype_article(t) : "",
				t ? aot_mtype_cxx_name(t) : "", t ? ")" : "");
	uint64_t v, sz, data_off;
	int64_t len;
	struct aot_err *err = aot_meta_get(m, addr, AOT_LF_CP_TAGS, &cp->tags);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_CP_POOL_HOLDER, &cp->holder);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_CP_CACHE, &cp->cache);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_CP_RESOLVED_KLASSES, &cp->resolved_klasses);
	if (!err)
		err = aot_meta_get_signed(m, addr, AOT_LF_CP_LENGTH, &len);
	if (!err)
		err = aot_meta_off(m, AOT_LF_SIZEOF_CONSTANT_POOL, &sz);
	if (!err)
		err = aot_meta_off(m, AOT_LF_ARRAY_U1_DATA, &data_off);
	if (err)
		return err;
	if (len < 0 || len > MAX_CP_LENGTH)
		return aot_errf(AOT_ERR_FORMAT, "ConstantPool at 0x%" PRIx64 ": length %" PRId64, addr, len);
	cp->length = (int32_t)len;
	cp->base = addr + sz;
	cp->tags_data = cp->tags + data_off;
	cp->size = (sz + 8 * (uint64_t)len + 7) & ~7ull;
	struct {
		enum aot_lf f;
		uint16_t *dst;
	} u2s[] = {
		{ AOT_LF_CP_MAJOR_VERSION, &cp->major },
		{ AOT_LF_CP_MINOR_VERSION, &cp->minor },
		{ AOT_LF_CP_SOURCE_FILE_NAME_INDEX, &cp->source_file_index },
		{ AOT_LF_CP_GENERIC_SIGNATURE_INDEX, &cp->generic_signature_index },
	};
	for (size_t i = 0; i < sizeof(u2s) / sizeof(u2s[0]); i++)
		if (aot_ok(aot_meta_get(m, addr, u2s[i].f, &v)))
			*u2s[i].dst = (uint16_t)v;
	return NULL;
}

static struct aot_err *check_index(const struct aot_cp *cp, int idx)
{
	if (idx <= 0 || idx >= cp->length)
		return aot_errf(AOT_ERR_NOT_FOUND, "constant pool index %d is outside 1..%d of the pool "
				"at 0x%" PRIx64, idx, cp->length - 1, cp->addr);
	return NULL;
}

struct aot_err *aot_cp_tag(struct aot_meta *m, const struct aot_cp *cp, int idx, uint8_t *tag)
{
	struct aot_err *err = check_index(cp, idx);
	return err ? err : aot_meta_u8(m, cp->tags_data + (uint64_t)idx, tag);
}

struct aot_err *aot_cp_slot(struct aot_meta *m, const struct aot_cp *cp, int idx, uint64_t *v)
{
	struct aot_err *err = check_index(cp, idx);
	return err ? err : aot_meta_u64(m, cp->base + 8 * (uint64_t)idx, v);
}

static struct aot_err *expect_tag(struct aot_meta *m, const struct aot_cp *cp, int idx,
				  const uint8_t *ok, size_t nok, uint8_t *tag)
{
	struct aot_err *err = aot_cp_tag(m, cp, idx, tag);
	if (err)
		return err;
	for (size_t i = 0; i < nok; i++)
		if (*tag == ok[i])
			return NULL;
	return aot_errf(AOT_ERR_FORMAT, "constant pool entry %d of 0x%" PRIx64 " is a %s, not a %s",
			idx, cp->addr, aot_cp_tag_name(*tag), aot_cp_tag_name(ok[0]));
}

struct aot_err *aot_cp_utf8(struct aot_meta *m, const struct aot_cp *cp, int idx, char **ret)
{
	static const uint8_t ok[] = { AOT_CP_UTF8, AOT_CP_STRING };
	uint8_t tag;
	uint64_t sym;
	struct aot_err *err = expect_tag(m, cp, idx, ok, 2, &tag);
	if (!err)
		err = aot_cp_slot(m, cp, idx, &sym);
	return err ? err : aot_symbol_read(m, sym, ret, NULL);
}

struct aot_err *aot_cp_class(struct aot_meta *m, const struct aot_cp *cp, int idx, char **ret,
			     uint64_t *klass)
{
	static const uint8_t ok[] = { AOT_CP_CLASS, AOT_CP_UNRESOLVED_CLASS,
				      AOT_CP_UNRESOLVED_CLASS_IN_ERROR };
	uint8_t tag;
	uint64_t slot;
	*klass = 0;
	struct aot_err *err = expect_tag(m, cp, idx, ok, 3, &tag);
	if (!err)
		err = aot_cp_slot(m, cp, idx, &slot);
	if (err)
		return err;
	// CPKlassSlot: the name index in the high half, the resolved-klass index in the low.
	unsigned name_index = (slot >> 16) & 0xffff, resolved = slot & 0xffff;
	if (tag == AOT_CP_CLASS && cp->resolved_klasses) {
		uint32_t n;
		uint64_t data, k;
		if (aot_ok(aot_ptr_array(m, cp->resolved_klasses, &n, &data)) && resolved < n &&
		    aot_ok(aot_meta_u64(m, data + 8 * resolved, &k)))
			*klass = k;
	}
	return aot_cp_utf8(m, cp, (int)name_index, ret);
}

static char *joined(const char *a, const char *sep, const char *b, const char *sep2, const char *c)
{
	size_t n = strlen(a) + strlen(sep) + strlen(b) + strlen(sep2) + strlen(c) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s%s%s%s", a, sep, b, sep2, c);
	return s;
}

/* "name:sig" of the NameAndType entry IDX. */
static struct aot_err *name_and_type(struct aot_meta *m, const struct aot_cp *cp, int idx,
				     char **ret)
{
	static const uint8_t ok[] = { AOT_CP_NAME_AND_TYPE };
	uint8_t tag;
	uint64_t slot;
	char *name = NULL, *sig = NULL;
	struct aot_err *err = expect_tag(m, cp, idx, ok, 1, &tag);
	if (!err)
		err = aot_cp_slot(m, cp, idx, &slot);
	if (!err)
		err = aot_cp_utf8(m, cp, (int)(slot & 0xffff), &name);
	if (!err)
		err = aot_cp_utf8(m, cp, (int)((slot >> 16) & 0xffff), &sig);
	if (!err && !(*ret = joined(name, ":", sig, "", "")))
		err = &aot_enomem;
	free(name);
	free(sig);
	return err;
}

static struct aot_err *member_ref(struct aot_meta *m, const struct aot_cp *cp, uint64_t slot,
				  char **ret)
{
	char *klass = NULL, *nt = NULL;
	uint64_t k;
	struct aot_err *err = aot_cp_class(m, cp, (int)(slot & 0xffff), &klass, &k);
	if (!err)
		err = name_and_type(m, cp, (int)((slot >> 16) & 0xffff), &nt);
	if (!err && !(*ret = joined(klass, ".", nt, "", "")))
		err = &aot_enomem;
	free(klass);
	free(nt);
	return err;
}

static char *printed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printed(const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

struct aot_err *aot_cp_describe(struct aot_meta *m, const struct aot_cp *cp, int idx,
				uint8_t *tag, char **ret)
{
	uint64_t slot;
	struct aot_err *err = aot_cp_tag(m, cp, idx, tag);
	if (!err)
		err = aot_cp_slot(m, cp, idx, &slot);
	if (err)
		return err;
	uint64_t k;
	union {
		uint32_t u;
		float f;
	} fl = { .u = (uint32_t)slot };
	union {
		uint64_t u;
		double d;
	} db;
	*ret = NULL;
	switch (*tag) {
	case AOT_CP_UTF8:
	case AOT_CP_STRING:
		return aot_cp_utf8(m, cp, idx, ret);
	case AOT_CP_CLASS:
	case AOT_CP_UNRESOLVED_CLASS:
	case AOT_CP_UNRESOLVED_CLASS_IN_ERROR:
		return aot_cp_class(m, cp, idx, ret, &k);
	case AOT_CP_INTEGER:
		*ret = printed("%d", (int32_t)slot);
		break;
	case AOT_CP_FLOAT:
		*ret = printed("%gf", (double)fl.f);
		break;
	case AOT_CP_LONG:
	case AOT_CP_DOUBLE:
		// Two slots; the value is the first one's 8 bytes.
		if (*tag == AOT_CP_LONG) {
			*ret = printed("%" PRId64 "l", (int64_t)slot);
		} else {
			db.u = slot;
			*ret = printed("%gd", db.d);
		}
		break;
	case AOT_CP_FIELDREF:
	case AOT_CP_METHODREF:
	case AOT_CP_INTERFACE_METHODREF:
		return member_ref(m, cp, slot, ret);
	case AOT_CP_NAME_AND_TYPE:
		return name_and_type(m, cp, idx, ret);
	case AOT_CP_METHOD_TYPE:
	case AOT_CP_METHOD_TYPE_IN_ERROR:
		return aot_cp_utf8(m, cp, (int)(slot & 0xffff), ret);
	case AOT_CP_METHOD_HANDLE:
	case AOT_CP_METHOD_HANDLE_IN_ERROR:
		*ret = printed("kind %u, #%u", (unsigned)(slot & 0xffff), (unsigned)((slot >> 16) & 0xffff));
		break;
	case AOT_CP_DYNAMIC:
	case AOT_CP_DYNAMIC_IN_ERROR:
	case AOT_CP_INVOKE_DYNAMIC: {
		char *nt = NULL;
		err = name_and_type(m, cp, (int)((slot >> 16) & 0xffff), &nt);
		if (err)
			return err;
		*ret = printed("#%u:%s", (unsigned)(slot & 0xffff), nt);
		free(nt);
		break;
	}
	case 0:
		*ret = strdup("");
		break;
	default:
		*ret = printed("0x%" PRIx64, slot);
		break;
	}
	return *ret ? NULL : &aot_enomem;
}
