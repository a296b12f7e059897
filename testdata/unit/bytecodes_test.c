/*
 * Unit test of plugin/bytecodes.c.  Build and run from the repository root:
 *
 *   cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsanitize=address,undefined \
 *      -Iplugin testdata/unit/bytecodes_test.c plugin/bytecodes.c plugin/err.c -o /tmp/bc_test
 *   /tmp/bc_test [testdata/unit/bytecodes_javap.txt]
 *
 * (a) real class-file code from javac, compared pc by pc with javap -c
 *     (bytecodes_javap.txt, made by bytecodes_gen.py), then rewritten here the
 *     way the Rewriter and the CDS dump rewrite it, for every release;
 * (b) hand-made rewritten sequences for each release, and malformed ones;
 * (c) 100k random and truncated buffers: every call must return cleanly.
 */
#include "bytecodes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int passed, failed;
static const int features[] = { 17, 21, 25, 26, 27 };
#define NFEATURES (int)(sizeof(features) / sizeof(features[0]))

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(bool ok, const char *fmt, ...)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* Decode at PC; on error remember the message in ERRMSG (may be NULL). */
static bool decode(const uint8_t *code, uint32_t len, uint32_t pc, int feature, unsigned flags,
		   struct aot_bc_insn *in, char *errmsg, size_t errsz)
{
	struct aot_err *err = aot_bc_decode_ex(code, len, pc, feature, flags, in);
	if (!err)
		return true;
	if (errmsg)
		snprintf(errmsg, errsz, "%s", err->msg);
	aot_err_free(err);
	return false;
}

/* ---- (a) javac output against javap ------------------------------------- */

struct method {
	char name[256];
	uint8_t *code;
	uint32_t len;
	uint32_t n;		/* javap instructions */
	uint32_t *pcs;
	char (*mn)[32];
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int load_methods(const char *path, struct method **out)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	struct method *ms = NULL;
	int n = 0;
	static char line[200000];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		if (!strncmp(line, "method ", 7)) {
			ms = realloc(ms, (size_t)(n + 1) * sizeof(*ms));
			struct method *m = &ms[n++];
			memset(m, 0, sizeof(*m));
			char *name = line + 7, *hex = strchr(name, ' ');
			if (!hex)
				break;
			*hex++ = 0;
			snprintf(m->name, sizeof(m->name), "%.*s", (int)sizeof(m->name) - 1, name);
			m->len = (uint32_t)(strlen(hex) / 2);
			m->code = malloc(m->len ? m->len : 1);
			for (uint32_t i = 0; i < m->len; i++)
				m->code[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
			continue;
		}
		if (!n)
			continue;
		struct method *m = &ms[n - 1];
		m->pcs = realloc(m->pcs, (m->n + 1) * sizeof(*m->pcs));
		m->mn = realloc(m->mn, (m->n + 1) * sizeof(*m->mn));
		if (sscanf(line, "%u %31s", &m->pcs[m->n], m->mn[m->n]) == 2)
			m->n++;
	}
	fclose(f);
	*out = ms;
	return n;
}

/* javap's name for an instruction: the wide forms end in _w. */
static void javap_name(const struct aot_bc_insn *in, const char *name, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s%s", name, in->wide ? "_w" : "");
}

