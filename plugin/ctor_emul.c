#include "ctor_emul.h"

#include <stdlib.h>
#include <string.h>

#include "x86_decode.h"

/* Bounds that no real initializer comes near; they only stop hostile code. */
#define MAX_BLOCKS (1u << 20)
#define MAX_SITES (1u << 22)
#define MAX_INSNS (64ull << 20)
#define MAX_BLOCK_INSNS 100000

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

struct regs {
	uint64_t g[16];
	uint64_t xl[16], xh[16];	/* xmm low and high quadwords */
	uint16_t gk, xlk, xhk;		/* known bits */
};

struct block {
	uint64_t addr;
	struct regs in;
	uint32_t fn;		/* index of the .init_array entry that reached it */
	bool depth1;		/* reached through a call: calls from here are not followed */
	bool used;
	bool queued;
};

struct site {
	uint64_t insn;		/* 0: free slot */
	uint32_t fn;
	struct aot_ctor_store st;
};

struct emu {
	const struct aot_ctor_mem *mem;
	struct block *blocks;	/* open addressing on addr */
	size_t bcap, bcount;
	uint64_t *work;		/* addresses of queued blocks */
	size_t wlen, wcap;
	struct site *sites;	/* open addressing on insn */
	size_t scap, scount;
	struct aot_ctor_stats *stats;
	bool cut;		/* the current function hit something unknown */
	bool full;		/* a table is full: stop */
};

static size_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static struct block *block_slot(struct emu *m, uint64_t addr)
{
	size_t i = hash64(addr) & (m->bcap - 1);
	while (m->blocks[i].used && m->blocks[i].addr != addr)
		i = (i + 1) & (m->bcap - 1);
	return &m->blocks[i];
}

static bool grow_blocks(struct emu *m)
{
	size_t ncap = m->bcap ? m->bcap * 2 : 4096;
	if (ncap > MAX_BLOCKS * 2)
		return false;
	struct block *old = m->blocks;
	size_t ocap = m->bcap;
	m->blocks = calloc(ncap, sizeof(*m->blocks));
	if (!m->blocks) {
		m->blocks = old;
		return false;
	}
	m->bcap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].used)
			*block_slot(m, old[i].addr) = old[i];
	free(old);
	return true;
}

/* Merge IN into S; true if S lost knowledge. */
static bool meet(struct regs *s, const struct regs *in)
{
	struct regs o = *s;
	for (int r = 0; r < 16; r++) {
		uint16_t b = (uint16_t)(1u << r);
		if ((s->gk & b) && (!(in->gk & b) || in->g[r] != s->g[r]))
			s->gk &= (uint16_t)~b;
		if ((s->xlk & b) && (!(in->xlk & b) || in->xl[r] != s->xl[r]))
			s->xlk &= (uint16_t)~b;
		if ((s->xhk & b) && (!(in->xhk & b) || in->xh[r] != s->xh[r]))
			s->xhk &= (uint16_t)~b;
	}
	return s->gk != o.gk || s->xlk != o.xlk || s->xhk != o.xhk;
}

static void enqueue(struct emu *m, uint64_t addr, const struct regs *st, uint32_t fn, bool depth1)
{
	if (m->full)
		return;
	if ((m->bcount + 1) * 2 > m->bcap && !grow_blocks(m)) {
		m->full = true;
		return;
	}
	struct block *b = block_slot(m, addr);
	if (!b->used) {
		*b = (struct block){ .addr = addr, .in = *st, .fn = fn, .depth1 = depth1, .used = true };
		m->bcount++;
	} else if (!meet(&b->in, st) && !(b->depth1 && !depth1)) {
		return;
	}
	if (!depth1)
		b->depth1 = false;
	if (b->queued)
		return;
	if (m->wlen == m->wcap) {
		size_t ncap = m->wcap ? m->wcap * 2 : 1024;
		uint64_t *nw = realloc(m->work, ncap * sizeof(*nw));
		if (!nw) {
			m->full = true;
			return;
		}
		m->work = nw;
		m->wcap = ncap;
	}
	b->queued = true;
	m->work[m->wlen++] = addr;
}

