/* Method and ConstMethod (oops/method.hpp, constMethod.hpp). */
#ifndef AOTDBG_METHOD_H
#define AOTDBG_METHOD_H

#include "cpool.h"
#include "meta.h"

struct aot_method {
	uint64_t addr, const_method, holder;
	uint32_t access_flags;
	char *name, *sig;		/* internal form */
	char *java;			/* "ret Holder.name(args)" as the map prints it */
	uint64_t size;			/* bytes of the Method */
	uint64_t method_counters, method_data, code;
	int64_t vtable_index;
	/* ConstMethod */
	uint64_t cm_size, code_addr, stackmap_data;
	uint16_t code_size, max_stack, max_locals, size_of_parameters, name_index, signature_index;
	uint16_t idnum;
	uint32_t cm_flags;
	struct aot_cp cp;
};

/* Decode the Method at ADDR ("0x… is not a Method (it is …)" otherwise). */
struct aot_err *aot_method_decode(struct aot_meta *m, uint64_t addr, struct aot_method *me);
void aot_method_fini(struct aot_method *me);

/* Bytes of a Method with ACCESS_FLAGS (natives carry two more words). */
struct aot_err *aot_method_size(struct aot_meta *m, uint32_t access_flags, uint64_t *size);

#endif
