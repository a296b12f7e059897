#include "method.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jname.h"
#include "klass.h"
#include "symbol.h"

#define JVM_ACC_NATIVE 0x0100
/* Natives carry the native entry and the signature handler after the object. */
#define NATIVE_EXTRA_WORDS 2
/* ConstMethod sizes are in words, and a method is at most 64 KiB of code. */
#define MAX_CONST_METHOD_WORDS (1u << 20)

static struct aot_err *get16(struct aot_meta *m, uint64_t a, enum aot_lf f, uint16_t *v)
{
	uint64_t x;
	struct aot_err *err = aot_meta_get(m, a, f, &x);
	if (!err)
		*v = (uint16_t)x;
	return err;
}

static struct aot_err *decode_const_method(struct aot_meta *m, struct aot_method *me)
{
	uint64_t cm = me->const_method, v, sz, constants;
	if (!aot_meta_in_archive(m, cm))
		return aot_errf(AOT_ERR_FORMAT, "Method at 0x%" PRIx64 ": its ConstMethod 0x%" PRIx64
				" is not in the archive", me->addr, cm);
	struct aot_err *err = aot_meta_get(m, cm, AOT_LF_CM_CONST_METHOD_SIZE, &v);
	if (!err)
		err = aot_meta_get(m, cm, AOT_LF_CM_CONSTANTS, &constants);
	if (!err)
		err = aot_meta_get(m, cm, AOT_LF_CM_STACKMAP_DATA, &me->stackmap_data);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_CODE_SIZE, &me->code_size);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_NAME_INDEX, &me->name_index);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_SIGNATURE_INDEX, &me->signature_index);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_MAX_STACK, &me->max_stack);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_MAX_LOCALS, &me->max_locals);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_SIZE_OF_PARAMETERS, &me->size_of_parameters);
	if (!err)
		err = get16(m, cm, AOT_LF_CM_METHOD_IDNUM, &me->idnum);
	if (!err)
		err = aot_meta_off(m, AOT_LF_SIZEOF_CONST_METHOD, &sz);
	if (err)
		return err;
	if (v == 0 || v > MAX_CONST_METHOD_WORDS || sz + me->code_size > v * 8)
		return aot_errf(AOT_ERR_FORMAT, "ConstMethod at 0x%" PRIx64 ": size %" PRIu64
				" words cannot hold %u bytes of code", cm, v, me->code_size);
	me->cm_size = v * 8;
	me->code_addr = cm + sz;
	enum aot_lf ff = m->feature <= 17 ? AOT_LF_CM_FLAGS : AOT_LF_CM_FLAGS_21;
	if (aot_meta_has(m, ff) && aot_ok(aot_meta_get(m, cm, ff, &v)))
		me->cm_flags = (uint32_t)v;
	return aot_cp_decode(m, constants, &me->cp);
}

struct aot_err *aot_method_decode(struct aot_meta *m, uint64_t addr, struct aot_method *me)
{
	memset(me, 0, sizeof(*me));
	me->addr = addr;
	enum aot_mtype t = aot_meta_vtype(m, addr);
	if (t != AOT_MT_METHOD) {
		if (!aot_meta_in_archive(m, addr))
			return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Method: it is not inside "
					"an archive's metadata", addr);
		if (t != AOT_MT_UNKNOWN)
			return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Method (it is %s %s)",
					addr, aot_mtype_article(t), aot_mtype_cxx_name(t));
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Method (its first word is "
				"not the archive's Method vtable)", addr);
	}
	uint64_t v;
	struct aot_err *err = aot_meta_get(m, addr, AOT_LF_METHOD_CONST_METHOD, &me->const_method);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_METHOD_ACCESS_FLAGS, &v);
	if (!err)
		me->access_flags = (uint32_t)v;
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_METHOD_METHOD_COUNTERS, &me->method_counters);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_METHOD_METHOD_DATA, &me->method_data);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_METHOD_CODE, &me->code);
	if (!err)
		err = aot_meta_get_signed(m, addr, AOT_LF_METHOD_VTABLE_INDEX, &me->vtable_index);
	if (!err)
		err = aot_method_size(m, me->access_flags, &me->size);
	if (!err)
		err = decode_const_method(m, me);
	if (err)
		return err;
	me->holder = me->cp.holder;
	err = aot_cp_utf8(m, &me->cp, me->name_index, &me->name);
	if (!err)
		err = aot_cp_utf8(m, &me->cp, me->signature_index, &me->sig);
	if (err) {
		aot_method_fini(me);
		return err;
	}
	struct aot_klass k;
	char *holder = NULL;
	struct aot_err *kerr = aot_klass_decode(m, me->holder, &k);
	if (!kerr) {
		holder = k.ext_name;
		k.ext_name = NULL;
		aot_klass_fini(&k);
	}
	aot_err_free(kerr);
	me->java = aot_jname_method(holder ? holder : "?", me->name, me->sig);
	free(holder);
	return NULL;
}

struct aot_err *aot_method_size(struct aot_meta *m, uint32_t access_flags, uint64_t *size)
{
	uint64_t sz;
	struct aot_err *err = aot_meta_off(m, AOT_LF_SIZEOF_METHOD, &sz);
	if (!err)
		*size = (sz + 7) / 8 * 8 + ((access_flags & JVM_ACC_NATIVE) ? NATIVE_EXTRA_WORDS * 8 : 0);
	return err;
}

void aot_method_fini(struct aot_method *me)
{
	free(me->name);
	free(me->sig);
	free(me->java);
	me->name = me->sig = me->java = NULL;
}