static void test_javap_one(const struct method *m, int feature)
{
	uint32_t pc = 0, k = 0;
	struct aot_bc_insn in;
	char msg[512], nm[64];
	while (pc < m->len) {
		if (!decode(m->code, m->len, pc, feature, AOT_BC_NOT_REWRITTEN, &in, msg, sizeof(msg))) {
			check(false, "%s jdk%d pc %u: %s", m->name, feature, pc, msg);
			return;
		}
		javap_name(&in, in.name, nm, sizeof(nm));
		check(k < m->n && m->pcs[k] == pc && !strcmp(m->mn[k], nm),
		      "%s jdk%d: insn %u: decoded pc %u %s, javap pc %u %s", m->name, feature, k, pc,
		      nm, k < m->n ? m->pcs[k] : 0, k < m->n ? m->mn[k] : "(none)");
		check(in.len >= 1 && pc + in.len <= m->len, "%s pc %u: len %u", m->name, pc, in.len);
		if (in.kind == AOT_BC_SWITCH) {
			for (uint32_t i = 0; i < aot_bc_switch_count(&in); i++) {
				int32_t match;
				int64_t target;
				struct aot_err *err =
					aot_bc_switch_entry(m->code, m->len, &in, i, &match, &target);
				check(!err, "%s pc %u: switch entry %u: %s", m->name, pc, i,
				      err ? err->msg : "");
				aot_err_free(err);
			}
		}
		pc += in.len;
		k++;
	}
	check(pc == m->len && k == m->n, "%s jdk%d: ended at pc %u of %u after %u of %u insns",
	      m->name, feature, pc, m->len, k, m->n);
}

/*
 * Rewrite a class file's code as a release's Rewriter and CDS dump would,
 * with made-up entry indices (cp index + 7), and return what each
 * instruction's operand must decode to.
 */
struct expect {
	uint32_t pc;
	const char *name;	/* HotSpot name expected */
	int64_t index;
	bool has_index;
};

static const char *rewrite_one(uint8_t *code, uint32_t pc, const struct aot_bc_insn *in,
			       int feature, int64_t *index, bool *has_index, uint32_t *indy_next)
{
	uint8_t *p = code + pc + 1;
	*has_index = false;
	if (in->wide)
		return in->name;
	switch (in->opcode) {
	case 180: case 181: case 178: case 179:		/* field refs */
	case 182: case 183: case 184: case 185: {	/* method refs */
		uint16_t e = (uint16_t)(in->index + 7);
		p[0] = (uint8_t)e;
		p[1] = (uint8_t)(e >> 8);
		*index = e;
		*has_index = true;
		if (in->opcode == 180) {
			code[pc] = AOT_BC_NOFAST_GETFIELD;
			return "nofast_getfield";
		}
		if (in->opcode == 181) {
			code[pc] = AOT_BC_NOFAST_PUTFIELD;
			return "nofast_putfield";
		}
		return in->name;
	}
	case 186: {
		uint32_t i = (*indy_next)++;
		uint32_t raw = feature >= 25 ? i : ~i;
		for (int b = 0; b < 4; b++)
			p[b] = (uint8_t)(raw >> (8 * b));
		*index = i;
		*has_index = true;
		return in->name;
	}
	case 42:
		code[pc] = AOT_BC_NOFAST_ALOAD_0;
		return "nofast_aload_0";
	case 21:
		code[pc] = AOT_BC_NOFAST_ILOAD;
		*index = in->index;
		*has_index = true;
		return "nofast_iload";
	case 171:
		/* BinarySwitchThreshold is 5. */
		code[pc] = in->sw.count < 5 ? AOT_BC_FAST_LINEARSWITCH : AOT_BC_FAST_BINARYSWITCH;
		return in->sw.count < 5 ? "fast_linearswitch" : "fast_binaryswitch";
	default:
		return in->name;
	}
}

