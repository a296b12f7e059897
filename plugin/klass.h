/*
 * Klass, InstanceKlass and ArrayKlass (oops/klass.hpp, instanceKlass.hpp,
 * arrayKlass.hpp) decoded from an archive: what aot-classes lists and
 * aot-print-klass shows.
 */
#ifndef AOTDBG_KLASS_H
#define AOTDBG_KLASS_H

#include "meta.h"

enum aot_loader {
	AOT_LOADER_UNKNOWN,
	AOT_LOADER_BOOT,
	AOT_LOADER_PLATFORM,
	AOT_LOADER_APP,
	AOT_LOADER_UNREGISTERED,	/* a custom loader's class (-XX:SharedArchiveFile class lists) */
};
const char *aot_loader_name(enum aot_loader l);

struct aot_klass {
	uint64_t addr;
	enum aot_mtype type;
	uint64_t name_sym;
	char *name;		/* internal form, "java/lang/String" */
	char *ext_name;		/* as the JVM prints it, "java.lang.String" */
	int32_t layout_helper;
	uint64_t super;
	int32_t vtable_len;
	bool have_access_flags;
	uint32_t access_flags;	/* JVM_ACC_* */
	uint64_t size;		/* bytes: Klass::size() */
	enum aot_loader loader;
	const char *loader_why;	/* where the loader type came from, or why it is unknown */
	bool hidden;
	/* InstanceKlass */
	uint64_t constants, methods, default_methods, local_interfaces, transitive_interfaces;
	uint64_t array_klasses, inner_classes, annotations;
	int32_t itable_len, nonstatic_oop_map_size, nonstatic_field_size, static_field_size;
	uint8_t init_state, reference_type;
	bool have_misc_flags;
	uint32_t misc_flags;
	/* ArrayKlass */
	int32_t dimension;
	uint64_t higher_dimension, lower_dimension, element_klass, bottom_klass;
};

/*
 * Decode the Klass at ADDR.  Fails with AOT_ERR_NOT_FOUND ("0x… is not a
 * Klass: …") when ADDR is not the start of an archived Klass.
 */
struct aot_err *aot_klass_decode(struct aot_meta *m, uint64_t addr, struct aot_klass *k);
void aot_klass_fini(struct aot_klass *k);

/* "instance", "mirror", "object array", …: the kind aot-classes prints. */
const char *aot_klass_kind_name(enum aot_mtype t);

/* Elements of an Array<T*> (methods, interfaces): length, and address of element I. */
struct aot_err *aot_ptr_array(struct aot_meta *m, uint64_t arr, uint32_t *len, uint64_t *data);

/* The InstanceKlass::ClassState called STATE in this build, or "?". */
const char *aot_init_state_name(struct aot_meta *m, unsigned state);

#endif
