#include "klass.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jname.h"
#include "symbol.h"

/* Sanity bounds: no real class comes near them; a corrupt one may. */
#define MAX_VTABLE_LEN 100000
#define MAX_ARRAY_DIMENSION 255
#define MAX_PTR_ARRAY (1u << 24)
#define JVM_ACC_INTERFACE 0x0200

const char *aot_loader_name(enum aot_loader l)
{
	static const char *const names[] = { "unknown", "boot", "platform", "app", "unregistered" };
	return l <= AOT_LOADER_UNREGISTERED ? names[l] : "?";
}

const char *aot_klass_kind_name(enum aot_mtype t)
{
	switch (t) {
	case AOT_MT_INSTANCE_KLASS: return "instance";
	case AOT_MT_INSTANCE_CLASS_LOADER_KLASS: return "instance/loader";
	case AOT_MT_INSTANCE_MIRROR_KLASS: return "instance/mirror";
	case AOT_MT_INSTANCE_REF_KLASS: return "instance/ref";
	case AOT_MT_INSTANCE_STACK_CHUNK_KLASS: return "instance/stackchunk";
	case AOT_MT_OBJ_ARRAY_KLASS: return "objarray";
	case AOT_MT_TYPE_ARRAY_KLASS: return "typearray";
	default: return "?";
	}
}

const char *aot_init_state_name(struct aot_meta *m, unsigned state)
{
	// InstanceKlass::ClassState, numbered as libjvm's constants say.
	static const char *const names[] = { "allocated", "loaded", "being_linked", "linked",
					     "being_initialized", "fully_initialized",
					     "initialization_error" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char key[64];
		int64_t v;
		snprintf(key, sizeof(key), "InstanceKlass::%s", names[i]);
		if (aot_meta_int_constant(m, key, &v) && v == (int64_t)state)
			return names[i];
	}
	return "?";
}

struct aot_err *aot_ptr_array(struct aot_meta *m, uint64_t arr, uint32_t *len, uint64_t *data)
{
	return aot_meta_array(m, arr, AOT_LF_ARRAY_KLASS_DATA, MAX_PTR_ARRAY, len, data);
}

static struct aot_err *not_a_klass(struct aot_meta *m, uint64_t addr, const char *why)
{
	enum aot_mtype t = aot_meta_vtype(m, addr);
	if (t != AOT_MT_UNKNOWN)
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Klass (it is %s %s)", addr,
				aot_mtype_article(t), aot_mtype_cxx_name(t));
	return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Klass (%s)", addr, why);
}

/*
 * Which loader defined it: the bits SystemDictionaryShared set at dump
 * time.  17 names them in gHotSpotVMIntConstants; 21 moved them into
 * InstanceKlassFlags::_flags (instanceKlassFlags.hpp, bits 7..9), which
 * only DWARF locates.
 */
static void klass_loader(struct aot_meta *m, struct aot_klass *k)
{
	int64_t boot = 0, platform = 0, app = 0;
	if (m->feature <= 17) {
		if (!aot_meta_int_constant(m, "InstanceKlass::_misc_is_shared_boot_class", &boot) ||
		    !aot_meta_int_constant(m, "InstanceKlass::_misc_is_shared_platform_class", &platform) ||
		    !aot_meta_int_constant(m, "InstanceKlass::_misc_is_shared_app_class", &app)) {
			k->loader_why = "libjvm's tables lack the shared loader bits";
			return;
		}
	} else {
		boot = 1 << 7;
		platform = 1 << 8;
		app = 1 << 9;
	}
	if (!k->have_misc_flags) {
		k->loader_why = "InstanceKlass::_misc_flags is known only from DWARF, not installed";
		return;
	}
	uint32_t f = k->misc_flags;
	if (f & (uint32_t)boot)
		k->loader = AOT_LOADER_BOOT;
	else if (f & (uint32_t)platform)
		k->loader = AOT_LOADER_PLATFORM;
	else if (f & (uint32_t)app)
		k->loader = AOT_LOADER_APP;
	else
		k->loader = AOT_LOADER_UNREGISTERED;
	k->loader_why = "InstanceKlass flags";
}