static void test_rewritten_one(const struct method *m, int feature)
{
	uint8_t *code = malloc(m->len ? m->len : 1);
	memcpy(code, m->code, m->len);
	struct expect *ex = calloc(m->n + 1, sizeof(*ex));
	uint32_t pc = 0, k = 0, indy = 0;
	struct aot_bc_insn in;
	char msg[512], nm[64];
	while (pc < m->len && k < m->n) {
		if (!decode(m->code, m->len, pc, feature, AOT_BC_NOT_REWRITTEN, &in, NULL, 0))
			break;
		ex[k].pc = pc;
		ex[k].name = rewrite_one(code, pc, &in, feature, &ex[k].index, &ex[k].has_index, &indy);
		pc += in.len;
		k++;
	}
	uint32_t n = k;
	pc = 0;
	for (k = 0; k < n; k++) {
		if (!decode(code, m->len, pc, feature, 0, &in, msg, sizeof(msg))) {
			check(false, "%s rewritten jdk%d pc %u: %s", m->name, feature, pc, msg);
			break;
		}
		javap_name(&in, in.java_name, nm, sizeof(nm));
		check(pc == ex[k].pc && !strcmp(in.name, ex[k].name) && !strcmp(nm, m->mn[k]),
		      "%s rewritten jdk%d pc %u: %s/%s, expected pc %u %s/%s", m->name, feature, pc,
		      in.name, nm, ex[k].pc, ex[k].name, m->mn[k]);
		if (ex[k].has_index)
			check(in.index == ex[k].index, "%s rewritten jdk%d pc %u %s: index %lld, expected %lld",
			      m->name, feature, pc, in.name, (long long)in.index, (long long)ex[k].index);
		pc += in.len;
	}
	check(pc == m->len, "%s rewritten jdk%d: ended at pc %u of %u", m->name, feature, pc, m->len);
	free(ex);
	free(code);
}

/* Every prefix of real code: instructions that fit decode, the cut one fails. */
static void test_truncations(const struct method *m)
{
	for (uint32_t cut = 0; cut < m->len && cut < 600; cut++) {
		uint8_t *code = malloc(cut ? cut : 1);
		memcpy(code, m->code, cut);
		uint32_t pc = 0;
		struct aot_bc_insn in;
		char msg[512];
		bool ok = true;
		while (pc < cut) {
			if (!decode(code, cut, pc, 17, AOT_BC_NOT_REWRITTEN, &in, msg, sizeof(msg))) {
				ok = strstr(msg, "pc ") != NULL;
				break;
			}
			pc += in.len;
		}
		check(ok && pc <= cut, "%s cut at %u: pc %u, %s", m->name, cut, pc, ok ? "" : msg);
		free(code);
	}
}

static void test_javap(const char *path)
{
	struct method *ms;
	int n = load_methods(path, &ms);
	check(n > 10, "%s: %d methods", path, n);
	for (int i = 0; i < n; i++) {
		for (int f = 0; f < NFEATURES; f++) {
			test_javap_one(&ms[i], features[f]);
			test_rewritten_one(&ms[i], features[f]);
		}
		test_truncations(&ms[i]);
		free(ms[i].code);
		free(ms[i].pcs);
		free(ms[i].mn);
	}
	free(ms);
}

/* ---- (b) synthetic rewritten code ---------------------------------------- */

struct want {
	const char *name, *java_name;
	uint32_t len;
	enum aot_bc_operand kind;
	enum aot_bc_space space;
	int64_t index, value, target;
};

static void expect_insn(const char *what, const uint8_t *code, uint32_t len, uint32_t pc,
			int feature, const struct want *w)
{
	struct aot_bc_insn in;
	char msg[512];
	if (!decode(code, len, pc, feature, 0, &in, msg, sizeof(msg))) {
		check(false, "%s jdk%d: %s", what, feature, msg);
		return;
	}
	check(!strcmp(in.name, w->name) && !strcmp(in.java_name, w->java_name) && in.len == w->len &&
	      in.kind == w->kind && in.space == w->space && in.index == w->index &&
	      in.value == w->value && in.target == w->target,
	      "%s jdk%d: got %s/%s len %u %s %s index %lld value %lld target %lld", what, feature,
	      in.name, in.java_name, in.len, aot_bc_operand_name(in.kind), aot_bc_space_name(in.space),
	      (long long)in.index, (long long)in.value, (long long)in.target);
}

static void expect_error(const char *what, const uint8_t *code, uint32_t len, uint32_t pc,
			 int feature, unsigned flags, const char *needle)
{
	struct aot_bc_insn in;
	char msg[512];
	char pcstr[32];
	snprintf(pcstr, sizeof(pcstr), "pc %u", pc);
	bool ok = decode(code, len, pc, feature, flags, &in, msg, sizeof(msg));
	check(!ok && strstr(msg, needle) && strstr(msg, pcstr),
	      "%s jdk%d: expected an error with '%s', got %s", what, feature, needle,
	      ok ? "success" : msg);
}

