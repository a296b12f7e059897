/* aot-print-cp: an archived ConstantPool, entry by entry. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_meta_util.h"
#include "commands.h"
#include "cpool.h"
#include "jname.h"
#include "klass.h"

static const struct aot_col cp_cols[] = {
	{ "index", "#", 5, AOT_RIGHT },
	{ "tag", "tag", 18, AOT_LEFT },
	{ "value", "value", 0, AOT_LEFT },
};

static void out_entry(struct aot_out *o, struct aot_meta *m, const struct aot_cp *cp, int i,
		      uint8_t *tag)
{
	char *text = NULL;
	uint64_t k = 0;
	struct aot_err *err = aot_cp_tag(m, cp, i, tag);
	if (!err && *tag == AOT_CP_CLASS)
		err = aot_cp_class(m, cp, i, &text, &k);
	else if (!err)
		err = aot_cp_describe(m, cp, i, tag, &text);
	aot_out_row_begin(o);
	aot_out_u64(o, "index", (uint64_t)i);
	aot_out_str(o, "tag", aot_cp_tag_name(*tag));
	if (err) {
		aot_out_strf(o, "value", "(%s)", err->msg);
		aot_err_free(err);
	} else if (k) {
		aot_out_strf(o, "value", "%s (resolved: 0x%016" PRIx64 ")", text, k);
		aot_out_hex(o, "klass", k, 16);
	} else {
		aot_out_str(o, "value", text);
	}
	aot_out_row_end(o);
	free(text);
}

static struct aot_err *run(struct aot_session *s, int argc, char **argv, struct aot_out *o)
{
	if (argc != 2 || argv[1][0] == '-')
		return aot_errf(AOT_ERR_USAGE, "usage: aot-print-cp ADDR|CLASS");
	struct aot_meta *m;
	uint64_t addr;
	struct aot_err *err = aot_session_meta(s, &m);
	if (!err)
		err = aot_arg_klass(m, argv[1], &addr);
	if (err)
		return err;
	// A class stands for its constant pool: what one usually has at hand.
	if (aot_mtype_is_instance_klass(aot_meta_vtype(m, addr))) {
		err = aot_meta_get(m, addr, AOT_LF_IK_CONSTANTS, &addr);
		if (err)
			return err;
	}
	struct aot_cp cp;
	err = aot_cp_decode(m, addr, &cp);
	if (err)
		err = aot_explain_not_found(m, addr, "ConstantPool", err);
	if (err)
		return err;
	struct aot_klass k;
	struct aot_err *kerr = aot_klass_decode(m, cp.holder, &k);
	bool have = !kerr;
	aot_err_free(kerr);
	char title[512];
	snprintf(title, sizeof(title), "constant pool of %s (0x%016" PRIx64 ")",
		 have ? k.ext_name : "?", addr);
	aot_out_begin(o, "constant_pool", title);
	aot_out_hex(o, "address", addr, 16);
	aot_out_strf(o, "holder", "%s (0x%016" PRIx64 ")", have ? k.ext_name : "?", cp.holder);
	aot_out_u64(o, "length", (uint64_t)cp.length);
	aot_out_u64(o, "size", cp.size);
	aot_out_hex(o, "tags", cp.tags, 16);
	aot_out_hex(o, "cache", cp.cache, 16);
	aot_out_hex(o, "resolved_klasses", cp.resolved_klasses, 16);
	aot_out_strf(o, "class_file_version", "%u.%u", cp.major, cp.minor);
	if (have)
		aot_klass_fini(&k);
	aot_out_begin_table(o, "entries", cp_cols, 3);
	for (int i = 1; i < cp.length; i++) {
		uint8_t tag = 0;
		out_entry(o, m, &cp, i, &tag);
		// A long or double takes two entries; the second is not an entry of its own.
		if (tag == AOT_CP_LONG || tag == AOT_CP_DOUBLE)
			i++;
	}
	aot_out_end_table(o);
	aot_out_end(o);
	return NULL;
}

const struct aot_cmd aot_cmd_print_cp = {
	.name = "aot-print-cp",
	.usage = "aot-print-cp ADDR|CLASS [--json]",
	.summary = "an archived constant pool: every entry with its tag and value",
	.help = "Shows the ConstantPool at ADDR (or the one of the class at ADDR or named\n"
		"CLASS): its holder, length, class file version, then each entry with its tag\n"
		"(JVMS tags, and HotSpot's internal ones such as UnresolvedClass) and its value:\n"
		"text, numbers, member references as Class.name:type, and for resolved class\n"
		"entries the archived class they resolve to.\n",
	.example = "aot-print-cp java.lang.String",
	.addr_args = true,
	.run = run,
};
