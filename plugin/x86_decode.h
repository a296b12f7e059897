/*
 * Just enough of an x86-64 instruction decoder to follow a C++ static
 * initializer: exact instruction lengths for the whole (non-privileged)
 * instruction set, and the operands of the few instructions whose effect
 * the constructor emulation models (ctor_emul.c).
 */
#ifndef AOTDBG_X86_DECODE_H
#define AOTDBG_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_map { X86_MAP_1, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A };

struct x86_insn {
	uint8_t len;
	uint8_t opcode;
	uint8_t map;		/* enum x86_map */
	bool vex;		/* VEX or EVEX encoded */
	bool rex_w;
	bool opsize16;		/* 0x66 prefix */
	bool rep;		/* 0xf3 prefix */
	bool repne;		/* 0xf2 prefix */
	bool has_modrm;
	uint8_t mod, reg, rm;	/* reg and rm include the REX extension bits */
	/* Memory operand (has_modrm && mod != 3). */
	bool rip_relative;
	int8_t base;		/* -1: none */
	int8_t index;		/* -1: none */
	uint8_t scale;
	int64_t disp;
	/* Immediate (sign-extended) and its size in bytes; rel for branches. */
	int64_t imm;
	uint8_t imm_size;
	bool seg_override;	/* fs/gs: an address we cannot compute */
};

/*
 * Decode the instruction at CODE (AVAIL bytes readable).  Returns false for
 * an invalid or truncated encoding, or one this decoder does not know.
 */
bool x86_decode(const uint8_t *code, size_t avail, struct x86_insn *ret);

#endif