static void test_synthetic_release(int feature)
{
	bool old = feature < 25;
	enum aot_bc_space fs = old ? AOT_BC_SPACE_CPCACHE : AOT_BC_SPACE_FIELD_ENTRIES;
	enum aot_bc_space ms = old ? AOT_BC_SPACE_CPCACHE : AOT_BC_SPACE_METHOD_ENTRIES;
	enum aot_bc_space is = feature == 17 ? AOT_BC_SPACE_CPCACHE : AOT_BC_SPACE_INDY_ENTRIES;

	const uint8_t c1[] = { AOT_BC_NOFAST_GETFIELD, 0x34, 0x12 };
	expect_insn("nofast_getfield", c1, sizeof(c1), 0, feature,
		    &(struct want){ "nofast_getfield", "getfield", 3, AOT_BC_FIELD_ENTRY, fs, 0x1234, 0, 0 });
	const uint8_t c2[] = { 181, 0x01, 0x00 };
	expect_insn("putfield", c2, sizeof(c2), 0, feature,
		    &(struct want){ "putfield", "putfield", 3, AOT_BC_FIELD_ENTRY, fs, 1, 0, 0 });
	const uint8_t c3[] = { AOT_BC_FAST_IGETFIELD, 0xff, 0x00 };
	expect_insn("fast_igetfield", c3, sizeof(c3), 0, feature,
		    &(struct want){ "fast_igetfield", "getfield", 3, AOT_BC_FIELD_ENTRY, fs, 255, 0, 0 });
	const uint8_t c4[] = { 185, 0x02, 0x01, 3, 0 };
	expect_insn("invokeinterface", c4, sizeof(c4), 0, feature,
		    &(struct want){ "invokeinterface", "invokeinterface", 5, AOT_BC_METHOD_ENTRY, ms, 0x102, 3, 0 });
	const uint8_t c5[] = { AOT_BC_INVOKEHANDLE, 9, 0 };
	expect_insn("invokehandle", c5, sizeof(c5), 0, feature,
		    &(struct want){ "invokehandle", "invokevirtual", 3, AOT_BC_METHOD_ENTRY, ms, 9, 0, 0 });
	const uint8_t c6[] = { AOT_BC_FAST_INVOKEVFINAL, 0, 1 };
	expect_insn("fast_invokevfinal", c6, sizeof(c6), 0, feature,
		    &(struct want){ "fast_invokevfinal", "invokevirtual", 3, AOT_BC_METHOD_ENTRY, ms, 256, 0, 0 });
	uint32_t raw = old ? ~(uint32_t)5 : 5;
	const uint8_t c7[] = { 186, (uint8_t)raw, (uint8_t)(raw >> 8), (uint8_t)(raw >> 16), (uint8_t)(raw >> 24) };
	expect_insn("invokedynamic", c7, sizeof(c7), 0, feature,
		    &(struct want){ "invokedynamic", "invokedynamic", 5, AOT_BC_INDY_ENTRY, is, 5, 0, 0 });
	if (old) {
		const uint8_t bad[] = { 186, 5, 0, 0, 0 };
		expect_error("indy not ~encoded", bad, sizeof(bad), 0, feature, 0, "not an encoded");
	}
	const uint8_t c8[] = { AOT_BC_FAST_ALDC, 200, AOT_BC_FAST_ALDC_W, 0x10, 0x02, 18, 7, 19, 0x01, 0x02 };
	expect_insn("fast_aldc", c8, sizeof(c8), 0, feature,
		    &(struct want){ "fast_aldc", "ldc", 2, AOT_BC_RESOLVED_REF, AOT_BC_SPACE_RESOLVED_REFS, 200, 0, 0 });
	expect_insn("fast_aldc_w", c8, sizeof(c8), 2, feature,
		    &(struct want){ "fast_aldc_w", "ldc_w", 3, AOT_BC_RESOLVED_REF, AOT_BC_SPACE_RESOLVED_REFS, 0x210, 0, 0 });
	expect_insn("ldc", c8, sizeof(c8), 5, feature,
		    &(struct want){ "ldc", "ldc", 2, AOT_BC_CP_INDEX_U1, AOT_BC_SPACE_CP, 7, 0, 0 });
	expect_insn("ldc_w", c8, sizeof(c8), 7, feature,
		    &(struct want){ "ldc_w", "ldc_w", 3, AOT_BC_CP_INDEX_U2, AOT_BC_SPACE_CP, 0x102, 0, 0 });
	const uint8_t c9[] = { AOT_BC_FAST_IACCESS_0, AOT_BC_FAST_IGETFIELD, 4, 0,
			       AOT_BC_FAST_ILOAD2, 5, AOT_BC_FAST_ILOAD, 6,
			       AOT_BC_FAST_ICALOAD, 9, 52,
			       AOT_BC_NOFAST_ILOAD, 3, AOT_BC_NOFAST_ALOAD_0, AOT_BC_FAST_ALOAD_0,
			       AOT_BC_RETURN_REGISTER_FINALIZER };
	expect_insn("fast_iaccess_0", c9, sizeof(c9), 0, feature,
		    &(struct want){ "fast_iaccess_0", "aload_0", 4, AOT_BC_FIELD_ENTRY, fs, 4, AOT_BC_FAST_IGETFIELD, 0 });
	expect_insn("fast_iload2", c9, sizeof(c9), 4, feature,
		    &(struct want){ "fast_iload2", "iload", 4, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, 5, 6, 0 });
	expect_insn("fast_icaload", c9, sizeof(c9), 8, feature,
		    &(struct want){ "fast_icaload", "iload", 3, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, 9, 0, 0 });
	expect_insn("nofast_iload", c9, sizeof(c9), 11, feature,
		    &(struct want){ "nofast_iload", "iload", 2, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, 3, 0, 0 });
	expect_insn("nofast_aload_0", c9, sizeof(c9), 13, feature,
		    &(struct want){ "nofast_aload_0", "aload_0", 1, AOT_BC_NONE, AOT_BC_SPACE_NONE, 0, 0, 0 });
	expect_insn("fast_aload_0", c9, sizeof(c9), 14, feature,
		    &(struct want){ "fast_aload_0", "aload_0", 1, AOT_BC_NONE, AOT_BC_SPACE_NONE, 0, 0, 0 });
	expect_insn("return_register_finalizer", c9, sizeof(c9), 15, feature,
		    &(struct want){ "return_register_finalizer", "return", 1, AOT_BC_NONE, AOT_BC_SPACE_NONE, 0, 0, 0 });

	/* Branches, wide, newarray, multianewarray. */
	const uint8_t c10[] = { 0, 200, 0xff, 0xff, 0xff, 0xff, 201, 0, 0, 0, 0, 0xc4, 132, 0x01, 0x02,
				0xfc, 0x18, 0xc4, 169, 0, 9, 188, 10, 197, 0, 3, 2, 167, 0xff, 0xe6 };
	expect_insn("goto_w", c10, sizeof(c10), 1, feature,
		    &(struct want){ "goto_w", "goto_w", 5, AOT_BC_BRANCH, AOT_BC_SPACE_NONE, 0, 0, 0 });
	expect_insn("jsr_w", c10, sizeof(c10), 6, feature,
		    &(struct want){ "jsr_w", "jsr_w", 5, AOT_BC_BRANCH, AOT_BC_SPACE_NONE, 0, 0, 6 });
	expect_insn("wide iinc", c10, sizeof(c10), 11, feature,
		    &(struct want){ "iinc", "iinc", 6, AOT_BC_IINC, AOT_BC_SPACE_LOCALS, 0x102, -1000, 0 });
	expect_insn("wide ret", c10, sizeof(c10), 17, feature,
		    &(struct want){ "ret", "ret", 4, AOT_BC_LOCAL, AOT_BC_SPACE_LOCALS, 9, 0, 0 });
	expect_insn("newarray", c10, sizeof(c10), 21, feature,
		    &(struct want){ "newarray", "newarray", 2, AOT_BC_NEWARRAY_TYPE, AOT_BC_SPACE_NONE, 0, 10, 0 });
	expect_insn("multianewarray", c10, sizeof(c10), 23, feature,
		    &(struct want){ "multianewarray", "multianewarray", 4, AOT_BC_CP_INDEX_U2, AOT_BC_SPACE_CP, 3, 2, 0 });
	expect_insn("goto back", c10, sizeof(c10), 27, feature,
		    &(struct want){ "goto", "goto", 3, AOT_BC_BRANCH, AOT_BC_SPACE_NONE, 0, 0, 1 });

	/* fast_linearswitch at pc 1 (2 padding bytes) and tableswitch at pc 28 (3). */
	const uint8_t sw[] = {
		0, AOT_BC_FAST_LINEARSWITCH, 0xee, 0xee,
		0, 0, 0, 40,		/* default -> 41 */
		0, 0, 0, 2,		/* npairs */
		0xff, 0xff, 0xff, 0xf6, 0, 0, 0, 39,	/* -10 -> 40 */
		0, 0, 0, 50, 0, 0, 0, 42,		/* 50 -> 43 */
		170, 0, 0, 0,
		0, 0, 0, 13,		/* default -> 41 */
		0xff, 0xff, 0xff, 0xff,	/* low -1 */
		0, 0, 0, 0,		/* high 0 */
		0, 0, 0, 12, 0, 0, 0, 13,
		0, 0, 0, 0,		/* pcs 40.. as targets */
	};
	struct aot_bc_insn in;
	char msg[512];
	if (decode(sw, sizeof(sw), 1, feature, 0, &in, msg, sizeof(msg))) {
		int32_t m0, m1;
		int64_t t0, t1;
		struct aot_err *e0 = aot_bc_switch_entry(sw, sizeof(sw), &in, 0, &m0, &t0);
		struct aot_err *e1 = aot_bc_switch_entry(sw, sizeof(sw), &in, 1, &m1, &t1);
		check(in.len == 27 && in.java_opcode == 171 && aot_bc_switch_count(&in) == 2 &&
		      in.sw.default_target == 41 && in.sw.table == 12 && !e0 && !e1 && m0 == -10 &&
		      t0 == 40 && m1 == 50 && t1 == 43,
		      "fast_linearswitch jdk%d: len %u default %lld table %u m0 %d t0 %lld", feature,
		      in.len, (long long)in.sw.default_target, in.sw.table, m0, (long long)t0);
		aot_err_free(e0);
		aot_err_free(e1);
		struct aot_err *e2 = aot_bc_switch_entry(sw, sizeof(sw), &in, 2, &m0, &t0);
		check(e2 != NULL, "switch entry past count accepted");
		aot_err_free(e2);
	} else {
		check(false, "fast_linearswitch jdk%d: %s", feature, msg);
	}
	if (decode(sw, sizeof(sw), 28, feature, 0, &in, msg, sizeof(msg))) {
		int32_t m1;
		int64_t t1;
		struct aot_err *e1 = aot_bc_switch_entry(sw, sizeof(sw), &in, 1, &m1, &t1);
		check(in.len == 24 && aot_bc_switch_count(&in) == 2 && in.sw.low == -1 &&
		      in.sw.high == 0 && in.sw.table == 44 && in.sw.default_target == 41 && !e1 &&
		      m1 == 0 && t1 == 41,
		      "tableswitch jdk%d: len %u count %u table %u", feature, in.len,
		      aot_bc_switch_count(&in), in.sw.table);
		aot_err_free(e1);
	} else {
		check(false, "tableswitch jdk%d: %s", feature, msg);
	}

	/* Malformed. */
	const uint8_t e1[] = { 0, 0, AOT_BC_BREAKPOINT };
	expect_error("breakpoint", e1, sizeof(e1), 2, feature, 0, "breakpoint");
	const uint8_t e2[] = { 239 };
	expect_error("opcode 239", e2, sizeof(e2), 0, feature, 0, "undefined opcode");
	const uint8_t e3[] = { 255 };
	expect_error("opcode 255", e3, sizeof(e3), 0, feature, 0, "undefined opcode");
	const uint8_t e4[] = { AOT_BC_SHOULDNOTREACHHERE };
	expect_error("shouldnotreachhere", e4, sizeof(e4), 0, feature, 0, "never stored");
	const uint8_t e5[] = { 0xc4, 0 };
	expect_error("wide nop", e5, sizeof(e5), 0, feature, 0, "wide cannot modify");
	const uint8_t e6[] = { 0xc4, AOT_BC_NOFAST_ILOAD, 0, 1 };
	expect_error("wide nofast_iload", e6, sizeof(e6), 0, feature, 0, "wide cannot modify");
	const uint8_t e7[] = { 0xc4, 132, 0, 1, 0 };
	expect_error("wide iinc truncated", e7, sizeof(e7), 0, feature, 0, "truncated");
	const uint8_t e8[] = { 0, 186, 1, 2, 3 };
	expect_error("indy truncated", e8, sizeof(e8), 1, feature, 0, "truncated");
	const uint8_t e9[] = { 170, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 4 };
	expect_error("tableswitch low>high", e9, sizeof(e9), 0, feature, 0, "greater than high");
	const uint8_t e10[] = { 171, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0 };
	expect_error("lookupswitch npairs<0", e10, sizeof(e10), 0, feature, 0, "negative");
	const uint8_t e11[] = { 171, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff };
	expect_error("lookupswitch huge", e11, sizeof(e11), 0, feature, 0, "truncated");
	const uint8_t e12[] = { 170, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff };
	expect_error("tableswitch huge", e12, sizeof(e12), 0, feature, 0, "truncated");
	const uint8_t e13[] = { 167, 0, 3 };
	expect_error("goto past end", e13, sizeof(e13), 0, feature, 0, "outside the code");
	const uint8_t e14[] = { 0, 200, 0x80, 0, 0, 0 };
	expect_error("goto_w negative", e14, sizeof(e14), 1, feature, 0, "outside the code");
	const uint8_t e15[] = { 188, 3 };
	expect_error("newarray type", e15, sizeof(e15), 0, feature, 0, "array type");
	expect_error("pc past end", e15, sizeof(e15), 2, feature, 0, "past the end");
	expect_error("internal opcode unrewritten", c1, sizeof(c1), 0, feature,
		     AOT_BC_NOT_REWRITTEN, "not rewritten");
	const uint8_t e16[] = { 171, 0, 0, 0, 0, 0, 0, 0 };
	expect_error("lookupswitch truncated header", e16, sizeof(e16), 0, feature, 0, "truncated");
}

