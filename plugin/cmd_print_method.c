/* aot-print-method: an archived Method and its ConstMethod, optionally its bytecodes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_meta_util.h"
#include "commands.h"
#include "disasm.h"
#include "jname.h"
#include "klass.h"
#include "method.h"

static void out_ptr_or_none(struct aot_out *o, const char *key, uint64_t v)
{
	if (v)
		aot_out_hex(o, key, v, 16);
	else
		aot_out_str(o, key, "none");
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	const char *arg = NULL;
	bool bytecodes = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bytecodes"))
			bytecodes = true;
		else if (argv[i][0] == '-' || arg)
			return aot_errf(AOT_ERR_USAGE, "usage: aot-print-method ADDR [--bytecodes]");
		else
			arg = argv[i];
	}
	if (!arg)
		return aot_errf(AOT_ERR_USAGE, "usage: aot-print-method ADDR [--bytecodes]");
	struct aot_meta *m;
	uint64_t addr;
	struct aot_method me;
	struct aot_err *err = aot_parse_u64(arg, "method address", &addr);
	if (!err)
		err = aot_session_meta(s, &m);
	if (err)
		return err;
	err = aot_method_decode(m, addr, &me);
	if (err)
		return aot_explain_not_found(m, addr, "Method", err);
	char title[1024], flags[160];
	snprintf(title, sizeof(title), "method %s (0x%016" PRIx64 ")", me.java ? me.java : me.name, addr);
	aot_out_begin(o, "method", title);
	aot_out_hex(o, "address", addr, 16);
	aot_out_str(o, "method", me.java);
	struct aot_klass k;
	struct aot_err *kerr = aot_klass_decode(m, me.holder, &k);
	if (kerr) {
		aot_out_strf(o, "holder", "0x%016" PRIx64 " (%s)", me.holder, kerr->msg);
		aot_err_free(kerr);
	} else {
		aot_out_strf(o, "holder", "%s (0x%016" PRIx64 ")", k.ext_name, me.holder);
		aot_klass_fini(&k);
	}
	aot_out_str(o, "name", me.name);
	aot_out_str(o, "signature", me.sig);
	aot_jname_flags(me.access_flags, AOT_FLAGS_METHOD, flags, sizeof(flags));
	aot_out_strf(o, "access_flags", "0x%04x %s", me.access_flags & 0xffff, flags);
	aot_out_u64(o, "size", me.size);
	aot_out_i64(o, "vtable_index", me.vtable_index);
	aot_out_u64(o, "idnum", me.idnum);
	aot_out_hex(o, "const_method", me.const_method, 16);
	aot_out_u64(o, "const_method_size", me.cm_size);
	aot_out_u64(o, "code_size", me.code_size);
	aot_out_u64(o, "max_stack", me.max_stack);
	aot_out_u64(o, "max_locals", me.max_locals);
	aot_out_u64(o, "size_of_parameters", me.size_of_parameters);
	aot_out_hex(o, "constant_pool", me.cp.addr, 16);
	out_ptr_or_none(o, "method_counters", me.method_counters);
	out_ptr_or_none(o, "method_data", me.method_data);
	if (bytecodes)
		err = aot_disasm_out(o, m, &me);
	aot_out_end(o);
	aot_method_fini(&me);
	return err;
}

const struct aot_cmd aot_cmd_print_method = {
	.name = "aot-print-method",
	.usage = "aot-print-method ADDR [--bytecodes] [--json]",
	.summary = "an archived method: holder, signature, flags, ConstMethod, profile data",
	.help = "Shows the Method at ADDR: holder class, name and signature (internal and Java\n"
		"form), access flags, vtable index, its ConstMethod (code size, max stack and\n"
		"locals, parameter size), and whether MethodCounters and MethodData (the\n"
		"profile an AOT cache keeps from training) are archived with it.\n\n"
		"  --bytecodes   disassemble the bytecodes, operands resolved through the\n"
		"                constant pool; rewritten (JVM-internal) bytecodes are named\n"
		"                as such with the standard one they stand for\n",
	.example = "aot-print-method 0x8002bb678 --bytecodes",
	.addr_args = true,
	.run = run,
};
