/*
 * Unit test of plugin/fieldinfo.c, runnable without the corpus:
 *
 *   cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsanitize=address,undefined -Iplugin \
 *      testdata/unit/fieldinfo_test.c plugin/fieldinfo.c plugin/err.c && ./a.out
 *
 * Real field info from the corpus (fieldinfo_cases.h), hand-built streams for
 * what the corpus lacks (@Contended, multi-byte numbers, every error), and
 * 100k mutated or random inputs that must come back cleanly.
 */
#include "fieldinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct expect_field {
	uint32_t name, sig, offset, access, flags, initval, generic, group, injected, is_static;
};

struct corpus_case {
	const char *name;
	int feature;
	uint32_t java_fields;
	const uint8_t *bytes;
	size_t len;
	const uint8_t *search;
	size_t search_len;
	const struct expect_field *fields;
	uint32_t n;
};

#include "fieldinfo_cases.h"

static int passed, failed;

static void check(bool ok, const char *what, const char *detail)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

/* The archive is little-endian; the 17 decoder takes u2 units in host order. */
static uint16_t *to_u2(const uint8_t *b, size_t len)
{
	uint16_t *u = malloc(len / 2 * sizeof(*u) + 1);
	for (size_t i = 0; i < len / 2; i++)
		u[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
	return u;
}

static struct aot_err *decode_any(int feature, const uint8_t *b, size_t len, uint32_t java_in,
				  const struct aot_fieldinfo_consts *c, struct aot_field **f,
				  uint32_t *n, uint32_t *java)
{
	if (feature == 17) {
		uint16_t *u = to_u2(b, len);
		struct aot_err *err = aot_fields_decode_17(u, (uint32_t)(len / 2), java_in, c, f, n);
		free(u);
		*java = java_in;
		return err;
	}
	return aot_fields_decode_stream(b, (uint32_t)len, feature, c, f, n, java);
}

static bool field_matches(const struct aot_field *f, const struct expect_field *e)
{
	return f->name_index == e->name && f->signature_index == e->sig && f->offset == e->offset &&
	       f->access_flags == e->access && f->field_flags == e->flags &&
	       f->initval_index == e->initval && f->generic_signature_index == e->generic &&
	       f->contended_group == e->group && f->injected == (e->injected != 0) &&
	       f->is_static == (e->is_static != 0) && f->offset_set;
}

static void test_corpus_case(const struct corpus_case *k)
{
	struct aot_field *f = NULL;
	uint32_t n = 0, java = 0;
	struct aot_err *err = decode_any(k->feature, k->bytes, k->len, k->java_fields, NULL, &f, &n, &java);
	check(!err, k->name, err ? err->msg : NULL);
	aot_err_free(err);
	check(n == k->n && java == k->java_fields, k->name, "field counts");
	for (uint32_t i = 0; i < n && i < k->n; i++) {
		char what[160];
		snprintf(what, sizeof(what), "%s field %u", k->name, i);
		check(field_matches(&f[i], &k->fields[i]), what, NULL);
	}
	if (k->search) {
		struct aot_field_search_entry *e = NULL;
		uint32_t ne = 0;
		err = aot_fields_search_table_decode(k->search, (uint32_t)k->search_len, (uint32_t)k->len,
						     f, n, java, &e, &ne);
		check(!err && ne == java, k->name, err ? err->msg : "search table");
		aot_err_free(err);
		free(e);
	}
	free(f);
}

/* ---- a tiny UNSIGNED5 writer (utilities/unsigned5.hpp write_uint) ---- */

struct wbuf {
	uint8_t b[256];
	size_t n;
};

static void put(struct wbuf *w, uint32_t v)
{
	uint32_t sum = v;
	for (int i = 0;; i++) {
		if (sum < 191 || i == 4) {
			w->b[w->n++] = (uint8_t)(1 + sum);
			return;
		}
		sum -= 191;
		w->b[w->n++] = (uint8_t)(1 + 191 + (sum % 64));
		sum >>= 6;
	}
}

static void put_field(struct wbuf *w, uint32_t name, uint32_t sig, uint32_t off, uint32_t acc,
		      uint32_t flags)
{
	put(w, name);
	put(w, sig);
	put(w, off);
	put(w, acc);
	put(w, flags);
}

static struct aot_err *dec(const struct wbuf *w, int feature, struct aot_field **f, uint32_t *n,
			   uint32_t *java)
{
	return aot_fields_decode_stream(w->b, (uint32_t)w->n, feature, NULL, f, n, java);
}

static void expect_error(struct aot_err *err, const char *what, const char *needle)
{
	check(err && err->code == AOT_ERR_FORMAT && strstr(err->msg, needle), what,
	      err ? err->msg : "no error");
	aot_err_free(err);
}

/* Every optional item, and numbers of two to five bytes. */
static void test_stream_optionals(void)
{
	struct wbuf w = { .n = 0 };
	put(&w, 2);
	put(&w, 1);
	put_field(&w, 10, 11, 0x3100, 0x0002, 1u << 0 | 1u << 2 | 1u << 4);	/* init gen cont */
	put(&w, 12);		/* initval */
	put(&w, 13);		/* generic */
	put(&w, 7);		/* contended group */
	put_field(&w, 14, 15, 200, 0x0048, 1u << 3);				/* static volatile stable */
	put_field(&w, 60000, 60001, 0xffffffffu, 0x1000, 1u << 1);		/* injected */
	w.b[w.n++] = 0;		/* JDK 21 end byte */
	struct aot_field *f = NULL;
	uint32_t n = 0, java = 0;
	struct aot_err *err = dec(&w, 21, &f, &n, &java);
	check(!err && n == 3 && java == 2, "hand stream 21", err ? err->msg : NULL);
	aot_err_free(err);
	if (n == 3) {
		check(f[0].offset == 0x3100 && f[0].initval_index == 12 &&
		      f[0].generic_signature_index == 13 && f[0].contended_group == 7 &&
		      f[0].is_contended && f[0].has_initval && f[0].has_generic, "optionals", NULL);
		check(f[1].offset == 200 && f[1].is_static && f[1].is_stable && !f[1].has_initval,
		      "static stable", NULL);
		check(f[2].injected && f[2].name_index == 60000 && f[2].offset == 0xffffffffu,
		      "injected, five-byte offset", NULL);
	}
	free(f);
	/* The same records without the end byte are a JDK 25 stream. */
	w.n--;
	err = dec(&w, 25, &f, &n, &java);
	check(!err && n == 3, "hand stream 25", err ? err->msg : NULL);
	aot_err_free(err);
	free(f);
	expect_error(dec(&w, 21, &f, &n, &java), "21 without end byte", "end byte");
	w.b[w.n++] = 0;
	expect_error(dec(&w, 25, &f, &n, &java), "25 with a stray byte", "the records end here");
}

static void test_stream_errors(void)
{
	struct aot_field *f = NULL;
	uint32_t n, java;
	struct wbuf w = { .n = 0 };
	put(&w, 1);
	put(&w, 0);
	put_field(&w, 1, 2, 0x3100, 0, 0);
	struct wbuf cut = w;
	cut.n -= 1;
	expect_error(dec(&cut, 25, &f, &n, &java), "truncated record", "ends inside");
	struct wbuf zero = w;
	zero.b[3] = 0;
	expect_error(dec(&zero, 25, &f, &n, &java), "zero byte", "zero byte");
	struct wbuf big = { .n = 0 };
	put(&big, 1);
	put(&big, 0);
	put_field(&big, 70000, 2, 12, 0, 0);
	expect_error(dec(&big, 25, &f, &n, &java), "u2 overflow", "does not fit in a u2");
	struct wbuf many = { .n = 0 };
	put(&many, 100000);
	put(&many, 0);
	expect_error(dec(&many, 25, &f, &n, &java), "huge count", "cannot fit");
	struct wbuf inj = { .n = 0 };
	put(&inj, 1);
	put(&inj, 0);
	put_field(&inj, 1, 2, 12, 0, 1u << 1);
	expect_error(dec(&inj, 25, &f, &n, &java), "injected among Java fields", "is injected");
	const uint8_t over[] = { 0xff, 0xff, 0xff, 0xff, 0xff };
	expect_error(aot_fields_decode_stream(over, 5, 25, NULL, &f, &n, &java), "33-bit number",
		     "exceeds 32 bits");
	struct aot_err *err = aot_fields_decode_stream(NULL, 0, 18, NULL, &f, &n, &java);
	check(err && err->code == AOT_ERR_UNSUPPORTED, "feature 18", NULL);
	aot_err_free(err);
}

/* Constants from a build that moved its bits must be honoured. */
static void test_consts_override(void)
{
	struct aot_fieldinfo_consts c;
	aot_fieldinfo_consts_default(25, &c);
	c.ff_generic = 6;
	c.ff_flat = 7;
	struct wbuf w = { .n = 0 };
	put(&w, 1);
	put(&w, 0);
	put_field(&w, 1, 2, 16, 0x0002, 1u << 6 | 1u << 7 | 1u << 2);
	put(&w, 9);		/* generic, at its moved bit */
	put(&w, 3);		/* layout kind */
	struct aot_field *f = NULL;
	uint32_t n = 0, java = 0;
	struct aot_err *err = aot_fields_decode_stream(w.b, (uint32_t)w.n, 25, &c, &f, &n, &java);
	check(!err && n == 1 && f[0].generic_signature_index == 9 && f[0].layout_kind == 3 &&
	      f[0].is_stable == false, "moved flag bits", err ? err->msg : NULL);
	aot_err_free(err);
	char buf[128];
	check(!strcmp(aot_field_flags_str(f ? f[0].field_flags : 0, 25, &c, buf, sizeof(buf)),
		      "generic flat 0x4"), "flags words with moved bits", buf);
	free(f);
}

static void test_17(void)
{
	/* f0: private, generic, offset 12; f1: static final with initval, contended, no offset
	 * yet; f2: injected; then f0's generic signature slot. */
	uint16_t a[] = {
		0x0802, 5, 6, 0, (12 << 2) | 1, 0,
		0x0018, 7, 8, 9, 2, 3,
		0x0400, 100, 101, 0, (40 << 2) | 1, 0,
		33,
	};
	struct aot_field *f = NULL;
	uint32_t n = 0;
	struct aot_err *err = aot_fields_decode_17(a, 19, 2, NULL, &f, &n);
	check(!err && n == 3, "17 hand array", err ? err->msg : NULL);
	aot_err_free(err);
	if (n == 3) {
		check(f[0].offset == 12 && f[0].has_generic && f[0].generic_signature_index == 33 &&
		      f[0].access_flags == 0x2 && f[0].field_flags == 0x800, "17 generic", NULL);
		check(!f[1].offset_set && f[1].is_contended && f[1].contended_group == 3 &&
		      f[1].initval_index == 9 && f[1].is_static, "17 contended tag", NULL);
		check(f[2].injected && f[2].offset == 40, "17 injected", NULL);
	}
	free(f);
	expect_error(aot_fields_decode_17(a, 18, 2, NULL, &f, &n), "17 missing generic slot",
		     "do not fill");
	expect_error(aot_fields_decode_17(a, 19, 3, NULL, &f, &n), "17 injected count", "injected");
	expect_error(aot_fields_decode_17(a, 19, 4, NULL, &f, &n), "17 java count", "exceeds");
	expect_error(aot_fields_decode_17(a, 8, 0, NULL, &f, &n), "17 half tuple", "runs past");
	char buf[128];
	check(!strcmp(aot_field_flags_str(0x0c20, 17, NULL, buf, sizeof(buf)), "injected generic stable"),
	      "17 flags words", buf);
	check(!strcmp(aot_field_access_str(0x401a, buf, sizeof(buf)), "private static final enum"),
	      "access words", buf);
	check(!strcmp(aot_field_flags_str(0x31, 21, NULL, buf, 8), "initial"), "flags words truncate",
	      buf);
}

/* ---- robustness ---- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Mutate a corpus input: truncate, flip, splice random bytes, or start afresh. */
static size_t mutate(const struct corpus_case *k, uint8_t *buf, size_t cap)
{
	size_t len = k->len < cap ? k->len : cap;
	memcpy(buf, k->bytes, len);
	switch (rnd() % 5) {
	case 0:
		len = rnd() % (len + 1);
		break;
	case 1:
		for (int i = rnd() % 4; i >= 0 && len; i--)
			buf[rnd() % len] ^= (uint8_t)(1 << (rnd() % 8));
		break;
	case 2:
		for (int i = rnd() % 4; i >= 0 && len; i--)
			buf[rnd() % len] = (uint8_t)rnd();
		break;
	case 3:
		len = rnd() % 64;
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd();
		break;
	default:
		if (len < cap)
			buf[len++] = (uint8_t)rnd();
	}
	return len;
}

static void fuzz(int rounds)
{
	size_t ncases = sizeof(corpus_cases) / sizeof(corpus_cases[0]);
	int bad = 0, decoded = 0;
	uint8_t buf[4096];
	for (int r = 0; r < rounds; r++) {
		const struct corpus_case *k = &corpus_cases[rnd() % ncases];
		size_t len = mutate(k, buf, sizeof(buf));
		int feature = (int[]){ 17, 21, 25, 26, 27 }[rnd() % 5];
		uint32_t java_in = rnd() % 4 ? k->java_fields : rnd() % 40;
		struct aot_field *f = NULL;
		uint32_t n = 0, java = 0;
		struct aot_err *err = decode_any(feature, buf, len, java_in, NULL, &f, &n, &java);
		if ((err && (f || n || !err->msg)) || (!err && n && !f))
			bad++;
		decoded += !err;
		if (!err && f && feature >= 25 && java > 0 && len > 0) {
			struct aot_field_search_entry *e = NULL;
			uint32_t ne;
			size_t sl = k->search && rnd() % 2 ? k->search_len : rnd() % 64;
			uint8_t table[256];
			for (size_t i = 0; i < sl && i < sizeof(table); i++)
				table[i] = k->search && k->search_len == sl && rnd() % 8 ? k->search[i] : (uint8_t)rnd();
			struct aot_err *e2 = aot_fields_search_table_decode(table, (uint32_t)(sl < 256 ? sl : 256),
									    (uint32_t)len, f, n, java, &e, &ne);
			aot_err_free(e2);
			free(e);
		}
		aot_err_free(err);
		free(f);
	}
	check(bad == 0, "fuzz: error xor result", NULL);
	printf("fuzz: %d inputs, %d decoded, %d rejected\n", rounds, decoded, rounds - decoded);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(corpus_cases) / sizeof(corpus_cases[0]); i++)
		test_corpus_case(&corpus_cases[i]);
	test_stream_optionals();
	test_stream_errors();
	test_consts_override();
	test_17();
	fuzz(100000);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
