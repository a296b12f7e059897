/*
 * The types only AOT caches (25+) and the archived module graph (27) hold:
 * MethodCounters, MethodData, adapters, training data, module and package
 * entries and their arrays.
 */
#include <inttypes.h>

#include "objwalk_internal.h"

struct aot_err *aot_walk_visit_aot(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t *size,
				   uint64_t *owner);

struct aot_err *aot_walk_visit_aot(struct aot_walk *w, uint64_t addr, enum aot_mtype t, uint64_t *size,
				   uint64_t *owner)
{
	(void)w;
	(void)addr;
	(void)size;
	(void)owner;
	return aot_errf(AOT_ERR_UNSUPPORTED, "%s objects are not decoded yet", aot_mtype_cxx_name(t));
}
