#include "disasm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecodes.h"
#include "cpool.h"

static const struct aot_col insn_cols[] = {
	{ "pc", "pc", 5, AOT_RIGHT },
	{ "mnemonic", "instruction", 36, AOT_LEFT },
	{ "operands", "operands", 0, AOT_LEFT },
};

/* Entry tables are indexed by u2 (u4 for indy) operands: more is corrupt. */
#define MAX_ENTRIES (1u << 20)

/* Element I of an Array<Entry> at ARR: its address, bounds-checked against the length. */
static struct aot_err *array_elem(struct aot_meta *m, uint64_t arr, enum aot_lf data, uint64_t sz,
				  int64_t i, uint64_t *addr)
{
	uint32_t len;
	uint64_t first;
	struct aot_err *err = aot_meta_array(m, arr, data, MAX_ENTRIES, &len, &first);
	if (err)
		return err;
	if (i < 0 || (uint64_t)i >= len)
		return aot_errf(AOT_ERR_FORMAT, "entry %" PRId64 " is past the %u of the array at 0x%" PRIx64,
				i, len, arr);
	*addr = first + (uint64_t)i * sz;
	return NULL;
}

/* The constant pool index an operand's cache entry stands for. */
static struct aot_err *entry_cp_index(struct aot_meta *m, const struct aot_cp *cp,
				      const struct aot_bc_insn *in, int64_t *cpi)
{
	uint64_t arr = 0, e, v;
	enum aot_lf list, data, size, field;
	struct aot_err *err;
	switch (in->space) {
	case AOT_BC_SPACE_CP:
		*cpi = in->index;
		return NULL;
	case AOT_BC_SPACE_CPCACHE: {
		// ConstantPoolCacheEntry[] follows the ConstantPoolCache; _indices' low half is the CP index.
		uint64_t hdr, sz;
		err = aot_meta_off(m, AOT_LF_SIZEOF_CONSTANT_POOL_CACHE, &hdr);
		if (!err)
			err = aot_meta_off(m, AOT_LF_SIZEOF_CPCACHE_ENTRY, &sz);
		if (!err)
			err = aot_meta_get(m, cp->cache + hdr + (uint64_t)in->index * sz, AOT_LF_CPCE_INDICES, &v);
		if (!err)
			*cpi = (int64_t)(v & 0xffff);
		return err;
	}
	case AOT_BC_SPACE_FIELD_ENTRIES:
		list = AOT_LF_CPC_RESOLVED_FIELD_ENTRIES, data = AOT_LF_ARRAY_RFE_DATA;
		size = AOT_LF_SIZEOF_RESOLVED_FIELD_ENTRY, field = AOT_LF_RFE_CPOOL_INDEX;
		break;
	case AOT_BC_SPACE_METHOD_ENTRIES:
		list = AOT_LF_CPC_RESOLVED_METHOD_ENTRIES, data = AOT_LF_ARRAY_RME_DATA;
		size = AOT_LF_SIZEOF_RESOLVED_METHOD_ENTRY, field = AOT_LF_RME_CPOOL_INDEX;
		break;
	case AOT_BC_SPACE_INDY_ENTRIES:
		list = AOT_LF_CPC_RESOLVED_INDY_ENTRIES, data = AOT_LF_ARRAY_RIE_DATA;
		size = AOT_LF_SIZEOF_RESOLVED_INDY_ENTRY, field = AOT_LF_RIE_CPOOL_INDEX;
		break;
	case AOT_BC_SPACE_RESOLVED_REFS: {
		// ConstantPoolCache::_reference_map: resolved reference index -> CP index.
		uint16_t u;
		err = aot_meta_get(m, cp->cache, AOT_LF_CPC_REFERENCE_MAP, &arr);
		if (!err)
			err = array_elem(m, arr, AOT_LF_ARRAY_U2_DATA, 2, in->index, &e);
		if (!err)
			err = aot_meta_u16(m, e, &u);
		if (!err)
			*cpi = u;
		return err;
	}
	default:
		return aot_errf(AOT_ERR_UNSUPPORTED, "no constant pool index");
	}
	uint64_t sz;
	err = aot_meta_get(m, cp->cache, list, &arr);
	if (!err)
		err = aot_meta_off(m, size, &sz);
	if (!err)
		err = array_elem(m, arr, data, sz, in->index, &e);
	if (!err)
		err = aot_meta_get(m, e, field, &v);
	if (!err)
		*cpi = (int64_t)v;
	return err;
}

