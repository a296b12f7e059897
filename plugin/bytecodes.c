/*
 * Bytecode decoder for archived methods.  The opcode table is HotSpot's
 * (interpreter/bytecodes.cpp); the operand encodings after rewriting come from
 * interpreter/rewriter.cpp of each release.  docs/bytecodes.md has the
 * per-release table and what was checked against which JVM.
 */
#include "bytecodes.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* How an opcode's operands are laid out ("format" in bytecodes.cpp). */
enum shape {
	SH_UNDEF,	/* not an opcode */
	SH_B,		/* "b": no operand */
	SH_LOCAL,	/* "bi", wide "wbii" */
	SH_LOCAL_NW,	/* "bi" that wide cannot modify (fast_iload, nofast_iload) */
	SH_BIPUSH,	/* "bc" */
	SH_SIPUSH,	/* "bcc" */
	SH_LDC,		/* "bk" */
	SH_CP2,		/* "bkk" */
	SH_MULTI,	/* "bkkc" */
	SH_IINC,	/* "bic", wide "wbiicc" */
	SH_BR2,		/* "boo" */
	SH_BR4,		/* "boooo" */
	SH_TSWITCH,	/* "" tableswitch */
	SH_LSWITCH,	/* "" lookupswitch and its fast_ forms */
	SH_FIELD,	/* "bJJ" field ref */
	SH_METHOD,	/* "bJJ" method ref */
	SH_IFACE,	/* "bJJ__" invokeinterface */
	SH_INDY,	/* "bJJJJ" invokedynamic */
	SH_NEWARRAY,	/* "bc" */
	SH_WIDE,	/* "" wide prefix */
	SH_BREAKPOINT,	/* "" */
	SH_ALDC,	/* "bj": u1 resolved-references index */
	SH_ALDC_W,	/* "bJJ": native u2 resolved-references index */
	SH_XACCESS,	/* "b_JJ": aload_0 fused with the getfield after it */
	SH_ILOAD2,	/* "bi_i": iload fused with the iload after it */
	SH_ICALOAD,	/* "bi_": iload fused with the caload after it */
	SH_NOTREACHED,	/* "b", never stored in a method */
};

struct bc_def {
	const char *name;	/* HotSpot's Bytecodes::name() */
	uint8_t java;		/* Bytecodes::java_code() */
	uint8_t len;		/* Bytecodes::length_for(), 0 = variable */
	uint8_t shape;
};

#define D(op, nm, jv, ln, sh) [op] = { nm, jv, ln, sh }

/*
 * Indexed by opcode.  Identical in 17, 21, 25, 26 and 27: the enumerator
 * list of Bytecodes::Code is the same in the DWARF of all five, and the
 * lengths and java codes were read from each running JVM (docs/bytecodes.md).
 */