static struct aot_err *get_i32(struct aot_meta *m, uint64_t a, enum aot_lf f, int32_t *v)
{
	int64_t x;
	struct aot_err *err = aot_meta_get_signed(m, a, f, &x);
	if (!err)
		*v = (int32_t)x;
	return err;
}

static struct aot_err *decode_instance(struct aot_meta *m, struct aot_klass *k)
{
	uint64_t a = k->addr, v;
	struct aot_err *err = NULL;
	struct {
		enum aot_lf f;
		uint64_t *dst;
	} ptrs[] = {
		{ AOT_LF_IK_CONSTANTS, &k->constants },
		{ AOT_LF_IK_METHODS, &k->methods },
		{ AOT_LF_IK_DEFAULT_METHODS, &k->default_methods },
		{ AOT_LF_IK_LOCAL_INTERFACES, &k->local_interfaces },
		{ AOT_LF_IK_TRANSITIVE_INTERFACES, &k->transitive_interfaces },
		{ AOT_LF_IK_ARRAY_KLASSES, &k->array_klasses },
		{ AOT_LF_IK_INNER_CLASSES, &k->inner_classes },
		{ AOT_LF_IK_ANNOTATIONS, &k->annotations },
	};
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]) && !err; i++)
		err = aot_meta_get(m, a, ptrs[i].f, ptrs[i].dst);
	if (!err)
		err = get_i32(m, a, AOT_LF_IK_ITABLE_LEN, &k->itable_len);
	if (!err)
		err = get_i32(m, a, AOT_LF_IK_NONSTATIC_OOP_MAP_SIZE, &k->nonstatic_oop_map_size);
	if (!err)
		err = get_i32(m, a, AOT_LF_IK_NONSTATIC_FIELD_SIZE, &k->nonstatic_field_size);
	if (!err)
		err = get_i32(m, a, AOT_LF_IK_STATIC_FIELD_SIZE, &k->static_field_size);
	if (!err)
		err = aot_meta_get(m, a, AOT_LF_IK_INIT_STATE, &v);
	if (err)
		return err;
	k->init_state = (uint8_t)v;
	if (aot_ok(aot_meta_get(m, a, AOT_LF_IK_REFERENCE_TYPE, &v)))
		k->reference_type = (uint8_t)v;
	enum aot_lf mf = m->feature <= 17 ? AOT_LF_IK_MISC_FLAGS : AOT_LF_IK_MISC_FLAGS_21;
	if (aot_meta_has(m, mf) && aot_ok(aot_meta_get(m, a, mf, &v))) {
		k->have_misc_flags = true;
		k->misc_flags = (uint32_t)v;
	}
	if (k->itable_len < 0 || k->itable_len > MAX_VTABLE_LEN || k->nonstatic_oop_map_size < 0 ||
	    k->nonstatic_oop_map_size > MAX_VTABLE_LEN)
		return aot_errf(AOT_ERR_FORMAT, "InstanceKlass at 0x%" PRIx64 ": itable length %d or oop "
				"map size %d out of range", a, k->itable_len, k->nonstatic_oop_map_size);
	klass_loader(m, k);
	return NULL;
}

static struct aot_err *decode_array(struct aot_meta *m, struct aot_klass *k)
{
	uint64_t a = k->addr;
	struct aot_err *err = get_i32(m, a, AOT_LF_AK_DIMENSION, &k->dimension);
	if (!err)
		err = aot_meta_get(m, a, AOT_LF_AK_HIGHER_DIMENSION, &k->higher_dimension);
	if (!err)
		err = aot_meta_get(m, a, AOT_LF_AK_LOWER_DIMENSION, &k->lower_dimension);
	if (!err && k->type == AOT_MT_OBJ_ARRAY_KLASS) {
		err = aot_meta_get(m, a, AOT_LF_OAK_ELEMENT_KLASS, &k->element_klass);
		if (!err)
			err = aot_meta_get(m, a, AOT_LF_OAK_BOTTOM_KLASS, &k->bottom_klass);
	}
	if (!err && (k->dimension < 1 || k->dimension > MAX_ARRAY_DIMENSION))
		err = aot_errf(AOT_ERR_FORMAT, "ArrayKlass at 0x%" PRIx64 ": dimension %d", a, k->dimension);
	return err;
}

