#include "jname.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* The finished string, or NULL if memory ran out. */
static char *sb_done(struct aot_sbuf *b)
{
	return aot_sb_take(b, NULL);
}

/* A hidden class's name ends in "+0x<hex>" (ClassFileParser::mangle_hidden_class_name). */
static const char *hidden_suffix(const char *s, size_t n)
{
	const char *plus = memrchr(s, '+', n);
	if (!plus || plus + 3 > s + n || plus[1] != '0' || plus[2] != 'x')
		return NULL;
	for (const char *p = plus + 3; p < s + n; p++)
		if (!strchr("0123456789abcdefABCDEF", *p))
			return NULL;
	return plus;
}

bool aot_jname_is_hidden(const char *internal)
{
	return hidden_suffix(internal, strlen(internal)) != NULL;
}

static void add_class(struct aot_sbuf *b, const char *s, size_t n)
{
	const char *plus = hidden_suffix(s, n);
	for (size_t i = 0; i < n && !b->failed; i++) {
		char c = s[i] == '/' ? '.' : s + i == plus ? '/' : s[i];
		aot_sb_add(b, &c, 1);
	}
}

char *aot_jname_class(const char *internal)
{
	struct aot_sbuf b = { 0 };
	add_class(&b, internal, strlen(internal));
	return sb_done(&b);
}

static bool add_type(struct aot_sbuf *b, const char **p)
{
	unsigned dims = 0;
	while (**p == '[') {
		dims++;
		(*p)++;
	}
	static const char *const prim[128] = {
		['B'] = "byte", ['C'] = "char", ['D'] = "double", ['F'] = "float", ['I'] = "int",
		['J'] = "long", ['S'] = "short", ['Z'] = "boolean", ['V'] = "void",
	};
	unsigned char c = (unsigned char)**p;
	if (c == 'L') {
		const char *end = strchr(*p, ';');
		if (!end)
			return false;
		add_class(b, *p + 1, (size_t)(end - *p - 1));
		*p = end + 1;
	} else if (c < 128 && prim[c]) {
		aot_sb_str(b, prim[c]);
		(*p)++;
	} else {
		return false;
	}
	while (dims--)
		aot_sb_str(b, "[]");
	return true;
}

char *aot_jname_field_type(const char **p)
{
	struct aot_sbuf b = { 0 };
	if (!add_type(&b, p)) {
		free(b.s);
		return NULL;
	}
	return sb_done(&b);
}

char *aot_jname_method(const char *holder_external, const char *name, const char *sig)
{
	const char *ret = strchr(sig, ')');
	if (sig[0] != '(' || !ret)
		return NULL;
	struct aot_sbuf b = { 0 };
	const char *r = ret + 1;
	bool ok = add_type(&b, &r) && *r == 0;
	aot_sb_str(&b, " ");
	aot_sb_str(&b, holder_external);
	aot_sb_str(&b, ".");
	aot_sb_str(&b, name);
	aot_sb_str(&b, "(");
	const char *p = sig + 1;
	for (bool first = true; ok && p < ret; first = false) {
		if (!first)
			aot_sb_str(&b, ", ");
		ok = add_type(&b, &p) && p <= ret;
	}
	aot_sb_str(&b, ")");
	if (!ok) {
		free(b.s);
		return NULL;
	}
	return sb_done(&b);
}

struct flag_word {
	uint32_t bit;
	const char *word;
	unsigned char of;	/* bit mask of 1 << enum aot_flags_of */
};

#define C (1u << AOT_FLAGS_CLASS)
#define M (1u << AOT_FLAGS_METHOD)
#define F (1u << AOT_FLAGS_FIELD)
/* JVMS 4.1, 4.5, 4.6: the same bit means different things per kind. */
static const struct flag_word flag_words[] = {
	{ 0x0001, "public", C | M | F },    { 0x0002, "private", M | F },
	{ 0x0004, "protected", M | F },	    { 0x0008, "static", M | F },
	{ 0x0010, "final", C | M | F },	    { 0x0020, "super", C },
	{ 0x0020, "synchronized", M },	    { 0x0040, "volatile", F },
	{ 0x0040, "bridge", M },	    { 0x0080, "transient", F },
	{ 0x0080, "varargs", M },	    { 0x0100, "native", M },
	{ 0x0200, "interface", C },	    { 0x0400, "abstract", C | M },
	{ 0x0800, "strict", M },	    { 0x1000, "synthetic", C | M | F },
	{ 0x2000, "annotation", C },	    { 0x4000, "enum", C | F },
	{ 0x8000, "module", C },
};
#undef C
#undef M
#undef F

void aot_jname_flags(uint32_t flags, enum aot_flags_of of, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++) {
		const struct flag_word *w = &flag_words[i];
		if (!(flags & w->bit) || !(w->of & (1u << of)))
			continue;
		size_t wl = strlen(w->word);
		if (n + wl + 2 > len)
			break;
		if (n)
			buf[n++] = ' ';
		memcpy(buf + n, w->word, wl + 1);
		n += wl;
	}
}