static const struct bc_def defs[256] = {
	D(0, "nop", 0, 1, SH_B),
	D(1, "aconst_null", 1, 1, SH_B),
	D(2, "iconst_m1", 2, 1, SH_B),
	D(3, "iconst_0", 3, 1, SH_B),
	D(4, "iconst_1", 4, 1, SH_B),
	D(5, "iconst_2", 5, 1, SH_B),
	D(6, "iconst_3", 6, 1, SH_B),
	D(7, "iconst_4", 7, 1, SH_B),
	D(8, "iconst_5", 8, 1, SH_B),
	D(9, "lconst_0", 9, 1, SH_B),
	D(10, "lconst_1", 10, 1, SH_B),
	D(11, "fconst_0", 11, 1, SH_B),
	D(12, "fconst_1", 12, 1, SH_B),
	D(13, "fconst_2", 13, 1, SH_B),
	D(14, "dconst_0", 14, 1, SH_B),
	D(15, "dconst_1", 15, 1, SH_B),
	D(16, "bipush", 16, 2, SH_BIPUSH),
	D(17, "sipush", 17, 3, SH_SIPUSH),
	D(18, "ldc", 18, 2, SH_LDC),
	D(19, "ldc_w", 19, 3, SH_CP2),
	D(20, "ldc2_w", 20, 3, SH_CP2),
	D(21, "iload", 21, 2, SH_LOCAL),
	D(22, "lload", 22, 2, SH_LOCAL),
	D(23, "fload", 23, 2, SH_LOCAL),
	D(24, "dload", 24, 2, SH_LOCAL),
	D(25, "aload", 25, 2, SH_LOCAL),
	D(26, "iload_0", 26, 1, SH_B),
	D(27, "iload_1", 27, 1, SH_B),
	D(28, "iload_2", 28, 1, SH_B),
	D(29, "iload_3", 29, 1, SH_B),
	D(30, "lload_0", 30, 1, SH_B),
	D(31, "lload_1", 31, 1, SH_B),
	D(32, "lload_2", 32, 1, SH_B),
	D(33, "lload_3", 33, 1, SH_B),
	D(34, "fload_0", 34, 1, SH_B),
	D(35, "fload_1", 35, 1, SH_B),
	D(36, "fload_2", 36, 1, SH_B),
	D(37, "fload_3", 37, 1, SH_B),
	D(38, "dload_0", 38, 1, SH_B),
	D(39, "dload_1", 39, 1, SH_B),
	D(40, "dload_2", 40, 1, SH_B),
	D(41, "dload_3", 41, 1, SH_B),
	D(42, "aload_0", 42, 1, SH_B),
	D(43, "aload_1", 43, 1, SH_B),
	D(44, "aload_2", 44, 1, SH_B),
	D(45, "aload_3", 45, 1, SH_B),
	D(46, "iaload", 46, 1, SH_B),
	D(47, "laload", 47, 1, SH_B),
	D(48, "faload", 48, 1, SH_B),
	D(49, "daload", 49, 1, SH_B),
	D(50, "aaload", 50, 1, SH_B),
	D(51, "baload", 51, 1, SH_B),
	D(52, "caload", 52, 1, SH_B),
	D(53, "saload", 53, 1, SH_B),
	D(54, "istore", 54, 2, SH_LOCAL),
	D(55, "lstore", 55, 2, SH_LOCAL),
	D(56, "fstore", 56, 2, SH_LOCAL),
	D(57, "dstore", 57, 2, SH_LOCAL),
	D(58, "astore", 58, 2, SH_LOCAL),
	D(59, "istore_0", 59, 1, SH_B),
	D(60, "istore_1", 60, 1, SH_B),
	D(61, "istore_2", 61, 1, SH_B),
	D(62, "istore_3", 62, 1, SH_B),
	D(63, "lstore_0", 63, 1, SH_B),
	D(64, "lstore_1", 64, 1, SH_B),
	D(65, "lstore_2", 65, 1, SH_B),
	D(66, "lstore_3", 66, 1, SH_B),
	D(67, "fstore_0", 67, 1, SH_B),
	D(68, "fstore_1", 68, 1, SH_B),
	D(69, "fstore_2", 69, 1, SH_B),
	D(70, "fstore_3", 70, 1, SH_B),
	D(71, "dstore_0", 71, 1, SH_B),
	D(72, "dstore_1", 72, 1, SH_B),
	D(73, "dstore_2", 73, 1, SH_B),
	D(74, "dstore_3", 74, 1, SH_B),
	D(75, "astore_0", 75, 1, SH_B),
	D(76, "astore_1", 76, 1, SH_B),
	D(77, "astore_2", 77, 1, SH_B),
	D(78, "astore_3", 78, 1, SH_B),
	D(79, "iastore", 79, 1, SH_B),
	D(80, "lastore", 80, 1, SH_B),
	D(81, "fastore", 81, 1, SH_B),
	D(82, "dastore", 82, 1, SH_B),
	D(83, "aastore", 83, 1, SH_B),
	D(84, "bastore", 84, 1, SH_B),
	D(85, "castore", 85, 1, SH_B),
	D(86, "sastore", 86, 1, SH_B),
	D(87, "pop", 87, 1, SH_B),
	D(88, "pop2", 88, 1, SH_B),
	D(89, "dup", 89, 1, SH_B),
	D(90, "dup_x1", 90, 1, SH_B),
	D(91, "dup_x2", 91, 1, SH_B),
	D(92, "dup2", 92, 1, SH_B),
	D(93, "dup2_x1", 93, 1, SH_B),
	D(94, "dup2_x2", 94, 1, SH_B),
	D(95, "swap", 95, 1, SH_B),
	D(96, "iadd", 96, 1, SH_B),
	D(97, "ladd", 97, 1, SH_B),
	D(98, "fadd", 98, 1, SH_B),
	D(99, "dadd", 99, 1, SH_B),
	D(100, "isub", 100, 1, SH_B),
	D(101, "lsub", 101, 1, SH_B),
	D(102, "fsub", 102, 1, SH_B),
	D(103, "dsub", 103, 1, SH_B),
	D(104, "imul", 104, 1, SH_B),
	D(105, "lmul", 105, 1, SH_B),
	D(106, "fmul", 106, 1, SH_B),
	D(107, "dmul", 107, 1, SH_B),
	D(108, "idiv", 108, 1, SH_B),
	D(109, "ldiv", 109, 1, SH_B),
	D(110, "fdiv", 110, 1, SH_B),
	D(111, "ddiv", 111, 1, SH_B),
	D(112, "irem", 112, 1, SH_B),
	D(113, "lrem", 113, 1, SH_B),
	D(114, "frem", 114, 1, SH_B),
	D(115, "drem", 115, 1, SH_B),
	D(116, "ineg", 116, 1, SH_B),
	D(117, "lneg", 117, 1, SH_B),
	D(118, "fneg", 118, 1, SH_B),
	D(119, "dneg", 119, 1, SH_B),
	D(120, "ishl", 120, 1, SH_B),
	D(121, "lshl", 121, 1, SH_B),
	D(122, "ishr", 122, 1, SH_B),
	D(123, "lshr", 123, 1, SH_B),
	D(124, "iushr", 124, 1, SH_B),
	D(125, "lushr", 125, 1, SH_B),
	D(126, "iand", 126, 1, SH_B),
	D(127, "land", 127, 1, SH_B),
	D(128, "ior", 128, 1, SH_B),
	D(129, "lor", 129, 1, SH_B),
	D(130, "ixor", 130, 1, SH_B),
	D(131, "lxor", 131, 1, SH_B),
	D(132, "iinc", 132, 3, SH_IINC),
	D(133, "i2l", 133, 1, SH_B),
	D(134, "i2f", 134, 1, SH_B),
	D(135, "i2d", 135, 1, SH_B),
	D(136, "l2i", 136, 1, SH_B),
	D(137, "l2f", 137, 1, SH_B),
	D(138, "l2d", 138, 1, SH_B),
	D(139, "f2i", 139, 1, SH_B),
	D(140, "f2l", 140, 1, SH_B),
	D(141, "f2d", 141, 1, SH_B),
	D(142, "d2i", 142, 1, SH_B),
	D(143, "d2l", 143, 1, SH_B),
	D(144, "d2f", 144, 1, SH_B),
	D(145, "i2b", 145, 1, SH_B),
	D(146, "i2c", 146, 1, SH_B),
	D(147, "i2s", 147, 1, SH_B),
	D(148, "lcmp", 148, 1, SH_B),
	D(149, "fcmpl", 149, 1, SH_B),
	D(150, "fcmpg", 150, 1, SH_B),
	D(151, "dcmpl", 151, 1, SH_B),
	D(152, "dcmpg", 152, 1, SH_B),
	D(153, "ifeq", 153, 3, SH_BR2),
	D(154, "ifne", 154, 3, SH_BR2),
	D(155, "iflt", 155, 3, SH_BR2),
	D(156, "ifge", 156, 3, SH_BR2),
	D(157, "ifgt", 157, 3, SH_BR2),
	D(158, "ifle", 158, 3, SH_BR2),
	D(159, "if_icmpeq", 159, 3, SH_BR2),
	D(160, "if_icmpne", 160, 3, SH_BR2),
	D(161, "if_icmplt", 161, 3, SH_BR2),
	D(162, "if_icmpge", 162, 3, SH_BR2),
	D(163, "if_icmpgt", 163, 3, SH_BR2),
	D(164, "if_icmple", 164, 3, SH_BR2),
	D(165, "if_acmpeq", 165, 3, SH_BR2),
	D(166, "if_acmpne", 166, 3, SH_BR2),
	D(167, "goto", 167, 3, SH_BR2),
	D(168, "jsr", 168, 3, SH_BR2),
	D(169, "ret", 169, 2, SH_LOCAL),
	D(170, "tableswitch", 170, 0, SH_TSWITCH),
	D(171, "lookupswitch", 171, 0, SH_LSWITCH),
	D(172, "ireturn", 172, 1, SH_B),
	D(173, "lreturn", 173, 1, SH_B),
	D(174, "freturn", 174, 1, SH_B),
	D(175, "dreturn", 175, 1, SH_B),
	D(176, "areturn", 176, 1, SH_B),
	D(177, "return", 177, 1, SH_B),
	D(178, "getstatic", 178, 3, SH_FIELD),
	D(179, "putstatic", 179, 3, SH_FIELD),
	D(180, "getfield", 180, 3, SH_FIELD),
	D(181, "putfield", 181, 3, SH_FIELD),
	D(182, "invokevirtual", 182, 3, SH_METHOD),
	D(183, "invokespecial", 183, 3, SH_METHOD),
	D(184, "invokestatic", 184, 3, SH_METHOD),
	D(185, "invokeinterface", 185, 5, SH_IFACE),
	D(186, "invokedynamic", 186, 5, SH_INDY),
	D(187, "new", 187, 3, SH_CP2),
	D(188, "newarray", 188, 2, SH_NEWARRAY),
	D(189, "anewarray", 189, 3, SH_CP2),
	D(190, "arraylength", 190, 1, SH_B),
	D(191, "athrow", 191, 1, SH_B),
	D(192, "checkcast", 192, 3, SH_CP2),
	D(193, "instanceof", 193, 3, SH_CP2),
	D(194, "monitorenter", 194, 1, SH_B),
	D(195, "monitorexit", 195, 1, SH_B),
	D(196, "wide", 196, 0, SH_WIDE),
	D(197, "multianewarray", 197, 4, SH_MULTI),
	D(198, "ifnull", 198, 3, SH_BR2),
	D(199, "ifnonnull", 199, 3, SH_BR2),
	D(200, "goto_w", 200, 5, SH_BR4),
	D(201, "jsr_w", 201, 5, SH_BR4),
	D(202, "breakpoint", 202, 0, SH_BREAKPOINT),
	/* HotSpot-internal codes, Bytecodes::number_of_java_codes (203) on. */
	D(203, "fast_agetfield", 180, 3, SH_FIELD),
	D(204, "fast_bgetfield", 180, 3, SH_FIELD),
	D(205, "fast_cgetfield", 180, 3, SH_FIELD),
	D(206, "fast_dgetfield", 180, 3, SH_FIELD),
	D(207, "fast_fgetfield", 180, 3, SH_FIELD),
	D(208, "fast_igetfield", 180, 3, SH_FIELD),
	D(209, "fast_lgetfield", 180, 3, SH_FIELD),
	D(210, "fast_sgetfield", 180, 3, SH_FIELD),
	D(211, "fast_aputfield", 181, 3, SH_FIELD),
	D(212, "fast_bputfield", 181, 3, SH_FIELD),
	D(213, "fast_zputfield", 181, 3, SH_FIELD),
	D(214, "fast_cputfield", 181, 3, SH_FIELD),
	D(215, "fast_dputfield", 181, 3, SH_FIELD),
	D(216, "fast_fputfield", 181, 3, SH_FIELD),
	D(217, "fast_iputfield", 181, 3, SH_FIELD),
	D(218, "fast_lputfield", 181, 3, SH_FIELD),
	D(219, "fast_sputfield", 181, 3, SH_FIELD),
	D(220, "fast_aload_0", 42, 1, SH_B),
	D(221, "fast_iaccess_0", 42, 4, SH_XACCESS),
	D(222, "fast_aaccess_0", 42, 4, SH_XACCESS),
	D(223, "fast_faccess_0", 42, 4, SH_XACCESS),
	D(224, "fast_iload", 21, 2, SH_LOCAL_NW),
	D(225, "fast_iload2", 21, 4, SH_ILOAD2),
	D(226, "fast_icaload", 21, 3, SH_ICALOAD),
	D(227, "fast_invokevfinal", 182, 3, SH_METHOD),
	D(228, "fast_linearswitch", 171, 0, SH_LSWITCH),
	D(229, "fast_binaryswitch", 171, 0, SH_LSWITCH),
	D(230, "fast_aldc", 18, 2, SH_ALDC),
	D(231, "fast_aldc_w", 19, 3, SH_ALDC_W),
	D(232, "return_register_finalizer", 177, 1, SH_B),
	D(233, "invokehandle", 182, 3, SH_METHOD),
	D(234, "nofast_getfield", 180, 3, SH_FIELD),
	D(235, "nofast_putfield", 181, 3, SH_FIELD),
	D(236, "nofast_aload_0", 42, 1, SH_B),
	D(237, "nofast_iload", 21, 2, SH_LOCAL_NW),
	D(238, "_shouldnotreachhere", 238, 1, SH_NOTREACHED),
};