static struct site *site_slot(struct emu *m, uint64_t insn)
{
	if ((m->scount + 1) * 2 > m->scap) {
		size_t ncap = m->scap ? m->scap * 2 : 4096;
		if (ncap > MAX_SITES * 2)
			return NULL;
		struct site *old = m->sites, *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return NULL;
		size_t ocap = m->scap;
		m->sites = ns;
		m->scap = ncap;
		for (size_t i = 0; i < ocap; i++) {
			if (!old[i].insn)
				continue;
			size_t j = hash64(old[i].insn) & (ncap - 1);
			while (ns[j].insn)
				j = (j + 1) & (ncap - 1);
			ns[j] = old[i];
		}
		free(old);
	}
	size_t i = hash64(insn) & (m->scap - 1);
	while (m->sites[i].insn && m->sites[i].insn != insn)
		i = (i + 1) & (m->scap - 1);
	if (!m->sites[i].insn) {
		m->sites[i].insn = insn;
		m->scount++;
	}
	return &m->sites[i];
}

/* Record what instruction INSN stores at ADDR.  BYTES NULL: an unknown value. */
static void record(struct emu *m, uint64_t insn, uint32_t fn, uint64_t addr, unsigned size,
		   const uint8_t *bytes)
{
	struct site *s = site_slot(m, insn);
	if (!s) {
		m->full = true;
		return;
	}
	// A site seen again with another value (a loop, a merged path) no longer has one.
	bool known = bytes && !(s->st.size && (!s->st.known || s->st.addr != addr ||
					       memcmp(s->st.bytes, bytes, size) != 0));
	if (s->st.size && s->st.addr != addr) {
		// The address itself changed: we cannot say which bytes it hit.
		s->st.known = false;
		return;
	}
	s->fn = fn;
	s->st.addr = addr;
	s->st.size = (uint8_t)size;
	s->st.known = known;
	if (known)
		memcpy(s->st.bytes, bytes, size);
}

static bool gpr(const struct regs *s, int r, uint64_t *v)
{
	if (r < 0 || !(s->gk & (1u << r)))
		return false;
	*v = s->g[r];
	return true;
}

static void set_gpr(struct regs *s, int r, uint64_t v, bool known)
{
	s->g[r] = v;
	if (known)
		s->gk |= (uint16_t)(1u << r);
	else
		s->gk &= (uint16_t)~(1u << r);
}

static void forget_xmm(struct regs *s, int r)
{
	s->xlk &= (uint16_t)~(1u << r);
	s->xhk &= (uint16_t)~(1u << r);
}

/* The effective address of IN's memory operand, if the state determines it. */
static bool mem_addr(const struct regs *s, const struct x86_insn *in, uint64_t next, uint64_t *ret)
{
	if (in->seg_override)
		return false;
	if (in->rip_relative) {
		*ret = next + (uint64_t)in->disp;
		return true;
	}
	uint64_t a = (uint64_t)in->disp, v = 0;
	if (in->base >= 0) {
		if (!gpr(s, in->base, &v))
			return false;
		a += v;
	}
	if (in->index >= 0) {
		if (!gpr(s, in->index, &v))
			return false;
		a += v * in->scale;
	}
	*ret = a;
	return true;
}

static bool load_u64(struct emu *m, uint64_t addr, unsigned size, uint64_t *ret)
{
	uint64_t v = 0;
	if (size > 8 || !m->mem->load(m->mem->arg, addr, &v, size))
		return false;
	*ret = v;
	return true;
}

/* Is IN one whose ModRM memory operand it writes, and how many bytes? */
static unsigned writes_memory(const struct x86_insn *in)
{
	unsigned w = in->rex_w ? 8 : in->opsize16 ? 2 : 4;
	uint8_t op = in->opcode, r = in->reg & 7;
	if (in->vex)
		return 32;	// an AVX store we do not model: assume the worst
	if (in->map == X86_MAP_1) {
		if (op < 0x40 && (op & 7) < 2 && (op & 0x38) != 0x38)
			return (op & 1) ? w : 1;	// ALU r/m, r (not cmp)
		if ((op == 0x80 || op == 0x81 || op == 0x83) && r != 7)
			return op == 0x80 ? 1 : w;
		if (op == 0x86 || op == 0x88 || op == 0xc0 || op == 0xd0 || op == 0xd2)
			return 1;
		if (op == 0x87 || op == 0x89 || op == 0xc1 || op == 0xd1 || op == 0xd3 || op == 0x8f)
			return w;
		if ((op == 0xf6 || op == 0xf7) && (r == 2 || r == 3))
			return op == 0xf6 ? 1 : w;
		if ((op == 0xfe || op == 0xff) && r < 2)
			return op == 0xfe ? 1 : w;
		if (op >= 0xd8 && op <= 0xdf)
			return 16;	// x87 stores: size varies
		return 0;
	}
	if (in->map == X86_MAP_0F) {
		if (op >= 0x90 && op <= 0x9f)
			return 1;	// setcc
		switch (op) {
		case 0x11: case 0x29: case 0x2b: case 0x7f: case 0xe7:
			return 16;
		case 0x13: case 0x17: case 0xd6: case 0x7e: case 0xc3:
			return 8;
		case 0xab: case 0xb3: case 0xbb: case 0xba: case 0xb0: case 0xb1:
		case 0xc0: case 0xc1: case 0xa4: case 0xa5: case 0xac: case 0xad: case 0xc7:
			return 8;
		case 0xae:
			return 512;	// fxsave and friends
		}
		return 0;
	}
	if (in->map == X86_MAP_0F3A && (op == 0x14 || op == 0x15 || op == 0x16 || op == 0x17))
		return 8;	// pextr*
	return 0;
}

