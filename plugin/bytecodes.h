/*
 * Decoder for the bytecodes of archived methods (ConstMethod code), as HotSpot
 * stores them: rewritten by the Rewriter at link time, by the CDS dump
 * (_nofast_*), and possibly by the interpreter before a dynamic dump (_fast_*).
 *
 * Pure: no I/O, no allocation except for errors.  The code buffer is hostile;
 * every read is bounds-checked against code_len and every instruction is at
 * least one byte long, so `for (pc = 0; pc < len; pc += insn.len)` ends.
 * Opcode numbering and operand encodings per release: docs/bytecodes.md.
 */
#ifndef AOTDBG_BYTECODES_H
#define AOTDBG_BYTECODES_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* HotSpot's internal opcodes (enum Bytecodes::Code); the same in 17..27. */
enum {
	AOT_BC_BREAKPOINT = 202,
	AOT_BC_FAST_AGETFIELD = 203,
	AOT_BC_FAST_BGETFIELD, AOT_BC_FAST_CGETFIELD, AOT_BC_FAST_DGETFIELD,
	AOT_BC_FAST_FGETFIELD, AOT_BC_FAST_IGETFIELD, AOT_BC_FAST_LGETFIELD,
	AOT_BC_FAST_SGETFIELD,
	AOT_BC_FAST_APUTFIELD, AOT_BC_FAST_BPUTFIELD, AOT_BC_FAST_ZPUTFIELD,
	AOT_BC_FAST_CPUTFIELD, AOT_BC_FAST_DPUTFIELD, AOT_BC_FAST_FPUTFIELD,
	AOT_BC_FAST_IPUTFIELD, AOT_BC_FAST_LPUTFIELD, AOT_BC_FAST_SPUTFIELD,
	AOT_BC_FAST_ALOAD_0, AOT_BC_FAST_IACCESS_0, AOT_BC_FAST_AACCESS_0,
	AOT_BC_FAST_FACCESS_0,
	AOT_BC_FAST_ILOAD, AOT_BC_FAST_ILOAD2, AOT_BC_FAST_ICALOAD,
	AOT_BC_FAST_INVOKEVFINAL, AOT_BC_FAST_LINEARSWITCH, AOT_BC_FAST_BINARYSWITCH,
	AOT_BC_FAST_ALDC, AOT_BC_FAST_ALDC_W,
	AOT_BC_RETURN_REGISTER_FINALIZER,
	AOT_BC_INVOKEHANDLE,
	AOT_BC_NOFAST_GETFIELD, AOT_BC_NOFAST_PUTFIELD, AOT_BC_NOFAST_ALOAD_0,
	AOT_BC_NOFAST_ILOAD,
	AOT_BC_SHOULDNOTREACHHERE,		/* 238 */
	AOT_BC_NUMBER_OF_CODES,			/* 239 */
};

enum aot_bc_operand {
	AOT_BC_NONE,
	AOT_BC_LOCAL,		/* index = slot; fast_iload2: value = second slot */
	AOT_BC_CONST,		/* value = bipush/sipush constant */
	AOT_BC_IINC,		/* index = slot, value = increment */
	AOT_BC_BRANCH,		/* target = absolute pc */
	AOT_BC_CP_INDEX_U1,	/* index = constant pool index (ldc) */
	AOT_BC_CP_INDEX_U2,	/* index = constant pool index, Java order;
				   multianewarray: value = dimensions;
				   unrewritten invokeinterface: value = count */
	AOT_BC_FIELD_ENTRY,	/* index = field entry, native u2 (see space) */
	AOT_BC_METHOD_ENTRY,	/* index = method entry, native u2 (see space);
				   invokeinterface: value = count */
	AOT_BC_INDY_ENTRY,	/* index = indy entry, decoded (see space) */
	AOT_BC_RESOLVED_REF,	/* index = resolved_references index */
	AOT_BC_NEWARRAY_TYPE,	/* value = T_* array type (4..11) */
	AOT_BC_SWITCH,		/* tableswitch, lookupswitch, fast_*switch: sw */
};