#undef D

bool aot_bc_feature_supported(int feature)
{
	return feature == 17 || feature == 21 || feature == 25 || feature == 26 ||
	       feature == 27;
}

const char *aot_bc_name(int feature, uint8_t opcode)
{
	if (!aot_bc_feature_supported(feature))
		return NULL;
	return defs[opcode].name;
}

const char *aot_bc_operand_name(enum aot_bc_operand kind)
{
	static const char *const names[] = {
		[AOT_BC_NONE] = "none",
		[AOT_BC_LOCAL] = "local",
		[AOT_BC_CONST] = "const",
		[AOT_BC_IINC] = "iinc",
		[AOT_BC_BRANCH] = "branch",
		[AOT_BC_CP_INDEX_U1] = "cp_index_u1",
		[AOT_BC_CP_INDEX_U2] = "cp_index_u2",
		[AOT_BC_FIELD_ENTRY] = "field_entry",
		[AOT_BC_METHOD_ENTRY] = "method_entry",
		[AOT_BC_INDY_ENTRY] = "indy_entry",
		[AOT_BC_RESOLVED_REF] = "resolved_ref",
		[AOT_BC_NEWARRAY_TYPE] = "newarray_type",
		[AOT_BC_SWITCH] = "switch",
	};
	if ((unsigned)kind >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[kind];
}

const char *aot_bc_space_name(enum aot_bc_space space)
{
	static const char *const names[] = {
		[AOT_BC_SPACE_NONE] = "none",
		[AOT_BC_SPACE_LOCALS] = "locals",
		[AOT_BC_SPACE_CP] = "cp",
		[AOT_BC_SPACE_CPCACHE] = "cpcache",
		[AOT_BC_SPACE_FIELD_ENTRIES] = "field_entries",
		[AOT_BC_SPACE_METHOD_ENTRIES] = "method_entries",
		[AOT_BC_SPACE_INDY_ENTRIES] = "indy_entries",
		[AOT_BC_SPACE_RESOLVED_REFS] = "resolved_refs",
	};
	if ((unsigned)space >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[space];
}

/* ---- reading ---------------------------------------------------------- */

/* Class-file operands are big-endian; operands the Rewriter wrote are x86's. */
static uint16_t get_java_u2(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_java_u4(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_native_u2(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_native_u4(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static struct aot_err *insn_err(const struct aot_bc_insn *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "bytecode at pc N (name): message" for every decoding error. */
static struct aot_err *insn_err(const struct aot_bc_insn *in, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (in->name)
		return aot_errf(AOT_ERR_FORMAT, "bytecode at pc %u (%s%s): %s", in->pc,
				in->wide ? "wide " : "", in->name, msg);
	return aot_errf(AOT_ERR_FORMAT, "bytecode at pc %u (opcode 0x%02x): %s", in->pc,
			in->opcode, msg);
}

/* The instruction needs N bytes from its pc; fail if the code ends first. */
static struct aot_err *need(const struct aot_bc_insn *in, uint32_t code_len, uint64_t n)
{
	if ((uint64_t)in->pc + n <= code_len)
		return NULL;
	return insn_err(in, "truncated: needs %llu bytes, the code has %u left",
			(unsigned long long)n, code_len - in->pc);
}

static struct aot_err *check_target(const struct aot_bc_insn *in, uint32_t code_len,
				    int64_t target, const char *what)
{
	if (target >= 0 && target < (int64_t)code_len)
		return NULL;
	return insn_err(in, "%s target %lld is outside the code [0, %u)", what,
			(long long)target, code_len);
}

/* ---- operand decoders, one per shape ------------------------------------ */

struct ctx {
	const uint8_t *code;
	uint32_t code_len;
	int feature;
	bool rewritten;
};

static void set_index(struct aot_bc_insn *in, enum aot_bc_operand kind,
		      enum aot_bc_space space, uint32_t raw, int64_t index, bool native)
{
	in->kind = kind;
	in->space = space;
	in->raw = raw;
	in->index = index;
	in->native_order = native;
}

static struct aot_err *dec_branch(const struct ctx *c, struct aot_bc_insn *in, bool wide4)
{
	const uint8_t *p = c->code + in->pc + 1;
	int64_t off = wide4 ? (int32_t)get_java_u4(p) : (int16_t)get_java_u2(p);
	in->kind = AOT_BC_BRANCH;
	in->target = (int64_t)in->pc + off;
	return check_target(in, c->code_len, in->target, "branch");
}

/* Where a switch's aligned operands start: padding counts from pc 0. */
static uint64_t switch_base(uint32_t pc)
{
	return ((uint64_t)pc + 1 + 3) & ~(uint64_t)3;
}

static struct aot_err *dec_switch(const struct ctx *c, struct aot_bc_insn *in, bool table)
{
	uint64_t base = switch_base(in->pc);
	uint64_t head = base - in->pc + (table ? 12 : 8);
	struct aot_err *err = need(in, c->code_len, head);
	if (err)
		return err;
	const uint8_t *p = c->code + base;
	in->kind = AOT_BC_SWITCH;
	in->sw.default_target = (int64_t)in->pc + (int32_t)get_java_u4(p);
	uint64_t count, esize;
	if (table) {
		in->sw.low = (int32_t)get_java_u4(p + 4);
		in->sw.high = (int32_t)get_java_u4(p + 8);
		if (in->sw.low > in->sw.high)
			return insn_err(in, "low %d is greater than high %d", in->sw.low,
					in->sw.high);
		count = (uint64_t)((int64_t)in->sw.high - in->sw.low + 1);
		esize = 4;
	} else {
		int32_t npairs = (int32_t)get_java_u4(p + 4);
		if (npairs < 0)
			return insn_err(in, "npairs %d is negative", npairs);
		count = (uint64_t)npairs;
		esize = 8;
	}
	uint64_t len = head + count * esize;
	if ((err = need(in, c->code_len, len)))
		return err;
	in->sw.count = (uint32_t)count;
	in->sw.table = (uint32_t)(base + (table ? 12 : 8));
	in->len = (uint32_t)len;
	return check_target(in, c->code_len, in->sw.default_target, "default");
}

/*
 * A field ref at pc+OFF: a native entry index once rewritten, a Java-order
 * CP index before.
 */
static void dec_field(const struct ctx *c, struct aot_bc_insn *in, uint32_t off)
{
	const uint8_t *p = c->code + in->pc + off;
	if (!c->rewritten) {
		uint16_t v = get_java_u2(p);
		set_index(in, AOT_BC_CP_INDEX_U2, AOT_BC_SPACE_CP, v, v, false);
		return;
	}
	uint16_t v = get_native_u2(p);
	/* 22 moved fields out of the cpCache into ResolvedFieldEntry. */
	enum aot_bc_space s = c->feature >= 22 ? AOT_BC_SPACE_FIELD_ENTRIES : AOT_BC_SPACE_CPCACHE;
	set_index(in, AOT_BC_FIELD_ENTRY, s, v, v, true);
}

static void dec_method(const struct ctx *c, struct aot_bc_insn *in)
{
	const uint8_t *p = c->code + in->pc + 1;
	if (!c->rewritten) {
		uint16_t v = get_java_u2(p);
		set_index(in, AOT_BC_CP_INDEX_U2, AOT_BC_SPACE_CP, v, v, false);
		return;
	}
	uint16_t v = get_native_u2(p);
	/* 23 moved methods out of the cpCache into ResolvedMethodEntry. */
	enum aot_bc_space s = c->feature >= 23 ? AOT_BC_SPACE_METHOD_ENTRIES : AOT_BC_SPACE_CPCACHE;
	set_index(in, AOT_BC_METHOD_ENTRY, s, v, v, true);
}

static struct aot_err *dec_indy(const struct ctx *c, struct aot_bc_insn *in)
{
	const uint8_t *p = c->code + in->pc + 1;
	if (!c->rewritten) {
		uint16_t v = get_java_u2(p);
		set_index(in, AOT_BC_CP_INDEX_U2, AOT_BC_SPACE_CP, v, v, false);
		return NULL;
	}
	uint32_t raw = get_native_u4(p);
	if (c->feature >= 23) {
		/* JDK-8330388 (23) dropped the ~index encoding. */
		set_index(in, AOT_BC_INDY_ENTRY, AOT_BC_SPACE_INDY_ENTRIES, raw, raw, true);
		return NULL;
	}
	/* 17..22 store ~index, so a valid operand is negative as an int. */
	if (!(raw & 0x80000000u))
		return insn_err(in, "operand 0x%08x is not an encoded (~index) indy index", raw);
	enum aot_bc_space s = c->feature >= 21 ? AOT_BC_SPACE_INDY_ENTRIES : AOT_BC_SPACE_CPCACHE;
	set_index(in, AOT_BC_INDY_ENTRY, s, raw, (int64_t)~raw, true);
	return NULL;
}

static struct aot_err *dec_wide(const struct ctx *c, struct aot_bc_insn *in)
{
	struct aot_err *err = need(in, c->code_len, 2);
	if (err)
		return err;
	uint8_t op = c->code[in->pc + 1];
	const struct bc_def *d = &defs[op];
	if (d->shape != SH_LOCAL && d->shape != SH_IINC)
		return insn_err(in, "followed by %s (opcode 0x%02x), which wide cannot modify",
				d->name ? d->name : "an undefined opcode", op);
	in->wide = true;
	in->opcode = in->java_opcode = op;
	in->name = in->java_name = d->name;
	in->len = d->shape == SH_IINC ? 6 : 4;
	if ((err = need(in, c->code_len, in->len)))
		return err;
	const uint8_t *p = c->code + in->pc + 2;
	uint16_t slot = get_java_u2(p);
	set_index(in, d->shape == SH_IINC ? AOT_BC_IINC : AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, slot,
		  slot, false);
	if (d->shape == SH_IINC)
		in->value = (int16_t)get_java_u2(p + 2);
	return NULL;
}

/* Operands of a fixed-length instruction whose bytes are known to be there. */
static struct aot_err *dec_fixed(const struct ctx *c, struct aot_bc_insn *in, enum shape sh)
{
	const uint8_t *p = c->code + in->pc + 1;
	switch (sh) {
	case SH_B:
		return NULL;
	case SH_LOCAL:
	case SH_LOCAL_NW:
		set_index(in, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, p[0], p[0], false);
		return NULL;
	case SH_BIPUSH:
		in->kind = AOT_BC_CONST;
		in->value = (int8_t)p[0];
		return NULL;
	case SH_SIPUSH:
		in->kind = AOT_BC_CONST;
		in->value = (int16_t)get_java_u2(p);
		return NULL;
	case SH_LDC:
		set_index(in, AOT_BC_CP_INDEX_U1, AOT_BC_SPACE_CP, p[0], p[0], false);
		return NULL;
	case SH_CP2:
	case SH_MULTI:
		set_index(in, AOT_BC_CP_INDEX_U2, AOT_BC_SPACE_CP, get_java_u2(p), get_java_u2(p),
			  false);
		if (sh == SH_MULTI)
			in->value = p[2];
		return NULL;
	case SH_IINC:
		set_index(in, AOT_BC_IINC, AOT_BC_SPACE_LOCALS, p[0], p[0], false);
		in->value = (int8_t)p[1];
		return NULL;
	case SH_BR2:
	case SH_BR4:
		return dec_branch(c, in, sh == SH_BR4);
	case SH_FIELD:
		dec_field(c, in, 1);
		return NULL;
	case SH_METHOD:
	case SH_IFACE:
		dec_method(c, in);
		if (sh == SH_IFACE)
			in->value = p[2];
		return NULL;
	case SH_INDY:
		return dec_indy(c, in);
	case SH_NEWARRAY:
		in->kind = AOT_BC_NEWARRAY_TYPE;
		in->value = p[0];
		if (p[0] < 4 || p[0] > 11)
			return insn_err(in, "array type %u is not T_BOOLEAN..T_LONG (4..11)", p[0]);
		return NULL;
	case SH_ALDC:
		set_index(in, AOT_BC_RESOLVED_REF, AOT_BC_SPACE_RESOLVED_REFS, p[0], p[0], false);
		return NULL;
	case SH_ALDC_W:
		set_index(in, AOT_BC_RESOLVED_REF, AOT_BC_SPACE_RESOLVED_REFS, get_native_u2(p),
			  get_native_u2(p), true);
		return NULL;
	case SH_XACCESS:
		/* p[0] is the fast_xgetfield this fused; its operand follows. */
		dec_field(c, in, 2);
		in->value = p[0];
		return NULL;
	case SH_ILOAD2:
		set_index(in, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, p[0], p[0], false);
		in->value = p[2];
		return NULL;
	case SH_ICALOAD:
		set_index(in, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, p[0], p[0], false);
		return NULL;
	default:
		return insn_err(in, "internal: no decoder for shape %d", (int)sh);
	}
}

/* Opcodes that cannot stand in the code we are asked to decode. */
static struct aot_err *check_opcode(const struct ctx *c, struct aot_bc_insn *in,
				    const struct bc_def *d)
{
	if (!d->name)
		return insn_err(in, "undefined opcode (HotSpot defines 0..%d)",
				AOT_BC_NUMBER_OF_CODES - 1);
	if (d->shape == SH_BREAKPOINT)
		return insn_err(in, "a JVMTI breakpoint, which no archive holds; in a live JVM the "
				"original opcode is in the method's BreakpointInfo list");
	if (d->shape == SH_NOTREACHED)
		return insn_err(in, "HotSpot's debugging opcode, never stored in a method");
	if (!c->rewritten && in->opcode >= AOT_BC_FAST_AGETFIELD)
		return insn_err(in, "HotSpot-internal opcode in a method marked not rewritten");
	return NULL;
}

struct aot_err *aot_bc_decode_ex(const uint8_t *code, uint32_t code_len, uint32_t pc,
				 int feature, unsigned flags, struct aot_bc_insn *out)
{
	if (!out || (!code && code_len))
		return aot_errf(AOT_ERR_USAGE, "aot_bc_decode: no code or no output");
	if (!aot_bc_feature_supported(feature))
		return aot_errf(AOT_ERR_UNSUPPORTED,
				"bytecodes of JDK %d: only 17, 21, 25, 26 and 27 are known", feature);
	memset(out, 0, sizeof(*out));
	out->pc = pc;
	if (pc >= code_len)
		return aot_errf(AOT_ERR_FORMAT, "bytecode at pc %u: past the end of the code (%u bytes)",
				pc, code_len);
	const struct ctx c = { code, code_len, feature, !(flags & AOT_BC_NOT_REWRITTEN) };
	out->opcode = code[pc];
	const struct bc_def *d = &defs[out->opcode];
	struct aot_err *err = check_opcode(&c, out, d);
	if (err)
		return err;
	out->java_opcode = d->java;
	out->name = d->name;
	out->java_name = defs[d->java].name;
	if (d->shape == SH_WIDE)
		return dec_wide(&c, out);
	if (d->shape == SH_TSWITCH || d->shape == SH_LSWITCH)
		return dec_switch(&c, out, d->shape == SH_TSWITCH);
	out->len = d->len;
	if ((err = need(out, code_len, d->len)))
		return err;
	return dec_fixed(&c, out, (enum shape)d->shape);
}

struct aot_err *aot_bc_decode(const uint8_t *code, uint32_t code_len, uint32_t pc,
			      int feature, struct aot_bc_insn *out)
{
	return aot_bc_decode_ex(code, code_len, pc, feature, 0, out);
}

uint32_t aot_bc_switch_count(const struct aot_bc_insn *insn)
{
	return insn && insn->kind == AOT_BC_SWITCH ? insn->sw.count : 0;
}

struct aot_err *aot_bc_switch_entry(const uint8_t *code, uint32_t code_len,
				    const struct aot_bc_insn *insn, uint32_t i,
				    int32_t *match, int64_t *target)
{
	if (!insn || insn->kind != AOT_BC_SWITCH || !match || !target || (!code && code_len))
		return aot_errf(AOT_ERR_USAGE, "aot_bc_switch_entry: not a decoded switch");
	if (i >= insn->sw.count)
		return insn_err(insn, "entry %u asked for, the switch has %u", i, insn->sw.count);
	bool table = insn->java_opcode == 170;
	uint64_t esize = table ? 4 : 8;
	uint64_t at = insn->sw.table + (uint64_t)i * esize;
	/* The insn may come from another buffer: check again rather than trust it. */
	if (at + esize > code_len)
		return insn_err(insn, "entry %u at pc %llu is past the end of the code (%u bytes)", i,
				(unsigned long long)at, code_len);
	const uint8_t *p = code + at;
	int32_t off;
	if (table) {
		*match = (int32_t)((int64_t)insn->sw.low + i);
		off = (int32_t)get_java_u4(p);
	} else {
		*match = (int32_t)get_java_u4(p);
		off = (int32_t)get_java_u4(p + 4);
	}
	*target = (int64_t)insn->pc + off;
	return check_target(insn, code_len, *target, "case");
}
