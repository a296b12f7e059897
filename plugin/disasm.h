/* The bytecodes of an archived method, decoded and resolved (aot-print-method --bytecodes). */
#ifndef AOTDBG_DISASM_H
#define AOTDBG_DISASM_H

#include "method.h"
#include "out.h"

struct aot_err *aot_disasm_out(struct aot_out *o, struct aot_meta *m, const struct aot_method *me);

#endif
