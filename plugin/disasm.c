#include "disasm.h"

/* Placeholder until the bytecode decoder lands. */
struct aot_err *aot_disasm_out(struct aot_out *o, struct aot_meta *m, const struct aot_method *me)
{
	(void)o;
	(void)m;
	(void)me;
	return aot_errf(AOT_ERR_UNSUPPORTED, "--bytecodes: not yet");
}
