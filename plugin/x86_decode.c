#include "x86_decode.h"

#include <string.h>

#define MAX_INSN 15

/* Immediate kinds of the one-byte map. */
enum { I_NONE, I_8, I_16, I_Z /* 16 or 32 */, I_V /* 16, 32 or 64 */, I_16_8, I_MOFFS };

struct op1 {
	uint8_t valid : 1, modrm : 1, imm : 3;
};

#define N {1, 0, I_NONE}
#define M {1, 1, I_NONE}
#define MB {1, 1, I_8}
#define MZ {1, 1, I_Z}
#define B {1, 0, I_8}
#define Z {1, 0, I_Z}
#define X {0, 0, I_NONE}

/* The one-byte opcode map in 64-bit mode (prefixes are handled before). */
static const struct op1 map1[256] = {
	/* 00 */ M, M, M, M, B, Z, X, X, M, M, M, M, B, Z, X, X,
	/* 10 */ M, M, M, M, B, Z, X, X, M, M, M, M, B, Z, X, X,
	/* 20 */ M, M, M, M, B, Z, X, X, M, M, M, M, B, Z, X, X,
	/* 30 */ M, M, M, M, B, Z, X, X, M, M, M, M, B, Z, X, X,
	/* 40 */ X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	/* 50 */ N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
	/* 60 */ X, X, X, M, X, X, X, X, Z, MZ, B, MB, N, N, N, N,
	/* 70 */ B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	/* 80 */ MB, MZ, X, MB, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 90 */ N, N, N, N, N, N, N, N, N, N, X, N, N, N, N, N,
	/* a0 */ {1, 0, I_MOFFS}, {1, 0, I_MOFFS}, {1, 0, I_MOFFS}, {1, 0, I_MOFFS},
		 N, N, N, N, B, Z, N, N, N, N, N, N,
	/* b0 */ B, B, B, B, B, B, B, B,
		 {1, 0, I_V}, {1, 0, I_V}, {1, 0, I_V}, {1, 0, I_V},
		 {1, 0, I_V}, {1, 0, I_V}, {1, 0, I_V}, {1, 0, I_V},
	/* c0 */ MB, MB, {1, 0, I_16}, N, X, X, MB, MZ, {1, 0, I_16_8}, N, {1, 0, I_16}, N, N, B, X, N,
	/* d0 */ M, M, M, M, X, X, X, N, M, M, M, M, M, M, M, M,
	/* e0 */ B, B, B, B, B, B, B, B, Z, Z, X, B, N, N, N, N,
	/* f0 */ X, N, X, X, N, N, M, M, N, N, N, N, N, N, M, M,
};

/* 0F xx opcodes without a ModRM byte; everything else valid has one. */
static bool map0f_no_modrm(uint8_t op)
{
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b:
	case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x37:
	case 0x77: case 0xa0: case 0xa1: case 0xa2: case 0xa8: case 0xa9: case 0xaa:
		return true;
	}
	return (op >= 0x80 && op <= 0x8f) || (op >= 0xc8 && op <= 0xcf);
}

static bool map0f_invalid(uint8_t op)
{
	switch (op) {
	case 0x04: case 0x0a: case 0x0c: case 0x0e: case 0x0f: case 0x24: case 0x25:
	case 0x26: case 0x27: case 0x36: case 0x39: case 0x3b: case 0x3c: case 0x3d:
	case 0x3e: case 0x3f: case 0x7a: case 0x7b: case 0xa6: case 0xa7: case 0xff:
		return true;
	}
	return false;
}

static bool map0f_imm8(uint8_t op)
{
	switch (op) {
	case 0x70: case 0x71: case 0x72: case 0x73: case 0xa4: case 0xac: case 0xba:
	case 0xc2: case 0xc4: case 0xc5: case 0xc6:
		return true;
	}
	return false;
}

static int64_t read_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	if (n < 8 && (v >> (8 * n - 1)) & 1)
		v |= ~0ULL << (8 * n);	// sign-extend
	return (int64_t)v;
}

/* ModRM, SIB and displacement at P; returns bytes used or -1. */
static int decode_modrm(const uint8_t *p, size_t avail, unsigned rex, struct x86_insn *in)
{
	if (avail < 1)
		return -1;
	size_t n = 1;
	in->has_modrm = true;
	in->mod = p[0] >> 6;
	in->reg = ((p[0] >> 3) & 7) | ((rex & 4) << 1);
	in->rm = (p[0] & 7) | ((rex & 1) << 3);
	in->base = -1;
	in->index = -1;
	if (in->mod == 3)
		return 1;
	unsigned disp = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
	if ((p[0] & 7) == 4) {
		if (avail < 2)
			return -1;
		uint8_t sib = p[1];
		n = 2;
		in->scale = (uint8_t)(1u << (sib >> 6));
		unsigned idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
		if (idx != 4)
			in->index = (int8_t)idx;
		unsigned base = (sib & 7) | ((rex & 1) << 3);
		if ((sib & 7) == 5 && in->mod == 0)
			disp = 4;
		else
			in->base = (int8_t)base;
	} else if ((p[0] & 7) == 5 && in->mod == 0) {
		in->rip_relative = true;
		disp = 4;
	} else {
		in->base = (int8_t)in->rm;
	}
	if (avail < n + disp)
		return -1;
	in->disp = disp ? read_le(p + n, disp) : 0;
	return (int)(n + disp);
}