/* Switches at the very end of a 4 GiB code buffer: no pc arithmetic may wrap. */
static void test_huge(void)
{
#ifdef MAP_ANONYMOUS
	size_t sz = (size_t)UINT32_MAX;
	uint8_t *code = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	if (code == MAP_FAILED) {
		check(true, "no 4 GiB mapping; skipped");
		return;
	}
	uint32_t pcs[] = { UINT32_MAX - 1, UINT32_MAX - 4, UINT32_MAX - 13, UINT32_MAX - 20 };
	for (unsigned i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++) {
		for (int op = 170; op <= 171; op++) {
			code[pcs[i]] = (uint8_t)op;
			char what[64];
			snprintf(what, sizeof(what), "opcode %d at pc %u", op, pcs[i]);
			struct aot_bc_insn in;
			char msg[512];
			bool ok = decode(code, UINT32_MAX, pcs[i], 27, 0, &in, msg, sizeof(msg));
			/* All-zero operands: an empty lookupswitch, or a 1-entry table, may fit. */
			check(ok ? (uint64_t)in.pc + in.len <= UINT32_MAX : strstr(msg, "pc ") != NULL,
			      "%s: %s", what, ok ? "decoded past the end" : msg);
			code[pcs[i]] = 0;
		}
	}
	struct aot_bc_insn in;
	check(!decode(code, UINT32_MAX, UINT32_MAX, 27, 0, &in, NULL, 0), "pc UINT32_MAX accepted");
	munmap(code, sz);
#endif
}

