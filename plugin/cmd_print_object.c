/* aot-print-object: one archived heap object. (stub) */
#include "commands.h"

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	(void)s; (void)argc; (void)argv; (void)o;
	return aot_errf(AOT_ERR_UNSUPPORTED, "not yet");
}

const struct aot_cmd aot_cmd_print_object = {
	.name = "aot-print-object",
	.usage = "aot-print-object ADDR [--limit N] [--json]",
	.summary = "an archived heap object: class, size, fields with values",
	.help = "x\n",
	.example = "aot-print-object 0x7ffc00000",
	.run = run,
};
