/* A growing byte string, for the names and lines decoders build. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aot_sb_add(struct aot_sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			free(b->s);
			b->s = NULL;
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

void aot_sb_printf(struct aot_sbuf *b, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		aot_sb_add(b, buf, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	aot_sb_add(b, big, (size_t)n);
	free(big);
}

char *aot_sb_take(struct aot_sbuf *b, size_t *len)
{
	if (!b->s && !b->failed)
		aot_sb_add(b, "", 0);
	if (len)
		*len = b->s ? b->n : 0;
	return b->s;
}

void aot_sb_str(struct aot_sbuf *b, const char *s)
{
	aot_sb_add(b, s, strlen(s));
}