static void test_synthetic(void)
{
	test_huge();
	for (int f = 0; f < NFEATURES; f++)
		test_synthetic_release(features[f]);
	const uint8_t c[] = { 0 };
	struct aot_bc_insn in;
	char msg[256];
	check(!decode(c, 1, 0, 22, 0, &in, msg, sizeof(msg)) && strstr(msg, "JDK 22"),
	      "feature 22 accepted");
	check(!decode(c, 0, 0, 17, 0, &in, msg, sizeof(msg)), "empty code accepted");
	check(!decode(NULL, 0, 0, 17, 0, &in, msg, sizeof(msg)), "NULL code accepted");
	check(aot_bc_name(17, 237) && !strcmp(aot_bc_name(17, 237), "nofast_iload") &&
	      !aot_bc_name(27, 239) && !aot_bc_name(18, 0), "aot_bc_name");
}

/* ---- (c) random and truncated buffers ------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Walk a buffer as a method's code; every result must be sane. */
static bool walk(const uint8_t *code, uint32_t len, int feature, unsigned flags)
{
	uint32_t pc = 0;
	int steps = 0;
	while (pc < len) {
		struct aot_bc_insn in;
		struct aot_err *err = aot_bc_decode_ex(code, len, pc, feature, flags, &in);
		if (err) {
			bool ok = err->code == AOT_ERR_FORMAT && err->msg && strstr(err->msg, "pc ");
			aot_err_free(err);
			return ok;
		}
		if (in.len < 1 || (uint64_t)pc + in.len > len || !in.name || !in.java_name)
			return false;
		for (uint32_t i = 0; i < aot_bc_switch_count(&in); i++) {
			int32_t m;
			int64_t t;
			struct aot_err *e = aot_bc_switch_entry(code, len, &in, i, &m, &t);
			if (!e && (t < 0 || t >= len))
				return false;
			aot_err_free(e);
		}
		pc += in.len;
		if (++steps > 100000)
			return false;
	}
	return pc == len;
}

