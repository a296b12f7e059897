/*
 * Where each archived object starts and ends, for the objects the metadata
 * decoders understand: classes, their methods, ConstMethods, constant pools
 * and the symbols those name.  aot-whatis and "is not a Klass (it is
 * inside …)" errors look addresses up here.
 */
#ifndef AOTDBG_OBJINDEX_H
#define AOTDBG_OBJINDEX_H

#include "meta.h"

struct aot_obj {
	uint64_t addr, size;
	uint8_t type;		/* enum aot_mtype */
};

struct aot_objindex {
	struct aot_obj *v;	/* sorted by address */
	size_t n;
};

struct aot_err *aot_objindex_build(struct aot_meta *m, struct aot_objindex *ix);
void aot_objindex_free(struct aot_objindex *ix);

/* The object containing ADDR, or NULL; *BEFORE (if not NULL) the last one starting below it. */
const struct aot_obj *aot_objindex_find(const struct aot_objindex *ix, uint64_t addr,
					const struct aot_obj **before);

/* "void App.main(java.lang.String[])", "java.lang.String", a symbol's text: malloc'd. */
char *aot_obj_name(struct aot_meta *m, const struct aot_obj *o);

/* "it is inside Method void A.b() at 0x…+0x10", or NULL: for error messages. */
char *aot_objindex_describe(struct aot_meta *m, uint64_t addr);

#endif