static bool decode_vex(const uint8_t *code, size_t avail, size_t pos, struct x86_insn *in)
{
	uint8_t first = code[pos];
	unsigned rex = 0, map;
	size_t n;
	if (first == 0xc5) {
		if (avail < pos + 2)
			return false;
		rex = (code[pos + 1] & 0x80) ? 0 : 4;
		map = 1;
		n = 2;
	} else if (first == 0xc4) {
		if (avail < pos + 3)
			return false;
		uint8_t b1 = code[pos + 1];
		rex = ((b1 & 0x80) ? 0 : 4) | ((b1 & 0x40) ? 0 : 2) | ((b1 & 0x20) ? 0 : 1);
		map = b1 & 0x1f;
		in->rex_w = code[pos + 2] & 0x80;
		n = 3;
	} else {		// 0x62, EVEX
		if (avail < pos + 4)
			return false;
		uint8_t b1 = code[pos + 1];
		rex = ((b1 & 0x80) ? 0 : 4) | ((b1 & 0x40) ? 0 : 2) | ((b1 & 0x20) ? 0 : 1);
		map = b1 & 0x7;
		in->rex_w = code[pos + 2] & 0x80;
		n = 4;
	}
	if (map < 1 || map > 3)
		return false;
	in->vex = true;
	in->map = (uint8_t)map;
	pos += n;
	if (avail < pos + 1)
		return false;
	in->opcode = code[pos++];
	int m = decode_modrm(code + pos, avail - pos, rex, in);
	if (m < 0)
		return false;
	pos += (size_t)m;
	if (map == 3 || (map == 1 && map0f_imm8(in->opcode))) {
		if (avail < pos + 1)
			return false;
		in->imm = (int8_t)code[pos++];
		in->imm_size = 1;
	}
	if (pos > MAX_INSN)
		return false;
	in->len = (uint8_t)pos;
	return true;
}

bool x86_decode(const uint8_t *code, size_t avail, struct x86_insn *in)
{
	memset(in, 0, sizeof(*in));
	in->base = in->index = -1;
	if (avail > MAX_INSN)
		avail = MAX_INSN;
	size_t pos = 0;
	bool addr32 = false;
	for (;; pos++) {
		if (pos >= avail)
			return false;
		uint8_t b = code[pos];
		if (b == 0x66)
			in->opsize16 = true;
		else if (b == 0x67)
			addr32 = true;
		else if (b == 0xf3)
			in->rep = true;
		else if (b == 0xf2)
			in->repne = true;
		else if (b == 0x64 || b == 0x65)
			in->seg_override = true;
		else if (b != 0xf0 && b != 0x2e && b != 0x36 && b != 0x3e && b != 0x26)
			break;
	}
	unsigned rex = 0;
	if ((code[pos] & 0xf0) == 0x40) {
		rex = code[pos] & 0xf;
		in->rex_w = rex & 8;
		if (++pos >= avail)
			return false;
	}
	uint8_t op = code[pos];
	if (op == 0xc4 || op == 0xc5 || op == 0x62) {
		if (rex)
			return false;
		return decode_vex(code, avail, pos, in);
	}
	pos++;
	unsigned imm = I_NONE;
	bool modrm;
	if (op == 0x0f) {
		if (pos >= avail)
			return false;
		uint8_t op2 = code[pos++];
		in->opcode = op2;
		if (op2 == 0x38 || op2 == 0x3a) {
			if (pos >= avail)
				return false;
			in->map = op2 == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
			in->opcode = code[pos++];
			modrm = true;
			imm = op2 == 0x3a ? I_8 : I_NONE;
		} else {
			in->map = X86_MAP_0F;
			if (map0f_invalid(op2))
				return false;
			modrm = !map0f_no_modrm(op2);
			if (op2 >= 0x80 && op2 <= 0x8f)
				imm = I_Z;	// jcc rel32 (always 32 in 64-bit mode)
			else if (map0f_imm8(op2))
				imm = I_8;
		}
	} else {
		in->map = X86_MAP_1;
		in->opcode = op;
		struct op1 d = map1[op];
		if (!d.valid)
			return false;
		modrm = d.modrm;
		imm = d.imm;
	}
	if (modrm) {
		int m = decode_modrm(code + pos, avail - pos, rex, in);
		if (m < 0)
			return false;
		pos += (size_t)m;
		// Group 3 (test) is the one ModRM opcode whose immediate depends on /reg.
		if (in->map == X86_MAP_1 && (op == 0xf6 || op == 0xf7) && (in->reg & 7) < 2)
			imm = op == 0xf6 ? I_8 : I_Z;
	} else if (in->map == X86_MAP_1 && (op & 0xf8) == 0x50) {
		in->reg = (op & 7) | ((rex & 1) << 3);	// push/pop r64
	} else if (in->map == X86_MAP_1 && (op & 0xf8) == 0xb8) {
		in->reg = (op & 7) | ((rex & 1) << 3);	// mov r, imm
	}
	(void)addr32;
	unsigned isz = 0;
	switch (imm) {
	case I_8: isz = 1; break;
	case I_16: isz = 2; break;
	case I_Z: isz = (in->opsize16 && !(in->map == X86_MAP_0F)) ? 2 : 4; break;
	case I_V: isz = in->rex_w ? 8 : in->opsize16 ? 2 : 4; break;
	case I_16_8: isz = 3; break;
	case I_MOFFS: isz = addr32 ? 4 : 8; break;
	}
	// jmp/call rel32 ignore the operand-size prefix in 64-bit mode.
	if (in->map == X86_MAP_1 && (op == 0xe8 || op == 0xe9))
		isz = 4;
	if (pos + isz > avail)
		return false;
	if (isz) {
		in->imm = imm == I_16_8 ? read_le(code + pos, 2) : read_le(code + pos, isz);
		in->imm_size = (uint8_t)isz;
	}
	pos += isz;
	in->len = (uint8_t)pos;
	return true;
}