/* Which table an operand index points into. */
enum aot_bc_space {
	AOT_BC_SPACE_NONE,
	AOT_BC_SPACE_LOCALS,
	AOT_BC_SPACE_CP,		/* ConstantPool */
	AOT_BC_SPACE_CPCACHE,		/* ConstantPoolCacheEntry (17, 21) */
	AOT_BC_SPACE_FIELD_ENTRIES,	/* ResolvedFieldEntry (25+) */
	AOT_BC_SPACE_METHOD_ENTRIES,	/* ResolvedMethodEntry (25+) */
	AOT_BC_SPACE_INDY_ENTRIES,	/* ResolvedIndyEntry (21+) */
	AOT_BC_SPACE_RESOLVED_REFS,	/* ConstantPool::resolved_references() */
};

struct aot_bc_insn {
	uint32_t pc, len;		/* len includes a wide prefix */
	uint8_t opcode;			/* as stored (the wide prefix skipped) */
	uint8_t java_opcode;		/* the JVMS opcode it stands for */
	const char *name;		/* "nofast_getfield", "getfield", ... */
	const char *java_name;		/* "getfield" */
	bool wide;			/* prefixed by wide */
	bool native_order;		/* the operand was stored little-endian */
	enum aot_bc_operand kind;
	enum aot_bc_space space;
	int64_t index;			/* local / cp index / entry index (decoded) */
	int64_t value;			/* constant, increment, dims, count, atype */
	int64_t target;			/* absolute branch target pc */
	uint32_t raw;			/* the index operand as stored, before decoding */
	struct {
		int64_t default_target;	/* absolute pc */
		int32_t low, high;	/* tableswitch only */
		uint32_t count;		/* tableswitch: high-low+1; lookupswitch: npairs */
		uint32_t table;		/* pc of the first jump offset / match-offset pair */
	} sw;
};

/* Options for aot_bc_decode_ex(). */
enum {
	/*
	 * The method's class was never linked (InstanceKlass not rewritten):
	 * its code is what the class file held, so field and invoke operands
	 * are Java-order constant pool indices, and HotSpot's internal opcodes
	 * cannot occur.
	 */
	AOT_BC_NOT_REWRITTEN = 1 << 0,
};

/*
 * Decode the instruction at PC of CODE[0, CODE_LEN) for JDK feature release
 * FEATURE (17, 21, 25, 26 or 27), assuming the method was rewritten (the
 * normal state of archived methods).  CODE must be the start of the method's
 * bytecodes: switch padding is relative to it.
 */
struct aot_err *aot_bc_decode(const uint8_t *code, uint32_t code_len, uint32_t pc,
			      int feature, struct aot_bc_insn *out);
struct aot_err *aot_bc_decode_ex(const uint8_t *code, uint32_t code_len, uint32_t pc,
				 int feature, unsigned flags, struct aot_bc_insn *out);

/* Number of entries of a switch instruction, 0 for anything else. */
uint32_t aot_bc_switch_count(const struct aot_bc_insn *insn);

/*
 * Entry I of a switch decoded from the same CODE: MATCH is the key (for
 * tableswitch low + I), TARGET the absolute pc.
 */
struct aot_err *aot_bc_switch_entry(const uint8_t *code, uint32_t code_len,
				    const struct aot_bc_insn *insn, uint32_t i,
				    int32_t *match, int64_t *target);

/* Whether FEATURE is a release this table knows. */
bool aot_bc_feature_supported(int feature);

/* HotSpot's name for OPCODE ("nofast_iload"), or NULL for an undefined one. */
const char *aot_bc_name(int feature, uint8_t opcode);

/* Human name of an operand kind / index space, for output. */
const char *aot_bc_operand_name(enum aot_bc_operand kind);
const char *aot_bc_space_name(enum aot_bc_space space);

#endif