/*
 * Klass::size() in bytes: the C++ object, then the vtable, itable and oop
 * maps embedded after it, and an interface's implementor slot
 * (InstanceKlass::size()).  Array classes are allocated with the header
 * size of an InstanceKlass whatever their own (ArrayKlass::static_size()).
 */
static struct aot_err *klass_size(struct aot_meta *m, struct aot_klass *k)
{
	uint64_t base;
	struct aot_err *err = aot_meta_off(m, AOT_LF_SIZEOF_INSTANCE_KLASS, &base);
	if (err)
		return err;
	uint64_t words = (base + 7) / 8 + (uint64_t)k->vtable_len;
	if (aot_mtype_is_instance_klass(k->type)) {
		words += (uint64_t)k->itable_len + (uint64_t)k->nonstatic_oop_map_size;
		if (k->have_access_flags && (k->access_flags & JVM_ACC_INTERFACE))
			words++;
	}
	k->size = words * 8;
	return NULL;
}

struct aot_err *aot_klass_decode(struct aot_meta *m, uint64_t addr, struct aot_klass *k)
{
	memset(k, 0, sizeof(*k));
	k->addr = addr;
	k->type = aot_meta_vtype(m, addr);
	if (!aot_meta_in_archive(m, addr))
		return aot_errf(AOT_ERR_NOT_FOUND, "0x%" PRIx64 " is not a Klass: it is not inside an "
				"archive's metadata", addr);
	if (!aot_mtype_is_klass(k->type))
		return not_a_klass(m, addr, "its first word is not a Klass vtable of the archive");
	struct aot_err *err = aot_meta_get(m, addr, AOT_LF_KLASS_NAME, &k->name_sym);
	if (!err)
		err = get_i32(m, addr, AOT_LF_KLASS_LAYOUT_HELPER, &k->layout_helper);
	if (!err)
		err = aot_meta_get(m, addr, AOT_LF_KLASS_SUPER, &k->super);
	if (!err)
		err = get_i32(m, addr, AOT_LF_KLASS_VTABLE_LEN, &k->vtable_len);
	if (err)
		return err;
	if (k->vtable_len < 0 || k->vtable_len > MAX_VTABLE_LEN)
		return aot_errf(AOT_ERR_FORMAT, "Klass at 0x%" PRIx64 ": vtable length %d", addr,
				k->vtable_len);
	uint64_t v;
	enum aot_lf af = aot_meta_has(m, AOT_LF_KLASS_ACCESS_FLAGS) ? AOT_LF_KLASS_ACCESS_FLAGS
								     : AOT_LF_IK_ACCESS_FLAGS;
	if ((af == AOT_LF_KLASS_ACCESS_FLAGS || aot_mtype_is_instance_klass(k->type)) &&
	    aot_meta_has(m, af) && aot_ok(aot_meta_get(m, addr, af, &v))) {
		k->have_access_flags = true;
		k->access_flags = (uint32_t)v;
	}
	err = aot_symbol_read(m, k->name_sym, &k->name, NULL);
	if (err) {
		struct aot_err *e = aot_errf(err->code, "Klass at 0x%" PRIx64 ": its name: %s", addr,
					     err->msg);
		aot_err_free(err);
		return e;
	}
	k->ext_name = aot_jname_class(k->name);
	if (!k->ext_name) {
		aot_klass_fini(k);
		return &aot_enomem;
	}
	k->hidden = aot_jname_is_hidden(k->name);
	if (aot_mtype_is_instance_klass(k->type))
		err = decode_instance(m, k);
	else
		err = decode_array(m, k);
	if (!err)
		err = klass_size(m, k);
	if (err)
		aot_klass_fini(k);
	return err;
}

void aot_klass_fini(struct aot_klass *k)
{
	free(k->name);
	free(k->ext_name);
	k->name = k->ext_name = NULL;
}
