/* What the metadata commands share: turning an argument into an object address. */
#ifndef AOTDBG_CMD_META_UTIL_H
#define AOTDBG_CMD_META_UTIL_H

#include "meta.h"

/*
 * ARG as an address (0x…, as aot_parse_u64() reads it), or a class name
 * in Java or internal form ("java.lang.String", "java/lang/String").  A
 * name more than one archived class has is ambiguous: the error lists
 * their addresses.
 */
struct aot_err *aot_arg_klass(struct aot_meta *m, const char *arg, uint64_t *addr);

/*
 * ERR, a decoder's "ADDR is not a KIND …", made more useful when ADDR lies
 * in an object aot-whatis knows: "ADDR is not a KIND (it is inside Method
 * … at …)".  Takes ERR; returns the error to report.
 */
struct aot_err *aot_explain_not_found(struct aot_meta *m, uint64_t addr, const char *kind,
				      struct aot_err *err);

#endif