static void operands_text(struct aot_meta *m, const struct aot_cp *cp, const uint8_t *code,
			  uint32_t len, const struct aot_bc_insn *in, char *buf, size_t n)
{
	int64_t cpi;
	char *text = NULL;
	uint8_t tag;
	struct aot_err *err = NULL;
	buf[0] = 0;
	switch (in->kind) {
	case AOT_BC_LOCAL:
		snprintf(buf, n, "%" PRId64, in->index);
		break;
	case AOT_BC_CONST:
	case AOT_BC_NEWARRAY_TYPE:
		snprintf(buf, n, "%" PRId64, in->value);
		break;
	case AOT_BC_IINC:
		snprintf(buf, n, "%" PRId64 ", %" PRId64, in->index, in->value);
		break;
	case AOT_BC_BRANCH:
		snprintf(buf, n, "%" PRId64, in->target);
		break;
	case AOT_BC_SWITCH: {
		size_t w = (size_t)snprintf(buf, n, "default: %" PRId64, in->sw.default_target);
		for (uint32_t i = 0; i < aot_bc_switch_count(in) && w + 32 < n; i++) {
			int32_t match;
			int64_t target;
			if ((err = aot_bc_switch_entry(code, len, in, i, &match, &target)))
				break;
			w += (size_t)snprintf(buf + w, n - w, ", %d: %" PRId64, match, target);
		}
		break;
	}
	case AOT_BC_CP_INDEX_U1:
	case AOT_BC_CP_INDEX_U2:
	case AOT_BC_FIELD_ENTRY:
	case AOT_BC_METHOD_ENTRY:
	case AOT_BC_INDY_ENTRY:
	case AOT_BC_RESOLVED_REF:
		err = entry_cp_index(m, cp, in, &cpi);
		if (!err)
			err = aot_cp_describe(m, cp, (int)cpi, &tag, &text);
		if (!err) {
			const char *sp = in->space == AOT_BC_SPACE_CP ? "" : aot_bc_space_name(in->space);
			if (*sp)
				snprintf(buf, n, "#%" PRId64 " // %s %s (%s %" PRId64 ")", cpi,
					 aot_cp_tag_name(tag), text, sp, in->index);
			else
				snprintf(buf, n, "#%" PRId64 " // %s %s", cpi, aot_cp_tag_name(tag), text);
		}
		if (!err && in->value && in->kind != AOT_BC_INDY_ENTRY) {
			size_t w = strlen(buf);
			snprintf(buf + w, n - w, ", %" PRId64, in->value);
		}
		free(text);
		break;
	default:
		break;
	}
	if (err) {
		size_t w = strlen(buf);
		snprintf(buf + w, n - w, "%s%s #%" PRId64 " (%s)", w ? " " : "", aot_bc_space_name(in->space),
			 in->index, err->msg);
		aot_err_free(err);
	}
}

struct aot_err *aot_disasm_out(struct aot_out *o, struct aot_meta *m, const struct aot_method *me)
{
	if (!aot_bc_feature_supported(m->feature))
		return aot_errf(AOT_ERR_UNSUPPORTED, "--bytecodes: JDK %d's bytecodes are not known", m->feature);
	uint8_t *code = malloc(me->code_size ? me->code_size : 1);
	if (!code)
		return &aot_enomem;
	struct aot_err *err = aot_meta_read(m, me->code_addr, code, me->code_size);
	if (err) {
		free(code);
		return err;
	}
	aot_out_begin_table(o, "bytecodes", insn_cols, sizeof(insn_cols) / sizeof(insn_cols[0]));
	char ops[1024], mn[96];
	for (uint32_t pc = 0; pc < me->code_size && !err;) {
		struct aot_bc_insn in;
		err = aot_bc_decode(code, me->code_size, pc, m->feature, &in);
		if (err)
			break;
		bool rewritten = in.opcode != in.java_opcode || strcmp(in.name, in.java_name);
		if (rewritten)
			snprintf(mn, sizeof(mn), "%s%s (rewritten %s)", in.wide ? "wide " : "", in.name,
				 in.java_name);
		else
			snprintf(mn, sizeof(mn), "%s%s", in.wide ? "wide " : "", in.name);
		operands_text(m, &me->cp, code, me->code_size, &in, ops, sizeof(ops));
		aot_out_row_begin(o);
		aot_out_u64(o, "pc", pc);
		aot_out_str(o, "mnemonic", mn);
		aot_out_str(o, "operands", ops);
		aot_out_str(o, "name", in.name);
		aot_out_str(o, "java_name", in.java_name);
		aot_out_bool(o, "rewritten", rewritten);
		aot_out_u64(o, "opcode", in.opcode);
		aot_out_u64(o, "length", in.len);
		aot_out_row_end(o);
		pc += in.len;
	}
	aot_out_end_table(o);
	free(code);
	return err;
}