/* Registers IN may change that step() did not model: forget them. */
static void clobber(struct regs *s, const struct x86_insn *in)
{
	if (in->has_modrm) {
		set_gpr(s, in->reg, 0, false);
		forget_xmm(s, in->reg);
		if (in->mod == 3) {
			set_gpr(s, in->rm, 0, false);
			forget_xmm(s, in->rm);
		}
	}
	uint8_t op = in->opcode;
	if (in->map == X86_MAP_1) {
		if ((op >= 0x90 && op <= 0x97) || (op >= 0xb0 && op <= 0xbf))
			set_gpr(s, in->reg, 0, false);
		if ((op >= 0x90 && op <= 0x99) || op == 0xf6 || op == 0xf7 || op == 0x69 ||
		    op == 0x6b || (op & 0xfe) == 0xa8 || op < 0x40) {
			set_gpr(s, RAX, 0, false);
			set_gpr(s, RDX, 0, false);
		}
		if ((op >= 0xa4 && op <= 0xaf) || op == 0xe2 || op == 0xe3) {
			set_gpr(s, RCX, 0, false);
			set_gpr(s, RSI, 0, false);
			set_gpr(s, RDI, 0, false);
			set_gpr(s, RAX, 0, false);
		}
	} else {
		// cpuid, rdtsc, cmpxchg and friends use fixed registers.
		set_gpr(s, RAX, 0, false);
		set_gpr(s, RCX, 0, false);
		set_gpr(s, RDX, 0, false);
		set_gpr(s, RBX, 0, false);
	}
	if (in->vex)
		s->xlk = s->xhk = 0;
}

static bool is_cmp_or_test(const struct x86_insn *in)
{
	uint8_t op = in->opcode;
	if (in->map != X86_MAP_1)
		return in->map == X86_MAP_0F && (op == 0x1f || op == 0x1e || op == 0x18 || op == 0x0d ||
						  op == 0x2e || op == 0x2f || op == 0xa3);
	return (op >= 0x38 && op <= 0x3d) || op == 0x84 || op == 0x85 || op == 0xa8 || op == 0xa9 ||
	       ((op == 0x80 || op == 0x81 || op == 0x83) && (in->reg & 7) == 7) ||
	       ((op == 0xf6 || op == 0xf7) && (in->reg & 7) < 2) || op == 0x90 || op == 0xcc;
}