/* One check per buffer, so the count shows how many were tried. */
static void test_random(int rounds)
{
	for (int r = 0; r < rounds; r++) {
		uint32_t len = rnd() % (r % 100 == 0 ? 4096 : 48);
		uint8_t *code = malloc(len ? len : 1);
		bool switchy = rnd() % 4 == 0;
		for (uint32_t i = 0; i < len; i++) {
			/* Bias towards small operands so switches and branches sometimes fit. */
			code[i] = (uint8_t)(switchy && rnd() % 3 ? rnd() % 8 : rnd());
			if (switchy && rnd() % 8 == 0)
				code[i] = (uint8_t)(170 + rnd() % 2);
		}
		int feature = features[rnd() % NFEATURES];
		unsigned flags = rnd() % 3 == 0 ? AOT_BC_NOT_REWRITTEN : 0;
		bool ok = walk(code, len, feature, flags);
		/* A random pc, possibly past the end. */
		struct aot_bc_insn in;
		struct aot_err *err = aot_bc_decode_ex(code, len, rnd() % (len + 2), feature, flags, &in);
		if (err && (!err->msg || !strstr(err->msg, "pc ")))
			ok = false;
		aot_err_free(err);
		free(code);
		check(ok, "random buffer %d (%u bytes, jdk%d, flags %u) misbehaved", r, len, feature,
		      flags);
	}
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : "testdata/unit/bytecodes_javap.txt";
	test_javap(data);
	test_synthetic();
	test_random(100000);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