static void store_gpr_bytes(uint8_t *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* SSE moves between xmm registers and memory that the replay models. */
static bool step_sse(struct emu *m, struct regs *s, const struct x86_insn *in, uint64_t pc,
		     uint64_t next, uint32_t fn)
{
	uint8_t op = in->opcode;
	int x = in->reg;
	uint64_t a = 0, lo = 0, hi = 0;
	bool mem = in->mod != 3, have = mem && mem_addr(s, in, next, &a);
	bool full_load = (op == 0x10 || op == 0x28 || op == 0x6f) && !in->repne &&
			 !(op == 0x10 && in->rep);
	bool full_store = (op == 0x11 || op == 0x29 || op == 0x7f) && !in->repne &&
			  !(op == 0x11 && in->rep);
	if (full_load) {
		if (!mem) {
			s->xl[x] = s->xl[in->rm];
			s->xh[x] = s->xh[in->rm];
			s->xlk = (uint16_t)((s->xlk & ~(1u << x)) | (((s->xlk >> in->rm) & 1u) << x));
			s->xhk = (uint16_t)((s->xhk & ~(1u << x)) | (((s->xhk >> in->rm) & 1u) << x));
		} else if (have && load_u64(m, a, 8, &lo) && load_u64(m, a + 8, 8, &hi)) {
			s->xl[x] = lo;
			s->xh[x] = hi;
			s->xlk |= (uint16_t)(1u << x);
			s->xhk |= (uint16_t)(1u << x);
		} else {
			forget_xmm(s, x);
		}
		return true;
	}
	if (full_store && mem) {
		if (!have)
			return true;
		uint8_t b[16];
		bool known = (s->xlk & s->xhk) & (1u << x);
		store_gpr_bytes(b, s->xl[x], 8);
		store_gpr_bytes(b + 8, s->xh[x], 8);
		record(m, pc, fn, a, 16, known ? b : NULL);
		return true;
	}
	if (op == 0x7e && in->rep) {		// movq xmm, xmm/m64
		bool ok = mem ? have && load_u64(m, a, 8, &lo)
			      : ((s->xlk >> in->rm) & 1) && ((lo = s->xl[in->rm]), true);
		s->xl[x] = ok ? lo : 0;
		s->xh[x] = 0;
		s->xhk |= (uint16_t)(1u << x);
		s->xlk = ok ? (uint16_t)(s->xlk | (1u << x)) : (uint16_t)(s->xlk & ~(1u << x));
		return true;
	}
	if (op == 0x6e && in->opsize16) {	// movq/movd xmm, r/m
		bool ok = mem ? have && load_u64(m, a, in->rex_w ? 8 : 4, &lo)
			      : gpr(s, in->rm, &lo);
		if (ok && !in->rex_w)
			lo &= 0xffffffffu;
		s->xl[x] = ok ? lo : 0;
		s->xh[x] = 0;
		s->xhk |= (uint16_t)(1u << x);
		s->xlk = ok ? (uint16_t)(s->xlk | (1u << x)) : (uint16_t)(s->xlk & ~(1u << x));
		return true;
	}
	if (op == 0x16 && !in->opsize16 && !in->rep) {	// movhps xmm, m64 / movlhps
		bool ok = mem ? have && load_u64(m, a, 8, &hi)
			      : ((s->xlk >> in->rm) & 1) && ((hi = s->xl[in->rm]), true);
		s->xh[x] = ok ? hi : 0;
		s->xhk = ok ? (uint16_t)(s->xhk | (1u << x)) : (uint16_t)(s->xhk & ~(1u << x));
		return true;
	}
	if (op == 0x6c && in->opsize16 && !mem) {	// punpcklqdq xmm, xmm
		bool ok = (s->xlk >> in->rm) & 1;
		s->xh[x] = s->xl[in->rm];
		s->xhk = ok ? (uint16_t)(s->xhk | (1u << x)) : (uint16_t)(s->xhk & ~(1u << x));
		return true;
	}
	if (op == 0xef && in->opsize16 && !mem && in->rm == x) {	// pxor x, x
		s->xl[x] = s->xh[x] = 0;
		s->xlk |= (uint16_t)(1u << x);
		s->xhk |= (uint16_t)(1u << x);
		return true;
	}
	if (op == 0x57 && !in->opsize16 && !mem && in->rm == x) {	// xorps x, x
		s->xl[x] = s->xh[x] = 0;
		s->xlk |= (uint16_t)(1u << x);
		s->xhk |= (uint16_t)(1u << x);
		return true;
	}
	if ((op == 0xd6 && in->opsize16) || (op == 0x13 && !in->opsize16) ||
	    (op == 0x17 && !in->opsize16)) {	// movq m64, xmm / movlps / movhps stores
		if (!mem || !have)
			return mem;
		bool high = op == 0x17;
		uint8_t b[8];
		bool known = ((high ? s->xhk : s->xlk) >> x) & 1;
		store_gpr_bytes(b, high ? s->xh[x] : s->xl[x], 8);
		record(m, pc, fn, a, 8, known ? b : NULL);
		return true;
	}
	return false;
}

/*
 * Execute IN at PC on S.  Returns false when the path ends (ret, an
 * indirect jump, a branch; targets are queued here).
 */
static bool step(struct emu *m, struct regs *s, const struct x86_insn *in, uint64_t pc,
		 const struct block *b)
{
	uint64_t next = pc + in->len, a = 0, v = 0;
	uint8_t op = in->opcode;
	unsigned w = in->rex_w ? 8 : in->opsize16 ? 2 : 4;
	if (in->map == X86_MAP_1) {
		if (op >= 0x70 && op <= 0x7f) {
			enqueue(m, next + (uint64_t)in->imm, s, b->fn, b->depth1);
			enqueue(m, next, s, b->fn, b->depth1);
			return false;
		}
		switch (op) {
		case 0xc3: case 0xc2: case 0xcc: case 0xf4:
			return false;
		case 0xeb: case 0xe9:
			enqueue(m, next + (uint64_t)in->imm, s, b->fn, b->depth1);
			return false;
		case 0xe8: {
			if (!b->depth1)
				enqueue(m, next + (uint64_t)in->imm, s, b->fn, true);
			// The System V caller-saved registers are gone after a call.
			static const int clobbered[] = { RAX, RCX, RDX, RSI, RDI, 8, 9, 10, 11 };
			for (size_t i = 0; i < sizeof(clobbered) / sizeof(*clobbered); i++)
				set_gpr(s, clobbered[i], 0, false);
			s->xlk = s->xhk = 0;
			return true;
		}
		case 0xc7: case 0xc6:	// mov r/m, imm
			if ((in->reg & 7) != 0)
				break;
			if (op == 0xc6)
				w = 1;
			if (in->mod == 3) {
				set_gpr(s, in->rm, w == 8 ? (uint64_t)in->imm :
					(uint64_t)in->imm & (w == 4 ? 0xffffffffu : 0), w >= 4);
			} else if (mem_addr(s, in, next, &a)) {
				uint8_t bytes[8];
				store_gpr_bytes(bytes, (uint64_t)in->imm, w);
				record(m, pc, b->fn, a, w, bytes);
			}
			return true;
		case 0x89: case 0x88:	// mov r/m, r
			if (op == 0x88)
				w = 1;
			if (in->mod == 3) {
				bool k = gpr(s, in->reg, &v);
				set_gpr(s, in->rm, w == 4 ? v & 0xffffffffu : v, k && w >= 4);
			} else if (mem_addr(s, in, next, &a)) {
				uint8_t bytes[8];
				bool k = gpr(s, in->reg, &v);
				store_gpr_bytes(bytes, v, w);
				record(m, pc, b->fn, a, w, k ? bytes : NULL);
			}
			return true;
		case 0x8b:	// mov r, r/m
			if (in->mod == 3) {
				bool k = gpr(s, in->rm, &v);
				set_gpr(s, in->reg, w == 4 ? v & 0xffffffffu : v, k && w >= 4);
			} else {
				bool k = w >= 4 && mem_addr(s, in, next, &a) && load_u64(m, a, w, &v);
				set_gpr(s, in->reg, v, k);
			}
			return true;
		case 0x8d:	// lea
			if (in->mod == 3)
				break;
			{
				bool k = mem_addr(s, in, next, &a);
				set_gpr(s, in->reg, w == 4 ? a & 0xffffffffu : a, k && w >= 4);
			}
			return true;
		case 0x31: case 0x33:	// xor r, r
			if (in->mod == 3 && in->reg == in->rm) {
				set_gpr(s, in->reg, 0, true);
				return true;
			}
			break;
		case 0x81: case 0x83:	// add/sub r, imm
			if (in->mod == 3 && ((in->reg & 7) == 0 || (in->reg & 7) == 5) && w == 8) {
				bool k = gpr(s, in->rm, &v);
				v = (in->reg & 7) == 0 ? v + (uint64_t)in->imm : v - (uint64_t)in->imm;
				set_gpr(s, in->rm, v, k);
				return true;
			}
			break;
		case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
		case 0x6a: case 0x68: case 0xc9:
			if (op == 0xc9)
				set_gpr(s, RBP, 0, false);
			return true;	// the stack is not modelled
		case 0x58: case 0x59: case 0x5a: case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f:
			set_gpr(s, in->reg, 0, false);
			return true;
		}
		if (op >= 0xb8 && op <= 0xbf) {
			set_gpr(s, in->reg, in->rex_w ? (uint64_t)in->imm :
				(uint64_t)in->imm & 0xffffffffu, !in->opsize16);
			return true;
		}
		if (op == 0xff && in->has_modrm && (in->reg & 7) >= 2 && (in->reg & 7) <= 5)
			return (in->reg & 7) <= 3;	// indirect call continues; indirect jmp ends
		if ((op == 0xaa || op == 0xab) && in->rep) {	// rep stos
			uint64_t dst, cnt, val = 0;
			unsigned sz = op == 0xaa ? 1 : w;
			if (gpr(s, RDI, &dst) && gpr(s, RCX, &cnt) && cnt <= 4096) {
				bool k = gpr(s, RAX, &val);
				uint8_t bytes[8];
				store_gpr_bytes(bytes, val, sz);
				// One site per element: the site key only has to be unique.
				for (uint64_t i = 0; i < cnt; i++)
					record(m, pc ^ (i << 48), b->fn, dst + i * sz, sz,
					       k ? bytes : NULL);
			}
		}
	} else if (in->map == X86_MAP_0F) {
		if (op >= 0x80 && op <= 0x8f) {
			enqueue(m, next + (uint64_t)in->imm, s, b->fn, b->depth1);
			enqueue(m, next, s, b->fn, b->depth1);
			return false;
		}
		if (op == 0x0b)
			return false;	// ud2
		if (!in->vex && step_sse(m, s, in, pc, next, b->fn))
			return true;
	}
	if (is_cmp_or_test(in))
		return true;
	unsigned wsize = in->has_modrm && in->mod != 3 ? writes_memory(in) : 0;
	if (wsize && mem_addr(s, in, next, &a)) {
		for (unsigned off = 0; off < wsize; off += 16)
			record(m, pc ^ ((uint64_t)off << 48), b->fn, a + off,
			       wsize - off < 16 ? wsize - off : 16, NULL);
	}
	clobber(s, in);
	return true;
}

static void run_block(struct emu *m, struct block *b)
{
	struct regs s = b->in;
	uint64_t pc = b->addr;
	struct block copy = *b;	// the table may grow (and move) under us
	for (unsigned n = 0; n < MAX_BLOCK_INSNS; n++) {
		if (m->stats->instructions++ > MAX_INSNS) {
			m->full = true;
			return;
		}
		size_t avail = 0;
		const uint8_t *code = m->mem->code(m->mem->arg, pc, &avail);
		struct x86_insn in;
		if (!code || !x86_decode(code, avail, &in)) {
			m->cut = true;
			return;
		}
		if (!step(m, &s, &in, pc, &copy))
			return;
		pc += in.len;
		// Falling into another block's start: continue there with a merge.
		struct block *nb = m->bcap ? block_slot(m, pc) : NULL;
		if (nb && nb->used) {
			enqueue(m, pc, &s, copy.fn, copy.depth1);
			return;
		}
	}
	m->cut = true;
}

static int cmp_store(const void *x, const void *y)
{
	const struct site *a = x, *b = y;
	if (a->st.addr != b->st.addr)
		return a->st.addr < b->st.addr ? -1 : 1;
	if (a->fn != b->fn)
		return a->fn < b->fn ? -1 : 1;
	return a->insn < b->insn ? -1 : a->insn > b->insn;
}

struct aot_err *aot_ctor_replay(const struct aot_ctor_mem *mem, const uint64_t *entries, size_t n,
				struct aot_ctor_store **stores, size_t *nstores,
				struct aot_ctor_stats *stats)
{
	struct emu m = { .mem = mem, .stats = stats };
	memset(stats, 0, sizeof(*stats));
	for (size_t i = 0; i < n && !m.full; i++) {
		struct regs none = { 0 };
		m.cut = false;
		enqueue(&m, entries[i], &none, (uint32_t)i, false);
		while (m.wlen && !m.full) {
			uint64_t addr = m.work[--m.wlen];
			struct block *b = block_slot(&m, addr);
			b->queued = false;
			run_block(&m, b);
		}
		stats->functions++;
		if (m.cut)
			stats->functions_cut++;
	}
	free(m.blocks);
	free(m.work);
	if (m.full) {
		free(m.sites);
		return aot_errf(AOT_ERR_UNSUPPORTED,
				"static initializers too large to replay (over %u blocks or %llu instructions)",
				MAX_BLOCKS, (unsigned long long)MAX_INSNS);
	}
	// Compact the sites into stores in address order, run-time order within an address.
	size_t k = 0;
	for (size_t i = 0; i < m.scap; i++)
		if (m.sites[i].insn)
			m.sites[k++] = m.sites[i];
	qsort(m.sites, k, sizeof(*m.sites), cmp_store);
	struct aot_ctor_store *out = malloc((k ? k : 1) * sizeof(*out));
	if (!out) {
		free(m.sites);
		return &aot_enomem;
	}
	for (size_t i = 0; i < k; i++) {
		out[i] = m.sites[i].st;
		if (out[i].known)
			stats->stores_known++;
		else
			stats->stores_unknown++;
	}
	free(m.sites);
	*stores = out;
	*nstores = k;
	return NULL;
}
